#define G_LOG_DOMAIN "carrete-photos-resumable"

/* Resumable uploads, the service side (see resumable.h).
 *
 *   create    multipart create → row (open, expires after CARRETE_UPLOAD_TTL)
 *   complete  row (open) → list_parts + check → claim (completing) →
 *             multipart complete → row becomes a pending photo (one
 *             statement) → the direct upload's complete (ingest.c)
 *   abort     claim (aborting) → multipart abort → row removed
 *   sweep     expired rows of any state → aborting → multipart abort and
 *             the original removed → rows removed
 *
 * A step that fails leaves a state the sweeper finishes: never an object
 * without a row that will remove it. */

#include "resumable.h"

#include "carrete-error.h"
#include "carrete-op.h"
#include "service-private.h"
#include "service.h"

/* A complete under way has this long before the sweeper may abort it. */
#define COMPLETING_SECONDS 3600
/* The pending photo a completed upload becomes, until it is ready. */
#define ASSEMBLED_PENDING_SECONDS 3600
#define SWEEP_BATCH 100

typedef struct
{
  PhotosApp *app;
  CarreteCaller *caller;
  gint64 owner_id;
  gint64 upload_id;
  PhotosUploadRow *row;
  PhotosNewUploadRow fresh; /* create */
  char *prefix;
  char *storage_upload_id;
  GPtrArray *held;    /* CarreteUploadPart *, from list_parts */
  GArray *listed;     /* PhotosListedPart, complete */
  GPtrArray *expired; /* PhotosUploadRow *, sweep */
  PhotosPhoto *duplicate;
  GAsyncReadyCallback after_listing; /* status, complete: once list_parts answered */
  guint bad_part;
  GError *failure;
} Op;

static void
op_free (gpointer data)
{
  Op *op = data;

  g_clear_pointer (&op->caller, g_free);
  photos_upload_row_free (op->row);
  g_free ((char *) op->fresh.name);
  g_free (op->prefix);
  g_free (op->storage_upload_id);
  g_clear_pointer (&op->held, g_ptr_array_unref);
  g_clear_pointer (&op->listed, g_array_unref);
  g_clear_pointer (&op->expired, g_ptr_array_unref);
  photos_photo_free (op->duplicate);
  g_clear_error (&op->failure);
  g_free (op);
}

static Op *
op_new (PhotosApp *app, gint64 owner_id, gint64 upload_id)
{
  Op *op = g_new0 (Op, 1);

  op->app = app;
  op->owner_id = owner_id;
  op->upload_id = upload_id;
  return op;
}

static char *
upload_key (const PhotosUploadRow *row)
{
  return photos_key_original (row->object_prefix);
}

static void
return_row (GTask *task)
{
  Op *op = g_task_get_task_data (task);

  g_task_return_pointer (task, g_steal_pointer (&op->row), (GDestroyNotify) photos_upload_row_free);
  g_object_unref (task);
}

static void
fail (GTask *task, GError *error)
{
  g_task_return_error (task, error);
  g_object_unref (task);
}

/* ---- create ------------------------------------------------------------------------------ */

static void
create_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Op *op = data;
  g_autofree char *key = photos_key_original (op->prefix);
  GError *error = NULL;

  op->storage_upload_id
      = carrete_storage_multipart_create (op->app->storage, key, op->fresh.content_type, &error);
  carrete_op_return_ok (task, op->storage_upload_id != NULL, error);
}

static void
abort_new_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Op *op = data;
  g_autofree char *key = photos_key_original (op->prefix);
  GError *error = NULL;
  gboolean ok
      = carrete_storage_multipart_abort (op->app->storage, key, op->storage_upload_id, &error);

  carrete_op_return_ok (task, ok, error);
}

static void
on_new_aborted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_warning ("a multipart upload without its row is left for the store's own expiry: %s",
               error->message);
  fail (task, g_steal_pointer (&op->failure));
}

