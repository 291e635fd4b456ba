/* Times what carrete-photos does to a freshly uploaded 24-megapixel JPEG on
 * one libvips thread: photos_imaging_probe then photos_imaging_thumbnails
 * (256 and 1280 px), and the same work in one photos_imaging_process call.
 * Prints medians of BENCH_RUNS runs (default 7) and their ratio to the
 * 300 ms target.  Built on demand only:
 *
 *   ninja -C build tests/bench/bench-thumbnails && build/tests/bench/bench-thumbnails
 *
 * Use an optimized build (not build-asan): sanitizers slow libvips' callers
 * and our code, not the codecs, so the figure would mean little. */
#define G_LOG_DOMAIN "carrete-bench-thumbnails"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <vips/vips.h>

#include "imaging.h"

#define WIDTH 6000
#define HEIGHT 4000
#define TARGET_MS 300.0

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)

/* Smooth gradients (sky, skin) plus fine noise (texture, sensor noise), so
 * that the JPEG is about the size a camera writes, not a trivial one. */
static gboolean
write_photo (const char *path)
{
  g_autoptr (VipsImage) xyz = NULL;
  g_autoptr (VipsImage) gradient = NULL;
  g_autoptr (VipsImage) noise = NULL;
  g_autoptr (VipsImage) sum = NULL;
  g_autoptr (VipsImage) rgb = NULL;
  g_autoptr (VipsImage) photo = NULL;
  VipsImage *bands[3];
  double scale[] = { 200.0 / WIDTH, 200.0 / HEIGHT };
  double offset[] = { 20, 20 };

  if (vips_xyz (&xyz, WIDTH, HEIGHT, NULL) != 0
      || vips_linear (xyz, &gradient, scale, offset, 2, NULL) != 0
      || vips_gaussnoise (&noise, WIDTH, HEIGHT, "mean", 0.0, "sigma", 18.0, NULL) != 0)
    return FALSE;
  {
    g_autoptr (VipsImage) x = NULL;
    g_autoptr (VipsImage) y = NULL;
    g_autoptr (VipsImage) xn = NULL;
    g_autoptr (VipsImage) yn = NULL;
    g_autoptr (VipsImage) mix = NULL;

    if (vips_extract_band (gradient, &x, 0, NULL) != 0
        || vips_extract_band (gradient, &y, 1, NULL) != 0 || vips_add (x, noise, &xn, NULL) != 0
        || vips_add (y, noise, &yn, NULL) != 0
        || vips_linear1 (xn, &mix, 0.5, 60, NULL) != 0)
      return FALSE;
    bands[0] = xn;
    bands[1] = yn;
    bands[2] = mix;
    if (vips_bandjoin (bands, &sum, 3, NULL) != 0)
      return FALSE;
  }
  if (vips_cast_uchar (sum, &rgb, NULL) != 0
      || vips_copy (rgb, &photo, "interpretation", VIPS_INTERPRETATION_sRGB, NULL) != 0)
    return FALSE;
  return vips_jpegsave (photo, path, "Q", 90, NULL) == 0;
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *values, int n)
{
  qsort (values, (size_t) n, sizeof *values, compare_doubles);
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *photo = NULL;
  g_autofree char *small = NULL;
  g_autofree char *large = NULL;
  const char *runs_env = g_getenv ("BENCH_RUNS");
  int runs = runs_env != NULL ? atoi (runs_env) : 7;
  double *probe_ms, *thumbs_ms, *total_ms, *process_ms;
  GStatBuf st;
  PhotosImageInfo info;
  double total;

  if (runs < 1)
    runs = 1;
  if (!photos_imaging_init (argv[0], 1, &error))
    g_error ("%s", error->message);
  dir = g_dir_make_tmp ("carrete-bench-XXXXXX", &error);
  if (dir == NULL)
    g_error ("%s", error->message);
  photo = g_build_filename (dir, "photo.jpg", NULL);
  small = g_build_filename (dir, "small.jpg", NULL);
  large = g_build_filename (dir, "large.jpg", NULL);
  if (!write_photo (photo))
    g_error ("cannot write the test photo: %s", vips_error_buffer ());
  g_stat (photo, &st);
  printf ("# %d x %d JPEG, %.1f MB, 1 libvips thread, %d runs\n", WIDTH, HEIGHT,
          st.st_size / 1e6, runs);

  probe_ms = g_new (double, runs);
  thumbs_ms = g_new (double, runs);
  total_ms = g_new (double, runs);
  process_ms = g_new (double, runs);
  for (int i = 0; i < runs; i++)
    {
      gint64 start = g_get_monotonic_time (), probed, done;

      if (!photos_imaging_probe (photo, PHOTOS_TYPE_JPEG, 100000000, &info, &error))
        g_error ("probe: %s", error->message);
      probed = g_get_monotonic_time ();
      if (!photos_imaging_thumbnails (photo, PHOTOS_TYPE_JPEG, small, large, &error))
        g_error ("thumbnails: %s", error->message);
      done = g_get_monotonic_time ();
      probe_ms[i] = (probed - start) / 1000.0;
      thumbs_ms[i] = (done - probed) / 1000.0;
      total_ms[i] = (done - start) / 1000.0;

      start = g_get_monotonic_time ();
      if (!photos_imaging_process (photo, PHOTOS_TYPE_JPEG, 100000000, &info, small, large,
                                   &error))
        g_error ("process: %s", error->message);
      process_ms[i] = (g_get_monotonic_time () - start) / 1000.0;
    }
  total = median (total_ms, runs);
  printf ("probe           %7.1f ms (median)\n", median (probe_ms, runs));
  printf ("thumbnails      %7.1f ms (median)\n", median (thumbs_ms, runs));
  printf ("probe+thumbs    %7.1f ms (median), target %.0f ms, ratio %.2f %s\n", total,
          TARGET_MS, total / TARGET_MS, total <= TARGET_MS ? "(met)" : "(MISSED)");
  total = median (process_ms, runs);
  printf ("process         %7.1f ms (median), target %.0f ms, ratio %.2f %s\n", total,
          TARGET_MS, total / TARGET_MS, total <= TARGET_MS ? "(met)" : "(MISSED)");

  g_unlink (photo);
  g_unlink (small);
  g_unlink (large);
  g_rmdir (dir);
  g_free (probe_ms);
  g_free (thumbs_ms);
  g_free (total_ms);
  g_free (process_ms);
  photos_imaging_shutdown ();
  return 0;
}
