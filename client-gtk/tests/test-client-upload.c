#define G_LOG_DOMAIN "carrete-test-client-upload"

/* CarreteUploadQueue against the real stack: the direct presigned way and
 * the streamed one with exact progress, several at a time, cancel mid-way
 * (nothing left on the server), retry after a failure, duplicates, and
 * every kind of bad file; an expired session keeps the queue. */

#include <string.h>

#include "client-test-util.h"
#include "stack.h"

#define LIMIT (3 * 1024 * 1024)

static Stack *stack;
static char *tmpdir;

typedef struct
{
  StackUser *user;
  CarreteClient *client;
  CarreteUploadQueue *queue;
  guint uploaded;
} Fixture;

static void
on_photo_uploaded (CarreteUploadQueue *queue, CarreteUpload *upload, CarretePhoto *photo,
                   gpointer user_data)
{
  Fixture *fixture = user_data;

  g_assert_true (carrete_upload_get_photo (upload) == photo);
  fixture->uploaded++;
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->user = stack_user_new (stack, "upl");
  fixture->client = ctu_client_new (stack->users.url, stack->photos.url, stack->folders.url);
  ctu_login (fixture->client, fixture->user->name, STACK_PASSWORD);
  fixture->queue = carrete_upload_queue_new (fixture->client);
  g_signal_connect (fixture->queue, "photo-uploaded", G_CALLBACK (on_photo_uploaded), fixture);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_assert_finalize_object (g_steal_pointer (&fixture->queue));
  g_clear_object (&fixture->client);
  stack_user_free (fixture->user);
}

static void
count_signal (gpointer instance, gpointer user_data)
{
  (*(guint *) user_data)++;
}

static void
on_finished (CarreteUploadQueue *queue, CarreteUpload *upload, gpointer user_data)
{
  (*(guint *) user_data)++;
}

typedef struct
{
  guint64 last;
  guint notifications;
  gboolean decreased;
} Progress;

static void
on_bytes_sent (CarreteUpload *upload, GParamSpec *pspec, gpointer user_data)
{
  Progress *progress = user_data;
  guint64 sent = carrete_upload_get_bytes_sent (upload);

  if (sent < progress->last && sent != 0)
    progress->decreased = TRUE;
  progress->last = sent;
  progress->notifications++;
  g_assert_cmpuint (sent, <=, carrete_upload_get_bytes_total (upload));
}

static void
check_exact_upload (Fixture *fixture, gboolean direct)
{
  g_autoptr (GBytes) png = ct_png_of_size (2 * 1024 * 1024);
  g_autoptr (GFile) file = ctu_unique_file (tmpdir, "big.png", png);
  Progress progress = { 0 };
  CarreteUpload *upload;
  CarretePhoto *photo;

  carrete_upload_queue_set_use_direct (fixture->queue, direct);
  upload = carrete_upload_queue_add_file (fixture->queue, file, NULL);
  g_signal_connect (upload, "notify::bytes-sent", G_CALLBACK (on_bytes_sent), &progress);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->queue)), ==, 1);
  ctu_wait_upload (upload);
  if (carrete_upload_get_error (upload) != NULL)
    g_error ("upload failed: %s", carrete_upload_get_error (upload)->message);
  g_assert_cmpint (carrete_upload_get_state (upload), ==, CARRETE_UPLOAD_DONE);
  g_assert_cmpuint (carrete_upload_get_bytes_total (upload), ==, g_bytes_get_size (png));
  g_assert_cmpuint (carrete_upload_get_bytes_sent (upload), ==, g_bytes_get_size (png));
  g_assert_cmpfloat (carrete_upload_get_fraction (upload), ==, 1.0);
  g_assert_false (progress.decreased);
  g_assert_cmpuint (progress.notifications, >, 2);
  photo = carrete_upload_get_photo (upload);
  g_assert_cmpstr (carrete_photo_get_state (photo), ==, "ready");
  g_assert_cmpint (carrete_photo_get_size (photo), ==, (gint64) g_bytes_get_size (png));
  g_assert_cmpuint (fixture->uploaded, ==, 1);
  g_assert_cmpuint (carrete_upload_queue_get_n_pending (fixture->queue), ==, 0);
  g_test_message ("%s: %u progress notifications for %zu bytes", direct ? "direct" : "streamed",
                  progress.notifications, g_bytes_get_size (png));
}

