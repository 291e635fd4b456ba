/* UI tests of carrete-desktop against the real stack (PostgreSQL, MinIO and
 * the three services), driving the real widgets under Xvfb: sign in (and
 * the ways it fails), create a folder (and one the server refuses), upload
 * through the same function a drop calls, filter by tag, name and date,
 * the viewer, delete with undo, the server going away and coming back, an
 * expired session, sign out.  The tests run in order and share one window,
 * as one person's session would. */
#include <glib/gstdio.h>
#include <stdio.h>
#include <gtk/gtk.h>

#include "carrete-application.h"
#include "carrete-client-lib.h"
#include "carrete-folder-dialog.h"
#include "carrete-sign-in-page.h"
#include "carrete-thumbnail-loader.h"
#include "carrete-viewer.h"
#include "carrete-window-test-hooks.h"
#include "desktop-test-loop.h"
#include "stack.h"

#define TIMEOUT_MS 60000

static struct
{
  Stack *stack;
  StackUser *user;
  CarreteWindow *window;
  char *dir;        /* files to upload */
  char *folder_id;  /* "Holidays" */
  char *photo_name; /* one of the uploaded files */
} ui;

/* ---- driving the main loop ------------------------------------------------- */

#define WAIT_UNTIL(cond) DESKTOP_WAIT_UNTIL (cond, TIMEOUT_MS)

static guint
n_photos (void)
{
  GListModel *photos = carrete_window_get_photos (ui.window);

  return photos ? g_list_model_get_n_items (photos) : 0;
}

/* The list has settled: nothing loading, every page asked for. */
static gboolean
photos_settled (void)
{
  CarretePhotoList *photos = CARRETE_PHOTO_LIST (carrete_window_get_photos (ui.window));

  return !carrete_photo_list_get_loading (photos) && !carrete_photo_list_get_has_more (photos)
         && carrete_photo_list_get_error (photos) == NULL;
}

static const char *
sign_in_error (void)
{
  return carrete_sign_in_page_get_error (carrete_window_get_sign_in_page (ui.window));
}

static void
sign_in_with (const char *users, const char *photos, const char *folders, const char *password)
{
  CarreteSignInPage *page = carrete_window_get_sign_in_page (ui.window);

  carrete_sign_in_page_fill (page, "", users, photos, folders, ui.user->name, password);
  carrete_sign_in_page_submit (page);
  g_assert_true (carrete_sign_in_page_get_busy (page));
  WAIT_UNTIL (!carrete_sign_in_page_get_busy (page));
}

static void
sign_in_to_stack (const char *password)
{
  sign_in_with (ui.stack->users.url, ui.stack->photos.url, ui.stack->folders.url, password);
}

static char *
write_file (const char *name, GBytes *bytes)
{
  char *path = g_build_filename (ui.dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  return path;
}

static GPtrArray *
files_of (const char *const *paths)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; paths[i] != NULL; i++)
    g_ptr_array_add (files, g_file_new_for_path (paths[i]));
  return files;
}

static void
keep_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static CarreteKeyringEntry *
keyring_try_lookup (GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  carrete_keyring_lookup_async (NULL, keep_result, &result);
  WAIT_UNTIL (result != NULL);
  return carrete_keyring_lookup_finish (result, error);
}

static CarreteKeyringEntry *
keyring_lookup (void)
{
  g_autoptr(GError) error = NULL;
  CarreteKeyringEntry *entry = keyring_try_lookup (&error);

  g_assert_no_error (error);
  return entry;
}

/* TRUE when the keyring holds `token` (NULL: holds nothing). */
static gboolean
keyring_holds (const char *token)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CarreteKeyringEntry) entry = keyring_try_lookup (&error);

  /* Storing replaces the item: a lookup in between may find it half gone. */
  if (error != NULL)
    return FALSE;
  if (token == NULL)
    return entry == NULL;
  return entry != NULL && g_strcmp0 (entry->refresh_token, token) == 0;
}

/* ---- sign in ------------------------------------------------------------------ */

static void
test_sign_in_empty (void)
{
  CarreteSignInPage *page = carrete_window_get_sign_in_page (ui.window);

  g_assert_cmpstr (carrete_window_get_page (ui.window), ==, "sign-in");
  carrete_sign_in_page_fill (page, "", "", "", "", "", "");
  carrete_sign_in_page_submit (page);
  g_assert_false (carrete_sign_in_page_get_busy (page));
  g_assert_cmpstr (sign_in_error (), ==, "Enter your username and password.");

  carrete_sign_in_page_fill (page, "", ui.stack->users.url, "", "", ui.user->name, "x");
  carrete_sign_in_page_submit (page);
  g_assert_cmpstr (sign_in_error (), ==, "Give all three service addresses, or none.");
}

static void
test_sign_in_wrong_password (void)
{
  sign_in_to_stack ("not the password");
  g_assert_cmpstr (sign_in_error (), ==, "Wrong username or password.");
  g_assert_cmpstr (carrete_window_get_page (ui.window), ==, "sign-in");
  g_assert_null (carrete_window_get_client (ui.window));
}

static void
test_sign_in_unreachable (void)
{
  g_autofree char *closed = g_strdup_printf ("http://127.0.0.1:%u", ct_free_port ());

  sign_in_with (closed, closed, closed, STACK_PASSWORD);
  g_assert_nonnull (sign_in_error ());
  g_assert_true (g_str_has_prefix (sign_in_error (), "Cannot reach the server at "));
  g_assert_nonnull (strstr (sign_in_error (), closed));
  g_assert_cmpstr (carrete_window_get_page (ui.window), ==, "sign-in");
}

/* A web server that is not Carrete (a router's page, say), made from a bare
 * GThreadedSocketService (its handler blocks, in its own thread, not in the
 * main loop the app needs): every answer is the same HTML page. */
