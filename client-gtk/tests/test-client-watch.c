#define G_LOG_DOMAIN "carrete-test-client-watch"

/* CarreteWatcher (the desktop's watched folders) on the real stack: files
 * added while it runs (a sub-folder, a large one on the resumable path, a
 * non-image skipped), while it is closed (a new watcher on the same state
 * finds them, a changed file is sent again, nothing twice), while
 * carrete-photos is down (offline, then each arrives once), a file still
 * being written (sent once, complete), a local delete (nothing happens on
 * the server unless the folder's switch is on: then into the trash), pause
 * and resume.  "Exactly once" is checked on the server:
 * the user's photo rows and their SHA-256 against the files'. */

#include <string.h>

#include <glib/gstdio.h>

#include "client-test-util.h"
#include "stack.h"

#define RESUMABLE_BYTES (1024 * 1024)

static Stack *stack;
static char *tmpdir;

typedef struct
{
  StackUser *user;
  CarreteClient *client;
  CarreteUploadQueue *queue;
  CarreteWatcher *watcher;
  char *folder_id;
  char *dir;         /* watched */
  char *state;       /* the watcher's state dir */
  GPtrArray *hashes; /* SHA-256 of every image written */
} Fixture;

static void
watcher_open (Fixture *fixture)
{
  fixture->queue = carrete_upload_queue_new (fixture->client);
  fixture->watcher = carrete_watcher_new (fixture->queue, fixture->state);
}

