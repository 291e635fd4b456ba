-- Share links (DESIGN.md, "Sharing"): a folder or a single photo shown to
-- whoever holds the token.  Only the token's SHA-256 is stored (its 256
-- random bits need no slow hash) and the password's argon2id hash.
-- owner_id and photo_id are other databases' row ids (no foreign key); a
-- folder's links go with the folder.  A revoked link's row is deleted.
CREATE TABLE shares (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  owner_id       bigint NOT NULL,
  folder_id      bigint REFERENCES folders (id) ON DELETE CASCADE,
  photo_id       bigint,
  token_hash     bytea NOT NULL UNIQUE,
  password_hash  text,
  allow_download boolean NOT NULL,
  label          text CHECK (char_length(label) BETWEEN 1 AND 128),
  expires_at     timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  use_count      bigint NOT NULL DEFAULT 0,
  last_used_at   timestamptz,
  CHECK ((folder_id IS NULL) <> (photo_id IS NULL))
);

-- The owner's list of a folder's or a photo's links, oldest first (keyset),
-- and the count of live ones checked at creation.
CREATE INDEX shares_folder_idx ON shares (folder_id, created_at, id) WHERE folder_id IS NOT NULL;
CREATE INDEX shares_photo_idx ON shares (photo_id, created_at, id) WHERE photo_id IS NOT NULL;
-- A deleted account's links.
CREATE INDEX shares_owner_idx ON shares (owner_id);

-- Wrong link passwords, counted as carrete-users counts failed logins
-- (services/common/db/carrete-throttle.c: same table, same statements).
CREATE TABLE login_failures (
  key           text PRIMARY KEY,
  failures      integer NOT NULL,
  window_start  timestamptz NOT NULL
);
