#define G_LOG_DOMAIN "carrete-test-client-unit"

/* Pure logic of the API-client library: answers → errors, routing by path
 * prefix, URL joining, query encoding, models from JSON. */

#include <string.h>

#include "carrete-slice-stream.h"
#include "carrete-test.h"
#include "carrete-upload-record.h"
#include "client-test-util.h"

static GError *
map (guint status, const char *content_type, const char *body, CarreteResponseFlags flags)
{
  g_autoptr (GBytes) bytes = body != NULL ? g_bytes_new (body, strlen (body)) : NULL;

  return _carrete_client_error_from_response (status, content_type, bytes, NULL, flags);
}

static void
test_problem_detail (void)
{
  g_autoptr (GError) error =
    map (422, "application/problem+json",
         "{\"type\":\"urn:x\",\"title\":\"Unprocessable\",\"status\":422,"
         "\"detail\":\"A folder name may not be blank.\","
         "\"errors\":[{\"field\":\"name\",\"message\":\"must not be blank\"}]}",
         CARRETE_RESPONSE_API);

  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "A folder name may not be blank.");
  g_assert_cmpstr (carrete_client_error_get_field (error), ==, "name");
  g_assert_cmpuint (carrete_client_error_get_status (error), ==, 422);
  g_assert_null (carrete_client_error_get_existing_id (error));
}

static void
test_problem_field_message (void)
{
  g_autoptr (GError) error =
    map (400, "application/problem+json; charset=utf-8",
         "{\"status\":400,\"errors\":[{\"field\":\"tags\",\"message\":\"at most 20\"}]}",
         CARRETE_RESPONSE_API);

  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "at most 20");
  g_assert_cmpstr (carrete_client_error_get_field (error), ==, "tags");
}

static void
test_problem_duplicate (void)
{
  g_autoptr (GError) error =
    map (409, "application/problem+json",
         "{\"status\":409,\"detail\":\"Already uploaded.\",\"existing_id\":\"ph_abc\"}",
         CARRETE_RESPONSE_API);
  g_autoptr (GError) copy = g_error_copy (error);

  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_CONFLICT);
  g_assert_cmpstr (carrete_client_error_get_existing_id (error), ==, "ph_abc");
  /* The details survive a copy (GTask copies errors). */
  g_assert_cmpstr (carrete_client_error_get_existing_id (copy), ==, "ph_abc");
  g_assert_cmpuint (carrete_client_error_get_status (copy), ==, 409);
}

static void
test_status_codes (void)
{
  const struct
  {
    guint status;
    CarreteClientError code;
  } cases[] = {
    { 400, CARRETE_CLIENT_ERROR_INVALID },          { 401, CARRETE_CLIENT_ERROR_UNAUTHORIZED },
    { 403, CARRETE_CLIENT_ERROR_FORBIDDEN },        { 404, CARRETE_CLIENT_ERROR_NOT_FOUND },
    { 409, CARRETE_CLIENT_ERROR_CONFLICT },         { 413, CARRETE_CLIENT_ERROR_TOO_LARGE },
    { 415, CARRETE_CLIENT_ERROR_UNSUPPORTED_TYPE }, { 422, CARRETE_CLIENT_ERROR_INVALID },
    { 429, CARRETE_CLIENT_ERROR_RATE_LIMITED },     { 500, CARRETE_CLIENT_ERROR_SERVER },
    { 502, CARRETE_CLIENT_ERROR_UNAVAILABLE },      { 503, CARRETE_CLIENT_ERROR_UNAVAILABLE },
    { 504, CARRETE_CLIENT_ERROR_UNAVAILABLE },      { 507, CARRETE_CLIENT_ERROR_SERVER },
    { 418, CARRETE_CLIENT_ERROR_INVALID },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = map (cases[i].status, "application/problem+json",
                                      "{\"title\":\"t\"}", CARRETE_RESPONSE_API);

      g_assert_error (error, CARRETE_CLIENT_ERROR, (int) cases[i].code);
      g_assert_cmpstr (error->message, ==, "t");
    }
}

static void
test_login_401 (void)
{
  g_autoptr (GError) error = map (401, "application/problem+json",
                                  "{\"status\":401,\"detail\":\"Wrong username or password.\"}",
                                  CARRETE_RESPONSE_API | CARRETE_RESPONSE_LOGIN);

  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_INVALID_CREDENTIALS);
  g_assert_cmpstr (error->message, ==, "Wrong username or password.");
}

static void
test_not_carrete (void)
{
  const char *const bodies[][2] = {
    { "text/html", "<html><body>It works!</body></html>" },
    { "application/json", "{\"error\":\"nope\"}" },
    { "application/problem+json", "not json at all" },
    { NULL, NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr (GError) error = map (404, bodies[i][0], bodies[i][1], CARRETE_RESPONSE_API);

      g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_NOT_CARRETE);
    }
}