static gboolean
on_run (GThreadedSocketService *service, GSocketConnection *connection, GObject *source,
        gpointer data)
{
  static const char answer[] = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                               "Content-Length: 52\r\nConnection: close\r\n\r\n"
                               "<!doctype html><title>Router</title><h1>Welcome</h1>";
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  char request[4096];

  /* The request fits in one read on loopback; its content does not matter. */
  (void) g_input_stream_read (in, request, sizeof request, NULL, NULL);
  g_output_stream_write_all (out, answer, sizeof answer - 1, NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

static void
test_sign_in_not_carrete (void)
{
  g_autoptr(GSocketService) service = g_threaded_socket_service_new (2);
  g_autoptr(GError) error = NULL;
  guint16 port = ct_free_port ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", port);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);

  g_assert_cmpuint (strlen ("<!doctype html><title>Router</title><h1>Welcome</h1>"), ==, 52);
  g_socket_listener_add_address (G_SOCKET_LISTENER (service), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (service, "run", G_CALLBACK (on_run), NULL);
  g_socket_service_start (service);

  sign_in_with (url, url, url, STACK_PASSWORD);
  g_assert_nonnull (sign_in_error ());
  g_assert_cmpstr (sign_in_error (), !=, "Wrong username or password.");
  g_assert_nonnull (strstr (sign_in_error (), "is not a Carrete server"));
  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
}

static void
test_sign_in (void)
{
  g_autoptr(CarreteKeyringEntry) entry = NULL;
  CarreteClient *client;

  sign_in_to_stack (STACK_PASSWORD);
  g_assert_null (sign_in_error ());
  g_assert_cmpstr (carrete_window_get_page (ui.window), ==, "gallery");
  client = carrete_window_get_client (ui.window);
  g_assert_nonnull (client);
  g_assert_true (carrete_client_get_signed_in (client));
  g_assert_cmpstr (carrete_user_get_username (carrete_client_get_user (client)), ==, ui.user->name);

  /* A new user's gallery is empty; the empty page says what to do. */
  WAIT_UNTIL (photos_settled ());
  g_assert_cmpuint (n_photos (), ==, 0);

  /* The refresh token is in the keyring (the password is not). */
  WAIT_UNTIL (keyring_holds (carrete_client_get_refresh_token (client)));
  entry = keyring_lookup ();
  g_assert_nonnull (entry);
  g_assert_cmpstr (entry->username, ==, ui.user->name);
  g_assert_cmpstr (entry->users_url, ==, ui.stack->users.url);
  g_assert_nonnull (entry->refresh_token);
  g_assert_cmpstr (entry->refresh_token, ==, carrete_client_get_refresh_token (client));
}

/* The next start signs in silently from the keyring; a refresh token the
 * server no longer accepts sends it to the sign-in page instead. */
static void
test_restore (void)
{
  g_autoptr(CarreteWindow) again = g_object_ref_sink (carrete_window_new (NULL));
  g_autoptr(CarreteWindow) expired = NULL;
  CarreteClient *client;

  carrete_window_restore_session (again);
  g_assert_cmpstr (carrete_window_get_page (again), ==, "loading");
  WAIT_UNTIL (g_strcmp0 (carrete_window_get_page (again), "loading") != 0);
  g_assert_cmpstr (carrete_window_get_page (again), ==, "gallery");
  client = carrete_window_get_client (again);
  g_assert_cmpstr (carrete_user_get_username (carrete_client_get_user (client)), ==, ui.user->name);
  /* The refresh token was rotated and the keyring has the new one. */
  WAIT_UNTIL (keyring_holds (carrete_client_get_refresh_token (client)));
  gtk_window_destroy (GTK_WINDOW (again));

  g_free (stack_sql (ui.stack, "users", "UPDATE refresh_tokens SET expires_at = now() - interval '1 hour'", NULL));
  expired = g_object_ref_sink (carrete_window_new (NULL));
  carrete_window_restore_session (expired);
  WAIT_UNTIL (g_strcmp0 (carrete_window_get_page (expired), "loading") != 0);
  g_assert_cmpstr (carrete_window_get_page (expired), ==, "sign-in");
  g_assert_null (carrete_window_get_client (expired));
  g_assert_cmpstr (carrete_sign_in_page_get_error (carrete_window_get_sign_in_page (expired)), ==,
                   "Your session has ended. Please sign in again.");
  gtk_window_destroy (GTK_WINDOW (expired));
  /* It forgot the refused token. */
  WAIT_UNTIL (keyring_holds (NULL));
}

/* ---- folders ------------------------------------------------------------------ */

static void
test_folder_refused (void)
{
  CarreteFolderDialog *dialog = carrete_window_new_folder (ui.window);
  g_autofree char *long_name = g_strnfill (300, 'x');
  GListModel *folders = carrete_window_get_folders (ui.window);
  guint before = g_list_model_get_n_items (folders);

  /* Empty: refused before asking the server. */
  carrete_folder_dialog_fill (dialog, "   ", FALSE, NULL);
  carrete_folder_dialog_submit (dialog);
  g_assert_false (carrete_folder_dialog_get_busy (dialog));
  g_assert_cmpstr (carrete_folder_dialog_get_error (dialog), ==, "Give the folder a name.");

  /* Too long: the server's own reason is shown and the dialog stays. */
  carrete_folder_dialog_fill (dialog, long_name, FALSE, NULL);
  carrete_folder_dialog_submit (dialog);
  WAIT_UNTIL (!carrete_folder_dialog_get_busy (dialog));
  g_assert_nonnull (carrete_folder_dialog_get_error (dialog));
  g_test_message ("server's reason: %s", carrete_folder_dialog_get_error (dialog));
  g_assert_cmpuint (strlen (carrete_folder_dialog_get_error (dialog)), >, 0);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_cmpuint (g_list_model_get_n_items (folders), ==, before);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_folder_create (void)
{
  CarreteFolderDialog *dialog = carrete_window_new_folder (ui.window);
  GListModel *folders = carrete_window_get_folders (ui.window);
  g_autoptr(CarreteFolder) folder = NULL;
  g_autoptr(CarreteFolderDialog) again = NULL;
  g_autofree char *owner = NULL;

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  carrete_folder_dialog_fill (dialog, "Holidays", TRUE, "Beach, summer ,, ");
  carrete_folder_dialog_submit (dialog);
  WAIT_UNTIL (dialog == NULL || !carrete_folder_dialog_get_busy (dialog));
  WAIT_UNTIL (dialog == NULL); /* closed on success */

  g_assert_cmpuint (g_list_model_get_n_items (folders), ==, 1);
  folder = g_list_model_get_item (folders, 0);
  g_assert_cmpstr (carrete_folder_get_name (folder), ==, "Holidays");
  g_assert_cmpstr (carrete_folder_get_visibility (folder), ==, "public");
  g_assert_cmpstrv (carrete_folder_get_tags (folder), ((const char *[]) { "beach", "summer", NULL }));
  ui.folder_id = g_strdup (carrete_folder_get_id (folder));

  /* It really is on the server, and owned by the user. */
  owner = stack_sql (ui.stack, "folders", "SELECT name FROM folders WHERE name = $1", "Holidays");
  g_assert_cmpstr (owner, ==, "Holidays");

  /* The same name again: the server says it exists, in the dialog. */
  again = g_object_ref_sink (carrete_window_new_folder (ui.window));
  carrete_folder_dialog_fill (again, "Holidays", FALSE, NULL);
  carrete_folder_dialog_submit (again);
  WAIT_UNTIL (!carrete_folder_dialog_get_busy (again));
  g_assert_nonnull (carrete_folder_dialog_get_error (again));
  g_test_message ("duplicate: %s", carrete_folder_dialog_get_error (again));
  gtk_window_destroy (GTK_WINDOW (again));

  /* The new folder is the one shown, so uploads go into it. */
  g_assert_true (carrete_window_select_folder (ui.window, ui.folder_id));
}

/* ---- uploads ---------------------------------------------------------------------- */

static guint
count_state (CarreteUploadQueue *queue, CarreteUploadState state)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (queue)); i++)
    {
      g_autoptr(CarreteUpload) upload = g_list_model_get_item (G_LIST_MODEL (queue), i);
      n += carrete_upload_get_state (upload) == state;
    }
  return n;
}

static gboolean
all_finished (CarreteUploadQueue *queue)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (queue)); i++)
    {
      g_autoptr(CarreteUpload) upload = g_list_model_get_item (G_LIST_MODEL (queue), i);
      if (!carrete_upload_is_finished (upload))
        return FALSE;
    }
  return TRUE;
}