static void
watcher_close (Fixture *fixture)
{
  carrete_upload_queue_suspend_all (fixture->queue);
  g_assert_finalize_object (g_steal_pointer (&fixture->watcher));
  g_assert_finalize_object (g_steal_pointer (&fixture->queue));
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (CarreteWatchedFolder) folder = NULL;
  g_autoptr (GError) error = NULL;

  fixture->user = stack_user_new (stack, "watch");
  fixture->client = ctu_client_new (stack->users.url, stack->photos.url, stack->folders.url);
  ctu_login (fixture->client, fixture->user->name, STACK_PASSWORD);
  fixture->folder_id = stack_folder_new (stack, fixture->user->token, "private", NULL);
  fixture->dir = g_build_filename (tmpdir, fixture->user->name, "watched", NULL);
  fixture->state = g_build_filename (tmpdir, fixture->user->name, "state", NULL);
  g_assert_cmpint (g_mkdir_with_parents (fixture->dir, 0700), ==, 0);
  fixture->hashes = g_ptr_array_new_with_free_func (g_free);
  watcher_open (fixture);
  folder = carrete_watched_folder_new (fixture->dir, fixture->folder_id, "target");
  g_assert_true (carrete_watcher_add (fixture->watcher, folder, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  watcher_close (fixture);
  g_clear_object (&fixture->client);
  g_clear_pointer (&fixture->hashes, g_ptr_array_unref);
  g_free (fixture->folder_id);
  g_free (fixture->dir);
  g_free (fixture->state);
  stack_user_free (fixture->user);
}

/* Writes a unique PNG (`size` bytes, 0: small) under the watched folder
 * and remembers its SHA-256. */
static char *
add_image (Fixture *fixture, const char *name, gsize size)
{
  g_autoptr (GBytes) png = size > 0 ? ct_png_of_size (size) : ct_unique_png (name);
  char *path = g_build_filename (fixture->dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  g_file_set_contents (path, g_bytes_get_data (png, NULL), (gssize) g_bytes_get_size (png), &error);
  g_assert_no_error (error);
  g_ptr_array_add (fixture->hashes, g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, png));
  return path;
}

/* The server has each image written exactly once, and nothing else. */
static void
assert_exactly_once (Fixture *fixture)
{
  g_autofree char *got = stack_photo_hashes (stack, fixture->user->id);
  g_autofree char *expected = ctu_join_sorted (fixture->hashes);

  g_assert_cmpstr (got, ==, expected);
}

/* Spins until `n` photos were sent and nothing waits (2 minutes at most). */
static void
wait_sent (Fixture *fixture, guint n)
{
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  while (!(carrete_watcher_get_n_sent (fixture->watcher) >= n
           && carrete_watcher_get_n_pending (fixture->watcher) == 0))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpuint (carrete_watcher_get_n_sent (fixture->watcher), ==, n);
}

/* Spins the main context for `ms` milliseconds. */
static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (10000);
}

static void
test_running (Fixture *fixture, gconstpointer data)
{
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *big = NULL;
  g_autofree char *text = g_build_filename (fixture->dir, "notes.txt", NULL);

  spin (500); /* the first scan found an empty folder */
  a = add_image (fixture, "a.png", 0);
  b = add_image (fixture, "b.png", 0);
  c = add_image (fixture, "sub/c.png", 0);
  big = add_image (fixture, "big.png", RESUMABLE_BYTES + 300 * 1024);
  g_assert_true (g_file_set_contents (text, "not an image\n", -1, NULL));
  wait_sent (fixture, 4);
  assert_exactly_once (fixture);
  g_assert_cmpuint (carrete_watcher_get_n_skipped (fixture->watcher), ==, 1);
  /* Nothing more comes of waiting. */
  spin (2500);
  g_assert_cmpuint (carrete_watcher_get_n_pending (fixture->watcher), ==, 0);
  g_assert_cmpuint (stack_count_live_photos (stack, fixture->user->id), ==, 4);
}

static void
test_closed (Fixture *fixture, gconstpointer data)
{
  g_autofree char *a = add_image (fixture, "a.png", 0);
  g_autofree char *b = add_image (fixture, "b.png", 0);
  g_autofree char *c = NULL, *d = NULL, *changed = NULL;

  wait_sent (fixture, 2);
  watcher_close (fixture);
  /* While the app is closed: two new files, and one replaced by other bytes. */
  c = add_image (fixture, "c.png", 0);
  d = add_image (fixture, "later/d.png", 0);
  changed = add_image (fixture, "a.png", 0);
  spin (1100); /* older than the settling time: found by the scan itself */
  watcher_open (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (carrete_watcher_get_folders (fixture->watcher)), ==,
                    1);
  wait_sent (fixture, 3);
  assert_exactly_once (fixture);
  /* A third start finds everything sent. */
  watcher_close (fixture);
  watcher_open (fixture);
  spin (3000);
  g_assert_cmpuint (carrete_watcher_get_n_sent (fixture->watcher), ==, 0);
  g_assert_cmpuint (carrete_watcher_get_n_pending (fixture->watcher), ==, 0);
  assert_exactly_once (fixture);
}

static void
on_offline (CarreteWatcher *watcher, GParamSpec *pspec, gpointer user_data)
{
  if (carrete_watcher_get_offline (watcher))
    *(gboolean *)user_data = TRUE;
}

static void
test_photos_down (Fixture *fixture, gconstpointer data)
{
  g_autofree char *a = NULL, *b = NULL, *c = NULL;
  gboolean went_offline = FALSE;

  g_signal_connect (fixture->watcher, "notify::offline", G_CALLBACK (on_offline), &went_offline);
  spin (500);
  stack_stop (&stack->photos);
  a = add_image (fixture, "a.png", 0);
  b = add_image (fixture, "b.png", 0);
  c = add_image (fixture, "c.png", 0);
  g_assert_true (ctu_wait_for (&went_offline, 60));
  spin (2000); /* a retry or two, still down */
  g_assert_cmpuint (carrete_watcher_get_n_sent (fixture->watcher), ==, 0);
  g_assert_cmpuint (carrete_watcher_get_n_pending (fixture->watcher), ==, 3);
  stack_restart (&stack->photos);
  wait_sent (fixture, 3);
  g_assert_false (carrete_watcher_get_offline (fixture->watcher));
  assert_exactly_once (fixture);
}

static void
test_still_written (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GBytes) png = ct_png_of_size (600 * 1024);
  g_autofree char *path = g_build_filename (fixture->dir, "slow.png", NULL);
  gsize size = g_bytes_get_size (png), chunk = size / 12;
  const guint8 *bytes = g_bytes_get_data (png, NULL);
  FILE *out;

  spin (500);
  out = fopen (path, "wb");
  g_assert_nonnull (out);
  /* Twelve pieces, 250 ms apart: three seconds of a file that grows. */
  for (gsize offset = 0; offset < size; offset += chunk)
    {
      g_assert_cmpuint (fwrite (bytes + offset, 1, MIN (chunk, size - offset), out), >, 0);
      g_assert_cmpint (fflush (out), ==, 0);
      spin (250);
    }
  g_assert_cmpint (fclose (out), ==, 0);
  g_ptr_array_add (fixture->hashes, g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, png));
  wait_sent (fixture, 1);
  spin (2000);
  g_assert_cmpuint (carrete_watcher_get_n_sent (fixture->watcher), ==, 1);
  assert_exactly_once (fixture);
}

static void
test_local_delete (Fixture *fixture, gconstpointer data)
{
  g_autofree char *a = add_image (fixture, "a.png", 0);
  g_autoptr (CarreteWatchedFolder) folder
      = g_list_model_get_item (carrete_watcher_get_folders (fixture->watcher), 0);

  wait_sent (fixture, 1);
  g_assert_cmpint (g_unlink (a), ==, 0);
  spin (3000);
  /* The switch is off: the server keeps it. */
  g_assert_false (carrete_watched_folder_get_delete_on_server (folder));
  assert_exactly_once (fixture);
}

/* With the folder's switch on, a local delete trashes the photo on the
 * server; the other file's photo stays. */
