#define G_LOG_DOMAIN "carrete-test-photos-stream"

/* Streamed uploads go to storage as they arrive (issue 14, item 3): parts
 * of a big body are in storage (fs: a temporary file beside the object)
 * while the rest is still on its way, no spool file is made, the stored
 * object has exactly the bytes sent, and whatever ends the upload early (a
 * hang-up, a duplicate, a crash) leaves nothing behind.  Each test runs on fs and on
 * a real MinIO, against an instance whose upload limit allows bodies of
 * several parts. */

#include <glib/gstdio.h>
#include <string.h>

#include "carrete-sha256.h"
#include "photos-fixture.h"

#define MIB (1024 * 1024)
#define BIG_LIMIT (64 * MIB)

typedef struct
{
  CtService *photos;
  char *spool;
  const char *url;
} Instance;

static Instance *
instance_start (PhotosStack *s)
{
  Instance *instance = g_new0 (Instance, 1);
  g_autofree char *limit = g_strdup_printf ("CARRETE_MAX_UPLOAD_BYTES=%u", BIG_LIMIT);

  instance->photos = photos_stack_start_instance (s, (const char *const[]){ limit, NULL },
                                                  &instance->spool);
  instance->url = ct_service_url (instance->photos);
  return instance;
}

static void
instance_free (Instance *instance)
{
  ct_service_stop (instance->photos);
  ct_service_free (instance->photos);
  ct_remove_tree (instance->spool);
  g_free (instance->spool);
  g_free (instance);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Instance, instance_free)

/* (Spool files named "upload-…" are where a body went before it was
 * streamed; thumbnails jobs have spool files of their own.) */

/* `len` bytes that sniff as a JPEG: its markers, then noise (no
 * compression could make them small, and no decoder will read them: the
 * thumbnails job fails, which is not what these tests look at). */
static GBytes *
jpeg_like (gsize len, guint seed)
{
  guint8 *bytes = g_malloc (len);
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  static const guint8 head[] = { 0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0 };

  for (gsize i = 0; i < len; i += 4)
    {
      guint32 word = g_rand_int (rand);
      memcpy (bytes + i, &word, MIN (4, len - i));
    }
  memcpy (bytes, head, sizeof head);
  return g_bytes_new_take (bytes, len);
}

static char *
sha256_hex (GBytes *bytes)
{
  g_autoptr (CarreteSha256) sha = carrete_sha256_new ();
  char hex[CARRETE_SHA256_HEX_LEN + 1];

  carrete_sha256_update (sha, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  carrete_sha256_finish_hex (sha, hex);
  return g_strdup (hex);
}

/* The photo's stored original has exactly `sent`. */
static void
assert_stored (Instance *instance, const char *token, const char *id, GBytes *sent)
{
  g_autofree char *path = g_strconcat ("/v1/photos/", id, NULL);
  g_autoptr (CtResponse) photo = ct_http (instance->url, "GET", path, token, NULL);
  g_autoptr (CtResponse) original = NULL;
  g_autofree char *expected = sha256_hex (sent);

  g_assert_cmpuint (photo->status, ==, 200);
  g_assert_cmpstr (ct_response_string (photo, "sha256"), ==, expected);
  g_assert_cmpint (json_object_get_int_member (ct_response_object (photo), "size"), ==,
                   (gint64) g_bytes_get_size (sent));
  original = photos_fetch (ct_response_string (photo, "url"), NULL);
  g_assert_cmpuint (original->status, ==, 200);
  g_assert_true (g_bytes_equal (original->body, sent));
}

/* Unfinished multipart uploads in the bucket (MinIO lists them all for an
 * empty prefix); 0 on fs, whose streamed writes are no multipart uploads. */
static guint
count_multipart_uploads (PhotosStack *s)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) uploads = NULL;

  if (s->backend == PHOTOS_BACKEND_FS)
    return 0;
  uploads = carrete_storage_multipart_list_uploads (s->storage, "", &error);
  g_assert_no_error (error);
  return uploads->len;
}

/* Every account's usage is exactly what its rows hold (005_quotas.sql): a
 * streamed upload reserves its row with the fewest bytes its body's length
 * allows, and the row takes its exact size at the end. */
