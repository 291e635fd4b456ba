#define G_LOG_DOMAIN "carrete-jwt"

#include "carrete-jwt.h"

#include <errno.h>
#include <jwt.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "carrete-error.h"
#include "carrete-jwk.h"

#define MAX_TOKEN_LEN 4096

struct _CarreteJwt
{
  char *public_pem;
  gsize public_pem_len;
  char *private_pem;
  gsize private_pem_len;
  char *issuer;
  char *audience;
  CarreteJwk jwk;
};

G_DEFINE_AUTOPTR_CLEANUP_FUNC (jwt_t, jwt_free)

CarreteJwt *
carrete_jwt_new (const char *public_key_path, const char *issuer, const char *audience,
                 GError **error)
{
  g_autoptr (CarreteJwt) jwt = g_new0 (CarreteJwt, 1);
  g_autoptr (GError) local_error = NULL;

  if (!g_file_get_contents (public_key_path, &jwt->public_pem, &jwt->public_pem_len, &local_error))
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG, "%s", local_error->message);
      return NULL;
    }
  if (!carrete_jwk_from_public_pem (jwt->public_pem, jwt->public_pem_len, &jwt->jwk, error))
    return NULL;
  jwt->issuer = g_strdup (issuer);
  jwt->audience = g_strdup (audience);
  return g_steal_pointer (&jwt);
}

void
carrete_jwt_free (CarreteJwt *jwt)
{
  if (jwt == NULL)
    return;
  g_free (jwt->public_pem);
  if (jwt->private_pem != NULL)
    sodium_memzero (jwt->private_pem, jwt->private_pem_len);
  g_free (jwt->private_pem);
  g_free (jwt->issuer);
  g_free (jwt->audience);
  carrete_jwk_clear (&jwt->jwk);
  g_free (jwt);
}

gboolean
carrete_jwt_load_private_key (CarreteJwt *jwt, const char *private_key_path, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *pem = NULL;
  gsize len = 0;

  if (!g_file_get_contents (private_key_path, &pem, &len, &local_error))
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG, "%s", local_error->message);
      return FALSE;
    }
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

/* `aud` may be a string or an array of strings (RFC 7519 §4.1.3). */
static gboolean
audience_matches (jwt_t *token, const char *audience)
{
  const char *single = jwt_get_grant (token, "aud");
  char *json;
  g_autoptr (JsonNode) node = NULL;
  gboolean found = FALSE;

  if (single != NULL)
    return g_str_equal (single, audience);
  json = jwt_get_grants_json (token, "aud");
  if (json == NULL)
    return FALSE;
  node = json_from_string (json, NULL);
  free (json);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
    {
      JsonNode *item = json_array_get_element (json_node_get_array (node), i);
      if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING
          && g_str_equal (json_node_get_string (item), audience))
        found = TRUE;
    }
  return found;
}

static gboolean
read_int_claim (jwt_t *token, const char *name, gint64 *value)
{
  long v;

  errno = 0;
  v = jwt_get_grant_int (token, name);
  if (errno != 0)
    return FALSE;
  *value = v;
  return TRUE;
}

static gboolean
check_claims (CarreteJwt *jwt, jwt_t *token, gint64 now, GError **error)
{
  const char *kid = jwt_get_header (token, "kid");
  const char *iss = jwt_get_grant (token, "iss");
  gint64 exp = 0, nbf = 0;

  /* libjwt verifies with whatever algorithm the header names; an HS256 token
   * keyed with our public PEM would pass, so the algorithm is pinned here. */
  if (jwt_get_alg (token) != JWT_ALG_ES256)
    return unauthorized (error, "token algorithm is not ES256");
  if (kid == NULL || !g_str_equal (kid, jwt->jwk.thumbprint))
    return unauthorized (error, "token was signed by an unknown key");
  if (!read_int_claim (token, "exp", &exp))
    return unauthorized (error, "token has no expiry");
  if (exp <= now)
    return unauthorized (error, "token has expired");
  if (read_int_claim (token, "nbf", &nbf) && nbf > now)
    return unauthorized (error, "token is not valid yet");
  if (iss == NULL || !g_str_equal (iss, jwt->issuer))
    return unauthorized (error, "token was issued by someone else");
  if (!audience_matches (token, jwt->audience))
    return unauthorized (error, "token is meant for another audience");
  if (jwt_get_grant (token, "sub") == NULL || jwt_get_grant (token, "role") == NULL)
    return unauthorized (error, "token lacks subject or role");
  return TRUE;
}

CarreteClaims *
carrete_jwt_verify (CarreteJwt *jwt, const char *token_text, gint64 now, GError **error)
{
  g_autoptr (jwt_t) token = NULL;
  CarreteClaims *claims;

  if (token_text == NULL || strlen (token_text) > MAX_TOKEN_LEN)
    {
      unauthorized (error, "token is missing or too long");
      return NULL;
    }
  /* The key is always passed: with a NULL key libjwt accepts alg "none". */
  if (jwt_decode (&token, token_text, (const unsigned char *) jwt->public_pem,
                  (int) jwt->public_pem_len)
          != 0
      || token == NULL)
    {
      unauthorized (error, "token signature or format is invalid");
      return NULL;
    }
  if (!check_claims (jwt, token, now, error))
    return NULL;

  claims = g_new0 (CarreteClaims, 1);
  claims->sub = g_strdup (jwt_get_grant (token, "sub"));
  claims->role = g_strdup (jwt_get_grant (token, "role"));
  claims->jti = g_strdup (jwt_get_grant (token, "jti"));
  read_int_claim (token, "exp", &claims->exp);
  return claims;
}

JsonNode *
carrete_jwt_get_jwks (CarreteJwt *jwt)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "keys");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kty");
  json_builder_add_string_value (builder, "EC");
  json_builder_set_member_name (builder, "crv");
  json_builder_add_string_value (builder, "P-256");
  json_builder_set_member_name (builder, "x");
  json_builder_add_string_value (builder, jwt->jwk.x);
  json_builder_set_member_name (builder, "y");
  json_builder_add_string_value (builder, jwt->jwk.y);
  json_builder_set_member_name (builder, "use");
  json_builder_add_string_value (builder, "sig");
  json_builder_set_member_name (builder, "alg");
  json_builder_add_string_value (builder, "ES256");
  json_builder_set_member_name (builder, "kid");
  json_builder_add_string_value (builder, jwt->jwk.thumbprint);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
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