static void
test_upload_three (void)
{
  CarreteUploadQueue *queue = carrete_window_get_upload_queue (ui.window);
  g_autofree char *a = NULL, *b = NULL, *c = NULL;
  g_autoptr(GBytes) pa = ct_unique_png ("a"), pb = ct_unique_png ("b"), pc = ct_unique_png ("c");
  g_autoptr(GPtrArray) files = NULL;
  g_autofree char *count = NULL;

  a = write_file ("sunset-on-the-beach.png", pa);
  b = write_file ("pier.png", pb);
  c = write_file ("sandcastle.png", pc);
  files = files_of ((const char *[]) { a, b, c, NULL });
  ui.photo_name = g_strdup ("sunset-on-the-beach.png");

  /* What a drop of three files from the file manager does. */
  carrete_window_upload_files (ui.window, files);
  WAIT_UNTIL (g_list_model_get_n_items (G_LIST_MODEL (queue)) == 3);
  WAIT_UNTIL (all_finished (queue));
  g_assert_cmpuint (count_state (queue, CARRETE_UPLOAD_DONE), ==, 3);

  /* Progress is exact: every byte of every file, counted once. */
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(CarreteUpload) upload = g_list_model_get_item (G_LIST_MODEL (queue), i);
      g_autoptr(GFileInfo) info = g_file_query_info (carrete_upload_get_file (upload),
                                                     G_FILE_ATTRIBUTE_STANDARD_SIZE, 0, NULL, NULL);

      g_assert_cmpuint (carrete_upload_get_bytes_total (upload), ==, g_file_info_get_size (info));
      g_assert_cmpuint (carrete_upload_get_bytes_sent (upload), ==, carrete_upload_get_bytes_total (upload));
      g_assert_cmpfloat (carrete_upload_get_fraction (upload), ==, 1.0);
      g_assert_cmpstr (carrete_upload_get_folder_id (upload), ==, ui.folder_id);
    }

  /* The grid got each one as it finished, without a reload. */
  WAIT_UNTIL (n_photos () == 3);
  count = stack_sql (ui.stack, "photos", "SELECT count(*) FROM photos WHERE state = 'ready' AND name LIKE $1", "%.png");
  g_assert_cmpstr (count, ==, "3");

  /* And the thumbnails show up in the grid's cells. */
  WAIT_UNTIL (carrete_thumbnail_loader_get_n_decoded (carrete_window_get_thumbnail_loader (ui.window)) >= 3);
}

static void
test_upload_bad_files (void)
{
  CarreteUploadQueue *queue = carrete_window_get_upload_queue (ui.window);
  g_autoptr(GBytes) text = g_bytes_new_static ("just some notes\n", 16);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autofree char *notes = write_file ("notes.txt", text);
  g_autofree char *zero = write_file ("empty.png", empty);
  g_autofree char *dangling = g_build_filename (ui.dir, "gone.png", NULL);
  g_autofree char *gone_target = g_build_filename (ui.dir, "no-such-file.png", NULL);
  g_autoptr(GPtrArray) files = NULL;
  guint before = g_list_model_get_n_items (G_LIST_MODEL (queue));

  g_assert_cmpint (symlink (gone_target, dangling), ==, 0);

  /* A non-image alone: said so, nothing queued. */
  files = files_of ((const char *[]) { notes, NULL });
  carrete_window_upload_files (ui.window, files);
  WAIT_UNTIL (g_strcmp0 (carrete_window_get_last_message (ui.window),
                         "notes.txt was not uploaded: Not an image") == 0);
  g_clear_pointer (&files, g_ptr_array_unref);

  /* An empty file and an unreadable one: both reported, nothing queued. */
  files = files_of ((const char *[]) { zero, dangling, NULL });
  carrete_window_upload_files (ui.window, files);
  WAIT_UNTIL (g_strcmp0 (carrete_window_get_last_message (ui.window),
                         "2 files were not uploaded: not readable, non-empty images") == 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (queue)), ==, before);
  g_assert_cmpuint (n_photos (), ==, 3);
}

static void
test_upload_duplicate (void)
{
  CarreteUploadQueue *queue = carrete_window_get_upload_queue (ui.window);
  g_autofree char *path = g_build_filename (ui.dir, "pier.png", NULL);
  g_autoptr(GPtrArray) files = files_of ((const char *[]) { path, NULL });
  g_autoptr(CarreteUpload) upload = NULL;
  guint before = g_list_model_get_n_items (G_LIST_MODEL (queue));

  /* The same bytes into the same folder: reported as a duplicate. */
  carrete_window_upload_files (ui.window, files);
  WAIT_UNTIL (g_list_model_get_n_items (G_LIST_MODEL (queue)) == before + 1);
  upload = g_list_model_get_item (G_LIST_MODEL (queue), before);
  WAIT_UNTIL (carrete_upload_is_finished (upload));
  g_assert_cmpint (carrete_upload_get_state (upload), ==, CARRETE_UPLOAD_FAILED);
  g_assert_nonnull (carrete_upload_get_existing_id (upload));
  g_assert_cmpuint (n_photos (), ==, 3);
}

/* ---- filters --------------------------------------------------------------------- */

static void
filter_and_wait (void)
{
  desktop_test_spin (50);
  WAIT_UNTIL (photos_settled ());
}

