#define G_LOG_DOMAIN "carrete-id-token"

#include "carrete-id-token.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <string.h>

#include "carrete-base64url.h"
#include "carrete-error.h"
#include "carrete-es256.h"
#include "carrete-jws.h"

#define MAX_ID_TOKEN_LEN (16 * 1024)
#define MAX_SIGNATURE_BYTES 1024 /* an RSA-8192 signature */
#define MIN_RSA_BITS 2048

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY, EVP_PKEY_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY_CTX, EVP_PKEY_CTX_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OSSL_PARAM_BLD, OSSL_PARAM_BLD_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OSSL_PARAM, OSSL_PARAM_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BIGNUM, BN_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_MD_CTX, EVP_MD_CTX_free)

static const char *const supported[] = { "RS256", "ES256", NULL };

static gpointer
fail (GError **error, const char *reason)
{
  g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_UNAUTHORIZED, "The ID token %s.", reason);
  return NULL;
}

GStrv
carrete_id_token_algorithms (JsonArray *listed)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; supported[i] != NULL; i++)
    for (guint j = 0; listed != NULL && j < json_array_get_length (listed); j++)
      {
        JsonNode *node = json_array_get_element (listed, j);
        if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
            && g_str_equal (json_node_get_string (node), supported[i]))
          {
            g_strv_builder_add (builder, supported[i]);
            break;
          }
      }
  return g_strv_builder_end (builder);
}

/* ---- keys ------------------------------------------------------------------ */

static EVP_PKEY *
key_from_params (const char *type, OSSL_PARAM_BLD *builder)
{
  g_autoptr (OSSL_PARAM) params = OSSL_PARAM_BLD_to_param (builder);
  g_autoptr (EVP_PKEY_CTX) ctx = EVP_PKEY_CTX_new_from_name (NULL, type, NULL);
  EVP_PKEY *key = NULL;

  if (params == NULL || ctx == NULL || EVP_PKEY_fromdata_init (ctx) != 1
      || EVP_PKEY_fromdata (ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1)
    return NULL;
  return key;
}

static BIGNUM *
member_bignum (JsonObject *jwk, const char *name)
{
  const char *text = carrete_jws_string_claim (jwk, name);
  g_autoptr (GBytes) bytes = text != NULL ? carrete_base64url_decode (text, strlen (text)) : NULL;

  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    return NULL;
  return BN_bin2bn (g_bytes_get_data (bytes, NULL), (int) g_bytes_get_size (bytes), NULL);
}

static EVP_PKEY *
rsa_key (JsonObject *jwk)
{
  g_autoptr (BIGNUM) n = member_bignum (jwk, "n");
  g_autoptr (BIGNUM) e = member_bignum (jwk, "e");
  g_autoptr (OSSL_PARAM_BLD) builder = OSSL_PARAM_BLD_new ();

  if (n == NULL || e == NULL || builder == NULL || BN_num_bits (n) < MIN_RSA_BITS
      || !OSSL_PARAM_BLD_push_BN (builder, OSSL_PKEY_PARAM_RSA_N, n)
      || !OSSL_PARAM_BLD_push_BN (builder, OSSL_PKEY_PARAM_RSA_E, e))
    return NULL;
  return key_from_params ("RSA", builder);
}

static EVP_PKEY *
p256_key (JsonObject *jwk)
{
  const char *x = carrete_jws_string_claim (jwk, "x");
  const char *y = carrete_jws_string_claim (jwk, "y");
  g_autoptr (GBytes) xb = x != NULL ? carrete_base64url_decode (x, strlen (x)) : NULL;
  g_autoptr (GBytes) yb = y != NULL ? carrete_base64url_decode (y, strlen (y)) : NULL;
  g_autoptr (OSSL_PARAM_BLD) builder = OSSL_PARAM_BLD_new ();
  guint8 point[65];

  if (g_strcmp0 (carrete_jws_string_claim (jwk, "crv"), "P-256") != 0 || xb == NULL || yb == NULL
      || g_bytes_get_size (xb) != 32 || g_bytes_get_size (yb) != 32 || builder == NULL)
    return NULL;
  /* An uncompressed point: 0x04 || x || y.  OpenSSL checks it is on the curve. */
  point[0] = 0x04;
  memcpy (point + 1, g_bytes_get_data (xb, NULL), 32);
  memcpy (point + 33, g_bytes_get_data (yb, NULL), 32);
  if (!OSSL_PARAM_BLD_push_utf8_string (builder, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0)
      || !OSSL_PARAM_BLD_push_octet_string (builder, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point))
    return NULL;
  return key_from_params ("EC", builder);
}

/* A key fit for `alg`: its type matches, it signs, and its own `alg`, if
 * any, is `alg`. */
static gboolean
key_fits (JsonObject *jwk, const char *alg)
{
  const char *kty = carrete_jws_string_claim (jwk, "kty");
  const char *use = carrete_jws_string_claim (jwk, "use");
  const char *key_alg = carrete_jws_string_claim (jwk, "alg");

  if (use != NULL && !g_str_equal (use, "sig"))
    return FALSE;
  if (key_alg != NULL && !g_str_equal (key_alg, alg))
    return FALSE;
  return g_strcmp0 (kty, g_str_equal (alg, "RS256") ? "RSA" : "EC") == 0;
}

/* The key named by `kid` (or the only key fit for `alg` when the header
 * names none). */
static JsonObject *
find_key (JsonObject *jwks, const char *kid, const char *alg, GError **error)
{
  JsonNode *keys = jwks != NULL ? json_object_get_member (jwks, "keys") : NULL;
  JsonArray *array
      = keys != NULL && JSON_NODE_HOLDS_ARRAY (keys) ? json_node_get_array (keys) : NULL;
  JsonObject *found = NULL;
  guint fitting = 0;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *jwk = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      if (jwk == NULL || !key_fits (jwk, alg))
        continue;
      if (kid != NULL && g_strcmp0 (carrete_jws_string_claim (jwk, "kid"), kid) == 0)
        return jwk;
      if (kid == NULL)
        {
          found = jwk;
          fitting++;
        }
    }
  if (kid == NULL && fitting == 1)
    return found;
  g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND,
               "The ID token was signed by a key the provider does not publish.");
  return NULL;
}

