/* carrete-web: escaping of user strings and the security headers. */
#include <string.h>

#include "web-headers.h"
#include "web-html.h"

static void
test_escape_markup (void)
{
  const char *cases[][2] = {
    { "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;" },
    { "\"><img src=x onerror=alert(1)>", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" },
    { "it's", "it&apos;s" },
    { "a & b", "a &amp; b" },
    { "plain", "plain" },
    { "", "" },
    { "ñandú 📷", "ñandú 📷" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *escaped = web_escape (cases[i][0]);
      g_assert_cmpstr (escaped, ==, cases[i][1]);
    }
}

static void
test_escape_null (void)
{
  g_autofree char *escaped = web_escape (NULL);
  g_assert_cmpstr (escaped, ==, "");
}

static void
test_append_escapes_arguments_only (void)
{
  g_autoptr (GString) out = g_string_new (NULL);

  web_append (out, "<a href=\"/folders/%s\">%s</a>", "fo_1\"x", "<b>name</b>");
  g_assert_cmpstr (out->str, ==, "<a href=\"/folders/fo_1&quot;x\">&lt;b&gt;name&lt;/b&gt;</a>");
}

static void
test_query_escape (void)
{
  g_autofree char *escaped = web_query_escape ("a b&c=d/é");
  g_autofree char *empty = web_query_escape (NULL);

  g_assert_cmpstr (escaped, ==, "a%20b%26c%3Dd%2F%C3%A9");
  g_assert_cmpstr (empty, ==, "");
}

static void
test_origin (void)
{
  const char *cases[][2] = {
    { "http://127.0.0.1:8082", "http://127.0.0.1:8082" },
    { "http://photos:8082/base/path?q=1", "http://photos:8082" },
    { "https://s3.example.org", "https://s3.example.org" },
    { "ftp://x", NULL },
    { "not a url", NULL },
    { "", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *origin = web_headers_origin (cases[i][0]);
      g_assert_cmpstr (origin, ==, cases[i][1]);
    }
}

static void
test_csp (void)
{
  g_autofree char *csp = web_headers_csp ("http://127.0.0.1:8082/", "http://127.0.0.1:9000 https://cdn.example.org,javascript:alert(1) http://127.0.0.1:8082", NULL);

  g_assert_true (g_str_has_prefix (csp, "default-src 'self'; "));
  g_assert_nonnull (strstr (csp, "img-src 'self' http://127.0.0.1:8082 http://127.0.0.1:9000 https://cdn.example.org;"));
  g_assert_nonnull (strstr (csp, "script-src 'self';"));
  g_assert_nonnull (strstr (csp, "style-src 'self';"));
  g_assert_nonnull (strstr (csp, "frame-ancestors 'none'"));
  g_assert_nonnull (strstr (csp, "form-action 'self'"));
  g_assert_null (strstr (csp, "unsafe"));
  g_assert_null (strstr (csp, "javascript"));

  /* An origin whose text starts another's (port 80 vs 8080) is still added. */
  g_autofree char *ports = web_headers_csp ("http://h:8080", "http://h:80", NULL);
  g_assert_nonnull (strstr (ports, "img-src 'self' http://h:8080 http://h:80;"));

  /* Sign-out redirects a form to the identity provider. */
  g_autofree char *sso = web_headers_csp ("http://h:8080", NULL,
                                          "https://id.example.org/realms/carrete");
  g_assert_nonnull (strstr (sso, "form-action 'self' https://id.example.org;"));
}

static void
test_headers_all (void)
{
  g_auto (GStrv) headers = web_headers_all ("default-src 'self'");
  g_autoptr (GHashTable) map = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (g_strv_length (headers) % 2, ==, 0);
  for (guint i = 0; headers[i] != NULL; i += 2)
    g_hash_table_insert (map, headers[i], headers[i + 1]);
  g_assert_cmpstr (g_hash_table_lookup (map, "Content-Security-Policy"), ==, "default-src 'self'");
  g_assert_cmpstr (g_hash_table_lookup (map, "X-Content-Type-Options"), ==, "nosniff");
  g_assert_cmpstr (g_hash_table_lookup (map, "Referrer-Policy"), ==, "same-origin");
  g_assert_cmpstr (g_hash_table_lookup (map, "X-Frame-Options"), ==, "DENY");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/carrete/web/escape/markup", test_escape_markup);
  g_test_add_func ("/carrete/web/escape/null", test_escape_null);
  g_test_add_func ("/carrete/web/escape/append-arguments-only", test_append_escapes_arguments_only);
  g_test_add_func ("/carrete/web/escape/query", test_query_escape);
  g_test_add_func ("/carrete/web/headers/origin", test_origin);
  g_test_add_func ("/carrete/web/headers/csp", test_csp);
  g_test_add_func ("/carrete/web/headers/all", test_headers_all);
  return g_test_run ();
}
