#define G_LOG_DOMAIN "carrete-test-id-token"

/* The ID token verifier (carrete-id-token.h) with tokens made here: those
 * a provider would never sign (another key, alg none, HS256, another
 * audience, expired, a wrong nonce) cannot come from Keycloak. */

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <string.h>

#include "carrete-base64url.h"
#include "carrete-error.h"
#include "carrete-id-token.h"

#define NOW G_GINT64_CONSTANT (1800000000)
#define ISSUER "https://id.example.org/realms/carrete"
#define CLIENT "carrete"
#define NONCE "n-0S6_WzA2Mj"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY, EVP_PKEY_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_MD_CTX, EVP_MD_CTX_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ECDSA_SIG, ECDSA_SIG_free)

static struct
{
  EVP_PKEY *rsa;   /* kid "rsa-1" */
  EVP_PKEY *ec;    /* kid "ec-1" */
  EVP_PKEY *other; /* RSA, published nowhere */
  JsonObject *jwks;
} keys;

static const char *const both[] = { "RS256", "ES256", NULL };
static const char *const rs_only[] = { "RS256", NULL };

static char *
bn_b64 (EVP_PKEY *key, const char *name, gsize pad)
{
  BIGNUM *bn = NULL;
  g_autofree guint8 *bytes = NULL;
  gsize len;

  g_assert_true (EVP_PKEY_get_bn_param (key, name, &bn));
  len = MAX (pad, (gsize) BN_num_bytes (bn));
  bytes = g_malloc0 (len);
  g_assert_cmpint (BN_bn2binpad (bn, bytes, (int) len), ==, (int) len);
  BN_free (bn);
  return carrete_base64url_encode (bytes, len);
}

static JsonObject *
make_jwks (void)
{
  g_autofree char *n = bn_b64 (keys.rsa, OSSL_PKEY_PARAM_RSA_N, 0);
  g_autofree char *e = bn_b64 (keys.rsa, OSSL_PKEY_PARAM_RSA_E, 0);
  g_autofree char *x = bn_b64 (keys.ec, OSSL_PKEY_PARAM_EC_PUB_X, 32);
  g_autofree char *y = bn_b64 (keys.ec, OSSL_PKEY_PARAM_EC_PUB_Y, 32);
  g_autofree char *text = g_strdup_printf (
      "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"rsa-1\",\"use\":\"sig\",\"alg\":\"RS256\",\"n\":\"%"
      "s\","
      "\"e\":\"%s\"},{\"kty\":\"EC\",\"kid\":\"ec-1\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\"},"
      "{\"kty\":\"RSA\",\"kid\":\"enc-1\",\"use\":\"enc\",\"n\":\"%s\",\"e\":\"%s\"}]}",
      n, e, x, y, n, e);
  g_autoptr (JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* A compact JWS of `header` and `payload` signed with `key` as `alg`
 * ("RS256", "ES256"; anything else: `signature` as given). */
static char *
sign (const char *header, const char *payload, EVP_PKEY *key, const char *alg)
{
  g_autofree char *h = carrete_base64url_encode (header, strlen (header));
  g_autofree char *p = carrete_base64url_encode (payload, strlen (payload));
  g_autofree char *input = g_strconcat (h, ".", p, NULL);
  g_autoptr (EVP_MD_CTX) ctx = EVP_MD_CTX_new ();
  guint8 der[1024];
  gsize len = sizeof der;
  g_autofree char *sig = NULL;

  if (key == NULL)
    return g_strconcat (input, ".", alg, NULL);
  g_assert_cmpint (EVP_DigestSignInit (ctx, NULL, EVP_sha256 (), NULL, key), ==, 1);
  g_assert_cmpint (EVP_DigestSign (ctx, der, &len, (const guint8 *) input, strlen (input)), ==, 1);
  if (g_str_equal (alg, "ES256"))
    {
      /* DER to JOSE's r || s. */
      const guint8 *cursor = der;
      g_autoptr (ECDSA_SIG) ecdsa = d2i_ECDSA_SIG (NULL, &cursor, (long) len);
      guint8 rs[64];

      g_assert_nonnull (ecdsa);
      BN_bn2binpad (ECDSA_SIG_get0_r (ecdsa), rs, 32);
      BN_bn2binpad (ECDSA_SIG_get0_s (ecdsa), rs + 32, 32);
      sig = carrete_base64url_encode (rs, sizeof rs);
    }
  else
    sig = carrete_base64url_encode (der, len);
  return g_strconcat (input, ".", sig, NULL);
}

static char *
claims (const char *iss, const char *aud, gint64 exp, const char *nonce, const char *extra)
{
  return g_strdup_printf ("{\"iss\":\"%s\",\"sub\":\"f:1234\",\"aud\":%s,\"exp\":%" G_GINT64_FORMAT
                          ",\"iat\":%" G_GINT64_FORMAT
                          ",\"nonce\":\"%s\",\"email\":\"ana@example.org\","
                          "\"email_verified\":true,\"preferred_username\":\"ana\"%s}",
                          iss, aud, exp, NOW - 10, nonce, extra != NULL ? extra : "");
}

static char *
good_claims (void)
{
  return claims (ISSUER, "\"" CLIENT "\"", NOW + 300, NONCE, NULL);
}

static CarreteIdClaims *
verify (const char *token, const char *const *algorithms, GError **error)
{
  CarreteIdTokenCheck check = {
    .issuer = ISSUER,
    .client_id = CLIENT,
    .nonce = NONCE,
    .algorithms = algorithms,
    .now = NOW,
    .leeway = 60,
  };
  return carrete_id_token_verify (token, keys.jwks, &check, error);
}

/* Refused as UNAUTHORIZED, with `words` in the reason. */
static void
assert_refused (const char *token, const char *const *algorithms, const char *words)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteIdClaims) result = verify (token, algorithms, &error);

  g_assert_null (result);
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_UNAUTHORIZED);
  g_assert_nonnull (strstr (error->message, words));
}

