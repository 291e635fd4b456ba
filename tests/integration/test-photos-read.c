#define G_LOG_DOMAIN "carrete-test-photos-read"

/* carrete-photos after the upload: reading one photo and its presigned
 * URLs, listing (pagination, sorts, filters, cursors), renaming, deleting
 * one photo or all of an owner's, and who may do each (anonymous, expired
 * or forged tokens, another user), against both storage backends. */

#include <string.h>

#include "carrete-cursor.h"
#include "photos-fixture.h"

/* ---- helpers ---------------------------------------------------------------- */

static char *
photo_path (const char *id)
{
  return g_strconcat ("/v1/photos/", id, NULL);
}

static CtResponse *
request (PhotosStack *s, const char *method, const char *path, PhotosUser *user,
         const char *body)
{
  return ct_http (s->photos_url, method, path, user != NULL ? user->token : NULL, body);
}

static GBytes *
numbered_jpeg (guint seed, const char *taken)
{
  return photos_make_jpeg (96, 64, 1000 + seed, taken, 0);
}

static char *
upload_numbered (PhotosStack *s, PhotosUser *user, const char *name, guint seed, const char *taken)
{
  g_autoptr (GBytes) jpeg = numbered_jpeg (seed, taken);
  return photos_upload (s, user->token, name, jpeg);
}

static JsonArray *
items_of (CtResponse *r)
{
  return json_object_get_array_member (ct_response_object (r), "items");
}

/* Pages through a listing `limit` at a time; returns the names in order,
 * comma-separated, and asserts that no photo comes twice. */
static char *
list_names (PhotosStack *s, PhotosUser *user, const char *filters, guint limit, guint *pages)
{
  g_autoptr (GString) names = g_string_new (NULL);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *cursor = NULL;
  guint n_pages = 0;

  do
    {
      g_autofree char *escaped = cursor != NULL ? g_uri_escape_string (cursor, NULL, FALSE) : NULL;
      g_autofree char *path = g_strdup_printf ("/v1/photos?limit=%u%s%s%s", limit, filters,
                                               cursor != NULL ? "&cursor=" : "",
                                               cursor != NULL ? escaped : "");
      g_autoptr (CtResponse) r = request (s, "GET", path, user, NULL);
      JsonArray *items;
      JsonNode *next;

      g_assert_cmpuint (r->status, ==, 200);
      items = items_of (r);
      g_assert_cmpuint (json_array_get_length (items), <=, limit);
      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          JsonObject *item = json_array_get_object_element (items, i);
          const char *id = json_object_get_string_member (item, "id");

          g_assert_false (g_hash_table_contains (seen, id));
          g_hash_table_add (seen, g_strdup (id));
          /* Each item has a thumbnail URL that works. */
          g_assert_nonnull (json_object_get_string_member (item, "thumbnail_url"));
          g_string_append_printf (names, "%s%s", names->len > 0 ? "," : "",
                                  json_object_get_string_member (item, "name"));
        }
      g_clear_pointer (&cursor, g_free);
      next = json_object_get_member (ct_response_object (r), "next_cursor");
      g_assert_nonnull (next);
      if (!JSON_NODE_HOLDS_NULL (next))
        {
          cursor = g_strdup (json_node_get_string (next));
          /* A full page, or the cursor would not be there. */
          g_assert_cmpuint (json_array_get_length (items), ==, limit);
        }
      n_pages++;
      g_assert_cmpuint (n_pages, <, 100);
    }
  while (cursor != NULL);
  if (pages != NULL)
    *pages = n_pages;
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static void
assert_list (PhotosStack *s, PhotosUser *user, const char *filters, const char *expected)
{
  g_autofree char *all = list_names (s, user, filters, 200, NULL);
  g_autofree char *paged = list_names (s, user, filters, 2, NULL);

  g_test_message ("list %s", filters);
  g_assert_cmpstr (all, ==, expected);
  g_assert_cmpstr (paged, ==, expected);
}

static void
assert_list_refused (PhotosStack *s, PhotosUser *user, const char *query, const char *field)
{
  g_autofree char *path = g_strconcat ("/v1/photos", query, NULL);
  g_autoptr (CtResponse) r = request (s, "GET", path, user, NULL);

  g_test_message ("list %s", query);
  ct_assert_problem (r, 422, field);
}

/* ---- one photo -------------------------------------------------------------------- */

