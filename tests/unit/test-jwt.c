#define G_LOG_DOMAIN "carrete-test-jwt"

#include <glib/gstdio.h>
#include <jwt.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "carrete-error.h"
#include "carrete-base64url.h"
#include "carrete-jwt.h"

#define NOW G_GINT64_CONSTANT (1700000000)
#define TTL 900

G_DEFINE_AUTOPTR_CLEANUP_FUNC (jwt_t, jwt_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY, EVP_PKEY_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_MD_CTX, EVP_MD_CTX_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BIO, BIO_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BIGNUM, BN_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ECDSA_SIG, ECDSA_SIG_free)

/* Key material made once per run in a private temporary directory. */
static struct
{
  char *dir;
  EVP_PKEY *key_a;
  char *pub_a;
  char *priv_a;
  char *priv_a_traditional; /* "BEGIN EC PRIVATE KEY", as openssl ecparam writes */
  char *pub_b;
  char *priv_b;
  char *pub_p384;
  char *priv_p384;
  char *pub_rsa;
  char *garbage;
  char *missing;
} keys;

static void
write_pem (const char *path, EVP_PKEY *pkey, int kind)
{
  g_autoptr (BIO) bio = BIO_new_file (path, "w");
  int ok = 0;

  g_assert_nonnull (bio);
  switch (kind)
    {
    case 0:
      ok = PEM_write_bio_PUBKEY (bio, pkey);
      break;
    case 1:
      ok = PEM_write_bio_PrivateKey (bio, pkey, NULL, NULL, 0, NULL, NULL);
      break;
    case 2:
      ok = PEM_write_bio_PrivateKey_traditional (bio, pkey, NULL, NULL, 0, NULL, NULL);
      break;
    default:
      g_assert_not_reached ();
    }
  g_assert_cmpint (ok, ==, 1);
}

static char *
key_path (const char *name)
{
  return g_build_filename (keys.dir, name, NULL);
}

static void
keys_make (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EVP_PKEY) key_b = EVP_EC_gen ("P-256");
  g_autoptr (EVP_PKEY) key_384 = EVP_EC_gen ("P-384");
  g_autoptr (EVP_PKEY) key_rsa = EVP_RSA_gen (1024);

  keys.dir = g_dir_make_tmp ("carrete-test-jwt-XXXXXX", &error);
  g_assert_no_error (error);
  keys.key_a = EVP_EC_gen ("P-256");
  g_assert_nonnull (keys.key_a);
  g_assert_nonnull (key_b);
  g_assert_nonnull (key_384);
  g_assert_nonnull (key_rsa);

  keys.pub_a = key_path ("a.pub.pem");
  keys.priv_a = key_path ("a.key.pem");
  keys.priv_a_traditional = key_path ("a.ec.pem");
  keys.pub_b = key_path ("b.pub.pem");
  keys.priv_b = key_path ("b.key.pem");
  keys.pub_p384 = key_path ("p384.pub.pem");
  keys.priv_p384 = key_path ("p384.key.pem");
  keys.pub_rsa = key_path ("rsa.pub.pem");
  keys.garbage = key_path ("garbage.pem");
  keys.missing = key_path ("does-not-exist.pem");

  write_pem (keys.pub_a, keys.key_a, 0);
  write_pem (keys.priv_a, keys.key_a, 1);
  write_pem (keys.priv_a_traditional, keys.key_a, 2);
  write_pem (keys.pub_b, key_b, 0);
  write_pem (keys.priv_b, key_b, 1);
  write_pem (keys.pub_p384, key_384, 0);
  write_pem (keys.priv_p384, key_384, 1);
  write_pem (keys.pub_rsa, key_rsa, 0);
  g_assert_true (g_file_set_contents (keys.garbage,
                                      "-----BEGIN PUBLIC KEY-----\nnot base64 at all\n"
                                      "-----END PUBLIC KEY-----\n",
                                      -1, &error));
  g_assert_no_error (error);
}

static void
keys_remove (void)
{
  const char *files[] = { keys.pub_a, keys.priv_a, keys.priv_a_traditional, keys.pub_b,
                          keys.priv_b, keys.pub_p384, keys.priv_p384, keys.pub_rsa,
                          keys.garbage };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    g_unlink (files[i]);
  g_rmdir (keys.dir);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    g_free ((char *) files[i]);
  g_free (keys.missing);
  g_free (keys.dir);
  EVP_PKEY_free (keys.key_a);
}

static char *
read_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  return contents;
}

static char *
b64url (const void *data, gsize len)
{
  return carrete_base64url_encode (data, len);
}

static guint8 *
b64url_decode (const char *text, gsize *len)
{
  GBytes *bytes = carrete_base64url_decode (text, strlen (text));

  g_assert_nonnull (bytes);
  return g_bytes_unref_to_data (bytes, len);
}

