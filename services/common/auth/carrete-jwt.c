#define G_LOG_DOMAIN "carrete-jwt"

#include "carrete-jwt.h"

#include <errno.h>
#include <jwt.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "carrete-base64url.h"
#include "carrete-error.h"
#include "carrete-es256.h"
#include "carrete-json-writer.h"
#include "carrete-jws.h"
#include "carrete-jwk.h"
#include "carrete-keys.h"

#define MAX_TOKEN_LEN 4096
/* Verified tokens remembered, keyed by their exact text.  A hit skips one
 * ECDSA verification (the largest cost of an authenticated request); an
 * entry never outlives the token's own `exp`.  Bounded: when full, the
 * cache starts over. */
#define VERIFIED_CACHE_MAX 4096

struct _CarreteJwt
{
  char *private_pem;
  gsize private_pem_len;
  char *issuer;
  char *audience;
  CarreteJwk jwk;
  GHashTable *verified; /* token text → CarreteClaims */
};

G_DEFINE_AUTOPTR_CLEANUP_FUNC (jwt_t, jwt_free)

CarreteJwt *
carrete_jwt_new (const char *public_key_path, const char *issuer, const char *audience,
                 GError **error)
{
  g_autoptr (CarreteJwt) jwt = g_new0 (CarreteJwt, 1);
  g_autofree char *pem = NULL;
  gsize pem_len = 0;

  if (!carrete_key_file_read (public_key_path, &pem, &pem_len, error)
      || !carrete_jwk_from_public_pem (pem, pem_len, &jwt->jwk, error))
    return NULL;
  jwt->issuer = g_strdup (issuer);
  jwt->audience = g_strdup (audience);
  jwt->verified = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) carrete_claims_free);
  return g_steal_pointer (&jwt);
}

void
carrete_jwt_free (CarreteJwt *jwt)
{
  if (jwt == NULL)
    return;
  if (jwt->private_pem != NULL)
    sodium_memzero (jwt->private_pem, jwt->private_pem_len);
  g_free (jwt->private_pem);
  g_free (jwt->issuer);
  g_free (jwt->audience);
  g_clear_pointer (&jwt->verified, g_hash_table_unref);
  carrete_jwk_clear (&jwt->jwk);
  g_free (jwt);
}

gboolean
carrete_jwt_load_private_key (CarreteJwt *jwt, const char *private_key_path, GError **error)
{
  g_autofree char *pem = NULL;
  gsize len = 0;

  if (!carrete_key_file_read (private_key_path, &pem, &len, error))
    return FALSE;
  if (!carrete_jwk_matches_private_pem (&jwt->jwk, pem, len, error))
    {
      sodium_memzero (pem, len);
      return FALSE;
    }
  jwt->private_pem = g_steal_pointer (&pem);
  jwt->private_pem_len = len;
  return TRUE;
}

const char *
carrete_jwt_get_kid (CarreteJwt *jwt)
{
  return jwt->jwk.thumbprint;
}

static char *
random_jti (void)
{
  guint8 bytes[16];
  char hex[sizeof bytes * 2 + 1];

  randombytes_buf (bytes, sizeof bytes);
  return g_strdup (sodium_bin2hex (hex, sizeof hex, bytes, sizeof bytes));
}

char *
carrete_jwt_sign (CarreteJwt *jwt, const char *sub, const char *role, gint64 now,
                  guint ttl_seconds, GError **error)
{
  g_autoptr (jwt_t) token = NULL;
  g_autofree char *jti = random_jti ();
  char *encoded;
  char *copy;

  g_return_val_if_fail (jwt->private_pem != NULL, NULL);
  if (jwt_new (&token) != 0
      || jwt_set_alg (token, JWT_ALG_ES256, (const unsigned char *) jwt->private_pem,
                      (int) jwt->private_pem_len) != 0
      || jwt_add_header (token, "kid", jwt->jwk.thumbprint) != 0
      || jwt_add_grant (token, "sub", sub) != 0 || jwt_add_grant (token, "iss", jwt->issuer) != 0
      || jwt_add_grant (token, "aud", jwt->audience) != 0
      || jwt_add_grant (token, "role", role) != 0 || jwt_add_grant (token, "jti", jti) != 0
      || jwt_add_grant_int (token, "iat", (long) now) != 0
      || jwt_add_grant_int (token, "exp", (long) (now + ttl_seconds)) != 0)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "cannot build the access token");
      return NULL;
    }
  encoded = jwt_encode_str (token);
  if (encoded == NULL)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "cannot sign the access token");
      return NULL;
    }
  copy = g_strdup (encoded);
  free (encoded);
  return copy;
}

static gboolean
unauthorized (GError **error, const char *reason)
{
  g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_UNAUTHORIZED, "%s", reason);
  return FALSE;
}

/* The header must name exactly our algorithm and key.  Pinning the
 * algorithm here rules out "none" and HS256-with-the-public-key. */
static gboolean
check_header (CarreteJwt *jwt, JsonObject *header, GError **error)
{
  const char *kid;

  if (header == NULL)
    return unauthorized (error, "token header is not a JSON object");
  kid = carrete_jws_string_claim (header, "kid");
  if (g_strcmp0 (carrete_jws_string_claim (header, "alg"), "ES256") != 0)
    return unauthorized (error, "token algorithm is not ES256");
  if (kid == NULL || !g_str_equal (kid, jwt->jwk.thumbprint))
    return unauthorized (error, "token was signed by an unknown key");
  if (json_object_has_member (header, "crit"))
    return unauthorized (error, "token has critical extensions");
  return TRUE;
}