static void
test_get_photo (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "get");
  g_autoptr (GBytes) jpeg = photos_make_jpeg (1000, 800, 1, "2022:07:08 09:10:11", 0);
  g_autofree char *id = photos_upload (s, ana->token, "seen.jpg", jpeg);
  g_autofree char *path = photo_path (id);
  g_autoptr (CtResponse) r = request (s, "GET", path, ana, NULL);
  JsonObject *photo;
  gsize len = g_bytes_get_size (jpeg);

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (ct_response_header (r, "Cache-Control"), ==, "private, no-store");
  photo = ct_response_object (r);
  g_assert_cmpstr (json_object_get_string_member (photo, "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (photo, "owner_id"), ==, ana->id);
  g_assert_cmpstr (json_object_get_string_member (photo, "name"), ==, "seen.jpg");
  g_assert_cmpstr (json_object_get_string_member (photo, "taken_at"), ==,
                   "2022-07-08T09:10:11.000Z");
  g_assert_cmpint (json_object_get_int_member (photo, "width"), ==, 1000);
  g_assert_cmpint (json_object_get_int_member (photo, "height"), ==, 800);

  /* The original: whole, by ranges, revalidated. */
  {
    const char *url = json_object_get_string_member (photo, "url");
    g_autoptr (CtResponse) whole = photos_fetch (url, NULL);
    g_autoptr (CtResponse) part = photos_fetch (url, (const char *const[]) { "Range: bytes=10-19",
                                                                             NULL });
    g_autoptr (CtResponse) tail = photos_fetch (url, (const char *const[]) { "Range: bytes=-5",
                                                                             NULL });
    g_autoptr (CtResponse) beyond = NULL;
    g_autoptr (CtResponse) cached = NULL;
    g_autofree char *content_range = g_strdup_printf ("bytes 10-19/%zu", len);
    g_autofree char *range_beyond = g_strdup_printf ("Range: bytes=%zu-", len + 100);
    g_autofree char *if_none_match = NULL;
    const char *etag;

    g_assert_cmpuint (whole->status, ==, 200);
    g_assert_true (g_bytes_equal (whole->body, jpeg));
    g_assert_cmpstr (ct_response_header (whole, "Content-Type"), ==, "image/jpeg");
    etag = ct_response_header (whole, "ETag");
    g_assert_nonnull (etag);
    g_assert_true (etag[0] == '"');
    g_assert_cmpuint (part->status, ==, 206);
    g_assert_cmpstr (ct_response_header (part, "Content-Range"), ==, content_range);
    g_assert_cmpuint (g_bytes_get_size (part->body), ==, 10);
    g_assert_cmpmem (g_bytes_get_data (part->body, NULL), 10,
                     (const guint8 *) g_bytes_get_data (jpeg, NULL) + 10, 10);
    g_assert_cmpuint (tail->status, ==, 206);
    g_assert_cmpmem (g_bytes_get_data (tail->body, NULL), 5,
                     (const guint8 *) g_bytes_get_data (jpeg, NULL) + len - 5, 5);
    beyond = photos_fetch (url, (const char *const[]) { range_beyond, NULL });
    g_test_message ("beyond: %u %s %zu bytes", beyond->status,
                    ct_response_header (beyond, "Content-Range"), g_bytes_get_size (beyond->body));
    g_assert_cmpuint (beyond->status, ==, 416);
    /* HEAD on a GET URL: the headers without the bytes (fs; S3 signs the
     * method, so a GET URL is only for GET there). */
    if (s->backend == PHOTOS_BACKEND_FS)
      {
        g_autoptr (CtResponse) head = ct_http_raw ("", "HEAD", url, NULL, NULL, NULL);
        g_autofree char *length = g_strdup_printf ("%zu", len);
        g_assert_cmpuint (head->status, ==, 200);
        g_assert_cmpuint (g_bytes_get_size (head->body), ==, 0);
        g_assert_cmpstr (ct_response_header (head, "Content-Length"), ==, length);
        g_assert_cmpstr (ct_response_header (head, "Content-Type"), ==, "image/jpeg");
      }
    if_none_match = g_strconcat ("If-None-Match: ", etag, NULL);
    cached = photos_fetch (url, (const char *const[]) { if_none_match, NULL });
    g_assert_cmpuint (cached->status, ==, 304);
    g_assert_cmpuint (g_bytes_get_size (cached->body), ==, 0);
    if (s->backend == PHOTOS_BACKEND_FS)
      {
        const char *cache = ct_response_header (whole, "Cache-Control");
        g_autofree char *range_all = g_strdup_printf ("bytes */%zu", len);

        g_assert_nonnull (cache);
        g_assert_true (g_str_has_prefix (cache, "private, max-age="));
        /* URLs are signed at the start of a window of TTL/4 (see
         * url-cache.h): with the default 900 s, at least 675 s are left. */
        g_assert_cmpint (g_ascii_strtoll (cache + strlen ("private, max-age="), NULL, 10), >=,
                         900 - 900 / 4 - 5);
        g_assert_cmpint (g_ascii_strtoll (cache + strlen ("private, max-age="), NULL, 10), <=, 900);
        g_assert_cmpstr (ct_response_header (whole, "Accept-Ranges"), ==, "bytes");
        g_assert_cmpstr (ct_response_header (whole, "X-Content-Type-Options"), ==, "nosniff");
        g_assert_cmpstr (ct_response_header (beyond, "Content-Range"), ==, range_all);
        g_assert_cmpstr (ct_response_header (cached, "ETag"), ==, etag);
      }
  }
  /* The thumbnails are JPEGs of the promised sizes. */
  {
    const char *urls[] = { json_object_get_string_member (photo, "thumbnail_url"),
                           json_object_get_string_member (photo, "preview_url") };
    const guint widths[] = { 256, 1000 };
    for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
      {
        g_autoptr (CtResponse) t = photos_fetch (urls[i], NULL);
        g_autofree char *loader = NULL;
        guint w = 0, h = 0;

        g_assert_cmpuint (t->status, ==, 200);
        g_assert_cmpstr (ct_response_header (t, "Content-Type"), ==, "image/jpeg");
        photos_image_size (t->body, &w, &h, &loader);
        g_assert_cmpstr (loader, ==, "VipsForeignLoadJpegBuffer");
        g_assert_cmpuint (w, ==, widths[i]);
        g_assert_cmpuint (MAX (w, h), <=, 1280);
      }
  }
}

static void
test_not_yours (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "mine");
  g_autoptr (PhotosUser) bea = photos_user_new (s, "thief");
  g_autofree char *id = upload_numbered (s, ana, "private.jpg", 1, NULL);
  g_autofree char *path = photo_path (id);
  g_autofree char *missing_id = carrete_ids_encode (s->ids, CARRETE_ID_PHOTO, 987654321);
  g_autofree char *missing = photo_path (missing_id);
  g_autofree char *user_as_photo = photo_path (ana->id);
  const char *paths[] = { path, missing, user_as_photo, "/v1/photos/ph_nope",
                          "/v1/photos/ph_AAAAAAAAAAA" };

  /* Another user's photo, a missing one, and ids that are no photo ids
   * all look the same. */
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *complete = g_strconcat (paths[i], "/complete", NULL);
      g_autoptr (CtResponse) get = request (s, "GET", paths[i], bea, NULL);
      g_autoptr (CtResponse) patch = request (s, "PATCH", paths[i], bea, "{\"name\":\"stolen.jpg\"}");
      g_autoptr (CtResponse) del = request (s, "DELETE", paths[i], bea, NULL);
      g_autoptr (CtResponse) done = request (s, "POST", complete, bea, NULL);
      g_autoptr (CtResponse) anonymous = request (s, "GET", paths[i], NULL, NULL);

      g_test_message ("path %s", paths[i]);
      ct_assert_problem (get, 404, NULL);
      ct_assert_problem (patch, 404, NULL);
      ct_assert_problem (del, 404, NULL);
      ct_assert_problem (done, 404, NULL);
      ct_assert_problem (anonymous, 404, NULL);
    }
  {
    g_autoptr (CtResponse) still = request (s, "GET", path, ana, NULL);
    g_assert_cmpuint (still->status, ==, 200);
    g_assert_cmpstr (ct_response_string (still, "name"), ==, "private.jpg");
  }
  /* Nor does another user's listing show it. */
  {
    g_autofree char *names = list_names (s, bea, "", 50, NULL);
    g_assert_cmpstr (names, ==, "");
  }
  photos_assert_consistent (s, NULL);
}