static void
test_direct (Fixture *fixture, gconstpointer data)
{
  check_exact_upload (fixture, TRUE);
}

static void
test_streamed (Fixture *fixture, gconstpointer data)
{
  check_exact_upload (fixture, FALSE);
}

static void
on_n_active (CarreteUploadQueue *queue, GParamSpec *pspec, gpointer user_data)
{
  guint *max = user_data;

  *max = MAX (*max, carrete_upload_queue_get_n_active (queue));
}

static void
test_parallel (Fixture *fixture, gconstpointer data)
{
  g_autofree char *folder_id = stack_folder_new (stack, fixture->user->token, "private", NULL);
  CarreteUpload *uploads[7];
  guint max_active = 0, finished = 0;

  g_signal_connect (fixture->queue, "notify::n-active", G_CALLBACK (on_n_active), &max_active);
  g_signal_connect (fixture->queue, "upload-finished", G_CALLBACK (on_finished), &finished);
  for (gsize i = 0; i < G_N_ELEMENTS (uploads); i++)
    {
      g_autoptr (GBytes) png = ct_png_of_size (200 * 1024);
      g_autoptr (GFile) file = ctu_unique_file (tmpdir, "p.png", png);

      uploads[i] = carrete_upload_queue_add_file (fixture->queue, file, folder_id);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (uploads); i++)
    {
      ctu_wait_upload (uploads[i]);
      g_assert_cmpint (carrete_upload_get_state (uploads[i]), ==, CARRETE_UPLOAD_DONE);
      g_assert_cmpstr (carrete_photo_get_folder_id (carrete_upload_get_photo (uploads[i])), ==, folder_id);
    }
  g_assert_cmpuint (max_active, ==, 3);
  g_assert_cmpuint (finished, ==, G_N_ELEMENTS (uploads));
  g_assert_cmpuint (fixture->uploaded, ==, G_N_ELEMENTS (uploads));
  g_assert_cmpuint (stack_count_photos (stack, fixture->user->id), ==, G_N_ELEMENTS (uploads));

  carrete_upload_queue_clear_finished (fixture->queue);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->queue)), ==, 0);
}

typedef struct
{
  CarreteUploadQueue *queue;
  gboolean cancelled;
} CancelAt;

static void
cancel_when_started (CarreteUpload *upload, GParamSpec *pspec, gpointer user_data)
{
  CancelAt *at = user_data;

  if (!at->cancelled && carrete_upload_get_bytes_sent (upload) > 0
      && carrete_upload_get_bytes_sent (upload) < carrete_upload_get_bytes_total (upload))
    {
      at->cancelled = TRUE;
      carrete_upload_queue_cancel (at->queue, upload);
    }
}

static void
check_cancel (Fixture *fixture, gboolean direct)
{
  g_autoptr (GBytes) png = ct_png_of_size (LIMIT - 4096);
  g_autoptr (GFile) file = ctu_unique_file (tmpdir, "cancel.png", png);
  CancelAt at = { fixture->queue, FALSE };
  CarreteUpload *upload;

  carrete_upload_queue_set_use_direct (fixture->queue, direct);
  upload = carrete_upload_queue_add_file (fixture->queue, file, NULL);
  g_signal_connect (upload, "notify::bytes-sent", G_CALLBACK (cancel_when_started), &at);
  ctu_wait_upload (upload);
  g_assert_true (at.cancelled);
  g_assert_cmpint (carrete_upload_get_state (upload), ==, CARRETE_UPLOAD_CANCELLED);
  g_assert_null (carrete_upload_get_error (upload));
  g_assert_null (carrete_upload_get_photo (upload));
  g_assert_cmpuint (fixture->uploaded, ==, 0);
  /* Nothing half-made: no row (pending or ready) for this user. */
  g_assert_cmpuint (stack_count_photos (stack, fixture->user->id), ==, 0);

  /* A cancelled upload can go again, from the first byte. */
  carrete_upload_queue_retry (fixture->queue, upload);
  g_signal_handlers_disconnect_by_func (upload, cancel_when_started, &at);
  ctu_wait_upload (upload);
  g_assert_cmpint (carrete_upload_get_state (upload), ==, CARRETE_UPLOAD_DONE);
  g_assert_cmpuint (carrete_upload_get_bytes_sent (upload), ==, g_bytes_get_size (png));
  g_assert_cmpuint (stack_count_photos (stack, fixture->user->id), ==, 1);
}

