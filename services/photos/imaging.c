#define G_LOG_DOMAIN "carrete-photos-imaging"

#include "imaging.h"

#include <stdio.h>
#include <string.h>
#include <vips/vips.h>

#include "carrete-error.h"

#define THUMB_QUALITY 82
#define EXIF_DATE_TAKEN "exif-ifd2-DateTimeOriginal"
#define HEIF_COMPRESSION "heif-compression"

/* libvips 8.14 declares no autoptr cleanups of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)

/* The only loaders libvips may run: every other one (PDF, SVG, ImageMagick,
 * TIFF, …) stays blocked, whatever bytes arrive. */
static const char *const allowed_loaders[] = {
  "VipsForeignLoadJpegFile", "VipsForeignLoadPngFile", "VipsForeignLoadWebpFile",
  "VipsForeignLoadNsgifFile", "VipsForeignLoadHeifFile",
};

/* --- Start-up --------------------------------------------------------------- */

/* Whether libvips runs: photos_imaging_init succeeded and no shutdown since. */
static gboolean imaging_started;

gboolean
photos_imaging_init (const char *argv0, guint threads, GError **error)
{
  g_return_val_if_fail (!imaging_started, FALSE);
  if (VIPS_INIT (argv0 != NULL ? argv0 : "carrete-photos") != 0)
    {
      g_autofree char *detail = vips_error_buffer_copy ();

      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "cannot start libvips: %s", detail);
      return FALSE;
    }
  vips_leak_set (FALSE);
  /* A server sees each image once: an operation cache would only hold
   * memory and open files. */
  vips_cache_set_max (0);
  vips_cache_set_max_mem (0);
  vips_cache_set_max_files (0);
  vips_concurrency_set (threads == 0 ? 1 : (int) threads);

  vips_block_untrusted_set (TRUE);
  vips_operation_block_set ("VipsForeignLoad", TRUE);
  for (gsize i = 0; i < G_N_ELEMENTS (allowed_loaders); i++)
    vips_operation_block_set (allowed_loaders[i], FALSE);
  imaging_started = TRUE;
  return TRUE;
}

void
photos_imaging_shutdown (void)
{
  /* vips_shutdown before a successful VIPS_INIT dereferences NULL: start-up
   * can fail on a bad setting before libvips was ever started. */
  if (!imaging_started)
    return;
  vips_shutdown ();
  imaging_started = FALSE;
}

/* --- Errors ----------------------------------------------------------------- */

/* libvips' own message names server paths and library internals: it goes
 * to the log, and the client gets `message`.  (libvips keeps one error
 * buffer for all threads, so under concurrency the logged detail may hold
 * another image's complaint too; the client's message is always right.) */
static gboolean
fail_vips (GError **error, CarreteError code, const char *message)
{
  g_autofree char *detail = vips_error_buffer_copy ();

  g_debug ("%s (libvips: %s)", message, detail);
  g_set_error_literal (error, CARRETE_ERROR, code, message);
  return FALSE;
}

static gboolean
fail_not_image (GError **error, PhotosType type)
{
  const char *mime = photos_type_mime (type);
  g_autofree char *message = mime != NULL
                                 ? g_strdup_printf ("the file is not a valid %s image", mime)
                                 : g_strdup ("the file is not an image of a supported type");

  return fail_vips (error, CARRETE_ERROR_UNSUPPORTED, message);
}

/* --- Loading ---------------------------------------------------------------- */

/* Opens `path` with the loader of `type` and no other.  libvips loaders are
 * lazy: this reads the header only, and pixels are decoded on demand, once,
 * top to bottom (sequential access), so that memory stays small.  `shrink`
 * (1, 2, 4 or 8) asks JPEG and WebP to decode at a fraction of the size.
 * GIF and WebP give their first frame, HEIF its primary image. */
