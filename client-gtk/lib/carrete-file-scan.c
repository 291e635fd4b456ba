#define G_LOG_DOMAIN "carrete-file-scan"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "carrete-sniff.h"
#include "carrete-file-scan.h"

#define CHUNK (256 * 1024)

static gboolean
fail (GError **error, const char *path, int error_number)
{
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (error_number), "%s: %s", path,
               g_strerror (error_number));
  return FALSE;
}

gboolean
carrete_file_scan (const char *path, gboolean *is_image, char sha256[65], GError **error)
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = g_malloc (CHUNK);
  gboolean first = TRUE;
  ssize_t n;
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return fail (error, path, errno);
  *is_image = FALSE;
  while ((n = read (fd, buffer, CHUNK)) != 0)
    {
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          close (fd);
          return fail (error, path, saved);
        }
      if (first && carrete_sniff_image_type (buffer, (gsize) n) == NULL)
        break;
      first = FALSE;
      *is_image = TRUE;
      g_checksum_update (checksum, buffer, n);
    }
  close (fd);
  if (*is_image)
    memcpy (sha256, g_checksum_get_string (checksum), 65);
  return TRUE;
}