static void
test_cancel_direct (Fixture *fixture, gconstpointer data)
{
  check_cancel (fixture, TRUE);
}

static void
test_cancel_streamed (Fixture *fixture, gconstpointer data)
{
  check_cancel (fixture, FALSE);
}

static void
test_cancel_queued (Fixture *fixture, gconstpointer data)
{
  CarreteUpload *uploads[5];

  carrete_upload_queue_set_max_parallel (fixture->queue, 1);
  for (gsize i = 0; i < G_N_ELEMENTS (uploads); i++)
    {
      g_autoptr (GBytes) unique = ct_png_of_size (1024);
      g_autoptr (GFile) file = ctu_unique_file (tmpdir, "q.png", unique);

      uploads[i] = carrete_upload_queue_add_file (fixture->queue, file, NULL);
    }
  g_assert_cmpint (carrete_upload_get_state (uploads[4]), ==, CARRETE_UPLOAD_QUEUED);
  carrete_upload_queue_cancel (fixture->queue, uploads[4]);
  g_assert_cmpint (carrete_upload_get_state (uploads[4]), ==, CARRETE_UPLOAD_CANCELLED);
  for (gsize i = 0; i < 4; i++)
    ctu_wait_upload (uploads[i]);
  g_assert_cmpuint (fixture->uploaded, ==, 4);
  g_assert_cmpuint (stack_count_photos (stack, fixture->user->id), ==, 4);
}

static void
test_retry_after_failure (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GBytes) png = ct_png_of_size (64 * 1024);
  g_autoptr (GFile) file = ctu_unique_file (tmpdir, "retry.png", png);
  CarreteUpload *upload;

  stack_stop (&stack->photos);
  upload = carrete_upload_queue_add_file (fixture->queue, file, NULL);
  ctu_wait_upload (upload);
  g_assert_cmpint (carrete_upload_get_state (upload), ==, CARRETE_UPLOAD_FAILED);
  g_assert_error ((GError *) carrete_upload_get_error (upload), CARRETE_CLIENT_ERROR,
                  CARRETE_CLIENT_ERROR_UNREACHABLE);
  g_assert_true (carrete_client_get_signed_in (fixture->client));

  stack_restart (&stack->photos);
  carrete_upload_queue_retry (fixture->queue, upload);
  g_assert_null (carrete_upload_get_error (upload));
  ctu_wait_upload (upload);
  g_assert_cmpint (carrete_upload_get_state (upload), ==, CARRETE_UPLOAD_DONE);
  g_assert_cmpuint (fixture->uploaded, ==, 1);
}

static void
check_duplicate (Fixture *fixture, gboolean direct)
{
  g_autoptr (GBytes) png = ct_png_of_size (10 * 1024);
  g_autoptr (GFile) first_file = ctu_unique_file (tmpdir, "a.png", png);
  g_autoptr (GFile) second_file = ctu_unique_file (tmpdir, "b.png", png);
  CarreteUpload *first;
  CarreteUpload *second;
  const GError *error;

  carrete_upload_queue_set_use_direct (fixture->queue, direct);
  first = carrete_upload_queue_add_file (fixture->queue, first_file, NULL);
  ctu_wait_upload (first);
  g_assert_cmpint (carrete_upload_get_state (first), ==, CARRETE_UPLOAD_DONE);
  second = carrete_upload_queue_add_file (fixture->queue, second_file, NULL);
  ctu_wait_upload (second);
  error = carrete_upload_get_error (second);
  g_assert_cmpint (carrete_upload_get_state (second), ==, CARRETE_UPLOAD_FAILED);
  g_assert_error ((GError *) error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_CONFLICT);
  g_assert_cmpstr (carrete_upload_get_existing_id (second), ==,
                   carrete_photo_get_id (carrete_upload_get_photo (first)));
  g_assert_cmpuint (stack_count_photos (stack, fixture->user->id), ==, 1);
}