static void
test_gateway_and_bytes (void)
{
  g_autoptr (GError) gateway = map (502, "text/html", "<h1>Bad gateway</h1>", CARRETE_RESPONSE_API);
  g_autoptr (GError) s3 = map (403, "application/xml", "<Error><Code>AccessDenied</Code></Error>", 0);
  g_autoptr (GBytes) body = g_bytes_new_static ("{\"status\":429}", 14);
  g_autoptr (GError) limited =
    _carrete_client_error_from_response (429, "application/problem+json", body, "17",
                                         CARRETE_RESPONSE_API | CARRETE_RESPONSE_LOGIN);

  g_assert_error (gateway, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNAVAILABLE);
  /* Bytes (presigned URLs) come from storage, not Carrete's JSON. */
  g_assert_error (s3, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_FORBIDDEN);
  g_assert_error (limited, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_RATE_LIMITED);
  g_assert_cmpuint (carrete_client_error_get_retry_after (limited), ==, 17);
}

static void
test_transport (void)
{
  g_autoptr (GError) refused = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED,
                                                    "Connection refused");
  g_autoptr (GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "x");
  g_autoptr (GError) mapped = _carrete_client_error_from_transport (refused);
  g_autoptr (GError) kept = _carrete_client_error_from_transport (cancelled);

  g_assert_error (mapped, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (mapped->message, "Connection refused"));
  g_assert_error (kept, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (carrete_client_error_get_existing_id (kept));
}

static void
test_routing (void)
{
  const struct
  {
    const char *path;
    gboolean routed;
    CarreteService service;
  } cases[] = {
    { "/v1/auth/login", TRUE, CARRETE_SERVICE_USERS },
    { "/v1/users/me", TRUE, CARRETE_SERVICE_USERS },
    { "/.well-known/jwks.json", TRUE, CARRETE_SERVICE_USERS },
    { "/v1/photos", TRUE, CARRETE_SERVICE_PHOTOS },
    { "/v1/photos?limit=3", TRUE, CARRETE_SERVICE_PHOTOS },
    { "/v1/photos/uploads", TRUE, CARRETE_SERVICE_PHOTOS },
    { "/v1/storage/p/abc", TRUE, CARRETE_SERVICE_PHOTOS },
    { "/v1/folders/fo_1?recursive=true", TRUE, CARRETE_SERVICE_FOLDERS },
    { "/v1/shares?folder_id=fo_1", TRUE, CARRETE_SERVICE_FOLDERS },
    { "/v1/shares/current", TRUE, CARRETE_SERVICE_FOLDERS },
    { "/v1/photosx", FALSE, 0 },
    { "/v1/authority", FALSE, 0 },
    { "/", FALSE, 0 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      CarreteService service = 99;

      g_assert_cmpint (_carrete_client_route_path (cases[i].path, &service), ==, cases[i].routed);
      if (cases[i].routed)
        g_assert_cmpint (service, ==, cases[i].service);
    }
}

static void
test_service_urls (void)
{
  g_autoptr (CarreteClient) client = carrete_client_new ("https://photos.example.org/");
  g_autofree char *users = NULL;
  g_autofree char *photos = NULL;
  g_autofree char *folders = NULL;

  users = _carrete_client_build_url (client, "/v1/auth/login");
  g_assert_cmpstr (users, ==, "https://photos.example.org/v1/auth/login");
  carrete_client_set_service_urls (client, NULL, "http://127.0.0.1:8082", "http://127.0.0.1:8083//");
  photos = _carrete_client_build_url (client, "/v1/photos?limit=3");
  folders = _carrete_client_build_url (client, "/v1/folders");
  g_assert_cmpstr (photos, ==, "http://127.0.0.1:8082/v1/photos?limit=3");
  g_assert_cmpstr (folders, ==, "http://127.0.0.1:8083/v1/folders");
  g_assert_cmpstr (carrete_client_get_service_url (client, CARRETE_SERVICE_USERS), ==,
                   "https://photos.example.org/");
  g_assert_null (carrete_client_get_service_url_override (client, CARRETE_SERVICE_USERS));
  g_assert_cmpstr (carrete_client_get_service_url_override (client, CARRETE_SERVICE_PHOTOS), ==,
                   "http://127.0.0.1:8082");
  /* A prefix on the server URL is kept (a gateway under a path). */
  {
    g_autofree char *joined = _carrete_client_join_url ("https://x.org/carrete/", "/v1/photos");
    g_assert_cmpstr (joined, ==, "https://x.org/carrete/v1/photos");
  }
}

static void
test_photo_query (void)
{
  g_autoptr (CarretePhotoQuery) query = carrete_photo_query_new ();
  g_autoptr (CarretePhotoQuery) copy = NULL;
  g_autofree char *empty = carrete_photo_query_to_path (NULL);
  g_autofree char *path = NULL;
  const char *const tags[] = { "a b", "c&d", NULL };

  g_assert_cmpstr (empty, ==, "/v1/photos");
  query->folder_id = g_strdup ("fo_1");
  query->q = g_strdup ("sun & sea #1+2");
  query->tags = g_strdupv ((char **) tags);
  query->from = g_strdup ("2024-01-01T00:00:00+01:00");
  query->sort = g_strdup ("taken_at");
  query->order = g_strdup ("desc");
  query->limit = 200;
  query->cursor = g_strdup ("abc/=");
  path = carrete_photo_query_to_path (query);
  g_assert_cmpstr (path, ==,
                   "/v1/photos?folder_id=fo_1&q=sun%20%26%20sea%20%231%2B2&tags=a%20b%2Cc%26d"
                   "&from=2024-01-01T00%3A00%3A00%2B01%3A00&sort=taken_at&order=desc&limit=200"
                   "&cursor=abc%2F%3D");

  copy = carrete_photo_query_copy (query);
  g_assert_true (carrete_photo_query_equal (query, copy));
  /* The cursor is not part of what is asked for. */
  g_free (copy->cursor);
  copy->cursor = NULL;
  g_assert_true (carrete_photo_query_equal (query, copy));
  g_free (copy->q);
  copy->q = g_strdup ("other");
  g_assert_false (carrete_photo_query_equal (query, copy));
  g_assert_true (carrete_photo_query_equal (NULL, NULL));
  g_assert_false (carrete_photo_query_equal (query, NULL));
}

static void
test_folder_query (void)
{
  g_autoptr (CarreteFolderQuery) query = carrete_folder_query_new ();
  g_autofree char *path = NULL;
  const char *const tags[] = { "x", NULL };

  query->scope = g_strdup ("public");
  query->tags = g_strdupv ((char **) tags);
  query->match = g_strdup ("any");
  path = carrete_folder_query_to_path (query);
  g_assert_cmpstr (path, ==, "/v1/folders?scope=public&tags=x&match=any");
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_models (void)
{
  g_autoptr (JsonObject) photo_json =
    parse_object ("{\"id\":\"ph_1\",\"name\":\"a.png\",\"folder_id\":null,\"size\":1234,"
                  "\"width\":8,\"height\":6,\"taken_at\":\"2024-05-01T10:00:00Z\","
                  "\"uploaded_at\":\"2024-05-02T10:00:00Z\",\"state\":\"ready\","
                  "\"thumbnail_url\":\"http://x/t\",\"unknown\":{\"future\":true}}");
  g_autoptr (JsonObject) bad_json = parse_object ("{\"name\":\"no id\"}");
  g_autoptr (JsonObject) folder_json =
    parse_object ("{\"id\":\"fo_1\",\"name\":\"F\",\"tags\":[\"a\",3,\"b\"]}");
  g_autoptr (CarretePhoto) photo = carrete_photo_new_from_json (photo_json, NULL);
  g_autoptr (CarreteFolder) folder = carrete_folder_new_from_json (folder_json, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CarretePhoto) bad = carrete_photo_new_from_json (bad_json, &error);
  g_autoptr (GDateTime) taken = NULL;
  const char *const expected_tags[] = { "a", "b", NULL };

  g_assert_cmpstr (carrete_photo_get_id (photo), ==, "ph_1");
  g_assert_null (carrete_photo_get_folder_id (photo));
  g_assert_cmpint (carrete_photo_get_size (photo), ==, 1234);
  g_assert_cmpint (carrete_photo_get_width (photo), ==, 8);
  g_assert_cmpint (g_date_time_get_day_of_month (carrete_photo_get_taken_at (photo)), ==, 1);
  g_object_get (photo, "taken-at", &taken, NULL);
  g_assert_true (g_date_time_equal (taken, carrete_photo_get_taken_at (photo)));
  g_assert_null (bad);
  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_PROTOCOL);
  g_assert_cmpstrv (carrete_folder_get_tags (folder), expected_tags);
  g_assert_finalize_object (g_steal_pointer (&photo));
}

/* ---- thumbnail cache (files only) ---------------------------------------------------------- */

static GBytes *
cache_lookup (CarreteThumbnailCache *cache, const char *key)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  GBytes *bytes;

  carrete_thumbnail_cache_lookup_async (cache, key, NULL, ctu_on_result, &result);
  bytes = carrete_thumbnail_cache_lookup_finish (cache, ctu_await (&result), &error);
  g_assert_no_error (error);
  return bytes;
}