static void
on_row_inserted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  op->row = photos_uploads_insert_finish (result, &error);
  if (op->row != NULL)
    {
      return_row (task);
      return;
    }
  /* No row will ever point at the multipart upload: abort it now. */
  op->failure = error;
  run_step_on_worker (op->app, task, op, abort_new_in_thread, on_new_aborted);
}

static void
on_multipart_created (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      fail (task, error);
      return;
    }
  op->fresh.object_prefix = op->prefix;
  op->fresh.storage_upload_id = op->storage_upload_id;
  /* Not cancellable: a row that commits as the client hangs up is the
   * sweeper's at its deadline, but a multipart upload without a row is
   * nobody's. */
  photos_uploads_insert (op->app->db, &op->fresh, op->app->default_quota_bytes, NULL,
                         on_row_inserted, task);
}

void
photos_resumable_create_async (PhotosApp *app, gint64 owner_id, gint64 folder_id, const char *name,
                               PhotosType type, guint64 size, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op = op_new (app, owner_id, 0);
  GTask *task = carrete_op_new (op, op_free, photos_resumable_create_async, cancellable, callback,
                                user_data);

  op->prefix = photos_new_object_prefix ();
  op->fresh.owner_id = owner_id;
  op->fresh.folder_id = folder_id;
  op->fresh.name = g_strdup (name);
  op->fresh.content_type = photos_type_mime (type);
  op->fresh.size = (gint64) size;
  op->fresh.part_size = (gint64) photos_resumable_part_size (size);
  op->fresh.part_count = photos_resumable_part_count (size, (guint64) op->fresh.part_size);
  op->fresh.expires_in = app->upload_ttl;
  run_step_on_worker (app, task, op, create_in_thread, on_multipart_created);
}

PhotosUploadRow *
photos_resumable_create_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- find and status -------------------------------------------------------------------- */

static void
on_found (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  op->row = photos_uploads_row_finish (op->app->db, result, &error);
  if (op->row == NULL)
    fail (task, error);
  else
    return_row (task);
}

void
photos_resumable_find_async (PhotosApp *app, gint64 owner_id, gint64 upload_id,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  Op *op = op_new (app, owner_id, upload_id);
  GTask *task
      = carrete_op_new (op, op_free, photos_resumable_find_async, cancellable, callback, user_data);

  photos_uploads_find_open (app->db, upload_id, owner_id, cancellable, on_found, task);
}

PhotosUploadRow *
photos_resumable_find_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
list_parts_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Op *op = data;
  g_autofree char *key = upload_key (op->row);
  GError *error = NULL;

  op->held = carrete_storage_multipart_list_parts (op->app->storage, key,
                                                   op->row->storage_upload_id, &error);
  /* The store lost it (its own expiry): gone for the client too. */
  if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND))
    {
      g_clear_error (&error);
      error = g_error_new_literal (CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND, "No such upload.");
    }
  carrete_op_return_ok (task, op->held != NULL, error);
}

static void
on_status_listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    fail (task, error);
  else
    return_row (task);
}

/* The open upload found, the store is asked for its parts. */
static void
on_found_list_parts (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  op->row = photos_uploads_row_finish (op->app->db, result, &error);
  if (op->row == NULL)
    fail (task, error);
  else
    run_step_on_worker (op->app, task, op, list_parts_in_thread, op->after_listing);
}

void
photos_resumable_status_async (PhotosApp *app, gint64 owner_id, gint64 upload_id,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data)
{
  Op *op = op_new (app, owner_id, upload_id);
  GTask *task = carrete_op_new (op, op_free, photos_resumable_status_async, cancellable, callback,
                                user_data);

  op->after_listing = on_status_listed;
  photos_uploads_find_open (app->db, upload_id, owner_id, cancellable, on_found_list_parts, task);
}

PhotosUploadRow *
photos_resumable_status_finish (GAsyncResult *result, GPtrArray **parts, GError **error)
{
  Op *op = g_task_get_task_data (G_TASK (result));
  PhotosUploadRow *row = g_task_propagate_pointer (G_TASK (result), error);

  if (row != NULL)
    *parts = g_steal_pointer (&op->held);
  return row;
}