static void
test_filter (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autoptr(GDateTime) last_year = g_date_time_add_years (now, -1);
  g_autofree char *today_s = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *tomorrow_s = g_date_time_format (tomorrow, "%Y-%m-%d");
  g_autofree char *last_year_s = g_date_time_format (last_year, "%Y-%m-%d");
  g_autoptr(CarretePhoto) photo = NULL;

  /* All photos, not just the folder: the tag filter is the folder's tag. */
  g_assert_true (carrete_window_select_folder (ui.window, NULL));
  filter_and_wait ();
  g_assert_cmpuint (n_photos (), ==, 3);

  carrete_window_add_tag_filter (ui.window, "Beach");
  filter_and_wait ();
  g_assert_cmpuint (n_photos (), ==, 3);
  g_assert_cmpstrv (carrete_photo_list_get_query (CARRETE_PHOTO_LIST (carrete_window_get_photos (ui.window)))->tags,
                    ((const char *[]) { "beach", NULL }));

  carrete_window_add_tag_filter (ui.window, "mountains");
  filter_and_wait ();
  g_assert_cmpuint (n_photos (), ==, 0);
  carrete_window_clear_filters (ui.window);
  filter_and_wait ();
  g_assert_cmpuint (n_photos (), ==, 3);

  /* By name: a part of it, any case. */
  carrete_window_set_filter (ui.window, "SUNSET", NULL, NULL);
  filter_and_wait ();
  g_assert_cmpuint (n_photos (), ==, 1);
  photo = g_list_model_get_item (carrete_window_get_photos (ui.window), 0);
  g_assert_cmpstr (carrete_photo_get_name (photo), ==, ui.photo_name);
  carrete_window_set_filter (ui.window, "", NULL, NULL);

  /* By date (uploaded today: no EXIF date in these PNGs). */
  carrete_window_set_filter (ui.window, NULL, tomorrow_s, "");
  filter_and_wait ();
  g_assert_cmpuint (n_photos (), ==, 0);
  carrete_window_set_filter (ui.window, NULL, today_s, today_s);
  filter_and_wait ();
  g_assert_cmpuint (n_photos (), ==, 3);
  carrete_window_set_filter (ui.window, NULL, last_year_s, last_year_s);
  filter_and_wait ();
  g_assert_cmpuint (n_photos (), ==, 0);

  /* A half-typed date filters nothing (and is marked). */
  carrete_window_set_filter (ui.window, NULL, "2026-1", "");
  filter_and_wait ();
  g_assert_cmpuint (n_photos (), ==, 0); /* the last valid filter stays */
  carrete_window_clear_filters (ui.window);
  filter_and_wait ();
  g_assert_cmpuint (n_photos (), ==, 3);
}

/* ---- viewer, delete with undo ---------------------------------------------------------- */

static void
test_viewer (void)
{
  CarreteViewer *viewer = carrete_window_get_viewer (ui.window);
  g_autoptr(CarretePhoto) first = g_list_model_get_item (carrete_window_get_photos (ui.window), 0);
  g_autofree char *renamed = NULL;

  carrete_window_open_photo (ui.window, 0);
  g_assert_cmpstr (carrete_window_get_page (ui.window), ==, "viewer");
  g_assert_true (carrete_viewer_get_photo (viewer) == first);
  WAIT_UNTIL (carrete_viewer_has_image (viewer));

  gtk_widget_activate_action (GTK_WIDGET (viewer), "viewer.next", NULL);
  g_assert_true (carrete_viewer_get_photo (viewer) != first);
  gtk_widget_activate_action (GTK_WIDGET (viewer), "viewer.previous", NULL);
  g_assert_true (carrete_viewer_get_photo (viewer) == first);

  carrete_viewer_rename (viewer, "  Renamed.png ");
  WAIT_UNTIL (g_strcmp0 (carrete_photo_get_name (carrete_viewer_get_photo (viewer)), "Renamed.png") == 0);
  renamed = stack_sql (ui.stack, "photos", "SELECT name FROM photos WHERE name = $1", "Renamed.png");
  g_assert_cmpstr (renamed, ==, "Renamed.png");

  gtk_widget_activate_action (GTK_WIDGET (viewer), "viewer.close", NULL);
  g_assert_cmpstr (carrete_window_get_page (ui.window), ==, "gallery");
}

static void
test_delete_undo (void)
{
  g_autoptr(CarretePhoto) photo = g_list_model_get_item (carrete_window_get_photos (ui.window), 0);
  g_autofree char *id = g_strdup (carrete_photo_get_id (photo));
  g_autofree char *count = NULL;

  carrete_window_delete_photo (ui.window, photo);
  g_assert_cmpuint (n_photos (), ==, 2);
  carrete_window_undo_deletes (ui.window);
  g_assert_cmpuint (n_photos (), ==, 3);
  desktop_test_spin (100);
  count = stack_sql (ui.stack, "photos", "SELECT count(*) FROM photos", NULL);
  g_assert_cmpstr (count, ==, "3");
  g_clear_pointer (&count, g_free);

  /* Without undo, the photo goes to the trash once the toast goes. */
  carrete_window_delete_photo (ui.window, photo);
  g_assert_cmpuint (n_photos (), ==, 2);
  carrete_window_commit_deletes (ui.window);
  WAIT_UNTIL ((g_free (count),
               count = stack_sql (ui.stack, "photos",
                                  "SELECT count(*) FROM photos WHERE state = 'ready'", NULL),
               g_strcmp0 (count, "2") == 0));
  carrete_photo_list_reload (CARRETE_PHOTO_LIST (carrete_window_get_photos (ui.window)));
  filter_and_wait ();
  g_assert_cmpuint (n_photos (), ==, 2);
}

/* ---- the trash ------------------------------------------------------------------------------ */

/* The photo deleted above is in the Trash window; Restore brings it back
 * into the gallery; deleted again and deleted for good, it is gone; an
 * empty trash says so when emptied. */
