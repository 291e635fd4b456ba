#define G_LOG_DOMAIN "carrete-sha256"

#include "carrete-sha256.h"

#include <errno.h>
#include <openssl/evp.h>
#include <unistd.h>

#include "carrete-error.h"

#define HASH_CHUNK (64 * 1024)

struct _CarreteSha256
{
  EVP_MD_CTX *ctx;
};

CarreteSha256 *
carrete_sha256_new (void)
{
  CarreteSha256 *sha = g_new0 (CarreteSha256, 1);

  sha->ctx = EVP_MD_CTX_new ();
  if (sha->ctx == NULL || EVP_DigestInit_ex (sha->ctx, EVP_sha256 (), NULL) != 1)
    g_error ("OpenSSL cannot start a SHA-256 digest"); /* out of memory */
  return sha;
}

void
carrete_sha256_update (CarreteSha256 *sha, const void *data, gsize len)
{
  if (len > 0 && EVP_DigestUpdate (sha->ctx, data, len) != 1)
    g_error ("OpenSSL SHA-256 update failed");
}

static void
digest_to_hex (const unsigned char *digest, unsigned int len, char hex[CARRETE_SHA256_HEX_LEN + 1])
{
  static const char digits[] = "0123456789abcdef";

  for (unsigned int i = 0; i < len; i++)
    {
      hex[2 * i] = digits[digest[i] >> 4];
      hex[2 * i + 1] = digits[digest[i] & 0xf];
    }
  hex[CARRETE_SHA256_HEX_LEN] = '\0';
}

void
carrete_sha256_finish_hex (CarreteSha256 *sha, char hex[CARRETE_SHA256_HEX_LEN + 1])
{
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;

  if (EVP_DigestFinal_ex (sha->ctx, digest, &len) != 1 || len != 32)
    g_error ("OpenSSL SHA-256 final failed");
  digest_to_hex (digest, len, hex);
}

void
carrete_sha256_hex (const void *data, gsize len, char hex[CARRETE_SHA256_HEX_LEN + 1])
{
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;

  if (EVP_Digest (data, len, digest, &digest_len, EVP_sha256 (), NULL) != 1 || digest_len != 32)
    g_error ("OpenSSL SHA-256 failed"); /* out of memory */
  digest_to_hex (digest, digest_len, hex);
}

void
carrete_sha256_free (CarreteSha256 *sha)
{
  if (sha == NULL)
    return;
  EVP_MD_CTX_free (sha->ctx);
  g_free (sha);
}

gboolean
carrete_sha256_fd (int fd, GCancellable *cancellable, char hex[CARRETE_SHA256_HEX_LEN + 1],
                   guint64 *size, GError **error)
{
  g_autofree guint8 *buffer = g_malloc (HASH_CHUNK);
  g_autoptr (CarreteSha256) state = carrete_sha256_new ();
  guint64 total = 0;
  gssize n;

  while ((n = read (fd, buffer, HASH_CHUNK)) != 0)
    {
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "read: %s", g_strerror (errno));
          return FALSE;
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      carrete_sha256_update (state, buffer, (gsize) n);
      total += (guint64) n;
    }
  carrete_sha256_finish_hex (state, hex);
  if (size != NULL)
    *size = total;
  return TRUE;
}
