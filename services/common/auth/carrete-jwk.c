#define G_LOG_DOMAIN "carrete-jwk"

#include "carrete-jwk.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sodium.h>
#include <string.h>

#include "carrete-base64url.h"
#include "carrete-error.h"

#define P256_COORD_BYTES 32

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY, EVP_PKEY_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BIO, BIO_free)

static gboolean
check_p256 (EVP_PKEY *pkey, GError **error)
{
  char group[64] = "";
  gsize group_len = 0;

  if (EVP_PKEY_get_base_id (pkey) != EVP_PKEY_EC
      || !EVP_PKEY_get_group_name (pkey, group, sizeof group, &group_len)
      || (!g_str_equal (group, "prime256v1") && !g_str_equal (group, "P-256")))
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG,
                   "the key is not an EC P-256 (prime256v1) key as ES256 needs");
      return FALSE;
    }
  return TRUE;
}

/* The uncompressed point 0x04 || X || Y. */
static gboolean
read_public_point (EVP_PKEY *pkey, guint8 point[1 + 2 * P256_COORD_BYTES], GError **error)
{
  gsize len = 0;

  if (!check_p256 (pkey, error))
    return FALSE;
  EVP_PKEY_set_utf8_string_param (pkey, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                                  "uncompressed");
  if (!EVP_PKEY_get_octet_string_param (pkey, OSSL_PKEY_PARAM_PUB_KEY, point,
                                        1 + 2 * P256_COORD_BYTES, &len)
      || len != 1 + 2 * P256_COORD_BYTES || point[0] != 0x04)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG, "cannot read the EC public point");
      return FALSE;
    }
  return TRUE;
}

gboolean
carrete_jwk_from_public_pem (const char *pem, gsize len, CarreteJwk *jwk, GError **error)
{
  g_autoptr (BIO) bio = BIO_new_mem_buf (pem, (int) len);
  g_autoptr (EVP_PKEY) pkey = PEM_read_bio_PUBKEY (bio, NULL, NULL, NULL);
  guint8 point[1 + 2 * P256_COORD_BYTES];
  guint8 digest[crypto_hash_sha256_BYTES];
  g_autofree char *canonical = NULL;

  if (pkey == NULL)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG,
                   "not a PEM public key (expected -----BEGIN PUBLIC KEY-----)");
      return FALSE;
    }
  if (!read_public_point (pkey, point, error))
    return FALSE;
  jwk->x = carrete_base64url_encode (point + 1, P256_COORD_BYTES);
  jwk->y = carrete_base64url_encode (point + 1 + P256_COORD_BYTES, P256_COORD_BYTES);
  /* RFC 7638: members in lexicographic order, no white space. */
  canonical = g_strdup_printf ("{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}",
                               jwk->x, jwk->y);
  crypto_hash_sha256 (digest, (const guint8 *) canonical, strlen (canonical));
  jwk->thumbprint = carrete_base64url_encode (digest, sizeof digest);
  jwk->public_key = g_steal_pointer (&pkey);
  return TRUE;
}

gboolean
carrete_jwk_matches_private_pem (const CarreteJwk *jwk, const char *pem, gsize len,
                                 GError **error)
{
  g_autoptr (BIO) bio = BIO_new_mem_buf (pem, (int) len);
  g_autoptr (EVP_PKEY) pkey = PEM_read_bio_PrivateKey (bio, NULL, NULL, NULL);
  guint8 point[1 + 2 * P256_COORD_BYTES];
  g_autofree char *x = NULL;
  g_autofree char *y = NULL;

  if (pkey == NULL)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG,
                   "not a PEM private key (EC or PKCS#8)");
      return FALSE;
    }
  if (!read_public_point (pkey, point, error))
    return FALSE;
  x = carrete_base64url_encode (point + 1, P256_COORD_BYTES);
  y = carrete_base64url_encode (point + 1 + P256_COORD_BYTES, P256_COORD_BYTES);
  if (!g_str_equal (x, jwk->x) || !g_str_equal (y, jwk->y))
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG,
                   "the private key does not belong to the configured public key");
      return FALSE;
    }
  return TRUE;
}

void
carrete_jwk_clear (CarreteJwk *jwk)
{
  g_clear_pointer (&jwk->x, g_free);
  g_clear_pointer (&jwk->y, g_free);
  g_clear_pointer (&jwk->thumbprint, g_free);
  g_clear_pointer (&jwk->public_key, EVP_PKEY_free);
}
