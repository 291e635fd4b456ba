/* carrete-web: cookies and CSRF tokens. */
#include <sodium.h>
#include <string.h>

#include "web-cookies.h"
#include "web-csrf.h"

static void
test_cookies_parse (void)
{
  g_autoptr (GHashTable) cookies = web_cookies_parse (" a=1; carrete_access=eyJ.x.y ;b=; =nameless; novalue; a=2; c=x=y");

  g_assert_cmpstr (g_hash_table_lookup (cookies, "a"), ==, "1"); /* the first wins */
  g_assert_cmpstr (g_hash_table_lookup (cookies, "carrete_access"), ==, "eyJ.x.y");
  g_assert_cmpstr (g_hash_table_lookup (cookies, "b"), ==, "");
  g_assert_cmpstr (g_hash_table_lookup (cookies, "c"), ==, "x=y");
  g_assert_false (g_hash_table_contains (cookies, "novalue"));
  g_assert_false (g_hash_table_contains (cookies, ""));
}

static void
test_cookies_parse_null (void)
{
  g_autoptr (GHashTable) cookies = web_cookies_parse (NULL);
  g_assert_cmpuint (g_hash_table_size (cookies), ==, 0);
}

static void
test_cookie_format (void)
{
  g_autofree char *secure = web_cookie_format ("carrete_access", "tok", 900, TRUE);
  g_autofree char *plain = web_cookie_format ("carrete_refresh", "tok", -1, FALSE);
  g_autofree char *gone = web_cookie_format ("carrete_user", "", 0, FALSE);

  g_assert_cmpstr (secure, ==, "carrete_access=tok; Path=/; HttpOnly; SameSite=Lax; Max-Age=900; Secure");
  g_assert_cmpstr (plain, ==, "carrete_refresh=tok; Path=/; HttpOnly; SameSite=Lax");
  g_assert_cmpstr (gone, ==, "carrete_user=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
}

static void
test_cookie_refuses_bad_values (void)
{
  const char *bad[] = { "a;b", "a b", "a,b", "\"q\"", "back\\slash", "ñ", "new\nline" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *cookie = web_cookie_format ("carrete_user", bad[i], -1, TRUE);
      g_assert_null (cookie);
    }
}

static void
init_csrf (WebCsrf *csrf, guint8 fill)
{
  CarreteIdKey key;

  memset (&key, fill, sizeof key);
  web_csrf_init (csrf, &key);
}

static void
test_csrf_roundtrip (void)
{
  WebCsrf csrf;
  g_autofree char *seed = web_csrf_new_seed ();
  g_autofree char *token = NULL;

  init_csrf (&csrf, 7);
  token = web_csrf_token (&csrf, seed);
  g_assert_true (web_csrf_check (&csrf, seed, token));
  g_assert_cmpuint (strlen (token), ==, 43); /* 32 bytes, base64url */
}

static void
test_csrf_refusals (void)
{
  WebCsrf csrf, other;
  g_autofree char *seed = web_csrf_new_seed ();
  g_autofree char *seed2 = web_csrf_new_seed ();
  g_autofree char *token = NULL;
  g_autofree char *foreign = NULL;
  g_autofree char *truncated = NULL;
  g_autofree char *flipped = NULL;

  init_csrf (&csrf, 7);
  init_csrf (&other, 8);
  token = web_csrf_token (&csrf, seed);
  foreign = web_csrf_token (&other, seed);
  truncated = g_strndup (token, strlen (token) - 1);
  flipped = g_strdup (token);
  flipped[0] = flipped[0] == 'A' ? 'B' : 'A';

  g_assert_cmpstr (seed, !=, seed2);
  g_assert_false (web_csrf_check (&csrf, seed2, token));   /* another browser */
  g_assert_false (web_csrf_check (&csrf, seed, foreign));  /* another installation */
  g_assert_false (web_csrf_check (&csrf, seed, truncated));
  g_assert_false (web_csrf_check (&csrf, seed, flipped));
  g_assert_false (web_csrf_check (&csrf, seed, ""));
  g_assert_false (web_csrf_check (&csrf, seed, NULL));
  g_assert_false (web_csrf_check (&csrf, NULL, token));
  g_assert_false (web_csrf_check (&csrf, "", token));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (sodium_init (), >=, 0);
  g_test_add_func ("/carrete/web/cookies/parse", test_cookies_parse);
  g_test_add_func ("/carrete/web/cookies/parse-null", test_cookies_parse_null);
  g_test_add_func ("/carrete/web/cookies/format", test_cookie_format);
  g_test_add_func ("/carrete/web/cookies/bad-values", test_cookie_refuses_bad_values);
  g_test_add_func ("/carrete/web/csrf/roundtrip", test_csrf_roundtrip);
  g_test_add_func ("/carrete/web/csrf/refusals", test_csrf_refusals);
  return g_test_run ();
}