static VipsImage *
open_image (const char *path, PhotosType type, int shrink)
{
  VipsImage *image = NULL;
  int status = -1;

  switch (type)
    {
    case PHOTOS_TYPE_JPEG:
      status = vips_jpegload (path, &image, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                              VIPS_FAIL_ON_ERROR, "shrink", shrink, NULL);
      break;
    case PHOTOS_TYPE_PNG:
      status = vips_pngload (path, &image, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                             VIPS_FAIL_ON_ERROR, NULL);
      break;
    case PHOTOS_TYPE_WEBP:
      status = vips_webpload (path, &image, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                              VIPS_FAIL_ON_ERROR, "scale", 1.0 / shrink, NULL);
      break;
    case PHOTOS_TYPE_GIF:
      status = vips_gifload (path, &image, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                             VIPS_FAIL_ON_ERROR, NULL);
      break;
    case PHOTOS_TYPE_HEIC:
      status = vips_heifload (path, &image, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                              VIPS_FAIL_ON_ERROR, NULL);
      break;
    case PHOTOS_TYPE_UNKNOWN:
    default:
      vips_error ("carrete", "no loader for an unknown type");
      break;
    }
  return status == 0 ? image : NULL;
}

/* AVIF is HEIF too, and libheif decodes it: refuse it here as well, should
 * the type sniffer have been fooled (see sniff.c for why). */
static gboolean
is_avif (VipsImage *image, PhotosType type)
{
  const char *compression = NULL;

  return type == PHOTOS_TYPE_HEIC && vips_image_get_typeof (image, HEIF_COMPRESSION) != 0
         && vips_image_get_string (image, HEIF_COMPRESSION, &compression) == 0
         && compression != NULL && strcmp (compression, "hevc") != 0;
}

static gint64
read_taken_at (VipsImage *image)
{
  const char *text = NULL;

  if (vips_image_get_typeof (image, EXIF_DATE_TAKEN) == 0
      || vips_image_get_string (image, EXIF_DATE_TAKEN, &text) != 0)
    return -1;
  return photos_exif_date_parse (text);
}

/* libvips sizes a shrunk JPEG or WebP by rounding down: a side shorter than
 * the shrink would become zero pixels, which libvips asserts against. */
static int
cap_shrink (VipsImage *header, int shrink)
{
  int short_side = MIN (vips_image_get_width (header), vips_image_get_height (header));

  while (shrink > 1 && short_side < shrink)
    shrink /= 2;
  return shrink;
}

/* Decodes every pixel (of the first frame), so that truncation or corrupt
 * data shows now and not half-way through a thumbnail.  A JPEG is decoded
 * at 1/8 size: libjpeg still reads every byte of the entropy-coded data, so
 * truncation is caught, but skips most of the inverse DCT and colour
 * conversion. */
static gboolean
decode_all (const char *path, PhotosType type, VipsImage *header, GError **error)
{
  int shrink = type == PHOTOS_TYPE_JPEG ? cap_shrink (header, 8) : 1;
  g_autoptr (VipsImage) image = open_image (path, type, shrink);
  double average;

  if (image == NULL || vips_avg (image, &average, NULL) != 0)
    {
      g_autofree char *message = g_strdup_printf (
          "the %s image is truncated or corrupt", photos_type_mime (type));

      return fail_vips (error, CARRETE_ERROR_UNSUPPORTED, message);
    }
  return TRUE;
}

/* Opens the file's header and refuses what must not be decoded: AVIF, and
 * more than `max_pixels`.  Fills `info`. */
static VipsImage *
read_header (const char *path, PhotosType type, guint64 max_pixels, PhotosImageInfo *info,
             GError **error)
{
  g_autoptr (VipsImage) header = NULL;
  guint width, height;

  header = open_image (path, type, 1);
  if (header == NULL)
    return fail_not_image (error, type), NULL;
  if (is_avif (header, type))
    {
      vips_error_clear (); /* whatever libheif complained about is moot */
      g_set_error_literal (error, CARRETE_ERROR, CARRETE_ERROR_UNSUPPORTED,
                           "AVIF images are not supported");
      return NULL;
    }

  /* The size check comes before any pixel is decoded: a tiny file may
   * claim a huge image (a decompression bomb). */
  width = (guint) vips_image_get_width (header);
  height = (guint) vips_image_get_height (header);
  if ((guint64) width * height > max_pixels)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID,
                   "the image has %u × %u pixels, more than the %" G_GUINT64_FORMAT
                   " allowed",
                   width, height, max_pixels);
      return NULL;
    }

  info->type = type;
  info->width = vips_image_get_orientation_swap (header) ? height : width;
  info->height = vips_image_get_orientation_swap (header) ? width : height;
  info->taken_at = read_taken_at (header);
  return g_steal_pointer (&header);
}