static void
assert_usage_exact (PhotosStack *s)
{
  g_autofree char *wrong = ct_postgres_query (
      s->pg, "carrete_photos",
      "SELECT count(*) FROM usage u FULL JOIN"
      " (SELECT owner_id, sum(bytes) AS bytes FROM"
      "   (SELECT owner_id, size + thumbnails_size AS bytes FROM photos"
      "    UNION ALL SELECT owner_id, size FROM uploads) AS r GROUP BY owner_id) AS t"
      " USING (owner_id) WHERE coalesce(u.bytes, 0) <> coalesce(t.bytes, 0)");

  g_assert_cmpstr (wrong, ==, "0");
}

/* Raw, chunked and multipart bodies of several parts arrive whole. */
static void
test_big_bodies (PhotosStack *s)
{
  g_autoptr (Instance) instance = instance_start (s);
  g_autoptr (PhotosUser) ana = photos_user_new (s, "stream");
  g_autoptr (GBytes) raw = jpeg_like (23 * MIB + 12345, 1);
  g_autoptr (GBytes) chunked = jpeg_like (11 * MIB + 1, 2);
  g_autoptr (GBytes) form = jpeg_like (6 * MIB, 3);
  g_autoptr (GBytes) exact = jpeg_like (5 * MIB, 4);
  g_autofree char *auth = g_strdup_printf ("Authorization: Bearer %s", ana->token);
  const char *const headers[] = { auth, NULL };
  PhotosStack big = *s; /* the stack, as seen through the big instance */
  g_autoptr (CtResponse) r = NULL;
  g_autoptr (CtResponse) list = NULL;

  big.photos_url = instance->url;
  r = ct_http_raw (instance->url, "POST", "/v1/photos?name=raw.jpg", headers, "image/jpeg", raw);
  g_assert_cmpuint (r->status, ==, 201);
  assert_stored (instance, ana->token, ct_response_string (r, "id"), raw);
  g_clear_pointer (&r, ct_response_free);

  g_assert_cmpuint (photos_post_chunked (instance->url, "/v1/photos?name=chunked.jpg",
                                         ana->token, "image/jpeg", chunked),
                    ==, 201);

  r = photos_post_form (&big, ana->token, "", "form.jpg", "form.jpg", "image/jpeg", form);
  g_assert_cmpuint (r->status, ==, 201);
  assert_stored (instance, ana->token, ct_response_string (r, "id"), form);
  g_clear_pointer (&r, ct_response_free);

  /* Exactly one part: the last part is the whole. */
  r = ct_http_raw (instance->url, "POST", "/v1/photos?name=exact.jpg", headers, "image/jpeg",
                   exact);
  g_assert_cmpuint (r->status, ==, 201);
  assert_stored (instance, ana->token, ct_response_string (r, "id"), exact);

  list = ct_http (instance->url, "GET", "/v1/photos?sort=name", ana->token, NULL);
  g_assert_cmpuint (list->status, ==, 200);
  g_assert_cmpuint (
      json_array_get_length (json_object_get_array_member (ct_response_object (list), "items")), ==,
      4);
  g_assert_cmpuint (ct_count_files (instance->spool, "upload-", NULL), ==, 0);
  photos_assert_consistent (s, instance->spool);
  assert_usage_exact (s);
}

/* Half of a 24 MiB body is in storage before the rest is sent, and no
 * spool file holds it; a hang-up then leaves nothing. */
