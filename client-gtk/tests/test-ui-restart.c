#define G_LOG_DOMAIN "carrete-test-ui-restart"

/* Issue 14's check on the real app: carrete-desktop, closed mid-upload and
 * started again, resumes the upload.  The built carrete-desktop binary runs
 * under Xvfb with a private D-Bus session and keyring (run-under-xvfb.sh),
 * against the real stack (PostgreSQL, MinIO, the three services):
 * - the user's session is in the keyring, as an earlier sign-in left it;
 * - `carrete-desktop FILE` uploads the file as a drop would; it is over the
 *   lowered resumable threshold: 20 MiB, three parts (8 + 8 + 4 MiB, the
 *   server's smallest part is 8 MiB);
 * - once the store holds k >= 1 parts but not all, the app is closed: by
 *   SIGKILL (no cleanup at all), by its quit action (app.quit over D-Bus,
 *   what Ctrl+Q does), or by closing its window (WM_DELETE_WINDOW, what the
 *   close button does: the window cancels its uploads on the way out); a
 *   normal close must leave the upload for later, and end cleanly;
 * - carrete-desktop starts again (same $XDG_STATE_HOME, same keyring): it
 *   must finish the same upload (the photo is made of the upload's objects,
 *   and no other upload was begun), sending only the parts the store did
 *   not have (the bytes the app sent through a relay in front of MinIO, the
 *   endpoint its part URLs name), and the photo ends ready with the file's
 *   SHA-256, shown in the app's gallery, with no record left on disk.
 * What the app does is read from the server, the disk and its debug log
 * (G_MESSAGES_DEBUG: the queue says which upload it resumes, the window
 * which photo it adds to the gallery).
 * And the watched folders on the same real app: images added before it
 * starts, while it runs, while it is closed (started again with
 * --background) and while carrete-photos is down each arrive once. */

#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>

#include "carrete-test-relay.h"
#include "carrete-upload-record.h"
#include "client-test-util.h"
#include "stack.h"

#define MIB (1024 * 1024)
#define THRESHOLD (4 * MIB)
#define FILE_BYTES (20 * MIB)
#define PART_COUNT 3
/* Request headers, and the app's few GETs of thumbnails, on top of the
 * parts' bytes through the relay. */
#define HEADER_SLACK (256 * 1024)
#define UPLINK_BYTES_PER_SECOND (8 * MIB)
#define APP_ID "org.carrete.Desktop"
#define WAIT_SECONDS 60

static Stack *stack;
static CtRelay *relay;
static char *tmpdir;
static char *app_binary;

typedef struct
{
  StackUser *user;
  GBytes *png;
  GFile *file;
  guint runs;
} Fixture;

typedef struct
{
  GSubprocess *process;
  char *log_path;
} App;

/* ---- the session in the keyring ------------------------------------------------------------- */

/* What a sign-in in the app leaves: the user's session in the keyring, which
 * the next start restores. */
static void
keep_session (Fixture *fixture)
{
  g_autoptr (CarreteClient) client
      = ctu_client_new (stack->users.url, stack->photos.url, stack->folders.url);
  g_autoptr (CarreteKeyringEntry) entry = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  ctu_login (client, fixture->user->name, STACK_PASSWORD);
  entry = carrete_keyring_entry_new_from_client (client);
  carrete_keyring_store_async (entry, NULL, ctu_on_result, &result);
  g_assert_true (carrete_keyring_store_finish (ctu_await (&result), &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->user = stack_user_new (stack, "rst");
  fixture->png = ct_png_of_size (FILE_BYTES);
  fixture->file = ctu_unique_file (tmpdir, "big.png", fixture->png);
  keep_session (fixture);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->file);
  g_clear_pointer (&fixture->png, g_bytes_unref);
  stack_user_free (fixture->user);
}

/* ---- the app ---------------------------------------------------------------------------------- */

static char *
app_log (App *app)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents (app->log_path, &text, NULL, NULL))
    return g_strdup ("");
  return g_steal_pointer (&text);
}

