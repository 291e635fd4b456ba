#define G_LOG_DOMAIN "carrete-test-secret-equal"

/* carrete_secret_equal: the answer only (its timing is libsodium's
 * sodium_memcmp, which this cannot measure reliably). */

#include "carrete-keys.h"

static void
test_equal (void)
{
  g_assert_true (carrete_secret_equal ("", ""));
  g_assert_true (carrete_secret_equal ("a-verifier_0123456789", "a-verifier_0123456789"));
}

static void
test_different (void)
{
  g_assert_false (carrete_secret_equal ("abcdef", "abcdeg"));
  g_assert_false (carrete_secret_equal ("Xbcdef", "abcdef"));
  /* A prefix is not the secret, either way round. */
  g_assert_false (carrete_secret_equal ("abc", "abcdef"));
  g_assert_false (carrete_secret_equal ("abcdef", "abc"));
  g_assert_false (carrete_secret_equal ("", "a"));
}

static void
test_null (void)
{
  g_assert_false (carrete_secret_equal (NULL, "abc"));
  g_assert_false (carrete_secret_equal ("abc", NULL));
  g_assert_false (carrete_secret_equal (NULL, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/carrete/secret-equal/equal", test_equal);
  g_test_add_func ("/carrete/secret-equal/different", test_different);
  g_test_add_func ("/carrete/secret-equal/null", test_null);
  return g_test_run ();
}
