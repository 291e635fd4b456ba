#define G_LOG_DOMAIN "carrete-test-ids"

#include <sodium.h>
#include <string.h>

#include "carrete-ids.h"

/* A fixed key keeps every case reproducible; a second one checks that the
 * key matters. */
#define KEY_A "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define KEY_B "f0e1d2c3b4a5968778695a4b3c2d1e0f00112233445566778899aabbccddeeff"

static const char base62_alphabet[] =
  "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

typedef struct
{
  CarreteIds *ids;
} Fixture;

static CarreteIds *
ids_for_key (const char *hex)
{
  g_autoptr (GError) error = NULL;
  CarreteIdKey key;

  g_assert_true (carrete_id_key_parse (hex, &key, &error));
  g_assert_no_error (error);
  return carrete_ids_new (&key);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->ids = ids_for_key (KEY_A);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->ids, carrete_ids_free);
}

/* A positive 63-bit value from the test's seeded generator. */
static gint64
random_positive (void)
{
  guint64 v = ((guint64) (guint32) g_test_rand_int () << 32) | (guint32) g_test_rand_int ();

  v &= (guint64) G_MAXINT64;
  return v == 0 ? 1 : (gint64) v;
}

static guint64
random_u64 (void)
{
  return ((guint64) (guint32) g_test_rand_int () << 32) | (guint32) g_test_rand_int ();
}

static void
assert_roundtrip (CarreteIds *ids, CarreteIdType type, gint64 value)
{
  g_autofree char *text = carrete_ids_encode (ids, type, value);
  gint64 decoded = 0;

  g_assert_nonnull (text);
  g_assert_true (carrete_ids_decode (ids, type, text, &decoded));
  g_assert_cmpint (decoded, ==, value);
}

static void
test_roundtrip (Fixture *f, gconstpointer data)
{
  static const gint64 fixed[] = { 1, 2, 3, 61, 62, 63, 1000, 4294967295, 4294967296,
                                  G_MAXINT64 - 1, G_MAXINT64 };

  for (CarreteIdType type = 0; type < CARRETE_ID_N_TYPES; type++)
    {
      for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
        assert_roundtrip (f->ids, type, fixed[i]);
      for (guint i = 0; i < 2000; i++)
        assert_roundtrip (f->ids, type, random_positive ());
    }
}

static void
test_format (Fixture *f, gconstpointer data)
{
  static const char *const prefixes[CARRETE_ID_N_TYPES] = { "us_", "ph_", "fo_", "up_", "sh_" };

  for (CarreteIdType type = 0; type < CARRETE_ID_N_TYPES; type++)
    for (gint64 value = 1; value <= 300; value++)
      {
        g_autofree char *text = carrete_ids_encode (f->ids, type, value * 7919);

        g_assert_cmpuint (strlen (text), ==, CARRETE_ID_STRING_LEN);
        g_assert_cmpuint (strlen (text), ==, 14);
        g_assert_true (g_str_has_prefix (text, prefixes[type]));
        for (guint i = 3; i < CARRETE_ID_STRING_LEN; i++)
          g_assert_nonnull (strchr (base62_alphabet, text[i]));
      }
}

static void
test_unrelated (Fixture *f, gconstpointer data)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) prefixes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (gint64 value = 1; value <= 100; value++)
    {
      char *text = carrete_ids_encode (f->ids, CARRETE_ID_USER, value);
      char *prefix = g_strndup (text + 3, 6);

      g_assert_false (g_hash_table_contains (seen, text));
      /* Counting up must not give strings that differ only at the end. */
      if (g_hash_table_contains (prefixes, prefix))
        g_error ("encode(%" G_GINT64_FORMAT ") = %s shares the prefix %s with an earlier id",
                 value, text, prefix);
      g_hash_table_add (seen, text);
      g_hash_table_add (prefixes, prefix);
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, 100);
}