static void
cache_store (CarreteThumbnailCache *cache, const char *key, gsize size)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *data = g_strnfill (size, 'x');
  g_autoptr (GBytes) bytes = g_bytes_new (data, size);

  carrete_thumbnail_cache_store_async (cache, key, bytes, NULL, ctu_on_result, &result);
  g_assert_true (carrete_thumbnail_cache_store_finish (cache, ctu_await (&result), &error));
  g_assert_no_error (error);
}

static void
test_thumbnail_cache (void)
{
  g_autofree char *dir = g_dir_make_tmp ("carrete-thumbs-XXXXXX", NULL);
  g_autofree char *sub = g_build_filename (dir, "deep", "thumbnails", NULL);
  g_autoptr (CarreteThumbnailCache) cache = carrete_thumbnail_cache_new (sub, 10000);
  g_autoptr (CarreteThumbnailCache) again = NULL;
  g_autoptr (GBytes) missing = cache_lookup (cache, "ph_none-0-256");
  g_autoptr (GBytes) hit = NULL;
  g_autoptr (GBytes) evicted = NULL;
  g_autoptr (GBytes) kept = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_null (missing);
  /* A key is not a path. */
  cache_store (cache, "../../etc/passwd", 100);
  hit = cache_lookup (cache, "../../etc/passwd");
  g_assert_cmpuint (g_bytes_get_size (hit), ==, 100);
  g_assert_cmpuint (carrete_thumbnail_cache_get_size (cache), ==, 100);

  /* Bounded: the least recently used go first. */
  for (int i = 0; i < 4; i++)
    {
      g_autofree char *key = g_strdup_printf ("ph_%d", i);

      cache_store (cache, key, 3000);
      g_usleep (2000);
    }
  g_assert_cmpuint (carrete_thumbnail_cache_get_size (cache), <=, 10000);
  evicted = cache_lookup (cache, "../../etc/passwd");
  g_assert_null (evicted);
  kept = cache_lookup (cache, "ph_3");
  g_assert_nonnull (kept);

  /* A new cache object finds the files on disk. */
  again = carrete_thumbnail_cache_new (sub, 10000);
  g_clear_pointer (&kept, g_bytes_unref);
  kept = cache_lookup (again, "ph_3");
  g_assert_nonnull (kept);
  cache_store (again, "ph_9", 10);
  g_assert_cmpuint (carrete_thumbnail_cache_get_size (again), ==, carrete_thumbnail_cache_get_size (cache) + 10);

  carrete_thumbnail_cache_clear_async (again, NULL, ctu_on_result, &result);
  g_assert_true (carrete_thumbnail_cache_clear_finish (again, ctu_await (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (carrete_thumbnail_cache_get_size (again), ==, 0);
  g_clear_pointer (&kept, g_bytes_unref);
  kept = cache_lookup (again, "ph_3");
  g_assert_null (kept);
  ct_remove_tree (dir);
}

static void
test_thumbnail_default_dir (void)
{
  g_autoptr (CarreteThumbnailCache) cache = carrete_thumbnail_cache_new (NULL, 0);
  g_autofree char *expected = g_build_filename (g_get_user_cache_dir (), "carrete", "thumbnails", NULL);

  g_assert_cmpstr (carrete_thumbnail_cache_get_directory (cache), ==, expected);
  g_assert_cmpuint (carrete_thumbnail_cache_get_max_bytes (cache), ==,
                    CARRETE_THUMBNAIL_CACHE_DEFAULT_MAX_BYTES);
}

static void
test_sniff (void)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13 };
  static const guint8 jpeg[] = { 0xff, 0xd8, 0xff, 0xe0 };
  static const guint8 webp[] = { 'R', 'I', 'F', 'F', 1, 2, 3, 4, 'W', 'E', 'B', 'P' };
  static const guint8 heic[] = { 0, 0, 0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c' };

  g_assert_cmpstr (carrete_sniff_image_type (png, sizeof png), ==, "image/png");
  g_assert_cmpstr (carrete_sniff_image_type (png, 4), ==, NULL);
  g_assert_cmpstr (carrete_sniff_image_type (jpeg, sizeof jpeg), ==, "image/jpeg");
  g_assert_cmpstr (carrete_sniff_image_type ((const guint8 *) "GIF89a", 6), ==, "image/gif");
  g_assert_cmpstr (carrete_sniff_image_type (webp, sizeof webp), ==, "image/webp");
  g_assert_cmpstr (carrete_sniff_image_type (heic, sizeof heic), ==, "image/heic");
  g_assert_cmpstr (carrete_sniff_image_type ((const guint8 *) "hello world!", 12), ==, NULL);
  g_assert_cmpstr (carrete_sniff_image_type (NULL, 0), ==, NULL);
}

/* ---- paging state machine (CarretePhotoList against a scripted server) --------------------
 * Not Carrete: a SoupServer on loopback that answers GET /v1/photos with
 * fixed pages, so that timing (a slow answer to an old query) and failures
 * are exact.  The real services are in test-client-api.c. */

typedef struct
{
  SoupServer *server;
  char *url;
  guint requests;
  gboolean fail_next;
} Pager;

static char *
page_json (const char *prefix, const char *cursor)
{
  int first = cursor == NULL ? 0 : cursor[1] - '0';
  int last = MIN (first + 3, 7);
  GString *json = g_string_new ("{\"items\":[");

  for (int i = first; i < last; i++)
    g_string_append_printf (json, "%s{\"id\":\"ph_%s%d\",\"name\":\"%s%d.png\"}",
                            i > first ? "," : "", prefix, i, prefix, i);
  if (last < 7)
    g_string_append_printf (json, "],\"next_cursor\":\"c%d\"}", last);
  else
    g_string_append (json, "],\"next_cursor\":null}");
  return g_string_free (json, FALSE);
}

static gboolean
unpause_later (gpointer user_data)
{
  SoupServerMessage *msg = user_data;

  soup_server_message_unpause (msg);
  g_object_unref (msg);
  return G_SOURCE_REMOVE;
}

static void
pager_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
               gpointer user_data)
{
  Pager *pager = user_data;
  const char *q = query != NULL ? g_hash_table_lookup (query, "q") : NULL;
  const char *cursor = query != NULL ? g_hash_table_lookup (query, "cursor") : NULL;
  g_autofree char *json = NULL;

  pager->requests++;
  if (pager->fail_next)
    {
      static const char problem[] = "{\"status\":503,\"detail\":\"Storage is down.\"}";

      pager->fail_next = FALSE;
      soup_server_message_set_status (msg, 503, NULL);
      soup_server_message_set_response (msg, "application/problem+json", SOUP_MEMORY_STATIC,
                                        problem, strlen (problem));
      return;
    }
  json = page_json (q != NULL ? q : "all", cursor);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, json, strlen (json));
  /* "slow" answers after the others. */
  if (g_strcmp0 (q, "slow") == 0)
    {
      soup_server_message_pause (msg);
      g_timeout_add (300, unpause_later, g_object_ref (msg));
    }
}

