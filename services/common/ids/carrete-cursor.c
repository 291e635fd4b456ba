#define G_LOG_DOMAIN "carrete-cursor"

#include "carrete-cursor.h"

#include <sodium.h>
#include <string.h>

#include "carrete-base64url.h"
#include "carrete-error.h"

#define CURSOR_MAC_BYTES 16
#define CURSOR_MAX_LEN 1024
#define FIELD_SEPARATOR '\x1f'

struct _CarreteCursorKey
{
  guint8 mac_key[crypto_auth_hmacsha256_KEYBYTES];
};

CarreteCursorKey *
carrete_cursor_key_new (const CarreteIdKey *key)
{
  CarreteCursorKey *cursor_key = g_new0 (CarreteCursorKey, 1);

  carrete_id_key_derive (key, "carrete2", 1, cursor_key->mac_key, sizeof cursor_key->mac_key);
  return cursor_key;
}

void
carrete_cursor_key_free (CarreteCursorKey *key)
{
  if (key == NULL)
    return;
  sodium_memzero (key, sizeof *key);
  g_free (key);
}

static void
cursor_mac (const CarreteCursorKey *key, const guint8 *payload, gsize len,
            guint8 out[CURSOR_MAC_BYTES])
{
  guint8 full[crypto_auth_hmacsha256_BYTES];

  crypto_auth_hmacsha256 (full, payload, len, key->mac_key);
  memcpy (out, full, CURSOR_MAC_BYTES);
}

char *
carrete_cursor_encode (const CarreteCursorKey *key, const char *const *fields)
{
  g_autoptr (GByteArray) buffer = g_byte_array_new ();
  guint8 mac[CURSOR_MAC_BYTES];

  for (guint i = 0; fields[i] != NULL; i++)
    {
      if (i > 0)
        g_byte_array_append (buffer, (const guint8 *) "\x1f", 1);
      g_byte_array_append (buffer, (const guint8 *) fields[i], strlen (fields[i]));
    }
  cursor_mac (key, buffer->data, buffer->len, mac);
  g_byte_array_append (buffer, mac, sizeof mac);
  return carrete_base64url_encode (buffer->data, buffer->len);
}

char **
carrete_cursor_decode (const CarreteCursorKey *key, const char *cursor, guint n_fields,
                       GError **error)
{
  g_autoptr (GBytes) bytes = NULL;
  const guint8 *raw;
  gsize raw_len = 0;
  guint8 mac[CURSOR_MAC_BYTES];
  g_autofree char *payload = NULL;
  g_auto (GStrv) fields = NULL;
  gsize len = cursor != NULL ? strlen (cursor) : 0;

  if (len == 0 || len > CURSOR_MAX_LEN || (bytes = carrete_base64url_decode (cursor, len)) == NULL)
    goto invalid;
  raw = g_bytes_get_data (bytes, &raw_len);
  if (raw_len < CURSOR_MAC_BYTES)
    goto invalid;

  cursor_mac (key, raw, raw_len - CURSOR_MAC_BYTES, mac);
  if (sodium_memcmp (mac, raw + raw_len - CURSOR_MAC_BYTES, CURSOR_MAC_BYTES) != 0)
    goto invalid;

  payload = g_strndup ((const char *) raw, raw_len - CURSOR_MAC_BYTES);
  fields = g_strsplit (payload, (const char[]) { FIELD_SEPARATOR, 0 }, -1);
  if (g_strv_length (fields) != n_fields)
    goto invalid;
  return g_steal_pointer (&fields);

invalid:
  g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_BAD_REQUEST,
               "cursor is not one this service issued");
  return NULL;
}
