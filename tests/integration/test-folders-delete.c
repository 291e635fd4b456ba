#define G_LOG_DOMAIN "carrete-test-folders-delete"

#include <string.h>

#include "folders-fixture.h"

/* carrete-photos is not running here: CARRETE_PHOTOS_URL points at a closed
 * port.  Deleting one folder needs photos (emptiness, or its photos first),
 * so every such request must answer 503 and change nothing; everything
 * refused before photos is asked answers as usual.  The successful paths
 * live in test-folders-photos.c, which runs the real carrete-photos. */
static FoldersFixture *fx;

static char *
exists (const char *name)
{
  return folders_sql (fx, "SELECT count(*) FROM folders WHERE name = $1", name);
}

static void
assert_still_there (const char *name)
{
  g_autofree char *count = exists (name);
  g_assert_cmpstr (count, ==, "1");
}

static void
test_photos_unreachable (void)
{
  g_autofree char *ana = folders_new_user (fx, "unreach", NULL);
  g_autofree char *id = folders_create (fx, ana, "{\"name\":\"Keep me\",\"tags\":[\"a\"]}");
  g_autofree char *path = g_strdup_printf ("/v1/folders/%s", id);
  g_autofree char *recursive = g_strdup_printf ("/v1/folders/%s?recursive=true", id);
  g_autofree char *explicit_no = g_strdup_printf ("/v1/folders/%s?recursive=false", id);
  const char *paths[] = { path, recursive, explicit_no };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr (CtResponse) r = ct_http (fx->url, "DELETE", paths[i], ana, NULL);
      g_test_message ("DELETE %s", paths[i]);
      ct_assert_problem (r, 503, NULL);
      g_assert_cmpstr (json_object_get_string_member (ct_response_object (r), "type"), ==,
                       "urn:carrete:problem:unavailable");
      g_assert_nonnull (ct_response_header (r, "Retry-After"));
      assert_still_there ("Keep me");
    }
  {
    g_autoptr (CtResponse) still = ct_http (fx->url, "GET", path, ana, NULL);
    g_assert_cmpuint (still->status, ==, 200);
  }
}

static void
test_not_yours (void)
{
  g_autofree char *ana = folders_new_user (fx, "ownerana", NULL);
  g_autofree char *bea = folders_new_user (fx, "otherbea", NULL);
  g_autofree char *hidden = folders_create (fx, ana, "{\"name\":\"Ana hidden\"}");
  g_autofree char *shown = folders_create (fx, ana, "{\"name\":\"Ana shown\",\"visibility\":\"public\"}");
  g_autofree char *hidden_path = g_strdup_printf ("/v1/folders/%s", hidden);
  g_autofree char *hidden_recursive = g_strdup_printf ("/v1/folders/%s?recursive=true", hidden);
  g_autofree char *shown_path = g_strdup_printf ("/v1/folders/%s", shown);
  g_autofree char *shown_recursive = g_strdup_printf ("/v1/folders/%s?recursive=true", shown);
  g_autofree char *photo_type = g_strdup_printf ("/v1/folders/ph_%s?recursive=true", hidden + 3);
  g_autofree char *maybe = g_strdup_printf ("/v1/folders/%s?recursive=maybe", hidden);

  {
    g_autoptr (CtResponse) a = ct_http (fx->url, "DELETE", hidden_path, bea, NULL);
    g_autoptr (CtResponse) b = ct_http (fx->url, "DELETE", hidden_recursive, bea, NULL);
    g_autoptr (CtResponse) c = ct_http (fx->url, "DELETE", shown_path, bea, NULL);
    g_autoptr (CtResponse) d = ct_http (fx->url, "DELETE", shown_recursive, bea, NULL);
    g_autoptr (CtResponse) e = ct_http (fx->url, "DELETE", hidden_path, NULL, NULL);
    g_autoptr (CtResponse) f = ct_http (fx->url, "DELETE", photo_type, ana, NULL);
    g_autoptr (CtResponse) g = ct_http (fx->url, "DELETE", maybe, ana, NULL);
    g_autoptr (CtResponse) h = ct_http (fx->url, "DELETE", "/v1/folders/fo_AAAAAAAAAAA", ana, NULL);

    /* Refused before the photos service is asked: its absence does not show. */
    ct_assert_problem (a, 404, NULL);
    ct_assert_problem (b, 404, NULL);
    ct_assert_problem (c, 403, NULL);
    ct_assert_problem (d, 403, NULL);
    ct_assert_problem (e, 401, NULL);
    ct_assert_problem (f, 404, NULL);
    ct_assert_problem (g, 422, "recursive");
    ct_assert_problem (h, 404, NULL);
  }
  assert_still_there ("Ana hidden");
  assert_still_there ("Ana shown");
}