static void
test_trash (void)
{
  g_autoptr(CarretePhoto) photo = g_list_model_get_item (carrete_window_get_photos (ui.window), 0);
  g_autofree char *id = g_strdup (carrete_photo_get_id (photo));
  CarreteTrashWindow *trash = carrete_window_show_trash (ui.window);
  g_autofree char *count = NULL;

  g_assert_nonnull (trash);
  g_object_add_weak_pointer (G_OBJECT (trash), (gpointer *) &trash);
  WAIT_UNTIL (!carrete_trash_window_get_loading (trash));
  g_assert_cmpuint (g_list_model_get_n_items (carrete_trash_window_get_items (trash)), ==, 1);

  /* Restore: back in the gallery (the window reloads it). */
  {
    g_autoptr(CarreteTrashItem) item
        = g_list_model_get_item (carrete_trash_window_get_items (trash), 0);
    g_autofree char *trashed_id = g_strdup (carrete_trash_item_get_id (item));

    carrete_trash_window_restore (trash, trashed_id);
    WAIT_UNTIL (!carrete_trash_window_get_loading (trash)
                && g_list_model_get_n_items (carrete_trash_window_get_items (trash)) == 0);
    filter_and_wait ();
    g_assert_cmpuint (n_photos (), ==, 3);
  }

  /* Into the trash again, then deleted for good: the row goes. */
  carrete_window_delete_photo (ui.window, photo);
  carrete_window_commit_deletes (ui.window);
  WAIT_UNTIL ((g_free (count),
               count = stack_sql (ui.stack, "photos",
                                  "SELECT count(*) FROM photos WHERE state = 'trashed'", NULL),
               g_strcmp0 (count, "1") == 0));
  carrete_trash_window_reload (trash);
  WAIT_UNTIL (!carrete_trash_window_get_loading (trash) && carrete_trash_window_holds (trash, id));
  carrete_trash_window_delete (trash, id);
  WAIT_UNTIL (!carrete_trash_window_get_loading (trash) && !carrete_trash_window_holds (trash, id));
  WAIT_UNTIL ((g_free (count),
               count = stack_sql (ui.stack, "photos", "SELECT count(*) FROM photos", NULL),
               g_strcmp0 (count, "2") == 0));

  /* Emptying an empty trash: the server's 409, said in the window. */
  carrete_trash_window_empty (trash);
  WAIT_UNTIL (!carrete_trash_window_get_loading (trash));
  g_assert_nonnull (carrete_trash_window_get_last_message (trash));
  g_assert_cmpstr (carrete_trash_window_get_last_message (trash), !=, "Trash emptied");
  filter_and_wait ();
  g_assert_cmpuint (n_photos (), ==, 2);
  gtk_window_destroy (GTK_WINDOW (trash));
  WAIT_UNTIL (trash == NULL);
}

/* ---- sort, move, cancel and retry --------------------------------------------------------- */

static void
test_sort_and_move (void)
{
  CarreteViewer *viewer = carrete_window_get_viewer (ui.window);
  GListModel *photos = carrete_window_get_photos (ui.window);
  g_autoptr(CarretePhoto) moved = NULL;
  g_autofree char *folder = NULL;

  gtk_widget_activate_action (GTK_WIDGET (ui.window), "win.sort", "s", "name:asc");
  filter_and_wait ();
  g_assert_cmpuint (g_list_model_get_n_items (photos), ==, 2);
  for (guint i = 0; i + 1 < g_list_model_get_n_items (photos); i++)
    {
      g_autoptr(CarretePhoto) a = g_list_model_get_item (photos, i);
      g_autoptr(CarretePhoto) b = g_list_model_get_item (photos, i + 1);
      g_assert_cmpint (g_utf8_collate (carrete_photo_get_name (a), carrete_photo_get_name (b)), <=, 0);
    }
  g_assert_cmpstr (carrete_photo_list_get_query (CARRETE_PHOTO_LIST (photos))->sort, ==, "name");

  /* Out of its folder, from the viewer. */
  carrete_window_open_photo (ui.window, 0);
  moved = g_object_ref (carrete_viewer_get_photo (viewer));
  g_assert_cmpstr (carrete_photo_get_folder_id (moved), ==, ui.folder_id);
  carrete_viewer_move (viewer, NULL);
  WAIT_UNTIL (carrete_photo_get_folder_id (carrete_viewer_get_photo (viewer)) == NULL);
  folder = stack_sql (ui.stack, "photos", "SELECT coalesce(folder_id::text, 'none') FROM photos WHERE name = $1",
                      carrete_photo_get_name (moved));
  g_assert_cmpstr (folder, ==, "none");
  gtk_widget_activate_action (GTK_WIDGET (viewer), "viewer.close", NULL);
  gtk_widget_activate_action (GTK_WIDGET (ui.window), "win.sort", "s", "uploaded_at:desc");
  filter_and_wait ();
}

static void
test_upload_cancel_retry (void)
{
  CarreteUploadQueue *queue = carrete_window_get_upload_queue (ui.window);
  g_autoptr(GBytes) png = ct_unique_png ("second-thoughts");
  g_autofree char *path = write_file ("second-thoughts.png", png);
  g_autoptr(GPtrArray) files = files_of ((const char *[]) { path, NULL });
  g_autoptr(CarreteUpload) upload = NULL;
  guint before = g_list_model_get_n_items (G_LIST_MODEL (queue));
  guint photos_before = n_photos ();

  /* Cancel, as the row's button does, then Retry. */
  carrete_upload_queue_set_max_parallel (queue, 1);
  carrete_window_upload_files (ui.window, files);
  WAIT_UNTIL (g_list_model_get_n_items (G_LIST_MODEL (queue)) == before + 1);
  upload = g_list_model_get_item (G_LIST_MODEL (queue), before);
  carrete_upload_queue_cancel (queue, upload);
  WAIT_UNTIL (carrete_upload_is_finished (upload));
  g_assert_cmpint (carrete_upload_get_state (upload), ==, CARRETE_UPLOAD_CANCELLED);
  g_assert_cmpuint (n_photos (), ==, photos_before);

  carrete_upload_queue_retry (queue, upload);
  WAIT_UNTIL (carrete_upload_is_finished (upload));
  g_assert_cmpint (carrete_upload_get_state (upload), ==, CARRETE_UPLOAD_DONE);
  g_assert_cmpuint (carrete_upload_get_bytes_sent (upload), ==, g_bytes_get_size (png));
  carrete_upload_queue_set_max_parallel (queue, 3);
  WAIT_UNTIL (n_photos () == photos_before + 1);
}

/* ---- edit and delete a folder ---------------------------------------------------------------- */