static void
app_environment (GSubprocessLauncher *launcher)
{
  const char *asan = g_getenv ("ASAN_OPTIONS");
  g_autofree char *fast = g_strconcat (asan != NULL ? asan : "", asan != NULL ? ":" : "",
                                       "fast_unwind_on_malloc=1", NULL);

  /* What the test reads: which upload the queue resumes, which photo the
   * window adds to the gallery. */
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "carrete-upload-queue carrete-window",
                                TRUE);
  /* ASan's slow unwinder on every malloc makes a start of the app take ten
   * seconds; the frame-pointer one takes one.  Leaks are still checked at
   * its exit.  Without GL no driver is loaded (and unloaded at exit, which
   * leaves its allocations without a module to name or to suppress). */
  g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", fast, TRUE);
  g_subprocess_launcher_setenv (launcher, "GDK_DEBUG", "gl-disable", TRUE);
}

/* Starts carrete-desktop with `path` (NULL: none) on its command line.  Its
 * output goes to a file; the environment is this test's (the display, the
 * D-Bus session, $XDG_STATE_HOME, the resumable threshold). */
static App *
app_start (Fixture *fixture, const char *path)
{
  g_autoptr (GSubprocessLauncher) launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr (GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("app-%s-%u.log", fixture->user->name, ++fixture->runs);
  App *app = g_new0 (App, 1);

  app->log_path = g_build_filename (tmpdir, name, NULL);
  g_subprocess_launcher_set_stdout_file_path (launcher, app->log_path);
  app_environment (launcher);
  app->process = g_subprocess_launcher_spawn (launcher, &error, app_binary, path, NULL);
  g_assert_no_error (error);
  g_test_message ("started carrete-desktop %s (output: %s)", path != NULL ? path : "",
                  app->log_path);
  return app;
}

static void
app_free (App *app)
{
  g_clear_object (&app->process);
  g_free (app->log_path);
  g_free (app);
}

static void
on_app_exited (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

static GDBusConnection *
session_bus (void)
{
  g_autoptr (GError) error = NULL;
  GDBusConnection *bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);

  g_assert_no_error (error);
  return bus;
}

static gboolean
app_name_owned (GDBusConnection *bus)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
      bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
      "NameHasOwner", g_variant_new ("(s)", APP_ID), G_VARIANT_TYPE ("(b)"),
      G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  gboolean owned = FALSE;

  g_assert_no_error (error);
  g_variant_get (reply, "(b)", &owned);
  return owned;
}

/* Waits until the app has ended and its D-Bus name is free again, so that
 * the next start is the primary instance and not a remote one. */
static void
app_wait_gone (App *app)
{
  g_autoptr (GDBusConnection) bus = session_bus ();
  gboolean exited = FALSE;

  g_subprocess_wait_async (app->process, NULL, on_app_exited, &exited);
  if (!ctu_wait_for (&exited, WAIT_SECONDS))
    {
      g_autofree char *log = app_log (app);

      g_error ("carrete-desktop did not end; it said:\n%s", log);
    }
  for (guint i = 0; i < 250 && app_name_owned (bus); i++)
    g_usleep (20 * 1000);
  g_assert_false (app_name_owned (bus));
}

/* SIGKILL, as a crash or a power cut: no cleanup at all. */
static void
app_kill (App *app)
{
  g_subprocess_force_exit (app->process);
  app_wait_gone (app);
  g_assert_true (g_subprocess_get_if_signaled (app->process));
  g_assert_cmpint (g_subprocess_get_term_sig (app->process), ==, SIGKILL);
}

/* Waits until the app has ended by itself, cleanly (status 0: under ASan
 * that is also no leak report). */
static void
app_wait_clean_exit (App *app)
{
  app_wait_gone (app);
  if (!g_subprocess_get_if_exited (app->process) || g_subprocess_get_exit_status (app->process) != 0)
    {
      g_autofree char *log = app_log (app);

      g_error ("carrete-desktop did not end cleanly; it said:\n%s", log);
    }
}

