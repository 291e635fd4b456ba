#define G_LOG_DOMAIN "carrete-thumbnail-cache"

#include <errno.h>
#include <glib/gstdio.h>

#include "carrete-thumbnail-cache.h"
#include "carrete-client.h"

/* One file per key, named by the key's SHA-256 (keys come from the server
 * and must not become paths).  The index (name → size, last use) is read
 * from the directory once, then kept up to date; every file operation runs
 * in a worker thread, the index behind a mutex. */

typedef struct
{
  guint64 size;
  gint64 used; /* wall clock (µs) of the last store or lookup; mtime after a restart */
} Entry;

struct _CarreteThumbnailCache
{
  GObject parent_instance;
  char *directory;
  guint64 max_bytes;
  GMutex lock;
  GHashTable *index; /* file name → Entry; NULL until scanned */
  guint64 size;
};

G_DEFINE_FINAL_TYPE (CarreteThumbnailCache, carrete_thumbnail_cache, G_TYPE_OBJECT)

enum { PROP_0, PROP_DIRECTORY, PROP_MAX_BYTES, PROP_SIZE, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
carrete_thumbnail_cache_finalize (GObject *object)
{
  CarreteThumbnailCache *self = CARRETE_THUMBNAIL_CACHE (object);

  g_free (self->directory);
  g_clear_pointer (&self->index, g_hash_table_unref);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (carrete_thumbnail_cache_parent_class)->finalize (object);
}

static void
carrete_thumbnail_cache_get_property (GObject *object, guint prop_id, GValue *value,
                                      GParamSpec *pspec)
{
  CarreteThumbnailCache *self = CARRETE_THUMBNAIL_CACHE (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      g_value_set_string (value, self->directory);
      break;
    case PROP_MAX_BYTES:
      g_value_set_uint64 (value, self->max_bytes);
      break;
    case PROP_SIZE:
      g_value_set_uint64 (value, carrete_thumbnail_cache_get_size (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
carrete_thumbnail_cache_class_init (CarreteThumbnailCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = carrete_thumbnail_cache_finalize;
  object_class->get_property = carrete_thumbnail_cache_get_property;
  properties[PROP_DIRECTORY] = g_param_spec_string ("directory", NULL, NULL, NULL, flags);
  properties[PROP_MAX_BYTES] = g_param_spec_uint64 ("max-bytes", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_SIZE] = g_param_spec_uint64 ("size", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
carrete_thumbnail_cache_init (CarreteThumbnailCache *self)
{
  g_mutex_init (&self->lock);
}

CarreteThumbnailCache *
carrete_thumbnail_cache_new (const char *directory, guint64 max_bytes)
{
  CarreteThumbnailCache *self = g_object_new (CARRETE_TYPE_THUMBNAIL_CACHE, NULL);

  self->directory = directory != NULL
                      ? g_strdup (directory)
                      : g_build_filename (g_get_user_cache_dir (), "carrete", "thumbnails", NULL);
  self->max_bytes = max_bytes > 0 ? max_bytes : CARRETE_THUMBNAIL_CACHE_DEFAULT_MAX_BYTES;
  return self;
}

const char *
carrete_thumbnail_cache_get_directory (CarreteThumbnailCache *self)
{
  g_return_val_if_fail (CARRETE_IS_THUMBNAIL_CACHE (self), NULL);
  return self->directory;
}

guint64
carrete_thumbnail_cache_get_max_bytes (CarreteThumbnailCache *self)
{
  g_return_val_if_fail (CARRETE_IS_THUMBNAIL_CACHE (self), 0);
  return self->max_bytes;
}

guint64
carrete_thumbnail_cache_get_size (CarreteThumbnailCache *self)
{
  guint64 size;

  g_return_val_if_fail (CARRETE_IS_THUMBNAIL_CACHE (self), 0);
  g_mutex_lock (&self->lock);
  size = self->size;
  g_mutex_unlock (&self->lock);
  return size;
}

char *
carrete_thumbnail_cache_key_for_photo (CarretePhoto *photo)
{
  GDateTime *updated = carrete_photo_get_updated_at (photo);

  g_return_val_if_fail (CARRETE_IS_PHOTO (photo), NULL);
  if (carrete_photo_get_sha256 (photo) != NULL)
    return g_strdup_printf ("%s-%s-256", carrete_photo_get_id (photo), carrete_photo_get_sha256 (photo));
  return g_strdup_printf ("%s-%" G_GINT64_FORMAT "-256", carrete_photo_get_id (photo),
                          updated != NULL ? g_date_time_to_unix (updated) : 0);
}

/* ---- in worker threads ---------------------------------------------------------------------- */

static char *
file_name_of (const char *key)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
}

/* Reads the directory once; called with the lock held. */
static void
ensure_index (CarreteThumbnailCache *self)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  if (self->index != NULL)
    return;
  self->index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->size = 0;
  dir = g_dir_open (self->directory, 0, NULL);
  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (self->directory, name, NULL);
      GStatBuf st;
      Entry *entry;

      if (strlen (name) != 64 || g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      entry = g_new0 (Entry, 1);
      entry->size = (guint64) st.st_size;
      entry->used = (gint64) st.st_mtime * G_USEC_PER_SEC;
      g_hash_table_insert (self->index, g_strdup (name), entry);
      self->size += entry->size;
    }
}

static gint
compare_used (gconstpointer a, gconstpointer b, gpointer user_data)
{
  GHashTable *index = user_data;
  const Entry *ea = g_hash_table_lookup (index, *(const char *const *) a);
  const Entry *eb = g_hash_table_lookup (index, *(const char *const *) b);

  return ea->used < eb->used ? -1 : ea->used > eb->used;
}

/* Least recently used files go first; called with the lock held. */
static void
trim (CarreteThumbnailCache *self)
{
  g_autoptr (GPtrArray) names = NULL;
  GHashTableIter iter;
  gpointer key;

  if (self->size <= self->max_bytes)
    return;
  names = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, self->index);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (names, key);
  g_ptr_array_sort_with_data (names, compare_used, self->index);
  for (guint i = 0; i < names->len && self->size > self->max_bytes; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *path = g_build_filename (self->directory, name, NULL);
      Entry *entry = g_hash_table_lookup (self->index, name);

      if (g_unlink (path) != 0 && errno != ENOENT)
        continue;
      self->size -= entry->size;
      g_hash_table_remove (self->index, name);
    }
}

static void
lookup_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  CarreteThumbnailCache *self = source;
  g_autofree char *name = file_name_of (task_data);
  g_autofree char *path = g_build_filename (self->directory, name, NULL);
  g_autoptr (GError) error = NULL;
  char *data = NULL;
  gsize length = 0;
  Entry *entry;

  if (!g_file_get_contents (path, &data, &length, &error))
    {
      if (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_task_return_pointer (task, NULL, NULL);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_mutex_lock (&self->lock);
  ensure_index (self);
  entry = g_hash_table_lookup (self->index, name);
  if (entry != NULL)
    entry->used = g_get_real_time ();
  g_mutex_unlock (&self->lock);
  g_task_return_pointer (task, g_bytes_new_take (data, length), (GDestroyNotify) g_bytes_unref);
}

typedef struct
{
  char *key;
  GBytes *bytes;
} StoreData;

static void
store_data_free (StoreData *data)
{
  g_free (data->key);
  g_bytes_unref (data->bytes);
  g_free (data);
}

static void
store_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  CarreteThumbnailCache *self = source;
  StoreData *data = task_data;
  g_autofree char *name = file_name_of (data->key);
  g_autofree char *path = g_build_filename (self->directory, name, NULL);
  g_autoptr (GError) error = NULL;
  gsize length = 0;
  const char *bytes = g_bytes_get_data (data->bytes, &length);
  Entry *entry;

  if (g_mkdir_with_parents (self->directory, 0700) != 0)
    {
      int saved = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved),
                               "Cannot create %s: %s", self->directory, g_strerror (saved));
      return;
    }
  /* Atomic (temporary file + rename): a reader never sees half a file. */
  if (!g_file_set_contents_full (path, bytes != NULL ? bytes : "", (gssize) length,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_mutex_lock (&self->lock);
  ensure_index (self);
  entry = g_hash_table_lookup (self->index, name);
  if (entry == NULL)
    {
      entry = g_new0 (Entry, 1);
      g_hash_table_insert (self->index, g_strdup (name), entry);
    }
  else
    self->size -= entry->size;
  entry->size = length;
  entry->used = g_get_real_time ();
  self->size += length;
  trim (self);
  g_mutex_unlock (&self->lock);
  g_task_return_boolean (task, TRUE);
}

static void
clear_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  CarreteThumbnailCache *self = source;
  GHashTableIter iter;
  gpointer name;

  g_mutex_lock (&self->lock);
  ensure_index (self);
  g_hash_table_iter_init (&iter, self->index);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    {
      g_autofree char *path = g_build_filename (self->directory, name, NULL);

      g_unlink (path);
      g_hash_table_iter_remove (&iter);
    }
  self->size = 0;
  g_mutex_unlock (&self->lock);
  g_task_return_boolean (task, TRUE);
}

/* ---- public async API ----------------------------------------------------------------------- */

static void
notify_size_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  g_object_notify_by_pspec (source, properties[PROP_SIZE]);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
carrete_thumbnail_cache_lookup_async (CarreteThumbnailCache *self, const char *key,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (CARRETE_IS_THUMBNAIL_CACHE (self));
  g_return_if_fail (key != NULL);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, carrete_thumbnail_cache_lookup_async);
  g_task_set_task_data (task, g_strdup (key), g_free);
  g_task_run_in_thread (task, lookup_thread);
}

GBytes *
carrete_thumbnail_cache_lookup_finish (CarreteThumbnailCache *self, GAsyncResult *result,
                                       GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The worker task, whose callback (on the caller's context) notifies
 * "size" and finishes the outer task. */
static void
run_with_size_notify (CarreteThumbnailCache *self, GTask *outer, gpointer data,
                      GDestroyNotify free_data, GTaskThreadFunc func)
{
  g_autoptr (GTask) inner = g_task_new (self, g_task_get_cancellable (outer), notify_size_cb, outer);

  g_task_set_task_data (inner, data, free_data);
  g_task_run_in_thread (inner, func);
}

void
carrete_thumbnail_cache_store_async (CarreteThumbnailCache *self, const char *key, GBytes *bytes,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  GTask *task;
  StoreData *data;

  g_return_if_fail (CARRETE_IS_THUMBNAIL_CACHE (self));
  g_return_if_fail (key != NULL && bytes != NULL);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, carrete_thumbnail_cache_store_async);
  data = g_new0 (StoreData, 1);
  data->key = g_strdup (key);
  data->bytes = g_bytes_ref (bytes);
  run_with_size_notify (self, task, data, (GDestroyNotify) store_data_free, store_thread);
}

gboolean
carrete_thumbnail_cache_store_finish (CarreteThumbnailCache *self, GAsyncResult *result,
                                      GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
carrete_thumbnail_cache_clear_async (CarreteThumbnailCache *self, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;

  g_return_if_fail (CARRETE_IS_THUMBNAIL_CACHE (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, carrete_thumbnail_cache_clear_async);
  run_with_size_notify (self, task, NULL, NULL, clear_thread);
}

gboolean
carrete_thumbnail_cache_clear_finish (CarreteThumbnailCache *self, GAsyncResult *result,
                                      GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- fetch: disk, else network then disk ----------------------------------------------------- */

typedef struct
{
  CarreteClient *client;
  char *key;
  char *url;
  char *photo_id;
  gboolean renewed;
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  g_clear_object (&fetch->client);
  g_free (fetch->key);
  g_free (fetch->url);
  g_free (fetch->photo_id);
  g_free (fetch);
}

static void on_fetch_downloaded (GObject *source, GAsyncResult *result, gpointer user_data);

/* Presigned URLs expire (CARRETE_URL_TTL): a grid scrolled to after that
 * gets 403s, or 400s from Garage ("Date is too old").  A URL the service
 * just signed has nothing else a 400 could be about, so it too earns one
 * fresh URL: the photo, asked for again, carries them. */
static gboolean
url_expired (const GError *error)
{
  return g_error_matches (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_FORBIDDEN)
         || (error != NULL && error->domain == CARRETE_CLIENT_ERROR
             && carrete_client_error_get_status (error) == 400);
}

static void
on_fetch_renewed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (CarretePhoto) photo = carrete_client_get_photo_finish (CARRETE_CLIENT (source), result,
                                                                    &error);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (photo == NULL || carrete_photo_get_thumbnail_url (photo) == NULL)
    {
      if (error == NULL)
        error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                     "This photo has no thumbnail yet.");
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_free (fetch->url);
  fetch->url = g_strdup (carrete_photo_get_thumbnail_url (photo));
  carrete_client_fetch_bytes_async (fetch->client, fetch->url, cancellable, on_fetch_downloaded,
                                    g_steal_pointer (&task));
}

static void
on_fetch_stored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  /* A full disk only costs the next fetch; the bytes are here. */
  if (!carrete_thumbnail_cache_store_finish (CARRETE_THUMBNAIL_CACHE (source), result, &error))
    g_debug ("not cached: %s", error->message);
  g_task_return_pointer (task, g_bytes_ref (g_task_get_task_data (task)),
                         (GDestroyNotify) g_bytes_unref);
}

static void
on_fetch_downloaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = carrete_client_fetch_bytes_finish (CARRETE_CLIENT (source), result, &error);
  CarreteThumbnailCache *self = g_task_get_source_object (task);
  g_autofree char *key = NULL;

  if (bytes == NULL && url_expired (error) && !fetch->renewed)
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      fetch->renewed = TRUE;
      carrete_client_get_photo_async (fetch->client, fetch->photo_id, cancellable,
                                      on_fetch_renewed, g_steal_pointer (&task));
      return;
    }
  if (bytes == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  key = g_strdup (fetch->key);
  /* From here the task data is the bytes. */
  g_task_set_task_data (task, g_bytes_ref (bytes), (GDestroyNotify) g_bytes_unref);
  carrete_thumbnail_cache_store_async (self, key, bytes, NULL, on_fetch_stored,
                                       g_steal_pointer (&task));
}

static void
on_fetch_looked_up (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = carrete_thumbnail_cache_lookup_finish (CARRETE_THUMBNAIL_CACHE (source),
                                                                    result, &error);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (bytes != NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&bytes), (GDestroyNotify) g_bytes_unref);
      return;
    }
  if (error != NULL)
    g_debug ("cache unreadable, fetching: %s", error->message);
  carrete_client_fetch_bytes_async (fetch->client, fetch->url, cancellable, on_fetch_downloaded,
                                    g_steal_pointer (&task));
}

void
carrete_thumbnail_cache_fetch_async (CarreteThumbnailCache *self, CarreteClient *client,
                                     CarretePhoto *photo, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;
  Fetch *fetch;

  g_return_if_fail (CARRETE_IS_THUMBNAIL_CACHE (self));
  g_return_if_fail (CARRETE_IS_CLIENT (client));
  g_return_if_fail (CARRETE_IS_PHOTO (photo));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, carrete_thumbnail_cache_fetch_async);
  if (carrete_photo_get_thumbnail_url (photo) == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               "This photo has no thumbnail yet.");
      g_object_unref (task);
      return;
    }
  fetch = g_new0 (Fetch, 1);
  fetch->client = g_object_ref (client);
  fetch->key = carrete_thumbnail_cache_key_for_photo (photo);
  fetch->url = g_strdup (carrete_photo_get_thumbnail_url (photo));
  fetch->photo_id = g_strdup (carrete_photo_get_id (photo));
  g_task_set_task_data (task, fetch, (GDestroyNotify) fetch_free);
  carrete_thumbnail_cache_lookup_async (self, fetch->key, cancellable, on_fetch_looked_up, task);
}

GBytes *
carrete_thumbnail_cache_fetch_finish (CarreteThumbnailCache *self, GAsyncResult *result,
                                      GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
