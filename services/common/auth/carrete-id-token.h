#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* OpenID Connect ID tokens (Core 1.0 §3.1.3.7), verified against the
 * provider's JSON Web Key Set.  Pure: the caller fetches the keys.
 * Only RS256 and ES256 are ever accepted, and of those only the ones the
 * provider's discovery document lists; `none` and HS* never are. */
typedef struct
{
  const char *issuer;            /* `iss` must equal it exactly */
  const char *client_id;         /* must be in `aud` (and be `azp` when there is one) */
  const char *nonce;             /* `nonce` must equal it */
  const char *const *algorithms; /* NULL-terminated, what the provider signs with */
  gint64 now;                    /* seconds since the epoch */
  guint leeway;                  /* seconds of clock difference allowed */
} CarreteIdTokenCheck;

/* What carrete-users reads of a verified token (README, "OpenID Connect"). */
typedef struct
{
  char *subject;            /* `sub` */
  char *email;              /* `email`, NULL when absent */
  gboolean email_verified;  /* `email_verified` is true */
  char *preferred_username; /* NULL when absent */
  char *id_token;           /* the token itself when the caller keeps it (an
                               id_token_hint at sign-out), else NULL */
} CarreteIdClaims;

/* The algorithms we accept of those the provider lists (a JSON array of
 * strings, may be NULL): a NULL-terminated list, empty when none. */
GStrv carrete_id_token_algorithms (JsonArray *listed);

/* Any failure is CARRETE_ERROR_UNAUTHORIZED with a reason fit for a
 * problem's detail, except a `kid` that `jwks` does not hold:
 * CARRETE_ERROR_NOT_FOUND, so that the caller fetches the keys again. */
CarreteIdClaims *carrete_id_token_verify (const char *token, JsonObject *jwks,
                                          const CarreteIdTokenCheck *check, GError **error);

void carrete_id_claims_free (CarreteIdClaims *claims);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarreteIdClaims, carrete_id_claims_free)

G_END_DECLS
