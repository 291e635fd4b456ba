#define G_LOG_DOMAIN "carrete-watch"

#include <string.h>

#include "carrete-file-cache.h"
#include "carrete-source.h"
#include "carrete-watch-scan.h"
#include "carrete-watch.h"

#define SETTLE_MS 1000

struct _CarreteWatch
{
  CarreteWatcher *watcher; /* owns this */
  CarreteWatchedFolder *folder;
  CarreteFileCache *cache;
  GHashTable *monitors; /* directory path → GFileMonitor */
  GHashTable *settling; /* path → Settle: seen, not yet still for SETTLE_MS */
  GCancellable *cancellable;
  guint settle_source;
  gboolean scanning;
  gboolean rescan; /* asked for while scanning */
};

typedef struct
{
  guint64 size;
  gint64 mtime_ns;
  gint64 since; /* monotonic µs when size or mtime last moved */
} Settle;

static gboolean settle_cb (gpointer data);

void
carrete_watch_free (CarreteWatch *watch)
{
  g_autoptr (GError) error = NULL;

  if (watch == NULL)
    return;
  g_cancellable_cancel (watch->cancellable);
  g_clear_handle_id (&watch->settle_source, carrete_source_remove);
  g_clear_object (&watch->cancellable);
  g_clear_pointer (&watch->monitors, g_hash_table_unref);
  g_clear_pointer (&watch->settling, g_hash_table_unref);
  /* Compacts the appended lines into one atomic rewrite. */
  if (watch->cache != NULL && !carrete_file_cache_close (watch->cache, &error))
    g_warning ("%s", error->message);
  g_clear_pointer (&watch->cache, carrete_file_cache_free);
  g_clear_object (&watch->folder);
  g_free (watch);
}

static gboolean settle_cb (gpointer data);

static void
settle_add (CarreteWatch *watch, const char *path, guint64 size, gint64 mtime_ns)
{
  Settle settle = { size, mtime_ns, g_get_monotonic_time () };
  Settle *known = g_hash_table_lookup (watch->settling, path);

  if (known != NULL && known->size == size && known->mtime_ns == mtime_ns)
    return; /* one more event of the same write */
  g_hash_table_replace (watch->settling, g_strdup (path), g_memdup2 (&settle, sizeof settle));
  if (watch->settle_source == 0)
    watch->settle_source = carrete_timeout_add (SETTLE_MS / 4, settle_cb, watch);
}

/* The answer of carrete_watch_read_async: images to send, files still
 * moving to wait for again. */
static void
on_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) reads = carrete_watch_read_finish (result, &error);
  CarreteWatch *watch = user_data;

  if (reads == NULL)
    return; /* cancelled: `watch` is gone */
  for (guint i = 0; i < reads->len; i++)
    {
      CarreteWatchRead *read = g_ptr_array_index (reads, i);
      g_autoptr (GError) put_error = NULL;
      const CarreteFileCacheEntry *entry;

      if (read->error != NULL)
        {
          g_debug ("%s", read->error->message);
          continue;
        }
      if (!read->stable)
        {
          settle_add (watch, read->path, read->size, read->mtime_ns);
          continue;
        }
      if (!read->is_image)
        {
          _carrete_watcher_skipped (watch->watcher, read->path);
          continue;
        }
      entry = carrete_file_cache_lookup (watch->cache, read->path, read->size, read->mtime_ns);
      if (entry != NULL && entry->uploaded && strcmp (entry->sha256, read->sha256) == 0)
        continue;
      if (!carrete_file_cache_put (watch->cache, read->path, read->size, read->mtime_ns,
                                   read->sha256, FALSE, &put_error))
        g_warning ("%s", put_error->message);
      _carrete_watcher_found (watch->watcher, watch->folder, read->path, read->size, read->mtime_ns,
                              read->sha256);
    }
  _carrete_watcher_pump (watch->watcher);
}