/* The app's quit action, as Ctrl+Q or the menu call it (here over D-Bus,
 * where GApplication exports it). */
static void
app_quit (App *app)
{
  g_autoptr (GDBusConnection) bus = session_bus ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
      bus, APP_ID, "/org/carrete/Desktop", "org.gtk.Actions", "Activate",
      g_variant_new ("(sava{sv})", "quit", NULL, NULL), NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL,
      &error);

  g_assert_no_error (error);
  app_wait_clean_exit (app);
}

/* The app's mapped top-level X window (its _NET_WM_PID is the app's), or
 * None. */
static Window
app_x_window (Display *display, unsigned long pid)
{
  Atom wm_pid = XInternAtom (display, "_NET_WM_PID", False);
  Window root = DefaultRootWindow (display), parent = None, *children = NULL;
  unsigned int n = 0;
  Window found = None;

  if (!XQueryTree (display, root, &root, &parent, &children, &n))
    return None;
  for (unsigned int i = 0; i < n && found == None; i++)
    {
      unsigned char *data = NULL;
      unsigned long items = 0, after = 0;
      Atom type = None;
      int format = 0;
      XWindowAttributes attributes;

      if (XGetWindowProperty (display, children[i], wm_pid, 0, 1, False, XA_CARDINAL, &type,
                              &format, &items, &after, &data)
              == Success
          && data != NULL && items == 1 && *(unsigned long *) data == pid
          && XGetWindowAttributes (display, children[i], &attributes)
          && attributes.map_state == IsViewable)
        found = children[i];
      if (data != NULL)
        XFree (data);
    }
  if (children != NULL)
    XFree (children);
  return found;
}

/* Closes the app's window as its close button or the window manager does
 * (WM_DELETE_WINDOW): the app ends with its last window. */
static void
app_close_window (App *app)
{
  Display *display = XOpenDisplay (NULL);
  unsigned long pid = g_ascii_strtoull (g_subprocess_get_identifier (app->process), NULL, 10);
  Window window = None;
  XEvent event = { 0 };

  g_assert_nonnull (display);
  for (guint i = 0; i < 250 && (window = app_x_window (display, pid)) == None; i++)
    g_usleep (20 * 1000);
  g_assert_true (window != None);
  event.xclient.type = ClientMessage;
  event.xclient.window = window;
  event.xclient.message_type = XInternAtom (display, "WM_PROTOCOLS", False);
  event.xclient.format = 32;
  event.xclient.data.l[0] = (long) XInternAtom (display, "WM_DELETE_WINDOW", False);
  event.xclient.data.l[1] = CurrentTime;
  g_assert_true (XSendEvent (display, window, False, NoEventMask, &event));
  XCloseDisplay (display);
  app_wait_clean_exit (app);
}

/* Waits until the app's log holds `text`. */
static void
app_wait_log (App *app, const char *text)
{
  for (guint i = 0; i < WAIT_SECONDS * 20; i++)
    {
      g_autofree char *log = app_log (app);

      if (strstr (log, text) != NULL)
        return;
      g_usleep (50 * 1000);
    }
  {
    g_autofree char *log = app_log (app);

    g_error ("carrete-desktop never said \"%s\"; it said:\n%s", text, log);
  }
}

/* ---- the server's side ---------------------------------------------------------------------- */

/* The bytes of the parts the store holds of `upload_id` (asserting that it
 * still has the upload), and how many parts that is in *count. */
static guint64
bytes_held (Fixture *fixture, const char *upload_id, guint *count)
{
  g_autoptr (CtResponse) status
      = ctu_upload_status (stack->photos.url, fixture->user->token, upload_id);
  JsonArray *parts;
  guint64 bytes = 0;

  g_assert_cmpuint (status->status, ==, 200);
  *count = ctu_parts_received (status);
  parts = json_object_get_array_member (ct_response_object (status), "parts_received");
  for (guint i = 0; i < *count; i++)
    bytes += (guint64) json_object_get_int_member (json_array_get_object_element (parts, i), "size");
  return bytes;
}

