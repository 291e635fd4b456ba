#define G_LOG_DOMAIN "carrete-photos-service"

#include "service.h"

#include <glib/gstdio.h>
#include <malloc.h>
#include <sodium.h>

#include "carrete-error.h"
#include "carrete-sha256.h"
#include "imaging.h"

#define PENDING_STREAMED_SECONDS 3600 /* a streamed upload's row, until ready */
/* A pending direct upload outlives its PUT URL by this much, for a PUT
 * that finished just in time: the URL's own lifetime, at most 5 minutes. */
#define DIRECT_GRACE_SECONDS(app) MIN ((app)->url_ttl, 300u)
#define DELETE_BATCH 100
#define SWEEP_BATCH 100

void
photos_access_free (PhotosAccess *access)
{
  if (access == NULL)
    return;
  photos_photo_free (access->photo);
  g_free (access);
}

/* ---- small helpers ------------------------------------------------------------ */

/* Submits `func` to the worker pool for `task`; a full queue fails the
 * task (503) instead of waiting. */
static void
run_on_worker (PhotosApp *app, GTask *task, GTaskThreadFunc func)
{
  g_autoptr (GError) error = NULL;

  if (!carrete_workers_run (app->workers, task, func, &error))
    g_task_return_error (task, g_steal_pointer (&error));
}

static char *
new_object_prefix (void)
{
  guint8 bytes[16];
  char hex[sizeof bytes * 2 + 1];

  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2hex (hex, sizeof hex, bytes, sizeof bytes);
  return g_strconcat ("p/", hex, NULL);
}

static void
remove_file (char **path)
{
  if (*path != NULL)
    g_unlink (*path);
  g_clear_pointer (path, g_free);
}

/* Deletes the three objects of a photo; missing ones are fine. */
static gboolean
delete_objects (CarreteStorage *storage, const PhotosPhoto *photo, GError **error)
{
  g_autofree char *original = photos_key_original (photo->object_prefix);
  g_autofree char *small = photos_key_thumb (photo->object_prefix, PHOTOS_THUMB_SMALL);
  g_autofree char *large = photos_key_thumb (photo->object_prefix, PHOTOS_THUMB_LARGE);

  return carrete_storage_delete (storage, small, error)
         && carrete_storage_delete (storage, large, error)
         && carrete_storage_delete (storage, original, error);
}

/* ---- removal of a set of photos (delete, bulk delete, sweep, discard) ----------- */

/* Objects first, rows last: a failure half-way leaves `deleting` rows that
 * a retry or the sweeper finishes; never a ready row without its objects. */
typedef struct
{
  PhotosApp *app;
  GPtrArray *photos; /* already marked `deleting` */
} Removal;

static void
removal_free (gpointer data)
{
  Removal *removal = data;

  g_ptr_array_unref (removal->photos);
  g_free (removal);
}

static void
delete_objects_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Removal *removal = data;
  GError *error = NULL;

  for (guint i = 0; i < removal->photos->len; i++)
    if (!delete_objects (removal->app->storage, g_ptr_array_index (removal->photos, i), &error))
      {
        g_task_return_error (task, error);
        return;
      }
  g_task_return_boolean (task, TRUE);
}

static void
on_rows_deleted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Removal *removal = g_task_get_task_data (task);
  GError *error = NULL;

  if (photos_store_count_finish (removal->app->store, result, &error) < 0)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_objects_deleted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *outer = user_data;
  Removal *removal = g_task_get_task_data (outer);
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (outer, error);
      g_object_unref (outer);
      return;
    }
  for (guint i = 0; i < removal->photos->len; i++)
    g_array_append_val (ids, ((PhotosPhoto *) g_ptr_array_index (removal->photos, i))->id);
  photos_store_delete_rows (removal->app->store, ids, on_rows_deleted, outer);
}

/* Removes the objects, then the rows, of `photos` (marked `deleting`). */
static void
remove_photos_async (PhotosApp *app, GPtrArray *photos, GAsyncReadyCallback callback,
                     gpointer user_data)
{
  GTask *outer = g_task_new (NULL, NULL, callback, user_data);
  Removal *removal = g_new0 (Removal, 1);
  GTask *inner;

  removal->app = app;
  removal->photos = g_ptr_array_ref (photos);
  g_task_set_task_data (outer, removal, removal_free);
  if (photos->len == 0)
    {
      g_task_return_boolean (outer, TRUE);
      g_object_unref (outer);
      return;
    }
  inner = g_task_new (NULL, NULL, on_objects_deleted, outer);
  g_task_set_task_data (inner, removal, NULL);
  run_on_worker (app, inner, delete_objects_in_thread);
  g_object_unref (inner);
}

static gboolean
remove_photos_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- the ingest pipeline (streamed upload, and complete of a direct one) ------- */

