#define G_LOG_DOMAIN "carrete-thumbnail-loader"

#include "carrete-client-lib.h"
#include "carrete-texture-cache.h"
#include "carrete-thumbnail-loader.h"
#include "carrete-texture-decode.h"

struct _CarreteThumbnailLoader
{
  GObject parent_instance;

  CarreteClient *client;
  CarreteThumbnailCache *disk;
  CarreteTextureCache *memory;
  guint n_decoded;
};

G_DEFINE_FINAL_TYPE (CarreteThumbnailLoader, carrete_thumbnail_loader, G_TYPE_OBJECT)

/* A photo whose thumbnails the service is still making is asked for again
 * after 1 s, then 2 s, 4 s… at most every 30 s. */
#define PENDING_FIRST_SECONDS 1
#define PENDING_MAX_SECONDS 30

static char *
memory_key (CarretePhoto *photo)
{
  return carrete_thumbnail_cache_key_for_photo (photo);
}

GdkTexture *
carrete_thumbnail_loader_lookup (CarreteThumbnailLoader *self, CarretePhoto *photo)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (CARRETE_IS_THUMBNAIL_LOADER (self), NULL);

  key = memory_key (photo);
  return carrete_texture_cache_lookup (self->memory, key);
}

static void
decoded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  CarreteThumbnailLoader *self = g_task_get_source_object (task);
  CarretePhoto *photo = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = carrete_texture_decode_finish (result, &error);
  g_autofree char *key = NULL;

  if (texture == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  self->n_decoded++;
  key = memory_key (photo);
  carrete_texture_cache_insert (self->memory, key, texture,
                                (gsize) gdk_texture_get_width (texture)
                                * (gsize) gdk_texture_get_height (texture) * 4);
  g_task_return_pointer (task, g_steal_pointer (&texture), g_object_unref);
}

static void
fetched_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  bytes = carrete_thumbnail_cache_fetch_finish (CARRETE_THUMBNAIL_CACHE (source), result, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  carrete_texture_decode_async (bytes, g_task_get_cancellable (task), decoded_cb, g_object_ref (task));
}

static void
fetch_thumbnail (GTask *task, CarretePhoto *photo)
{
  CarreteThumbnailLoader *self = g_task_get_source_object (task);

  if (g_strcmp0 (carrete_photo_get_thumbnails (photo), "failed") == 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               "The service could not make a preview of this photo");
      g_object_unref (task);
      return;
    }
  if (carrete_photo_get_thumbnail_url (photo) == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               "The photo has no thumbnail yet");
      g_object_unref (task);
      return;
    }
  carrete_thumbnail_cache_fetch_async (self->disk, self->client, photo,
                                       g_task_get_cancellable (task), fetched_cb, task);
}

/* ---- waiting for thumbnails the service is still making ---------------------- */

static void ask_again (GTask *task, guint delay);

static void
photo_again_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  guint delay = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (task), "delay"));
  g_autoptr(GError) error = NULL;
  g_autoptr(CarretePhoto) fresh
    = carrete_client_get_photo_finish (CARRETE_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
    }
  else if (fresh == NULL || g_strcmp0 (carrete_photo_get_thumbnails (fresh), "pending") == 0)
    ask_again (task, MIN (delay * 2, PENDING_MAX_SECONDS)); /* a failed GET too: later */
  else
    fetch_thumbnail (task, fresh);
}

static gboolean
ask_again_cb (gpointer user_data)
{
  GTask *task = user_data;
  CarreteThumbnailLoader *self = g_task_get_source_object (task);
  CarretePhoto *photo = g_task_get_task_data (task);

  if (g_task_return_error_if_cancelled (task))
    g_object_unref (task);
  else
    carrete_client_get_photo_async (self->client, carrete_photo_get_id (photo),
                                    g_task_get_cancellable (task), photo_again_cb, task);
  return G_SOURCE_REMOVE;
}

/* The pause ends early when the load is cancelled (the tile shows
 * another photo, or goes): the task must not outlive its tile. */
