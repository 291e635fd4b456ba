#define G_LOG_DOMAIN "carrete-test-imaging"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>
#include <vips/vips.h>

#include "carrete-error.h"
#include "carrete-test-util.h"
#include "imaging.h"

/* libvips 8.14 declares no autoptr cleanups of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)

#define MAX_PIXELS G_GUINT64_CONSTANT (100000000)
/* 2019-05-01 12:00:00 UTC */
#define MAY_DAY_2019 G_GINT64_CONSTANT (1556712000)

static char *tmp_dir;

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

/* --- Making test images with libvips ---------------------------------------- */

/* A `width` × `height` sRGB image: black left half, white right half, so
 * that a rotation shows. */
static VipsImage *
make_halves (int width, int height)
{
  g_autoptr (VipsImage) xyz = NULL;
  g_autoptr (VipsImage) x = NULL;
  g_autoptr (VipsImage) mask = NULL;
  VipsImage *bands[3];
  VipsImage *out = NULL;

  g_assert_cmpint (vips_xyz (&xyz, width, height, NULL), ==, 0);
  g_assert_cmpint (vips_extract_band (xyz, &x, 0, NULL), ==, 0);
  g_assert_cmpint (vips_moreeq_const1 (x, &mask, width / 2, NULL), ==, 0);
  bands[0] = bands[1] = bands[2] = mask;
  g_assert_cmpint (vips_bandjoin (bands, &out, 3, NULL), ==, 0);
  out->Type = VIPS_INTERPRETATION_sRGB;
  return out;
}

/* Gradients plus noise: compresses like a photo, not like a flat image. */
static VipsImage *
make_photo (int width, int height)
{
  g_autoptr (VipsImage) xyz = NULL;
  g_autoptr (VipsImage) noise = NULL;
  g_autoptr (VipsImage) sum = NULL;
  g_autoptr (VipsImage) third = NULL;
  g_autoptr (VipsImage) joined = NULL;
  VipsImage *out = NULL;
  double scale[] = { 255.0 / width, 255.0 / height };
  double zero[] = { 0, 0 };

  g_assert_cmpint (vips_xyz (&xyz, width, height, NULL), ==, 0);
  g_assert_cmpint (vips_linear (xyz, &sum, scale, zero, 2, NULL), ==, 0);
  g_assert_cmpint (vips_gaussnoise (&noise, width, height, "mean", 128.0, "sigma", 40.0, NULL),
                   ==, 0);
  g_assert_cmpint (vips_bandjoin2 (sum, noise, &joined, NULL), ==, 0);
  g_assert_cmpint (vips_cast_uchar (joined, &third, NULL), ==, 0);
  g_assert_cmpint (vips_copy (third, &out, "interpretation", VIPS_INTERPRETATION_sRGB, NULL),
                   ==, 0);
  return out;
}

static char *
save_jpeg_file (VipsImage *image, const char *name)
{
  char *path = tmp_path (name);

  g_assert_cmpint (vips_jpegsave (image, path, NULL), ==, 0);
  return path;
}

static char *
write_bytes (const char *name, const void *data, gsize len)
{
  char *path = tmp_path (name);
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (path, data, (gssize) len, &error));
  g_assert_no_error (error);
  return path;
}

static void
assert_image_size (const char *path, int width, int height)
{
  g_autoptr (VipsImage) image = NULL;

  g_assert_cmpint (vips_jpegload (path, &image, NULL), ==, 0);
  g_assert_cmpint (vips_image_get_width (image), ==, width);
  g_assert_cmpint (vips_image_get_height (image), ==, height);
  g_assert_cmpint (vips_image_get_bands (image), ==, 3);
  /* Metadata stripped: no EXIF, no profile. */
  g_assert_cmpint (vips_image_get_typeof (image, VIPS_META_EXIF_NAME), ==, 0);
  g_assert_cmpint (vips_image_get_typeof (image, VIPS_META_ICC_NAME), ==, 0);
}

static double
pixel_value (const char *path, int x, int y)
{
  g_autoptr (VipsImage) image = NULL;
  double *values = NULL;
  int n = 0;
  double value;

  g_assert_cmpint (vips_jpegload (path, &image, NULL), ==, 0);
  g_assert_cmpint (vips_getpoint (image, &values, &n, x, y, NULL), ==, 0);
  g_assert_cmpint (n, >=, 1);
  value = values[0];
  g_free (values);
  return value;
}

static void
probe_ok (const char *path, PhotosType type, PhotosImageInfo *info)
{
  g_autoptr (GError) error = NULL;

  if (!photos_imaging_probe (path, type, MAX_PIXELS, info, &error))
    g_error ("probe of %s failed: %s", path, error->message);
  g_assert_cmpint (info->type, ==, type);
}

