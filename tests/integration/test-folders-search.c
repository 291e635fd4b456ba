#define G_LOG_DOMAIN "carrete-test-folders-search"

#include <libpq-fe.h>
#include <string.h>

#include "folders-fixture.h"
#include "store.h"

static FoldersFixture *fx;

/* The names of the folders in a page, joined with '|', in page order. */
static char *
page_names (CtResponse *response)
{
  JsonArray *items = json_object_get_array_member (ct_response_object (response), "items");
  g_autoptr (GStrvBuilder) names = g_strv_builder_new ();
  g_auto (GStrv) list = NULL;

  g_assert_cmpuint (response->status, ==, 200);
  for (guint i = 0; i < json_array_get_length (items); i++)
    g_strv_builder_add (names, json_object_get_string_member (
                                   json_array_get_object_element (items, i), "name"));
  list = g_strv_builder_end (names);
  return g_strjoinv ("|", list);
}

static char *
search (const char *token, const char *query)
{
  g_autofree char *path = g_strconcat ("/v1/folders", query, NULL);
  g_autoptr (CtResponse) r = ct_http (fx->url, "GET", path, token, NULL);

  g_test_message ("GET %s", path);
  return page_names (r);
}

static void
assert_search (const char *token, const char *query, const char *expected)
{
  g_autofree char *names = search (token, query);
  g_assert_cmpstr (names, ==, expected);
}

static void
assert_refused (const char *token, const char *query, guint status, const char *field)
{
  g_autofree char *path = g_strconcat ("/v1/folders", query, NULL);
  g_autoptr (CtResponse) r = ct_http (fx->url, "GET", path, token, NULL);

  g_test_message ("GET %s", path);
  ct_assert_problem (r, status, field);
}

/* Folders are created one after the other, so newest first is the reverse
 * of creation order. */