typedef struct
{
  PhotosApp *app;
  gboolean direct;        /* the original is already in storage */
  gint64 owner_id;
  CarreteCaller *caller;          /* complete: asks carrete-folders as the caller */
  gint64 folder_id;
  char *name;
  char *spool_path;
  char *small_path;
  char *large_path;
  guint64 size;
  char *sha256;
  PhotosType type;
  PhotosImageInfo info;
  PhotosPhoto *photo;     /* the pending row, once there is one */
  PhotosPhoto *duplicate;
  GError *failure;        /* kept while the pending row is discarded */
  gboolean url_expired;   /* complete: the PUT URL can no longer be used */
  guint parallel_left;    /* streamed: the original's PUT and the analysis */
  GError *parallel_error;
} Pipeline;

static void
pipeline_free (gpointer data)
{
  Pipeline *p = data;

  g_clear_pointer (&p->caller, g_free);
  remove_file (&p->spool_path);
  remove_file (&p->small_path);
  remove_file (&p->large_path);
  g_free (p->name);
  g_free (p->sha256);
  photos_photo_free (p->photo);
  photos_photo_free (p->duplicate);
  g_clear_error (&p->failure);
  g_clear_error (&p->parallel_error);
  g_free (p);
}

static void
pipeline_fail (GTask *task, GError *error);

static gboolean
analyse_image (Pipeline *p, GError **error)
{
  p->small_path = g_strconcat (p->spool_path, ".small.jpg", NULL);
  p->large_path = g_strconcat (p->spool_path, ".large.jpg", NULL);
  /* One decode serves as the integrity check and the large thumbnail. */
  return photos_imaging_process (p->spool_path, p->type, p->app->max_pixels, &p->info,
                                 p->small_path, p->large_path, error);
}

/* Decoding a large image borrows tens of megabytes; hand them back to the
 * system once the thumbnails are written rather than keep the peak. */
static gboolean
analyse_and_trim (Pipeline *p, GError **error)
{
  gboolean ok = analyse_image (p, error);

  malloc_trim (0);
  return ok;
}

static void
analyse_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;

  if (!analyse_and_trim (data, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Reads a file's SHA-256 and first bytes. */
static gboolean
hash_file (const char *path, char sha256[CARRETE_SHA256_HEX_LEN + 1], guint8 *head,
           gsize head_size, GError **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFileInputStream) in = g_file_read (file, NULL, error);
  g_autoptr (CarreteSha256) hash = carrete_sha256_new ();
  g_autofree guint8 *buffer = g_malloc (256 * 1024);
  gsize total = 0;
  gssize n;

  if (in == NULL)
    return FALSE;
  while ((n = g_input_stream_read (G_INPUT_STREAM (in), buffer, 256 * 1024, NULL, error)) > 0)
    {
      if (total < head_size)
        memcpy (head + total, buffer, MIN (head_size - total, (gsize) n));
      total += (gsize) n;
      carrete_sha256_update (hash, buffer, (gsize) n);
    }
  if (n < 0)
    return FALSE;
  carrete_sha256_finish_hex (hash, sha256);
  return TRUE;
}

/* complete: the PUT object must be there, of the declared size and type. */
static gboolean
fetch_direct_upload (Pipeline *p, GError **error)
{
  CarreteStorage *storage = p->app->storage;
  g_autofree char *key = photos_key_original (p->photo->object_prefix);
  g_auto (CarreteObjectInfo) info = { 0 };
  guint8 head[PHOTOS_SNIFF_BYTES] = { 0 };
  char sha256[CARRETE_SHA256_HEX_LEN + 1];
  g_autoptr (GError) local = NULL;
  PhotosType sniffed;

  if (!carrete_storage_stat (storage, key, &info, &local))
    {
      if (g_error_matches (local, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND) && p->url_expired)
        g_set_error_literal (error, CARRETE_ERROR, CARRETE_ERROR_GONE,
                             "The upload URL expired before the file arrived; start a new upload.");
      else if (g_error_matches (local, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND))
        g_set_error_literal (error, CARRETE_ERROR, CARRETE_ERROR_CONFLICT,
                             "The upload has not arrived: PUT the file to upload_url first.");
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if ((gint64) info.size != p->photo->size)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID,
                   "The uploaded file has %" G_GUINT64_FORMAT " bytes, not the %" G_GINT64_FORMAT
                   " announced.", info.size, p->photo->size);
      return FALSE;
    }
  p->spool_path = g_build_filename (p->app->spool_dir, "direct-XXXXXX", NULL);
  {
    int fd = g_mkstemp (p->spool_path);
    if (fd < 0)
      {
        g_set_error_literal (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE, "No spool space.");
        return FALSE;
      }
    close (fd);
  }
  if (!carrete_storage_get_to_file (storage, key, p->spool_path, (guint64) p->photo->size, NULL,
                                    error)
      || !hash_file (p->spool_path, sha256, head, sizeof head, error))
    return FALSE;
  sniffed = photos_sniff (head, MIN (sizeof head, info.size));
  if (sniffed == PHOTOS_TYPE_UNKNOWN || sniffed != photos_type_from_mime (p->photo->content_type))
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_UNSUPPORTED,
                   "The uploaded file is not a %s image.", p->photo->content_type);
      return FALSE;
    }
  p->type = sniffed;
  p->size = info.size;
  p->sha256 = g_strdup (sha256);
  return TRUE;
}