static void
test_delete_owner (void)
{
  g_autofree char *ana_id = NULL, *bea_id = NULL;
  g_autofree char *ana = folders_new_user (fx, "leaveana", &ana_id);
  g_autofree char *bea = folders_new_user (fx, "staybea", &bea_id);
  g_autofree char *ana_path = g_strdup_printf ("/v1/folders?owner_id=%s", ana_id);
  g_autofree char *bea_path = g_strdup_printf ("/v1/folders?owner_id=%s", bea_id);
  g_autofree char *photo_type = g_strdup_printf ("/v1/folders?owner_id=ph_%s", ana_id + 3);
  g_autofree char *ana_count = NULL, *bea_count = NULL;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *a = g_strdup_printf ("{\"name\":\"ana %u\",\"tags\":[\"x\"]}", i);
      g_autofree char *b = g_strdup_printf ("{\"name\":\"bea %u\",\"visibility\":\"public\"}", i);
      g_free (folders_create (fx, ana, a));
      g_free (folders_create (fx, bea, b));
    }
  {
    g_autoptr (CtResponse) someone_else = ct_http (fx->url, "DELETE", bea_path, ana, NULL);
    g_autoptr (CtResponse) wrong_type = ct_http (fx->url, "DELETE", photo_type, ana, NULL);
    g_autoptr (CtResponse) missing = ct_http (fx->url, "DELETE", "/v1/folders", ana, NULL);
    g_autoptr (CtResponse) anonymous = ct_http (fx->url, "DELETE", ana_path, NULL, NULL);

    ct_assert_problem (someone_else, 403, NULL);
    ct_assert_problem (wrong_type, 403, NULL);
    ct_assert_problem (missing, 422, "owner_id");
    ct_assert_problem (anonymous, 401, NULL);
  }
  ana_count = folders_sql (fx, "SELECT count(*) FROM folders WHERE name LIKE 'ana %'", NULL);
  g_assert_cmpstr (ana_count, ==, "3");
  {
    g_autoptr (CtResponse) gone = ct_http (fx->url, "DELETE", ana_path, ana, NULL);
    g_autoptr (CtResponse) again = ct_http (fx->url, "DELETE", ana_path, ana, NULL);
    g_autofree char *left = folders_sql (fx, "SELECT count(*) FROM folders WHERE name LIKE 'ana %'", NULL);
    g_autoptr (CtResponse) listed = ct_http (fx->url, "GET", "/v1/folders", ana, NULL);

    g_assert_cmpuint (gone->status, ==, 204);
    g_assert_cmpuint (again->status, ==, 204); /* idempotent: a retry succeeds */
    g_assert_cmpstr (left, ==, "0");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                          ct_response_object (listed), "items")), ==, 0);
  }
  bea_count = folders_sql (fx, "SELECT count(*) FROM folders WHERE name LIKE 'bea %'", NULL);
  g_assert_cmpstr (bea_count, ==, "3");
}

int
main (int argc, char **argv)
{
  static const CtTest tests[] = {
    { "/carrete/folders/delete/photos-unreachable", test_photos_unreachable },
    { "/carrete/folders/delete/not-yours", test_not_yours },
    { "/carrete/folders/delete/owner", test_delete_owner },
  };

  return CT_TEST_MAIN (argc, argv, folders_fixture_start, folders_fixture_free, &fx, tests);
}