static void
test_folder_edit_delete (void)
{
  CarreteFolderDialog *dialog;
  AdwMessageDialog *confirm;
  GListModel *folders = carrete_window_get_folders (ui.window);
  g_autoptr(CarreteFolder) edited = NULL;
  g_autofree char *id = NULL;
  g_autofree char *count = NULL;
  guint n_folders = g_list_model_get_n_items (folders);

  /* A second folder, to edit and delete. */
  dialog = carrete_window_new_folder (ui.window);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  carrete_folder_dialog_fill (dialog, "Scratch", FALSE, "tmp");
  carrete_folder_dialog_submit (dialog);
  WAIT_UNTIL (dialog == NULL);
  g_assert_cmpuint (g_list_model_get_n_items (folders), ==, n_folders + 1);

  /* Edit it: new name, public, other tags. */
  dialog = carrete_window_edit_folder (ui.window);
  g_assert_nonnull (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  carrete_folder_dialog_fill (dialog, "Scratch pad", TRUE, "tmp, drafts");
  carrete_folder_dialog_submit (dialog);
  WAIT_UNTIL (dialog == NULL);
  g_assert_cmpuint (g_list_model_get_n_items (folders), ==, n_folders + 1);
  edited = g_list_model_get_item (folders, n_folders);
  g_assert_cmpstr (carrete_folder_get_name (edited), ==, "Scratch pad");
  g_assert_cmpstr (carrete_folder_get_visibility (edited), ==, "public");
  g_assert_cmpstrv (carrete_folder_get_tags (edited), ((const char *[]) { "tmp", "drafts", NULL }));
  id = g_strdup (carrete_folder_get_id (edited));

  /* Delete it (and what is in it), after saying yes. */
  confirm = carrete_window_delete_folder (ui.window);
  g_assert_nonnull (confirm);
  g_object_add_weak_pointer (G_OBJECT (confirm), (gpointer *) &confirm);
  adw_message_dialog_response (confirm, "delete");
  WAIT_UNTIL (g_list_model_get_n_items (folders) == n_folders);
  count = stack_sql (ui.stack, "folders",
                     "SELECT count(*) FROM folders WHERE name = $1 AND trashed_at IS NULL",
                     "Scratch pad");
  g_assert_cmpstr (count, ==, "0");
  g_assert_false (carrete_window_select_folder (ui.window, id));
  if (confirm != NULL)
    gtk_window_destroy (GTK_WINDOW (confirm));
  WAIT_UNTIL (confirm == NULL);
}

/* ---- the server goes away and comes back ------------------------------------------------ */

static void
test_server_stops (void)
{
  stack_stop (&ui.stack->photos);
  gtk_widget_activate_action (GTK_WIDGET (ui.window), "win.reload", NULL);
  WAIT_UNTIL (carrete_window_get_offline (ui.window));
  g_test_message ("offline: %s", carrete_window_get_last_message (ui.window));
  g_assert_nonnull (strstr (carrete_window_get_last_message (ui.window), "Cannot reach"));
  /* Still signed in, still in the gallery. */
  g_assert_cmpstr (carrete_window_get_page (ui.window), ==, "gallery");
  g_assert_nonnull (carrete_window_get_client (ui.window));

  stack_restart (&ui.stack->photos);
  /* The app retries by itself. */
  WAIT_UNTIL (!carrete_window_get_offline (ui.window));
  filter_and_wait ();
  g_assert_cmpuint (n_photos (), ==, 3);
}

/* ---- the server's size limit --------------------------------------------------------------- */

static void
restart_photos_with (const char *setting)
{
  g_autoptr(GStrvBuilder) env = g_strv_builder_new ();

  stack_stop (&ui.stack->photos);
  g_strv_builder_addv (env, (const char **) ui.stack->photos.env);
  g_strv_builder_add (env, setting);
  g_strfreev (ui.stack->photos.env);
  ui.stack->photos.env = g_strv_builder_end (env);
  stack_restart (&ui.stack->photos);
}

/* Drops `files` (one file) on the window and waits until its upload has
 * failed as too large; returns it. */
static CarreteUpload *
upload_refused_as_too_large (GPtrArray *files)
{
  CarreteUploadQueue *queue = carrete_window_get_upload_queue (ui.window);
  guint before = g_list_model_get_n_items (G_LIST_MODEL (queue));
  CarreteUpload *upload;

  carrete_window_upload_files (ui.window, files);
  WAIT_UNTIL (g_list_model_get_n_items (G_LIST_MODEL (queue)) == before + 1);
  upload = g_list_model_get_item (G_LIST_MODEL (queue), before);
  WAIT_UNTIL (carrete_upload_is_finished (upload));
  g_assert_cmpint (carrete_upload_get_state (upload), ==, CARRETE_UPLOAD_FAILED);
  g_assert_error (carrete_upload_get_error (upload), CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_TOO_LARGE);
  return upload;
}

static void
test_upload_too_large (void)
{
  g_autoptr(GBytes) png = ct_unique_png ("big");
  g_autoptr(GByteArray) big = g_byte_array_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(CarreteUpload) upload = NULL;
  g_autofree char *status = NULL;

  restart_photos_with ("CARRETE_MAX_UPLOAD_BYTES=65536");
  g_byte_array_append (big, g_bytes_get_data (png, NULL), g_bytes_get_size (png));
  g_byte_array_set_size (big, 200 * 1024); /* trailing zeros after IEND */
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&big));
  path = write_file ("huge.png", bytes);
  files = files_of ((const char *[]) { path, NULL });

  upload = upload_refused_as_too_large (files);
  g_assert_cmpuint (n_photos (), ==, 3);
}

/* ---- the account's storage -------------------------------------------------------------- */

static gint64
usage_now (void)
{
  g_autoptr(CtResponse) me = ct_http (ui.stack->users.url, "GET", "/v1/users/me", ui.user->token, NULL);

  g_assert_cmpuint (me->status, ==, 200);
  return json_object_get_int_member (ct_response_object (me), "usage_bytes");
}

static gboolean
usage_says (const char *text)
{
  return g_strcmp0 (carrete_window_get_usage_text (ui.window), text) == 0;
}

/* The sidebar's foot says how much the account stores; once an
 * administrator gives it a quota, a file that does not fit fails with the
 * server's reason, and the foot shows the quota. */
static void
test_quota (void)
{
  g_autoptr(StackUser) admin = stack_admin_new (ui.stack, "deskadmin");
  gint64 usage = usage_now ();
  g_autofree char *used = g_format_size ((guint64) usage);
  g_autofree char *quota = g_format_size ((guint64) usage + 10);
  g_autofree char *unlimited = g_strdup_printf ("%s used", used);
  g_autofree char *limited = g_strdup_printf ("%s of %s used", used, quota);
  g_autofree char *path = g_strdup_printf ("/v1/users/%s", ui.user->id);
  g_autofree char *body = g_strdup_printf ("{\"quota_bytes\": %" G_GINT64_FORMAT "}", usage + 10);
  g_autoptr(CtResponse) set = NULL;
  g_autoptr(GBytes) png = ct_unique_png ("no-room");
  g_autofree char *file = write_file ("no-room.png", png);
  g_autoptr(GPtrArray) files = files_of ((const char *[]) { file, NULL });
  g_autoptr(CarreteUpload) upload = NULL;

  WAIT_UNTIL (usage_says (unlimited));
  set = ct_http (ui.stack->users.url, "PATCH", path, admin->token, body);
  g_assert_cmpuint (set->status, ==, 200);

  upload = upload_refused_as_too_large (files);
  g_assert_nonnull (strstr (carrete_upload_get_error (upload)->message, "quota"));
  WAIT_UNTIL (usage_says (limited));
  g_assert_cmpint (usage_now (), ==, usage);

  /* No limit again, for the tests that follow. */
  g_clear_pointer (&set, ct_response_free);
  set = ct_http (ui.stack->users.url, "PATCH", path, admin->token, "{\"quota_bytes\": 0}");
  g_assert_cmpuint (set->status, ==, 200);
}