/* Where the upload's object goes in storage: a photo made from this upload
 * has the same prefix. */
static char *
upload_prefix (const char *upload_id)
{
  g_autofree char *row = stack_row_id (stack, upload_id);

  return stack_sql (stack, "photos", "SELECT object_prefix FROM uploads WHERE id = $1", row);
}

static guint
open_uploads (Fixture *fixture)
{
  g_autofree char *owner = stack_row_id (stack, fixture->user->id);
  g_autofree char *count
      = stack_sql (stack, "photos", "SELECT count(*) FROM uploads WHERE owner_id = $1", owner);

  return (guint) g_ascii_strtoull (count, NULL, 10);
}

/* The user's one ready photo, once there is one (a minute at most). */
static JsonObject *
wait_photo (Fixture *fixture)
{
  for (guint i = 0; i < WAIT_SECONDS * 10; i++)
    {
      g_autoptr (CtResponse) list
          = ct_http (stack->photos.url, "GET", "/v1/photos", fixture->user->token, NULL);
      JsonArray *items;

      g_assert_cmpuint (list->status, ==, 200);
      items = json_object_get_array_member (ct_response_object (list), "items");
      if (json_array_get_length (items) > 0)
        {
          g_assert_cmpuint (json_array_get_length (items), ==, 1);
          return json_object_ref (json_array_get_object_element (items, 0));
        }
      g_usleep (100 * 1000);
    }
  g_error ("no photo of %s appeared", fixture->user->name);
}

static GPtrArray *
records_of (Fixture *fixture)
{
  return ctu_records (stack->photos.url, fixture->user->id);
}

static gboolean
has_record (Fixture *fixture, const char *upload_id)
{
  g_autoptr (GPtrArray) records = records_of (fixture);

  for (guint i = 0; i < records->len; i++)
    if (g_str_equal (((CarreteUploadRecord *) records->pdata[i])->upload_id, upload_id))
      return TRUE;
  return FALSE;
}

static guint
n_records (Fixture *fixture)
{
  g_autoptr (GPtrArray) records = records_of (fixture);

  return records->len;
}

/* ---- the test --------------------------------------------------------------------------------- */

typedef void (*CloseApp) (App *app);

/* Runs the app on the fixture's file and closes it with `close_app` once
 * the store holds at least one part.  Returns the upload's id; the parts
 * the store holds then are in *held_bytes. */
static char *
upload_and_close (Fixture *fixture, CloseApp close_app, guint64 *held_bytes)
{
  g_autofree char *path = g_file_get_path (fixture->file);
  App *app = app_start (fixture, path);
  g_autofree char *upload_id = ctu_wait_record (stack->photos.url, fixture->user->id);
  guint parts = ctu_wait_parts (stack->photos.url, fixture->user->token, upload_id, 1);

  g_assert_cmpuint (parts, >=, 1);
  close_app (app);
  app_free (app);

  /* The upload is still on the server, unfinished, and on disk. */
  *held_bytes = bytes_held (fixture, upload_id, &parts);
  g_test_message ("closed the app with %u of %u parts (%" G_GUINT64_FORMAT " bytes) in the store",
                  parts, PART_COUNT, *held_bytes);
  g_assert_cmpuint (parts, >=, 1);
  if (parts >= PART_COUNT)
    g_error ("the upload was whole before the app was closed: nothing left to resume");
  g_assert_cmpuint (*held_bytes, <, FILE_BYTES);
  g_assert_true (has_record (fixture, upload_id));
  g_assert_cmpuint (stack_count_photos (stack, fixture->user->id), ==, 0);
  return g_steal_pointer (&upload_id);
}

