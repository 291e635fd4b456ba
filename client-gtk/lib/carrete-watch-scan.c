#define G_LOG_DOMAIN "carrete-watch-scan"

#include <sys/stat.h>

#include <glib/gstdio.h>

#include "carrete-file-scan.h"
#include "carrete-op.h"
#include "carrete-watch-scan.h"

void
carrete_watch_read_free (CarreteWatchRead *read)
{
  if (read == NULL)
    return;
  g_free (read->path);
  g_clear_error (&read->error);
  g_free (read);
}

gboolean
carrete_watch_stat (const char *path, guint64 *size, gint64 *mtime_ns)
{
  struct stat st;

  if (stat (path, &st) != 0 || !S_ISREG (st.st_mode))
    return FALSE;
  *size = (guint64) st.st_size;
  *mtime_ns = (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st.st_mtim.tv_nsec;
  return TRUE;
}

static void
walk_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  CarreteTreeWalk *walk = carrete_tree_walk (task_data, cancellable, &error);

  if (walk == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, walk, (GDestroyNotify) carrete_tree_walk_free);
}

void
carrete_watch_walk_async (const char *root, GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_autoptr (GTask) task = carrete_op_new (g_strdup (root), g_free, carrete_watch_walk_async,
                                           cancellable, callback, user_data);

  g_task_run_in_thread (task, walk_thread);
}

CarreteTreeWalk *
carrete_watch_walk_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_async_result_is_tagged (result, carrete_watch_walk_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static CarreteWatchRead *
read_one (const char *path)
{
  CarreteWatchRead *read = g_new0 (CarreteWatchRead, 1);
  guint64 size_after = 0;
  gint64 mtime_after = 0;

  read->path = g_strdup (path);
  if (!carrete_watch_stat (path, &read->size, &read->mtime_ns))
    {
      g_set_error (&read->error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "%s: not a file any more", path);
      return read;
    }
  if (!carrete_file_scan (path, &read->is_image, read->sha256, &read->error))
    return read;
  /* A file still being written changes under the read: its hash is of no
   * version that will last, so the caller waits and reads it again. */
  read->stable = carrete_watch_stat (path, &size_after, &mtime_after) && size_after == read->size
                 && mtime_after == read->mtime_ns;
  return read;
}

static void
read_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GPtrArray *paths = task_data;
  g_autoptr (GPtrArray) reads
      = g_ptr_array_new_with_free_func ((GDestroyNotify) carrete_watch_read_free);

  for (guint i = 0; i < paths->len; i++)
    {
      if (g_task_return_error_if_cancelled (task))
        return;
      g_ptr_array_add (reads, read_one (g_ptr_array_index (paths, i)));
    }
  g_task_return_pointer (task, g_steal_pointer (&reads), (GDestroyNotify) g_ptr_array_unref);
}

void
carrete_watch_read_async (GPtrArray *paths, GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_autoptr (GTask) task
      = carrete_op_new (g_ptr_array_ref (paths), (GDestroyNotify) g_ptr_array_unref,
                        carrete_watch_read_async, cancellable, callback, user_data);

  g_task_run_in_thread (task, read_thread);
}

GPtrArray *
carrete_watch_read_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_async_result_is_tagged (result, carrete_watch_read_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