static void
fetch_and_analyse_in_thread (GTask *task, gpointer source, gpointer data,
                             GCancellable *cancellable)
{
  GError *error = NULL;

  if (!fetch_direct_upload (data, &error) || !analyse_and_trim (data, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
put_original_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Pipeline *p = data;
  g_autofree char *original = photos_key_original (p->photo->object_prefix);
  GError *error = NULL;

  if (carrete_storage_put_file_hashed (p->app->storage, original, p->spool_path,
                                       photos_type_mime (p->type), p->sha256, NULL, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
store_thumbnails_in_thread (GTask *task, gpointer source, gpointer data,
                            GCancellable *cancellable)
{
  Pipeline *p = data;
  CarreteStorage *storage = p->app->storage;
  g_autofree char *small = photos_key_thumb (p->photo->object_prefix, PHOTOS_THUMB_SMALL);
  g_autofree char *large = photos_key_thumb (p->photo->object_prefix, PHOTOS_THUMB_LARGE);
  GError *error = NULL;

  if (carrete_storage_put_file (storage, small, p->small_path, "image/jpeg", NULL, &error)
      && carrete_storage_put_file (storage, large, p->large_path, "image/jpeg", NULL, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* Steps.  Each continues on the main loop.
 *
 *   streamed:  duplicate? → pending row → original PUT ∥ probe + thumbnails
 *              → thumbnails PUT → ready
 *   complete:  fetch + probe + thumbnails → duplicate? → thumbnails PUT → ready
 *
 * A streamed upload's original goes to storage while its thumbnails are
 * made: the two longest steps of a big upload overlap. */
static void pipeline_check_duplicate (GTask *task);
static void pipeline_insert (GTask *task);
static void pipeline_store (GTask *task);
static void pipeline_mark_ready (GTask *task);

static void
on_analysed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    pipeline_fail (task, error);
  else
    pipeline_check_duplicate (task);
}

static void
on_duplicate_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Pipeline *p = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  PhotosPhoto *existing = photos_store_photo_finish (p->app->store, result, &error);

  if (existing != NULL)
    {
      g_autofree char *id = carrete_ids_encode (p->app->ids, CARRETE_ID_PHOTO, existing->id);
      p->duplicate = existing;
      pipeline_fail (task, g_error_new (CARRETE_ERROR, CARRETE_ERROR_CONFLICT,
                                        "The same image is already here as photo %s.", id));
    }
  else if (!g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND))
    pipeline_fail (task, g_steal_pointer (&error));
  else if (p->direct)
    pipeline_store (task);
  else
    pipeline_insert (task);
}

static void
pipeline_check_duplicate (GTask *task)
{
  Pipeline *p = g_task_get_task_data (task);

  photos_store_find_duplicate (p->app->store, p->owner_id, p->folder_id, p->sha256,
                               on_duplicate_checked, task);
}

static void
on_parallel_step_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Pipeline *p = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (p->parallel_error == NULL)
        p->parallel_error = error;
      else
        g_error_free (error);
    }
  if (--p->parallel_left > 0)
    return;
  if (p->parallel_error != NULL)
    pipeline_fail (task, g_steal_pointer (&p->parallel_error));
  else
    pipeline_store (task);
}

static void
run_parallel_step (GTask *task, GTaskThreadFunc func)
{
  Pipeline *p = g_task_get_task_data (task);
  GTask *inner = g_task_new (NULL, NULL, on_parallel_step_done, task);

  g_task_set_task_data (inner, p, NULL);
  run_on_worker (p->app, inner, func);
  g_object_unref (inner);
}

static void
on_inserted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Pipeline *p = g_task_get_task_data (task);
  GError *error = NULL;

  p->photo = photos_store_photo_finish (p->app->store, result, &error);
  if (p->photo == NULL)
    {
      pipeline_fail (task, error);
      return;
    }
  p->parallel_left = 2;
  run_parallel_step (task, put_original_in_thread);
  run_parallel_step (task, analyse_in_thread);
}

static void
pipeline_insert (GTask *task)
{
  Pipeline *p = g_task_get_task_data (task);
  g_autofree char *prefix = new_object_prefix ();

  photos_store_insert_pending (p->app->store, p->owner_id, p->folder_id, p->name, prefix,
                               photos_type_mime (p->type), (gint64) p->size,
                               PENDING_STREAMED_SECONDS, on_inserted, task);
}

static void
on_stored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    pipeline_fail (task, error);
  else
    pipeline_mark_ready (task);
}

static void
pipeline_store (GTask *task)
{
  Pipeline *p = g_task_get_task_data (task);
  GTask *inner = g_task_new (NULL, NULL, on_stored, task);

  g_task_set_task_data (inner, p, NULL);
  run_on_worker (p->app, inner, store_thumbnails_in_thread);
  g_object_unref (inner);
}

static void
on_marked_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Pipeline *p = g_task_get_task_data (task);
  GError *error = NULL;
  PhotosPhoto *ready = photos_store_photo_finish (p->app->store, result, &error);

  if (ready == NULL)
    {
      /* Lost a race: the same bytes became ready here meanwhile, or the
       * sweeper took an upload that ran out of time. */
      if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND))
        {
          g_clear_error (&error);
          error = g_error_new_literal (CARRETE_ERROR, CARRETE_ERROR_GONE,
                                       "The upload expired before it was complete.");
        }
      pipeline_fail (task, error);
      return;
    }
  g_task_return_pointer (task, ready, (GDestroyNotify) photos_photo_free);
  g_object_unref (task);
}