/* ---- an expired session keeps the pending uploads ---------------------------------------- */

static void
test_session_expired (void)
{
  CarreteUploadQueue *queue = carrete_window_get_upload_queue (ui.window);
  CarreteClient *client = carrete_window_get_client (ui.window);
  g_autoptr(GBytes) png = ct_unique_png ("late");
  g_autofree char *path = write_file ("after-the-break.png", png);
  g_autoptr(GPtrArray) files = files_of ((const char *[]) { path, NULL });
  g_autoptr(CarreteUpload) upload = NULL;
  g_autofree char *forger_public = g_build_filename (ui.dir, "forger.pub", NULL);
  g_autofree char *setting = NULL;
  g_autofree char *real_key = NULL;
  guint before = g_list_model_get_n_items (G_LIST_MODEL (queue));

  /* Every access token is refused by photos (it now trusts another key),
   * and every refresh token has expired: the session is over. */
  g_free (ct_run ((const char *[]) { "openssl", "ec", "-in", ui.stack->forger_key, "-pubout",
                                     "-out", forger_public, NULL }));
  setting = g_strdup_printf ("CARRETE_JWT_PUBLIC_KEY_FILE=%s", forger_public);
  restart_photos_with (setting);
  g_free (stack_sql (ui.stack, "users",
                     "UPDATE refresh_tokens SET expires_at = now() - interval '1 hour'",
                     NULL));

  carrete_window_upload_files (ui.window, files);
  WAIT_UNTIL (g_strcmp0 (carrete_window_get_page (ui.window), "sign-in") == 0);
  g_assert_nonnull (strstr (sign_in_error (), "session has ended"));
  WAIT_UNTIL (g_list_model_get_n_items (G_LIST_MODEL (queue)) == before + 1);
  upload = g_list_model_get_item (G_LIST_MODEL (queue), before);
  g_assert_false (carrete_upload_is_finished (upload));

  /* Photos trusts the real key again; signing in resumes the same queue. */
  real_key = g_strdup_printf ("CARRETE_JWT_PUBLIC_KEY_FILE=%s", ui.stack->keys->jwt_public);
  restart_photos_with (real_key);
  sign_in_to_stack (STACK_PASSWORD);
  g_assert_cmpstr (carrete_window_get_page (ui.window), ==, "gallery");
  g_assert_true (carrete_window_get_client (ui.window) == client);
  g_assert_true (carrete_window_get_upload_queue (ui.window) == queue);
  WAIT_UNTIL (carrete_upload_is_finished (upload));
  g_assert_cmpint (carrete_upload_get_state (upload), ==, CARRETE_UPLOAD_DONE);
}

/* ---- watched folders --------------------------------------------------------------------------
 */

static gboolean
watch_status_is (const char *text)
{
  return g_strcmp0 (carrete_window_get_watch_status (ui.window), text) == 0;
}

static gboolean
ready_photos_named (const char *name, const char *count)
{
  g_autofree char *n = stack_sql (
      ui.stack, "photos", "SELECT count(*) FROM photos WHERE state = 'ready' AND name = $1", name);

  return g_strcmp0 (n, count) == 0;
}

/* The Watched Folders dialog adds a folder whose new images go to
 * Holidays; the sidebar says so; closing the window then only hides it and
 * the next image still arrives; pausing holds the next image until
 * resumed; a folder inside it is refused; removing it hides the line and
 * closing closes again. */
static void
test_watched_folder (void)
{
  g_autofree char *camera = g_build_filename (ui.dir, "camera", NULL);
  g_autofree char *inside = g_build_filename (camera, "inside", NULL);
  g_autofree char *one = g_build_filename (camera, "watched-one.png", NULL);
  g_autofree char *two = g_build_filename (camera, "watched-two.png", NULL);
  g_autoptr (GBytes) png_one = ct_unique_png ("watched-one");
  g_autoptr (GBytes) png_two = ct_unique_png ("watched-two");
  g_autofree char *three = g_build_filename (camera, "watched-three.png", NULL);
  g_autoptr (GBytes) png_three = ct_unique_png ("watched-three");
  CarreteWatcher *watcher = carrete_window_get_watcher (ui.window);
  g_autoptr (CarreteWatchedFolder) folder = NULL;
  CarreteWatchedDialog *dialog;

  g_assert_nonnull (watcher);
  g_assert_null (carrete_window_get_watch_status (ui.window)); /* none yet: no line */
  g_assert_cmpint (g_mkdir_with_parents (inside, 0700), ==, 0);
  dialog = carrete_window_show_watched_folders (ui.window);
  carrete_watched_dialog_set_target (dialog, ui.folder_id);
  g_assert_true (carrete_watched_dialog_add (dialog, camera));
  g_assert_null (carrete_watched_dialog_get_error (dialog));
  g_assert_false (carrete_watched_dialog_add (dialog, inside));
  g_assert_nonnull (carrete_watched_dialog_get_error (dialog));
  WAIT_UNTIL (watch_status_is ("Watching 1 folder"));
  folder = g_list_model_get_item (carrete_watcher_get_folders (watcher), 0);
  g_assert_cmpstr (carrete_watched_folder_get_folder_id (folder), ==, ui.folder_id);
  g_assert_false (carrete_watched_folder_get_delete_on_server (folder));

  g_assert_true (g_file_set_contents (one, g_bytes_get_data (png_one, NULL),
                                      (gssize) g_bytes_get_size (png_one), NULL));
  WAIT_UNTIL (ready_photos_named ("watched-one.png", "1"));
  WAIT_UNTIL (watch_status_is ("Watching 1 folder"));

  /* Closing the window while a folder is watched only hides it: the app
   * keeps watching in the background. */
  g_assert_true (gtk_window_get_hide_on_close (GTK_WINDOW (ui.window)));
  gtk_window_close (GTK_WINDOW (ui.window));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (ui.window)));
  g_assert_true (g_file_set_contents (three, g_bytes_get_data (png_three, NULL),
                                      (gssize) g_bytes_get_size (png_three), NULL));
  WAIT_UNTIL (ready_photos_named ("watched-three.png", "1"));
  gtk_window_present (GTK_WINDOW (ui.window));
  WAIT_UNTIL (watch_status_is ("Watching 1 folder"));

  /* The sidebar's pause toggle holds the next one. */
  gtk_widget_activate_action (GTK_WIDGET (ui.window), "win.pause-watching", NULL);
  g_assert_true (watch_status_is ("Paused"));
  g_assert_true (g_file_set_contents (two, g_bytes_get_data (png_two, NULL),
                                      (gssize) g_bytes_get_size (png_two), NULL));
  WAIT_UNTIL (watch_status_is ("Paused (1 waiting)"));
  desktop_test_spin (2000);
  g_assert_true (ready_photos_named ("watched-two.png", "0"));
  gtk_widget_activate_action (GTK_WIDGET (ui.window), "win.pause-watching", NULL);
  WAIT_UNTIL (ready_photos_named ("watched-two.png", "1"));
  WAIT_UNTIL (watch_status_is ("Watching 1 folder"));
  g_assert_true (ready_photos_named ("watched-one.png", "1"));

  g_assert_true (carrete_watcher_remove (watcher, folder, NULL));
  g_assert_null (carrete_window_get_watch_status (ui.window));
  /* Nothing watched: closing closes again. */
  g_assert_false (gtk_window_get_hide_on_close (GTK_WINDOW (ui.window)));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* ---- create an account ---------------------------------------------------------------------- */

