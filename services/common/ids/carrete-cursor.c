#define G_LOG_DOMAIN "carrete-cursor"

#include "carrete-cursor.h"

#include <sodium.h>
#include <string.h>

#include "carrete-base64url.h"
#include "carrete-error.h"

#define CURSOR_MAX_LEN 1024
#define FIELD_SEPARATOR '\x1f'
#define CURSOR_OVERHEAD (crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)

struct _CarreteCursorKey
{
  guint8 box_key[crypto_secretbox_KEYBYTES];
  guint8 nonce_key[crypto_generichash_KEYBYTES];
};

CarreteCursorKey *
carrete_cursor_key_new (const CarreteIdKey *key)
{
  CarreteCursorKey *cursor_key = g_new0 (CarreteCursorKey, 1);

  /* Subkey 2 of the cursor context: subkey 1 was the HMAC key of the
   * signed-only cursors, which are refused now. */
  carrete_id_key_derive (key, "carrete2", 2, cursor_key->box_key, sizeof cursor_key->box_key);
  carrete_id_key_derive (key, "carrete2", 3, cursor_key->nonce_key, sizeof cursor_key->nonce_key);
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

/* nonce ‖ secretbox(fields joined by US): sealed, not only signed, because
 * a cursor's fields (a row's time and its tie-breaking id) are internal and
 * must not be readable by whoever holds the cursor.  The nonce is a keyed
 * hash of the fields (a synthetic IV), so the same page boundary always
 * gives the same cursor and no nonce repeats for different fields. */
char *
carrete_cursor_encode (const CarreteCursorKey *key, const char *const *fields)
{
  g_autoptr (GByteArray) plain = g_byte_array_new ();
  g_autofree guint8 *sealed = NULL;
  gsize sealed_len;

  for (guint i = 0; fields[i] != NULL; i++)
    {
      if (i > 0)
        g_byte_array_append (plain, (const guint8 *) "\x1f", 1);
      g_byte_array_append (plain, (const guint8 *) fields[i], strlen (fields[i]));
    }
  sealed_len = CURSOR_OVERHEAD + plain->len;
  sealed = g_malloc (sealed_len);
  crypto_generichash (sealed, crypto_secretbox_NONCEBYTES, plain->data, plain->len, key->nonce_key,
                      sizeof key->nonce_key);
  crypto_secretbox_easy (sealed + crypto_secretbox_NONCEBYTES, plain->data, plain->len, sealed,
                         key->box_key);
  sodium_memzero (plain->data, plain->len);
  return carrete_base64url_encode (sealed, sealed_len);
}

char **
carrete_cursor_decode (const CarreteCursorKey *key, const char *cursor, guint n_fields,
                       GError **error)
{
  g_autoptr (GBytes) bytes = NULL;
  const guint8 *raw;
  gsize raw_len = 0;
  g_autofree char *payload = NULL;
  g_auto (GStrv) fields = NULL;
  gsize len = cursor != NULL ? strlen (cursor) : 0;

  if (len == 0 || len > CURSOR_MAX_LEN || (bytes = carrete_base64url_decode (cursor, len)) == NULL)
    goto invalid;
  raw = g_bytes_get_data (bytes, &raw_len);
  if (raw_len < CURSOR_OVERHEAD)
    goto invalid;

  payload = g_malloc0 (raw_len - CURSOR_OVERHEAD + 1);
  if (crypto_secretbox_open_easy ((guint8 *) payload, raw + crypto_secretbox_NONCEBYTES,
                                  raw_len - crypto_secretbox_NONCEBYTES, raw, key->box_key)
      != 0)
    goto invalid;
  /* A NUL inside would cut the fields short: not one we sealed. */
  if (strlen (payload) != raw_len - CURSOR_OVERHEAD)
    goto invalid;
  fields = g_strsplit (payload, (const char[]) { FIELD_SEPARATOR, 0 }, -1);
  if (g_strv_length (fields) != n_fields)
    goto invalid;
  return g_steal_pointer (&fields);

invalid:
  g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_BAD_REQUEST,
               "cursor is not one this service issued");
  return NULL;
}