char *
photos_resumable_part_url (PhotosApp *app, const PhotosUploadRow *upload, guint number, gint64 now,
                           GError **error)
{
  g_autofree char *key = upload_key (upload);
  guint64 length
      = photos_resumable_part_length ((guint64) upload->size, (guint64) upload->part_size, number);

  return carrete_storage_multipart_presign_part (app->storage, key, upload->storage_upload_id,
                                                 number, length, now, app->url_ttl, error);
}

/* ---- complete ---------------------------------------------------------------------------- */

static void
on_released (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  /* Not released: still `completing`, which the sweeper aborts at its
   * deadline; the client's answer is about its own request. */
  if (carrete_db_count_finish (op->app->db, result, &error) < 0)
    g_message ("a failed complete stays claimed until the sweeper: %s", error->message);
  fail (task, g_steal_pointer (&op->failure));
}

/* The assembly failed before anything was stored: the upload is open
 * again with its old deadline, so the client can fix it and retry. */
static void
release_and_fail (GTask *task, GError *error)
{
  Op *op = g_task_get_task_data (task);

  op->failure = error;
  photos_uploads_release (op->app->db, op->row->id, op->row->expires_at, on_released, task);
}

static void
on_assembled_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;
  PhotosPhoto *photo = photos_service_complete_assembled_finish (result, &op->duplicate, &error);

  if (photo == NULL)
    fail (task, error);
  else
    {
      g_task_return_pointer (task, photo, (GDestroyNotify) photos_photo_free);
      g_object_unref (task);
    }
}

static void
on_became_photo (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;
  PhotosPhoto *pending = photos_store_photo_finish (op->app->store, result, &error);

  if (pending == NULL)
    {
      /* The upload row is still `completing`: the sweeper removes it and
       * the assembled object at its deadline. */
      fail (task, error);
      return;
    }
  photos_service_complete_assembled_async (op->app, op->caller, pending,
                                           g_task_get_cancellable (task), on_assembled_ready, task);
}

static void
assemble_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Op *op = data;
  g_autofree char *key = upload_key (op->row);
  g_autofree CarreteUploadPart *parts = g_new0 (CarreteUploadPart, op->held->len);
  GError *error = NULL;
  gboolean ok;

  /* The checked listing, in order; its etags are the listed ones. */
  for (guint i = 0; i < op->held->len; i++)
    parts[i] = *(CarreteUploadPart *) op->held->pdata[i];
  ok = carrete_storage_multipart_complete (op->app->storage, key, op->row->storage_upload_id, parts,
                                           op->held->len, NULL, &error);
  carrete_op_return_ok (task, ok, error);
}

static void
on_assembled (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* A part replaced since the check: the client's to fix. */
      release_and_fail (task, error);
      return;
    }
  /* From here on the object exists: no cancellable, so that the row always
   * becomes the photo that owns it. */
  photos_store_insert_from_upload (op->app->store, op->row->id, ASSEMBLED_PENDING_SECONDS, NULL,
                                   on_became_photo, task);
}

static void
on_claimed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;
  PhotosUploadRow *claimed = photos_uploads_row_finish (op->app->db, result, &error);

  if (claimed == NULL)
    {
      fail (task, error); /* completed, aborted or expired meanwhile: 404 */
      return;
    }
  /* Released with the deadline it had before the claim. */
  claimed->expires_at = op->row->expires_at;
  photos_upload_row_free (op->row);
  op->row = claimed;
  run_step_on_worker (op->app, task, op, assemble_in_thread, on_assembled);
}

static void
on_complete_listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error)
      || !photos_resumable_check_parts ((guint64) op->row->size, (guint64) op->row->part_size,
                                        op->listed, op->held, &op->bad_part, &error))
    {
      fail (task, error);
      return;
    }
  photos_uploads_claim_complete (op->app->db, op->row->id, op->owner_id, COMPLETING_SECONDS,
                                 g_task_get_cancellable (task), on_claimed, task);
}