static void
thumbnails_ok (const char *path, PhotosType type, char **small, char **large)
{
  g_autoptr (GError) error = NULL;

  *small = tmp_path ("small.jpg");
  *large = tmp_path ("large.jpg");
  g_unlink (*small);
  g_unlink (*large);
  if (!photos_imaging_thumbnails (path, type, *small, *large, &error))
    g_error ("thumbnails of %s failed: %s", path, error->message);
}

/* --- Probing ---------------------------------------------------------------- */

typedef int (*SaveFunc) (VipsImage *image, const char *path, ...);

static void
check_probe_type (PhotosType type, const char *name, SaveFunc save)
{
  g_autoptr (VipsImage) image = make_photo (64, 48);
  g_autofree char *path = tmp_path (name);
  g_autofree char *small = NULL;
  g_autofree char *large = NULL;
  PhotosImageInfo info;

  g_assert_cmpint (save (image, path, NULL), ==, 0);
  probe_ok (path, type, &info);
  g_assert_cmpuint (info.width, ==, 64);
  g_assert_cmpuint (info.height, ==, 48);
  g_assert_cmpint (info.taken_at, ==, -1);
  thumbnails_ok (path, type, &small, &large);
  assert_image_size (large, 64, 48);
  assert_image_size (small, 64, 48);
}

/* The types every libvips build here can write (HEIC is on its own: it may
 * not). */
typedef struct
{
  const char *path;
  PhotosType type;
  const char *name;
  SaveFunc save;
} ProbeCase;

static const ProbeCase probe_cases[] = {
  { "/carrete/photos/imaging/probe/jpeg", PHOTOS_TYPE_JPEG, "p.jpg", vips_jpegsave },
  { "/carrete/photos/imaging/probe/png", PHOTOS_TYPE_PNG, "p.png", vips_pngsave },
  { "/carrete/photos/imaging/probe/webp", PHOTOS_TYPE_WEBP, "p.webp", vips_webpsave },
  { "/carrete/photos/imaging/probe/gif", PHOTOS_TYPE_GIF, "p.gif", vips_gifsave },
};

static void
test_probe (gconstpointer data)
{
  const ProbeCase *c = data;

  check_probe_type (c->type, c->name, c->save);
}

static gboolean
heif_save_works (VipsForeignHeifCompression compression)
{
  g_autoptr (VipsImage) image = make_photo (16, 16);
  g_autofree char *path = tmp_path ("try.heif");
  gboolean works = vips_heifsave (image, path, "compression", compression, NULL) == 0;

  vips_error_clear ();
  return works;
}

static int
save_heic (VipsImage *image, const char *path, ...)
{
  return vips_heifsave (image, path, "compression", VIPS_FOREIGN_HEIF_COMPRESSION_HEVC, NULL);
}

static void
test_probe_heic (void)
{
  if (!heif_save_works (VIPS_FOREIGN_HEIF_COMPRESSION_HEVC))
    {
      g_test_skip ("libheif here cannot encode HEVC");
      return;
    }
  check_probe_type (PHOTOS_TYPE_HEIC, "p.heic", save_heic);
}

/* Should the sniffer pass an AVIF file as HEIC, the prober still refuses
 * it. */