static void
test_rs256_and_es256_accepted (void)
{
  g_autofree char *payload = good_claims ();
  g_autofree char *rs = sign ("{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}", payload, keys.rsa, "RS256");
  g_autofree char *es = sign ("{\"alg\":\"ES256\",\"kid\":\"ec-1\"}", payload, keys.ec, "ES256");
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteIdClaims) a = verify (rs, both, &error);
  g_autoptr (CarreteIdClaims) b = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (a->subject, ==, "f:1234");
  g_assert_cmpstr (a->email, ==, "ana@example.org");
  g_assert_true (a->email_verified);
  g_assert_cmpstr (a->preferred_username, ==, "ana");
  b = verify (es, both, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (b->subject, ==, "f:1234");
}

static void
test_algorithms_refused (void)
{
  g_autofree char *payload = good_claims ();
  g_autofree char *none = sign ("{\"alg\":\"none\"}", payload, NULL, "");
  g_autofree char *none_kid = sign ("{\"alg\":\"none\",\"kid\":\"rsa-1\"}", payload, NULL, "");
  g_autofree char *hs
      = sign ("{\"alg\":\"HS256\",\"kid\":\"rsa-1\"}", payload, NULL, "c2lnbmF0dXJl");
  g_autofree char *es = sign ("{\"alg\":\"ES256\",\"kid\":\"ec-1\"}", payload, keys.ec, "ES256");
  const char *const hs_listed[] = { "HS256", "none", NULL };

  assert_refused (none, both, "algorithm");
  assert_refused (none_kid, both, "algorithm");
  assert_refused (hs, both, "algorithm");
  /* Even when the provider lists them. */
  assert_refused (hs, hs_listed, "algorithm");
  assert_refused (none, hs_listed, "algorithm");
  /* ES256 is refused from a provider that lists only RS256. */
  assert_refused (es, rs_only, "algorithm");
}

static void
test_another_key_refused (void)
{
  g_autofree char *payload = good_claims ();
  /* Our kid, a stranger's signature. */
  g_autofree char *forged
      = sign ("{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}", payload, keys.other, "RS256");
  /* A kid the provider does not publish: NOT_FOUND, so that keys are fetched again. */
  g_autofree char *unknown
      = sign ("{\"alg\":\"RS256\",\"kid\":\"rsa-2\"}", payload, keys.other, "RS256");
  /* An encryption key is no signing key. */
  g_autofree char *enc = sign ("{\"alg\":\"RS256\",\"kid\":\"enc-1\"}", payload, keys.rsa, "RS256");
  /* The RSA key's kid with an EC signature. */
  g_autofree char *mixed
      = sign ("{\"alg\":\"ES256\",\"kid\":\"rsa-1\"}", payload, keys.ec, "ES256");
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteIdClaims) none = NULL;

  assert_refused (forged, both, "signature");
  none = verify (unknown, both, &error);
  g_assert_null (none);
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  none = verify (enc, both, &error);
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  none = verify (mixed, both, &error);
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND);
}