static void
pipeline_mark_ready (GTask *task)
{
  Pipeline *p = g_task_get_task_data (task);

  photos_store_mark_ready (p->app->store, p->photo->id, photos_type_mime (p->type),
                           (gint64) p->size, p->sha256, p->info.width, p->info.height,
                           p->info.taken_at, on_marked_ready, task);
}

/* ---- failure: discard what exists, then answer ---------------------------------- */

static void
finish_failure (GTask *task)
{
  Pipeline *p = g_task_get_task_data (task);

  g_task_return_error (task, g_steal_pointer (&p->failure));
  g_object_unref (task);
}

static void
on_discarded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  g_autoptr (GError) error = NULL;

  /* Whatever could not be removed now is a `deleting` row the sweeper
   * finishes; the client's answer is about its own request. */
  if (!remove_photos_finish (result, &error))
    g_message ("clean-up after a failed upload is left to the sweeper: %s", error->message);
  finish_failure (task);
}

static void
on_discard_claimed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Pipeline *p = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (PhotosPhoto) claimed = photos_store_photo_finish (p->app->store, result, &error);
  g_autoptr (GPtrArray) photos = g_ptr_array_new_with_free_func ((GDestroyNotify) photos_photo_free);

  if (claimed == NULL)
    {
      finish_failure (task); /* the pending row's deadline lets the sweeper have it */
      return;
    }
  g_ptr_array_add (photos, g_steal_pointer (&claimed));
  remove_photos_async (p->app, photos, on_discarded, task);
}

/* A direct upload that fails verification keeps its pending row (the
 * client may PUT again until the URL expires) unless it is a duplicate;
 * a streamed one never leaves anything behind.  (Not every conflict is a
 * duplicate: "not arrived yet" must keep the row, or the PUT that follows
 * leaves an object no row knows of.) */
static void
pipeline_fail (GTask *task, GError *error)
{
  Pipeline *p = g_task_get_task_data (task);
  gboolean keep = p->direct && p->duplicate == NULL;

  g_clear_error (&p->failure);
  p->failure = error;
  if (p->photo == NULL || keep
      || g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_GONE))
    {
      finish_failure (task);
      return;
    }
  photos_store_begin_delete (p->app->store, p->photo->id, on_discard_claimed, task);
}

static PhotosPhoto *
pipeline_finish (GAsyncResult *result, PhotosPhoto **duplicate, GError **error)
{
  Pipeline *p = g_task_get_task_data (G_TASK (result));

  if (duplicate != NULL)
    *duplicate = g_steal_pointer (&p->duplicate);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
photos_service_ingest_async (PhotosApp *app, PhotosNewPhoto *upload,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, NULL, callback, user_data);
  Pipeline *p = g_new0 (Pipeline, 1);

  p->app = app;
  p->owner_id = upload->owner_id;
  p->folder_id = upload->folder_id;
  p->name = g_strdup (upload->name);
  p->spool_path = g_steal_pointer (&upload->spool_path);
  p->size = upload->size;
  p->sha256 = g_strdup (upload->sha256);
  p->type = upload->type;
  g_task_set_task_data (task, p, pipeline_free);
  pipeline_check_duplicate (task);
}