gboolean
photos_imaging_probe (const char *path, PhotosType type, guint64 max_pixels,
                      PhotosImageInfo *info, GError **error)
{
  g_autoptr (VipsImage) header = NULL;

  g_return_val_if_fail (path != NULL && info != NULL, FALSE);

  header = read_header (path, type, max_pixels, info, error);
  return header != NULL && decode_all (path, type, header, error);
}

/* --- Thumbnails ------------------------------------------------------------- */

/* The shrink-on-load factor for a thumbnail of long side `target`, as
 * libvips' own vips_thumbnail picks it: decode at 1/2, 1/4 or 1/8 but leave
 * at least a factor of two for the final, better-filtered resize. */
static int
load_shrink (PhotosType type, VipsImage *header, int target)
{
  int long_side = MAX (vips_image_get_width (header), vips_image_get_height (header));
  double factor = (double) long_side / target;

  int shrink = 1;

  if (type != PHOTOS_TYPE_JPEG && type != PHOTOS_TYPE_WEBP)
    return 1;
  if (factor >= 16)
    shrink = 8;
  else if (factor >= 8)
    shrink = 4;
  else if (factor >= 4)
    shrink = 2;
  return cap_shrink (header, shrink);
}

/* 8-bit sRGB without alpha (flattened on white), as JPEG needs. */
static VipsImage *
to_opaque_srgb (VipsImage *in)
{
  g_autoptr (VipsImage) srgb = NULL;
  g_autoptr (VipsImage) flat = NULL;
  VipsImage *out = NULL;
  double white[] = { 255, 255, 255 };

  if (vips_colourspace (in, &srgb, VIPS_INTERPRETATION_sRGB, NULL) != 0)
    return NULL;
  if (vips_image_hasalpha (srgb))
    {
      VipsArrayDouble *background = vips_array_double_new (white, 3);
      int status = vips_flatten (srgb, &flat, "background", background, NULL);

      vips_area_unref (VIPS_AREA (background));
      if (status != 0)
        return NULL;
    }
  else
    flat = g_object_ref (srgb);
  if (vips_cast_uchar (flat, &out, NULL) != 0)
    return NULL;
  return out;
}

/* The large thumbnail, decoded into memory: it is saved and also the source
 * of the small one.  Decoding fails on truncated or corrupt data. */
static VipsImage *
make_large (const char *path, PhotosType type, VipsImage *header, GError **error)
{
  g_autoptr (VipsImage) image = NULL;
  g_autoptr (VipsImage) thumb = NULL;
  g_autoptr (VipsImage) opaque = NULL;
  VipsImage *large;

  image = open_image (path, type, load_shrink (type, header, PHOTOS_THUMB_LARGE));
  if (image == NULL)
    return fail_not_image (error, type), NULL;
  /* No import/export profile: a greyscale or CMYK image has no use for an
   * sRGB import profile (libvips refuses it); to_opaque_srgb converts. */
  if (vips_thumbnail_image (image, &thumb, PHOTOS_THUMB_LARGE, "size", VIPS_SIZE_DOWN, NULL)
          != 0
      || (opaque = to_opaque_srgb (thumb)) == NULL
      || (large = vips_image_copy_memory (opaque)) == NULL)
    {
      g_autofree char *message = g_strdup_printf (
          "the %s image is truncated or corrupt", photos_type_mime (type));

      return fail_vips (error, CARRETE_ERROR_UNSUPPORTED, message), NULL;
    }
  return large;
}

/* Encoded in memory, then written: a spool that cannot take the file (a
 * full disk) is no verdict on the image, so it is CARRETE_ERROR_UNAVAILABLE
 * and the job is tried again later, while an encoder failure is final. */
