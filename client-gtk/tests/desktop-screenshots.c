/* Produces the README's screenshots of carrete-desktop against a real stack:
 * sign-in, gallery, viewer and uploads in progress, as PNGs in the directory
 * given as the only argument.  Run by screenshots.sh under Xvfb.  The photos
 * are drawn here (landscapes in cairo), so no image is stored in the repo. */
#include <cairo.h>
#include <gtk/gtk.h>
#include <math.h>

#include "carrete-application.h"
#include "carrete-client-lib.h"
#include "carrete-folder-dialog.h"
#include "carrete-sign-in-page.h"
#include "carrete-thumbnail-loader.h"
#include "carrete-viewer.h"
#include "carrete-window.h"
#include "stack.h"

#define WAIT_UNTIL(cond) \
  G_STMT_START { \
    gint64 deadline_ = g_get_monotonic_time () + 120 * G_TIME_SPAN_SECOND; \
    while (!(cond)) \
      { \
        if (g_get_monotonic_time () > deadline_) \
          g_error ("timed out waiting for %s", #cond); \
        g_main_context_iteration (NULL, TRUE); \
      } \
  } G_STMT_END

static gboolean
tick (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
}

static void
save (GtkWidget *window, const char *dir, const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  int width = gtk_widget_get_width (window);
  int height = gtk_widget_get_height (window);

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    g_error ("could not write %s", path);
  g_print ("wrote %s (%d×%d)\n", path, width, height);
}

/* A landscape: sky, sun, two mountain ranges, water; `noise` adds grain so
 * that the file is as big as a camera's and its upload takes a while. */
static char *
draw_photo (const char *dir, guint index, int width, int height, gboolean noise)
{
  static const double skies[][6] = {
    { 0.98, 0.60, 0.35, 0.35, 0.20, 0.45 }, { 0.55, 0.78, 0.98, 0.95, 0.97, 1.00 },
    { 0.99, 0.82, 0.50, 0.90, 0.45, 0.40 }, { 0.20, 0.25, 0.50, 0.85, 0.55, 0.60 },
    { 0.60, 0.85, 0.95, 0.98, 0.92, 0.80 }, { 0.95, 0.70, 0.75, 0.45, 0.40, 0.70 },
  };
  const double *sky = skies[index % G_N_ELEMENTS (skies)];
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (surface);
  cairo_pattern_t *gradient = cairo_pattern_create_linear (0, 0, 0, height * 0.7);
  GRand *rand = g_rand_new_with_seed (index * 7919 + 17);
  g_autofree char *name = g_strdup_printf ("landscape-%02u%s.png", index + 1, noise ? "-raw" : "");
  char *path = g_build_filename (dir, name, NULL);
  double hue = (index % 5) / 5.0;

  cairo_pattern_add_color_stop_rgb (gradient, 0, sky[3], sky[4], sky[5]);
  cairo_pattern_add_color_stop_rgb (gradient, 1, sky[0], sky[1], sky[2]);
  cairo_set_source (cr, gradient);
  cairo_paint (cr);
  cairo_pattern_destroy (gradient);

  cairo_set_source_rgba (cr, 1.0, 0.95, 0.75, 0.9);
  cairo_arc (cr, width * (0.2 + 0.6 * g_rand_double (rand)), height * 0.35, height * 0.08, 0, 2 * G_PI);
  cairo_fill (cr);

  for (int range = 0; range < 2; range++)
    {
      double base = height * (0.55 + 0.12 * range);
      cairo_move_to (cr, 0, height);
      cairo_line_to (cr, 0, base);
      for (int x = 0; x <= width; x += width / 8)
        cairo_line_to (cr, x, base - g_rand_double_range (rand, 0.05, 0.25) * height / (range + 1));
      cairo_line_to (cr, width, height);
      cairo_close_path (cr);
      cairo_set_source_rgb (cr, 0.15 + 0.2 * hue + 0.1 * range, 0.25 + 0.15 * range, 0.3 - 0.1 * range);
      cairo_fill (cr);
    }
  gradient = cairo_pattern_create_linear (0, height * 0.8, 0, height);
  cairo_pattern_add_color_stop_rgb (gradient, 0, 0.2, 0.45 + 0.2 * hue, 0.6);
  cairo_pattern_add_color_stop_rgb (gradient, 1, 0.05, 0.2, 0.35);
  cairo_set_source (cr, gradient);
  cairo_rectangle (cr, 0, height * 0.8, width, height * 0.2);
  cairo_fill (cr);
  cairo_pattern_destroy (gradient);

  if (noise)
    {
      guint32 *pixels;
      int stride;

      cairo_surface_flush (surface);
      pixels = (guint32 *) cairo_image_surface_get_data (surface);
      stride = cairo_image_surface_get_stride (surface) / 4;
      for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
          pixels[y * stride + x] ^= g_rand_int (rand) & 0x0f0f0f;
      cairo_surface_mark_dirty (surface);
    }

  if (cairo_surface_write_to_png (surface, path) != CAIRO_STATUS_SUCCESS)
    g_error ("could not write %s", path);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  g_rand_free (rand);
  return path;
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
  guint moving = 0, done = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CarreteUpload) upload = g_list_model_get_item (G_LIST_MODEL (queue), i);
      double fraction = carrete_upload_get_fraction (upload);
      moving += carrete_upload_get_state (upload) == CARRETE_UPLOAD_UPLOADING
                && fraction > 0.15 && fraction < 0.85;
      done += carrete_upload_get_state (upload) == CARRETE_UPLOAD_DONE;
    }
  return moving >= 1 && done >= 1;
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
  g_timeout_add (10, tick, NULL);
  stack = stack_start ();
  user = stack_user_new (stack, "ana");
  dir = ct_make_tmpdir ("carrete-shots-XXXXXX");

  window = g_object_ref_sink (carrete_window_new (NULL));
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  gtk_window_present (GTK_WINDOW (window));

  /* Sign-in, as a person would see it while typing. */
  page = carrete_window_get_sign_in_page (window);
  carrete_sign_in_page_fill (page, "https://photos.example.org", NULL, NULL, NULL, "ana", "secret-pass");
  spin (800);
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
      g_autofree char *path = draw_photo (dir, i, 960, 640, FALSE);
      g_ptr_array_add (files, g_file_new_for_path (path));
    }
  queue = carrete_window_get_upload_queue (window);
  carrete_window_upload_files (window, files);
  WAIT_UNTIL (g_list_model_get_n_items (G_LIST_MODEL (queue)) == 15 && queue_finished (queue));
  carrete_upload_queue_clear_finished (queue);
  WAIT_UNTIL (carrete_thumbnail_loader_get_n_decoded (carrete_window_get_thumbnail_loader (window)) >= 15);
  spin (1500);
  save (GTK_WIDGET (window), out, "desktop-gallery.png");

  carrete_window_open_photo (window, 3);
  WAIT_UNTIL (carrete_viewer_has_image (carrete_window_get_viewer (window)));
  spin (800);
  save (GTK_WIDGET (window), out, "desktop-viewer.png");
  gtk_widget_activate_action (GTK_WIDGET (carrete_window_get_viewer (window)), "viewer.close", NULL);

  g_ptr_array_set_size (files, 0);
  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *path = draw_photo (dir, i + 20, 2400, 1600, TRUE);
      g_ptr_array_add (files, g_file_new_for_path (path));
    }
  carrete_window_upload_files (window, files);
  WAIT_UNTIL (upload_in_flight (queue));
  save (GTK_WIDGET (window), out, "desktop-upload.png");
  WAIT_UNTIL (queue_finished (queue));

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
  spin (100);
  ct_remove_tree (dir);
  stack_user_free (user);
  stack_free (stack);
  return 0;
}
