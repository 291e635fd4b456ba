#define G_LOG_DOMAIN "carrete-es256"

#include "carrete-es256.h"

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ECDSA_SIG, ECDSA_SIG_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_MD_CTX, EVP_MD_CTX_free)

/* OpenSSL verifies DER-encoded ECDSA signatures; JOSE sends r || s. */
static int
jose_to_der (const guint8 signature[CARRETE_ES256_SIGNATURE_BYTES], guint8 **der)
{
  g_autoptr (ECDSA_SIG) sig = ECDSA_SIG_new ();
  BIGNUM *r = BN_bin2bn (signature, 32, NULL);
  BIGNUM *s = BN_bin2bn (signature + 32, 32, NULL);

  if (sig == NULL || r == NULL || s == NULL || !ECDSA_SIG_set0 (sig, r, s))
    {
      BN_free (r);
      BN_free (s);
      return -1;
    }
  return i2d_ECDSA_SIG (sig, der);
}

gboolean
carrete_es256_verify (CarreteEs256Key *key, const char *data, gsize len,
                      const guint8 signature[CARRETE_ES256_SIGNATURE_BYTES])
{
  g_autoptr (EVP_MD_CTX) ctx = EVP_MD_CTX_new ();
  guint8 *der = NULL;
  int der_len = jose_to_der (signature, &der);
  gboolean ok;

  if (der_len <= 0 || ctx == NULL)
    {
      OPENSSL_free (der);
      return FALSE;
    }
  ok = EVP_DigestVerifyInit (ctx, NULL, EVP_sha256 (), NULL, key) == 1
       && EVP_DigestVerify (ctx, der, (size_t) der_len, (const guint8 *) data, len) == 1;
  OPENSSL_free (der);
  return ok;
}