static gboolean
save_jpeg (VipsImage *image, const char *path, GError **error)
{
  g_autoptr (GError) local = NULL;
  void *jpeg = NULL;
  size_t len = 0;
  gboolean written;

  if (vips_jpegsave_buffer (image, &jpeg, &len, "Q", THUMB_QUALITY, "strip", TRUE,
                            "optimize_coding", TRUE, NULL)
      != 0)
    return fail_vips (error, CARRETE_ERROR_FAILED, "cannot encode a thumbnail");
  written
      = g_file_set_contents_full (path, jpeg, (gssize) len, G_FILE_SET_CONTENTS_NONE, 0600, &local);
  g_free (jpeg);
  if (!written)
    g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                 "cannot write a thumbnail to the spool: %s", local->message);
  return written;
}

static gboolean
write_thumbnails (const char *path, PhotosType type, VipsImage *header, const char *small_path,
                  const char *large_path, GError **error)
{
  g_autoptr (VipsImage) large = NULL;
  g_autoptr (VipsImage) small = NULL;

  large = make_large (path, type, header, error);
  if (large == NULL || !save_jpeg (large, large_path, error))
    return FALSE;
  /* The large thumbnail is already upright, opaque and sRGB. */
  if (vips_thumbnail_image (large, &small, PHOTOS_THUMB_SMALL, "size", VIPS_SIZE_DOWN, NULL) != 0)
    return fail_vips (error, CARRETE_ERROR_FAILED, "cannot make the small thumbnail");
  return save_jpeg (small, small_path, error);
}

gboolean
photos_imaging_thumbnails (const char *path, PhotosType type, const char *small_path,
                           const char *large_path, GError **error)
{
  g_autoptr (VipsImage) header = NULL;

  g_return_val_if_fail (path != NULL && small_path != NULL && large_path != NULL, FALSE);

  header = open_image (path, type, 1);
  if (header == NULL)
    return fail_not_image (error, type);
  return write_thumbnails (path, type, header, small_path, large_path, error);
}

gboolean
photos_imaging_process (const char *path, PhotosType type, guint64 max_pixels,
                        PhotosImageInfo *info, const char *small_path, const char *large_path,
                        GError **error)
{
  g_autoptr (VipsImage) header = NULL;

  g_return_val_if_fail (path != NULL && info != NULL, FALSE);
  g_return_val_if_fail (small_path != NULL && large_path != NULL, FALSE);

  header = read_header (path, type, max_pixels, info, error);
  return header != NULL && write_thumbnails (path, type, header, small_path, large_path, error);
}

/* --- EXIF dates ------------------------------------------------------------- */

static gboolean
read_digits (const char *text, int count, int *value)
{
  *value = 0;
  for (int i = 0; i < count; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return FALSE;
      *value = *value * 10 + (text[i] - '0');
    }
  return TRUE;
}

gint64
photos_exif_date_parse (const char *text)
{
  int year, month, day, hour, minute, second;
  g_autoptr (GDateTime) time = NULL;

  /* "YYYY:MM:DD HH:MM:SS", maybe followed by libvips' " (…)" description.
   * Some writers use '-' in the date or 'T' before the time. */
  if (text == NULL || strnlen (text, 19) < 19)
    return -1;
  if (!read_digits (text, 4, &year) || !read_digits (text + 5, 2, &month)
      || !read_digits (text + 8, 2, &day) || !read_digits (text + 11, 2, &hour)
      || !read_digits (text + 14, 2, &minute) || !read_digits (text + 17, 2, &second))
    return -1;
  if ((text[4] != ':' && text[4] != '-') || text[7] != text[4]
      || (text[10] != ' ' && text[10] != 'T') || text[13] != ':' || text[16] != ':')
    return -1;
  if (text[19] != '\0' && text[19] != ' ' && text[19] != '.')
    return -1;
  /* Cameras without a set clock write zeros ("0000:00:00 00:00:00"). */
  time = g_date_time_new_utc (year, month, day, hour, minute, second);
  if (time == NULL || year < 1 || second > 59)
    return -1;
  return g_date_time_to_unix (time);
}
