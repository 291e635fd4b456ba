#define G_LOG_DOMAIN "carrete-bench-desktop"

/* carrete-desktop's API-client library at scale, on the real stack
 * (tests/e2e/stack.c: PostgreSQL, MinIO, the three services).
 *
 *   1. A gallery of 10,000 photos: 50 real uploads (real thumbnails in
 *      MinIO, the newest) and 9,950 rows seeded straight into carrete_photos
 *      (older; their objects do not exist and are never fetched).  Timed
 *      through CarretePhotoList and CarreteThumbnailCache exactly as the app
 *      uses them: set_query → first page → every thumbnail of it fetched
 *      (cold disk cache), then the same with a warm disk cache, then paging
 *      through all 10,000.  Target: first page of thumbnails < 1 s.
 *   2. 200 uploads through CarreteUploadQueue (3 at a time, direct path):
 *      the sum of bytes-sent must equal the sum of the files' sizes.
 *
 * Built on demand:  ninja -C build-asan client-gtk/tests/bench-desktop-client
 * Run:  CARRETE_SOURCE_DIR=$PWD CARRETE_BUILD_DIR=$PWD/build-asan \
 *       build-asan/client-gtk/tests/bench-desktop-client */

#include "client-test-util.h"
#include "stack.h"

#define REAL_PHOTOS 50
#define TOTAL_PHOTOS 10000
#define UPLOADS 200

static Stack *stack;

static double
seconds_since (gint64 start)
{
  return (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
}

static void
seed_rows (const char *user_id)
{
  g_autofree char *row = stack_row_id (stack, user_id);
  g_autofree char *sql = g_strdup_printf (
    "INSERT INTO photos (owner_id, name, object_prefix, content_type, size, sha256, width, height,"
    " uploaded_at, updated_at, state)"
    " SELECT $1::bigint, 'seed-' || i || '.png', 'p/seed-' || md5(random()::text || i),"
    " 'image/png', 100, sha256(('seed' || i)::bytea), 8, 8,"
    " now() - interval '1 day' - i * interval '1 second', now(), 'ready'"
    " FROM generate_series(1, %d) AS i",
    TOTAL_PHOTOS - REAL_PHOTOS);
  g_autofree char *ignored = stack_sql (stack, "photos", sql, row);
}

typedef struct
{
  guint pending;
  guint failed;
  gint64 first_at;
} Thumbs;

static void
on_thumbnail (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Thumbs *thumbs = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = carrete_thumbnail_cache_fetch_finish (CARRETE_THUMBNAIL_CACHE (source),
                                                                   result, &error);

  if (bytes == NULL)
    {
      g_printerr ("thumbnail: %s\n", error->message);
      thumbs->failed++;
    }
  else if (thumbs->first_at == 0)
    thumbs->first_at = g_get_monotonic_time ();
  thumbs->pending--;
}

/* set_query → first page → all its thumbnails; prints the figures. */
static void
time_first_page (CarreteClient *client, CarreteThumbnailCache *cache, const char *label)
{
  g_autoptr (CarretePhotoList) list = carrete_photo_list_new (client);
  g_autoptr (CarretePhotoQuery) query = carrete_photo_query_new ();
  Thumbs thumbs = { 0 };
  gint64 start = g_get_monotonic_time ();
  double page_at;
  guint n;

  query->sort = g_strdup ("uploaded_at");
  query->order = g_strdup ("desc");
  query->limit = REAL_PHOTOS;
  carrete_photo_list_set_query (list, query);
  while (carrete_photo_list_get_loading (list))
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (carrete_photo_list_get_error (list));
  page_at = seconds_since (start);
  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_assert_cmpuint (n, ==, REAL_PHOTOS);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CarretePhoto) photo = g_list_model_get_item (G_LIST_MODEL (list), i);

      thumbs.pending++;
      carrete_thumbnail_cache_fetch_async (cache, client, photo, NULL, on_thumbnail, &thumbs);
    }
  while (thumbs.pending > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (thumbs.failed, ==, 0);
  g_print ("%-26s first page %6.1f ms, first thumbnail %6.1f ms, all %u thumbnails %6.1f ms\n",
           label, page_at * 1000, (double) (thumbs.first_at - start) / 1000, n,
           seconds_since (start) * 1000);
}