static void
test_parts_before_the_end (PhotosStack *s)
{
  g_autoptr (Instance) instance = instance_start (s);
  g_autoptr (PhotosUser) ana = photos_user_new (s, "early");
  g_autoptr (GBytes) body = jpeg_like (24 * MIB, 5);
  guint rows = photos_count_rows (s);
  guint objects = photos_count_objects (s);
  g_autoptr (GSocketConnection) connection
      = photos_send_only (instance->url, "/v1/photos?name=half.jpg", ana->token, "image/jpeg",
                          24 * MIB, body, 12 * MIB);
  goffset largest = 0;

  g_usleep (1500 * 1000);
  g_assert_cmpuint (ct_count_files (instance->spool, "upload-", NULL), ==, 0);
  if (s->backend == PHOTOS_BACKEND_FS)
    {
      /* The bytes so far are in a temporary file beside the object. */
      g_assert_cmpuint (ct_count_files (s->storage_dir, ".tmp-", &largest), ==, 1);
      g_assert_cmpint (largest, >=, 8 * MIB);
    }
  else
    {
      /* The parts so far are in an unfinished multipart upload. */
      g_assert_cmpuint (count_multipart_uploads (s), ==, 1);
    }
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  g_usleep (1000 * 1000);
  g_assert_cmpuint (photos_await_rows (s, rows), ==, rows);
  g_assert_cmpuint (photos_count_objects (s), ==, objects);
  if (s->backend == PHOTOS_BACKEND_FS)
    g_assert_cmpuint (ct_count_files (s->storage_dir, ".tmp-", NULL), ==, 0);
  /* The hang-up aborted it. */
  g_assert_cmpuint (count_multipart_uploads (s), ==, 0);
  photos_assert_consistent (s, instance->spool);
}

/* A duplicate is found once the whole body is stored: 409 naming the
 * first photo, and the second copy is gone from storage. */
static void
test_big_duplicate (PhotosStack *s)
{
  g_autoptr (Instance) instance = instance_start (s);
  g_autoptr (PhotosUser) ana = photos_user_new (s, "dup");
  g_autoptr (GBytes) body = jpeg_like (12 * MIB, 6);
  g_autofree char *auth = g_strdup_printf ("Authorization: Bearer %s", ana->token);
  const char *const headers[] = { auth, NULL };
  g_autoptr (CtResponse) first
      = ct_http_raw (instance->url, "POST", "/v1/photos?name=a.jpg", headers, "image/jpeg", body);
  g_autoptr (CtResponse) second = NULL;
  guint objects;

  g_assert_cmpuint (first->status, ==, 201);
  objects = photos_count_objects (s);
  second = ct_http_raw (instance->url, "POST", "/v1/photos?name=b.jpg", headers, "image/jpeg",
                        body);
  g_assert_cmpuint (second->status, ==, 409);
  g_assert_cmpstr (ct_response_string (second, "existing_id"), ==,
                   ct_response_string (first, "id"));
  g_assert_cmpuint (photos_count_objects (s), ==, objects);
  assert_stored (instance, ana->token, ct_response_string (first, "id"), body);
  photos_assert_consistent (s, instance->spool);
}

/* Over the limit in the middle of a chunked body: 413, nothing kept. */
static void
test_too_large_midway (PhotosStack *s)
{
  g_autoptr (Instance) instance = instance_start (s);
  g_autoptr (PhotosUser) ana = photos_user_new (s, "large");
  g_autoptr (GBytes) body = jpeg_like (BIG_LIMIT + MIB, 7);
  guint rows = photos_count_rows (s);
  guint objects = photos_count_objects (s);

  g_assert_cmpuint (photos_post_chunked (instance->url, "/v1/photos?name=big.jpg", ana->token,
                                         "image/jpeg", body),
                    ==, 413);
  g_usleep (500 * 1000);
  g_assert_cmpuint (count_multipart_uploads (s), ==, 0);
  g_assert_cmpuint (photos_await_rows (s, rows), ==, rows);
  g_assert_cmpuint (photos_count_objects (s), ==, objects);
  photos_assert_consistent (s, instance->spool);
  assert_usage_exact (s);
}

static char *
newest_pending_prefix (PhotosStack *s)
{
  return ct_postgres_query (s->pg, "carrete_photos",
                            "SELECT object_prefix FROM photos WHERE state = 'pending'"
                            " ORDER BY id DESC LIMIT 1");
}

/* A streamed upload's row is written at its admission, before any byte is
 * stored.  SIGKILLed once the original is in storage but before its row is
 * ready (the statement that gives the row its exact size waits for a
 * lock), the service leaves a pending row that names the object; past the
 * row's deadline the sweeper of pending rows removes both.  No object is
 * ever left without a row, and the usage stays exact. */
