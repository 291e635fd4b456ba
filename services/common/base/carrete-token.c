#define G_LOG_DOMAIN "carrete-token"

#include "carrete-token.h"

#include "carrete-base64url.h"

#include <sodium.h>
#include <string.h>

char *
carrete_token_new (void)
{
  guint8 bytes[32];

  randombytes_buf (bytes, sizeof bytes);
  return carrete_base64url_encode (bytes, sizeof bytes);
}

gboolean
carrete_token_is_well_formed (const char *token)
{
  if (token == NULL || strlen (token) != CARRETE_TOKEN_LEN)
    return FALSE;
  for (const char *c = token; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && *c != '-' && *c != '_')
      return FALSE;
  return TRUE;
}

char *
carrete_token_digest (const char *token)
{
  guint8 digest[crypto_hash_sha256_BYTES];
  char hex[sizeof digest * 2 + 1];

  crypto_hash_sha256 (digest, (const guint8 *) token, strlen (token));
  return g_strdup (sodium_bin2hex (hex, sizeof hex, digest, sizeof digest));
}
