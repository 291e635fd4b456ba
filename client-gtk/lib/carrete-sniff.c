#define G_LOG_DOMAIN "carrete-sniff"

#include <string.h>

#include "carrete-sniff.h"

/* The server checks the bytes itself; the client only needs a content type
 * to ask for a direct upload, and sends what it cannot name through the
 * streamed route, where the server's verdict (415) is the answer. */
const char *
carrete_sniff_image_type (const guint8 *data, gsize length)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a };
  static const guint8 jpeg[] = { 0xff, 0xd8, 0xff };

  if (length >= sizeof png && memcmp (data, png, sizeof png) == 0)
    return "image/png";
  if (length >= sizeof jpeg && memcmp (data, jpeg, sizeof jpeg) == 0)
    return "image/jpeg";
  if (length >= 6 && (memcmp (data, "GIF87a", 6) == 0 || memcmp (data, "GIF89a", 6) == 0))
    return "image/gif";
  if (length >= 12 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WEBP", 4) == 0)
    return "image/webp";
  if (length >= 12 && memcmp (data + 4, "ftyp", 4) == 0
      && (memcmp (data + 8, "heic", 4) == 0 || memcmp (data + 8, "heix", 4) == 0
          || memcmp (data + 8, "mif1", 4) == 0 || memcmp (data + 8, "msf1", 4) == 0))
    return "image/heic";
  return NULL;
}