/* ---- listing ------------------------------------------------------------------------ */

static void
test_list_pages (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "pages");
  g_autoptr (GString) expected = g_string_new (NULL);
  g_autofree char *paged = NULL;
  g_autofree char *whole = NULL;
  guint pages = 0;

  for (guint i = 0; i < 7; i++)
    {
      g_autofree char *name = g_strdup_printf ("p%u.jpg", i);
      g_autofree char *id = upload_numbered (s, ana, name, 10 + i, NULL);
      g_string_append_printf (expected, "%s%s", i > 0 ? "," : "", name);
    }
  paged = list_names (s, ana, "&sort=name", 2, &pages);
  g_assert_cmpstr (paged, ==, expected->str);
  g_assert_cmpuint (pages, ==, 4);
  /* Exactly a page's worth: the last page says there is no more. */
  {
    g_autofree char *sevens = list_names (s, ana, "&sort=name", 7, &pages);
    g_assert_cmpstr (sevens, ==, expected->str);
    g_assert_cmpuint (pages, ==, 1);
  }
  /* The default is 50 a page. */
  {
    g_autoptr (CtResponse) r = request (s, "GET", "/v1/photos", ana, NULL);
    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpuint (json_array_get_length (items_of (r)), ==, 7);
    g_assert_true (json_object_get_null_member (ct_response_object (r), "next_cursor"));
    g_assert_cmpstr (ct_response_header (r, "Cache-Control"), ==, "private, no-store");
  }
  whole = list_names (s, ana, "&sort=uploaded_at&order=asc", 3, NULL);
  g_assert_cmpstr (whole, ==, expected->str);
}

/* A client that hangs up while its list waits for a lock cancels the
 * statement: it ends while the lock is still held (not at the statement
 * timeout, which would log 503), and the next list is answered. */
static void
test_list_hang_up (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "hangup");
  g_autofree char *id = upload_numbered (s, ana, "waiting.jpg", 90, NULL);
  /* Only the list statement: the sweeper's may wait on the lock too. */
  const char *list = " FROM photos WHERE owner_id = $1 AND state = 'ready'";
  g_autofree char *output = NULL;

  ct_assert_hang_up_cancels (s->pg, "carrete_photos", "photos", "carrete-photos", list,
                             s->photos_url, "/v1/photos", ana->token);
  {
    g_autoptr (CtResponse) r = request (s, "GET", "/v1/photos", ana, NULL);
    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpuint (json_array_get_length (items_of (r)), ==, 1);
  }
  output = ct_service_output (s->photos);
  g_assert_nonnull (strstr (output, "\"method\":\"GET\",\"route\":\"/v1/photos\",\"status\":499"));
}

/* Four photos whose order differs by each sort. */
static PhotosUser *
sorted_user (PhotosStack *s)
{
  PhotosUser *user = photos_user_new (s, "sorts");

  g_free (upload_numbered (s, user, "c.jpg", 20, "2020:01:01 00:00:00"));
  g_free (upload_numbered (s, user, "a.jpg", 21, "2022:01:01 00:00:00"));
  g_free (upload_numbered (s, user, "b.jpg", 22, "2018:01:01 00:00:00"));
  g_free (upload_numbered (s, user, "d.jpg", 23, NULL)); /* taken_at falls back to now */
  return user;
}

static void
test_list_sorts (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = sorted_user (s);

  assert_list (s, ana, "", "d.jpg,a.jpg,c.jpg,b.jpg");
  assert_list (s, ana, "&sort=taken_at", "d.jpg,a.jpg,c.jpg,b.jpg");
  assert_list (s, ana, "&sort=taken_at&order=desc", "d.jpg,a.jpg,c.jpg,b.jpg");
  assert_list (s, ana, "&sort=taken_at&order=asc", "b.jpg,c.jpg,a.jpg,d.jpg");
  assert_list (s, ana, "&sort=uploaded_at", "d.jpg,b.jpg,a.jpg,c.jpg");
  assert_list (s, ana, "&sort=uploaded_at&order=asc", "c.jpg,a.jpg,b.jpg,d.jpg");
  assert_list (s, ana, "&sort=name", "a.jpg,b.jpg,c.jpg,d.jpg");
  assert_list (s, ana, "&sort=name&order=asc", "a.jpg,b.jpg,c.jpg,d.jpg");
  assert_list (s, ana, "&sort=name&order=desc", "d.jpg,c.jpg,b.jpg,a.jpg");

  /* from/to filter on taken_at, or uploaded_at without one. */
  assert_list (s, ana, "&sort=name&from=2019-01-01T00:00:00Z&to=2021-01-01T00:00:00Z", "c.jpg");
  assert_list (s, ana, "&sort=name&from=2021-06-01T00:00:00Z", "a.jpg,d.jpg");
  assert_list (s, ana, "&sort=name&to=2019-01-01T00:00:00Z", "b.jpg");
  assert_list (s, ana, "&sort=name&from=2020-01-01T00:00:00Z&to=2020-01-01T00:00:00Z", "c.jpg");
  /* An offset counts: 23:00 at -02:00 is 01:00 UTC the next day. */
  assert_list (s, ana, "&sort=name&from=2019-12-31T23:00:00-02:00&to=2023-01-01T00:00:00Z",
               "a.jpg");
  assert_list (s, ana, "&sort=name&from=2019-12-31T23:00:00.5%2B01:00&to=2020-01-01T00:00:00Z",
               "c.jpg");

  assert_list_refused (s, ana, "?from=yesterday", "from");
  assert_list_refused (s, ana, "?from=2020-01-01", "from");
  assert_list_refused (s, ana, "?to=2020-13-01T00:00:00Z", "to");
  assert_list_refused (s, ana, "?to=", "to");
  assert_list_refused (s, ana, "?from=2021-01-01T00:00:00Z&to=2020-01-01T00:00:00Z", "from");
  assert_list_refused (s, ana, "?sort=size", "sort");
  assert_list_refused (s, ana, "?order=up", "order");
}