static char *
b64url_str (const char *text)
{
  return b64url (text, strlen (text));
}

static char *
valid_payload (void)
{
  return g_strdup_printf ("{\"sub\":\"us_0123456789A\",\"iss\":\"carrete\",\"aud\":\"carrete\","
                          "\"role\":\"admin\",\"iat\":%" G_GINT64_FORMAT ",\"exp\":%" G_GINT64_FORMAT
                          ",\"jti\":\"00112233445566778899aabbccddeeff\"}",
                          NOW, NOW + TTL);
}

/* ---- fixture ------------------------------------------------------------- */

typedef struct
{
  CarreteJwt *jwt; /* public key A, private key A, iss/aud "carrete" */
} Fixture;

static CarreteJwt *
jwt_with (const char *pub, const char *priv, const char *iss, const char *aud)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteJwt) jwt = carrete_jwt_new (pub, iss, aud, &error);

  g_assert_no_error (error);
  g_assert_nonnull (jwt);
  if (priv != NULL)
    {
      g_assert_true (carrete_jwt_load_private_key (jwt, priv, &error));
      g_assert_no_error (error);
    }
  return g_steal_pointer (&jwt);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->jwt = jwt_with (keys.pub_a, keys.priv_a, "carrete", "carrete");
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->jwt, carrete_jwt_free);
}

static char *
sign (CarreteJwt *jwt, gint64 now)
{
  g_autoptr (GError) error = NULL;
  char *token = carrete_jwt_sign (jwt, "us_0123456789A", "user", now, TTL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (token);
  return token;
}

static void
assert_rejected (CarreteJwt *jwt, const char *token, gint64 now)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteClaims) claims = carrete_jwt_verify (jwt, token, now, &error);

  g_assert_null (claims);
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_UNAUTHORIZED);
  g_assert_nonnull (error->message);
  g_assert_cmpstr (error->message, !=, "");
}

static void
assert_accepted (CarreteJwt *jwt, const char *token, gint64 now)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteClaims) claims = carrete_jwt_verify (jwt, token, now, &error);

  g_assert_no_error (error);
  g_assert_nonnull (claims);
}

/* ---- tokens built with libjwt directly ------------------------------------ */

typedef struct
{
  const char *private_key_path;
  const char *kid; /* NULL: no kid header */
  const char *sub;
  const char *iss;
  const char *aud;
  const char *role;
  gboolean with_exp;
  gint64 exp;
  gboolean with_nbf;
  gint64 nbf;
  const char *extra_json; /* more grants, e.g. an array aud */
} TokenSpec;

static TokenSpec
token_spec (CarreteJwt *jwt)
{
  return (TokenSpec) {
    .private_key_path = keys.priv_a,
    .kid = carrete_jwt_get_kid (jwt),
    .sub = "us_0123456789A",
    .iss = "carrete",
    .aud = "carrete",
    .role = "user",
    .with_exp = TRUE,
    .exp = NOW + TTL,
  };
}

static char *
make_token (const TokenSpec *spec)
{
  g_autofree char *pem = read_file (spec->private_key_path);
  g_autoptr (jwt_t) token = NULL;
  char *encoded;
  char *copy;

  g_assert_cmpint (jwt_new (&token), ==, 0);
  g_assert_cmpint (jwt_set_alg (token, JWT_ALG_ES256, (const unsigned char *) pem,
                                (int) strlen (pem)),
                   ==, 0);
  if (spec->kid != NULL)
    g_assert_cmpint (jwt_add_header (token, "kid", spec->kid), ==, 0);
  if (spec->sub != NULL)
    g_assert_cmpint (jwt_add_grant (token, "sub", spec->sub), ==, 0);
  if (spec->iss != NULL)
    g_assert_cmpint (jwt_add_grant (token, "iss", spec->iss), ==, 0);
  if (spec->aud != NULL)
    g_assert_cmpint (jwt_add_grant (token, "aud", spec->aud), ==, 0);
  if (spec->role != NULL)
    g_assert_cmpint (jwt_add_grant (token, "role", spec->role), ==, 0);
  g_assert_cmpint (jwt_add_grant_int (token, "iat", (long) NOW), ==, 0);
  if (spec->with_exp)
    g_assert_cmpint (jwt_add_grant_int (token, "exp", (long) spec->exp), ==, 0);
  if (spec->with_nbf)
    g_assert_cmpint (jwt_add_grant_int (token, "nbf", (long) spec->nbf), ==, 0);
  if (spec->extra_json != NULL)
    g_assert_cmpint (jwt_add_grants_json (token, spec->extra_json), ==, 0);
  encoded = jwt_encode_str (token);
  g_assert_nonnull (encoded);
  copy = g_strdup (encoded);
  free (encoded);
  return copy;
}

/* The token that `spec` describes is refused at NOW. */
static void
assert_spec_rejected (CarreteJwt *jwt, const TokenSpec *spec)
{
  g_autofree char *token = make_token (spec);

  assert_rejected (jwt, token, NOW);
}

