/* carrete_jwt_verify on attacker-controlled tokens, with a P-256 key made at
 * start-up.  Nobody but us holds the private key, so any token built from
 * the input alone that verifies is a forgery → crash.  A third pass signs
 * the input's header and claims with the real key to reach the claim
 * checks and the verified-token cache.  The same input is also matched
 * against a few route patterns. */
#include <glib/gstdio.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sodium.h>

#include "carrete-base64url.h"
#include "carrete-error.h"
#include "carrete-es256.h"
#include "carrete-jwt.h"
#include "carrete-server.h"
#include "fuzz-common.h"

#define NOW G_GINT64_CONSTANT (1700000000)
#define ISSUER "carrete"
#define AUDIENCE "carrete"
#define KID_PLACEHOLDER "@kid@"
#define ROUTE_ROOM 8

static EVP_PKEY *private_key;
static CarreteJwt *jwt_forged; /* verifies tokens made from the input alone */
static CarreteJwt *jwt_signed; /* verifies tokens we signed (its own cache) */

static CarreteJwt *
jwt_from_public_key (EVP_PKEY *pkey)
{
  GError *error = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp ("carrete-fuzz-jwt-XXXXXX.pem", &path, &error);
  FILE *file;
  CarreteJwt *jwt;

  if (fd < 0 || (file = fdopen (fd, "w")) == NULL || !PEM_write_PUBKEY (file, pkey)
      || fclose (file) != 0)
    g_error ("cannot write the public key: %s", error != NULL ? error->message : "I/O error");
  jwt = carrete_jwt_new (path, ISSUER, AUDIENCE, &error);
  if (jwt == NULL)
    g_error ("carrete_jwt_new: %s", error->message);
  g_unlink (path);
  g_free (path);
  return jwt;
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_fatal_criticals ();
  if (sodium_init () < 0)
    g_error ("sodium_init failed");
  private_key = EVP_EC_gen ("P-256");
  if (private_key == NULL)
    g_error ("EVP_EC_gen failed");
  jwt_forged = jwt_from_public_key (private_key);
  jwt_signed = jwt_from_public_key (private_key);
  return 0;
}

/* The JOSE r || s signature of `data` with the real key. */
static gboolean
sign_es256 (const char *data, gsize len, guint8 out[CARRETE_ES256_SIGNATURE_BYTES])
{
  EVP_MD_CTX *ctx = EVP_MD_CTX_new ();
  guint8 der[128];
  gsize der_len = sizeof der;
  const guint8 *p = der;
  ECDSA_SIG *sig = NULL;
  gboolean ok;

  ok = ctx != NULL && EVP_DigestSignInit (ctx, NULL, EVP_sha256 (), NULL, private_key) == 1
       && EVP_DigestSign (ctx, der, &der_len, (const guint8 *) data, len) == 1
       && (sig = d2i_ECDSA_SIG (NULL, &p, (long) der_len)) != NULL
       && BN_bn2binpad (ECDSA_SIG_get0_r (sig), out, 32) == 32
       && BN_bn2binpad (ECDSA_SIG_get0_s (sig), out + 32, 32) == 32;
  ECDSA_SIG_free (sig);
  EVP_MD_CTX_free (ctx);
  return ok;
}

static void
verify_forged (const char *token)
{
  GError *error = NULL;
  CarreteClaims *claims = carrete_jwt_verify (jwt_forged, token, NOW, &error);

  if (claims != NULL)
    {
      fprintf (stderr, "forged token accepted: sub=%s role=%s\n", claims->sub, claims->role);
      FUZZ_CHECK (claims == NULL);
    }
  FUZZ_CHECK (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_UNAUTHORIZED));
  g_error_free (error);
}

