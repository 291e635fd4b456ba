#define G_LOG_DOMAIN "carrete-test-routes"

#include "carrete-server.h"
#include "carrete-server-private.h"

#define ROOM 8

typedef struct
{
  char *names[ROOM];
  char *values[ROOM];
  int n;
} Match;

static void
match_clear (Match *m)
{
  for (guint i = 0; i < ROOM; i++)
    {
      g_clear_pointer (&m->names[i], g_free);
      g_clear_pointer (&m->values[i], g_free);
    }
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Match, match_clear)

static void
match (Match *m, const char *pattern, const char *path)
{
  match_clear (m);
  m->n = carrete_route_match (pattern, path, m->names, m->values);
}

static void
assert_no_match (const char *pattern, const char *path)
{
  g_auto (Match) m = { 0 };

  match (&m, pattern, path);
  if (m.n != -1)
    g_error ("%s matched %s", pattern, path);
  /* Nothing is handed back on a mismatch. */
  for (guint i = 0; i < ROOM; i++)
    {
      g_assert_null (m.names[i]);
      g_assert_null (m.values[i]);
    }
}

static void
test_exact (void)
{
  g_auto (Match) m = { 0 };

  match (&m, "/v1/users/me", "/v1/users/me");
  g_assert_cmpint (m.n, ==, 0);
  g_assert_null (m.names[0]);
  match (&m, "/healthz", "/healthz");
  g_assert_cmpint (m.n, ==, 0);
  match (&m, "/", "/");
  g_assert_cmpint (m.n, ==, 0);

  assert_no_match ("/v1/users/me", "/v1/users/you");
  assert_no_match ("/v1/users/me", "/v1/users/me/");
  assert_no_match ("/v1/users/me", "/v1/users");
  assert_no_match ("/v1/users/me", "/v1/users/me/extra");
  assert_no_match ("/v1/users/me", "/V1/users/me");
  assert_no_match ("/v1/users/me", "//v1/users/me");
  assert_no_match ("/healthz", "/");
}

static void
test_one_param (void)
{
  g_auto (Match) m = { 0 };

  match (&m, "/v1/users/{id}", "/v1/users/us_0123456789A");
  g_assert_cmpint (m.n, ==, 1);
  g_assert_cmpstr (m.names[0], ==, "id");
  g_assert_cmpstr (m.values[0], ==, "us_0123456789A");

  /* A parameter in the middle. */
  match (&m, "/v1/photos/{id}/complete", "/v1/photos/ph_x/complete");
  g_assert_cmpint (m.n, ==, 1);
  g_assert_cmpstr (m.names[0], ==, "id");
  g_assert_cmpstr (m.values[0], ==, "ph_x");

  assert_no_match ("/v1/photos/{id}/complete", "/v1/photos/ph_x/finish");
  assert_no_match ("/v1/photos/{id}/complete", "/v1/photos/ph_x");
  assert_no_match ("/v1/users/{id}", "/v1/users/a/b");
  assert_no_match ("/v1/users/{id}", "/v1/users");
}

static void
test_two_params (void)
{
  g_auto (Match) m = { 0 };

  match (&m, "/v1/folders/{folder}/photos/{photo}", "/v1/folders/fo_1/photos/ph_2");
  g_assert_cmpint (m.n, ==, 2);
  g_assert_cmpstr (m.names[0], ==, "folder");
  g_assert_cmpstr (m.values[0], ==, "fo_1");
  g_assert_cmpstr (m.names[1], ==, "photo");
  g_assert_cmpstr (m.values[1], ==, "ph_2");
  g_assert_null (m.names[2]);

  match (&m, "/{a}/{b}", "/x/y");
  g_assert_cmpint (m.n, ==, 2);
  g_assert_cmpstr (m.values[0], ==, "x");
  g_assert_cmpstr (m.values[1], ==, "y");

  /* The first parameter is captured, then the path fails: it is freed. */
  assert_no_match ("/v1/folders/{folder}/photos/{photo}", "/v1/folders/fo_1/videos/ph_2");
  assert_no_match ("/v1/folders/{folder}/photos/{photo}", "/v1/folders/fo_1/photos/");
  assert_no_match ("/{a}/{b}", "/x");
}

static void
test_percent_decoding (void)
{
  g_auto (Match) m = { 0 };

  match (&m, "/v1/folders/{name}", "/v1/folders/summer%202024");
  g_assert_cmpint (m.n, ==, 1);
  g_assert_cmpstr (m.values[0], ==, "summer 2024");

  match (&m, "/v1/folders/{name}", "/v1/folders/%C3%B1and%C3%BA");
  g_assert_cmpint (m.n, ==, 1);
  g_assert_cmpstr (m.values[0], ==, "ñandú");

  match (&m, "/v1/folders/{name}", "/v1/folders/a%2Bb%25");
  g_assert_cmpint (m.n, ==, 1);
  g_assert_cmpstr (m.values[0], ==, "a+b%");

  /* An encoded slash would smuggle a second segment; bad escapes and NUL
   * are refused. */
  assert_no_match ("/v1/folders/{name}", "/v1/folders/a%2Fb");
  assert_no_match ("/v1/folders/{name}", "/v1/folders/a%2fb");
  assert_no_match ("/v1/folders/{name}", "/v1/folders/a%00b");
  assert_no_match ("/v1/folders/{name}", "/v1/folders/%zz");
  assert_no_match ("/v1/folders/{name}", "/v1/folders/%4");
  assert_no_match ("/{a}/{b}", "/ok/%2F");

  /* Literal segments are compared as written. */
  assert_no_match ("/v1/users/me", "/v1/users/m%65");
}

