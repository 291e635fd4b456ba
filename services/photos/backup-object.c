#include "backup-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "carrete-error.h"

void
backup_object_free (gpointer data)
{
  BackupObject *object = data;

  g_free (object->key);
  g_free (object->sha256);
  g_free (object->content_type);
  g_free (object);
}

char *
backup_object_path (const char *dir, const char *key)
{
  return g_build_filename (dir, "objects", key, NULL);
}

/* The SHA-256 and size of the file at `path`. */
gboolean
backup_hash_path (const char *path, char hex[CARRETE_SHA256_HEX_LEN + 1], guint64 *size,
                  GError **error)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  gboolean ok;

  if (fd < 0)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "%s: %s", path, g_strerror (errno));
      return FALSE;
    }
  ok = carrete_sha256_fd (fd, NULL, hex, size, error);
  close (fd);
  if (!ok)
    g_prefix_error (error, "%s: ", path);
  return ok;
}