static void
assert_resumes (Fixture *fixture, CloseApp close_app)
{
  guint64 held = 0;
  g_autofree char *upload_id = upload_and_close (fixture, close_app, &held);
  g_autofree char *prefix = upload_prefix (upload_id);
  g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, fixture->png);
  g_autofree char *resuming = g_strdup_printf ("resuming upload %s ", upload_id);
  g_autofree char *shown = NULL;
  g_autofree char *photo_row = NULL;
  g_autofree char *photo_prefix = NULL;
  g_autoptr (JsonObject) photo = NULL;
  guint64 sent;
  App *app;

  g_assert_nonnull (prefix);
  /* Only what the new start sends counts. */
  ct_relay_reset (relay);
  app = app_start (fixture, NULL);

  /* It resumes that upload, by itself, and it lands whole. */
  app_wait_log (app, resuming);
  photo = wait_photo (fixture);
  g_assert_cmpstr (json_object_get_string_member (photo, "sha256"), ==, sha256);
  g_assert_cmpint (json_object_get_int_member (photo, "size"), ==, FILE_BYTES);
  photo_row = stack_row_id (stack, json_object_get_string_member (photo, "id"));
  photo_prefix = stack_sql (stack, "photos", "SELECT object_prefix FROM photos WHERE id = $1",
                            photo_row);
  /* The same upload made the photo, and no other was begun. */
  g_assert_cmpstr (photo_prefix, ==, prefix);
  g_assert_cmpuint (open_uploads (fixture), ==, 0);
  {
    g_autoptr (CtResponse) status
        = ctu_upload_status (stack->photos.url, fixture->user->token, upload_id);

    g_assert_cmpuint (status->status, ==, 404);
  }

  /* Only the parts the store did not have went again. */
  sent = ct_relay_bytes_sent (relay);
  g_test_message ("the new start sent %" G_GUINT64_FORMAT " bytes for the %" G_GUINT64_FORMAT
                  " missing",
                  sent, (guint64) FILE_BYTES - held);
  g_assert_cmpuint (sent, >=, FILE_BYTES - held);
  g_assert_cmpuint (sent, <, FILE_BYTES - held + HEADER_SLACK);
  g_assert_cmpuint (sent, <, FILE_BYTES);

  /* The gallery shows it, and the record is gone. */
  shown = g_strdup_printf ("photo %s shown in the gallery", json_object_get_string_member (photo, "id"));
  app_wait_log (app, shown);
  for (guint i = 0; i < WAIT_SECONDS * 20 && n_records (fixture) > 0; i++)
    g_usleep (50 * 1000);
  g_assert_cmpuint (n_records (fixture), ==, 0);
  g_assert_cmpuint (stack_count_photos (stack, fixture->user->id), ==, 1);

  app_quit (app);
  app_free (app);
}

/* ---- watched folders on the real app ------------------------------------------------------- */

static void
add_watched_image (const char *dir, const char *name, GPtrArray *hashes)
{
  g_autoptr (GBytes) png = ct_unique_png (name);
  g_autofree char *path = ctu_write_file (dir, name, png);

  g_ptr_array_add (hashes, g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, png));
}

/* Waits until the server holds exactly the images written (each once). */
static void
wait_exactly (Fixture *fixture, GPtrArray *hashes, App *app)
{
  g_autofree char *expected = ctu_join_sorted (hashes);
  gint64 deadline = g_get_monotonic_time () + 2 * WAIT_SECONDS * G_USEC_PER_SEC;

  for (;;)
    {
      g_autofree char *got = stack_photo_hashes (stack, fixture->user->id);

      if (g_strcmp0 (got, expected) == 0)
        break;
      if (g_get_monotonic_time () > deadline)
        {
          g_autofree char *log = app_log (app);

          g_error ("the server has %s, not %s; the app said:\n%s", got, expected, log);
        }
      g_usleep (200 * 1000);
    }
  g_assert_cmpuint (stack_count_photos (stack, fixture->user->id), ==, hashes->len);
}