static void
test_filters (void)
{
  g_autofree char *ana = folders_new_user (fx, "searchana", NULL);
  g_autofree char *bea = folders_new_user (fx, "searchbea", NULL);
  g_autofree char *f1 = folders_create (fx, ana, "{\"name\":\"Holidays 50%\",\"tags\":[\"sea\",\"sun\"]}");
  g_autofree char *f2 = folders_create (fx, ana, "{\"name\":\"holiday_snaps\",\"tags\":[\"sea\"],\"visibility\":\"public\"}");
  g_autofree char *f3 = folders_create (fx, ana, "{\"name\":\"Work\",\"tags\":[\"office\",\"sun\"]}");
  g_autofree char *f4 = folders_create (fx, bea, "{\"name\":\"Bea public\",\"tags\":[\"sea\",\"sun\"],\"visibility\":\"public\"}");
  g_autofree char *f5 = folders_create (fx, bea, "{\"name\":\"Bea private\",\"tags\":[\"sea\",\"sun\"]}");
  g_autofree char *tag33 = g_strnfill (33, 't');
  g_autofree char *long_tag = g_strdup_printf ("?tags=%s", tag33);
  g_autofree char *q129 = g_strnfill (129, 'q');
  g_autofree char *long_q = g_strdup_printf ("?q=%s", q129);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) hour_ago = g_date_time_add_hours (now, -1);
  g_autoptr (GDateTime) hour_later = g_date_time_add_hours (now, 1);
  g_autofree char *ago = g_date_time_format (hour_ago, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *later = g_date_time_format (hour_later, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *in_range = g_strdup_printf ("?from=%s&to=%s", ago, later);
  g_autofree char *future = g_strdup_printf ("?from=%s", later);
  g_autofree char *past = g_strdup_printf ("?to=%s", ago);
  g_autofree char *reversed = g_strdup_printf ("?from=%s&to=%s", later, ago);
  g_autofree char *offset = g_strdup_printf ("?from=%s", ago);

  /* Scopes. */
  assert_search (ana, "", "Work|holiday_snaps|Holidays 50%");
  assert_search (ana, "?scope=mine", "Work|holiday_snaps|Holidays 50%");
  assert_search (bea, "", "Bea private|Bea public");
  assert_search (ana, "?scope=public&q=bea", "Bea public");
  assert_search (ana, "?scope=all&tags=sea", "Bea public|holiday_snaps|Holidays 50%");
  assert_search (NULL, "?tags=sea", "Bea public|holiday_snaps");
  assert_search (NULL, "?scope=all&tags=sea", "Bea public|holiday_snaps");
  assert_search (NULL, "?scope=public&tags=sun", "Bea public");
  assert_refused (NULL, "?scope=mine", 401, NULL);
  assert_refused (ana, "?scope=everything", 422, "scope");

  /* Name: case-insensitive substring; LIKE's metacharacters are literal. */
  assert_search (ana, "?q=HOLI", "holiday_snaps|Holidays 50%");
  assert_search (ana, "?q=%25", "Holidays 50%");
  assert_search (ana, "?q=_", "holiday_snaps");
  assert_search (ana, "?q=y_s", "holiday_snaps");
  assert_search (ana, "?q=y%25s", "");
  assert_search (ana, "?q=", "Work|holiday_snaps|Holidays 50%");
  assert_refused (ana, long_q, 422, "q");

  /* Tags: normalised like stored ones; all (default) or any. */
  assert_search (ana, "?tags=sea,sun", "Holidays 50%");
  assert_search (ana, "?tags=%20SEA%20,Sun,,", "Holidays 50%");
  assert_search (ana, "?tags=sea,sun&match=all", "Holidays 50%");
  assert_search (ana, "?tags=sea,office&match=any", "Work|holiday_snaps|Holidays 50%");
  assert_search (ana, "?tags=office&match=any", "Work");
  assert_search (ana, "?tags=nothing", "");
  assert_search (ana, "?tags=", "Work|holiday_snaps|Holidays 50%");
  assert_refused (ana, "?tags=sea&match=sometimes", 422, "match");
  assert_refused (ana, long_tag, 422, "tags[0]");

  /* Creation dates. */
  assert_search (ana, in_range, "Work|holiday_snaps|Holidays 50%");
  assert_search (ana, future, "");
  assert_search (ana, past, "");
  assert_search (ana, offset, "Work|holiday_snaps|Holidays 50%");
  assert_search (ana, "?from=2000-01-01T00:00:00%2B02:00&to=2999-01-01T00:00:00.5-01:00",
                 "Work|holiday_snaps|Holidays 50%");
  /* RFC 3339 allows offsets to ±23:59; PostgreSQL takes only ±15:59, so
   * they reach it in UTC. */
  assert_search (ana, "?from=2000-01-01T00:00:00%2B23:59&to=2999-01-01T00:00:00-20:54",
                 "Work|holiday_snaps|Holidays 50%");
  assert_search (ana, "?to=2000-01-01T00:00:00-20:54", "");
  assert_refused (ana, reversed, 422, "from");
  {
    const char *bad[] = { "?from=yesterday", "?from=2024-01-01", "?to=2024-13-01T00:00:00Z",
                          "?from=2024-01-01T25:00:00Z", "?from=2024-01-01T10:00:00",
                          "?to=1714557600", "?from=2024-01-01T10:00:00+02:00",
                          "?from=2024-02-30T00:00:00Z", "?to=" };
    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      assert_refused (ana, bad[i], 422, strstr (bad[i], "from") != NULL ? "from" : "to");
  }

  /* Page size. */
  assert_refused (ana, "?limit=0", 422, "limit");
  assert_refused (ana, "?limit=100000", 422, "limit");
  assert_refused (ana, "?limit=201", 422, "limit");
  assert_refused (ana, "?limit=ten", 422, "limit");
  assert_refused (ana, "?limit=-1", 422, "limit");
  assert_search (ana, "?limit=200", "Work|holiday_snaps|Holidays 50%");
  (void) f1, (void) f2, (void) f3, (void) f4, (void) f5;
}

/* Walks every page of `query` and returns the names in order. */
static char *
walk_pages (const char *token, const char *query, guint *n_pages)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *cursor = NULL;

  *n_pages = 0;
  do
    {
      g_autofree char *path = cursor != NULL
                                  ? g_strdup_printf ("/v1/folders%s&cursor=%s", query, cursor)
                                  : g_strdup_printf ("/v1/folders%s", query);
      g_autoptr (CtResponse) page = ct_http (fx->url, "GET", path, token, NULL);
      JsonNode *next = json_object_get_member (ct_response_object (page), "next_cursor");

      g_ptr_array_add (names, page_names (page));
      g_clear_pointer (&cursor, g_free);
      if (!JSON_NODE_HOLDS_NULL (next))
        cursor = g_strdup (json_node_get_string (next));
      (*n_pages)++;
    }
  while (cursor != NULL && *n_pages < 100);
  g_ptr_array_add (names, NULL);
  return g_strjoinv ("|", (char **) names->pdata);
}

