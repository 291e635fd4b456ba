#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The image types carrete-photos accepts, told apart by their first bytes
 * (never by a header the client sent). */
typedef enum
{
  PHOTOS_TYPE_UNKNOWN,
  PHOTOS_TYPE_JPEG,
  PHOTOS_TYPE_PNG,
  PHOTOS_TYPE_WEBP,
  PHOTOS_TYPE_GIF,
  PHOTOS_TYPE_HEIC,
} PhotosType;

/* How many leading bytes photos_sniff needs to decide (it decides with
 * fewer when the data is shorter: short data is UNKNOWN). */
#define PHOTOS_SNIFF_BYTES 32

PhotosType photos_sniff (const guint8 *data, gsize len);

/* "image/jpeg", … ; NULL for UNKNOWN. */
const char *photos_type_mime (PhotosType type);
/* The type a declared Content-Type names (parameters and case ignored),
 * UNKNOWN for anything else ("image/jpg" counts as JPEG; "image/heif" as
 * HEIC). */
PhotosType photos_type_from_mime (const char *mime);
/* File extension without the dot: "jpg", "png", "webp", "gif", "heic". */
const char *photos_type_extension (PhotosType type);

G_END_DECLS