static void
pager_start (Pager *pager)
{
  guint16 port = ct_free_port ();
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new_from_string ("127.0.0.1", port);
  g_autoptr (GError) error = NULL;

  pager->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (pager->server, "/v1/photos", pager_handler, pager, NULL);
  g_assert_true (soup_server_listen (pager->server, address, 0, &error));
  g_assert_no_error (error);
  pager->url = g_strdup_printf ("http://127.0.0.1:%u", port);
}

static void
pager_stop (Pager *pager)
{
  g_clear_object (&pager->server);
  g_free (pager->url);
}

static void
wait_idle (CarretePhotoList *list)
{
  while (carrete_photo_list_get_loading (list))
    g_main_context_iteration (NULL, TRUE);
}

static const char *
item_id (CarretePhotoList *list, guint position)
{
  g_autoptr (CarretePhoto) photo = g_list_model_get_item (G_LIST_MODEL (list), position);

  /* The list keeps its own reference. */
  return carrete_photo_get_id (photo);
}

static void
test_paging_state (void)
{
  Pager pager = { 0 };
  g_autoptr (CarreteClient) client = NULL;
  g_autoptr (CarretePhotoList) list = NULL;
  g_autoptr (CarretePhotoQuery) slow = carrete_photo_query_new ();
  g_autoptr (CarretePhotoQuery) fast = carrete_photo_query_new ();

  pager_start (&pager);
  client = carrete_client_new (pager.url);
  _carrete_client_set_access_token (client, "token");
  list = carrete_photo_list_new (client);
  carrete_photo_list_set_threshold (list, 0);

  /* Nothing is asked for before the first load. */
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), 0));
  g_assert_cmpuint (pager.requests, ==, 0);

  /* A slow answer to an old query is dropped. */
  slow->q = g_strdup ("slow");
  fast->q = g_strdup ("fast");
  carrete_photo_list_set_query (list, slow);
  carrete_photo_list_set_query (list, fast);
  wait_idle (list);
  {
    /* Past the slow answer's time: the old request was cancelled, and an
     * answer to it would be dropped anyway (generations). */
    gboolean never = FALSE;

    ctu_wait_for (&never, 1);
  }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
  g_assert_cmpstr (item_id (list, 0), ==, "ph_fast0");

  /* Only the last item (threshold 0) asks for more, once. */
  g_assert_nonnull (item_id (list, 1));
  g_assert_false (carrete_photo_list_get_loading (list));
  g_assert_nonnull (item_id (list, 2));
  g_assert_true (carrete_photo_list_get_loading (list));
  g_assert_nonnull (item_id (list, 2));
  wait_idle (list);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 6);

  /* A failure keeps the items and stops the scroll from retrying. */
  pager.fail_next = TRUE;
  g_assert_nonnull (item_id (list, 5));
  wait_idle (list);
  g_assert_error ((GError *) carrete_photo_list_get_error (list), CARRETE_CLIENT_ERROR,
                  CARRETE_CLIENT_ERROR_UNAVAILABLE);
  g_assert_cmpstr (carrete_photo_list_get_error (list)->message, ==, "Storage is down.");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 6);
  g_assert_nonnull (item_id (list, 5));
  g_assert_false (carrete_photo_list_get_loading (list));

  /* load_more() retries; the last page ends it. */
  carrete_photo_list_load_more (list);
  wait_idle (list);
  g_assert_null (carrete_photo_list_get_error (list));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 7);
  g_assert_false (carrete_photo_list_get_has_more (list));
  g_assert_cmpstr (item_id (list, 6), ==, "ph_fast6");
  carrete_photo_list_load_more (list);
  g_assert_false (carrete_photo_list_get_loading (list));

  g_clear_object (&list);
  g_clear_object (&client);
  pager_stop (&pager);
}