static void
test_pages (void)
{
  g_autofree char *ana = folders_new_user (fx, "pageana", NULL);
  g_autofree char *bea = folders_new_user (fx, "pagebea", NULL);
  g_autofree char *walked = NULL, *tagged = NULL;
  g_autofree char *cursor = NULL;
  guint pages = 0;

  for (guint i = 0; i < 7; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"name\":\"p%u\",\"tags\":[\"%s\"]}", i,
                                               i % 2 == 0 ? "even" : "odd");
      g_free (folders_create (fx, ana, body));
    }
  /* Two folders created in the same transaction share created_at: the id
   * breaks the tie, so neither is lost or repeated between pages. */
  g_free (folders_sql (fx, "UPDATE folders SET created_at = (SELECT created_at FROM folders"
                           " WHERE name = 'p3') WHERE name IN ('p2', 'p4')", NULL));
  walked = walk_pages (ana, "?limit=2", &pages);
  g_assert_cmpuint (pages, ==, 4);
  g_assert_cmpstr (walked, ==, "p6|p5|p4|p3|p2|p1|p0");
  tagged = walk_pages (ana, "?limit=1&tags=even", &pages);
  g_assert_cmpuint (pages, ==, 4);
  g_assert_cmpstr (tagged, ==, "p6|p4|p2|p0");

  {
    g_autoptr (CtResponse) first = ct_http (fx->url, "GET", "/v1/folders?limit=2&tags=even", ana, NULL);
    cursor = g_strdup (ct_response_string (first, "next_cursor"));
  }
  {
    g_autofree char *same = g_strdup_printf ("?limit=2&tags=EVEN&cursor=%s", cursor);
    g_autofree char *bigger = g_strdup_printf ("?limit=5&tags=even&cursor=%s", cursor);
    g_autofree char *other_tags = g_strdup_printf ("?limit=2&tags=odd&cursor=%s", cursor);
    g_autofree char *no_tags = g_strdup_printf ("?limit=2&cursor=%s", cursor);
    g_autofree char *other_match = g_strdup_printf ("?tags=even&match=any&cursor=%s", cursor);
    g_autofree char *other_scope = g_strdup_printf ("?tags=even&scope=all&cursor=%s", cursor);
    g_autofree char *truncated = g_strdup_printf ("?tags=even&cursor=%.*s", (int) strlen (cursor) - 2, cursor);
    g_autofree char *flipped = g_strdup (cursor);

    flipped[5] = flipped[5] == 'A' ? 'B' : 'A';
    {
      g_autofree char *forged = g_strdup_printf ("?tags=even&cursor=%s", flipped);
      assert_search (ana, same, "p2|p0");
      assert_search (ana, bigger, "p2|p0");
      assert_refused (ana, other_tags, 422, "cursor");
      assert_refused (ana, no_tags, 422, "cursor");
      assert_refused (ana, other_match, 422, "cursor");
      assert_refused (ana, other_scope, 422, "cursor");
      assert_refused (bea, same, 422, "cursor");
      assert_refused (ana, truncated, 400, NULL);
      assert_refused (ana, forged, 400, NULL);
      assert_refused (ana, "?cursor=AAAAbogus", 400, NULL);
      assert_refused (ana, "?cursor=", 400, NULL);
    }
  }
}

/* ---- the owner-scoped tag search uses an index ----------------------------- */

static PGresult *
exec_ok (PGconn *conn, const char *sql)
{
  PGresult *res = PQexec (conn, sql);

  if (PQresultStatus (res) != PGRES_COMMAND_OK && PQresultStatus (res) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (res));
  return res;
}

/* The plan of the service's own search statement, prepared and run as the
 * service runs it (as its role, with parameters).  `owner_id` is digits
 * read from the database, so it can be written into the EXECUTE. */
static char *
explain (const char *owner_id)
{
  PGconn *conn = PQconnectdb (fx->database_url);
  g_autofree char *prepare = g_strdup_printf ("PREPARE search AS %s", folders_store_search_sql ());
  g_autofree char *args = g_strdup_printf (
      "(%s, false, NULL, '{red,blue}', NULL, NULL, NULL, NULL, NULL, 51, %s, false)", owner_id,
      owner_id);
  g_autofree char *run = g_strconcat ("EXECUTE search ", args, NULL);
  g_autofree char *explain_run = g_strconcat ("EXPLAIN EXECUTE search ", args, NULL);
  GString *plan = g_string_new (NULL);

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  g_assert_true (g_ascii_string_to_signed (owner_id, 10, 1, G_MAXINT64, NULL, NULL));
  PQclear (exec_ok (conn, prepare));
  /* More than five runs: after five a generic plan could take over, which
   * the database's plan_cache_mode rules out. */
  for (guint round = 0; round < 7; round++)
    PQclear (exec_ok (conn, run));
  {
    PGresult *res = exec_ok (conn, explain_run);
    for (int row = 0; row < PQntuples (res); row++)
      g_string_append_printf (plan, "%s\n", PQgetvalue (res, row, 0));
    PQclear (res);
  }
  PQfinish (conn);
  return g_string_free (plan, FALSE);
}