static void
test_avif_refused (void)
{
  g_autoptr (VipsImage) image = make_photo (64, 48);
  g_autofree char *path = tmp_path ("p.avif");
  g_autoptr (GError) error = NULL;
  PhotosImageInfo info;

  if (!heif_save_works (VIPS_FOREIGN_HEIF_COMPRESSION_AV1))
    {
      g_test_skip ("libheif here cannot encode AV1");
      return;
    }
  g_assert_cmpint (vips_heifsave (image, path, "compression", VIPS_FOREIGN_HEIF_COMPRESSION_AV1,
                                  NULL),
                   ==, 0);
  g_assert_false (photos_imaging_probe (path, PHOTOS_TYPE_HEIC, MAX_PIXELS, &info, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_UNSUPPORTED);
  g_assert_cmpstr (error->message, ==, "AVIF images are not supported");
}

/* An animated GIF gives its first frame. */
static void
test_animated_gif (void)
{
  g_autoptr (VipsImage) frames = make_halves (64, 96);
  g_autoptr (VipsImage) animated = NULL;
  g_autofree char *path = tmp_path ("anim.gif");
  g_autofree char *small = NULL;
  g_autofree char *large = NULL;
  PhotosImageInfo info;

  g_assert_cmpint (vips_copy (frames, &animated, NULL), ==, 0);
  vips_image_set_int (animated, VIPS_META_PAGE_HEIGHT, 48);
  g_assert_cmpint (vips_gifsave (animated, path, NULL), ==, 0);
  probe_ok (path, PHOTOS_TYPE_GIF, &info);
  g_assert_cmpuint (info.width, ==, 64);
  g_assert_cmpuint (info.height, ==, 48);
  thumbnails_ok (path, PHOTOS_TYPE_GIF, &small, &large);
  assert_image_size (large, 64, 48);
}

/* A PNG with alpha is flattened on white. */
static void
test_alpha_on_white (void)
{
  g_autoptr (VipsImage) rgb = make_halves (64, 48);
  g_autoptr (VipsImage) alpha = NULL;
  g_autoptr (VipsImage) rgba = NULL;
  g_autofree char *path = tmp_path ("alpha.png");
  g_autofree char *small = NULL;
  g_autofree char *large = NULL;

  /* Fully transparent everywhere: the black half must turn white. */
  g_assert_cmpint (vips_black (&alpha, 64, 48, NULL), ==, 0);
  g_assert_cmpint (vips_bandjoin2 (rgb, alpha, &rgba, NULL), ==, 0);
  g_assert_cmpint (vips_pngsave (rgba, path, NULL), ==, 0);
  thumbnails_ok (path, PHOTOS_TYPE_PNG, &small, &large);
  assert_image_size (large, 64, 48);
  g_assert_cmpfloat (pixel_value (large, 5, 24), >, 240);
}

/* 16-bit and greyscale PNGs come out as 8-bit sRGB JPEGs. */
static void
test_deep_and_grey (void)
{
  g_autoptr (VipsImage) rgb = make_halves (64, 48);
  g_autoptr (VipsImage) deep = NULL;
  g_autoptr (VipsImage) deep_tagged = NULL;
  g_autoptr (VipsImage) grey = NULL;
  g_autofree char *deep_path = tmp_path ("deep.png");
  g_autofree char *grey_path = tmp_path ("grey.png");
  g_autofree char *small = NULL;
  g_autofree char *large = NULL;

  g_assert_cmpint (vips_linear1 (rgb, &deep, 257, 0, "uchar", FALSE, NULL), ==, 0);
  g_assert_cmpint (vips_cast_ushort (deep, &deep_tagged, NULL), ==, 0);
  deep_tagged->Type = VIPS_INTERPRETATION_RGB16;
  g_assert_cmpint (vips_pngsave (deep_tagged, deep_path, NULL), ==, 0);
  thumbnails_ok (deep_path, PHOTOS_TYPE_PNG, &small, &large);
  assert_image_size (large, 64, 48);
  g_assert_cmpfloat (pixel_value (large, 60, 24), >, 225);
  g_free (small);
  g_free (large);

  g_assert_cmpint (vips_extract_band (rgb, &grey, 0, NULL), ==, 0);
  grey->Type = VIPS_INTERPRETATION_B_W;
  g_assert_cmpint (vips_pngsave (grey, grey_path, NULL), ==, 0);
  thumbnails_ok (grey_path, PHOTOS_TYPE_PNG, &small, &large);
  assert_image_size (large, 64, 48);
  g_assert_cmpfloat (pixel_value (large, 60, 24), >, 225);
}

/* --- EXIF ------------------------------------------------------------------- */

/* Orientation 6 (rotate 90° clockwise to display): the probe reports the
 * displayed size, and the thumbnails are upright. */
static void
test_orientation (void)
{
  g_autoptr (VipsImage) stored = make_halves (200, 100);
  g_autoptr (VipsImage) tagged = NULL;
  g_autofree char *path = NULL;
  g_autofree char *small = NULL;
  g_autofree char *large = NULL;
  PhotosImageInfo info;

  g_assert_cmpint (vips_copy (stored, &tagged, NULL), ==, 0);
  vips_image_set_int (tagged, VIPS_META_ORIENTATION, 6);
  path = save_jpeg_file (tagged, "rotated.jpg");

  probe_ok (path, PHOTOS_TYPE_JPEG, &info);
  g_assert_cmpuint (info.width, ==, 100);
  g_assert_cmpuint (info.height, ==, 200);

  thumbnails_ok (path, PHOTOS_TYPE_JPEG, &small, &large);
  assert_image_size (large, 100, 200);
  assert_image_size (small, 100, 200);
  /* Stored left (black) is displayed at the top; right (white) below. */
  g_assert_cmpfloat (pixel_value (large, 50, 20), <, 30);
  g_assert_cmpfloat (pixel_value (large, 50, 180), >, 225);
}

/* Without orientation, the same image stays as stored. */
static void
test_no_orientation (void)
{
  g_autoptr (VipsImage) stored = make_halves (200, 100);
  g_autofree char *path = save_jpeg_file (stored, "upright.jpg");
  g_autofree char *small = NULL;
  g_autofree char *large = NULL;
  PhotosImageInfo info;

  probe_ok (path, PHOTOS_TYPE_JPEG, &info);
  g_assert_cmpuint (info.width, ==, 200);
  g_assert_cmpuint (info.height, ==, 100);
  thumbnails_ok (path, PHOTOS_TYPE_JPEG, &small, &large);
  assert_image_size (large, 200, 100);
  g_assert_cmpfloat (pixel_value (large, 20, 50), <, 30);
  g_assert_cmpfloat (pixel_value (large, 180, 50), >, 225);
}

static void
test_date_taken (void)
{
  g_autoptr (VipsImage) image = make_photo (32, 32);
  g_autoptr (VipsImage) tagged = NULL;
  g_autofree char *path = NULL;
  PhotosImageInfo info;

  g_assert_cmpint (vips_copy (image, &tagged, NULL), ==, 0);
  vips_image_set_string (tagged, "exif-ifd2-DateTimeOriginal", "2019:05:01 12:00:00");
  path = save_jpeg_file (tagged, "dated.jpg");
  probe_ok (path, PHOTOS_TYPE_JPEG, &info);
  g_assert_cmpint (info.taken_at, ==, MAY_DAY_2019);
}

static void
test_exif_date_parse (void)
{
  static const struct
  {
    const char *text;
    gint64 expected;
  } cases[] = {
    { "2019:05:01 12:00:00", MAY_DAY_2019 },
    { "2019:05:01 12:00:00 (2019:05:01 12:00:00, ASCII, 20 components, 20 bytes)",
      MAY_DAY_2019 },
    { "2019-05-01 12:00:00", MAY_DAY_2019 },
    { "2019:05:01T12:00:00", MAY_DAY_2019 },
    { "1970:01:01 00:00:00", 0 },
    { "1969:12:31 23:59:59", -1 }, /* a real date, but -1 means none */
    { "2020:02:29 00:00:00", 1582934400 },
    { "0000:00:00 00:00:00", -1 },
    { "    :  :     :  :  ", -1 },
    { "2019:02:29 00:00:00", -1 },
    { "2019:13:01 00:00:00", -1 },
    { "2019:05:01 24:00:00", -1 },
    { "2019:05:01 12:60:00", -1 },
    { "2019:05:01 12:00:60", -1 },
    { "2019:05:01 12:00", -1 },
    { "2019:05-01 12:00:00", -1 },
    { "2019:05:01_12:00:00", -1 },
    { "2019:05:01 12:00:00x", -1 },
    { "+019:05:01 12:00:00", -1 },
    { "", -1 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s", cases[i].text);
      g_assert_cmpint (photos_exif_date_parse (cases[i].text), ==, cases[i].expected);
    }
  g_assert_cmpint (photos_exif_date_parse (NULL), ==, -1);
}

/* --- Thumbnails ------------------------------------------------------------- */

static void
test_thumbnail_sizes (void)
{
  g_autoptr (VipsImage) image = make_photo (3000, 2000);
  g_autofree char *path = save_jpeg_file (image, "big.jpg");
  g_autofree char *small = NULL;
  g_autofree char *large = NULL;
  guint8 head[8];
  FILE *file;

  thumbnails_ok (path, PHOTOS_TYPE_JPEG, &small, &large);
  assert_image_size (large, PHOTOS_THUMB_LARGE, 853);
  assert_image_size (small, PHOTOS_THUMB_SMALL, 171);

  /* A portrait PNG: the long side is the height. */
  {
    g_autoptr (VipsImage) tall = make_photo (1000, 3000);
    g_autofree char *tall_path = tmp_path ("tall.png");

    g_assert_cmpint (vips_pngsave (tall, tall_path, "compression", 1, NULL), ==, 0);
    g_free (small);
    g_free (large);
    thumbnails_ok (tall_path, PHOTOS_TYPE_PNG, &small, &large);
    assert_image_size (large, 427, PHOTOS_THUMB_LARGE);
    assert_image_size (small, 85, PHOTOS_THUMB_SMALL);
  }

  file = g_fopen (small, "rb");
  g_assert_nonnull (file);
  g_assert_cmpuint (fread (head, 1, sizeof head, file), ==, sizeof head);
  fclose (file);
  g_assert_cmpint (photos_sniff (head, sizeof head), ==, PHOTOS_TYPE_JPEG);
}

static void
test_never_upscaled (void)
{
  g_autoptr (VipsImage) image = make_photo (100, 50);
  g_autofree char *path = save_jpeg_file (image, "tiny.jpg");
  g_autofree char *small = NULL;
  g_autofree char *large = NULL;
  g_autoptr (VipsImage) mid = make_photo (1000, 500);
  g_autofree char *mid_path = save_jpeg_file (mid, "mid.jpg");

  thumbnails_ok (path, PHOTOS_TYPE_JPEG, &small, &large);
  assert_image_size (large, 100, 50);
  assert_image_size (small, 100, 50);

  g_free (small);
  g_free (large);
  thumbnails_ok (mid_path, PHOTOS_TYPE_JPEG, &small, &large);
  assert_image_size (large, 1000, 500);
  assert_image_size (small, 256, 128);
}

static void
test_one_pixel (void)
{
  g_autoptr (VipsImage) image = make_photo (1, 1);
  g_autofree char *jpeg = save_jpeg_file (image, "one.jpg");
  g_autofree char *png = tmp_path ("one.png");
  g_autofree char *small = NULL;
  g_autofree char *large = NULL;
  PhotosImageInfo info;

  g_assert_cmpint (vips_pngsave (image, png, NULL), ==, 0);
  probe_ok (jpeg, PHOTOS_TYPE_JPEG, &info);
  g_assert_cmpuint (info.width, ==, 1);
  g_assert_cmpuint (info.height, ==, 1);
  thumbnails_ok (jpeg, PHOTOS_TYPE_JPEG, &small, &large);
  assert_image_size (large, 1, 1);
  assert_image_size (small, 1, 1);
  g_free (small);
  g_free (large);
  probe_ok (png, PHOTOS_TYPE_PNG, &info);
  thumbnails_ok (png, PHOTOS_TYPE_PNG, &small, &large);
  assert_image_size (small, 1, 1);
}

/* A sliver: shrink-on-load must not round its short side to nothing. */
static void
test_sliver (void)
{
  g_autoptr (VipsImage) image = make_photo (20480, 3);
  g_autofree char *jpeg = save_jpeg_file (image, "sliver.jpg");
  g_autofree char *webp = tmp_path ("sliver.webp");
  g_autofree char *small = NULL;
  g_autofree char *large = NULL;
  PhotosImageInfo info;

  probe_ok (jpeg, PHOTOS_TYPE_JPEG, &info);
  g_assert_cmpuint (info.width, ==, 20480);
  thumbnails_ok (jpeg, PHOTOS_TYPE_JPEG, &small, &large);
  assert_image_size (large, PHOTOS_THUMB_LARGE, 1);
  assert_image_size (small, PHOTOS_THUMB_SMALL, 1);
  g_free (small);
  g_free (large);
  /* WebP allows 16383 pixels a side at most. */
  g_clear_object (&image);
  image = make_photo (16000, 3);
  g_assert_cmpint (vips_webpsave (image, webp, NULL), ==, 0);
  probe_ok (webp, PHOTOS_TYPE_WEBP, &info);
  thumbnails_ok (webp, PHOTOS_TYPE_WEBP, &small, &large);
  assert_image_size (large, PHOTOS_THUMB_LARGE, 1);
}

/* A spool that cannot take the thumbnails (a full disk: /dev/full answers
 * every write with ENOSPC) is no verdict on the image: UNAVAILABLE, which
 * the thumbnails job tries again, never the final FAILED. */
static void
test_spool_full (void)
{
  g_autoptr (VipsImage) image = make_photo (64, 48);
  g_autofree char *jpeg = save_jpeg_file (image, "spool-full.jpg");
  g_autofree char *small = tmp_path ("spool-full-small.jpg");
  g_autoptr (GError) error = NULL;

  g_assert_false (photos_imaging_thumbnails (jpeg, PHOTOS_TYPE_JPEG, small, "/dev/full", &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "No space left on device"));
  g_clear_error (&error);
  g_assert_false (photos_imaging_thumbnails (jpeg, PHOTOS_TYPE_JPEG, "/dev/full", small, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE);
}

/* --- Refusals --------------------------------------------------------------- */

static void
assert_probe_fails (const char *path, PhotosType type, guint64 max_pixels, CarreteError code)
{
  g_autoptr (GError) error = NULL;
  PhotosImageInfo info;

  g_assert_false (photos_imaging_probe (path, type, max_pixels, &info, &error));
  g_assert_error (error, CARRETE_ERROR, (int) code);
}

static void
assert_thumbnails_fail (const char *path, PhotosType type)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *small = tmp_path ("bad-small.jpg");
  g_autofree char *large = tmp_path ("bad-large.jpg");

  g_assert_false (photos_imaging_thumbnails (path, type, small, large, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_UNSUPPORTED);
}

static void
test_truncated (void)
{
  g_autoptr (VipsImage) image = make_photo (400, 300);
  g_autofree char *whole = save_jpeg_file (image, "whole.jpg");
  g_autofree char *png = tmp_path ("whole.png");
  g_autofree char *contents = NULL;
  g_autofree char *cut = NULL;
  g_autofree char *cut_png = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (whole, &contents, &len, NULL));
  cut = write_bytes ("cut.jpg", contents, len * 2 / 3);
  assert_probe_fails (cut, PHOTOS_TYPE_JPEG, MAX_PIXELS, CARRETE_ERROR_UNSUPPORTED);
  assert_thumbnails_fail (cut, PHOTOS_TYPE_JPEG);
  g_clear_pointer (&contents, g_free);

  g_assert_cmpint (vips_pngsave (image, png, NULL), ==, 0);
  g_assert_true (g_file_get_contents (png, &contents, &len, NULL));
  cut_png = write_bytes ("cut.png", contents, len * 2 / 3);
  assert_probe_fails (cut_png, PHOTOS_TYPE_PNG, MAX_PIXELS, CARRETE_ERROR_UNSUPPORTED);
  assert_thumbnails_fail (cut_png, PHOTOS_TYPE_PNG);
}

/* A PDF that says it is a JPEG never reaches a PDF loader. */
static void
test_pdf_as_jpeg (void)
{
  static const char pdf[] = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
                            "2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
                            "trailer\n<< /Root 1 0 R >>\n%%EOF\n";
  g_autofree char *path = write_bytes ("document.jpg", pdf, sizeof pdf - 1);
  g_autoptr (VipsImage) image = NULL;

  assert_probe_fails (path, PHOTOS_TYPE_JPEG, MAX_PIXELS, CARRETE_ERROR_UNSUPPORTED);
  assert_probe_fails (path, PHOTOS_TYPE_UNKNOWN, MAX_PIXELS, CARRETE_ERROR_UNSUPPORTED);
  assert_thumbnails_fail (path, PHOTOS_TYPE_JPEG);
  /* libvips' own guess is refused too: its PDF loader is blocked. */
  image = vips_image_new_from_file (path, NULL);
  g_assert_null (image);
  vips_error_clear ();
}

static void
test_blocked_loaders (void)
{
  static const char svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" "
                            "height=\"10\"><rect width=\"10\" height=\"10\"/></svg>";
  g_autofree char *path = write_bytes ("drawing.svg", svg, sizeof svg - 1);
  g_autoptr (VipsImage) photo = make_photo (8, 8);
  g_autofree char *tiff = tmp_path ("photo.tif");
  g_autoptr (VipsImage) image = NULL;
  g_autoptr (VipsImage) tiff_image = NULL;

  g_assert_null ((image = vips_image_new_from_file (path, NULL)));
  vips_error_clear ();
  g_assert_cmpint (vips_tiffsave (photo, tiff, NULL), ==, 0);
  g_assert_null ((tiff_image = vips_image_new_from_file (tiff, NULL)));
  vips_error_clear ();
}

static glong
peak_rss_kib (void)
{
  struct rusage usage;

  g_assert_cmpint (getrusage (RUSAGE_SELF, &usage), ==, 0);
  return usage.ru_maxrss;
}

/* 20000 × 20000 RGB is 1.2 GB decoded; the file is a few dozen bytes.  It
 * must be refused from its header, with no memory spent on pixels. */
static void
test_decompression_bomb (void)
{
  g_autoptr (GByteArray) png = g_byte_array_new ();
  g_autofree char *path = NULL;
  guint8 ihdr[13] = { 0 };
  static const guint8 idat[] = { 0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01 };
  glong before;

  g_byte_array_append (png, (const guint8 *) "\x89PNG\r\n\x1a\n", 8);
  ihdr[0] = 0, ihdr[1] = 0, ihdr[2] = 0x4e, ihdr[3] = 0x20; /* width 20000 */
  ihdr[4] = 0, ihdr[5] = 0, ihdr[6] = 0x4e, ihdr[7] = 0x20; /* height 20000 */
  ihdr[8] = 8;                                              /* bit depth */
  ihdr[9] = 2;                                              /* RGB */
  ct_png_append_chunk (png, "IHDR", ihdr, sizeof ihdr);
  ct_png_append_chunk (png, "IDAT", idat, sizeof idat);
  ct_png_append_chunk (png, "IEND", NULL, 0);
  path = write_bytes ("bomb.png", png->data, png->len);

  before = peak_rss_kib ();
  assert_probe_fails (path, PHOTOS_TYPE_PNG, MAX_PIXELS, CARRETE_ERROR_INVALID);
  g_assert_cmpint (peak_rss_kib () - before, <, 64 * 1024);

  /* Under a big enough limit, the same file is refused as corrupt, not
   * decoded into memory. */
  assert_probe_fails (path, PHOTOS_TYPE_PNG, G_GUINT64_CONSTANT (400000000),
                      CARRETE_ERROR_UNSUPPORTED);
  g_assert_cmpint (peak_rss_kib () - before, <, 64 * 1024);
}

/* The pixel limit counts width × height, and applies to JPEG alike. */
static void
test_pixel_limit (void)
{
  g_autoptr (VipsImage) image = make_photo (300, 200);
  g_autofree char *path = save_jpeg_file (image, "limit.jpg");
  g_autoptr (GError) error = NULL;
  PhotosImageInfo info;

  g_assert_true (photos_imaging_probe (path, PHOTOS_TYPE_JPEG, 60000, &info, &error));
  g_assert_false (photos_imaging_probe (path, PHOTOS_TYPE_JPEG, 59999, &info, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "300 × 200"));
}

static void
test_garbage (void)
{
  static const char jpeg_magic_then_junk[] = "\xff\xd8\xff\xe0 this is not a jpeg at all";
  g_autofree char *path = write_bytes ("junk.jpg", jpeg_magic_then_junk,
                                       sizeof jpeg_magic_then_junk - 1);
  g_autofree char *empty = write_bytes ("empty.png", "", 0);
  g_autofree char *missing = tmp_path ("missing.webp");

  assert_probe_fails (path, PHOTOS_TYPE_JPEG, MAX_PIXELS, CARRETE_ERROR_UNSUPPORTED);
  assert_probe_fails (empty, PHOTOS_TYPE_PNG, MAX_PIXELS, CARRETE_ERROR_UNSUPPORTED);
  assert_probe_fails (missing, PHOTOS_TYPE_WEBP, MAX_PIXELS, CARRETE_ERROR_UNSUPPORTED);
  /* A valid PNG passed as a JPEG: only the JPEG loader runs, and refuses. */
  {
    g_autoptr (VipsImage) image = make_photo (16, 16);
    g_autofree char *png = tmp_path ("real.png");

    g_assert_cmpint (vips_pngsave (image, png, NULL), ==, 0);
    assert_probe_fails (png, PHOTOS_TYPE_JPEG, MAX_PIXELS, CARRETE_ERROR_UNSUPPORTED);
    assert_probe_fails (png, PHOTOS_TYPE_GIF, MAX_PIXELS, CARRETE_ERROR_UNSUPPORTED);
  }
}

/* --- Probe and thumbnails in one pass --------------------------------------- */

static void
test_process (void)
{
  g_autoptr (VipsImage) stored = make_halves (2000, 1000);
  g_autoptr (VipsImage) tagged = NULL;
  g_autofree char *path = NULL;
  g_autofree char *small = tmp_path ("process-small.jpg");
  g_autofree char *large = tmp_path ("process-large.jpg");
  g_autoptr (GError) error = NULL;
  PhotosImageInfo info = { 0 };

  g_assert_cmpint (vips_copy (stored, &tagged, NULL), ==, 0);
  vips_image_set_int (tagged, VIPS_META_ORIENTATION, 6);
  vips_image_set_string (tagged, "exif-ifd2-DateTimeOriginal", "2019:05:01 12:00:00");
  path = save_jpeg_file (tagged, "process.jpg");

  g_assert_true (photos_imaging_process (path, PHOTOS_TYPE_JPEG, MAX_PIXELS, &info, small, large,
                                         &error));
  g_assert_no_error (error);
  g_assert_cmpint (info.type, ==, PHOTOS_TYPE_JPEG);
  g_assert_cmpuint (info.width, ==, 1000);
  g_assert_cmpuint (info.height, ==, 2000);
  g_assert_cmpint (info.taken_at, ==, MAY_DAY_2019);
  assert_image_size (large, 640, PHOTOS_THUMB_LARGE);
  assert_image_size (small, 128, PHOTOS_THUMB_SMALL);
  g_assert_cmpfloat (pixel_value (large, 320, 100), <, 30);
  g_assert_cmpfloat (pixel_value (large, 320, 1180), >, 225);
}

/* The one decode of process is also the check for truncation. */
static void
test_process_refusals (void)
{
  g_autoptr (VipsImage) image = make_photo (400, 300);
  g_autofree char *whole = save_jpeg_file (image, "process-whole.jpg");
  g_autofree char *small = tmp_path ("process-small.jpg");
  g_autofree char *large = tmp_path ("process-large.jpg");
  g_autofree char *contents = NULL;
  g_autofree char *cut = NULL;
  g_autoptr (GError) error = NULL;
  PhotosImageInfo info;
  gsize len = 0;

  g_assert_true (g_file_get_contents (whole, &contents, &len, NULL));
  cut = write_bytes ("process-cut.jpg", contents, len / 2);
  g_assert_false (photos_imaging_process (cut, PHOTOS_TYPE_JPEG, MAX_PIXELS, &info, small, large,
                                          &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  g_assert_false (photos_imaging_process (whole, PHOTOS_TYPE_JPEG, 400 * 300 - 1, &info, small,
                                          large, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (photos_imaging_process (whole, PHOTOS_TYPE_PNG, MAX_PIXELS, &info, small, large,
                                          &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_UNSUPPORTED);
}

/* --- Threads ---------------------------------------------------------------- */

static gpointer
process_in_thread (gpointer data)
{
  const char *path = data;
  g_autofree char *small = tmp_path ("thread-small.jpg");
  g_autofree char *large = tmp_path ("thread-large.jpg");
  g_autoptr (GError) error = NULL;
  PhotosImageInfo info;

  if (!photos_imaging_process (path, PHOTOS_TYPE_JPEG, MAX_PIXELS, &info, small, large, &error))
    g_error ("process in a thread: %s", error->message);
  return NULL;
}

/* The service calls in from worker threads that come and go: libvips'
 * per-thread state must not leak when they exit (LSan checks). */
static void
test_worker_threads (void)
{
  g_autoptr (VipsImage) image = make_photo (600, 400);
  g_autofree char *path = save_jpeg_file (image, "thread.jpg");

  for (int i = 0; i < 3; i++)
    {
      GThread *thread = g_thread_new ("imaging", process_in_thread, path);
      g_thread_join (thread);
    }
}

/* --- Set-up ----------------------------------------------------------------- */

/* libvips warns (G_LOG_LEVEL_WARNING, domain "VIPS") about the broken files
 * these tests feed it on purpose, and the test framework makes every warning
 * fatal: keep criticals fatal everywhere, warnings only in our own code. */
static void
drop_message (const char *domain, GLogLevelFlags level, const char *message, gpointer user_data)
{
}

static void
allow_vips_warnings (void)
{
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  g_log_set_fatal_mask ("carrete-photos-imaging", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL);
  g_log_set_fatal_mask (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL);
  /* Its per-operation chatter is noise in the test log. */
  g_log_set_handler ("VIPS", G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG, drop_message, NULL);
}

static void
remove_tmp_dir (void)
{
  g_autoptr (GDir) dir = g_dir_open (tmp_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = tmp_path (name);
      g_unlink (path);
    }
  g_rmdir (tmp_dir);
  g_free (tmp_dir);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  allow_vips_warnings ();
  if (!photos_imaging_init (argv[0], 1, &error))
    g_error ("%s", error->message);
  tmp_dir = g_dir_make_tmp ("carrete-imaging-XXXXXX", &error);
  g_assert_no_error (error);

  for (gsize i = 0; i < G_N_ELEMENTS (probe_cases); i++)
    g_test_add_data_func (probe_cases[i].path, &probe_cases[i], test_probe);
  g_test_add_func ("/carrete/photos/imaging/probe/heic", test_probe_heic);
  g_test_add_func ("/carrete/photos/imaging/probe/avif-refused", test_avif_refused);
  g_test_add_func ("/carrete/photos/imaging/probe/animated-gif", test_animated_gif);
  g_test_add_func ("/carrete/photos/imaging/exif/orientation", test_orientation);
  g_test_add_func ("/carrete/photos/imaging/exif/no-orientation", test_no_orientation);
  g_test_add_func ("/carrete/photos/imaging/exif/date-taken", test_date_taken);
  g_test_add_func ("/carrete/photos/imaging/exif/date-parse", test_exif_date_parse);
  g_test_add_func ("/carrete/photos/imaging/thumbnails/sizes", test_thumbnail_sizes);
  g_test_add_func ("/carrete/photos/imaging/thumbnails/never-upscaled", test_never_upscaled);
  g_test_add_func ("/carrete/photos/imaging/thumbnails/alpha-on-white", test_alpha_on_white);
  g_test_add_func ("/carrete/photos/imaging/thumbnails/deep-and-grey", test_deep_and_grey);
  g_test_add_func ("/carrete/photos/imaging/thumbnails/one-pixel", test_one_pixel);
  g_test_add_func ("/carrete/photos/imaging/thumbnails/spool-full", test_spool_full);
  g_test_add_func ("/carrete/photos/imaging/thumbnails/sliver", test_sliver);
  g_test_add_func ("/carrete/photos/imaging/refuse/truncated", test_truncated);
  g_test_add_func ("/carrete/photos/imaging/refuse/pdf-as-jpeg", test_pdf_as_jpeg);
  g_test_add_func ("/carrete/photos/imaging/refuse/blocked-loaders", test_blocked_loaders);
  g_test_add_func ("/carrete/photos/imaging/refuse/decompression-bomb", test_decompression_bomb);
  g_test_add_func ("/carrete/photos/imaging/refuse/pixel-limit", test_pixel_limit);
  g_test_add_func ("/carrete/photos/imaging/refuse/garbage", test_garbage);

  g_test_add_func ("/carrete/photos/imaging/process/ok", test_process);
  g_test_add_func ("/carrete/photos/imaging/process/refusals", test_process_refusals);

  g_test_add_func ("/carrete/photos/imaging/worker-threads", test_worker_threads);

  status = g_test_run ();
  remove_tmp_dir ();
  photos_imaging_shutdown ();
  return status;
}
