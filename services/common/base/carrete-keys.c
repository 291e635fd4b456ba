#define G_LOG_DOMAIN "carrete-keys"

#include "carrete-keys.h"

#include <string.h>

#include "carrete-error.h"

gboolean
carrete_id_key_parse (const char *text, CarreteIdKey *key, GError **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  gsize bin_len = 0;

  if (strlen (trimmed) != CARRETE_ID_KEY_BYTES * 2
      || sodium_hex2bin (key->bytes, sizeof key->bytes, trimmed, strlen (trimmed), NULL, &bin_len,
                         NULL) != 0
      || bin_len != CARRETE_ID_KEY_BYTES)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG,
                   "expected 64 hexadecimal characters (32 random bytes)");
      return FALSE;
    }
  return TRUE;
}

gboolean
carrete_key_file_read (const char *path, char **contents, gsize *length, GError **error)
{
  g_autoptr (GError) local_error = NULL;

  if (!g_file_get_contents (path, contents, length, &local_error))
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG, "%s", local_error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
carrete_id_key_load (const char *path, CarreteIdKey *key, GError **error)
{
  g_autofree char *contents = NULL;
  gboolean ok;

  if (!carrete_key_file_read (path, &contents, NULL, error))
    return FALSE;
  ok = carrete_id_key_parse (contents, key, error);
  sodium_memzero (contents, strlen (contents));
  return ok;
}

void
carrete_id_key_derive (const CarreteIdKey *key, const char context[8], guint64 subkey_id,
                       guint8 *out, gsize out_len)
{
  g_assert (out_len >= crypto_kdf_BYTES_MIN && out_len <= crypto_kdf_BYTES_MAX);
  crypto_kdf_derive_from_key (out, out_len, subkey_id, context, key->bytes);
}

void
carrete_secret_free (char *secret)
{
  if (secret == NULL)
    return;
  sodium_memzero (secret, strlen (secret));
  g_free (secret);
}

gboolean
carrete_secret_equal (const char *a, const char *b)
{
  gsize len;

  if (a == NULL || b == NULL)
    return FALSE;
  len = strlen (a);
  return strlen (b) == len && sodium_memcmp (a, b, len) == 0;
}