/* The real app with a watched folder (as its dialog saves it): an image
 * there before it starts, one added while it runs, one while it is closed
 * (then started with --background, no window), one while carrete-photos
 * is down; each arrives exactly once, and every close is clean. */
static void
test_watched_folder (Fixture *fixture, gconstpointer data)
{
  g_autofree char *camera = g_build_filename (tmpdir, fixture->user->name, "camera", NULL);
  g_autoptr (CarreteClient) client
      = ctu_client_new (stack->users.url, stack->photos.url, stack->folders.url);
  g_autofree char *list = NULL;
  g_autofree char *folder_id = stack_folder_new (stack, fixture->user->token, "private", NULL);
  g_autoptr (GPtrArray) folders = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) hashes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  App *app;

  /* Where the app, signed in as this user, reads its list. */
  ctu_login (client, fixture->user->name, STACK_PASSWORD);
  list = carrete_watcher_list_file (NULL, client);
  g_assert_true (g_str_has_prefix (list, g_getenv ("XDG_STATE_HOME")));
  g_assert_cmpint (g_mkdir_with_parents (camera, 0700), ==, 0);
  g_ptr_array_add (folders, carrete_watched_folder_new (camera, folder_id, "camera"));
  g_assert_true (carrete_watched_folders_save (folders, list, &error));
  g_assert_no_error (error);
  add_watched_image (camera, "before.png", hashes);

  app = app_start (fixture, NULL);
  wait_exactly (fixture, hashes, app);
  add_watched_image (camera, "running.png", hashes);
  wait_exactly (fixture, hashes, app);
  app_quit (app);
  app_free (app);

  add_watched_image (camera, "closed.png", hashes);
  app = app_start (fixture, "--background");
  wait_exactly (fixture, hashes, app);

  stack_stop (&stack->photos);
  add_watched_image (camera, "photos-down.png", hashes);
  g_usleep (3 * G_USEC_PER_SEC); /* the app finds it and fails to send it */
  stack_restart (&stack->photos);
  wait_exactly (fixture, hashes, app);
  app_quit (app);
  app_free (app);
  g_assert_cmpint (g_unlink (list), ==, 0);
}

static void
test_killed (Fixture *fixture, gconstpointer data)
{
  assert_resumes (fixture, app_kill);
}

static void
test_quit (Fixture *fixture, gconstpointer data)
{
  assert_resumes (fixture, app_quit);
}

static void
test_window_closed (Fixture *fixture, gconstpointer data)
{
  assert_resumes (fixture, app_close_window);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  /* run-under-xvfb.sh gives this program and the app the same
   * $XDG_STATE_HOME, where the app keeps its records. */
  g_assert_nonnull (g_getenv ("XDG_STATE_HOME"));
  g_setenv ("CARRETE_DESKTOP_RESUMABLE_BYTES", G_STRINGIFY (THRESHOLD), TRUE);
  tmpdir = ct_make_tmpdir ("carrete-ui-restart-XXXXXX");
  app_binary = ct_build_path ("client-gtk/src/carrete-desktop");
  stack = stack_start ();
  /* The part URLs name the relay, which counts what the app sends. */
  relay = ct_relay_start (ct_s3_server_endpoint (stack->minio));
  /* A slow uplink: the last part takes half a second, time enough to
   * close the app while the store holds the first two. */
  ct_relay_set_rate (relay, UPLINK_BYTES_PER_SECOND);
  stack_restart_with (&stack->photos, "CARRETE_S3_PUBLIC_ENDPOINT", ct_relay_url (relay));

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/carrete/desktop/restart/killed", test_killed);
  ADD ("/carrete/desktop/restart/quit", test_quit);
  ADD ("/carrete/desktop/restart/window-closed", test_window_closed);
  ADD ("/carrete/desktop/restart/watched-folder", test_watched_folder);
#undef ADD

  status = g_test_run ();
  stack_free (stack);
  ct_relay_free (relay);
  ct_remove_tree (tmpdir);
  g_free (tmpdir);
  g_free (app_binary);
  return status;
}
