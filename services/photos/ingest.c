#define G_LOG_DOMAIN "carrete-photos-service"

/* The ingest pipeline, a part of the photos service (streamed uploads, and
 * direct uploads from their pending row to ready); the rest is in service.c.
 * It ends when the original is stored and the photo ready, with its
 * thumbnails job queued in the same statement (jobs.c runs it). */

#include "service.h"
#include "service-private.h"

#include <glib/gstdio.h>
#include <sodium.h>

#include "carrete-error.h"
#include "carrete-quota-error.h"
#include "carrete-sha256.h"
#include "jobs.h"
#include "upload.h"

/* A streamed upload's row, from its admission until ready: as long as the
 * longest body should take to arrive (a crashed one's objects wait that
 * long for the sweeper). */
#define PENDING_STREAMED_SECONDS (6 * 3600)
/* A pending direct upload outlives its PUT URL by this much, for a PUT
 * that finished just in time: the URL's own lifetime, at most 5 minutes. */
#define DIRECT_GRACE_SECONDS(app) MIN ((app)->url_ttl, 300u)
/* A complete's claim of its pending row, if it dies without releasing it. */
#define COMPLETE_CLAIM_SECONDS 300

/* ---- the ingest pipeline (streamed upload, and complete of a direct one) ------- */

typedef struct
{
  PhotosApp *app;
  gboolean direct;        /* the original is already in storage */
  gint64 owner_id;
  CarreteCaller *caller;          /* complete: asks carrete-folders as the caller */
  gint64 folder_id;
  char *name;
  PhotosUpload *upload;   /* streamed: the request's (it outlives the pipeline) */
  char *object_prefix;    /* streamed: where the upload put the original */
  gboolean stored;        /* streamed: the original is in place */
  guint64 size;
  char *sha256;
  PhotosType type;
  PhotosPhoto *photo; /* the pending row (streamed: reserved at admission) */
  PhotosPhoto *duplicate;
  GError *failure;        /* kept while the pending row is discarded */
  gboolean url_expired;   /* complete: the PUT URL can no longer be used */
  gboolean assembled;     /* a resumable upload's: its upload is gone, so any failure discards */
  gboolean claimed;       /* complete: this complete holds the pending row */
  void (*then) (GTask *task); /* after the worker step under way */
} Pipeline;

static void
pipeline_free (gpointer data)
{
  Pipeline *p = data;

  g_clear_pointer (&p->caller, g_free);
  g_free (p->object_prefix);
  g_free (p->name);
  g_free (p->sha256);
  photos_photo_free (p->photo);
  photos_photo_free (p->duplicate);
  g_clear_error (&p->failure);
  g_free (p);
}

static void
pipeline_fail (GTask *task, GError *error);

/* complete of a direct upload: the client PUT to the staging key, which
 * its URL can write again until it expires.  The bytes are copied to the
 * original's key, which no URL can write, and the copy is what is checked;
 * so a PUT replayed after complete never changes a checked photo.  No
 * staging object: an earlier complete copied it already (and then failed
 * to make the photo ready), or nothing arrived. */
static gboolean
take_staged_upload (Pipeline *p, const char *original, gboolean *copied, GError **error)
{
  g_autofree char *staging = photos_key_staging (p->photo->object_prefix);
  g_autoptr (GError) local = NULL;

  *copied = carrete_storage_copy (p->app->storage, staging, original, NULL, &local);
  if (*copied || g_error_matches (local, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND))
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

/* The staging object's bytes are the original's now: a replay (or this)
 * left over is the staging sweep's. */
static void
drop_staged_upload (Pipeline *p)
{
  g_autofree char *staging = photos_key_staging (p->photo->object_prefix);
  g_autoptr (GError) error = NULL;

  if (!carrete_storage_delete (p->app->storage, staging, &error))
    g_message ("staging object %s left to the sweeper: %s", staging, error->message);
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
  guint64 read_size = 0;
  g_autoptr (GError) local = NULL;
  gboolean copied = FALSE;
  PhotosType sniffed;

  if (!p->assembled && !take_staged_upload (p, key, &copied, error))
    return FALSE;
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
  /* Read through once, kept nowhere: the thumbnails job fetches it again
   * when it needs the pixels. */
  if (!carrete_storage_digest (storage, key, (guint64) p->photo->size, head, sizeof head, sha256,
                               &read_size, NULL, error))
    return FALSE;
  sniffed = photos_sniff (head, MIN (sizeof head, info.size));
  if (sniffed == PHOTOS_TYPE_UNKNOWN || sniffed != photos_type_from_mime (p->photo->content_type))
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_UNSUPPORTED,
                   "The uploaded file is not a %s image.", p->photo->content_type);
      return FALSE;
    }
  p->type = sniffed;
  p->size = read_size;
  p->sha256 = g_strdup (sha256);
  if (copied)
    drop_staged_upload (p);
  return TRUE;
}

