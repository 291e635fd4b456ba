#define G_LOG_DOMAIN "carrete-base64url"

#include "carrete-base64url.h"

#include <sodium.h>

char *
carrete_base64url_encode (const void *data, gsize len)
{
  gsize out_len = sodium_base64_encoded_len (len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  char *out = g_malloc (out_len);

  sodium_bin2base64 (out, out_len, data, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

GBytes *
carrete_base64url_decode (const char *text, gsize len)
{
  g_autofree guint8 *out = g_malloc (len + 1);
  gsize out_len = 0;

  if (sodium_base642bin (out, len + 1, text, len, NULL, &out_len, NULL,
                         sodium_base64_VARIANT_URLSAFE_NO_PADDING)
      != 0)
    return NULL;
  return g_bytes_new_take (g_steal_pointer (&out), out_len);
}