static void
test_duplicate_direct (Fixture *fixture, gconstpointer data)
{
  check_duplicate (fixture, TRUE);
}

static void
test_duplicate_streamed (Fixture *fixture, gconstpointer data)
{
  check_duplicate (fixture, FALSE);
}

static void
assert_fails (Fixture *fixture, GFile *file, CarreteClientError code)
{
  CarreteUpload *upload = carrete_upload_queue_add_file (fixture->queue, file, NULL);

  ctu_wait_upload (upload);
  g_assert_cmpint (carrete_upload_get_state (upload), ==, CARRETE_UPLOAD_FAILED);
  g_assert_error ((GError *) carrete_upload_get_error (upload), CARRETE_CLIENT_ERROR, (int) code);
  g_test_message ("%s: %s", carrete_upload_get_name (upload), carrete_upload_get_error (upload)->message);
}

static void
test_bad_files (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GBytes) text = g_bytes_new_static ("just some text, no image\n", 25);
  g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr (GBytes) fake = g_bytes_new_static ("\x89PNG\r\n\x1a\nthis is no PNG at all", 30);
  g_autoptr (GFile) text_file = ctu_unique_file (tmpdir, "notes.txt", text);
  g_autoptr (GFile) empty_file = ctu_unique_file (tmpdir, "empty.png", empty);
  g_autoptr (GFile) fake_file = ctu_unique_file (tmpdir, "fake.png", fake);
  g_autofree char *missing_path = g_build_filename (tmpdir, "no-such-file.png", NULL);
  g_autoptr (GFile) missing = g_file_new_for_path (missing_path);
  g_autoptr (GFile) directory = g_file_new_for_path (tmpdir);

  assert_fails (fixture, text_file, CARRETE_CLIENT_ERROR_UNSUPPORTED_TYPE);
  assert_fails (fixture, empty_file, CARRETE_CLIENT_ERROR_LOCAL_FILE);
  assert_fails (fixture, missing, CARRETE_CLIENT_ERROR_LOCAL_FILE);
  assert_fails (fixture, directory, CARRETE_CLIENT_ERROR_LOCAL_FILE);
  carrete_upload_queue_set_use_direct (fixture->queue, TRUE);
  g_assert_cmpuint (stack_count_photos (stack, fixture->user->id), ==, 0);
  g_assert_cmpuint (fixture->uploaded, ==, 0);
  /* Looks like a PNG to the client and to the server's look at its first
   * bytes, so it is accepted; the thumbnails job then finds it is not one,
   * and the photo says so. */
  {
    CarreteUpload *upload = carrete_upload_queue_add_file (fixture->queue, fake_file, NULL);
    CarretePhoto *photo;
    g_autoptr (CtResponse) done = NULL;

    ctu_wait_upload (upload);
    g_assert_cmpint (carrete_upload_get_state (upload), ==, CARRETE_UPLOAD_DONE);
    photo = carrete_upload_get_photo (upload);
    g_assert_cmpstr (carrete_photo_get_thumbnails (photo), ==, "pending");
    done = ct_await_thumbnails (stack->photos.url, fixture->user->token,
                                carrete_photo_get_id (photo));
    g_assert_cmpstr (ct_response_string (done, "thumbnails"), ==, "failed");
    g_assert_nonnull (ct_response_string (done, "thumbnails_error"));
    g_test_message ("fake png: %s", ct_response_string (done, "thumbnails_error"));
  }
  g_assert_cmpuint (stack_count_photos (stack, fixture->user->id), ==, 1);
  g_assert_cmpuint (fixture->uploaded, ==, 1);
}

static void
check_too_large (Fixture *fixture, gboolean direct)
{
  g_autoptr (GBytes) png = ct_png_of_size (LIMIT + 512 * 1024);
  g_autoptr (GFile) file = ctu_unique_file (tmpdir, "huge.png", png);

  carrete_upload_queue_set_use_direct (fixture->queue, direct);
  assert_fails (fixture, file, CARRETE_CLIENT_ERROR_TOO_LARGE);
  g_assert_cmpuint (stack_count_photos (stack, fixture->user->id), ==, 0);
}