static void
test_wrong_type (Fixture *f, gconstpointer data)
{
  for (gint64 value = 1; value <= 200; value++)
    {
      g_autofree char *photo = carrete_ids_encode (f->ids, CARRETE_ID_PHOTO, value);
      g_autofree char *folder = carrete_ids_encode (f->ids, CARRETE_ID_FOLDER, value);
      g_autofree char *user = carrete_ids_encode (f->ids, CARRETE_ID_USER, value);
      g_autofree char *relabelled = NULL;
      gint64 decoded = -1;

      g_assert_false (carrete_ids_decode (f->ids, CARRETE_ID_USER, photo, &decoded));
      g_assert_false (carrete_ids_decode (f->ids, CARRETE_ID_USER, folder, &decoded));
      g_assert_false (carrete_ids_decode (f->ids, CARRETE_ID_PHOTO, user, &decoded));
      g_assert_false (carrete_ids_decode (f->ids, CARRETE_ID_FOLDER, photo, &decoded));
      g_assert_cmpint (decoded, ==, -1);

      /* The same digits under another prefix are not the same row: each
       * type has its own key. */
      g_assert_cmpstr (photo + 3, !=, user + 3);
      relabelled = g_strconcat ("us_", photo + 3, NULL);
      if (carrete_ids_decode (f->ids, CARRETE_ID_USER, relabelled, &decoded))
        g_assert_cmpint (decoded, !=, value);
    }
}

static void
test_forged (Fixture *f, gconstpointer data)
{
  guint accepted = 0;

  for (guint i = 0; i < 5000; i++)
    {
      char text[CARRETE_ID_STRING_LEN + 1] = "us_";
      gint64 decoded = 0;

      for (guint k = 3; k < CARRETE_ID_STRING_LEN; k++)
        text[k] = base62_alphabet[g_test_rand_int_range (0, 62)];
      text[CARRETE_ID_STRING_LEN] = '\0';
      if (carrete_ids_decode (f->ids, CARRETE_ID_USER, text, &decoded))
        {
          accepted++;
          g_assert_cmpint (decoded, >, 1000);
        }
    }
  /* Sanity: the forgeries did exercise the decode path past the syntax
   * checks (about a third of random strings are valid 64-bit numbers). */
  g_test_message ("%u of 5000 forged ids decoded to some (large) value", accepted);
}

static void
test_malformed (Fixture *f, gconstpointer data)
{
  g_autofree char *good = carrete_ids_encode (f->ids, CARRETE_ID_USER, 42);
  g_autofree char *upper_prefix = g_strdup (good);
  g_autofree char *trailing_newline = g_strconcat (good, "\n", NULL);
  g_autofree char *leading_space = g_strconcat (" ", good, NULL);
  g_autofree char *short_one = g_strndup (good, CARRETE_ID_STRING_LEN - 1);
  g_autofree char *long_one = g_strconcat (good, "0", NULL);
  const char *cases[] = {
    "us_abc!defghij", /* bad character */
    "us_abc-defghij",
    "us_abc_defghij",
    "us_abcdefghi\xc3\xb1", /* multi-byte, right byte length */
    "us_abcdefghij",  /* 10 digits */
    "us_abcdefghijkl", /* 12 digits */
    "us_",
    "us",
    "",
    "us_zzzzzzzzzzz", /* 62^11 - 1 > 2^64 */
    "us_LygHa16AHYG", /* exactly 2^64 */
    upper_prefix,
    trailing_newline,
    leading_space,
    short_one,
    long_one,
  };
  gint64 decoded = 7;

  upper_prefix[0] = 'U';
  g_assert_true (carrete_ids_decode (f->ids, CARRETE_ID_USER, good, &decoded));
  g_assert_cmpint (decoded, ==, 42);

  decoded = 7;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      if (carrete_ids_decode (f->ids, CARRETE_ID_USER, cases[i], &decoded))
        g_error ("\"%s\" decoded as %" G_GINT64_FORMAT, g_strescape (cases[i], NULL), decoded);
      g_assert_cmpint (decoded, ==, 7);
    }
  g_assert_false (carrete_ids_decode (f->ids, CARRETE_ID_USER, NULL, &decoded));
  g_assert_cmpint (decoded, ==, 7);
}

/* 2^64 - 1 is "LygHa16AHYF" in base62, the largest string decode may accept:
 * whichever row permutes to it must round-trip through that exact string.
 * Each key and type has a one-in-two chance of such a row; try several. */