/* ---- accepted tokens ------------------------------------------------------- */

static void
test_sign_verify (Fixture *f, gconstpointer data)
{
  g_autofree char *token = sign (f->jwt, NOW);
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteClaims) claims = carrete_jwt_verify (f->jwt, token, NOW + 1, &error);
  g_auto (GStrv) parts = g_strsplit (token, ".", -1);

  g_assert_no_error (error);
  g_assert_nonnull (claims);
  g_assert_cmpstr (claims->sub, ==, "us_0123456789A");
  g_assert_cmpstr (claims->role, ==, "user");
  g_assert_cmpint (claims->exp, ==, NOW + TTL);
  g_assert_nonnull (claims->jti);
  g_assert_cmpuint (strlen (claims->jti), ==, 32);

  g_assert_cmpuint (g_strv_length (parts), ==, 3);

  /* Valid up to, but not at, the expiry second. */
  assert_accepted (f->jwt, token, NOW + TTL - 1);
  assert_rejected (f->jwt, token, NOW + TTL);

  /* Signing again gives another jti. */
  {
    g_autofree char *again = sign (f->jwt, NOW);
    g_autoptr (CarreteClaims) claims2 = carrete_jwt_verify (f->jwt, again, NOW, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (claims2->jti, !=, claims->jti);
  }
}

static void
test_header_and_claims (Fixture *f, gconstpointer data)
{
  g_autofree char *token = sign (f->jwt, NOW);
  g_auto (GStrv) parts = g_strsplit (token, ".", -1);
  gsize len = 0;
  g_autofree guint8 *header_raw = b64url_decode (parts[0], &len);
  g_autofree char *header_json = g_strndup ((char *) header_raw, len);
  g_autofree guint8 *payload_raw = b64url_decode (parts[1], &len);
  g_autofree char *payload_json = g_strndup ((char *) payload_raw, len);
  g_autoptr (JsonNode) header = json_from_string (header_json, NULL);
  g_autoptr (JsonNode) payload = json_from_string (payload_json, NULL);
  JsonObject *h, *p;

  g_assert_nonnull (header);
  g_assert_nonnull (payload);
  h = json_node_get_object (header);
  p = json_node_get_object (payload);
  g_assert_cmpstr (json_object_get_string_member (h, "alg"), ==, "ES256");
  g_assert_cmpstr (json_object_get_string_member (h, "kid"), ==, carrete_jwt_get_kid (f->jwt));
  g_assert_cmpstr (json_object_get_string_member (p, "sub"), ==, "us_0123456789A");
  g_assert_cmpstr (json_object_get_string_member (p, "iss"), ==, "carrete");
  g_assert_cmpstr (json_object_get_string_member (p, "aud"), ==, "carrete");
  g_assert_cmpstr (json_object_get_string_member (p, "role"), ==, "user");
  g_assert_cmpint (json_object_get_int_member (p, "iat"), ==, NOW);
  g_assert_cmpint (json_object_get_int_member (p, "exp"), ==, NOW + TTL);
  g_assert_true (json_object_has_member (p, "jti"));
}

/* The signature is JWS's raw R||S (64 bytes), verifiable by any other JOSE
 * library with the JWKS, not OpenSSL's DER. */
static void
test_signature_interop (Fixture *f, gconstpointer data)
{
  g_autofree char *token = sign (f->jwt, NOW);
  const char *last_dot = strrchr (token, '.');
  gsize sig_len = 0;
  g_autofree guint8 *sig = b64url_decode (last_dot + 1, &sig_len);
  g_autoptr (ECDSA_SIG) ecdsa = ECDSA_SIG_new ();
  BIGNUM *r, *s;
  unsigned char *der = NULL;
  int der_len;
  g_autoptr (EVP_MD_CTX) ctx = EVP_MD_CTX_new ();

  g_assert_cmpuint (sig_len, ==, 64);
  r = BN_bin2bn (sig, 32, NULL);
  s = BN_bin2bn (sig + 32, 32, NULL);
  g_assert_cmpint (ECDSA_SIG_set0 (ecdsa, r, s), ==, 1);
  der_len = i2d_ECDSA_SIG (ecdsa, &der);
  g_assert_cmpint (der_len, >, 0);
  g_assert_cmpint (EVP_DigestVerifyInit (ctx, NULL, EVP_sha256 (), NULL, keys.key_a), ==, 1);
  g_assert_cmpint (EVP_DigestVerify (ctx, der, (size_t) der_len, (const unsigned char *) token,
                                     (size_t) (last_dot - token)),
                   ==, 1);
  OPENSSL_free (der);
}