static void
test_too_large_direct (Fixture *fixture, gconstpointer data)
{
  check_too_large (fixture, TRUE);
}

static void
test_too_large_streamed (Fixture *fixture, gconstpointer data)
{
  check_too_large (fixture, FALSE);
}

/* The refresh token is revoked while uploads wait: the session ends, the
 * uploads stay queued, and they go once the user signs in again. */
static void
test_session_expired_keeps_queue (Fixture *fixture, gconstpointer data)
{
  g_autofree char *expired = stack_expired_token (stack, fixture->user->id, "user");
  g_autofree char *body = g_strdup_printf ("{\"refresh_token\":\"%s\"}",
                                           carrete_client_get_refresh_token (fixture->client));
  g_autoptr (CtResponse) logout = ct_http (stack->users.url, "POST", "/v1/auth/logout", NULL, body);
  g_autoptr (GBytes) png = ct_png_of_size (32 * 1024);
  g_autoptr (GFile) file = ctu_unique_file (tmpdir, "later.png", png);
  guint expired_seen = 0;
  CarreteUpload *upload;

  g_assert_cmpuint (logout->status, ==, 204);
  g_signal_connect (fixture->client, "session-expired", G_CALLBACK (count_signal), &expired_seen);
  _carrete_client_set_access_token (fixture->client, expired);
  upload = carrete_upload_queue_add_file (fixture->queue, file, NULL);
  while (carrete_client_get_signed_in (fixture->client))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (expired_seen, ==, 1);
  /* Let the run end. */
  while (carrete_upload_queue_get_n_active (fixture->queue) > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (carrete_upload_get_state (upload), ==, CARRETE_UPLOAD_QUEUED);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->queue)), ==, 1);

  ctu_login (fixture->client, fixture->user->name, STACK_PASSWORD);
  ctu_wait_upload (upload);
  g_assert_cmpint (carrete_upload_get_state (upload), ==, CARRETE_UPLOAD_DONE);
}

/* Photos only, with a small upload limit. */
static void
restart_photos_with_limit (void)
{
  g_autoptr (GStrvBuilder) env = g_strv_builder_new ();
  g_autofree char *limit = g_strdup_printf ("CARRETE_MAX_UPLOAD_BYTES=%d", LIMIT);

  stack_stop (&stack->photos);
  g_strv_builder_addv (env, (const char **) stack->photos.env);
  g_strv_builder_add (env, limit);
  g_strfreev (stack->photos.env);
  stack->photos.env = g_strv_builder_end (env);
  stack_restart (&stack->photos);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  stack = stack_start ();
  restart_photos_with_limit ();
  tmpdir = ct_make_tmpdir ("carrete-upload-XXXXXX");

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/carrete/client/upload/direct-exact-progress", test_direct);
  ADD ("/carrete/client/upload/streamed-exact-progress", test_streamed);
  ADD ("/carrete/client/upload/parallel", test_parallel);
  ADD ("/carrete/client/upload/cancel-direct", test_cancel_direct);
  ADD ("/carrete/client/upload/cancel-streamed", test_cancel_streamed);
  ADD ("/carrete/client/upload/cancel-queued", test_cancel_queued);
  ADD ("/carrete/client/upload/retry-after-failure", test_retry_after_failure);
  ADD ("/carrete/client/upload/duplicate-direct", test_duplicate_direct);
  ADD ("/carrete/client/upload/duplicate-streamed", test_duplicate_streamed);
  ADD ("/carrete/client/upload/bad-files", test_bad_files);
  ADD ("/carrete/client/upload/too-large-direct", test_too_large_direct);
  ADD ("/carrete/client/upload/too-large-streamed", test_too_large_streamed);
  ADD ("/carrete/client/upload/session-expired-keeps-queue", test_session_expired_keeps_queue);
#undef ADD

  status = g_test_run ();
  ct_remove_tree (tmpdir);
  g_free (tmpdir);
  stack_free (stack);
  return status;
}