PhotosPhoto *
photos_service_ingest_finish (GAsyncResult *result, PhotosPhoto **duplicate, GError **error)
{
  return pipeline_finish (result, duplicate, error);
}

/* ---- direct uploads --------------------------------------------------------------- */

static void
on_pending_created (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PhotosApp *app = g_task_get_task_data (task);
  GError *error = NULL;
  PhotosPhoto *photo = photos_store_photo_finish (app->store, result, &error);

  if (photo == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, photo, (GDestroyNotify) photos_photo_free);
}

void
photos_service_create_pending_async (PhotosApp *app, gint64 owner_id, gint64 folder_id,
                                     const char *name, PhotosType type, guint64 size,
                                     GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, NULL, callback, user_data);
  g_autofree char *prefix = new_object_prefix ();

  g_task_set_task_data (task, app, NULL);
  photos_store_insert_pending (app->store, owner_id, folder_id, name, prefix,
                               photos_type_mime (type), (gint64) size,
                               app->url_ttl + DIRECT_GRACE_SECONDS (app), on_pending_created, task);
}

PhotosPhoto *
photos_service_create_pending_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Whether `rfc3339` minus `grace` seconds is in the past. */
static gboolean
has_passed (const char *rfc3339, guint grace)
{
  g_autoptr (GDateTime) when = rfc3339 != NULL ? g_date_time_new_from_iso8601 (rfc3339, NULL) : NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) deadline = when != NULL ? g_date_time_add_seconds (when, -(gdouble) grace) : NULL;

  return deadline != NULL && g_date_time_compare (deadline, now) <= 0;
}

static void
fetch_and_analyse (GTask *task)
{
  Pipeline *p = g_task_get_task_data (task);
  GTask *inner = g_task_new (NULL, NULL, on_analysed, task);

  g_task_set_task_data (inner, p, NULL);
  run_on_worker (p->app, inner, fetch_and_analyse_in_thread);
  g_object_unref (inner);
}

static void
on_complete_folder_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!photos_service_check_folder_finish (result, &error))
    pipeline_fail (task, error);
  else
    fetch_and_analyse (task);
}

static void
on_complete_found (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Pipeline *p = g_task_get_task_data (task);
  GError *error = NULL;

  p->photo = photos_store_photo_finish (p->app->store, result, &error);
  if (p->photo != NULL && p->photo->owner_id != p->owner_id)
    {
      g_clear_pointer (&p->photo, photos_photo_free);
      error = g_error_new_literal (CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND, "No such photo.");
    }
  else if (p->photo != NULL && g_str_equal (p->photo->state, "ready"))
    error = g_error_new_literal (CARRETE_ERROR, CARRETE_ERROR_CONFLICT,
                                 "This upload is already complete.");
  else if (p->photo != NULL && g_str_equal (p->photo->state, "deleting"))
    error = g_error_new_literal (CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND, "No such photo.");
  else if (p->photo != NULL && has_passed (p->photo->expires_at, 0))
    error = g_error_new_literal (CARRETE_ERROR, CARRETE_ERROR_GONE,
                                 "This upload expired; start a new one.");
  if (error != NULL)
    {
      g_clear_pointer (&p->photo, photos_photo_free); /* nothing to discard */
      pipeline_fail (task, error);
      return;
    }
  p->folder_id = p->photo->folder_id;
  /* The row outlives its URL by a grace period, for a PUT that finished
   * just in time. */
  p->url_expired = has_passed (p->photo->expires_at, DIRECT_GRACE_SECONDS (p->app));
  /* The folder may have gone (an empty-looking folder is deletable while
   * an upload into it is pending): ask again, as every put into a folder
   * does, so that no photo becomes ready in a folder that is not there. */
  if (p->folder_id != 0)
    {
      const CarreteCaller *caller = p->caller;
      photos_service_check_folder_async (p->app, caller, p->folder_id,
                                         on_complete_folder_checked, task);
      return;
    }
  fetch_and_analyse (task);
}

void
photos_service_complete_async (PhotosApp *app, const CarreteCaller *caller, gint64 photo_id,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, NULL, callback, user_data);
  Pipeline *p = g_new0 (Pipeline, 1);

  p->app = app;
  p->direct = TRUE;
  p->owner_id = caller->id;
  p->caller = carrete_caller_dup (caller);
  g_task_set_task_data (task, p, pipeline_free);
  photos_store_find (app->store, photo_id, on_complete_found, task);
}

PhotosPhoto *
photos_service_complete_finish (GAsyncResult *result, PhotosPhoto **duplicate, GError **error)
{
  return pipeline_finish (result, duplicate, error);
}

/* ---- folder ownership ------------------------------------------------------------ */