static void
test_verify_public_only (Fixture *f, gconstpointer data)
{
  g_autoptr (CarreteJwt) verifier = jwt_with (keys.pub_a, NULL, "carrete", "carrete");
  g_autofree char *token = sign (f->jwt, NOW);

  g_assert_cmpstr (carrete_jwt_get_kid (verifier), ==, carrete_jwt_get_kid (f->jwt));
  assert_accepted (verifier, token, NOW);
}

static void
test_traditional_private_key (void)
{
  g_autoptr (CarreteJwt) jwt = jwt_with (keys.pub_a, keys.priv_a_traditional, "carrete",
                                         "carrete");
  g_autofree char *token = sign (jwt, NOW);

  assert_accepted (jwt, token, NOW);
}

static void
test_audience_array (Fixture *f, gconstpointer data)
{
  TokenSpec spec = token_spec (f->jwt);
  g_autofree char *with_ours = NULL;

  spec.aud = NULL;
  spec.extra_json = "{\"aud\":[\"photos\",\"carrete\"]}";
  with_ours = make_token (&spec);
  assert_accepted (f->jwt, with_ours, NOW);
  spec.extra_json = "{\"aud\":[\"photos\",\"folders\"]}";
  assert_spec_rejected (f->jwt, &spec);
  spec.extra_json = "{\"aud\":[1,{\"carrete\":true}]}";
  assert_spec_rejected (f->jwt, &spec);
}

/* ---- rejected tokens -------------------------------------------------------- */

static void
test_reject_expired (Fixture *f, gconstpointer data)
{
  g_autofree char *token = sign (f->jwt, NOW - 1000);

  assert_accepted (f->jwt, token, NOW - 1000);
  assert_rejected (f->jwt, token, NOW);
}

static void
test_reject_audience (Fixture *f, gconstpointer data)
{
  g_autoptr (CarreteJwt) other = jwt_with (keys.pub_a, keys.priv_a, "carrete", "elsewhere");
  g_autofree char *token = sign (other, NOW);

  assert_accepted (other, token, NOW);
  assert_rejected (f->jwt, token, NOW);
}

static void
test_reject_issuer (Fixture *f, gconstpointer data)
{
  g_autoptr (CarreteJwt) other = jwt_with (keys.pub_a, keys.priv_a, "someone-else", "carrete");
  g_autofree char *token = sign (other, NOW);
  g_autofree char *ours = sign (f->jwt, NOW);

  assert_accepted (other, token, NOW);
  assert_rejected (f->jwt, token, NOW);
  assert_rejected (other, ours, NOW);
}

static void
test_reject_other_key (Fixture *f, gconstpointer data)
{
  g_autoptr (CarreteJwt) other = jwt_with (keys.pub_b, keys.priv_b, "carrete", "carrete");
  g_autofree char *token = sign (other, NOW);
  TokenSpec spec = token_spec (f->jwt);

  g_assert_cmpstr (carrete_jwt_get_kid (other), !=, carrete_jwt_get_kid (f->jwt));
  assert_accepted (other, token, NOW);
  assert_rejected (f->jwt, token, NOW);

  /* Claiming our kid does not help a token signed with another key. */
  spec.private_key_path = keys.priv_b;
  assert_spec_rejected (f->jwt, &spec);
}

/* Headers json-glib 1.6 would half-parse and leak (a value after the first,
 * a broken surrogate pair): refused before json-glib sees them, which the
 * sanitizer run checks for leaks. */
static void
test_reject_lenient_json_header (Fixture *f, gconstpointer data)
{
  const char *headers[] = { "0{}", "{\"alg\":\"ES256\"}{}", "{\"alg\":\"\\ud800\\u0041\"}",
                            "{'alg':'ES256'}", "{\"alg\":\"ES256\",}" };
  g_autofree char *payload_json = valid_payload ();
  g_autofree char *payload = b64url_str (payload_json);

  for (guint i = 0; i < G_N_ELEMENTS (headers); i++)
    {
      g_autofree char *header = b64url_str (headers[i]);
      g_autofree char *token = g_strconcat (header, ".", payload, ".AA", NULL);
      assert_rejected (f->jwt, token, NOW);
    }
}

static void
test_reject_alg_none (Fixture *f, gconstpointer data)
{
  g_autofree char *header = b64url_str ("{\"alg\":\"none\",\"typ\":\"JWT\"}");
  g_autofree char *header_kid = NULL;
  g_autofree char *payload_json = valid_payload ();
  g_autofree char *payload = b64url_str (payload_json);
  g_autofree char *with_dot = g_strconcat (header, ".", payload, ".", NULL);
  g_autofree char *without_dot = g_strconcat (header, ".", payload, NULL);
  g_autofree char *kid_with_dot = NULL;
  g_autofree char *header_kid_json = g_strdup_printf (
    "{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"%s\"}", carrete_jwt_get_kid (f->jwt));
  g_autoptr (jwt_t) raw = NULL;

  header_kid = b64url_str (header_kid_json);
  kid_with_dot = g_strconcat (header_kid, ".", payload, ".", NULL);

  /* The forgery is well-formed: libjwt without a key takes it. */
  g_assert_cmpint (jwt_decode (&raw, with_dot, NULL, 0), ==, 0);

  assert_rejected (f->jwt, with_dot, NOW);
  assert_rejected (f->jwt, without_dot, NOW);
  assert_rejected (f->jwt, kid_with_dot, NOW);
}

