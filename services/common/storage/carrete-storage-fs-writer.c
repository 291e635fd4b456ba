#define G_LOG_DOMAIN "carrete-storage"

/* The fs backend's streaming writes: the bytes go to a temporary file
 * beside the object, flushed and renamed into place at commit, so a
 * reader sees the old object or the new one and a failed write leaves
 * nothing (see carrete-storage-fs.c for the sidecar's part in this). */

#include "carrete-storage-fs-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "carrete-error.h"
#include "carrete-fd.h"

typedef struct
{
  char *key;
  char *content_type;
  char *target;
  char *temp; /* until renamed */
  int fd;
  GMutex lock;     /* parts may be written at once */
  guint parts;     /* appended so far */
  gsize part_size; /* the length of every appended part */
} FsWriter;

gpointer
_carrete_fs_writer_open (CarreteStorage *storage, const char *key, const char *content_type,
                         GError **error)
{
  FsWriter *writer = g_new0 (FsWriter, 1);

  g_mutex_init (&writer->lock);
  writer->key = g_strdup (key);
  writer->content_type = g_strdup (content_type);
  writer->target = _carrete_fs_object_path (fs_of (storage), key);
  writer->fd = _carrete_fs_open_temp_retrying (writer->target, &writer->temp, error);
  if (writer->fd < 0)
    {
      _carrete_fs_writer_close (storage, writer, FALSE);
      return NULL;
    }
  return writer;
}

static gboolean
write_at (FsWriter *writer, guint64 offset, const void *data, gsize len, GCancellable *cancellable,
          GError **error)
{
  int errsv;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  errsv = carrete_fd_pwrite_all (writer->fd, data, len, offset);
  if (errsv != 0)
    return _carrete_fs_set_io_error (error, errsv, "write", writer->temp);
  return TRUE;
}

gboolean
_carrete_fs_writer_append (CarreteStorage *storage, gpointer handle, guint number, const void *data,
                           gsize len, GCancellable *cancellable, GError **error)
{
  FsWriter *writer = handle;

  if (!write_at (writer, (guint64)(number - 1) * len, data, len, cancellable, error))
    return FALSE;
  g_mutex_lock (&writer->lock);
  writer->parts++;
  writer->part_size = len;
  g_mutex_unlock (&writer->lock);
  return TRUE;
}

gboolean
_carrete_fs_writer_commit (CarreteStorage *storage, gpointer handle, const void *data, gsize len,
                           const char *sha256_hex, GCancellable *cancellable, GError **error)
{
  FsWriter *writer = handle;
  /* Every append returned: no lock needed. */
  guint64 offset = (guint64)writer->parts * writer->part_size;
  CopyResult copy;
  struct stat st;

  if (!write_at (writer, offset, data, len, cancellable, error))
    return FALSE;
  /* Flushed before the rename: after a crash the name never points at a
   * file whose blocks were not written. */
  if (fdatasync (writer->fd) != 0 || fstat (writer->fd, &st) != 0)
    return _carrete_fs_set_io_error (error, errno, "flush", writer->temp);
  copy.size = offset + len;
  g_strlcpy (copy.sha256, sha256_hex, sizeof copy.sha256);
  if (!_carrete_fs_write_meta (fs_of (storage), writer->key, st.st_ino, &copy,
                               writer->content_type, error)
      || !_carrete_fs_rename_into_place (writer->temp, writer->target, error))
    return FALSE;
  g_clear_pointer (&writer->temp, g_free);
  return TRUE;
}

void
_carrete_fs_writer_close (CarreteStorage *storage, gpointer handle, gboolean committed)
{
  FsWriter *writer = handle;

  if (writer->fd >= 0)
    close (writer->fd);
  if (writer->temp != NULL)
    {
      g_unlink (writer->temp);
      _carrete_fs_prune_empty_parents (fs_of (storage)->dir, writer->target);
    }
  g_free (writer->key);
  g_free (writer->content_type);
  g_free (writer->target);
  g_free (writer->temp);
  g_mutex_clear (&writer->lock);
  g_free (writer);
}
