/* The desktop app's side of tests/bench/bench-import.sh: signs the real
 * window in to a running stack and drops every file of one directory on it,
 * as a user dragging a camera folder would, then waits until the upload
 * queue is idle.  Prints one line the script reads:
 *
 *   desktop: FILES files BYTES bytes DONE done in SECONDS s
 *
 *   bench-import-desktop USERS_URL PHOTOS_URL FOLDERS_URL USER PASSWORD DIR JOBS
 *
 * JOBS sets the queue's uploads at a time (the app's default is 3), so that
 * the three contenders of the bench run equally wide. */
#include <gtk/gtk.h>
#include <stdio.h>
#include <stdlib.h>

#include "carrete-application.h"
#include "carrete-client-lib.h"
#include "carrete-sign-in-page.h"
#include "carrete-window-test-hooks.h"
#include "desktop-test-loop.h"

#define WAIT_UNTIL(cond) DESKTOP_WAIT_UNTIL (cond, 3600 * 1000)

/* The regular files directly in `dir`, and their total size. */
static GPtrArray *
files_of (const char *dir, guint64 *total_size)
{
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileEnumerator) children = g_file_enumerate_children (
    folder, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE
            "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
    G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, &error);
  GPtrArray *files = g_ptr_array_new_with_free_func (g_object_unref);
  GFileInfo *info;

  if (children == NULL)
    g_error ("%s: %s", dir, error->message);
  *total_size = 0;
  while ((info = g_file_enumerator_next_file (children, NULL, &error)) != NULL)
    {
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR)
        {
          *total_size += g_file_info_get_size (info);
          g_ptr_array_add (files, g_file_get_child (folder, g_file_info_get_name (info)));
        }
      g_object_unref (info);
    }
  if (error != NULL)
    g_error ("%s: %s", dir, error->message);
  return files;
}

static guint
count_done (CarreteUploadQueue *queue)
{
  guint done = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (queue)); i++)
    {
      g_autoptr(CarreteUpload) upload = g_list_model_get_item (G_LIST_MODEL (queue), i);

      done += carrete_upload_get_state (upload) == CARRETE_UPLOAD_DONE;
    }
  return done;
}

int
main (int argc, char *argv[])
{
  CarreteWindow *window;
  CarreteUploadQueue *queue;
  g_autoptr(GPtrArray) files = NULL;
  guint64 total_size;
  gint64 start;
  guint jobs;

  if (argc != 8)
    {
      fprintf (stderr, "usage: %s USERS PHOTOS FOLDERS USER PASSWORD DIR JOBS\n", argv[0]);
      return 2;
    }
  jobs = (guint) atoi (argv[7]);
  gtk_init ();
  carrete_desktop_init ();
  g_timeout_add (10, desktop_test_tick, NULL);
  files = files_of (argv[6], &total_size);

  window = g_object_ref_sink (carrete_window_new (NULL));
  gtk_window_present (GTK_WINDOW (window));
  carrete_sign_in_page_fill (carrete_window_get_sign_in_page (window), "", argv[1], argv[2], argv[3],
                             argv[4], argv[5]);
  carrete_sign_in_page_submit (carrete_window_get_sign_in_page (window));
  WAIT_UNTIL (g_strcmp0 (carrete_window_get_page (window), "gallery") == 0);
  queue = carrete_window_get_upload_queue (window);
  carrete_upload_queue_set_max_parallel (queue, jobs);

  start = g_get_monotonic_time ();
  carrete_window_upload_files (window, files);
  WAIT_UNTIL (g_list_model_get_n_items (G_LIST_MODEL (queue)) >= files->len
              && carrete_upload_queue_get_n_pending (queue) == 0);
  printf ("desktop: %u files %" G_GUINT64_FORMAT " bytes %u done in %.3f s\n", files->len,
          total_size, count_done (queue), (g_get_monotonic_time () - start) / 1e6);

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
  return 0;
}