static void
test_overflow_boundary (void)
{
  guint hits = 0;

  for (guint k = 0; k < 16; k++)
    {
      CarreteIdKey key;
      g_autoptr (CarreteIds) ids = NULL;

      memset (key.bytes, (int) (k * 17 + 1), sizeof key.bytes);
      ids = carrete_ids_new (&key);
      for (CarreteIdType type = 0; type < CARRETE_ID_N_TYPES; type++)
        {
          guint64 plain = carrete_ids_unpermute (ids, type, G_MAXUINT64);
          g_autofree char *text = NULL;
          gint64 decoded = 0;

          g_assert_cmpuint (carrete_ids_permute (ids, type, plain), ==, G_MAXUINT64);
          if (plain == 0 || plain > (guint64) G_MAXINT64)
            continue;
          hits++;
          text = carrete_ids_encode (ids, type, (gint64) plain);
          g_assert_cmpstr (text + 3, ==, "LygHa16AHYF");
          g_assert_true (carrete_ids_decode (ids, type, text, &decoded));
          g_assert_cmpint (decoded, ==, (gint64) plain);
        }
    }
  g_assert_cmpuint (hits, >, 0);
}

/* 11 base62 digits hold numbers up to 62^11 - 1, about 2.9 times 2^64.
 * Strings above 2^64 - 1 must be refused, not wrapped: a wrapped string
 * would be a second spelling of a real id. */
static void
test_overflow_wraps_refused (Fixture *f, gconstpointer data)
{
  guint checked = 0;

  for (CarreteIdType type = 0; type < CARRETE_ID_N_TYPES; type++)
    for (guint64 low = 0; low < 64; low++)
      for (guint wrap = 1; wrap <= 2; wrap++)
        {
          guint64 plain = carrete_ids_unpermute (f->ids, type, low);
          unsigned __int128 n = ((unsigned __int128) wrap << 64) + low;
          char text[CARRETE_ID_STRING_LEN + 1];
          gint64 decoded = 0;

          if (plain == 0 || plain > (guint64) G_MAXINT64)
            continue; /* would be refused anyway */
          memcpy (text, type == CARRETE_ID_USER ? "us_" : type == CARRETE_ID_PHOTO ? "ph_" : "fo_", 3);
          for (int i = CARRETE_ID_STRING_LEN - 1; i >= 3; i--)
            {
              text[i] = base62_alphabet[(int) (n % 62)];
              n /= 62;
            }
          g_assert_true (n == 0);
          text[CARRETE_ID_STRING_LEN] = '\0';
          checked++;
          if (carrete_ids_decode (f->ids, type, text, &decoded))
            g_error ("%s (2^64 * %u + %" G_GUINT64_FORMAT ") decoded as %" G_GINT64_FORMAT, text,
                     wrap, low, decoded);
        }
  g_assert_cmpuint (checked, >, 0);
}

/* Strict avalanche: flipping any one input bit changes about half of the
 * output bits.  A permutation with too few rounds fails this. */
static void
test_avalanche (Fixture *f, gconstpointer data)
{
  const guint samples = 200;

  for (guint bit = 0; bit < 64; bit++)
    {
      guint total = 0;
      double mean;

      for (guint i = 0; i < samples; i++)
        {
          guint64 x = random_u64 ();
          guint64 a = carrete_ids_permute (f->ids, CARRETE_ID_USER, x);
          guint64 b = carrete_ids_permute (f->ids, CARRETE_ID_USER, x ^ (G_GUINT64_CONSTANT (1) << bit));

          total += (guint) __builtin_popcountll (a ^ b);
        }
      mean = (double) total / samples;
      if (mean < 28.0 || mean > 36.0)
        g_error ("flipping input bit %u changes %.1f output bits on average", bit, mean);
    }
}