static void
test_reject_hs256_confusion (Fixture *f, gconstpointer data)
{
  g_autofree char *public_pem = read_file (keys.pub_a);
  g_autofree char *header_json = g_strdup_printf (
    "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"%s\"}", carrete_jwt_get_kid (f->jwt));
  g_autofree char *header = b64url_str (header_json);
  g_autofree char *payload_json = valid_payload ();
  g_autofree char *payload = b64url_str (payload_json);
  g_autofree char *signing_input = g_strconcat (header, ".", payload, NULL);
  guint8 mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  g_autofree char *sig = NULL;
  g_autofree char *token = NULL;
  g_autoptr (jwt_t) raw = NULL;

  crypto_auth_hmacsha256_init (&state, (const guint8 *) public_pem, strlen (public_pem));
  crypto_auth_hmacsha256_update (&state, (const guint8 *) signing_input, strlen (signing_input));
  crypto_auth_hmacsha256_final (&state, mac);
  sig = b64url (mac, sizeof mac);
  token = g_strconcat (signing_input, ".", sig, NULL);

  /* The forgery is good enough to fool libjwt on its own. */
  g_assert_cmpint (jwt_decode (&raw, token, (const unsigned char *) public_pem,
                               (int) strlen (public_pem)),
                   ==, 0);
  g_assert_cmpint (jwt_get_alg (raw), ==, JWT_ALG_HS256);

  assert_rejected (f->jwt, token, NOW);
}

static void
test_reject_tampered (Fixture *f, gconstpointer data)
{
  g_autofree char *token = sign (f->jwt, NOW);
  g_auto (GStrv) parts = g_strsplit (token, ".", -1);
  g_autofree char *payload_json = valid_payload (); /* role admin */
  g_autofree char *payload = b64url_str (payload_json);
  g_autofree char *swapped = g_strjoin (".", parts[0], payload, parts[2], NULL);
  g_autofree char *other = sign (f->jwt, NOW + 5);
  g_auto (GStrv) other_parts = g_strsplit (other, ".", -1);
  g_autofree char *other_sig = g_strjoin (".", parts[0], parts[1], other_parts[2], NULL);
  g_autofree char *flipped = g_strdup (token);
  char *last = flipped + strlen (flipped) - 5;

  *last = *last == 'A' ? 'B' : 'A';
  assert_rejected (f->jwt, swapped, NOW);
  assert_rejected (f->jwt, other_sig, NOW);
  assert_rejected (f->jwt, flipped, NOW);
}

static void
test_reject_truncated (Fixture *f, gconstpointer data)
{
  g_autofree char *token = sign (f->jwt, NOW);
  gsize len = strlen (token);
  const char *last_dot = strrchr (token, '.');
  g_autofree char *no_sig = g_strndup (token, (gsize) (last_dot - token) + 1);
  g_autofree char *no_sig_no_dot = g_strndup (token, (gsize) (last_dot - token));
  g_autofree char *header_only = g_strndup (token, (gsize) (strchr (token, '.') - token));

  for (gsize cut = 1; cut < len; cut += 7)
    {
      g_autofree char *shorter = g_strndup (token, len - cut);
      assert_rejected (f->jwt, shorter, NOW);
    }
  assert_rejected (f->jwt, no_sig, NOW);
  assert_rejected (f->jwt, no_sig_no_dot, NOW);
  assert_rejected (f->jwt, header_only, NOW);
}

