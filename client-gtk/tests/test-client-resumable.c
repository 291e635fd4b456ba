#define G_LOG_DOMAIN "carrete-test-client-resumable"

/* Resumable uploads of CarreteUploadQueue against the real stack (photos on
 * MinIO, then on fs storage):
 * - a file over the (lowered) threshold goes the resumable way, with exact
 *   progress, and lands with its exact bytes (SHA-256); no record is left;
 * - the app is killed (SIGKILL: no cleanup at all) after k parts: this
 *   program runs itself as the "app" (--child), the test waits until the
 *   server holds k parts, kills it, and a new client and queue on the same
 *   state directory (a new start of the app) resume the upload and finish
 *   it, sending only the missing parts;
 * - a file changed while the app was away, or an upload the server dropped
 *   (expired), is dropped with a message saying so, and nothing is left
 *   (no record, no upload on the server);
 * - cancel aborts the upload on the server (DELETE) and removes the record;
 * - part URLs that expire before they are used are renewed. */

#include <signal.h>
#include <string.h>

#include "carrete-upload-private.h"
#include "client-test-util.h"
#include "stack.h"

#define MIB (1024 * 1024)
#define THRESHOLD (4 * MIB)
/* The contract's smallest part is 8 MiB: three parts (8 + 8 + 4 MiB). */
#define FILE_BYTES (20 * MIB)
#define PART_BYTES (8 * MIB)

static Stack *stack;
static char *tmpdir;
static char *self_path;

typedef struct
{
  StackUser *user;
  CarreteClient *client;
  CarreteUploadQueue *queue;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->user = stack_user_new (stack, "res");
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  if (fixture->queue != NULL)
    g_assert_finalize_object (g_steal_pointer (&fixture->queue));
  g_clear_object (&fixture->client);
  stack_user_free (fixture->user);
}

/* A new start of the app: a client signed in as the fixture's user, and its
 * queue (which reads the records of this server and account). */
static void
start_app (Fixture *fixture)
{
  fixture->client = ctu_client_new (stack->users.url, stack->photos.url, stack->folders.url);
  ctu_login (fixture->client, fixture->user->name, STACK_PASSWORD);
  fixture->queue = carrete_upload_queue_new (fixture->client);
}

/* The records on disk of the fixture's user on this stack. */
static GPtrArray *
records_of (Fixture *fixture)
{
  return ctu_records (stack->photos.url, fixture->user->id);
}

static void
assert_upload_gone (Fixture *fixture, const char *upload_id)
{
  g_autoptr (CtResponse) status
      = ctu_upload_status (stack->photos.url, fixture->user->token, upload_id);

  g_assert_cmpuint (status->status, ==, 404);
}

static void
assert_no_records (Fixture *fixture)
{
  g_autoptr (GPtrArray) records = records_of (fixture);

  g_assert_cmpuint (records->len, ==, 0);
}

static void
assert_lands (CarreteUpload *upload, GBytes *bytes)
{
  g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  CarretePhoto *photo;

  if (carrete_upload_get_error (upload) != NULL)
    g_error ("upload failed: %s", carrete_upload_get_error (upload)->message);
  g_assert_cmpint (carrete_upload_get_state (upload), ==, CARRETE_UPLOAD_DONE);
  photo = carrete_upload_get_photo (upload);
  g_assert_nonnull (photo);
  g_assert_cmpint (carrete_photo_get_size (photo), ==, (gint64) g_bytes_get_size (bytes));
  g_assert_cmpstr (carrete_photo_get_sha256 (photo), ==, sha256);
  g_assert_cmpuint (carrete_upload_get_bytes_sent (upload), ==, g_bytes_get_size (bytes));
}

/* ---- in one run --------------------------------------------------------------------------- */

typedef struct
{
  guint64 last;
  gboolean decreased;
  guint notifications;
} Progress;

static void
on_bytes_sent (CarreteUpload *upload, GParamSpec *pspec, gpointer user_data)
{
  Progress *progress = user_data;
  guint64 sent = carrete_upload_get_bytes_sent (upload);

  progress->decreased |= sent < progress->last;
  progress->last = sent;
  progress->notifications++;
  g_assert_cmpuint (sent, <=, carrete_upload_get_bytes_total (upload));
}