static void
test_killed_before_ready (PhotosStack *s)
{
  g_autofree char *limit = g_strdup_printf ("CARRETE_MAX_UPLOAD_BYTES=%u", BIG_LIMIT);
  g_autofree char *spool = NULL;
  g_autofree char *sweeper_spool = NULL;
  CtService *photos = photos_stack_start_instance (s, (const char *const[]){ limit, NULL }, &spool);
  CtService *sweeper;
  g_autoptr (PhotosUser) ana = photos_user_new (s, "killed");
  g_autoptr (GBytes) body = jpeg_like (12 * MIB, 8);
  guint rows = photos_count_rows (s);
  guint objects = photos_count_objects (s);
  PGconn *locker = ct_postgres_connect (s->pg, "carrete_photos");
  g_autoptr (GSocketConnection) connection
      = photos_send_only (ct_service_url (photos), "/v1/photos?name=killed.jpg", ana->token,
                          "image/jpeg", 12 * MIB, body, 6 * MIB);
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autoptr (GError) error = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *key = NULL;
  g_auto (CarreteObjectInfo) info = { 0 };

  /* Half the body is on its way to storage: the row is there already. */
  for (guint i = 0; i < 100 && photos_count_rows (s) == rows; i++)
    g_usleep (50 * 1000);
  g_assert_cmpuint (photos_count_rows (s), ==, rows + 1);
  prefix = newest_pending_prefix (s);
  g_assert_nonnull (prefix);
  key = g_strconcat (prefix, "/original", NULL);
  assert_usage_exact (s);

  ct_postgres_exec (locker, "BEGIN");
  ct_postgres_exec (locker, "LOCK TABLE photos IN SHARE MODE");
  g_assert_true (g_output_stream_write_all (
      out, (const guint8 *) g_bytes_get_data (body, NULL) + 6 * MIB, 6 * MIB, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (ct_postgres_lock_waiters_become (s->pg, "carrete_photos", "carrete-photos",
                                                  "UPDATE photos SET name", 1, 20000));
  /* The original is in place; only the pending row names it. */
  g_assert_true (carrete_storage_stat (s->storage, key, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (info.size, ==, 12 * MIB);
  ct_service_kill (photos);
  ct_postgres_exec (locker, "ROLLBACK");
  PQfinish (locker);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  {
    g_autofree char *state = ct_postgres_query_param (
        s->pg, "carrete_photos", "SELECT state FROM photos WHERE object_prefix = $1", prefix);
    g_assert_cmpstr (state, ==, "pending");
  }
  g_assert_cmpuint (photos_count_objects (s), ==, objects + 1);

  /* Past its deadline, a service's sweeper (it sweeps when it starts)
   * removes the row and the object it names. */
  g_free (ct_postgres_query_param (
      s->pg, "carrete_photos",
      "UPDATE photos SET expires_at = now() - interval '1 second' WHERE object_prefix = $1",
      prefix));
  sweeper = photos_stack_start_instance (s, NULL, &sweeper_spool);
  g_assert_cmpuint (photos_await_rows (s, rows), ==, rows);
  g_assert_cmpuint (photos_count_objects (s), ==, objects);
  g_assert_cmpuint (count_multipart_uploads (s), ==, 0);
  assert_usage_exact (s);
  photos_assert_consistent (s, sweeper_spool);
  ct_service_stop (sweeper);
  ct_service_free (sweeper);
  ct_service_free (photos);
  ct_remove_tree (spool);
  ct_remove_tree (sweeper_spool);
}

static void
add_tests (void)
{
  photos_add_test ("stream/big-bodies", test_big_bodies, TRUE, TRUE);
  photos_add_test ("stream/parts-before-the-end", test_parts_before_the_end, TRUE, TRUE);
  photos_add_test ("stream/big-duplicate", test_big_duplicate, TRUE, TRUE);
  photos_add_test ("stream/too-large-midway", test_too_large_midway, TRUE, TRUE);
  photos_add_test ("stream/killed-before-ready", test_killed_before_ready, TRUE, TRUE);
}

int
main (int argc, char **argv)
{
  return photos_test_main (argc, argv, add_tests);
}
