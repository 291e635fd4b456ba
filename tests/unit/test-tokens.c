#define G_LOG_DOMAIN "carrete-test-tokens"

#include <sodium.h>
#include <string.h>

#include "carrete-token.h"

static const char base64url_alphabet[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void
test_new (void)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < 200; i++)
    {
      char *token = carrete_token_new ();
      gsize len = 0;
      guint8 raw[64];

      g_assert_nonnull (token);
      g_assert_cmpuint (strlen (token), ==, CARRETE_TOKEN_LEN);
      g_assert_cmpuint (strlen (token), ==, 43);
      for (const char *c = token; *c != '\0'; c++)
        g_assert_nonnull (strchr (base64url_alphabet, *c));
      /* 32 random bytes behind it. */
      g_assert_cmpint (sodium_base642bin (raw, sizeof raw, token, strlen (token), NULL, &len, NULL,
                                          sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                       ==, 0);
      g_assert_cmpuint (len, ==, 32);
      g_assert_true (carrete_token_is_well_formed (token));
      g_assert_false (g_hash_table_contains (seen, token));
      g_hash_table_add (seen, token);
    }
}

static void
test_well_formed (void)
{
  g_autofree char *token = carrete_token_new ();
  g_autofree char *shorter = g_strndup (token, 42);
  g_autofree char *longer = g_strconcat (token, "A", NULL);
  g_autofree char *padded = g_strconcat (token, "=", NULL);
  g_autofree char *plus = g_strdup (token);
  g_autofree char *slash = g_strdup (token);
  g_autofree char *space = g_strdup (token);
  g_autofree char *dot = g_strdup (token);
  g_autofree char *high = g_strdup (token);
  g_autofree char *all_dash = g_strnfill (43, '-');

  plus[5] = '+';
  slash[6] = '/';
  space[42] = ' ';
  dot[0] = '.';
  high[10] = '\xc3';

  g_assert_true (carrete_token_is_well_formed (token));
  g_assert_true (carrete_token_is_well_formed (all_dash));
  g_assert_false (carrete_token_is_well_formed (shorter));
  g_assert_false (carrete_token_is_well_formed (longer));
  g_assert_false (carrete_token_is_well_formed (padded));
  g_assert_false (carrete_token_is_well_formed (plus));
  g_assert_false (carrete_token_is_well_formed (slash));
  g_assert_false (carrete_token_is_well_formed (space));
  g_assert_false (carrete_token_is_well_formed (dot));
  g_assert_false (carrete_token_is_well_formed (high));
  g_assert_false (carrete_token_is_well_formed (""));
  g_assert_false (carrete_token_is_well_formed (NULL));
}

static void
test_digest (void)
{
  g_autofree char *token = carrete_token_new ();
  g_autofree char *other = carrete_token_new ();
  g_autofree char *d1 = carrete_token_digest (token);
  g_autofree char *d2 = carrete_token_digest (token);
  g_autofree char *d3 = carrete_token_digest (other);
  g_autofree char *known = carrete_token_digest ("abc");

  g_assert_cmpuint (strlen (d1), ==, 64);
  for (const char *c = d1; *c != '\0'; c++)
    g_assert_true (g_ascii_isxdigit (*c) && !g_ascii_isupper (*c));
  g_assert_cmpstr (d1, ==, d2);
  g_assert_cmpstr (d1, !=, d3);
  g_assert_null (strstr (d1, token));
  /* SHA-256 itself (FIPS 180-2 test vector). */
  g_assert_cmpstr (known, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (sodium_init () < 0)
    g_error ("libsodium failed to initialise");

  g_test_add_func ("/carrete/tokens/new", test_new);
  g_test_add_func ("/carrete/tokens/well-formed", test_well_formed);
  g_test_add_func ("/carrete/tokens/digest", test_digest);

  return g_test_run ();
}