static void
test_upload (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GBytes) png = ct_png_of_size (FILE_BYTES);
  g_autoptr (GFile) file = ctu_unique_file (tmpdir, "big.png", png);
  g_autofree char *folder_id = stack_folder_new (stack, fixture->user->token, "private", NULL);
  Progress progress = { 0 };
  CarreteUpload *upload;

  start_app (fixture);
  upload = carrete_upload_queue_add_file (fixture->queue, file, folder_id);
  g_signal_connect (upload, "notify::bytes-sent", G_CALLBACK (on_bytes_sent), &progress);
  ctu_wait_upload (upload);
  assert_lands (upload, png);
  g_assert_cmpstr (carrete_photo_get_folder_id (carrete_upload_get_photo (upload)), ==, folder_id);
  g_assert_false (carrete_upload_get_resumed (upload));
  g_assert_false (progress.decreased);
  g_assert_cmpuint (progress.notifications, >, 3);
  g_assert_cmpuint (stack_count_photos (stack, fixture->user->id), ==, 1);
  assert_no_records (fixture);
}

typedef struct
{
  CarreteUploadQueue *queue;
  char *upload_id;
  gboolean cancelled;
} CancelAt;

static void
cancel_after_a_part (CarreteUpload *upload, GParamSpec *pspec, gpointer user_data)
{
  CancelAt *at = user_data;
  const CarreteUploadRecord *record = _carrete_upload_get_record (upload);

  if (!at->cancelled && record != NULL && carrete_upload_get_bytes_sent (upload) > PART_BYTES)
    {
      at->cancelled = TRUE;
      at->upload_id = g_strdup (record->upload_id);
      carrete_upload_queue_cancel (at->queue, upload);
    }
}

static void
test_cancel (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GBytes) png = ct_png_of_size (FILE_BYTES);
  g_autoptr (GFile) file = ctu_unique_file (tmpdir, "cancel.png", png);
  CancelAt at = { 0 };
  CarreteUpload *upload;

  start_app (fixture);
  at.queue = fixture->queue;
  upload = carrete_upload_queue_add_file (fixture->queue, file, NULL);
  g_signal_connect (upload, "notify::bytes-sent", G_CALLBACK (cancel_after_a_part), &at);
  ctu_wait_upload (upload);
  g_assert_true (at.cancelled);
  g_assert_cmpint (carrete_upload_get_state (upload), ==, CARRETE_UPLOAD_CANCELLED);
  g_assert_null (carrete_upload_get_error (upload));
  /* Aborted on the server, forgotten on disk, no photo. */
  assert_upload_gone (fixture, at.upload_id);
  assert_no_records (fixture);
  g_assert_cmpuint (stack_count_photos (stack, fixture->user->id), ==, 0);

  /* It can go again, a new upload from the first byte. */
  g_signal_handlers_disconnect_by_func (upload, cancel_after_a_part, &at);
  carrete_upload_queue_retry (fixture->queue, upload);
  ctu_wait_upload (upload);
  assert_lands (upload, png);
  assert_no_records (fixture);
  g_free (at.upload_id);
}

static void
stall_once (CarreteUpload *upload, GParamSpec *pspec, gpointer user_data)
{
  gboolean *stalled = user_data;

  if (*stalled || carrete_upload_get_bytes_sent (upload) == 0)
    return;
  /* The app hangs for a while: the part URLs not yet used expire. */
  *stalled = TRUE;
  g_usleep (2500 * 1000);
}

/* Part URLs that live one second: the URLs of the first batch expire while
 * the app is busy; the store refuses them (403), the app asks /parts for
 * fresh ones and the upload lands all the same. */
static void
test_expired_part_urls (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GBytes) png = ct_png_of_size (FILE_BYTES);
  g_autoptr (GFile) file = ctu_unique_file (tmpdir, "short.png", png);
  gboolean stalled = FALSE;
  CarreteUpload *upload;

  stack_restart_with (&stack->photos, "CARRETE_URL_TTL", "1");
  start_app (fixture);
  upload = carrete_upload_queue_add_file (fixture->queue, file, NULL);
  g_signal_connect (upload, "notify::bytes-sent", G_CALLBACK (stall_once), &stalled);
  ctu_wait_upload (upload);
  stack_restart_with (&stack->photos, "CARRETE_URL_TTL", NULL);
  g_assert_true (stalled);
  assert_lands (upload, png);
  assert_no_records (fixture);
}