/* ---- resumable uploads: part planning, the record on disk, part streams ---------------------- */

#define MIB (G_GUINT64_CONSTANT (1024) * 1024)

static void
test_resumable_plan (void)
{
  guint64 offset = 0, length = 0;

  g_assert_cmpuint (carrete_upload_plan_part_count (0, 8 * MIB), ==, 0);
  g_assert_cmpuint (carrete_upload_plan_part_count (10, 0), ==, 0);
  g_assert_cmpuint (carrete_upload_plan_part_count (1, 8 * MIB), ==, 1);
  g_assert_cmpuint (carrete_upload_plan_part_count (8 * MIB, 8 * MIB), ==, 1);
  g_assert_cmpuint (carrete_upload_plan_part_count (8 * MIB + 1, 8 * MIB), ==, 2);
  g_assert_cmpuint (carrete_upload_plan_part_count (100 * MIB, 8 * MIB), ==, 13);

  /* Every part is part_size bytes but the last, the rest. */
  g_assert_true (carrete_upload_plan_part (100 * MIB, 8 * MIB, 1, &offset, &length));
  g_assert_cmpuint (offset, ==, 0);
  g_assert_cmpuint (length, ==, 8 * MIB);
  g_assert_true (carrete_upload_plan_part (100 * MIB, 8 * MIB, 12, &offset, &length));
  g_assert_cmpuint (offset, ==, 88 * MIB);
  g_assert_cmpuint (length, ==, 8 * MIB);
  g_assert_true (carrete_upload_plan_part (100 * MIB, 8 * MIB, 13, &offset, &length));
  g_assert_cmpuint (offset, ==, 96 * MIB);
  g_assert_cmpuint (length, ==, 4 * MIB);
  g_assert_true (carrete_upload_plan_part (16 * MIB, 8 * MIB, 2, &offset, &length));
  g_assert_cmpuint (length, ==, 8 * MIB);
  g_assert_false (carrete_upload_plan_part (100 * MIB, 8 * MIB, 0, &offset, &length));
  g_assert_false (carrete_upload_plan_part (100 * MIB, 8 * MIB, 14, &offset, &length));
  /* The parts cover the file exactly once. */
  {
    guint64 covered = 0;
    guint count = carrete_upload_plan_part_count (77 * MIB + 123, 8 * MIB);

    for (guint n = 1; n <= count; n++)
      {
        g_assert_true (carrete_upload_plan_part (77 * MIB + 123, 8 * MIB, n, &offset, &length));
        g_assert_cmpuint (offset, ==, covered);
        covered += length;
      }
    g_assert_cmpuint (covered, ==, 77 * MIB + 123);
  }
}