static void
verify_signed (const char *token)
{
  GError *error = NULL;
  CarreteClaims *claims = carrete_jwt_verify (jwt_signed, token, NOW, &error);
  CarreteClaims *cached;

  if (claims == NULL)
    {
      FUZZ_CHECK (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_UNAUTHORIZED));
      g_error_free (error);
      return;
    }
  FUZZ_CHECK (error == NULL);
  FUZZ_CHECK (claims->sub != NULL && claims->role != NULL);
  FUZZ_CHECK (claims->exp > NOW);
  /* The second time comes from the cache and must say the same. */
  cached = carrete_jwt_verify (jwt_signed, token, NOW, NULL);
  FUZZ_CHECK (cached != NULL);
  FUZZ_CHECK (g_str_equal (cached->sub, claims->sub) && g_str_equal (cached->role, claims->role)
              && g_strcmp0 (cached->jti, claims->jti) == 0 && cached->exp == claims->exp);
  /* Past its expiry the cache must not answer. */
  FUZZ_CHECK (carrete_jwt_verify (jwt_signed, token, claims->exp, NULL) == NULL);
  carrete_claims_free (cached);
  carrete_claims_free (claims);
}

/* Input "HEADER\nCLAIMS\nSIGNATURE": the first two parts are JSON text (with
 * @kid@ replaced by our key id), the rest raw signature bytes. */
static void
structured_tokens (const uint8_t *data, size_t size)
{
  const uint8_t *nl1 = memchr (data, '\n', size);
  const uint8_t *nl2 = nl1 != NULL ? memchr (nl1 + 1, '\n', size - (gsize) (nl1 + 1 - data)) : NULL;
  char *header_json, *b64_header, *b64_claims, *b64_sig, *signing_input, *token;
  GString *header;
  guint8 signature[CARRETE_ES256_SIGNATURE_BYTES];

  if (nl2 == NULL)
    return;
  header_json = g_strndup ((const char *) data, (gsize) (nl1 - data));
  header = g_string_new (header_json);
  g_string_replace (header, KID_PLACEHOLDER, carrete_jwt_get_kid (jwt_forged), 0);
  b64_header = carrete_base64url_encode (header->str, header->len);
  b64_claims = carrete_base64url_encode (nl1 + 1, (gsize) (nl2 - nl1 - 1));
  signing_input = g_strconcat (b64_header, ".", b64_claims, NULL);

  /* The attacker's own signature bytes. */
  b64_sig = carrete_base64url_encode (nl2 + 1, size - (gsize) (nl2 + 1 - data));
  token = g_strconcat (signing_input, ".", b64_sig, NULL);
  verify_forged (token);
  g_free (token);
  g_free (b64_sig);

  /* A genuine signature over the same header and claims. */
  if (sign_es256 (signing_input, strlen (signing_input), signature))
    {
      b64_sig = carrete_base64url_encode (signature, sizeof signature);
      token = g_strconcat (signing_input, ".", b64_sig, NULL);
      verify_signed (token);
      g_free (token);
      g_free (b64_sig);
    }

  g_free (signing_input);
  g_free (b64_claims);
  g_free (b64_header);
  g_string_free (header, TRUE);
  g_free (header_json);
}

static void
match_route (const char *pattern, const char *path, const char *const *param_names)
{
  char *names[ROUTE_ROOM] = { 0 };
  char *values[ROUTE_ROOM] = { 0 };
  int n = carrete_route_match (pattern, path, names, values);
  guint expected = param_names != NULL ? g_strv_length ((char **) param_names) : 0;

  FUZZ_CHECK (n == -1 || (n == (int) expected && n <= ROUTE_ROOM));
  for (int i = 0; i < ROUTE_ROOM; i++)
    {
      if (i < n)
        {
          FUZZ_CHECK (names[i] != NULL && values[i] != NULL);
          FUZZ_CHECK (g_str_equal (names[i], param_names[i]));
        }
      else
        FUZZ_CHECK (names[i] == NULL && values[i] == NULL);
      g_free (names[i]);
      g_free (values[i]);
    }
  if (n == 0)
    FUZZ_CHECK (g_str_equal (pattern, path));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *text = fuzz_strdup (data, size);

  verify_forged (text);
  structured_tokens (data, size);

  match_route ("/healthz", text, NULL);
  match_route ("/v1/users/{id}", text, (const char *const[]) { "id", NULL });
  match_route ("/v1/folders/{folder}/photos/{photo}", text,
               (const char *const[]) { "folder", "photo", NULL });
  /* More parameters than the room callers give (8): must never match. */
  match_route ("/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}", text,
               (const char *const[]) { "a", "b", "c", "d", "e", "f", "g", "h", "i", NULL });
  g_free (text);
  return 0;
}