/* The same on Garage, whose answer to an expired URL differs (400 "Date is
 * too old" where the others say 403; for a part PUT it closes the
 * connection before the body, as MinIO does, which is what the app sees
 * here): the upload lands all the same. */
static void
test_expired_part_urls_garage (void)
{
  g_autofree char *why = ct_s3_server_unavailable (CT_S3_GARAGE);
  Stack *on_minio = stack;
  Fixture fixture = { 0 };

  if (why != NULL)
    {
      g_test_skip (why);
      return;
    }
  stack = stack_start_on (CT_S3_GARAGE);
  fixture_set_up (&fixture, NULL);
  test_expired_part_urls (&fixture, NULL);
  fixture_tear_down (&fixture, NULL);
  stack_free (stack);
  stack = on_minio;
}

/* ---- across runs of the app --------------------------------------------------------------- */

/* The "app" of the kill tests: signs in, uploads `path`, and runs until it
 * is killed.  argv: users photos folders username password path. */
static int
child_main (char **argv)
{
  g_autoptr (CarreteClient) client = ctu_client_new (argv[0], argv[1], argv[2]);
  g_autoptr (CarreteUploadQueue) queue = NULL;
  g_autoptr (GFile) file = g_file_new_for_path (argv[5]);
  CarreteUpload *upload;

  ctu_login (client, argv[3], argv[4]);
  queue = carrete_upload_queue_new (client);
  upload = carrete_upload_queue_add_file (queue, file, NULL);
  while (!carrete_upload_is_finished (upload))
    g_main_context_iteration (NULL, TRUE);
  /* Finished before it was killed: the test failed to interrupt it. */
  g_printerr ("child: the upload finished (%s)\n", carrete_upload_get_error (upload) != NULL
                                                       ? carrete_upload_get_error (upload)->message
                                                       : "done");
  return 3;
}

/* Runs the app on `file` and kills it once the server holds `k` parts (but
 * not all).  Returns the upload id, whose record is on disk. */
static char *
upload_and_kill (Fixture *fixture, GFile *file, guint k)
{
  g_autofree char *path = g_file_get_path (file);
  const char *argv[] = { self_path,
                         "--child",
                         stack->users.url,
                         stack->photos.url,
                         stack->folders.url,
                         fixture->user->name,
                         STACK_PASSWORD,
                         path,
                         NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) app = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_NONE, &error);
  g_autofree char *upload_id = NULL;
  guint received;

  g_assert_no_error (error);
  /* The record is written before the first part. */
  upload_id = ctu_wait_record (stack->photos.url, fixture->user->id);
  received = ctu_wait_parts (stack->photos.url, fixture->user->token, upload_id, k);
  g_subprocess_force_exit (app);
  g_assert_true (g_subprocess_wait (app, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (app));
  g_assert_cmpint (g_subprocess_get_term_sig (app), ==, SIGKILL);
  g_assert_cmpuint (received, >=, k);
  g_test_message ("killed the app with %u part(s) on the server", received);
  return g_steal_pointer (&upload_id);
}

static void
on_items_changed (GListModel *model, guint position, guint removed, guint added, gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* The one upload the new start of the app put into its queue, as soon as it
 * is there (before its run has done any I/O). */
static CarreteUpload *
wait_resumed (Fixture *fixture)
{
  g_autoptr (CarreteUpload) upload = NULL;
  gboolean added = FALSE;
  gulong handler
      = g_signal_connect (fixture->queue, "items-changed", G_CALLBACK (on_items_changed), &added);

  ctu_wait_for (&added, 60);
  g_signal_handler_disconnect (fixture->queue, handler);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->queue)), ==, 1);
  upload = g_list_model_get_item (G_LIST_MODEL (fixture->queue), 0);
  g_assert_true (carrete_upload_get_resumed (upload));
  return upload; /* the queue holds it */
}