static void
test_reject_garbage (Fixture *f, gconstpointer data)
{
  g_autofree char *huge = g_strnfill (100000, 'a');
  const char *cases[] = {
    "",
    ".",
    "...",
    "garbage",
    "Bearer x",
    "eyJhbGciOiJFUzI1NiJ9.e30.",
    "eyJhbGciOiJFUzI1NiJ9.bm90IGpzb24.AAAA",
    huge,
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_rejected (f->jwt, cases[i], NOW);
  assert_rejected (f->jwt, NULL, NOW);
}

static void
test_reject_too_long (Fixture *f, gconstpointer data)
{
  TokenSpec spec = token_spec (f->jwt);
  g_autofree char *filler = g_strnfill (5000, 'x');
  g_autofree char *extra = g_strdup_printf ("{\"pad\":\"%s\"}", filler);

  spec.extra_json = extra;
  assert_spec_rejected (f->jwt, &spec);
}

static void
test_reject_missing_exp (Fixture *f, gconstpointer data)
{
  TokenSpec spec = token_spec (f->jwt);
  g_autofree char *control = make_token (&spec);

  /* The hand-built token is otherwise acceptable. */
  assert_accepted (f->jwt, control, NOW);

  spec.with_exp = FALSE;
  assert_spec_rejected (f->jwt, &spec);

  spec.extra_json = "{\"exp\":\"9999999999\"}";
  assert_spec_rejected (f->jwt, &spec);
}

static void
test_reject_wrong_kid (Fixture *f, gconstpointer data)
{
  TokenSpec spec = token_spec (f->jwt);

  spec.kid = "other";
  assert_spec_rejected (f->jwt, &spec);

  spec.kid = NULL;
  assert_spec_rejected (f->jwt, &spec);
}

static void
test_reject_nbf (Fixture *f, gconstpointer data)
{
  TokenSpec spec = token_spec (f->jwt);
  g_autofree char *future = NULL;
  g_autofree char *past = NULL;

  spec.with_nbf = TRUE;
  spec.nbf = NOW + 60;
  future = make_token (&spec);
  assert_rejected (f->jwt, future, NOW);
  assert_accepted (f->jwt, future, NOW + 60);

  spec.nbf = NOW - 60;
  past = make_token (&spec);
  assert_accepted (f->jwt, past, NOW);
}

static void
test_reject_missing_claims (Fixture *f, gconstpointer data)
{
  TokenSpec spec = token_spec (f->jwt);

  spec.sub = NULL;
  assert_spec_rejected (f->jwt, &spec);
  spec = token_spec (f->jwt);
  spec.role = NULL;
  assert_spec_rejected (f->jwt, &spec);
  spec = token_spec (f->jwt);
  spec.iss = NULL;
  assert_spec_rejected (f->jwt, &spec);
  spec = token_spec (f->jwt);
  spec.aud = NULL;
  assert_spec_rejected (f->jwt, &spec);
}

/* ---- tokens signed by hand with OpenSSL --------------------------------------- */

/* header.payload.signature with a real ES256 signature by key A, so that
 * only the part under test is wrong.  `der` keeps OpenSSL's DER signature
 * instead of JOSE's r || s. */
static char *
sign_by_hand (const char *header_json, const char *payload_json, gboolean der)
{
  g_autofree char *header = b64url_str (header_json);
  g_autofree char *payload = b64url_str (payload_json);
  g_autofree char *input = g_strconcat (header, ".", payload, NULL);
  g_autoptr (EVP_MD_CTX) ctx = EVP_MD_CTX_new ();
  guint8 der_sig[128];
  size_t der_len = sizeof der_sig;
  const guint8 *cursor = der_sig;
  g_autoptr (ECDSA_SIG) ecdsa = NULL;
  guint8 raw[64];
  g_autofree char *sig = NULL;

  g_assert_cmpint (EVP_DigestSignInit (ctx, NULL, EVP_sha256 (), NULL, keys.key_a), ==, 1);
  g_assert_cmpint (EVP_DigestSign (ctx, der_sig, &der_len, (const guint8 *) input, strlen (input)),
                   ==, 1);
  if (der)
    sig = b64url (der_sig, der_len);
  else
    {
      ecdsa = d2i_ECDSA_SIG (NULL, &cursor, (long) der_len);
      g_assert_nonnull (ecdsa);
      g_assert_cmpint (BN_bn2binpad (ECDSA_SIG_get0_r (ecdsa), raw, 32), ==, 32);
      g_assert_cmpint (BN_bn2binpad (ECDSA_SIG_get0_s (ecdsa), raw + 32, 32), ==, 32);
      sig = b64url (raw, sizeof raw);
    }
  return g_strconcat (input, ".", sig, NULL);
}

static char *
es256_header (CarreteJwt *jwt)
{
  return g_strdup_printf ("{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"%s\"}",
                          carrete_jwt_get_kid (jwt));
}

static void
test_hand_signed (Fixture *f, gconstpointer data)
{
  g_autofree char *header = es256_header (f->jwt);
  g_autofree char *payload = valid_payload ();
  g_autofree char *good = sign_by_hand (header, payload, FALSE);
  g_autofree char *der = sign_by_hand (header, payload, TRUE);
  g_autofree char *padded = g_strconcat (good, "=", NULL);
  g_autofree char *lower_header = g_strdup_printf (
    "{\"alg\":\"es256\",\"typ\":\"JWT\",\"kid\":\"%s\"}", carrete_jwt_get_kid (f->jwt));
  g_autofree char *lower = sign_by_hand (lower_header, payload, FALSE);
  g_autofree char *es384_header = g_strdup_printf (
    "{\"alg\":\"ES384\",\"typ\":\"JWT\",\"kid\":\"%s\"}", carrete_jwt_get_kid (f->jwt));
  g_autofree char *es384 = sign_by_hand (es384_header, payload, FALSE);
  g_autofree char *crit_header = g_strdup_printf (
    "{\"alg\":\"ES256\",\"kid\":\"%s\",\"crit\":[\"x-unknown\"],\"x-unknown\":1}",
    carrete_jwt_get_kid (f->jwt));
  g_autofree char *crit = sign_by_hand (crit_header, payload, FALSE);
  g_autofree char *not_json = sign_by_hand (header, "not json", FALSE);
  g_autofree char *array = sign_by_hand (header, "[1,2]", FALSE);
  g_autofree char *nbf_payload = g_strdup_printf (
    "{\"sub\":\"us_0123456789A\",\"iss\":\"carrete\",\"aud\":\"carrete\",\"role\":\"user\","
    "\"exp\":%" G_GINT64_FORMAT ",\"nbf\":\"soon\"}", NOW + TTL);
  g_autofree char *nbf_string = sign_by_hand (header, nbf_payload, FALSE);
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteClaims) claims = carrete_jwt_verify (f->jwt, good, NOW, &error);

  /* The helper makes tokens we accept... */
  g_assert_no_error (error);
  g_assert_nonnull (claims);
  g_assert_cmpstr (claims->role, ==, "admin");

  /* ...so each of these fails for the one thing changed. */
  assert_rejected (f->jwt, der, NOW);
  assert_rejected (f->jwt, padded, NOW);
  assert_rejected (f->jwt, lower, NOW);
  assert_rejected (f->jwt, es384, NOW);
  assert_rejected (f->jwt, crit, NOW);
  assert_rejected (f->jwt, not_json, NOW);
  assert_rejected (f->jwt, array, NOW);
  assert_rejected (f->jwt, nbf_string, NOW);
}