static void
test_keys_differ (void)
{
  g_autoptr (CarreteIds) a = ids_for_key (KEY_A);
  g_autoptr (CarreteIds) b = ids_for_key (KEY_B);
  g_autoptr (CarreteIds) a_again = ids_for_key (KEY_A);

  for (gint64 value = 1; value <= 100; value++)
    {
      g_autofree char *ta = carrete_ids_encode (a, CARRETE_ID_USER, value);
      g_autofree char *tb = carrete_ids_encode (b, CARRETE_ID_USER, value);
      g_autofree char *ta2 = carrete_ids_encode (a_again, CARRETE_ID_USER, value);
      gint64 decoded = 0;

      g_assert_cmpstr (ta, !=, tb);
      g_assert_cmpstr (ta, ==, ta2); /* deterministic for one key */
      if (carrete_ids_decode (b, CARRETE_ID_USER, ta, &decoded))
        g_assert_cmpint (decoded, !=, value);
    }
}

static void
test_permute_inverse (Fixture *f, gconstpointer data)
{
  guint fixed_points = 0;

  for (CarreteIdType type = 0; type < CARRETE_ID_N_TYPES; type++)
    {
      static const guint64 edges[] = { 0, 1, G_MAXUINT32, (guint64) G_MAXUINT32 + 1, G_MAXINT64,
                                       G_MAXUINT64 };

      for (guint i = 0; i < G_N_ELEMENTS (edges); i++)
        {
          g_assert_cmpuint (carrete_ids_unpermute (f->ids, type,
                                                   carrete_ids_permute (f->ids, type, edges[i])),
                            ==, edges[i]);
          g_assert_cmpuint (carrete_ids_permute (f->ids, type,
                                                 carrete_ids_unpermute (f->ids, type, edges[i])),
                            ==, edges[i]);
        }
      for (guint i = 0; i < 10000; i++)
        {
          guint64 x = random_u64 ();
          guint64 y = carrete_ids_permute (f->ids, type, x);

          g_assert_cmpuint (carrete_ids_unpermute (f->ids, type, y), ==, x);
          g_assert_cmpuint (carrete_ids_permute (f->ids, type, carrete_ids_unpermute (f->ids, type, x)),
                            ==, x);
          if (y == x)
            fixed_points++;
        }
    }
  /* A keyed permutation that left values alone would be no permutation. */
  g_assert_cmpuint (fixed_points, <, 2);

  /* The types use different keys. */
  g_assert_cmpuint (carrete_ids_permute (f->ids, CARRETE_ID_USER, 12345), !=,
                    carrete_ids_permute (f->ids, CARRETE_ID_PHOTO, 12345));
  g_assert_cmpuint (carrete_ids_permute (f->ids, CARRETE_ID_PHOTO, 12345), !=,
                    carrete_ids_permute (f->ids, CARRETE_ID_FOLDER, 12345));
}

static void
test_encode_non_positive (Fixture *f, gconstpointer data)
{
  char *text;

  g_test_expect_message ("carrete-ids", G_LOG_LEVEL_CRITICAL, "*value > 0*");
  text = carrete_ids_encode (f->ids, CARRETE_ID_USER, 0);
  g_test_assert_expected_messages ();
  g_assert_null (text);

  g_test_expect_message ("carrete-ids", G_LOG_LEVEL_CRITICAL, "*value > 0*");
  text = carrete_ids_encode (f->ids, CARRETE_ID_USER, -5);
  g_test_assert_expected_messages ();
  g_assert_null (text);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (sodium_init () < 0)
    g_error ("libsodium failed to initialise");

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/carrete/ids/roundtrip", test_roundtrip);
  ADD ("/carrete/ids/format", test_format);
  ADD ("/carrete/ids/unrelated", test_unrelated);
  ADD ("/carrete/ids/reject/wrong-type", test_wrong_type);
  ADD ("/carrete/ids/reject/forged", test_forged);
  ADD ("/carrete/ids/reject/malformed", test_malformed);
  ADD ("/carrete/ids/reject/overflow-wraps", test_overflow_wraps_refused);
  ADD ("/carrete/ids/avalanche", test_avalanche);
  ADD ("/carrete/ids/permute-inverse", test_permute_inverse);
  ADD ("/carrete/ids/encode-non-positive", test_encode_non_positive);
#undef ADD
  g_test_add_func ("/carrete/ids/keys-differ", test_keys_differ);
  g_test_add_func ("/carrete/ids/overflow-boundary", test_overflow_boundary);

  return g_test_run ();
}
