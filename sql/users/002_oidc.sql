-- OpenID Connect sign-in (README, "OpenID Connect").
--
-- A sign-in between GET /v1/auth/oidc/start and POST /v1/auth/oidc/callback:
-- keyed by the SHA-256 of its `state`, used once (the callback deletes it),
-- and good for ten minutes.  `code_verifier` is ours when the service made
-- the PKCE pair; a client that made its own (the desktop app) leaves it
-- NULL and its `code_challenge` is kept instead.
CREATE TABLE oidc_logins (
  state_hash     bytea PRIMARY KEY,
  nonce          text NOT NULL,
  code_verifier  text,
  code_challenge text,
  redirect_uri   text NOT NULL,
  expires_at     timestamptz NOT NULL,
  CHECK ((code_verifier IS NULL) <> (code_challenge IS NULL))
);

CREATE INDEX oidc_logins_expires_idx ON oidc_logins (expires_at);

-- The provider's account (issuer, subject) each Carrete account signs in as.
CREATE TABLE oidc_identities (
  issuer     text NOT NULL,
  subject    text NOT NULL,
  user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (issuer, subject)
);

CREATE INDEX oidc_identities_user_idx ON oidc_identities (user_id);