static void
test_register (void)
{
  CarreteSignInPage *page = carrete_window_get_sign_in_page (ui.window);
  g_autofree char *name = g_strdup_printf ("newcomer%u", g_random_int_range (1000, 9999));
  g_autofree char *email = g_strdup_printf ("%s@example.org", name);

  g_assert_cmpstr (carrete_window_get_page (ui.window), ==, "sign-in");
  carrete_sign_in_page_set_registering (page, TRUE, email);
  carrete_sign_in_page_fill (page, "", ui.stack->users.url, ui.stack->photos.url,
                             ui.stack->folders.url, name, "short");
  carrete_sign_in_page_submit (page);
  WAIT_UNTIL (!carrete_sign_in_page_get_busy (page));
  /* The server's reason for a password it refuses. */
  g_assert_nonnull (sign_in_error ());
  g_test_message ("refused: %s", sign_in_error ());
  g_assert_cmpstr (carrete_window_get_page (ui.window), ==, "sign-in");

  carrete_sign_in_page_fill (page, NULL, NULL, NULL, NULL, NULL, "a long enough password");
  carrete_sign_in_page_submit (page);
  WAIT_UNTIL (!carrete_sign_in_page_get_busy (page));
  g_assert_null (sign_in_error ());
  g_assert_cmpstr (carrete_window_get_page (ui.window), ==, "gallery");
  g_assert_cmpstr (carrete_user_get_username (carrete_client_get_user (carrete_window_get_client (ui.window))),
                   ==, name);
  WAIT_UNTIL (photos_settled ());
  g_assert_cmpuint (n_photos (), ==, 0);
  gtk_widget_activate_action (GTK_WIDGET (ui.window), "win.sign-out", NULL);
  g_assert_cmpstr (carrete_window_get_page (ui.window), ==, "sign-in");
  carrete_sign_in_page_set_registering (page, FALSE, NULL);
}

/* ---- sign out -------------------------------------------------------------------------------- */

static void
test_sign_out (void)
{
  gtk_widget_activate_action (GTK_WIDGET (ui.window), "win.sign-out", NULL);
  g_assert_cmpstr (carrete_window_get_page (ui.window), ==, "sign-in");
  g_assert_null (carrete_window_get_client (ui.window));
  g_assert_null (carrete_window_get_photos (ui.window));
  /* The keyring forgets the session. */
  WAIT_UNTIL (keyring_holds (NULL));
}

int
main (int argc, char *argv[])
{
  int status;

  /* Line by line, so that a crash does not swallow the TAP already printed. */
  setvbuf (stdout, NULL, _IOLBF, 0);
  g_test_init (&argc, &argv, NULL);
  /* All tests are leaves of one suite, so they run in the order added. */
  gtk_init ();
  carrete_desktop_init ();
  g_timeout_add (10, desktop_test_tick, NULL);

  ui.stack = stack_start ();
  ui.user = stack_user_new (ui.stack, "ui");
  ui.dir = ct_make_tmpdir ("carrete-ui-files-XXXXXX");
  ui.window = g_object_ref_sink (carrete_window_new (NULL));
  gtk_window_present (GTK_WINDOW (ui.window));

  g_test_add_func ("/carrete/desktop/ui/sign-in-empty", test_sign_in_empty);
  g_test_add_func ("/carrete/desktop/ui/sign-in-wrong-password", test_sign_in_wrong_password);
  g_test_add_func ("/carrete/desktop/ui/sign-in-unreachable", test_sign_in_unreachable);
  g_test_add_func ("/carrete/desktop/ui/sign-in-not-carrete", test_sign_in_not_carrete);
  g_test_add_func ("/carrete/desktop/ui/sign-in-ok", test_sign_in);
  g_test_add_func ("/carrete/desktop/ui/restore-from-keyring", test_restore);
  g_test_add_func ("/carrete/desktop/ui/folder-refused", test_folder_refused);
  g_test_add_func ("/carrete/desktop/ui/folder-create", test_folder_create);
  g_test_add_func ("/carrete/desktop/ui/upload-three", test_upload_three);
  g_test_add_func ("/carrete/desktop/ui/upload-bad-files", test_upload_bad_files);
  g_test_add_func ("/carrete/desktop/ui/upload-duplicate", test_upload_duplicate);
  g_test_add_func ("/carrete/desktop/ui/filter", test_filter);
  g_test_add_func ("/carrete/desktop/ui/viewer", test_viewer);
  g_test_add_func ("/carrete/desktop/ui/delete-undo", test_delete_undo);
  g_test_add_func ("/carrete/desktop/ui/trash", test_trash);
  g_test_add_func ("/carrete/desktop/ui/sort-and-move", test_sort_and_move);
  g_test_add_func ("/carrete/desktop/ui/upload-cancel-retry", test_upload_cancel_retry);
  g_test_add_func ("/carrete/desktop/ui/folder-edit-delete", test_folder_edit_delete);
  g_test_add_func ("/carrete/desktop/ui/server-stops", test_server_stops);
  g_test_add_func ("/carrete/desktop/ui/upload-too-large", test_upload_too_large);
  g_test_add_func ("/carrete/desktop/ui/quota", test_quota);
  g_test_add_func ("/carrete/desktop/ui/session-expired", test_session_expired);
  g_test_add_func ("/carrete/desktop/ui/watched-folder", test_watched_folder);
  g_test_add_func ("/carrete/desktop/ui/sign-out", test_sign_out);
  g_test_add_func ("/carrete/desktop/ui/register", test_register);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (ui.window));
  g_clear_object (&ui.window);
  desktop_test_spin (100);
  ct_remove_tree (ui.dir);
  g_free (ui.dir);
  g_free (ui.folder_id);
  g_free (ui.photo_name);
  stack_user_free (ui.user);
  stack_free (ui.stack);
  return status;
}
