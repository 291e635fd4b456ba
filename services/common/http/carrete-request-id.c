#define G_LOG_DOMAIN "carrete-request-id"

#include "carrete-request-id.h"

#include <sodium.h>
#include <string.h>

#define MAX_REQUEST_ID_LEN 128

static gboolean
request_id_is_acceptable (const char *id)
{
  gsize len = id != NULL ? strlen (id) : 0;

  if (len == 0 || len > MAX_REQUEST_ID_LEN)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (id[i]) && id[i] != '-' && id[i] != '_' && id[i] != '.')
      return FALSE;
  return TRUE;
}

/* Request ids must be unique and unguessable, not secret: ChaCha20 keyed
 * once per thread from the system's random source, with a counter as
 * nonce, saves a getrandom() system call per request. */
static void
random_request_id (guint8 bytes[16])
{
  static __thread guint8 key[crypto_stream_chacha20_ietf_KEYBYTES];
  static __thread guint64 counter;
  guint8 nonce[crypto_stream_chacha20_ietf_NONCEBYTES] = { 0 };

  if (counter == 0)
    randombytes_buf (key, sizeof key);
  counter++;
  memcpy (nonce, &counter, sizeof counter);
  crypto_stream_chacha20_ietf (bytes, 16, nonce, key);
}

char *
carrete_request_id_for (SoupServerMessage *msg)
{
  const char *given = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                    "X-Request-Id");
  guint8 bytes[16];
  char hex[sizeof bytes * 2 + 1];

  if (request_id_is_acceptable (given))
    return g_strdup (given);
  random_request_id (bytes);
  return g_strdup (sodium_bin2hex (hex, sizeof hex, bytes, sizeof bytes));
}