static void
fetch_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  gboolean ok = fetch_direct_upload (data, &error);

  carrete_op_return_ok (task, ok, error);
}

/* Steps.  Each continues on the main loop.
 *
 *   streamed:  (pending row reserved at admission, before any byte)
 *              original in place (its last part) → duplicate? → the row's
 *              name, folder, exact size → ready + job
 *   complete:  fetch (size, type, SHA-256) → duplicate? → ready + job
 *
 * Nothing decodes the image here: the thumbnails job does, after the
 * answer (the photo's thumbnails are `pending` until then). */
static void pipeline_check_duplicate (GTask *task);
static void pipeline_settle (GTask *task);
static void pipeline_mark_ready (GTask *task);

/* The end of a step on a worker: a failure ends the pipeline, success goes
 * on with the step it named. */
static void
on_worker_step_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Pipeline *p = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    pipeline_fail (task, error);
  else
    p->then (task);
}

static void
run_worker_step (GTask *task, GTaskThreadFunc func, void (*then) (GTask *task))
{
  Pipeline *p = g_task_get_task_data (task);

  p->then = then;
  run_step_on_worker (p->app, task, p, func, on_worker_step_done);
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
    pipeline_mark_ready (task);
  else
    pipeline_settle (task);
}

static void
pipeline_check_duplicate (GTask *task)
{
  Pipeline *p = g_task_get_task_data (task);

  photos_store_find_duplicate (p->app->store, p->owner_id, p->folder_id, p->sha256,
                               g_task_get_cancellable (task), on_duplicate_checked, task);
}

/* The settle found no row to admit: over quota, or the row is no longer
 * pending (the sweeper or a folder's deletion took it). */
static void
on_settle_refusal_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Pipeline *p = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (PhotosPhoto) row = photos_store_photo_finish (p->app->store, result, &error);
  GError *refusal = g_steal_pointer (&p->failure);

  if (row != NULL && row->state == PHOTOS_STATE_PENDING)
    {
      gint64 quota_bytes = 0, usage_bytes = 0;

      /* The numbers as the account will be once this upload's reservation
       * is gone: what it uses without it, and the whole file. */
      if (carrete_quota_error_get (refusal, &quota_bytes, &usage_bytes))
        {
          g_error_free (refusal);
          refusal = carrete_quota_error_new (quota_bytes, usage_bytes - row->size, (gint64)p->size);
        }
      pipeline_fail (task, refusal);
      return;
    }
  g_error_free (refusal);
  pipeline_fail (task, g_error_new_literal (CARRETE_ERROR, CARRETE_ERROR_GONE,
                                            "The upload expired before it was complete."));
}

static void
on_settled (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Pipeline *p = g_task_get_task_data (task);
  GError *error = NULL;
  PhotosPhoto *settled = photos_store_insert_pending_finish (result, &error);

  if (settled == NULL && g_error_matches (error, CARRETE_QUOTA_ERROR, CARRETE_QUOTA_ERROR_EXCEEDED))
    {
      p->failure = error;
      photos_store_find (p->app->store, p->photo->id, NULL, on_settle_refusal_checked, task);
      return;
    }
  if (settled == NULL)
    {
      pipeline_fail (task, error);
      return;
    }
  photos_photo_free (p->photo);
  p->photo = settled;
  pipeline_mark_ready (task);
}

static void
pipeline_settle (GTask *task)
{
  Pipeline *p = g_task_get_task_data (task);

  photos_store_settle_pending (
      p->app->store, p->photo, p->folder_id, p->name, photos_type_mime (p->type), (gint64)p->size,
      p->app->default_quota_bytes, g_task_get_cancellable (task), on_settled, task);
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
  photos_jobs_wake ();
  g_task_return_pointer (task, ready, (GDestroyNotify) photos_photo_free);
  g_object_unref (task);
}