static void
test_claims_refused (void)
{
  struct
  {
    char *payload;
    const char *words;
  } cases[] = {
    { claims (ISSUER, "\"another-client\"", NOW + 300, NONCE, NULL), "another client" },
    { claims (ISSUER, "[\"another-client\",\"" CLIENT "\"]", NOW + 300, NONCE,
              ",\"azp\":\"another-client\""),
      "another client" },
    { claims (ISSUER, "[\"x\",\"" CLIENT "\"]", NOW + 300, NONCE, NULL), "another client" },
    { claims ("https://evil.example.org", "\"" CLIENT "\"", NOW + 300, NONCE, NULL), "provider" },
    { claims (ISSUER, "\"" CLIENT "\"", NOW - 61, NONCE, NULL), "expired" },
    { claims (ISSUER, "\"" CLIENT "\"", NOW + 300, "another-nonce", NULL), "nonce" },
    { claims (ISSUER, "\"" CLIENT "\"", NOW + 300, NONCE, ",\"nbf\":1900000000"), "not valid yet" },
    { g_strdup_printf ("{\"iss\":\"" ISSUER "\",\"aud\":\"" CLIENT "\",\"exp\":%" G_GINT64_FORMAT
                       ",\"iat\":%" G_GINT64_FORMAT ",\"nonce\":\"" NONCE "\"}",
                       NOW + 300, NOW),
      "subject" },
    { g_strdup_printf ("{\"iss\":\"" ISSUER "\",\"sub\":\"s\",\"aud\":\"" CLIENT
                       "\",\"nonce\":\"" NONCE "\"}"),
      "exp" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *token
          = sign ("{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}", cases[i].payload, keys.rsa, "RS256");
      assert_refused (token, both, cases[i].words);
      g_free (cases[i].payload);
    }
}

static void
test_malformed_refused (void)
{
  g_autofree char *payload = good_claims ();
  g_autofree char *good
      = sign ("{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}", payload, keys.rsa, "RS256");
  g_autofree char *tampered = g_strdup (good);
  g_autofree char *crit
      = sign ("{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"crit\":[\"x\"]}", payload, keys.rsa, "RS256");
  char *dot = strchr (tampered, '.');

  /* One character of the payload changed. */
  dot[3] = dot[3] == 'A' ? 'B' : 'A';
  assert_refused (tampered, both, "");
  assert_refused ("", both, "parts");
  assert_refused ("a.b", both, "parts");
  assert_refused ("a.b.c.d", both, "parts");
  assert_refused (crit, both, "algorithm");
}

static void
test_unverified_email_reported (void)
{
  g_autofree char *payload = claims (ISSUER, "\"" CLIENT "\"", NOW + 300, NONCE, NULL);
  g_autoptr (GString) unverified = g_string_new (payload);
  g_autofree char *token = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteIdClaims) result = NULL;

  g_string_replace (unverified, "\"email_verified\":true", "\"email_verified\":false", 1);
  token = sign ("{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}", unverified->str, keys.rsa, "RS256");
  result = verify (token, both, &error);
  g_assert_no_error (error);
  g_assert_false (result->email_verified);
}

static void
test_algorithms_listed (void)
{
  g_autoptr (JsonArray) listed = json_array_new ();
  g_auto (GStrv) none = carrete_id_token_algorithms (NULL);
  g_auto (GStrv) picked = NULL;

  json_array_add_string_element (listed, "HS256");
  json_array_add_string_element (listed, "none");
  json_array_add_string_element (listed, "ES256");
  json_array_add_string_element (listed, "PS256");
  picked = carrete_id_token_algorithms (listed);
  g_assert_cmpuint (g_strv_length (none), ==, 0);
  g_assert_cmpuint (g_strv_length (picked), ==, 1);
  g_assert_cmpstr (picked[0], ==, "ES256");
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  keys.rsa = EVP_RSA_gen (2048);
  keys.ec = EVP_EC_gen ("P-256");
  keys.other = EVP_RSA_gen (2048);
  keys.jwks = make_jwks ();
  g_test_add_func ("/id-token/rs256-and-es256", test_rs256_and_es256_accepted);
  g_test_add_func ("/id-token/algorithms-refused", test_algorithms_refused);
  g_test_add_func ("/id-token/another-key", test_another_key_refused);
  g_test_add_func ("/id-token/claims-refused", test_claims_refused);
  g_test_add_func ("/id-token/malformed", test_malformed_refused);
  g_test_add_func ("/id-token/unverified-email", test_unverified_email_reported);
  g_test_add_func ("/id-token/algorithms-listed", test_algorithms_listed);
  status = g_test_run ();
  EVP_PKEY_free (keys.rsa);
  EVP_PKEY_free (keys.ec);
  EVP_PKEY_free (keys.other);
  json_object_unref (keys.jwks);
  return status;
}