static void
test_resumable_threshold (void)
{
  g_unsetenv ("CARRETE_DESKTOP_RESUMABLE_BYTES");
  g_assert_cmpuint (carrete_upload_resumable_threshold (), ==, 16 * MIB);
  g_setenv ("CARRETE_DESKTOP_RESUMABLE_BYTES", "1048576", TRUE);
  g_assert_cmpuint (carrete_upload_resumable_threshold (), ==, MIB);
  g_setenv ("CARRETE_DESKTOP_RESUMABLE_BYTES", "lots", TRUE);
  g_assert_cmpuint (carrete_upload_resumable_threshold (), ==, 16 * MIB);
  g_setenv ("CARRETE_DESKTOP_RESUMABLE_BYTES", "0", TRUE);
  g_assert_cmpuint (carrete_upload_resumable_threshold (), ==, 16 * MIB);
  g_unsetenv ("CARRETE_DESKTOP_RESUMABLE_BYTES");
}

static CarreteUploadRecord *
sample_record (const char *upload_id, const char *account)
{
  CarreteUploadRecord *record = carrete_upload_record_new ();

  record->server = g_strdup ("https://photos.example.org");
  record->account = g_strdup (account);
  record->path = g_strdup ("/home/ana/Pictures/big.jpg");
  record->folder_id = g_strdup ("fo_abc");
  record->size = 100 * MIB;
  record->mtime_us = G_GINT64_CONSTANT (1790000000123456);
  record->upload_id = g_strdup (upload_id);
  record->part_size = 8 * MIB;
  record->part_count = 13;
  record->expires_at = g_strdup ("2026-12-07T10:00:00Z");
  return record;
}

static void
assert_not_record (const char *json)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteUploadRecord) record = carrete_upload_record_from_json (json, -1, &error);

  g_assert_null (record);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

static void
test_resumable_record_json (void)
{
  g_autoptr (CarreteUploadRecord) record = sample_record ("up_1", "us_ana");
  g_autoptr (CarreteUploadRecord) read = NULL;
  g_autoptr (CarreteUploadRecord) copy = carrete_upload_record_copy (record);
  g_autoptr (GError) error = NULL;
  gsize length = 0;
  g_autofree char *json = carrete_upload_record_to_json (record, &length);

  g_assert_cmpuint (strlen (json), ==, length);
  read = carrete_upload_record_from_json (json, (gssize) length, &error);
  g_assert_no_error (error);
  for (CarreteUploadRecord *r = read; r != NULL; r = (r == read ? copy : NULL))
    {
      g_assert_cmpstr (r->server, ==, "https://photos.example.org");
      g_assert_cmpstr (r->account, ==, "us_ana");
      g_assert_cmpstr (r->path, ==, "/home/ana/Pictures/big.jpg");
      g_assert_cmpstr (r->folder_id, ==, "fo_abc");
      g_assert_cmpuint (r->size, ==, 100 * MIB);
      g_assert_cmpint (r->mtime_us, ==, G_GINT64_CONSTANT (1790000000123456));
      g_assert_cmpstr (r->upload_id, ==, "up_1");
      g_assert_cmpuint (r->part_size, ==, 8 * MIB);
      g_assert_cmpuint (r->part_count, ==, 13);
      g_assert_cmpstr (r->expires_at, ==, "2026-12-07T10:00:00Z");
    }
  /* No folder is null, and reads back as NULL. */
  g_clear_pointer (&record->folder_id, g_free);
  g_free (json);
  json = carrete_upload_record_to_json (record, NULL);
  g_clear_pointer (&read, carrete_upload_record_free);
  read = carrete_upload_record_from_json (json, -1, &error);
  g_assert_no_error (error);
  g_assert_null (read->folder_id);

  /* A changed file is told apart by size and modification time. */
  g_assert_true (
      carrete_upload_record_matches_file (read, 100 * MIB, G_GINT64_CONSTANT (1790000000123456)));
  g_assert_false (carrete_upload_record_matches_file (read, 100 * MIB + 1,
                                                      G_GINT64_CONSTANT (1790000000123456)));
  g_assert_false (
      carrete_upload_record_matches_file (read, 100 * MIB, G_GINT64_CONSTANT (1790000000123457)));

  assert_not_record ("");
  assert_not_record ("[]");
  assert_not_record ("{\"version\":1}");
  /* part_count must be what size and part_size give. */
  {
    g_autoptr (CarreteUploadRecord) bad = sample_record ("up_1", "us_ana");
    g_autofree char *text = NULL;

    bad->part_count = 12;
    text = carrete_upload_record_to_json (bad, NULL);
    assert_not_record (text);
    bad->part_count = 13;
    g_free (bad->path);
    bad->path = g_strdup ("relative/big.jpg");
    g_free (text);
    text = carrete_upload_record_to_json (bad, NULL);
    assert_not_record (text);
  }
}