static void
test_list_search (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "search");
  g_autoptr (GString) long_q = g_string_new ("?q=");

  g_free (upload_numbered (s, ana, "Beach 100%.jpg", 30, NULL));
  g_free (upload_numbered (s, ana, "beach_day.jpg", 31, NULL));
  g_free (upload_numbered (s, ana, "BEACHX.jpg", 32, NULL));
  g_free (upload_numbered (s, ana, "mountain.jpg", 33, NULL));
  g_free (upload_numbered (s, ana, "Ñandú.jpg", 34, NULL));

  /* Case-insensitive substrings; % and _ are themselves. */
  assert_list (s, ana, "&sort=name&q=beach", "BEACHX.jpg,Beach 100%.jpg,beach_day.jpg");
  assert_list (s, ana, "&sort=name&q=BeAcH%20", "Beach 100%.jpg");
  assert_list (s, ana, "&sort=name&q=100%25", "Beach 100%.jpg");
  assert_list (s, ana, "&sort=name&q=%25", "Beach 100%.jpg");
  assert_list (s, ana, "&sort=name&q=h_", "beach_day.jpg");
  assert_list (s, ana, "&sort=name&q=_", "beach_day.jpg");
  assert_list (s, ana, "&sort=name&q=%5C", "");
  assert_list (s, ana, "&sort=name&q=zzz", "");
  assert_list (s, ana, "&sort=name&q=tain", "mountain.jpg");
  assert_list (s, ana, "&sort=name&q=%C3%B1and%C3%BA", "Ñandú.jpg");
  /* Names sort by the database's collation (C here: bytes). */
  assert_list (s, ana, "&sort=name&q=",
               "BEACHX.jpg,Beach 100%.jpg,beach_day.jpg,mountain.jpg,Ñandú.jpg");
  for (guint i = 0; i < 256; i++)
    g_string_append_c (long_q, 'q');
  assert_list_refused (s, ana, long_q->str, "q");
  assert_list_refused (s, ana, "?q=a%00b", "q");
}

static void
test_list_cursors (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = sorted_user (s);
  g_autoptr (CtResponse) first = request (s, "GET", "/v1/photos?sort=name&limit=1", ana, NULL);
  g_autofree char *cursor = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *tampered = NULL;

  g_assert_cmpuint (first->status, ==, 200);
  cursor = g_strdup (ct_response_string (first, "next_cursor"));
  escaped = g_uri_escape_string (cursor, NULL, FALSE);
  {
    g_autofree char *path = g_strdup_printf ("/v1/photos?sort=name&limit=1&cursor=%s", escaped);
    g_autoptr (CtResponse) next = request (s, "GET", path, ana, NULL);
    g_assert_cmpuint (next->status, ==, 200);
    g_assert_cmpstr (json_object_get_string_member (
                         json_array_get_object_element (items_of (next), 0), "name"),
                     ==, "b.jpg");
  }
  /* A cursor continues only the listing it came from. */
  {
    const char *others[] = { "?sort=taken_at&limit=1", "?sort=name&order=desc&limit=1",
                             "?sort=name&q=a&limit=1", "?sort=name&from=2000-01-01T00:00:00Z",
                             "?limit=1" };
    for (guint i = 0; i < G_N_ELEMENTS (others); i++)
      {
        g_autofree char *query = g_strdup_printf ("%s&cursor=%s", others[i], escaped);
        assert_list_refused (s, ana, query, "cursor");
      }
  }
  /* The limit may change from page to page. */
  {
    g_autofree char *path = g_strdup_printf ("/v1/photos?sort=name&limit=3&cursor=%s", escaped);
    g_autoptr (CtResponse) rest = request (s, "GET", path, ana, NULL);
    g_assert_cmpuint (rest->status, ==, 200);
    g_assert_cmpuint (json_array_get_length (items_of (rest)), ==, 3);
  }
  /* Forged and altered cursors. */
  tampered = g_strdup (escaped);
  tampered[strlen (tampered) / 2] = tampered[strlen (tampered) / 2] == 'A' ? 'B' : 'A';
  {
    g_autofree char *altered = g_strdup_printf ("?sort=name&cursor=%s", tampered);
    assert_list_refused (s, ana, altered, "cursor");
  }
  assert_list_refused (s, ana, "?sort=name&cursor=AAAA", "cursor");
  assert_list_refused (s, ana, "?sort=name&cursor=", "cursor");
  assert_list_refused (s, ana, "?sort=name&cursor=bm90IGEgY3Vyc29y", "cursor");
  assert_list_refused (s, ana, "?limit=0", "limit");
  assert_list_refused (s, ana, "?limit=201", "limit");
  assert_list_refused (s, ana, "?limit=100000", "limit");
  assert_list_refused (s, ana, "?limit=-1", "limit");
  assert_list_refused (s, ana, "?limit=ten", "limit");
  assert_list_refused (s, ana, "?limit=", "limit");
  {
    g_autoptr (CtResponse) most = request (s, "GET", "/v1/photos?limit=200", ana, NULL);
    g_assert_cmpuint (most->status, ==, 200);
  }
}

