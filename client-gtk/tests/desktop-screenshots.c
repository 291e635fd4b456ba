/* Produces the README's screenshots of carrete-desktop against a real stack:
 * sign-in, gallery, viewer and uploads in progress, as PNGs in the directory
 * given as the only argument.  Run by screenshots.sh under Xvfb.  The photos
 * are drawn here (landscapes in cairo), so no image is stored in the repo. */
#include <gtk/gtk.h>

#include "carrete-application.h"
#include "carrete-client-lib.h"
#include "carrete-folder-dialog.h"
#include "carrete-sign-in-page.h"
#include "carrete-thumbnail-loader.h"
#include "carrete-viewer.h"
#include "carrete-window-test-hooks.h"
#include "desktop-test-images.h"
#include "desktop-test-loop.h"
#include "stack.h"

#define WAIT_UNTIL(cond) DESKTOP_WAIT_UNTIL (cond, 120 * 1000)

static void
after_paint (GdkFrameClock *clock, gboolean *painted)
{
  *painted = TRUE;
}

/* The window as drawn in its last frame, or NULL while a layout is pending
 * (the paintable's image is then empty). */
static GdkTexture *
render_window (GtkWidget *window)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  int width = gtk_widget_get_width (window);
  int height = gtk_widget_get_height (window);

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return NULL;
  return gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                      &GRAPHENE_RECT_INIT (0, 0, width, height));
}

static void
save (GtkWidget *window, const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GdkTexture) texture = NULL;

  for (guint attempt = 0; attempt < 50 && texture == NULL; attempt++)
    {
      GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
      gboolean painted = FALSE;
      gulong id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint), &painted);

      gtk_widget_queue_draw (window);
      WAIT_UNTIL (painted);
      g_signal_handler_disconnect (clock, id);
      texture = render_window (window);
    }
  if (texture == NULL || !gdk_texture_save_to_png (texture, path))
    g_error ("could not write %s", path);
  g_print ("wrote %s (%d×%d)\n", path, gdk_texture_get_width (texture), gdk_texture_get_height (texture));
}

static void
new_folder (CarreteWindow *window, const char *name, gboolean is_public, const char *tags)
{
  CarreteFolderDialog *dialog = carrete_window_new_folder (window);

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  carrete_folder_dialog_fill (dialog, name, is_public, tags);
  carrete_folder_dialog_submit (dialog);
  WAIT_UNTIL (dialog == NULL);
}

static gboolean
upload_in_flight (CarreteUploadQueue *queue)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (queue));
  guint moving = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CarreteUpload) upload = g_list_model_get_item (G_LIST_MODEL (queue), i);
      double fraction = carrete_upload_get_fraction (upload);
      moving += carrete_upload_get_state (upload) == CARRETE_UPLOAD_UPLOADING
                && fraction > 0.15 && fraction < 0.85;
    }
  return moving >= 2;
}

static gboolean
queue_finished (CarreteUploadQueue *queue)
{
  return carrete_upload_queue_get_n_pending (queue) == 0;
}

int
main (int argc, char *argv[])
{
  Stack *stack;
  StackUser *user;
  CarreteWindow *window;
  CarreteSignInPage *page;
  CarreteUploadQueue *queue;
  g_autofree char *dir = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  const char *out;

  if (argc != 2)
    g_error ("usage: %s OUTPUT-DIR", argv[0]);
  out = argv[1];

  gtk_init ();
  carrete_desktop_init ();
  g_timeout_add (10, desktop_test_tick, NULL);
  stack = stack_start ();
  user = stack_user_new (stack, "ana");
  dir = ct_make_tmpdir ("carrete-shots-XXXXXX");

  window = g_object_ref_sink (carrete_window_new (NULL));
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  gtk_window_present (GTK_WINDOW (window));

  /* Sign-in, as a person would see it while typing. */
  page = carrete_window_get_sign_in_page (window);
  carrete_sign_in_page_fill (page, "https://photos.example.org", NULL, NULL, NULL, "ana", "secret-pass");
  desktop_test_spin (800);
  save (GTK_WIDGET (window), out, "desktop-sign-in.png");

  carrete_sign_in_page_fill (page, "", stack->users.url, stack->photos.url, stack->folders.url,
                             user->name, STACK_PASSWORD);
  carrete_sign_in_page_submit (page);
  WAIT_UNTIL (g_strcmp0 (carrete_window_get_page (window), "gallery") == 0);

  new_folder (window, "Family", FALSE, "family");
  new_folder (window, "Mountains", TRUE, "hiking, snow");
  new_folder (window, "Summer 2026", TRUE, "beach, summer");

  for (guint i = 0; i < 15; i++)
    {
      g_autofree char *path = desktop_draw_photo (dir, i, 960, 640, FALSE);
      g_ptr_array_add (files, g_file_new_for_path (path));
    }
  queue = carrete_window_get_upload_queue (window);
  carrete_window_upload_files (window, files);
  WAIT_UNTIL (g_list_model_get_n_items (G_LIST_MODEL (queue)) == 15 && queue_finished (queue));
  carrete_upload_queue_clear_finished (queue);
  carrete_window_select_folder (window, NULL);
  WAIT_UNTIL (carrete_thumbnail_loader_get_n_decoded (carrete_window_get_thumbnail_loader (window)) >= 15);
  /* Until the "folder saved" toasts have gone (5 s each, one at a time). */
  desktop_test_spin (16000);
  carrete_window_set_filter (window, "", NULL, NULL); /* shows the filter bar */
  desktop_test_spin (500);
  save (GTK_WIDGET (window), out, "desktop-gallery.png");

  carrete_window_open_photo (window, 3);
  WAIT_UNTIL (carrete_viewer_has_image (carrete_window_get_viewer (window)));
  desktop_test_spin (800);
  save (GTK_WIDGET (window), out, "desktop-viewer.png");
  gtk_widget_activate_action (GTK_WIDGET (carrete_window_get_viewer (window)), "viewer.close", NULL);

  g_ptr_array_set_size (files, 0);
  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *path = desktop_draw_photo (dir, i + 20, 2400, 1600, TRUE);
      g_ptr_array_add (files, g_file_new_for_path (path));
    }
  carrete_window_upload_files (window, files);
  WAIT_UNTIL (upload_in_flight (queue));
  save (GTK_WIDGET (window), out, "desktop-upload.png");
  WAIT_UNTIL (queue_finished (queue));

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
  desktop_test_spin (100);
  ct_remove_tree (dir);
  stack_user_free (user);
  stack_free (stack);
  return 0;
}