static void
count_criticals (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  guint *count = data;

  if ((level & G_LOG_LEVEL_CRITICAL) != 0)
    (*count)++;
  g_log_default_handler (domain, level, message, NULL);
}

/* Three dot-separated parts whose header is not a JSON object: refused
 * quietly, without a critical warning per request. */
static void
test_reject_header_not_json (Fixture *f, gconstpointer data)
{
  g_autofree char *payload_json = valid_payload ();
  g_autofree char *payload = b64url_str (payload_json);
  g_autofree char *not_json = g_strconcat ("bm90IGpzb24.", payload, ".AAAA", NULL);
  g_autofree char *array = g_strconcat ("W10.", payload, ".AAAA", NULL);
  const char *cases[] = { "..", "a.b.c", "e30..", not_json, array };
  guint criticals = 0;

  GLogLevelFlags fatal;
  GLogFunc previous;

  /* Count criticals instead of aborting on them, for the length of the
   * loop only. */
  fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK);
  previous = g_log_set_default_handler (count_criticals, &criticals);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_rejected (f->jwt, cases[i], NOW);
  g_log_set_default_handler (previous, NULL);
  g_log_set_always_fatal (fatal);

  g_assert_cmpuint (criticals, ==, 0);
}

/* ---- JWKS and keys ---------------------------------------------------------- */

static char *
coordinate (EVP_PKEY *pkey, const char *param)
{
  g_autoptr (BIGNUM) bn = NULL;
  guint8 bytes[32];

  g_assert_cmpint (EVP_PKEY_get_bn_param (pkey, param, &bn), ==, 1);
  g_assert_cmpint (BN_bn2binpad (bn, bytes, sizeof bytes), ==, 32);
  return b64url (bytes, sizeof bytes);
}

static void
test_jwks (Fixture *f, gconstpointer data)
{
  g_autoptr (GString) jwks_text = carrete_jwt_get_jwks (f->jwt);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) jwks = json_from_string (jwks_text->str, &error);
  JsonArray *list;
  JsonObject *key;
  const char *x, *y;
  g_autofree char *canonical = NULL;
  guint8 digest[crypto_hash_sha256_BYTES];
  g_autofree char *thumbprint = NULL;
  g_autofree char *want_x = coordinate (keys.key_a, OSSL_PKEY_PARAM_EC_PUB_X);
  g_autofree char *want_y = coordinate (keys.key_a, OSSL_PKEY_PARAM_EC_PUB_Y);
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (jwks));
  list = json_object_get_array_member (json_node_get_object (jwks), "keys");
  g_assert_nonnull (list);
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  key = json_array_get_object_element (list, 0);
  g_assert_cmpstr (json_object_get_string_member (key, "kty"), ==, "EC");
  g_assert_cmpstr (json_object_get_string_member (key, "crv"), ==, "P-256");
  x = json_object_get_string_member (key, "x");
  y = json_object_get_string_member (key, "y");
  g_assert_cmpuint (strlen (x), ==, 43);
  g_assert_cmpuint (strlen (y), ==, 43);
  g_assert_cmpstr (x, ==, want_x);
  g_assert_cmpstr (y, ==, want_y);
  g_assert_cmpstr (json_object_get_string_member (key, "kid"), ==, carrete_jwt_get_kid (f->jwt));
  if (json_object_has_member (key, "alg"))
    g_assert_cmpstr (json_object_get_string_member (key, "alg"), ==, "ES256");
  /* A public key set carries no private member. */
  g_assert_false (json_object_has_member (key, "d"));

  /* RFC 7638: SHA-256 of the required members in lexicographic order. */
  canonical = g_strdup_printf ("{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}", x,
                               y);
  crypto_hash_sha256 (digest, (const guint8 *) canonical, strlen (canonical));
  thumbprint = b64url (digest, sizeof digest);
  g_assert_cmpstr (carrete_jwt_get_kid (f->jwt), ==, thumbprint);

  text = json_to_string (jwks, FALSE);
  g_assert_null (strstr (text, "PRIVATE"));
}

