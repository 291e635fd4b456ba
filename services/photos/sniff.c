#define G_LOG_DOMAIN "carrete-photos-sniff"

#include "sniff.h"

#include <string.h>

/* An ISO BMFF `ftyp` box: size (4), "ftyp" (4), major brand (4), minor
 * version (4), then compatible brands (4 each) up to the box's size. */
#define FTYP_HEADER_LEN 16
/* Real files list a handful of brands; a bigger box is not an image. */
#define FTYP_MAX_LEN 4096

static gboolean
has_prefix (const guint8 *data, gsize len, const char *magic, gsize magic_len)
{
  return len >= magic_len && memcmp (data, magic, magic_len) == 0;
}

static gboolean
is_jpeg (const guint8 *data, gsize len)
{
  return has_prefix (data, len, "\xff\xd8\xff", 3);
}

static gboolean
is_png (const guint8 *data, gsize len)
{
  return has_prefix (data, len, "\x89PNG\r\n\x1a\n", 8);
}

static gboolean
is_gif (const guint8 *data, gsize len)
{
  return has_prefix (data, len, "GIF87a", 6) || has_prefix (data, len, "GIF89a", 6);
}

/* RIFF container of form type WEBP whose first chunk is one of the three
 * WebP chunk kinds (lossy, lossless, extended). */
static gboolean
is_webp (const guint8 *data, gsize len)
{
  if (len < 16 || memcmp (data, "RIFF", 4) != 0 || memcmp (data + 8, "WEBP", 4) != 0)
    return FALSE;
  return memcmp (data + 12, "VP8 ", 4) == 0 || memcmp (data + 12, "VP8L", 4) == 0
         || memcmp (data + 12, "VP8X", 4) == 0;
}

/* Brands of HEIF files whose images are HEVC-coded, plus the generic HEIF
 * brands (mif1 for still images, msf1 for sequences). */
static gboolean
is_heic_brand (const guint8 *brand)
{
  static const char *const brands[] = { "heic", "heix", "hevc", "hevx", "heim",
                                        "heis", "mif1", "msf1" };

  for (gsize i = 0; i < G_N_ELEMENTS (brands); i++)
    if (memcmp (brand, brands[i], 4) == 0)
      return TRUE;
  return FALSE;
}

/* AVIF is HEIF with AV1 images.  It is refused for now: the photos API knows
 * no AVIF type, and labelling AVIF bytes image/heic would mislead every
 * client (browsers show AVIF but not HEIC). */
static gboolean
is_avif_brand (const guint8 *brand)
{
  return memcmp (brand, "avif", 4) == 0 || memcmp (brand, "avis", 4) == 0;
}

static gboolean
is_heic (const guint8 *data, gsize len)
{
  guint32 box_len;
  gsize end;
  gboolean heic = FALSE;

  if (len < FTYP_HEADER_LEN || memcmp (data + 4, "ftyp", 4) != 0)
    return FALSE;
  box_len = (guint32) data[0] << 24 | (guint32) data[1] << 16 | (guint32) data[2] << 8 | data[3];
  if (box_len < FTYP_HEADER_LEN || box_len > FTYP_MAX_LEN || box_len % 4 != 0)
    return FALSE;

  /* The major brand, then the compatible brands we were given.  Any AVIF
   * brand refuses the file, whatever else it claims. */
  if (is_avif_brand (data + 8))
    return FALSE;
  heic = is_heic_brand (data + 8);
  end = MIN ((gsize) box_len, len);
  for (gsize at = FTYP_HEADER_LEN; at + 4 <= end; at += 4)
    {
      if (is_avif_brand (data + at))
        return FALSE;
      heic = heic || is_heic_brand (data + at);
    }
  return heic;
}

PhotosType
photos_sniff (const guint8 *data, gsize len)
{
  if (data == NULL)
    return PHOTOS_TYPE_UNKNOWN;
  if (is_jpeg (data, len))
    return PHOTOS_TYPE_JPEG;
  if (is_png (data, len))
    return PHOTOS_TYPE_PNG;
  if (is_gif (data, len))
    return PHOTOS_TYPE_GIF;
  if (is_webp (data, len))
    return PHOTOS_TYPE_WEBP;
  if (is_heic (data, len))
    return PHOTOS_TYPE_HEIC;
  return PHOTOS_TYPE_UNKNOWN;
}

typedef struct
{
  PhotosType type;
  const char *mime;
  const char *extension;
} TypeNames;

static const TypeNames type_names[] = {
  { PHOTOS_TYPE_JPEG, "image/jpeg", "jpg" },
  { PHOTOS_TYPE_PNG, "image/png", "png" },
  { PHOTOS_TYPE_WEBP, "image/webp", "webp" },
  { PHOTOS_TYPE_GIF, "image/gif", "gif" },
  { PHOTOS_TYPE_HEIC, "image/heic", "heic" },
};

/* Other names clients use for the same types. */
static const TypeNames mime_aliases[] = {
  { PHOTOS_TYPE_JPEG, "image/jpg", NULL },
  { PHOTOS_TYPE_JPEG, "image/pjpeg", NULL },
  { PHOTOS_TYPE_HEIC, "image/heif", NULL },
};

static const TypeNames *
type_names_find (PhotosType type)
{
  for (gsize i = 0; i < G_N_ELEMENTS (type_names); i++)
    if (type_names[i].type == type)
      return &type_names[i];
  return NULL;
}

const char *
photos_type_mime (PhotosType type)
{
  const TypeNames *names = type_names_find (type);

  return names != NULL ? names->mime : NULL;
}

const char *
photos_type_extension (PhotosType type)
{
  const TypeNames *names = type_names_find (type);

  return names != NULL ? names->extension : NULL;
}

PhotosType
photos_type_from_mime (const char *mime)
{
  g_autofree char *essence = NULL;
  const char *semicolon;

  if (mime == NULL)
    return PHOTOS_TYPE_UNKNOWN;
  /* "image/JPEG ; q=1" → "image/jpeg": the media type without parameters. */
  semicolon = strchr (mime, ';');
  essence = g_ascii_strdown (mime, semicolon != NULL ? semicolon - mime : -1);
  g_strstrip (essence);

  for (gsize i = 0; i < G_N_ELEMENTS (type_names); i++)
    if (strcmp (essence, type_names[i].mime) == 0)
      return type_names[i].type;
  for (gsize i = 0; i < G_N_ELEMENTS (mime_aliases); i++)
    if (strcmp (essence, mime_aliases[i].mime) == 0)
      return mime_aliases[i].type;
  return PHOTOS_TYPE_UNKNOWN;
}