/* ---- exact times ------------------------------------------------------------------ */

static void
set_time (PhotosStack *s, const char *id, const char *column, const char *value)
{
  g_autofree char *sql
      = g_strdup_printf ("UPDATE photos SET %s = '%s' WHERE id = $1 RETURNING id", column, value);
  g_autofree char *updated = photos_query_photo (s, id, sql);

  g_assert_nonnull (updated);
}

/* A time as PostgreSQL's to_char wrote it into the JSON before times were
 * integers ("null" for none): the API's text must not change. */
static char *
time_as_to_char (PhotosStack *s, const char *id, const char *column)
{
  g_autofree char *sql = g_strdup_printf (
      "SELECT coalesce(to_char(%s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'),"
      " 'null') FROM photos WHERE id = $1",
      column);

  return photos_query_photo (s, id, sql);
}

static void
assert_times_as_before (PhotosStack *s, PhotosUser *user, const char *id)
{
  g_autofree char *path = photo_path (id);
  g_autoptr (CtResponse) r = request (s, "GET", path, user, NULL);
  const char *columns[] = { "taken_at", "uploaded_at", "updated_at" };

  g_assert_cmpuint (r->status, ==, 200);
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      g_autofree char *expected = time_as_to_char (s, id, columns[i]);
      JsonObject *photo = ct_response_object (r);
      const char *text = json_object_get_null_member (photo, columns[i])
                             ? "null"
                             : json_object_get_string_member (photo, columns[i]);

      g_assert_cmpstr (text, ==, expected);
    }
}

/* The first page's cursor of a listing, decoded with the installation's
 * key: its fields (the filters' digest, the sort key, the id). */
static char **
first_cursor_fields (PhotosStack *s, PhotosUser *user, const char *query, CarreteCursorKey **key)
{
  g_autofree char *path = g_strconcat ("/v1/photos", query, NULL);
  g_autoptr (CtResponse) r = request (s, "GET", path, user, NULL);
  g_autoptr (GError) error = NULL;
  CarreteIdKey id_key;
  char **fields;

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_true (carrete_id_key_load (s->keys->id_key, &id_key, &error));
  *key = carrete_cursor_key_new (&id_key);
  fields = carrete_cursor_decode (*key, ct_response_string (r, "next_cursor"), 3, &error);
  g_assert_no_error (error);
  return fields;
}

/* Times are exact to the microsecond: photos within one millisecond page
 * in their true order across page boundaries, before 1970 too; a cursor
 * holds the boundary photo's time exactly; the JSON writes every time as
 * it always has; a cursor from before times were integers is refused. */
static void
test_list_exact_times (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "exact");
  g_autofree char *one = upload_numbered (s, ana, "one.jpg", 50, NULL);
  g_autofree char *two = upload_numbered (s, ana, "two.jpg", 51, NULL);
  g_autofree char *three = upload_numbered (s, ana, "three.jpg", 52, NULL);
  g_autoptr (CarreteCursorKey) key = NULL;
  g_auto (GStrv) fields = NULL;
  g_autofree char *names = NULL;
  g_autofree char *exact = NULL;

  /* All three in one millisecond, in another order than their ids. */
  set_time (s, one, "uploaded_at", "2024-05-01 12:00:00.123999+00");
  set_time (s, two, "uploaded_at", "2024-05-01 12:00:00.123456+00");
  set_time (s, three, "uploaded_at", "2024-05-01 12:00:00.123500+00");
  set_time (s, one, "taken_at", "1969-12-31 23:59:59.999500+00");
  set_time (s, three, "taken_at", "1969-12-31 23:59:59.999999+00");

  names = list_names (s, ana, "&sort=uploaded_at&order=asc", 1, NULL);
  g_assert_cmpstr (names, ==, "two.jpg,three.jpg,one.jpg");
  g_clear_pointer (&names, g_free);
  names = list_names (s, ana, "&sort=uploaded_at&order=desc", 1, NULL);
  g_assert_cmpstr (names, ==, "one.jpg,three.jpg,two.jpg");
  g_clear_pointer (&names, g_free);
  names = list_names (s, ana, "&sort=taken_at&order=asc", 1, NULL);
  g_assert_cmpstr (names, ==, "one.jpg,three.jpg,two.jpg");
  g_clear_pointer (&names, g_free);
  names = list_names (s, ana, "&sort=taken_at&order=desc", 2, NULL);
  g_assert_cmpstr (names, ==, "two.jpg,three.jpg,one.jpg");

  assert_times_as_before (s, ana, one);
  assert_times_as_before (s, ana, two);
  assert_times_as_before (s, ana, three);

  /* The first page of the ascending listing ends with "two": its cursor
   * holds its uploaded_at to the microsecond. */
  fields = first_cursor_fields (s, ana, "?sort=uploaded_at&order=asc&limit=1", &key);
  exact = photos_query_photo (s, two,
                              "SELECT ((extract(epoch from uploaded_at) * 1000000)::int8)"
                              "::text FROM photos WHERE id = $1");
  g_assert_cmpstr (fields[1], ==, "1714564800123456");
  g_assert_cmpstr (fields[1], ==, exact);

  /* The same position as such a cursor used to write it: refused as any
   * cursor that is not one of this listing. */
  {
    const char *old[] = { fields[0], "2024-05-01 12:00:00.123456+00", fields[2], NULL };
    g_autofree char *cursor = carrete_cursor_encode (key, old);
    g_autofree char *escaped = g_uri_escape_string (cursor, NULL, FALSE);
    g_autofree char *query
        = g_strdup_printf ("?sort=uploaded_at&order=asc&limit=1&cursor=%s", escaped);

    assert_list_refused (s, ana, query, "cursor");
  }
}

/* ---- rename and delete -------------------------------------------------------------- */