static void
test_tag_search_uses_index (void)
{
  g_autofree char *ana = folders_new_user (fx, "bulkana", NULL);
  g_autofree char *first = folders_create (fx, ana, "{\"name\":\"seed\",\"tags\":[\"red\",\"blue\"]}");
  g_autofree char *owner = folders_sql (fx, "SELECT owner_id::text FROM folders WHERE name = $1"
                                            " AND 'red' = ANY (tags)", "seed");
  g_autofree char *plan = NULL;
  g_autofree char *api = NULL;
  g_autofree char *expected = NULL;

  /* 40,000 rows: this owner has 4,000 of them.  Tags come from a
   * vocabulary of about 70; "red" and "blue" are each on about 1 row in 20,
   * both together on 1 in 100, for this owner as for everyone else. */
  g_free (folders_sql (fx,
                       "INSERT INTO folders (owner_id, name, visibility, tags, created_at)"
                       " SELECT CASE WHEN g % 10 = 0 THEN $1::bigint ELSE 1000000 + g % 400 END,"
                       "        'bulk ' || g, CASE WHEN g % 3 = 0 THEN 'public' ELSE 'private' END,"
                       "        CASE WHEN g / 10 % 100 = 0 THEN ARRAY['red', 'blue', 't' || g % 40]"
                       "             WHEN g / 10 % 20 = 3 THEN ARRAY['red', 't' || g % 40, 'u' || g % 30]"
                       "             WHEN g / 10 % 20 = 7 THEN ARRAY['blue', 't' || g % 40, 'u' || g % 30]"
                       "             ELSE ARRAY['t' || g % 40, 'u' || g % 30] END,"
                       "        now() - make_interval(secs => g)"
                       " FROM generate_series(1, 40000) AS g",
                       owner));
  g_free (folders_sql (fx, "ANALYZE folders", NULL));
  plan = explain (owner);
  g_test_message ("plan:\n%s", plan);
  g_assert_null (strstr (plan, "Seq Scan"));
  g_assert_nonnull (strstr (plan, "Index"));
  g_assert_nonnull (strstr (plan, "folders_tags_idx"));

  /* The API answers the same search with the same rows. */
  api = search (ana, "?tags=blue,red&limit=200");
  expected = folders_sql (fx, "SELECT string_agg(name, '|' ORDER BY created_at DESC, id DESC)"
                              " FROM folders WHERE owner_id = $1::bigint AND tags @> '{red,blue}'",
                          owner);
  g_assert_cmpstr (api, ==, expected);
  g_assert_nonnull (strstr (api, "seed"));
  (void) first;
}

/* A client that hangs up while its search waits for a lock cancels the
 * statement: it ends while the lock is still held (not at the statement
 * timeout, which would log 503), and the pool's connection serves the next
 * request. */
static void
test_hang_up_cancels_search (void)
{
  g_autofree char *ana = folders_new_user (fx, "hangup", NULL);
  g_autofree char *output = NULL;

  g_free (folders_create (fx, ana, "{\"name\":\"Left waiting\"}"));
  ct_assert_hang_up_cancels (fx->users->pg, "carrete_folders", "folders", "carrete-folders", NULL,
                             fx->url, "/v1/folders?q=waiting", ana);
  assert_search (ana, "?q=waiting", "Left waiting");
  output = ct_service_output (fx->service);
  g_assert_nonnull (strstr (output, "\"method\":\"GET\",\"route\":\"/v1/folders\",\"status\":499"));
}

int
main (int argc, char **argv)
{
  static const CtTest tests[] = {
    { "/carrete/folders/search/filters", test_filters },
    { "/carrete/folders/search/pages", test_pages },
    { "/carrete/folders/search/tags-use-index", test_tag_search_uses_index },
    { "/carrete/folders/search/hang-up-cancels-statement", test_hang_up_cancels_search },
  };

  return CT_TEST_MAIN (argc, argv, folders_fixture_start, folders_fixture_free, &fx, tests);
}