static void
ask_again (GTask *task, guint delay)
{
  g_autoptr(GSource) timer = g_timeout_source_new_seconds (delay);
  GCancellable *cancellable = g_task_get_cancellable (task);

  g_object_set_data (G_OBJECT (task), "delay", GUINT_TO_POINTER (delay));
  if (cancellable != NULL)
    {
      g_autoptr(GSource) cancelled = g_cancellable_source_new (cancellable);
      g_source_set_dummy_callback (cancelled);
      g_source_add_child_source (timer, cancelled);
    }
  g_source_set_callback (timer, ask_again_cb, task, NULL);
  g_source_attach (timer, g_main_context_get_thread_default ());
}

void
carrete_thumbnail_loader_load_async (CarreteThumbnailLoader *self, CarretePhoto *photo,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  g_return_if_fail (CARRETE_IS_THUMBNAIL_LOADER (self));
  g_return_if_fail (CARRETE_IS_PHOTO (photo));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, carrete_thumbnail_loader_load_async);
  g_task_set_task_data (task, g_object_ref (photo), g_object_unref);

  texture = carrete_thumbnail_loader_lookup (self, photo);
  if (texture != NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&texture), g_object_unref);
      return;
    }
  /* The photo as listed says pending: ask the service again until its
   * thumbnails are made (or could not be). */
  if (g_strcmp0 (carrete_photo_get_thumbnails (photo), "pending") == 0
      && g_strcmp0 (carrete_photo_get_state (photo), "ready") == 0)
    {
      ask_again (g_steal_pointer (&task), PENDING_FIRST_SECONDS);
      return;
    }
  fetch_thumbnail (g_steal_pointer (&task), photo);
}

GdkTexture *
carrete_thumbnail_loader_load_finish (CarreteThumbnailLoader *self, GAsyncResult *result,
                                      GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
cleared_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!carrete_thumbnail_cache_clear_finish (CARRETE_THUMBNAIL_CACHE (source), result, &error))
    g_warning ("Could not empty the thumbnail cache: %s", error->message);
}

void
carrete_thumbnail_loader_clear (CarreteThumbnailLoader *self)
{
  g_return_if_fail (CARRETE_IS_THUMBNAIL_LOADER (self));

  carrete_texture_cache_clear (self->memory);
  carrete_thumbnail_cache_clear_async (self->disk, NULL, cleared_cb, NULL);
}

CarreteTextureCache *
carrete_thumbnail_loader_get_memory (CarreteThumbnailLoader *self)
{
  g_return_val_if_fail (CARRETE_IS_THUMBNAIL_LOADER (self), NULL);
  return self->memory;
}

guint
carrete_thumbnail_loader_get_n_decoded (CarreteThumbnailLoader *self)
{
  g_return_val_if_fail (CARRETE_IS_THUMBNAIL_LOADER (self), 0);
  return self->n_decoded;
}

static void
carrete_thumbnail_loader_finalize (GObject *object)
{
  CarreteThumbnailLoader *self = CARRETE_THUMBNAIL_LOADER (object);

  g_clear_object (&self->client);
  g_clear_object (&self->disk);
  g_clear_object (&self->memory);
  G_OBJECT_CLASS (carrete_thumbnail_loader_parent_class)->finalize (object);
}

static void
carrete_thumbnail_loader_class_init (CarreteThumbnailLoaderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = carrete_thumbnail_loader_finalize;
}

static void
carrete_thumbnail_loader_init (CarreteThumbnailLoader *self)
{
}

CarreteThumbnailLoader *
carrete_thumbnail_loader_new (CarreteClient *client, const char *cache_dir, gsize memory_bytes)
{
  CarreteThumbnailLoader *self = g_object_new (CARRETE_TYPE_THUMBNAIL_LOADER, NULL);

  self->client = g_object_ref (client);
  self->disk = carrete_thumbnail_cache_new (cache_dir, 0);
  self->memory = carrete_texture_cache_new (memory_bytes);
  return self;
}