static gboolean
signature_valid (JsonObject *jwk, const char *alg, const char *token, gsize signed_len,
                 GBytes *signature)
{
  g_autoptr (EVP_PKEY) key = NULL;
  g_autoptr (EVP_MD_CTX) ctx = NULL;

  if (g_str_equal (alg, "ES256"))
    {
      key = p256_key (jwk);
      return key != NULL && g_bytes_get_size (signature) == CARRETE_ES256_SIGNATURE_BYTES
             && carrete_es256_verify (key, token, signed_len, g_bytes_get_data (signature, NULL));
    }
  key = rsa_key (jwk);
  ctx = EVP_MD_CTX_new ();
  return key != NULL && ctx != NULL
         && EVP_DigestVerifyInit (ctx, NULL, EVP_sha256 (), NULL, key) == 1
         && EVP_DigestVerify (ctx, g_bytes_get_data (signature, NULL), g_bytes_get_size (signature),
                              (const guint8 *) token, signed_len)
                == 1;
}

static gboolean
reject (GError **error, const char *reason)
{
  fail (error, reason);
  return FALSE;
}

/* ---- the token -------------------------------------------------------------- */

static const char *
allowed_algorithm (JsonObject *header, const CarreteIdTokenCheck *check)
{
  const char *alg = header != NULL ? carrete_jws_string_claim (header, "alg") : NULL;

  if (alg == NULL || json_object_has_member (header, "crit"))
    return NULL;
  for (guint i = 0; check->algorithms != NULL && check->algorithms[i] != NULL; i++)
    if (g_str_equal (alg, check->algorithms[i]) && g_strv_contains (supported, alg))
      return check->algorithms[i];
  return NULL;
}