static void
test_resumable_record_files (void)
{
  g_autofree char *dir = ct_make_tmpdir ("carrete-records-XXXXXX");
  g_autofree char *sub = g_build_filename (dir, "carrete", "uploads", NULL);
  g_autoptr (CarreteUploadRecord) mine = sample_record ("up_mine", "us_ana");
  g_autoptr (CarreteUploadRecord) other = sample_record ("up_other", "us_bob");
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *junk = g_build_filename (sub, "up_junk.json", NULL);
  g_autoptr (GFile) file = NULL;

  /* The id becomes a file name only when it is a safe one. */
  g_assert_null (carrete_upload_record_file (sub, "../escape"));
  g_assert_null (carrete_upload_record_file (sub, ""));
  g_assert_null (carrete_upload_record_file (sub, NULL));
  g_assert_false (carrete_upload_record_id_is_safe ("up_a/b"));
  g_assert_true (carrete_upload_record_id_is_safe ("up_AZaz09-_"));

  /* Saving makes the directory. */
  g_assert_true (carrete_upload_record_save (mine, sub, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (carrete_upload_record_save (other, sub, NULL, &error));
  file = carrete_upload_record_file (sub, "up_mine");
  g_assert_true (g_file_query_exists (file, NULL));
  /* A file that is no record is skipped (with a message). */
  g_assert_true (g_file_set_contents (junk, "{not json", -1, NULL));
  records = carrete_upload_records_load (sub, "https://photos.example.org", "us_ana");
  g_assert_cmpuint (records->len, ==, 1);
  g_assert_cmpstr (((CarreteUploadRecord *) records->pdata[0])->upload_id, ==, "up_mine");
  g_clear_pointer (&records, g_ptr_array_unref);
  /* Another server: none. */
  records = carrete_upload_records_load (sub, "https://elsewhere.example.org", "us_ana");
  g_assert_cmpuint (records->len, ==, 0);
  g_clear_pointer (&records, g_ptr_array_unref);

  /* Removing twice is fine; a missing directory has no records. */
  g_assert_true (carrete_upload_record_remove (sub, "up_mine", NULL, &error));
  g_assert_true (carrete_upload_record_remove (sub, "up_mine", NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_query_exists (file, NULL));
  records = carrete_upload_records_load (dir, "https://photos.example.org", "us_ana");
  g_assert_cmpuint (records->len, ==, 0);
  g_clear_pointer (&records, g_ptr_array_unref);
  {
    g_autofree char *nowhere = g_build_filename (dir, "nowhere", NULL);

    records = carrete_upload_records_load (nowhere, "https://photos.example.org", "us_ana");
    g_assert_cmpuint (records->len, ==, 0);
  }
  ct_remove_tree (dir);
}

static void
test_resumable_record_default_dir (void)
{
  g_autofree char *dir = carrete_upload_record_dir ();
  g_autofree char *expected
      = g_build_filename (g_get_user_state_dir (), "carrete", "uploads", NULL);

  g_assert_cmpstr (dir, ==, expected);
}

static void
read_slice (GInputStream *base, guint64 length, gboolean async, GByteArray *out)
{
  g_autoptr (GInputStream) slice = carrete_slice_stream_new (base, length);
  guint8 buffer[7];

  /* The base is read again by the next slice. */
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (slice), FALSE);
  for (;;)
    {
      gssize n;

      if (async)
        {
          GAsyncResult *result = NULL;

          g_input_stream_read_async (slice, buffer, sizeof buffer, G_PRIORITY_DEFAULT, NULL,
                                     ctu_on_result, &result);
          n = g_input_stream_read_finish (slice, ctu_await (&result), NULL);
          g_object_unref (result);
        }
      else
        n = g_input_stream_read (slice, buffer, sizeof buffer, NULL, NULL);
      g_assert_cmpint (n, >=, 0);
      if (n == 0)
        break;
      g_byte_array_append (out, buffer, (guint) n);
    }
}

static void
test_slice_stream (void)
{
  static const char text[] = "0123456789abcdefghijklmnopqrstuvwxyz";

  for (int async = 0; async <= 1; async++)
    {
      g_autoptr (GInputStream) base = g_memory_input_stream_new_from_data (text, 36, NULL);
      g_autoptr (GByteArray) first = g_byte_array_new ();
      g_autoptr (GByteArray) second = g_byte_array_new ();
      g_autoptr (GByteArray) past = g_byte_array_new ();

      g_assert_true (g_seekable_seek (G_SEEKABLE (base), 4, G_SEEK_SET, NULL, NULL));
      /* The slice ends after its length, not where the base does... */
      read_slice (base, 20, async, first);
      g_assert_cmpmem (first->data, first->len, "456789abcdefghijklmn", 20);
      /* ...nor later than the base. */
      g_assert_true (g_seekable_seek (G_SEEKABLE (base), 30, G_SEEK_SET, NULL, NULL));
      read_slice (base, 100, async, past);
      g_assert_cmpmem (past->data, past->len, "uvwxyz", 6);
      g_assert_true (g_seekable_seek (G_SEEKABLE (base), 0, G_SEEK_SET, NULL, NULL));
      read_slice (base, 0, async, second);
      g_assert_cmpuint (second->len, ==, 0);
    }
}

/* The watched folders' list on disk: kept as saved; a missing file is an
 * empty list; an entry without an absolute path is dropped; a file that is
 * not a JSON array is an error, not an empty list silently saved over. */
static void
test_watched_folders_file (void)
{
  g_autofree char *dir = ct_make_tmpdir ("carrete-watched-XXXXXX");
  g_autofree char *file = g_build_filename (dir, "sub", "folders.json", NULL);
  g_autoptr (GPtrArray) folders = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) back = NULL;
  g_autoptr (GError) error = NULL;
  CarreteWatchedFolder *first;

  back = carrete_watched_folders_load (file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 0);
  g_clear_pointer (&back, g_ptr_array_unref);

  g_ptr_array_add (folders, carrete_watched_folder_new ("/home/ana/Camera", "fo_1", "Viaje"));
  g_ptr_array_add (folders, carrete_watched_folder_new ("/home/ana/Scans", NULL, NULL));
  carrete_watched_folder_set_delete_on_server (g_ptr_array_index (folders, 0), TRUE);
  g_assert_true (carrete_watched_folders_save (folders, file, &error));
  g_assert_no_error (error);
  back = carrete_watched_folders_load (file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 2);
  first = g_ptr_array_index (back, 0);
  g_assert_cmpstr (carrete_watched_folder_get_path (first), ==, "/home/ana/Camera");
  g_assert_cmpstr (carrete_watched_folder_get_folder_id (first), ==, "fo_1");
  g_assert_cmpstr (carrete_watched_folder_get_folder_name (first), ==, "Viaje");
  g_assert_true (carrete_watched_folder_get_delete_on_server (first));
  g_assert_null (carrete_watched_folder_get_folder_id (g_ptr_array_index (back, 1)));
  g_assert_false (carrete_watched_folder_get_delete_on_server (g_ptr_array_index (back, 1)));
  g_clear_pointer (&back, g_ptr_array_unref);

  g_assert_true (g_file_set_contents (
      file, "[{\"path\": \"relative\"}, {\"folder_id\": \"fo_2\"}, 7, {\"path\": \"/ok\"}]", -1,
      NULL));
  back = carrete_watched_folders_load (file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 1);
  g_assert_cmpstr (carrete_watched_folder_get_path (g_ptr_array_index (back, 0)), ==, "/ok");
  g_clear_pointer (&back, g_ptr_array_unref);

  g_assert_true (g_file_set_contents (file, "{\"path\": \"/ok\"}", -1, NULL));
  g_assert_null (carrete_watched_folders_load (file, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL);
  ct_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/carrete/client/unit/problem/detail", test_problem_detail);
  g_test_add_func ("/carrete/client/unit/problem/field-message", test_problem_field_message);
  g_test_add_func ("/carrete/client/unit/problem/duplicate", test_problem_duplicate);
  g_test_add_func ("/carrete/client/unit/problem/status-codes", test_status_codes);
  g_test_add_func ("/carrete/client/unit/problem/login-401", test_login_401);
  g_test_add_func ("/carrete/client/unit/problem/not-carrete", test_not_carrete);
  g_test_add_func ("/carrete/client/unit/problem/gateway-and-bytes", test_gateway_and_bytes);
  g_test_add_func ("/carrete/client/unit/problem/transport", test_transport);
  g_test_add_func ("/carrete/client/unit/routing", test_routing);
  g_test_add_func ("/carrete/client/unit/service-urls", test_service_urls);
  g_test_add_func ("/carrete/client/unit/photo-query", test_photo_query);
  g_test_add_func ("/carrete/client/unit/folder-query", test_folder_query);
  g_test_add_func ("/carrete/client/unit/models", test_models);

  g_test_add_func ("/carrete/client/unit/thumbnail-cache/store-lookup-trim", test_thumbnail_cache);
  g_test_add_func ("/carrete/client/unit/thumbnail-cache/default-dir", test_thumbnail_default_dir);
  g_test_add_func ("/carrete/client/unit/sniff", test_sniff);
  g_test_add_func ("/carrete/client/unit/watched-folders-file", test_watched_folders_file);

  g_test_add_func ("/carrete/client/unit/photo-list/paging-state", test_paging_state);

  g_test_add_func ("/carrete/client/unit/resumable/plan", test_resumable_plan);
  g_test_add_func ("/carrete/client/unit/resumable/threshold", test_resumable_threshold);
  g_test_add_func ("/carrete/client/unit/resumable/record-json", test_resumable_record_json);
  g_test_add_func ("/carrete/client/unit/resumable/record-files", test_resumable_record_files);
  g_test_add_func ("/carrete/client/unit/resumable/record-default-dir",
                   test_resumable_record_default_dir);
  g_test_add_func ("/carrete/client/unit/resumable/slice-stream", test_slice_stream);

  return g_test_run ();
}