static void
on_first_progress (CarreteUpload *upload, GParamSpec *pspec, gpointer user_data)
{
  guint64 *first = user_data;

  if (*first == 0)
    *first = carrete_upload_get_bytes_sent (upload);
  /* A part sent again would count twice and pass the total. */
  g_assert_cmpuint (carrete_upload_get_bytes_sent (upload), <=,
                    carrete_upload_get_bytes_total (upload));
}

static void
test_killed_and_resumed (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GBytes) png = ct_png_of_size (FILE_BYTES);
  g_autoptr (GFile) file = ctu_unique_file (tmpdir, "killed.png", png);
  g_autofree char *upload_id = upload_and_kill (fixture, file, 1);
  g_autofree char *basename = g_file_get_basename (file);
  guint64 first = 0;
  CarreteUpload *upload;

  /* The app starts again and signs in: the upload resumes by itself. */
  start_app (fixture);
  upload = wait_resumed (fixture);
  g_signal_connect (upload, "notify::bytes-sent", G_CALLBACK (on_first_progress), &first);
  g_assert_cmpstr (carrete_upload_get_name (upload), ==, basename);
  ctu_wait_upload (upload);
  assert_lands (upload, png);
  /* The parts the store had were counted at once (a PUT counts in chunks
   * of some KiB), and never sent again. */
  g_assert_cmpuint (first, >=, PART_BYTES);
  g_assert_cmpuint (first % (4 * MIB), ==, 0);
  g_assert_cmpuint (stack_count_photos (stack, fixture->user->id), ==, 1);
  assert_upload_gone (fixture, upload_id);
  assert_no_records (fixture);
}

/* The next start of the app drops the killed upload: it ends FAILED with
 * `code`, nothing is left on the server (DELETE sent when it still had the
 * upload) nor on disk, and no photo was made.  The message must say
 * `why`. */
static void
assert_dropped (Fixture *fixture, const char *upload_id, CarreteClientError code, const char *why)
{
  CarreteUpload *upload;

  start_app (fixture);
  upload = wait_resumed (fixture);
  ctu_wait_upload (upload);
  g_assert_cmpint (carrete_upload_get_state (upload), ==, CARRETE_UPLOAD_FAILED);
  g_assert_error ((GError *) carrete_upload_get_error (upload), CARRETE_CLIENT_ERROR, (int) code);
  g_test_message ("%s", carrete_upload_get_error (upload)->message);
  g_assert_nonnull (strstr (carrete_upload_get_error (upload)->message, why));
  assert_upload_gone (fixture, upload_id);
  assert_no_records (fixture);
  g_assert_cmpuint (stack_count_photos (stack, fixture->user->id), ==, 0);
}

static void
test_changed_file_dropped (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GBytes) png = ct_png_of_size (FILE_BYTES);
  g_autoptr (GFile) file = ctu_unique_file (tmpdir, "changed.png", png);
  g_autofree char *upload_id = upload_and_kill (fixture, file, 1);
  g_autoptr (GBytes) other = ct_png_of_size (FILE_BYTES);
  g_autofree char *path = g_file_get_path (file);

  /* Other bytes of the same length: the modification time tells. */
  g_usleep (10 * 1000);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (other, NULL),
                                      (gssize) g_bytes_get_size (other), NULL));
  assert_dropped (fixture, upload_id, CARRETE_CLIENT_ERROR_LOCAL_FILE, "changed since");
}

static void
test_missing_file_dropped (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GBytes) png = ct_png_of_size (FILE_BYTES);
  g_autoptr (GFile) file = ctu_unique_file (tmpdir, "missing.png", png);
  g_autofree char *upload_id = upload_and_kill (fixture, file, 1);

  g_assert_true (g_file_delete (file, NULL, NULL));
  assert_dropped (fixture, upload_id, CARRETE_CLIENT_ERROR_LOCAL_FILE, "can no longer be read");
}

static void
test_expired_upload_dropped (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GBytes) png = ct_png_of_size (FILE_BYTES);
  g_autoptr (GFile) file = ctu_unique_file (tmpdir, "expired.png", png);
  g_autofree char *upload_id = upload_and_kill (fixture, file, 1);
  g_autofree char *path = g_strdup_printf ("/v1/photos/uploads/%s", upload_id);
  g_autoptr (CtResponse) aborted = NULL;

  /* Gone from the server while the app was away (as the sweeper does). */
  aborted = ct_http (stack->photos.url, "DELETE", path, fixture->user->token, NULL);
  g_assert_cmpuint (aborted->status, ==, 204);
  assert_dropped (fixture, upload_id, CARRETE_CLIENT_ERROR_NOT_FOUND, "expired");
}

