#define G_LOG_DOMAIN "carrete-web"

#include "web-csrf.h"

#include <sodium.h>
#include <string.h>

#include "carrete-base64url.h"
#include "carrete-keys.h"

#define SEED_BYTES 24

void
web_csrf_init (WebCsrf *csrf, const CarreteIdKey *id_key)
{
  carrete_id_key_derive (id_key, "webcsrf_", 1, csrf->key, sizeof csrf->key);
}

char *
web_csrf_new_seed (void)
{
  guint8 seed[SEED_BYTES];

  randombytes_buf (seed, sizeof seed);
  return carrete_base64url_encode (seed, sizeof seed);
}

char *
web_csrf_token (const WebCsrf *csrf, const char *seed)
{
  guint8 mac[crypto_auth_hmacsha256_BYTES];

  crypto_auth_hmacsha256 (mac, (const guint8 *) seed, strlen (seed), csrf->key);
  return carrete_base64url_encode (mac, sizeof mac);
}

gboolean
web_csrf_check (const WebCsrf *csrf, const char *seed, const char *token)
{
  g_autofree char *expected = NULL;

  if (seed == NULL || *seed == '\0' || token == NULL || *token == '\0')
    return FALSE;
  expected = web_csrf_token (csrf, seed);
  return carrete_secret_equal (expected, token);
}
