/* Photos drawn for the screenshots and the bench (no image in the repo). */
#include <cairo.h>
#include <math.h>

#include "desktop-test-images.h"

/* A landscape: sky, sun, two mountain ranges, water; `noise` adds grain so
 * that the file is as big as a camera's and its upload takes a while. */
char *
desktop_draw_photo (const char *dir, guint index, int width, int height, gboolean noise)
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