static void
test_rename (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "rename");
  g_autofree char *id = upload_numbered (s, ana, "before.jpg", 40, NULL);
  g_autofree char *path = photo_path (id);
  g_autoptr (CtResponse) original = request (s, "GET", path, ana, NULL);
  g_autoptr (GString) long_body = g_string_new ("{\"name\":\"");
  static const struct
  {
    const char *body;
    guint status;
    const char *field;
  } bad[] = {
    { "{\"name\":\"a/b.jpg\"}", 422, "name" },
    { "{\"name\":\"..\"}", 422, "name" },
    { "{\"name\":\"\"}", 422, "name" },
    { "{\"name\":\"   \"}", 422, "name" },
    { "{\"name\":\"a\\u0000b\"}", 400, NULL },
    { "{\"name\":\"line\\nbreak\"}", 422, "name" },
    { "{\"name\":5}", 422, "name" },
    { "{\"name\":null}", 422, "name" },
    { "{\"owner_id\":\"us_x\"}", 422, "owner_id" },
    /* "" names no folder (null is "none"). */
    { "{\"folder_id\":\"\"}", 404, NULL },
    { "{\"name\":", 400, NULL },
    { "\"name\"", 400, NULL },
  };
  const char *renamed_at;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (CtResponse) r = request (s, "PATCH", path, ana, bad[i].body);
      g_test_message ("PATCH %s", bad[i].body);
      ct_assert_problem (r, bad[i].status, bad[i].field);
    }
  for (guint i = 0; i < 1000; i++)
    g_string_append_c (long_body, 'n');
  g_string_append (long_body, "\"}");
  {
    g_autoptr (CtResponse) r = request (s, "PATCH", path, ana, long_body->str);
    ct_assert_problem (r, 422, "name");
  }
  {
    g_autoptr (CtResponse) r = request (s, "GET", path, ana, NULL);
    g_assert_cmpstr (ct_response_string (r, "name"), ==, "before.jpg");
  }

  g_usleep (5 * 1000); /* updated_at has millisecond precision */
  {
    g_autoptr (CtResponse) r = request (s, "PATCH", path, ana,
                                        "{\"name\":\"  Après la pluie 🌧.jpg \"}");
    g_autoptr (CtResponse) again = request (s, "GET", path, ana, NULL);

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpstr (ct_response_string (r, "name"), ==, "Après la pluie 🌧.jpg");
    renamed_at = ct_response_string (r, "updated_at");
    g_assert_cmpstr (renamed_at, >, ct_response_string (original, "updated_at"));
    g_assert_cmpstr (ct_response_string (r, "uploaded_at"), ==,
                     ct_response_string (original, "uploaded_at"));
    g_assert_nonnull (ct_response_string (r, "url"));
    g_assert_cmpstr (ct_response_string (again, "name"), ==, "Après la pluie 🌧.jpg");
  }
  /* Leaving a photo out of folders needs nobody else. */
  {
    g_autoptr (CtResponse) r = request (s, "PATCH", path, ana, "{\"folder_id\":null}");
    g_assert_cmpuint (r->status, ==, 200);
    g_assert_true (json_object_get_null_member (ct_response_object (r), "folder_id"));
  }
  {
    g_autoptr (CtResponse) r = request (s, "PATCH", path, ana, "{}");
    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpstr (ct_response_string (r, "name"), ==, "Après la pluie 🌧.jpg");
  }
  photos_assert_consistent (s, NULL);
}

static void
test_delete (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "delete");
  g_autofree char *id = upload_numbered (s, ana, "doomed.jpg", 50, NULL);
  g_autofree char *kept = upload_numbered (s, ana, "kept.jpg", 51, NULL);
  g_autofree char *path = photo_path (id);
  g_autoptr (CtResponse) before = request (s, "GET", path, ana, NULL);
  guint objects = photos_count_objects (s);
  guint rows = photos_count_rows (s);

  {
    g_autofree char *for_good = g_strconcat (path, "?permanent=true", NULL);
    g_autoptr (CtResponse) r = request (s, "DELETE", for_good, ana, NULL);
    g_assert_cmpuint (r->status, ==, 204);
    g_assert_cmpuint (g_bytes_get_size (r->body), ==, 0);
  }
  {
    g_autoptr (CtResponse) get = request (s, "GET", path, ana, NULL);
    g_autoptr (CtResponse) again = request (s, "DELETE", path, ana, NULL);
    g_autoptr (CtResponse) thumb = photos_fetch (ct_response_string (before, "thumbnail_url"), NULL);
    g_autoptr (CtResponse) original = photos_fetch (ct_response_string (before, "url"), NULL);
    ct_assert_problem (get, 404, NULL);
    ct_assert_problem (again, 404, NULL);
    /* The bytes are gone, even for someone who kept a URL. */
    g_assert_cmpuint (thumb->status, ==, 404);
    g_assert_cmpuint (original->status, ==, 404);
  }
  g_assert_cmpuint (photos_count_objects (s), ==, objects - 3);
  g_assert_cmpuint (photos_count_rows (s), ==, rows - 1);
  {
    g_autofree char *names = list_names (s, ana, "", 50, NULL);
    g_assert_cmpstr (names, ==, "kept.jpg");
  }
  photos_assert_consistent (s, NULL);
}

/* A DELETE answered 204 leaves its keep-alive connection open: the
 * request pipelined behind it is read and answered on the same
 * connection.  (libsoup 3.2 closed it after every 204, without
 * Connection: close, so a client reusing it met a dead connection.) */
static void
assert_delete_keeps_connection (PhotosStack *s, PhotosUser *user, const char *path)
{
  g_autofree char *raw = g_strdup_printf ("DELETE %s HTTP/1.1\r\nHost: localhost\r\n"
                                          "Authorization: Bearer %s\r\n\r\n"
                                          "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n",
                                          path, user->token);
  gboolean closed = TRUE;
  g_autoptr (CtResponse) r = ct_raw_exchange (s->photos_url, raw, strlen (raw), &closed);

  g_assert_cmpuint (r->status, ==, 204);
  g_assert_null (soup_message_headers_get_one (r->headers, "Connection"));
  g_assert_null (soup_message_headers_get_one (r->headers, "Content-Length"));
  g_assert_false (closed);
}