static void
assert_private_refused (const char *path)
{
  g_autoptr (CarreteJwt) jwt = jwt_with (keys.pub_a, NULL, "carrete", "carrete");
  g_autoptr (GError) error = NULL;

  g_assert_false (carrete_jwt_load_private_key (jwt, path, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG);
}

static void
test_private_key_mismatch (void)
{
  assert_private_refused (keys.priv_b);
  assert_private_refused (keys.priv_p384);
  assert_private_refused (keys.garbage);
  assert_private_refused (keys.missing);
  assert_private_refused (keys.pub_a);
}

static void
assert_public_refused (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteJwt) jwt = carrete_jwt_new (path, "carrete", "carrete", &error);

  g_assert_null (jwt);
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG);
}

static void
test_public_key_refused (void)
{
  assert_public_refused (keys.pub_p384);
  assert_public_refused (keys.pub_rsa);
  assert_public_refused (keys.garbage);
  assert_public_refused (keys.missing);
  assert_public_refused (keys.priv_a);
}

static void
test_sign_without_private_key (void)
{
  g_autoptr (CarreteJwt) jwt = jwt_with (keys.pub_a, NULL, "carrete", "carrete");
  char *token;

  g_test_expect_message ("carrete-jwt", G_LOG_LEVEL_CRITICAL, "*private_pem != NULL*");
  token = carrete_jwt_sign (jwt, "us_0123456789A", "user", NOW, TTL, NULL);
  g_test_assert_expected_messages ();
  g_assert_null (token);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (sodium_init () < 0)
    g_error ("libsodium failed to initialise");
  keys_make ();

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/carrete/jwt/sign-verify", test_sign_verify);
  ADD ("/carrete/jwt/header-and-claims", test_header_and_claims);
  ADD ("/carrete/jwt/signature-interop", test_signature_interop);
  ADD ("/carrete/jwt/verify-public-only", test_verify_public_only);
  ADD ("/carrete/jwt/audience-array", test_audience_array);
  ADD ("/carrete/jwt/reject/expired", test_reject_expired);
  ADD ("/carrete/jwt/reject/audience", test_reject_audience);
  ADD ("/carrete/jwt/reject/issuer", test_reject_issuer);
  ADD ("/carrete/jwt/reject/other-key", test_reject_other_key);
  ADD ("/carrete/jwt/reject/alg-none", test_reject_alg_none);
  ADD ("/carrete/jwt/reject/lenient-json-header", test_reject_lenient_json_header);
  ADD ("/carrete/jwt/reject/hs256-public-key", test_reject_hs256_confusion);
  ADD ("/carrete/jwt/reject/tampered", test_reject_tampered);
  ADD ("/carrete/jwt/reject/truncated", test_reject_truncated);
  ADD ("/carrete/jwt/reject/garbage", test_reject_garbage);
  ADD ("/carrete/jwt/reject/header-not-json", test_reject_header_not_json);
  ADD ("/carrete/jwt/reject/hand-signed", test_hand_signed);
  ADD ("/carrete/jwt/reject/too-long", test_reject_too_long);
  ADD ("/carrete/jwt/reject/missing-exp", test_reject_missing_exp);
  ADD ("/carrete/jwt/reject/wrong-kid", test_reject_wrong_kid);
  ADD ("/carrete/jwt/reject/nbf-future", test_reject_nbf);
  ADD ("/carrete/jwt/reject/missing-claims", test_reject_missing_claims);
  ADD ("/carrete/jwt/jwks", test_jwks);
#undef ADD
  g_test_add_func ("/carrete/jwt/traditional-private-key", test_traditional_private_key);
  g_test_add_func ("/carrete/jwt/keys/private-mismatch", test_private_key_mismatch);
  g_test_add_func ("/carrete/jwt/keys/public-refused", test_public_key_refused);
  g_test_add_func ("/carrete/jwt/sign-without-private-key", test_sign_without_private_key);

  status = g_test_run ();
  keys_remove ();
  return status;
}