static void
pipeline_mark_ready (GTask *task)
{
  Pipeline *p = g_task_get_task_data (task);

  photos_store_mark_ready (p->app->store, p->photo->id, photos_type_mime (p->type),
                           (gint64) p->size, p->sha256, g_task_get_cancellable (task),
                           on_marked_ready, task);
}

/* ---- failure: discard what exists, then answer ---------------------------------- */

static void
finish_failure (GTask *task)
{
  Pipeline *p = g_task_get_task_data (task);

  g_task_return_error (task, g_steal_pointer (&p->failure));
  g_object_unref (task);
}

/* Whatever could not be removed now is a `deleting` row the sweeper
 * finishes; the client's answer is about its own request. */
static void
note_discarded (GAsyncResult *result)
{
  g_autoptr (GError) error = NULL;

  if (!remove_photos_finish (result, &error))
    g_message ("clean-up after a failed upload is left to the sweeper: %s", error->message);
}

static void
on_discarded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  note_discarded (result);
  finish_failure (user_data);
}

static void delete_original_in_thread (GTask *task, gpointer source, gpointer data,
                                       GCancellable *cancellable);
static void on_original_deleted (GObject *source, GAsyncResult *result, gpointer user_data);

static void
on_discard_claimed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Pipeline *p = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (PhotosPhoto) claimed = photos_store_photo_finish (p->app->store, result, &error);
  g_autoptr (GPtrArray) photos = g_ptr_array_new_with_free_func ((GDestroyNotify) photos_photo_free);

  if (claimed == NULL && p->stored && !p->direct)
    {
      /* The row is gone: the original just stored is this upload's alone. */
      run_step_on_worker (p->app, task, p, delete_original_in_thread, on_original_deleted);
      return;
    }
  if (claimed == NULL)
    {
      finish_failure (task); /* the pending row's deadline lets the sweeper have it */
      return;
    }
  g_ptr_array_add (photos, g_steal_pointer (&claimed));
  remove_photos_async (p->app, photos, on_discarded, task);
}

/* A streamed original whose row is gone (the sweeper took it, perhaps
 * before the original was in place). */
static void
delete_original_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Pipeline *p = data;
  g_autofree char *key = photos_key_original (p->object_prefix);
  GError *error = NULL;
  gboolean ok = carrete_storage_delete (p->app->storage, key, &error);

  carrete_op_return_ok (task, ok, error);
}

static void
on_original_deleted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Pipeline *p = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_warning ("the original %s/original of a failed upload is left in storage: %s",
               p->object_prefix, error->message);
  p->stored = FALSE;
  finish_failure (task);
}

static void
on_complete_released (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Pipeline *p = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  /* Unreleased, the claim runs out by itself. */
  if (photos_store_changed_finish (p->app->store, result, &error) < 0)
    g_message ("a complete's claim is left to run out: %s", error->message);
  finish_failure (task);
}

/* A direct upload that fails verification keeps its pending row (the
 * client may PUT again until the URL expires) unless it is a duplicate;
 * a streamed one never leaves anything behind.  (Not every conflict is a
 * duplicate: "not arrived yet" must keep the row, or the PUT that follows
 * leaves an object no row knows of.)  A client that hung up is a failure
 * like any other (G_IO_ERROR_CANCELLED), so the discard is never
 * cancellable: it is what removes the objects already stored. */
static void
pipeline_fail (GTask *task, GError *error)
{
  Pipeline *p = g_task_get_task_data (task);
  gboolean keep = p->direct && p->duplicate == NULL && !p->assembled;
  gboolean row_lost = !p->direct && g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_GONE);

  g_clear_error (&p->failure);
  p->failure = error;
  if (p->stored && (p->photo == NULL || row_lost))
    {
      run_step_on_worker (p->app, task, p, delete_original_in_thread, on_original_deleted);
      return;
    }
  if (p->photo != NULL && keep && p->claimed)
    {
      /* The client may PUT again and complete at once. */
      photos_store_release_complete (p->app->store, p->photo->id, on_complete_released, task);
      return;
    }
  if (p->photo == NULL || keep
      || g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_GONE))
    {
      finish_failure (task);
      return;
    }
  photos_store_begin_delete (p->app->store, p->photo->id, NULL, on_discard_claimed, task);
}