void
photos_resumable_complete_async (PhotosApp *app, const CarreteCaller *caller, gint64 upload_id,
                                 GArray *listed, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op = op_new (app, caller->id, upload_id);
  GTask *task = carrete_op_new (op, op_free, photos_resumable_complete_async, cancellable, callback,
                                user_data);

  op->caller = carrete_caller_dup (caller);
  op->listed = listed;
  op->after_listing = on_complete_listed;
  photos_uploads_find_open (app->db, upload_id, caller->id, cancellable, on_found_list_parts, task);
}

PhotosPhoto *
photos_resumable_complete_finish (GAsyncResult *result, PhotosPhoto **duplicate, guint *bad_part,
                                  GError **error)
{
  Op *op = g_task_get_task_data (G_TASK (result));

  *duplicate = g_steal_pointer (&op->duplicate);
  *bad_part = op->bad_part;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- abort and sweep ---------------------------------------------------------------------- */

/* Aborts each upload and removes what a complete may have assembled. */
static void
abort_all_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Op *op = data;
  GError *error = NULL;
  gboolean ok = TRUE;

  for (guint i = 0; ok && i < op->expired->len; i++)
    {
      const PhotosUploadRow *row = op->expired->pdata[i];
      g_autofree char *key = upload_key (row);

      ok = carrete_storage_multipart_abort (op->app->storage, key, row->storage_upload_id, &error)
           && (g_strcmp0 (row->state, "open") == 0
               || carrete_storage_delete (op->app->storage, key, &error));
    }
  carrete_op_return_ok (task, ok, error);
}

static void
on_rows_removed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (carrete_db_count_finish (op->app->db, result, &error) < 0)
    fail (task, error);
  else
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }
}

static void
on_all_aborted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      fail (task, error); /* the rows stay `aborting`: the sweeper retries */
      return;
    }
  for (guint i = 0; i < op->expired->len; i++)
    g_array_append_val (ids, ((PhotosUploadRow *) op->expired->pdata[i])->id);
  photos_uploads_delete_rows (op->app->db, ids, on_rows_removed, task);
}

static void
abort_rows (GTask *task)
{
  Op *op = g_task_get_task_data (task);

  if (op->expired->len == 0)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  run_step_on_worker (op->app, task, op, abort_all_in_thread, on_all_aborted);
}

static void
on_abort_claimed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;
  PhotosUploadRow *row = photos_uploads_row_finish (op->app->db, result, &error);

  if (row == NULL)
    {
      fail (task, error);
      return;
    }
  op->expired = g_ptr_array_new_with_free_func ((GDestroyNotify) photos_upload_row_free);
  g_ptr_array_add (op->expired, row);
  abort_rows (task);
}

void
photos_resumable_abort_async (PhotosApp *app, gint64 owner_id, gint64 upload_id,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op = op_new (app, owner_id, upload_id);
  GTask *task
      = carrete_op_new (op, op_free, photos_resumable_abort_async, NULL, callback, user_data);

  photos_uploads_begin_abort (app->db, upload_id, owner_id, on_abort_claimed, task);
}

static gint sweeping; /* atomic: the drain reads it from any worker */

static void
on_swept (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_message ("upload sweep unfinished, will retry: %s", error->message);
  g_atomic_int_set (&sweeping, 0);
}

static void
on_sweep_claimed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  op->expired = photos_uploads_rows_finish (op->app->db, result, &error);
  if (op->expired == NULL)
    {
      fail (task, error);
      return;
    }
  if (op->expired->len > 0)
    g_message ("aborting %u abandoned uploads", op->expired->len);
  abort_rows (task);
}

gboolean
photos_resumable_sweep_busy (void)
{
  return g_atomic_int_get (&sweeping) != 0;
}

void
photos_resumable_sweep (PhotosApp *app)
{
  Op *op;
  GTask *task;

  if (!g_atomic_int_compare_and_exchange (&sweeping, 0, 1))
    return;
  op = op_new (app, 0, 0);
  task = carrete_op_new (op, op_free, photos_resumable_sweep, NULL, on_swept, NULL);
  photos_uploads_begin_sweep (app->db, SWEEP_BATCH, on_sweep_claimed, task);
}