static void
time_all_pages (CarreteClient *client)
{
  g_autoptr (CarretePhotoList) list = carrete_photo_list_new (client);
  g_autoptr (CarretePhotoQuery) query = carrete_photo_query_new ();
  gint64 start = g_get_monotonic_time ();
  guint pages = 0;

  query->limit = 200;
  carrete_photo_list_set_query (list, query);
  while (TRUE)
    {
      while (carrete_photo_list_get_loading (list))
        g_main_context_iteration (NULL, TRUE);
      g_assert_null (carrete_photo_list_get_error (list));
      pages++;
      if (!carrete_photo_list_get_has_more (list))
        break;
      carrete_photo_list_load_more (list);
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, TOTAL_PHOTOS);
  g_print ("%-26s %u photos in %u pages of 200: %6.1f ms\n", "page through everything",
           TOTAL_PHOTOS, pages, seconds_since (start) * 1000);
}

static void
bench_uploads (CarreteClient *client)
{
  g_autofree char *dir = ct_make_tmpdir ("carrete-bench-upload-XXXXXX");
  g_autoptr (CarreteUploadQueue) queue = carrete_upload_queue_new (client);
  g_autoptr (GPtrArray) uploads = g_ptr_array_new ();
  guint64 expected = 0, sent = 0, total = 0;
  guint done = 0;
  gint64 start;

  for (guint i = 0; i < UPLOADS; i++)
    {
      g_autoptr (GBytes) png = ct_png_of_size (16 * 1024 + g_random_int_range (0, 48 * 1024));
      g_autofree char *name = g_strdup_printf ("u%03u.png", i);
      g_autofree char *path = ctu_write_file (dir, name, png);

      expected += g_bytes_get_size (png);
      (void) path;
    }
  start = g_get_monotonic_time ();
  for (guint i = 0; i < UPLOADS; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/u%03u.png", dir, i);
      g_autoptr (GFile) file = g_file_new_for_path (path);

      g_ptr_array_add (uploads, carrete_upload_queue_add_file (queue, file, NULL));
    }
  while (carrete_upload_queue_get_n_pending (queue) > 0)
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < uploads->len; i++)
    {
      CarreteUpload *upload = g_ptr_array_index (uploads, i);

      done += carrete_upload_get_state (upload) == CARRETE_UPLOAD_DONE;
      sent += carrete_upload_get_bytes_sent (upload);
      total += carrete_upload_get_bytes_total (upload);
    }
  g_print ("%-26s %u/%u done in %.2f s; bytes sent %" G_GUINT64_FORMAT " = total %" G_GUINT64_FORMAT
           " = files %" G_GUINT64_FORMAT ": %s\n",
           "200 uploads (3 at a time)", done, UPLOADS, seconds_since (start), sent, total, expected,
           sent == expected && total == expected ? "exact" : "NOT EXACT");
  g_assert_cmpuint (done, ==, UPLOADS);
  g_assert_cmpuint (sent, ==, expected);
  ct_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_autoptr (StackUser) user = NULL;
  g_autoptr (CarreteClient) client = NULL;
  g_autoptr (CarreteThumbnailCache) cache = NULL;
  g_autoptr (StackUser) uploader = NULL;
  g_autoptr (CarreteClient) upload_client = NULL;
  g_autofree char *cache_dir = NULL;
  gint64 start;

  g_test_init (&argc, &argv, NULL);
  stack = stack_start ();
  user = stack_user_new (stack, "bench");
  start = g_get_monotonic_time ();
  seed_rows (user->id);
  for (int i = 0; i < REAL_PHOTOS; i++)
    g_free (stack_photo_new (stack, user->token, NULL));
  g_print ("%-26s %d photos (%d real) in %.1f s\n", "seeded", TOTAL_PHOTOS, REAL_PHOTOS,
           seconds_since (start));

  client = ctu_client_new (stack->users.url, stack->photos.url, stack->folders.url);
  ctu_login (client, user->name, STACK_PASSWORD);
  cache_dir = ct_make_tmpdir ("carrete-bench-thumbs-XXXXXX");
  cache = carrete_thumbnail_cache_new (cache_dir, 0);
  time_first_page (client, cache, "cold disk cache");
  time_first_page (client, cache, "warm disk cache");
  time_all_pages (client);

  uploader = stack_user_new (stack, "benchup");
  upload_client = ctu_client_new (stack->users.url, stack->photos.url, stack->folders.url);
  ctu_login (upload_client, uploader->name, STACK_PASSWORD);
  bench_uploads (upload_client);

  g_clear_object (&cache);
  ct_remove_tree (cache_dir);
  g_clear_object (&client);
  g_clear_object (&upload_client);
  g_clear_pointer (&user, stack_user_free);
  g_clear_pointer (&uploader, stack_user_free);
  stack_free (stack);
  return 0;
}
