#define G_LOG_DOMAIN "carrete-web"

#include "web-link-seal.h"

#include <sodium.h>
#include <string.h>

#include "carrete-base64url.h"

#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES
/* Longer than any password carrete-folders accepts (1,024 characters of
 * up to 4 bytes each). */
#define MAX_PASSWORD_BYTES 4096

void
web_link_seal_init (WebLinkSeal *seal, const CarreteIdKey *id_key)
{
  carrete_id_key_derive (id_key, "weblink_", 1, seal->key, sizeof seal->key);
}

char *
web_link_seal (const WebLinkSeal *seal, const char *token, const char *password)
{
  gsize len = strlen (password);
  g_autofree guint8 *sealed = NULL;
  unsigned long long sealed_len = 0;

  g_return_val_if_fail (len <= MAX_PASSWORD_BYTES, NULL);
  sealed = g_malloc (NONCE_BYTES + len + TAG_BYTES);
  randombytes_buf (sealed, NONCE_BYTES);
  crypto_aead_xchacha20poly1305_ietf_encrypt (sealed + NONCE_BYTES, &sealed_len,
                                              (const guint8 *) password, len,
                                              (const guint8 *) token, strlen (token), NULL,
                                              sealed, seal->key);
  return carrete_base64url_encode (sealed, NONCE_BYTES + (gsize) sealed_len);
}

char *
web_link_unseal (const WebLinkSeal *seal, const char *token, const char *sealed)
{
  g_autoptr (GBytes) bytes = NULL;
  const guint8 *data;
  gsize len;
  char *password;
  unsigned long long password_len = 0;

  if (sealed == NULL || token == NULL)
    return NULL;
  bytes = carrete_base64url_decode (sealed, strlen (sealed));
  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &len);
  if (len < NONCE_BYTES + TAG_BYTES || len > NONCE_BYTES + TAG_BYTES + MAX_PASSWORD_BYTES)
    return NULL;
  password = g_malloc (len - NONCE_BYTES - TAG_BYTES + 1);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt ((guint8 *) password, &password_len, NULL,
                                                  data + NONCE_BYTES, len - NONCE_BYTES,
                                                  (const guint8 *) token, strlen (token), data,
                                                  seal->key)
      != 0)
    {
      g_free (password);
      return NULL;
    }
  password[password_len] = '\0';
  return password;
}