static void
read_paths (CarreteWatch *watch, GPtrArray *paths)
{
  if (paths->len > 0)
    carrete_watch_read_async (paths, watch->cancellable, on_read, watch);
}

/* Every SETTLE_MS / 4: the files whose size and mtime did not move for
 * SETTLE_MS are complete, as far as anyone can tell, and are read. */
static void
settle_watch (CarreteWatch *watch)
{
  g_autoptr (GPtrArray) ready = g_ptr_array_new_with_free_func (g_free);
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, watch->settling);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Settle *settle = value;
      guint64 size = 0;
      gint64 mtime_ns = 0;

      if (!carrete_watch_stat (key, &size, &mtime_ns))
        g_hash_table_iter_remove (&iter);
      else if (size != settle->size || mtime_ns != settle->mtime_ns)
        *settle = (Settle){ size, mtime_ns, now };
      else if (now - settle->since >= SETTLE_MS * 1000)
        {
          g_ptr_array_add (ready, g_strdup (key));
          g_hash_table_iter_remove (&iter);
        }
    }
  read_paths (watch, ready);
}

static gboolean
settle_cb (gpointer data)
{
  CarreteWatch *watch = data;

  settle_watch (watch);
  if (g_hash_table_size (watch->settling) > 0)
    return G_SOURCE_CONTINUE;
  watch->settle_source = 0;
  return G_SOURCE_REMOVE;
}

static void
file_seen (CarreteWatch *watch, const char *path)
{
  guint64 size = 0;
  gint64 mtime_ns = 0;

  if (_carrete_watcher_is_known (watch->watcher, path))
    return; /* on its way; a change after it was read is found by the next scan */
  if (carrete_watch_stat (path, &size, &mtime_ns))
    settle_add (watch, path, size, mtime_ns);
}

/* A file deleted (or moved out) while the app runs: on the server too
 * only when the user turned that on for this folder.  The cache then says
 * "not sent", so a file put back is sent again. */
static void
file_gone (CarreteWatch *watch, const char *path)
{
  const CarreteFileCacheEntry *entry = carrete_file_cache_get (watch->cache, path);
  g_autoptr (GError) error = NULL;
  CarreteFileCacheEntry gone;

  if (!carrete_watched_folder_get_delete_on_server (watch->folder) || entry == NULL
      || !entry->uploaded)
    return;
  gone = *entry;
  if (!carrete_file_cache_put (watch->cache, path, gone.size, gone.mtime_ns, gone.sha256, FALSE,
                               &error))
    g_warning ("%s", error->message);
  _carrete_watcher_deleted (watch->watcher, watch->folder, path, gone.sha256);
}

static void monitor_dir (CarreteWatch *watch, const char *dir);

static void
on_changed (GFileMonitor *monitor, GFile *file, GFile *other, GFileMonitorEvent event,
            gpointer user_data)
{
  CarreteWatch *watch = user_data;
  GFile *target = event == G_FILE_MONITOR_EVENT_RENAMED ? other : file;
  g_autofree char *path = target != NULL ? g_file_get_path (target) : NULL;
  g_autofree char *name = path != NULL ? g_path_get_basename (path) : NULL;

  if (path == NULL || name[0] == '.')
    return;
  switch (event)
    {
    case G_FILE_MONITOR_EVENT_CREATED:
    case G_FILE_MONITOR_EVENT_CHANGED:
    case G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT:
    case G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED:
    case G_FILE_MONITOR_EVENT_MOVED_IN:
    case G_FILE_MONITOR_EVENT_RENAMED:
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          /* A new directory: watched too, and walked for what it has. */
          monitor_dir (watch, path);
          carrete_watch_scan (watch);
        }
      else
        file_seen (watch, path);
      break;
    case G_FILE_MONITOR_EVENT_DELETED:
    case G_FILE_MONITOR_EVENT_MOVED_OUT:
      g_hash_table_remove (watch->settling, path);
      file_gone (watch, path);
      break;
    default:
      break;
    }
}