typedef struct
{
  PhotosApp *app;
  CarreteCaller *caller;
  gint64 folder_id;
  PhotosAccess *access;          /* the photo being read, updated or deleted */
  /* for update */
  char *name;
  gboolean set_folder;
  gint64 new_folder_id;
} AccessOp;

static void
access_op_free (gpointer data)
{
  AccessOp *op = data;

  g_clear_pointer (&op->caller, g_free);
  photos_access_free (op->access);
  g_free (op->name);
  g_free (op);
}

static AccessOp *
access_op_new (PhotosApp *app, const CarreteCaller *caller)
{
  AccessOp *op = g_new0 (AccessOp, 1);

  op->app = app;
  op->caller = carrete_caller_dup (caller);
  return op;
}

static void
on_folder_owner_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  AccessOp *op = g_task_get_task_data (task);
  FoldersFolder folder = { 0 };
  GError *error = NULL;

  if (!folders_client_get_finish (op->app->folders, result, &folder, &error))
    g_task_return_error (task, error);
  else if (folder.owner_id != op->caller->id)
    g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_FORBIDDEN,
                             "Photos can only be put into your own folders.");
  else
    g_task_return_boolean (task, TRUE);
}

/* A token may outlive its account: nothing is written for an account
 * carrete-users no longer knows. */
static void
on_account_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  AccessOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (!carrete_accounts_check_finish (result, &error))
    g_task_return_error (task, error);
  else if (op->folder_id == 0)
    g_task_return_boolean (task, TRUE);
  else
    {
      folders_client_get_async (op->app->folders, op->folder_id, op->caller->token,
                                op->caller->request_id, on_folder_owner_checked, task);
      return;
    }
  g_object_unref (task);
}

void
photos_service_check_folder_async (PhotosApp *app, const CarreteCaller *caller, gint64 folder_id,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, NULL, callback, user_data);
  AccessOp *op = access_op_new (app, caller);
  g_autofree char *user = carrete_ids_encode (app->ids, CARRETE_ID_USER, caller->id);

  op->folder_id = folder_id;
  g_task_set_task_data (task, op, access_op_free);
  carrete_accounts_check_async (app->accounts, user, op->caller->request_id, on_account_checked,
                                task);
}

gboolean
photos_service_check_folder_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- reading one photo -------------------------------------------------------------- */

/* Who may read a photo: its owner, and anyone when it is in a public
 * folder (asked of carrete-folders with the caller's own token). */
static void
on_photo_folder_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  AccessOp *op = g_task_get_task_data (task);
  FoldersFolder folder = { 0 };
  GError *error = NULL;

  if (!folders_client_get_finish (op->app->folders, result, &folder, &error))
    g_task_return_error (task, error);
  else if (!folder.is_public || folder.owner_id != op->access->photo->owner_id)
    g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND, "No such photo.");
  else
    g_task_return_pointer (task, g_steal_pointer (&op->access), (GDestroyNotify) photos_access_free);
}

static void
on_photo_found (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  AccessOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  PhotosPhoto *photo = photos_store_photo_finish (op->app->store, result, &error);

  if (photo == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  op->access = g_new0 (PhotosAccess, 1);
  op->access->photo = photo;
  op->access->is_owner = op->caller->id != 0 && photo->owner_id == op->caller->id;
  /* Only the owner sees a pending direct upload (to follow or cancel it);
   * nobody sees one being deleted. */
  if (g_str_equal (photo->state, "deleting")
      || (!g_str_equal (photo->state, "ready") && !op->access->is_owner)
      || (!op->access->is_owner && photo->folder_id == 0))
    g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND, "No such photo.");
  else if (op->access->is_owner)
    g_task_return_pointer (task, g_steal_pointer (&op->access), (GDestroyNotify) photos_access_free);
  else
    folders_client_get_async (op->app->folders, photo->folder_id, op->caller->token,
                              op->caller->request_id, on_photo_folder_read, g_steal_pointer (&task));
}

static void
find_readable_async (PhotosApp *app, const CarreteCaller *caller, gint64 photo_id,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, NULL, callback, user_data);

  g_task_set_task_data (task, access_op_new (app, caller), access_op_free);
  photos_store_find (app->store, photo_id, on_photo_found, task);
}

void
photos_service_get_async (PhotosApp *app, const CarreteCaller *caller, gint64 photo_id,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  find_readable_async (app, caller, photo_id, callback, user_data);
}

PhotosAccess *
photos_service_get_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The photo, if the caller owns it; FORBIDDEN when they can only read it. */
static PhotosPhoto *
take_owned_photo (GAsyncResult *result, GError **error)
{
  g_autoptr (PhotosAccess) access = g_task_propagate_pointer (G_TASK (result), error);

  if (access == NULL)
    return NULL;
  if (!access->is_owner)
    {
      g_set_error_literal (error, CARRETE_ERROR, CARRETE_ERROR_FORBIDDEN,
                           "Only the owner may change or delete this photo.");
      return NULL;
    }
  return g_steal_pointer (&access->photo);
}