static void
test_delete_keeps_connection (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "keepalive");
  g_autofree char *id = upload_numbered (s, ana, "doomed.jpg", 52, NULL);
  g_autofree char *path = photo_path (id);
  g_autofree char *all = g_strdup_printf ("/v1/photos?owner_id=%s", ana->id);

  assert_delete_keeps_connection (s, ana, path);
  {
    g_autoptr (CtResponse) get = request (s, "GET", path, ana, NULL);
    ct_assert_problem (get, 404, NULL);
  }
  g_free (id);
  id = upload_numbered (s, ana, "doomed.jpg", 53, NULL);
  assert_delete_keeps_connection (s, ana, all);
  {
    g_autofree char *names = list_names (s, ana, "", 50, NULL);
    g_assert_cmpstr (names, ==, "");
  }
}

static void
test_delete_all (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "leaving");
  g_autoptr (PhotosUser) bea = photos_user_new (s, "staying");
  g_autofree char *ana_path = g_strconcat ("/v1/photos?owner_id=", ana->id, NULL);
  g_autofree char *bea_path = g_strconcat ("/v1/photos?owner_id=", bea->id, NULL);
  g_autofree char *both = g_strdup_printf ("/v1/photos?owner_id=%s&folder_id=fo_x", ana->id);
  g_auto (GStrv) ids = g_new0 (char *, 4);
  guint objects, rows;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("all%u.jpg", i);
      ids[i] = upload_numbered (s, ana, name, 60 + i, NULL);
    }
  g_free (upload_numbered (s, bea, "bea.jpg", 63, NULL));
  objects = photos_count_objects (s);
  rows = photos_count_rows (s);

  /* Only one's own photos, and only by naming oneself. */
  {
    g_autoptr (CtResponse) r = request (s, "DELETE", bea_path, ana, NULL);
    g_autoptr (CtResponse) garbage = request (s, "DELETE", "/v1/photos?owner_id=us_nope", ana, NULL);
    g_autoptr (CtResponse) neither = request (s, "DELETE", "/v1/photos", ana, NULL);
    g_autoptr (CtResponse) two = request (s, "DELETE", both, ana, NULL);
    g_autoptr (CtResponse) anonymous = request (s, "DELETE", ana_path, NULL, NULL);
    ct_assert_problem (r, 403, NULL);
    ct_assert_problem (garbage, 403, NULL);
    ct_assert_problem (neither, 422, NULL);
    ct_assert_problem (two, 422, NULL);
    ct_assert_problem (anonymous, 401, NULL);
  }
  g_assert_cmpuint (photos_count_objects (s), ==, objects);
  /* By folder: whose photos go depends on whether the caller owns the
   * folder, which only carrete-folders knows; this stack has none, so the
   * answer is 503 and nothing is deleted.  (Which photos go, with
   * carrete-folders up, is tests/e2e/test-members.c's recursive delete.) */
  {
    g_autofree char *folder = photos_folder_id (s, 77);
    g_autofree char *in_folder = g_strconcat ("/v1/photos?folder_id=", folder, NULL);
    g_autoptr (CtResponse) r = request (s, "DELETE", in_folder, ana, NULL);
    g_autoptr (CtResponse) malformed = request (s, "DELETE", "/v1/photos?folder_id=fo_x", ana, NULL);
    ct_assert_problem (r, 503, NULL);
    g_assert_nonnull (ct_response_header (r, "Retry-After"));
    ct_assert_problem (malformed, 404, NULL);
  }
  g_assert_cmpuint (photos_count_objects (s), ==, objects);

  for (guint round = 0; round < 2; round++)
    {
      /* Idempotent: the second time there is nothing left. */
      g_autoptr (CtResponse) r = request (s, "DELETE", ana_path, ana, NULL);
      g_assert_cmpuint (r->status, ==, 204);
      g_assert_cmpuint (photos_count_objects (s), ==, objects - 9);
      g_assert_cmpuint (photos_count_rows (s), ==, rows - 3);
    }
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *path = photo_path (ids[i]);
      g_autoptr (CtResponse) r = request (s, "GET", path, ana, NULL);
      ct_assert_problem (r, 404, NULL);
    }
  {
    g_autofree char *left = list_names (s, ana, "", 50, NULL);
    g_autofree char *theirs = list_names (s, bea, "", 50, NULL);
    g_assert_cmpstr (left, ==, "");
    g_assert_cmpstr (theirs, ==, "bea.jpg");
  }
  photos_assert_consistent (s, NULL);
}

/* ---- who may ask ------------------------------------------------------------------ */