static gboolean
check_claims (CarreteJwt *jwt, JsonObject *claims, gint64 now, GError **error)
{
  gint64 exp = 0, nbf = 0;

  if (claims == NULL)
    return unauthorized (error, "token payload is not a JSON object");
  if (!carrete_jws_int_claim (claims, "exp", &exp))
    return unauthorized (error, "token has no expiry");
  if (exp <= now)
    return unauthorized (error, "token has expired");
  if (json_object_has_member (claims, "nbf")
      && (!carrete_jws_int_claim (claims, "nbf", &nbf) || nbf > now))
    return unauthorized (error, "token is not valid yet");
  if (g_strcmp0 (carrete_jws_string_claim (claims, "iss"), jwt->issuer) != 0)
    return unauthorized (error, "token was issued by someone else");
  if (!carrete_jws_audience_matches (claims, jwt->audience))
    return unauthorized (error, "token is meant for another audience");
  if (carrete_jws_string_claim (claims, "sub") == NULL
      || carrete_jws_string_claim (claims, "role") == NULL)
    return unauthorized (error, "token lacks subject or role");
  return TRUE;
}

static CarreteClaims *
claims_copy (const CarreteClaims *claims)
{
  CarreteClaims *copy = g_new0 (CarreteClaims, 1);

  copy->sub = g_strdup (claims->sub);
  copy->role = g_strdup (claims->role);
  copy->jti = g_strdup (claims->jti);
  copy->exp = claims->exp;
  return copy;
}

static CarreteClaims *verify_uncached (CarreteJwt *jwt, const char *token, gint64 now,
                                       GError **error);

CarreteClaims *
carrete_jwt_verify (CarreteJwt *jwt, const char *token, gint64 now, GError **error)
{
  const CarreteClaims *known = token != NULL ? g_hash_table_lookup (jwt->verified, token) : NULL;
  CarreteClaims *claims;

  if (known != NULL && known->exp > now)
    return claims_copy (known);
  claims = verify_uncached (jwt, token, now, error);
  if (claims == NULL)
    return NULL;
  if (g_hash_table_size (jwt->verified) >= VERIFIED_CACHE_MAX)
    g_hash_table_remove_all (jwt->verified);
  g_hash_table_replace (jwt->verified, g_strdup (token), claims_copy (claims));
  return claims;
}

/* Verification is done here rather than by libjwt: libjwt 1.10 parses the
 * PEM key on every call (most of the CPU of an authenticated request) and
 * leaves the algorithm, exp, nbf, iss and aud checks to the caller anyway.
 * Only a token that passes every check reaches the cache above. */
static CarreteClaims *
verify_uncached (CarreteJwt *jwt, const char *token, gint64 now, GError **error)
{
  g_auto (GStrv) parts = NULL;
  g_autoptr (GBytes) signature = NULL;
  g_autoptr (JsonObject) header = NULL;
  g_autoptr (JsonObject) claims = NULL;
  CarreteClaims *result;
  gsize signed_len;

  if (token == NULL || strlen (token) > MAX_TOKEN_LEN)
    {
      unauthorized (error, "token is missing or too long");
      return NULL;
    }
  parts = g_strsplit (token, ".", 4);
  if (g_strv_length (parts) != 3)
    {
      unauthorized (error, "token is not three base64url parts");
      return NULL;
    }
  header = carrete_jws_decode_json_part (parts[0], strlen (parts[0]), MAX_TOKEN_LEN);
  if (!check_header (jwt, header, error))
    return NULL;
  signature = carrete_jws_decode_part (parts[2], strlen (parts[2]), CARRETE_ES256_SIGNATURE_BYTES);
  signed_len = strlen (parts[0]) + 1 + strlen (parts[1]);
  if (signature == NULL || g_bytes_get_size (signature) != CARRETE_ES256_SIGNATURE_BYTES
      || !carrete_es256_verify (jwt->jwk.public_key, token, signed_len,
                                g_bytes_get_data (signature, NULL)))
    {
      unauthorized (error, "token signature is invalid");
      return NULL;
    }
  claims = carrete_jws_decode_json_part (parts[1], strlen (parts[1]), MAX_TOKEN_LEN);
  if (!check_claims (jwt, claims, now, error))
    return NULL;

  result = g_new0 (CarreteClaims, 1);
  result->sub = g_strdup (carrete_jws_string_claim (claims, "sub"));
  result->role = g_strdup (carrete_jws_string_claim (claims, "role"));
  result->jti = g_strdup (carrete_jws_string_claim (claims, "jti"));
  carrete_jws_int_claim (claims, "exp", &result->exp);
  return result;
}

static void
write_member (CarreteJsonWriter *writer, const char *name, const char *value)
{
  carrete_json_writer_member (writer, name);
  carrete_json_writer_string (writer, value);
}

GString *
carrete_jwt_get_jwks (CarreteJwt *jwt)
{
  GString *text = g_string_new (NULL);
  CarreteJsonWriter writer;

  carrete_json_writer_init (&writer, text);
  carrete_json_writer_begin_object (&writer);
  carrete_json_writer_member (&writer, "keys");
  carrete_json_writer_begin_array (&writer);
  carrete_json_writer_begin_object (&writer);
  write_member (&writer, "kty", "EC");
  write_member (&writer, "crv", "P-256");
  write_member (&writer, "x", jwt->jwk.x);
  write_member (&writer, "y", jwt->jwk.y);
  write_member (&writer, "use", "sig");
  write_member (&writer, "alg", "ES256");
  write_member (&writer, "kid", jwt->jwk.thumbprint);
  carrete_json_writer_end_object (&writer);
  carrete_json_writer_end_array (&writer);
  carrete_json_writer_end_object (&writer);
  return text;
}

void
carrete_claims_free (CarreteClaims *claims)
{
  if (claims == NULL)
    return;
  g_free (claims->sub);
  g_free (claims->role);
  g_free (claims->jti);
  g_free (claims);
}