/* ---- rename and move ------------------------------------------------------------------ */

static void
on_updated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  AccessOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  PhotosPhoto *photo = photos_store_photo_finish (op->app->store, result, &error);

  if (photo != NULL)
    g_task_return_pointer (task, photo, (GDestroyNotify) photos_photo_free);
  else if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_CONFLICT))
    {
      g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_CONFLICT,
                               "The same image is already in that folder.");
      g_error_free (error);
    }
  else
    g_task_return_error (task, error);
}

static void
send_update (GTask *task)
{
  AccessOp *op = g_task_get_task_data (task);

  photos_store_update (op->app->store, op->access->photo->id, op->name, op->set_folder,
                       op->new_folder_id, on_updated, task);
}

static void
on_target_folder_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!photos_service_check_folder_finish (result, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  send_update (task);
}

static void
on_update_access (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  AccessOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  PhotosPhoto *photo = take_owned_photo (result, &error);
  const CarreteCaller *caller = op->caller;

  if (photo == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  op->access = g_new0 (PhotosAccess, 1);
  op->access->photo = photo;
  op->access->is_owner = TRUE;
  if (op->set_folder && op->new_folder_id != 0 && op->new_folder_id != photo->folder_id)
    photos_service_check_folder_async (op->app, caller, op->new_folder_id,
                                       on_target_folder_checked, task);
  else
    send_update (task);
}

void
photos_service_update_async (PhotosApp *app, const CarreteCaller *caller, gint64 photo_id,
                             const char *name, gboolean set_folder, gint64 folder_id,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, NULL, callback, user_data);
  AccessOp *op = access_op_new (app, caller);

  op->name = g_strdup (name);
  op->set_folder = set_folder;
  op->new_folder_id = folder_id;
  g_task_set_task_data (task, op, access_op_free);
  find_readable_async (app, caller, photo_id, on_update_access, task);
}

PhotosPhoto *
photos_service_update_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- delete ------------------------------------------------------------------------------ */

static void
on_removed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (!remove_photos_finish (result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_delete_claimed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  AccessOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  PhotosPhoto *photo = photos_store_photo_finish (op->app->store, result, &error);
  g_autoptr (GPtrArray) photos = g_ptr_array_new_with_free_func ((GDestroyNotify) photos_photo_free);

  if (photo == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  g_ptr_array_add (photos, photo);
  remove_photos_async (op->app, photos, on_removed, task);
}

static void
on_delete_access (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  AccessOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (PhotosPhoto) photo = take_owned_photo (result, &error);

  if (photo == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  photos_store_begin_delete (op->app->store, photo->id, on_delete_claimed, task);
}

static void
on_delete_found (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  AccessOp *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (PhotosPhoto) photo = photos_store_photo_finish (op->app->store, result, &error);
  const CarreteCaller *caller = op->caller;

  /* The owner's own photo, ready or half-deleted (a retry finishes the
   * job): no need to ask anyone. */
  if (photo != NULL && photo->owner_id == op->caller->id
      && !g_str_equal (photo->state, "pending"))
    photos_store_begin_delete (op->app->store, photo->id, on_delete_claimed, task);
  else if (photo == NULL && !g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
    }
  else
    find_readable_async (op->app, caller, op->folder_id, on_delete_access, task);
}

void
photos_service_delete_async (PhotosApp *app, const CarreteCaller *caller, gint64 photo_id,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, NULL, callback, user_data);
  AccessOp *op = access_op_new (app, caller);

  op->folder_id = photo_id; /* the photo to delete */
  g_task_set_task_data (task, op, access_op_free);
  photos_store_find (app->store, photo_id, on_delete_found, task);
}

gboolean
photos_service_delete_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- delete everything of an owner (or of one folder) ---------------------------------- */

typedef struct
{
  PhotosApp *app;
  gint64 owner_id;
  gint64 folder_id;
} BulkDelete;

static void claim_next_batch (GTask *task);

static void
on_batch_removed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!remove_photos_finish (result, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  claim_next_batch (task);
}

static void
on_batch_claimed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  BulkDelete *bulk = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (GPtrArray) photos = photos_store_photos_finish (bulk->app->store, result, &error);

  if (photos == NULL)
    g_task_return_error (task, error);
  else if (photos->len == 0)
    g_task_return_boolean (task, TRUE);
  else
    {
      remove_photos_async (bulk->app, photos, on_batch_removed, task);
      return;
    }
  g_object_unref (task);
}

static void
claim_next_batch (GTask *task)
{
  BulkDelete *bulk = g_task_get_task_data (task);

  photos_store_begin_delete_batch (bulk->app->store, bulk->owner_id, bulk->folder_id,
                                   DELETE_BATCH, on_batch_claimed, task);
}

void
photos_service_delete_all_async (PhotosApp *app, gint64 owner_id, gint64 folder_id,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, NULL, callback, user_data);
  BulkDelete *bulk = g_new0 (BulkDelete, 1);

  bulk->app = app;
  bulk->owner_id = owner_id;
  bulk->folder_id = folder_id;
  g_task_set_task_data (task, bulk, g_free);
  claim_next_batch (task);
}