static void
test_auth (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "auth");
  g_autofree char *id = upload_numbered (s, ana, "guarded.jpg", 70, NULL);
  g_autofree char *path = photo_path (id);
  g_autofree char *complete = g_strconcat (path, "/complete", NULL);
  g_autofree char *bulk = g_strconcat ("/v1/photos?owner_id=", ana->id, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *expired = photos_token_at (s, ana->id, now - 3600, 60);
  g_autofree char *future = photos_token_at (s, ana->id, now, 60);
  g_autofree char *forged = g_strdup (future);
  g_autofree char *not_a_user = photos_token_at (s, id, now, 60);
  g_autofree char *unsigned_token = NULL;
  g_autoptr (GBytes) jpeg = numbered_jpeg (71, NULL);
  struct
  {
    const char *method;
    const char *path;
    const char *body;
  } needs_token[] = {
    { "POST", "/v1/photos?name=x.jpg", NULL },
    { "GET", "/v1/photos", NULL },
    { "POST", "/v1/photos/uploads",
      "{\"name\":\"x.jpg\",\"content_type\":\"image/jpeg\",\"size\":10}" },
    { "PATCH", path, "{\"name\":\"x.jpg\"}" },
    { "DELETE", path, NULL },
    { "POST", complete, NULL },
    { "DELETE", bulk, NULL },
  };
  const char *bad_tokens[] = { NULL, expired, forged, "not.a.token", NULL };
  guint rows = photos_count_rows (s);

  /* The last signature character changed: the signature is wrong. */
  forged[strlen (forged) - 2] = forged[strlen (forged) - 2] == 'A' ? 'B' : 'A';
  {
    g_auto (GStrv) parts = g_strsplit (future, ".", 3);
    unsigned_token = g_strconcat ("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.", parts[1], ".", NULL);
    bad_tokens[4] = unsigned_token;
  }

  for (guint t = 0; t < G_N_ELEMENTS (bad_tokens); t++)
    for (guint i = 0; i < G_N_ELEMENTS (needs_token); i++)
      {
        g_autofree char *auth = bad_tokens[t] != NULL
                                  ? g_strconcat ("Authorization: Bearer ", bad_tokens[t], NULL)
                                  : NULL;
        const char *headers[] = { auth, NULL };
        g_autoptr (GBytes) body = needs_token[i].body != NULL
                                    ? g_bytes_new_static (needs_token[i].body,
                                                          strlen (needs_token[i].body))
                                    : NULL;
        g_autoptr (CtResponse) r = NULL;

        if (g_str_equal (needs_token[i].path, "/v1/photos?name=x.jpg"))
          r = ct_http_raw (s->photos_url, "POST", needs_token[i].path, headers, "image/jpeg", jpeg);
        else
          r = ct_http_raw (s->photos_url, needs_token[i].method, needs_token[i].path, headers,
                           "application/json", body);
        g_test_message ("%s %s with token %u", needs_token[i].method, needs_token[i].path, t);
        ct_assert_problem (r, 401, NULL);
      }
  /* A token may be left out where it is optional, but not be bad. */
  for (guint t = 1; t < G_N_ELEMENTS (bad_tokens); t++)
    {
      g_autoptr (CtResponse) r = ct_http (s->photos_url, "GET", path, bad_tokens[t], NULL);
      ct_assert_problem (r, 401, NULL);
    }
  /* A good signature on a subject that is no user of this installation. */
  {
    g_autofree char *auth = g_strconcat ("Authorization: Bearer ", not_a_user, NULL);
    g_autoptr (CtResponse) r = ct_http (s->photos_url, "GET", "/v1/photos", not_a_user, NULL);
    g_autoptr (CtResponse) up = ct_http_raw (s->photos_url, "POST", "/v1/photos?name=x.jpg",
                                             (const char *const[]) { auth, NULL }, "image/jpeg",
                                             jpeg);
    ct_assert_problem (r, 401, NULL);
    ct_assert_problem (up, 401, NULL);
  }
  /* The photo is untouched and nothing was written. */
  {
    g_autoptr (CtResponse) r = request (s, "GET", path, ana, NULL);
    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpstr (ct_response_string (r, "name"), ==, "guarded.jpg");
  }
  g_assert_cmpuint (photos_count_rows (s), ==, rows);
  photos_assert_consistent (s, NULL);
}

/* ---- the service itself --------------------------------------------------------------- */

static void
test_service_endpoints (PhotosStack *s)
{
  /* (The OpenAPI document's contents are its own business: the lead keeps
   * it.) */
  g_autoptr (CtOperations) operations = ct_operations_check (s->photos_url, NULL);
  g_autoptr (CtResponse) storage = ct_http (s->photos_url, "GET", "/v1/storage/p/x/original",
                                            NULL, NULL);
  GBytes *metrics = operations->metrics->body;

  g_assert_nonnull (g_strstr_len (g_bytes_get_data (metrics, NULL),
                                  (gssize) g_bytes_get_size (metrics), "/v1/photos"));
  /* Storage URLs need a signature (fs), or are not served at all (s3). */
  ct_assert_problem (storage, s->backend == PHOTOS_BACKEND_FS ? 403 : 404, NULL);
  /* A literal segment beats a template, as in OpenAPI: /v1/photos/uploads
   * is not the photo "uploads", and a method it lacks is a 405 with Allow. */
  {
    g_autoptr (PhotosUser) ana = photos_user_new (s, "routes");
    g_autoptr (CtResponse) patch = request (s, "PATCH", "/v1/photos/uploads", ana, "{}");
    g_autoptr (CtResponse) get = request (s, "GET", "/v1/photos/uploads", ana, NULL);

    ct_assert_problem (patch, 405, NULL);
    g_assert_cmpstr (soup_message_headers_get_one (patch->headers, "Allow"), ==, "POST");
    ct_assert_problem (get, 405, NULL);
    g_assert_cmpstr (soup_message_headers_get_one (get->headers, "Allow"), ==, "POST");
  }
}

static void
add_tests (void)
{
  photos_add_test ("read/get", test_get_photo, TRUE, TRUE);
  photos_add_test ("read/not-yours", test_not_yours, TRUE, TRUE);
  photos_add_test ("list/pages", test_list_pages, TRUE, TRUE);
  photos_add_test ("list/sorts-and-dates", test_list_sorts, TRUE, TRUE);
  photos_add_test ("list/search", test_list_search, TRUE, TRUE);
  photos_add_test ("list/cursors-and-limits", test_list_cursors, TRUE, TRUE);
  photos_add_test ("list/exact-times", test_list_exact_times, TRUE, FALSE);
  photos_add_test ("list/hang-up-cancels-statement", test_list_hang_up, TRUE, FALSE);
  photos_add_test ("change/rename", test_rename, TRUE, TRUE);
  photos_add_test ("change/delete", test_delete, TRUE, TRUE);
  photos_add_test ("change/delete-keeps-connection", test_delete_keeps_connection, TRUE, TRUE);
  photos_add_test ("change/delete-all", test_delete_all, TRUE, TRUE);
  photos_add_test ("auth/tokens", test_auth, TRUE, TRUE);
  photos_add_test ("service/endpoints", test_service_endpoints, TRUE, TRUE);
}

int
main (int argc, char **argv)
{
  return photos_test_main (argc, argv, add_tests);
}
