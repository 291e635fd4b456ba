#define G_LOG_DOMAIN "carrete-ids"

#include "carrete-ids.h"

#include <sodium.h>
#include <string.h>

#define FEISTEL_ROUNDS 8

static const char base62_alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
static const char *const type_prefixes[CARRETE_ID_N_TYPES] = { "us_", "ph_", "fo_", "up_", "sh_" };

struct _CarreteIds
{
  guint8 round_keys[CARRETE_ID_N_TYPES][crypto_shorthash_KEYBYTES];
};

CarreteIds *
carrete_ids_new (const CarreteIdKey *key)
{
  CarreteIds *ids = g_new0 (CarreteIds, 1);

  /* The subkey id doubles as the per-type tweak. */
  for (guint type = 0; type < CARRETE_ID_N_TYPES; type++)
    carrete_id_key_derive (key, "carrete1", 1 + type, ids->round_keys[type],
                           sizeof ids->round_keys[type]);
  return ids;
}

void
carrete_ids_free (CarreteIds *ids)
{
  if (ids == NULL)
    return;
  sodium_memzero (ids, sizeof *ids);
  g_free (ids);
}

static guint32
feistel_round (const guint8 *key, guint round, guint32 half)
{
  guint8 input[5];
  guint8 digest[crypto_shorthash_BYTES];
  guint32 out;

  input[0] = (guint8) round;
  memcpy (input + 1, &half, sizeof half);
  crypto_shorthash (digest, input, sizeof input, key);
  memcpy (&out, digest, sizeof out);
  return out;
}

guint64
carrete_ids_permute (const CarreteIds *ids, CarreteIdType type, guint64 value)
{
  const guint8 *key = ids->round_keys[type];
  guint32 left = (guint32) (value >> 32);
  guint32 right = (guint32) value;

  for (guint round = 0; round < FEISTEL_ROUNDS; round++)
    {
      guint32 next = left ^ feistel_round (key, round, right);
      left = right;
      right = next;
    }
  return ((guint64) left << 32) | right;
}

guint64
carrete_ids_unpermute (const CarreteIds *ids, CarreteIdType type, guint64 value)
{
  const guint8 *key = ids->round_keys[type];
  guint32 left = (guint32) (value >> 32);
  guint32 right = (guint32) value;

  for (guint round = FEISTEL_ROUNDS; round-- > 0;)
    {
      guint32 previous = right ^ feistel_round (key, round, left);
      right = left;
      left = previous;
    }
  return ((guint64) left << 32) | right;
}

char *
carrete_ids_encode (const CarreteIds *ids, CarreteIdType type, gint64 value)
{
  char text[CARRETE_ID_STRING_LEN + 1];
  guint64 n;

  g_return_val_if_fail (value > 0, NULL);
  n = carrete_ids_permute (ids, type, (guint64) value);
  memcpy (text, type_prefixes[type], 3);
  for (int i = CARRETE_ID_STRING_LEN - 1; i >= 3; i--)
    {
      text[i] = base62_alphabet[n % 62];
      n /= 62;
    }
  text[CARRETE_ID_STRING_LEN] = '\0';
  return g_strdup (text);
}

static int
base62_digit (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'A' && c <= 'Z')
    return c - 'A' + 10;
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 36;
  return -1;
}

gboolean
carrete_ids_decode (const CarreteIds *ids, CarreteIdType type, const char *text, gint64 *value)
{
  guint64 n = 0;
  guint64 plain;

  if (text == NULL || strlen (text) != CARRETE_ID_STRING_LEN
      || memcmp (text, type_prefixes[type], 3) != 0)
    return FALSE;
  for (int i = 3; i < CARRETE_ID_STRING_LEN; i++)
    {
      int digit = base62_digit (text[i]);
      if (digit < 0)
        return FALSE;
      /* 62^11 exceeds 2^64: refuse strings that would overflow. */
      if (n > (G_MAXUINT64 - (guint64) digit) / 62)
        return FALSE;
      n = n * 62 + (guint64) digit;
    }
  plain = carrete_ids_unpermute (ids, type, n);
  if (plain == 0 || plain > G_MAXINT64)
    return FALSE;
  *value = (gint64) plain;
  return TRUE;
}
