#pragma once

#include <glib.h>

#include "sniff.h"

G_BEGIN_DECLS

/* Everything carrete-photos learns from an image file, and its thumbnails.
 * Backed by libvips; every call blocks (run it on the worker pool).  Only the
 * loader for the sniffed type is used, never libvips' guess (so a PDF
 * renamed .jpg never reaches poppler), and untrusted loaders are blocked. */

/* Thumbnail sizes, long side in pixels. */
#define PHOTOS_THUMB_SMALL 256
#define PHOTOS_THUMB_LARGE 1280

typedef struct
{
  PhotosType type;
  guint width;      /* as displayed, i.e. after EXIF orientation */
  guint height;
  gint64 taken_at;  /* unix seconds from EXIF DateTimeOriginal, or -1 */
} PhotosImageInfo;

/* Process start-up: vips_init, block untrusted operations, cache limits.
 * `threads` bounds libvips' own threads per image (0 = 1). */
gboolean photos_imaging_init (const char *argv0, guint threads, GError **error);
void photos_imaging_shutdown (void);

/* Reads the header of the file at `path` with the loader of `type` and
 * checks it is a whole, decodable image within `max_pixels`
 * (width × height).  Wholeness is checked by decoding every pixel of the
 * first frame (a JPEG at 1/8 scale: libjpeg still reads all its entropy-coded
 * data, so truncation shows, for about half the cost of a full decode), with
 * libvips' fail_on=error.  HEIF files whose image is AV1 (AVIF) are refused
 * with CARRETE_ERROR_UNSUPPORTED: the API has no AVIF type yet.  Fails with CARRETE_ERROR_UNSUPPORTED (415) when the
 * bytes are not an image of that type or are truncated/corrupt, and
 * CARRETE_ERROR_INVALID (422) with a message about the size when it has
 * more than `max_pixels` (a decompression bomb is refused before
 * decoding). */
gboolean photos_imaging_probe (const char *path, PhotosType type, guint64 max_pixels,
                               PhotosImageInfo *info, GError **error);

/* Writes the two JPEG thumbnails (long side PHOTOS_THUMB_SMALL and
 * PHOTOS_THUMB_LARGE, never upscaled, EXIF orientation applied, alpha
 * flattened on white, sRGB, metadata stripped) to `small_path` and
 * `large_path`.  The large one is made from the file with shrink-on-load,
 * the small one from the large one.  Corrupt data →
 * CARRETE_ERROR_UNSUPPORTED; a file that cannot be written →
 * CARRETE_ERROR_FAILED.  It does not check the pixel limit: call it only on
 * a file photos_imaging_probe accepted (or use photos_imaging_process). */
gboolean photos_imaging_thumbnails (const char *path, PhotosType type, const char *small_path,
                                    const char *large_path, GError **error);

/* photos_imaging_probe and photos_imaging_thumbnails in one pass, for the
 * usual case of needing both: the image is decoded once (for the large
 * thumbnail), and that decode is the check that it is whole, so a truncated
 * or corrupt file fails with CARRETE_ERROR_UNSUPPORTED exactly as in probe.
 * About 1.5× faster than the two calls on a 24-megapixel JPEG.  On failure
 * the thumbnail files may exist, half-written: remove them. */
gboolean photos_imaging_process (const char *path, PhotosType type, guint64 max_pixels,
                                 PhotosImageInfo *info, const char *small_path,
                                 const char *large_path, GError **error);

/* Parses an EXIF date "YYYY:MM:DD HH:MM:SS" (local time of the camera with
 * no zone, taken as UTC) into unix seconds; -1 when malformed. */
gint64 photos_exif_date_parse (const char *text);

G_END_DECLS