static void
test_empty_segment (void)
{
  assert_no_match ("/v1/users/{id}", "/v1/users/");
  assert_no_match ("/v1/users/{id}/x", "/v1/users//x");
  assert_no_match ("/{a}", "/");
  assert_no_match ("/{a}", "");
}

static void
test_too_many_params (void)
{
  g_auto (Match) m = { 0 };

  match (&m, "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}", "/1/2/3/4/5/6/7/8");
  g_assert_cmpint (m.n, ==, 8);
  g_assert_cmpstr (m.names[7], ==, "h");
  g_assert_cmpstr (m.values[7], ==, "8");

  /* A ninth would overflow the caller's arrays. */
  {
    char *names[ROOM + 1] = { 0 };
    char *values[ROOM + 1] = { 0 };
    int n = carrete_route_match ("/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}", "/1/2/3/4/5/6/7/8/9",
                                 names, values);

    g_assert_cmpint (n, ==, -1);
    for (guint i = 0; i < ROOM + 1; i++)
      {
        g_assert_null (names[i]);
        g_assert_null (values[i]);
      }
  }
}

static void
test_braces_literal (void)
{
  g_auto (Match) m = { 0 };

  /* "{}" names nothing: it is an ordinary segment. */
  match (&m, "/a/{}", "/a/{}");
  g_assert_cmpint (m.n, ==, 0);
  assert_no_match ("/a/{}", "/a/x");
}

static void
test_rest_param (void)
{
  g_auto (Match) m = { 0 };

  /* {name*} as the last segment takes the rest of the path, slashes too. */
  match (&m, "/v1/storage/{key*}", "/v1/storage/p/ab12/original");
  g_assert_cmpint (m.n, ==, 1);
  g_assert_cmpstr (m.names[0], ==, "key");
  g_assert_cmpstr (m.values[0], ==, "p/ab12/original");
  match (&m, "/v1/storage/{key*}", "/v1/storage/one");
  g_assert_cmpint (m.n, ==, 1);
  g_assert_cmpstr (m.values[0], ==, "one");
  /* Percent-escapes are decoded, but an escaped slash is refused. */
  match (&m, "/v1/storage/{key*}", "/v1/storage/a%20b/c");
  g_assert_cmpstr (m.values[0], ==, "a b/c");
  assert_no_match ("/v1/storage/{key*}", "/v1/storage/a%2Fb");
  assert_no_match ("/v1/storage/{key*}", "/v1/storage/");
  assert_no_match ("/v1/storage/{key*}", "/v1/storage");
  assert_no_match ("/v1/storage/{key*}", "/v1/other/x");
  /* Only a last segment can be a rest parameter. */
  assert_no_match ("/a/{key*}/b", "/a/x/y/b");
}

/* The most specific pattern wins (as in OpenAPI): a literal segment beats
 * a template at the same place, a template beats a rest parameter, however
 * many parameters each has. */
static void
assert_more_specific (const char *pattern, const char *other)
{
  g_autofree char *rank = _carrete_route_rank (pattern);
  g_autofree char *other_rank = _carrete_route_rank (other);

  g_assert_cmpstr (rank, <, other_rank);
}

static void
test_specificity (void)
{
  assert_more_specific ("/v1/photos/uploads", "/v1/photos/{id}");
  assert_more_specific ("/v1/photos/uploads/{upload_id}", "/v1/photos/{id}/complete");
  assert_more_specific ("/upload/resumable/{id}/parts/{number}", "/{path*}");
  assert_more_specific ("/v1/{a}/{b}/{c}", "/v1/{rest*}");
  assert_more_specific ("/v1/storage/{key*}", "/{path*}");
  g_assert_true (_carrete_route_matches ("/{path*}", "/upload/resumable/up_a/parts/0"));
  g_assert_false (_carrete_route_matches ("/v1/photos/{id}", "/v1/photos/a/b"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/carrete/routes/exact", test_exact);
  g_test_add_func ("/carrete/routes/one-param", test_one_param);
  g_test_add_func ("/carrete/routes/two-params", test_two_params);
  g_test_add_func ("/carrete/routes/percent-decoding", test_percent_decoding);
  g_test_add_func ("/carrete/routes/empty-segment", test_empty_segment);
  g_test_add_func ("/carrete/routes/too-many-params", test_too_many_params);
  g_test_add_func ("/carrete/routes/braces-literal", test_braces_literal);
  g_test_add_func ("/carrete/routes/rest-param", test_rest_param);
  g_test_add_func ("/carrete/routes/specificity", test_specificity);

  return g_test_run ();
}