/* Another account on the same machine does not see the record. */
static void
test_other_account_ignores (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GBytes) png = ct_png_of_size (FILE_BYTES);
  g_autoptr (GFile) file = ctu_unique_file (tmpdir, "mine.png", png);
  g_autofree char *upload_id = upload_and_kill (fixture, file, 1);
  g_autoptr (StackUser) other = stack_user_new (stack, "oth");
  g_autoptr (CarreteClient) client
      = ctu_client_new (stack->users.url, stack->photos.url, stack->folders.url);
  g_autoptr (CarreteUploadQueue) queue = NULL;
  gboolean never = FALSE;

  ctu_login (client, other->name, STACK_PASSWORD);
  queue = carrete_upload_queue_new (client);
  ctu_wait_for (&never, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (queue)), ==, 0);
  g_assert_finalize_object (g_steal_pointer (&queue));

  /* The owner's next start finishes it. */
  start_app (fixture);
  {
    CarreteUpload *upload = wait_resumed (fixture);

    ctu_wait_upload (upload);
    assert_lands (upload, png);
  }
  assert_no_records (fixture);
  (void)upload_id;
}

/* ---- on fs storage ------------------------------------------------------------------------ */

static void
restart_photos_on_fs (void)
{
  g_autofree char *dir = g_build_filename (tmpdir, "storage", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  stack->photos.env = g_environ_setenv (stack->photos.env, "CARRETE_STORAGE_DIR", dir, TRUE);
  stack_restart_with (&stack->photos, "CARRETE_STORAGE", "fs");
}

static void
test_fs (Fixture *fixture, gconstpointer data)
{
  restart_photos_on_fs ();
  test_upload (fixture, data);
  g_assert_finalize_object (g_steal_pointer (&fixture->queue));
  g_clear_object (&fixture->client);
  stack_user_free (fixture->user);
  fixture->user = stack_user_new (stack, "rfs");
  test_killed_and_resumed (fixture, data);
}

int
main (int argc, char **argv)
{
  g_autofree char *state = NULL;
  int status;

  if (argc > 1 && g_str_equal (argv[1], "--child"))
    {
      g_assert_cmpint (argc, ==, 8);
      return child_main (argv + 2);
    }
  g_test_init (&argc, &argv, NULL);
  self_path = g_canonicalize_filename (argv[0], NULL);
  tmpdir = ct_make_tmpdir ("carrete-resumable-XXXXXX");
  /* The state directory of both "apps"; set before GLib reads it. */
  state = g_build_filename (tmpdir, "state", NULL);
  g_setenv ("XDG_STATE_HOME", state, TRUE);
  g_setenv ("CARRETE_DESKTOP_RESUMABLE_BYTES", G_STRINGIFY (THRESHOLD), TRUE);
  stack = stack_start ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/carrete/client/resumable/upload", test_upload);
  ADD ("/carrete/client/resumable/cancel", test_cancel);
  ADD ("/carrete/client/resumable/killed-and-resumed", test_killed_and_resumed);
  ADD ("/carrete/client/resumable/changed-file-dropped", test_changed_file_dropped);
  ADD ("/carrete/client/resumable/missing-file-dropped", test_missing_file_dropped);
  ADD ("/carrete/client/resumable/expired-upload-dropped", test_expired_upload_dropped);
  ADD ("/carrete/client/resumable/other-account-ignores", test_other_account_ignores);
  ADD ("/carrete/client/resumable/expired-part-urls", test_expired_part_urls);
  g_test_add_func ("/carrete/client/resumable/expired-part-urls-garage",
                   test_expired_part_urls_garage);
  /* Last: it moves photos to fs storage for good. */
  ADD ("/carrete/client/resumable/fs", test_fs);
#undef ADD

  status = g_test_run ();
  ct_remove_tree (tmpdir);
  g_free (tmpdir);
  g_free (self_path);
  stack_free (stack);
  return status;
}
