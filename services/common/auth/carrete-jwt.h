#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* ES256 access tokens.  Every service verifies with the public key; only
 * carrete-users loads the private key and signs (with libjwt).  Verification
 * is our own, with the key parsed once: the algorithm must be exactly ES256,
 * `kid` must name our key, and `exp` (required), `nbf`, `iss` and `aud`
 * must hold. */
typedef struct _CarreteJwt CarreteJwt;

typedef struct
{
  char *sub;  /* opaque user id */
  char *role; /* "user" or "admin" */
  char *jti;
  gint64 exp;
} CarreteClaims;

CarreteJwt *carrete_jwt_new (const char *public_key_path, const char *issuer, const char *audience,
                             GError **error);
void carrete_jwt_free (CarreteJwt *jwt);

/* Loads the signing key and checks that it pairs with the public key. */
gboolean carrete_jwt_load_private_key (CarreteJwt *jwt, const char *private_key_path,
                                       GError **error);

char *carrete_jwt_sign (CarreteJwt *jwt, const char *sub, const char *role, gint64 now,
                        guint ttl_seconds, GError **error);
/* Any failure is CARRETE_ERROR_UNAUTHORIZED with a reason fit for logs.
 * Remembers verified tokens until their expiry, so call it from one thread
 * (the main loop). */
CarreteClaims *carrete_jwt_verify (CarreteJwt *jwt, const char *token, gint64 now,
                                   GError **error);

const char *carrete_jwt_get_kid (CarreteJwt *jwt);
/* The JSON Web Key Set with our public key, as JSON text (the caller
 * frees it). */
GString *carrete_jwt_get_jwks (CarreteJwt *jwt);

void carrete_claims_free (CarreteClaims *claims);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarreteJwt, carrete_jwt_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarreteClaims, carrete_claims_free)

G_END_DECLS