static PhotosPhoto *
pipeline_finish (GAsyncResult *result, PhotosPhoto **duplicate, GError **error)
{
  Pipeline *p = g_task_get_task_data (G_TASK (result));

  if (duplicate != NULL)
    *duplicate = g_steal_pointer (&p->duplicate);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_original_stored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Pipeline *p = g_task_get_task_data (task);
  GError *error = NULL;

  if (!photos_upload_store_finish (result, &error))
    {
      pipeline_fail (task, error);
      return;
    }
  p->stored = TRUE;
  pipeline_check_duplicate (task);
}

void
photos_service_ingest_async (PhotosApp *app, PhotosNewPhoto *upload, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  Pipeline *p = g_new0 (Pipeline, 1);
  GTask *task = carrete_op_new (p, pipeline_free, photos_service_ingest_async, cancellable,
                                callback, user_data);

  p->app = app;
  p->owner_id = upload->owner_id;
  p->folder_id = upload->folder_id;
  p->name = g_strdup (upload->name);
  p->upload = upload->upload;
  p->object_prefix = g_strdup (photos_upload_get_object_prefix (upload->upload));
  p->size = photos_upload_get_size (upload->upload);
  p->sha256 = g_strdup (photos_upload_get_sha256 (upload->upload));
  p->type = photos_upload_get_type (upload->upload);
  p->photo = photos_upload_take_row (upload->upload);
  if (p->photo == NULL)
    {
      /* Never admitted: nothing of it may be stored (the upload removes
       * what its sink sent). */
      pipeline_fail (task, g_error_new_literal (CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                                                "The upload was not admitted."));
      return;
    }
  photos_upload_store_async (p->upload, cancellable, on_original_stored, task);
}

/* ---- a streamed upload's reserved row --------------------------------------------- */

static void on_pending_created (GObject *source, GAsyncResult *result, gpointer user_data);

void
photos_service_reserve_streamed_async (PhotosApp *app, gint64 owner_id, gint64 folder_id,
                                       const char *object_prefix, guint64 least_size,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  GTask *task = carrete_op_new (app, NULL, photos_service_reserve_streamed_async, cancellable,
                                callback, user_data);

  /* The name and type are placeholders until the body says (the settle);
   * no client sees a pending row. */
  photos_store_insert_pending (app->store, owner_id, folder_id, "upload", object_prefix,
                               "application/octet-stream", (gint64)least_size,
                               PENDING_STREAMED_SECONDS, app->default_quota_bytes, cancellable,
                               on_pending_created, task);
}

PhotosPhoto *
photos_service_reserve_streamed_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_abandoned (GObject *source, GAsyncResult *result, gpointer user_data)
{
  note_discarded (result);
}

static void
on_abandon_claimed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PhotosApp *app = user_data;
  g_autoptr (GError) error = NULL;
  PhotosPhoto *claimed = photos_store_photo_finish (app->store, result, &error);
  g_autoptr (GPtrArray) photos = g_ptr_array_new_with_free_func ((GDestroyNotify)photos_photo_free);

  /* Unclaimed, the row's deadline lets the sweeper have it. */
  if (claimed == NULL)
    {
      g_message ("a failed upload's row is left to the sweeper: %s", error->message);
      return;
    }
  g_ptr_array_add (photos, claimed);
  remove_photos_async (app, photos, on_abandoned, NULL);
}

void
photos_service_abandon_streamed (PhotosPhoto *row, gpointer app)
{
  g_autoptr (PhotosPhoto) owned = row;

  photos_store_begin_delete (((PhotosApp *)app)->store, owned->id, NULL, on_abandon_claimed, app);
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
  GError *error = NULL;
  PhotosPhoto *photo = photos_store_insert_pending_finish (result, &error);

  if (photo == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, photo, (GDestroyNotify) photos_photo_free);
}

void
photos_service_create_pending_async (PhotosApp *app, gint64 owner_id, gint64 folder_id,
                                     const char *name, PhotosType type, guint64 size,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  GTask *task = carrete_op_new (app, NULL, photos_service_create_pending_async, cancellable,
                                callback, user_data);
  g_autofree char *prefix = photos_new_object_prefix ();

  /* Cancelled just as it committed, the row is pending and nobody has its
   * URL: the sweeper takes it at its deadline. */
  photos_store_insert_pending (
      app->store, owner_id, folder_id, name, prefix, photos_type_mime (type), (gint64) size,
      app->url_ttl + DIRECT_GRACE_SECONDS (app), app->default_quota_bytes, cancellable,
      on_pending_created, task);
}

