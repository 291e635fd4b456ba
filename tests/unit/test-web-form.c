/* carrete-web: form bodies, tags, redirect targets, dates, ids. */
#include <string.h>

#include "web-form.h"
#include "web-proxy.h"

static void
test_parse (void)
{
  const char *body = "username=ana&password=p%26ss+word&next=%2F%3Fq%3D1&csrf_token=abc";
  g_autoptr (GHashTable) form = web_form_parse (body, strlen (body));

  g_assert_nonnull (form);
  g_assert_cmpstr (g_hash_table_lookup (form, "username"), ==, "ana");
  g_assert_cmpstr (g_hash_table_lookup (form, "password"), ==, "p&ss word");
  g_assert_cmpstr (g_hash_table_lookup (form, "next"), ==, "/?q=1");
}

static void
test_parse_refuses (void)
{
  const char nul[] = "a=1\0b=2";
  const char *bad_utf8 = "name=%C3%28";
  g_autoptr (GHashTable) empty = web_form_parse (NULL, 0);

  g_assert_null (web_form_parse (nul, sizeof nul - 1));
  g_assert_null (web_form_parse (bad_utf8, strlen (bad_utf8)));
  g_assert_nonnull (empty);
  g_assert_cmpuint (g_hash_table_size (empty), ==, 0);
}

static void
test_tags (void)
{
  g_autoptr (JsonNode) tags = web_form_tags (" Beach, sun ,, <b>x</b> ,");
  g_autoptr (JsonNode) none = web_form_tags (NULL);
  g_autofree char *json = json_to_string (tags, FALSE);
  g_autofree char *none_json = json_to_string (none, FALSE);

  g_assert_cmpstr (json, ==, "[\"Beach\",\"sun\",\"<b>x</b>\"]");
  g_assert_cmpstr (none_json, ==, "[]");
}

static void
test_next (void)
{
  const char *good[] = { "/", "/upload?folder_id=fo_1", "/folders/fo_x", "/?q=a%20b" };
  const char *bad[] = { NULL, "", "//evil.example", "/\\evil.example", "https://evil.example",
                        "javascript:alert(1)", "evil", "/a b", "/a\nb", "/ñ" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_true (web_form_next_is_safe (good[i]));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (web_form_next_is_safe (bad[i]));
}

static void
test_days (void)
{
  g_autofree char *from = web_form_day_to_rfc3339 ("2026-11-28", FALSE);
  g_autofree char *to = web_form_day_to_rfc3339 ("2024-02-29", TRUE);
  const char *bad[] = { NULL, "", "2026-02-30", "2026-13-01", "2026-1-01", "26-11-28", "2026/11/28",
                        "2026-11-28T00:00:00Z", "abcd-ef-gh", "0000-01-01" };

  g_assert_cmpstr (from, ==, "2026-11-28T00:00:00Z");
  g_assert_cmpstr (to, ==, "2024-02-29T23:59:59Z");
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *day = web_form_day_to_rfc3339 (bad[i], FALSE);
      g_assert_null (day);
    }
}

static void
test_ids (void)
{
  g_assert_true (web_form_id_is_plausible ("fo_1qyorzaQo7W"));
  g_assert_true (web_form_id_is_plausible ("ph_EMEUb8WHdjM"));
  g_assert_false (web_form_id_is_plausible (NULL));
  g_assert_false (web_form_id_is_plausible (""));
  g_assert_false (web_form_id_is_plausible ("../v1/users"));
  g_assert_false (web_form_id_is_plausible ("fo_1?recursive=true"));
  g_assert_false (web_form_id_is_plausible ("fo_1%2F"));
}

static void
test_proxy_targets (void)
{
  const char *cases[][2] = {
    { "/v1/auth/login", "U" }, { "/v1/users/me", "U" }, { "/v1/users", "U" },
    { "/.well-known/jwks.json", "U" }, { "/v1/photos", "P" }, { "/v1/photos/ph_1/complete", "P" },
    { "/v1/storage/p/x/256.jpg", "P" }, { "/v1/folders", "F" }, { "/v1/folders/fo_1", "F" },
    { "/v1/photosx", NULL }, { "/v1/auth", NULL }, { "/v1/", NULL }, { "/v1/metrics", NULL },
    { "/healthz", NULL }, { "/v1/storage", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpstr (web_proxy_target (cases[i][0], "U", "P", "F"), ==, cases[i][1]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/carrete/web/form/parse", test_parse);
  g_test_add_func ("/carrete/web/form/parse-refuses", test_parse_refuses);
  g_test_add_func ("/carrete/web/form/tags", test_tags);
  g_test_add_func ("/carrete/web/form/next", test_next);
  g_test_add_func ("/carrete/web/form/days", test_days);
  g_test_add_func ("/carrete/web/form/ids", test_ids);
  g_test_add_func ("/carrete/web/proxy/targets", test_proxy_targets);
  return g_test_run ();
}