gboolean
photos_service_delete_all_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- listing ------------------------------------------------------------------------------ */

typedef struct
{
  PhotosApp *app;
  CarreteCaller *caller;
  PhotosListRequest *request;
} ListOp;

static void
list_op_free (gpointer data)
{
  ListOp *op = data;

  g_clear_pointer (&op->caller, g_free);
  g_free (op);
}

static void
on_listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ListOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  GPtrArray *photos = photos_store_photos_finish (op->app->store, result, &error);

  if (photos == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, photos, (GDestroyNotify) g_ptr_array_unref);
}

static void
send_list (GTask *task)
{
  ListOp *op = g_task_get_task_data (task);

  photos_store_list (op->app->store, &op->request->query, on_listed, task);
}

static void
on_tag_folders (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  ListOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  GArray *ids = folders_client_ids_by_tags_finish (op->app->folders, result, &error);

  if (ids == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  g_clear_pointer (&op->request->query.folder_ids, g_array_unref);
  op->request->query.folder_ids = ids;
  if (ids->len == 0)
    {
      /* No folder carries those tags: nothing to list. */
      g_task_return_pointer (task, g_ptr_array_new (), (GDestroyNotify) g_ptr_array_unref);
      g_object_unref (task);
      return;
    }
  send_list (task);
}

/* How many tagged folders a photo search looks in, at most. */
#define MAX_TAG_FOLDERS 1000

static void
resolve_tags_then_list (GTask *task)
{
  ListOp *op = g_task_get_task_data (task);

  if (op->request->tags == NULL)
    {
      send_list (task);
      return;
    }
  if (op->caller->id == 0)
    {
      g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_UNAUTHORIZED,
                               "Filtering by tags needs a bearer token.");
      g_object_unref (task);
      return;
    }
  folders_client_ids_by_tags_async (op->app->folders, op->request->tags, op->request->match,
                                    MAX_TAG_FOLDERS, op->caller->token, op->caller->request_id,
                                    on_tag_folders, task);
}

static void
on_listed_folder (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  ListOp *op = g_task_get_task_data (task);
  FoldersFolder folder = { 0 };
  GError *error = NULL;

  if (!folders_client_get_finish (op->app->folders, result, &folder, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  /* carrete-folders only shows the caller a folder they may read. */
  op->request->query.owner_id = folder.owner_id;
  resolve_tags_then_list (task);
}

void
photos_service_list_async (PhotosApp *app, const CarreteCaller *caller, PhotosListRequest *request,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, NULL, callback, user_data);
  ListOp *op = g_new0 (ListOp, 1);

  op->app = app;
  op->caller = carrete_caller_dup (caller);
  op->request = request;
  g_task_set_task_data (task, op, list_op_free);
  if (request->query.folder_id != 0)
    folders_client_get_async (app->folders, request->query.folder_id, op->caller->token,
                              op->caller->request_id, on_listed_folder, task);
  else if (caller->id == 0)
    {
      g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_UNAUTHORIZED,
                               "Listing photos needs a bearer token, or a public folder_id.");
      g_object_unref (task);
    }
  else
    {
      request->query.owner_id = caller->id;
      resolve_tags_then_list (task);
    }
}

GPtrArray *
photos_service_list_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- the sweeper ----------------------------------------------------------------------------- */

static gboolean sweeping;

static void
on_swept (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!remove_photos_finish (result, &error))
    g_message ("sweep unfinished, will retry: %s", error->message);
  sweeping = FALSE;
}

static void
on_sweep_claimed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PhotosApp *app = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) photos = photos_store_photos_finish (app->store, result, &error);

  if (photos == NULL)
    {
      g_debug ("sweep skipped: %s", error->message);
      sweeping = FALSE;
      return;
    }
  if (photos->len > 0)
    g_message ("sweeping %u unfinished uploads or deletions", photos->len);
  remove_photos_async (app, photos, on_swept, NULL);
}

void
photos_service_sweep (PhotosApp *app)
{
  if (sweeping)
    return;
  sweeping = TRUE;
  photos_store_begin_sweep (app->store, SWEEP_BATCH, on_sweep_claimed, app);
}