PhotosPhoto *
photos_service_create_pending_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
fetch_upload (GTask *task)
{
  run_worker_step (task, fetch_in_thread, pipeline_check_duplicate);
}

static void
on_complete_folder_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!photos_service_check_folder_finish (result, &error))
    pipeline_fail (task, error);
  else
    fetch_upload (task);
}

static void complete_pending (GTask *task);

static void
on_complete_claimed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Pipeline *p = g_task_get_task_data (task);
  GError *error = NULL;
  gint64 claimed = photos_store_changed_finish (p->app->store, result, &error);

  if (claimed == 0)
    error = g_error_new_literal (CARRETE_ERROR, CARRETE_ERROR_CONFLICT,
                                 "Another complete of this upload is under way.");
  if (error != NULL)
    {
      g_clear_pointer (&p->photo, photos_photo_free); /* nothing to discard */
      pipeline_fail (task, error);
      return;
    }
  p->claimed = TRUE;
  complete_pending (task);
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
  else if (p->photo != NULL && p->photo->state == PHOTOS_STATE_READY)
    error = g_error_new_literal (CARRETE_ERROR, CARRETE_ERROR_CONFLICT,
                                 "This upload is already complete.");
  else if (p->photo != NULL && p->photo->state == PHOTOS_STATE_DELETING)
    error = g_error_new_literal (CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND, "No such photo.");
  else if (p->photo != NULL && p->photo->expired)
    error = g_error_new_literal (CARRETE_ERROR, CARRETE_ERROR_GONE,
                                 "This upload expired; start a new one.");
  if (error != NULL)
    {
      g_clear_pointer (&p->photo, photos_photo_free); /* nothing to discard */
      pipeline_fail (task, error);
      return;
    }
  /* The row outlives its URL by a grace period, for a PUT that finished
   * just in time. */
  p->url_expired = p->photo->url_expired;
  photos_store_claim_complete (p->app->store, p->photo->id, COMPLETE_CLAIM_SECONDS,
                               g_task_get_cancellable (task), on_complete_claimed, task);
}

/* From the pending row on, the direct upload's complete and the resumable
 * one's are the same. */
static void
complete_pending (GTask *task)
{
  Pipeline *p = g_task_get_task_data (task);

  p->folder_id = p->photo->folder_id;
  /* The folder may have gone (an empty-looking folder is deletable while
   * an upload into it is pending): ask again, as every put into a folder
   * does, so that no photo becomes ready in a folder that is not there. */
  if (p->folder_id != 0)
    {
      const CarreteCaller *caller = p->caller;
      photos_service_check_folder_async (p->app, caller, p->folder_id,
                                         g_task_get_cancellable (task), on_complete_folder_checked,
                                         task);
      return;
    }
  fetch_upload (task);
}

void
photos_service_complete_async (PhotosApp *app, const CarreteCaller *caller, gint64 photo_id,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data)
{
  Pipeline *p = g_new0 (Pipeline, 1);
  GTask *task = carrete_op_new (p, pipeline_free, photos_service_complete_async, cancellable,
                                callback, user_data);

  p->app = app;
  p->direct = TRUE;
  p->owner_id = caller->id;
  p->caller = carrete_caller_dup (caller);
  photos_store_find_pending_upload (app->store, photo_id, DIRECT_GRACE_SECONDS (app), cancellable,
                                    on_complete_found, task);
}

PhotosPhoto *
photos_service_complete_finish (GAsyncResult *result, PhotosPhoto **duplicate, GError **error)
{
  return pipeline_finish (result, duplicate, error);
}

/* ---- resumable uploads: the assembled object (resumable.c) ------------------------- */

void
photos_service_complete_assembled_async (PhotosApp *app, const CarreteCaller *caller,
                                         PhotosPhoto *pending, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data)
{
  Pipeline *p = g_new0 (Pipeline, 1);
  GTask *task = carrete_op_new (p, pipeline_free, photos_service_complete_assembled_async,
                                cancellable, callback, user_data);

  p->app = app;
  p->direct = TRUE;
  p->assembled = TRUE;
  p->owner_id = caller->id;
  p->caller = carrete_caller_dup (caller);
  p->photo = pending;
  complete_pending (task);
}

PhotosPhoto *
photos_service_complete_assembled_finish (GAsyncResult *result, PhotosPhoto **duplicate,
                                          GError **error)
{
  return pipeline_finish (result, duplicate, error);
}