static void
monitor_dir (CarreteWatch *watch, const char *dir)
{
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;
  GFileMonitor *monitor;

  if (g_hash_table_contains (watch->monitors, dir))
    return;
  file = g_file_new_for_path (dir);
  monitor = g_file_monitor_directory (file, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
  if (monitor == NULL)
    {
      g_warning ("cannot watch %s: %s", dir, error->message);
      return;
    }
  g_signal_connect (monitor, "changed", G_CALLBACK (on_changed), watch);
  g_hash_table_insert (watch->monitors, g_strdup (dir), monitor);
}

static void
plan_file (CarreteWatch *watch, CarreteTreeFile *file, GPtrArray *to_read, gint64 now_ns)
{
  const CarreteFileCacheEntry *entry;

  if (_carrete_watcher_is_known (watch->watcher, file->path)
      || g_hash_table_contains (watch->settling, file->path))
    return;
  entry = carrete_file_cache_lookup (watch->cache, file->path, file->size, file->mtime_ns);
  if (entry != NULL && entry->uploaded)
    return;
  if (entry != NULL)
    _carrete_watcher_found (watch->watcher, watch->folder, file->path, file->size, file->mtime_ns,
                            entry->sha256);
  else if (now_ns - file->mtime_ns < SETTLE_MS * G_GINT64_CONSTANT (1000000))
    settle_add (watch, file->path, file->size, file->mtime_ns); /* may still be written */
  else
    g_ptr_array_add (to_read, g_strdup (file->path));
}

static void
on_walked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteTreeWalk) walk = carrete_watch_walk_finish (result, &error);
  g_autoptr (GPtrArray) to_read = g_ptr_array_new_with_free_func (g_free);
  CarreteWatch *watch = user_data;
  gint64 now_ns = g_get_real_time () * 1000;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return; /* `watch` is gone */
  watch->scanning = FALSE;
  if (walk == NULL)
    g_warning ("%s", error->message);
  for (guint i = 0; walk != NULL && i < walk->files->len; i++)
    {
      CarreteTreeFile *file = g_ptr_array_index (walk->files, i);
      g_autofree char *dir = g_path_get_dirname (file->path);

      monitor_dir (watch, dir);
      plan_file (watch, file, to_read, now_ns);
    }
  read_paths (watch, to_read);
  _carrete_watcher_pump (watch->watcher);
  if (watch->rescan)
    {
      watch->rescan = FALSE;
      carrete_watch_scan (watch);
    }
}

/* The full scan: what arrived while the app was closed or the server away. */
void
carrete_watch_scan (CarreteWatch *watch)
{
  if (watch->scanning)
    {
      watch->rescan = TRUE;
      return;
    }
  watch->scanning = TRUE;
  monitor_dir (watch, carrete_watched_folder_get_path (watch->folder));
  carrete_watch_walk_async (carrete_watched_folder_get_path (watch->folder), watch->cancellable,
                            on_walked, watch);
}

CarreteWatch *
carrete_watch_new (CarreteWatcher *watcher, CarreteWatchedFolder *folder, const char *dir,
                   const char *destination, GError **error)
{
  CarreteWatch *watch = g_new0 (CarreteWatch, 1);

  watch->watcher = watcher;
  watch->folder = g_object_ref (folder);
  watch->cancellable = g_cancellable_new ();
  watch->monitors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  watch->settling = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  watch->cache = carrete_file_cache_open (dir, destination, error);
  if (watch->cache == NULL)
    {
      carrete_watch_free (watch);
      return NULL;
    }
  carrete_watch_scan (watch);
  return watch;
}

CarreteWatchedFolder *
carrete_watch_get_folder (CarreteWatch *watch)
{
  return watch->folder;
}

gboolean
carrete_watch_mark_sent (CarreteWatch *watch, const char *path, guint64 size, gint64 mtime_ns,
                         const char *sha256, GError **error)
{
  return carrete_file_cache_put (watch->cache, path, size, mtime_ns, sha256, TRUE, error);
}