static void
test_local_delete_switch_on (Fixture *fixture, gconstpointer data)
{
  g_autoptr (CarreteWatchedFolder) folder
      = g_list_model_get_item (carrete_watcher_get_folders (fixture->watcher), 0);
  g_autofree char *a = add_image (fixture, "a.png", 0);
  g_autofree char *b = add_image (fixture, "b.png", 0);
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  carrete_watched_folder_set_delete_on_server (folder, TRUE);
  wait_sent (fixture, 2);
  g_assert_cmpint (g_unlink (a), ==, 0);
  while (stack_count_live_photos (stack, fixture->user->id) != 1)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      spin (100);
    }
  g_ptr_array_remove_index (fixture->hashes, 0);
  assert_exactly_once (fixture);
  g_assert_cmpuint (stack_count_photos (stack, fixture->user->id), ==, 2); /* one in the trash */
}

static void
test_pause (Fixture *fixture, gconstpointer data)
{
  g_autofree char *a = NULL, *b = NULL;

  carrete_watcher_set_paused (fixture->watcher, TRUE);
  a = add_image (fixture, "a.png", 0);
  b = add_image (fixture, "b.png", 0);
  spin (4000);
  g_assert_cmpuint (carrete_watcher_get_n_pending (fixture->watcher), ==, 2);
  g_assert_cmpuint (stack_count_photos (stack, fixture->user->id), ==, 0);
  carrete_watcher_set_paused (fixture->watcher, FALSE);
  wait_sent (fixture, 2);
  assert_exactly_once (fixture);
}

static void
test_list_kept (Fixture *fixture, gconstpointer data)
{
  g_autofree char *inside = g_build_filename (fixture->dir, "sub", NULL);
  g_autoptr (CarreteWatchedFolder) nested = carrete_watched_folder_new (inside, NULL, NULL);
  g_autoptr (CarreteWatchedFolder) first
      = g_list_model_get_item (carrete_watcher_get_folders (fixture->watcher), 0);
  g_autoptr (CarreteWatchedFolder) again = NULL;
  g_autoptr (GError) error = NULL;

  /* A folder inside a watched one would send its files twice. */
  g_assert_false (carrete_watcher_add (fixture->watcher, nested, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);
  carrete_watched_folder_set_delete_on_server (first, TRUE);
  g_assert_true (carrete_watcher_save (fixture->watcher, NULL));
  watcher_close (fixture);
  watcher_open (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (carrete_watcher_get_folders (fixture->watcher)), ==,
                    1);
  again = g_list_model_get_item (carrete_watcher_get_folders (fixture->watcher), 0);
  g_assert_cmpstr (carrete_watched_folder_get_path (again), ==, fixture->dir);
  g_assert_cmpstr (carrete_watched_folder_get_folder_id (again), ==, fixture->folder_id);
  g_assert_true (carrete_watched_folder_get_delete_on_server (again));
  {
    /* Another account on the same machine has a list of its own. */
    g_autoptr (StackUser) other = stack_user_new (stack, "watch2");
    g_autoptr (CarreteClient) client
        = ctu_client_new (stack->users.url, stack->photos.url, stack->folders.url);
    g_autoptr (CarreteUploadQueue) queue = NULL;
    g_autoptr (CarreteWatcher) watcher = NULL;

    ctu_login (client, other->name, STACK_PASSWORD);
    queue = carrete_upload_queue_new (client);
    watcher = carrete_watcher_new (queue, fixture->state);
    g_assert_cmpuint (g_list_model_get_n_items (carrete_watcher_get_folders (watcher)), ==, 0);
  }
  g_assert_true (carrete_watcher_remove (fixture->watcher, again, &error));
  g_assert_no_error (error);
  watcher_close (fixture);
  watcher_open (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (carrete_watcher_get_folders (fixture->watcher)), ==,
                    0);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_setenv ("CARRETE_DESKTOP_RESUMABLE_BYTES", G_STRINGIFY (RESUMABLE_BYTES), TRUE);
  tmpdir = ct_make_tmpdir ("carrete-watch-XXXXXX");
  {
    g_autofree char *state = g_build_filename (tmpdir, "xdg-state", NULL);
    g_setenv ("XDG_STATE_HOME", state, TRUE);
  }
  stack = stack_start ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/carrete/client/watch/added-while-running", test_running);
  ADD ("/carrete/client/watch/added-while-closed", test_closed);
  ADD ("/carrete/client/watch/added-while-photos-down", test_photos_down);
  ADD ("/carrete/client/watch/still-being-written", test_still_written);
  ADD ("/carrete/client/watch/local-delete-kept", test_local_delete);
  ADD ("/carrete/client/watch/local-delete-switch-on", test_local_delete_switch_on);
  ADD ("/carrete/client/watch/pause", test_pause);
  ADD ("/carrete/client/watch/list-kept", test_list_kept);
#undef ADD

  status = g_test_run ();
  ct_remove_tree (tmpdir);
  g_free (tmpdir);
  stack_free (stack);
  return status;
}
