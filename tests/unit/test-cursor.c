#define G_LOG_DOMAIN "carrete-test-cursor"
#define _GNU_SOURCE /* memmem */

#include <sodium.h>
#include <string.h>

#include "carrete-cursor.h"
#include "carrete-error.h"

#define KEY_A "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define KEY_B "f0e1d2c3b4a5968778695a4b3c2d1e0f00112233445566778899aabbccddeeff"

static const char base64url_alphabet[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

typedef struct
{
  CarreteCursorKey *key;
} Fixture;

static CarreteCursorKey *
cursor_key_for (const char *hex)
{
  g_autoptr (GError) error = NULL;
  CarreteIdKey key;

  g_assert_true (carrete_id_key_parse (hex, &key, &error));
  g_assert_no_error (error);
  return carrete_cursor_key_new (&key);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->key = cursor_key_for (KEY_A);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->key, carrete_cursor_key_free);
}

static void
assert_refused (const CarreteCursorKey *key, const char *cursor, guint n_fields)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) fields = carrete_cursor_decode (key, cursor, n_fields, &error);

  g_assert_null (fields);
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_BAD_REQUEST);
}

static void
test_roundtrip (Fixture *f, gconstpointer data)
{
  const char *const sets[][4] = {
    { "2024-05-01T10:00:00Z", "12345", NULL },
    { "holiday photos", "", "ñandú 📷", NULL },
    { "9223372036854775807", NULL },
    { "a/b+c=d?e&f", "\"quoted\"", "back\\slash", NULL },
  };

  for (guint s = 0; s < G_N_ELEMENTS (sets); s++)
    {
      const char *const *in = sets[s];
      g_autofree char *cursor = carrete_cursor_encode (f->key, in);
      g_autoptr (GError) error = NULL;
      g_auto (GStrv) out = NULL;

      g_assert (cursor != NULL);
      /* Opaque and URL-safe: no escaping needed in ?cursor=. */
      for (const char *c = cursor; *c != '\0'; c++)
        g_assert_nonnull (strchr (base64url_alphabet, *c));
      g_assert_null (strstr (cursor, in[0]));

      out = carrete_cursor_decode (f->key, cursor, g_strv_length ((char **) in), &error);
      g_assert_no_error (error);
      g_assert_nonnull (out);
      g_assert_true (g_strv_equal ((const char *const *) out, in));
    }
}

/* What a client holds reveals nothing: no field's text, in the cursor or
 * in its decoded bytes. */
static void
test_sealed (Fixture *f, gconstpointer data)
{
  const char *const fields[] = { "2024-05-01 10:00:00.123456+00", "1234567", NULL };
  g_autofree char *cursor = carrete_cursor_encode (f->key, fields);
  g_autofree char *standard = g_strdup (cursor);
  g_autofree guint8 *raw = NULL;
  gsize raw_len = 0;

  g_strdelimit (standard, "-", '+');
  g_strdelimit (standard, "_", '/');
  while (strlen (standard) % 4 != 0)
    {
      char *padded = g_strconcat (standard, "=", NULL);
      g_free (standard);
      standard = padded;
    }
  raw = g_base64_decode (standard, &raw_len);
  g_assert_cmpuint (raw_len, >, strlen (fields[0]) + strlen (fields[1]));
  for (guint i = 0; fields[i] != NULL; i++)
    {
      g_assert_null (memmem (raw, raw_len, fields[i], strlen (fields[i])));
      g_assert_null (memmem (raw, raw_len, "1234", 4));
      g_assert_null (memmem (raw, raw_len, "2024", 4));
    }
}

static void
test_deterministic (Fixture *f, gconstpointer data)
{
  const char *const fields[] = { "x", "1", NULL };
  const char *const other[] = { "x", "2", NULL };
  g_autofree char *a = carrete_cursor_encode (f->key, fields);
  g_autofree char *b = carrete_cursor_encode (f->key, fields);
  g_autofree char *c = carrete_cursor_encode (f->key, other);

  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (a, !=, c);
}

static void
test_tampered (Fixture *f, gconstpointer data)
{
  const char *const fields[] = { "2024-05-01T10:00:00Z", "12345", NULL };
  g_autofree char *cursor = carrete_cursor_encode (f->key, fields);
  gsize len = strlen (cursor);

  /* Every single-character edit, at every position, to several other
   * characters of the alphabet. */
  for (gsize i = 0; i < len; i++)
    for (guint shift = 1; shift < 64; shift += 7)
      {
        g_autofree char *edited = g_strdup (cursor);
        const char *at = strchr (base64url_alphabet, cursor[i]);

        g_assert_nonnull (at);
        edited[i] = base64url_alphabet[((at - base64url_alphabet) + shift) % 64];
        assert_refused (f->key, edited, 2);
      }

  /* Characters outside the alphabet, appended or removed characters. */
  {
    g_autofree char *plus = g_strdup (cursor);
    g_autofree char *longer = g_strconcat (cursor, "A", NULL);
    g_autofree char *shorter = g_strndup (cursor, len - 1);
    g_autofree char *padded = g_strconcat (cursor, "=", NULL);
    g_autofree char *no_head = g_strdup (cursor + 1);

    plus[len / 2] = '+';
    assert_refused (f->key, plus, 2);
    assert_refused (f->key, longer, 2);
    assert_refused (f->key, shorter, 2);
    assert_refused (f->key, padded, 2);
    assert_refused (f->key, no_head, 2);
  }
}

static void
test_other_key (Fixture *f, gconstpointer data)
{
  g_autoptr (CarreteCursorKey) other = cursor_key_for (KEY_B);
  const char *const fields[] = { "a", "b", NULL };
  g_autofree char *cursor = carrete_cursor_encode (other, fields);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) ok = carrete_cursor_decode (other, cursor, 2, &error);

  g_assert_no_error (error);
  g_assert_nonnull (ok);
  assert_refused (f->key, cursor, 2);
}

static void
test_field_count (Fixture *f, gconstpointer data)
{
  const char *const fields[] = { "a", "b", NULL };
  g_autofree char *cursor = carrete_cursor_encode (f->key, fields);

  assert_refused (f->key, cursor, 1);
  assert_refused (f->key, cursor, 3);
  assert_refused (f->key, cursor, 0);
}

static void
test_garbage (Fixture *f, gconstpointer data)
{
  g_autofree char *huge = g_strnfill (100000, 'A');
  g_autofree char *just_over = g_strnfill (1025, 'A');
  const char *cases[] = {
    "",
    "A",
    "AAAA",                   /* decodes, but too short for a MAC */
    "AAAAAAAAAAAAAAAAAAAAAAAA", /* 18 zero bytes: shorter than a sealed box */
    "!!!!",
    "====",
    "abc def",
    "eyJ4IjoxfQ",
    "%41%41%41",
    huge,
    just_over,
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_refused (f->key, cases[i], 2);
  assert_refused (f->key, NULL, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (sodium_init () < 0)
    g_error ("libsodium failed to initialise");

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/carrete/cursor/roundtrip", test_roundtrip);
  ADD ("/carrete/cursor/deterministic", test_deterministic);
  ADD ("/carrete/cursor/sealed", test_sealed);
  ADD ("/carrete/cursor/reject/tampered", test_tampered);
  ADD ("/carrete/cursor/reject/other-key", test_other_key);
  ADD ("/carrete/cursor/reject/field-count", test_field_count);
  ADD ("/carrete/cursor/reject/garbage", test_garbage);
#undef ADD

  return g_test_run ();
}