static gboolean
bool_claim (JsonObject *claims, const char *name)
{
  JsonNode *node = json_object_get_member (claims, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (node);
  /* Some providers send "true" as a string. */
  return json_node_get_value_type (node) == G_TYPE_STRING
         && g_str_equal (json_node_get_string (node), "true");
}

static gboolean
check_claims (JsonObject *claims, const CarreteIdTokenCheck *check, GError **error)
{
  gint64 exp = 0, iat = 0, nbf = 0;
  const char *azp = carrete_jws_string_claim (claims, "azp");
  const char *sub = carrete_jws_string_claim (claims, "sub");
  JsonNode *aud = json_object_get_member (claims, "aud");

  if (g_strcmp0 (carrete_jws_string_claim (claims, "iss"), check->issuer) != 0)
    return reject (error, "was issued by another provider");
  if (!carrete_jws_audience_matches (claims, check->client_id))
    return reject (error, "is meant for another client");
  /* Several audiences: the one it was issued to must be us. */
  if ((azp != NULL
       || (JSON_NODE_HOLDS_ARRAY (aud) && json_array_get_length (json_node_get_array (aud)) > 1))
      && g_strcmp0 (azp, check->client_id) != 0)
    return reject (error, "was issued to another client");
  if (!carrete_jws_int_claim (claims, "exp", &exp) || !carrete_jws_int_claim (claims, "iat", &iat))
    return reject (error, "lacks exp or iat");
  if (exp + check->leeway <= check->now)
    return reject (error, "has expired");
  if (iat > check->now + check->leeway
      || (json_object_has_member (claims, "nbf")
          && (!carrete_jws_int_claim (claims, "nbf", &nbf) || nbf > check->now + check->leeway)))
    return reject (error, "is not valid yet");
  if (g_strcmp0 (carrete_jws_string_claim (claims, "nonce"), check->nonce) != 0)
    return reject (error, "does not carry this sign-in's nonce");
  if (sub == NULL || *sub == '\0' || strlen (sub) > 255)
    return reject (error, "has no valid subject");
  return TRUE;
}

CarreteIdClaims *
carrete_id_token_verify (const char *token, JsonObject *jwks, const CarreteIdTokenCheck *check,
                         GError **error)
{
  g_auto (GStrv) parts = NULL;
  g_autoptr (JsonObject) header = NULL;
  g_autoptr (JsonObject) claims = NULL;
  g_autoptr (GBytes) signature = NULL;
  const char *alg;
  JsonObject *jwk;
  CarreteIdClaims *result;

  if (token == NULL || strlen (token) > MAX_ID_TOKEN_LEN)
    return fail (error, "is missing or too long");
  parts = g_strsplit (token, ".", 4);
  if (g_strv_length (parts) != 3)
    return fail (error, "is not three base64url parts");
  header = carrete_jws_decode_json_part (parts[0], strlen (parts[0]), MAX_ID_TOKEN_LEN);
  alg = allowed_algorithm (header, check);
  if (alg == NULL)
    return fail (error, "is signed with an algorithm that is not allowed");
  jwk = find_key (jwks, carrete_jws_string_claim (header, "kid"), alg, error);
  if (jwk == NULL)
    return NULL;
  signature = carrete_jws_decode_part (parts[2], strlen (parts[2]), MAX_SIGNATURE_BYTES);
  if (signature == NULL
      || !signature_valid (jwk, alg, token, strlen (parts[0]) + 1 + strlen (parts[1]), signature))
    return fail (error, "signature is invalid");
  claims = carrete_jws_decode_json_part (parts[1], strlen (parts[1]), MAX_ID_TOKEN_LEN);
  if (claims == NULL)
    return fail (error, "payload is not a JSON object");
  if (!check_claims (claims, check, error))
    return NULL;
  result = g_new0 (CarreteIdClaims, 1);
  result->subject = g_strdup (carrete_jws_string_claim (claims, "sub"));
  result->email = g_strdup (carrete_jws_string_claim (claims, "email"));
  result->email_verified = bool_claim (claims, "email_verified");
  result->preferred_username = g_strdup (carrete_jws_string_claim (claims, "preferred_username"));
  return result;
}

void
carrete_id_claims_free (CarreteIdClaims *claims)
{
  if (claims == NULL)
    return;
  g_free (claims->subject);
  g_free (claims->email);
  g_free (claims->preferred_username);
  g_free (claims->id_token);
  g_free (claims);
}
