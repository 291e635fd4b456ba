#define G_LOG_DOMAIN "carrete-photos-service"

#include "service.h"
#include "service-private.h"

#include <glib/gstdio.h>

#include "carrete-error.h"
#include "imaging.h"
#include "resumable.h"
#include "staging.h"

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

void
run_step_on (CarreteWorkers *workers, GTask *outer, gpointer state, GTaskThreadFunc func,
             GAsyncReadyCallback done)
{
  g_autoptr (GTask) step = g_task_new (NULL, NULL, done, outer);

  g_task_set_task_data (step, state, NULL);
  carrete_workers_run_task (workers, step, func);
}

void
run_step_on_worker (PhotosApp *app, GTask *outer, gpointer state, GTaskThreadFunc func,
                    GAsyncReadyCallback done)
{
  run_step_on (app->workers, outer, state, func, done);
}

void
photos_remove_spool_file (char **path)
{
  if (*path != NULL)
    g_unlink (*path);
  g_clear_pointer (path, g_free);
}

gboolean
photos_delete_objects (CarreteStorage *storage, const char *prefix, gboolean thumbnails_only,
                       GError **error)
{
  g_autofree char *original = photos_key_original (prefix);
  g_autofree char *small = photos_key_thumb (prefix, PHOTOS_THUMB_SMALL);
  g_autofree char *large = photos_key_thumb (prefix, PHOTOS_THUMB_LARGE);
  g_autofree char *staging = photos_key_staging (prefix);

  return carrete_storage_delete (storage, small, error)
         && carrete_storage_delete (storage, large, error)
         && (thumbnails_only
             || (carrete_storage_delete (storage, staging, error)
                 && carrete_storage_delete (storage, original, error)));
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
  gboolean ok = TRUE;

  for (guint i = 0; ok && i < removal->photos->len; i++)
    {
      const PhotosPhoto *photo = g_ptr_array_index (removal->photos, i);

      ok = photos_delete_objects (removal->app->storage, photo->object_prefix, FALSE, &error);
    }
  carrete_op_return_ok (task, ok, error);
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
  photos_store_delete_rows (removal->app->store, ids, NULL, carrete_db_answer_done, outer);
}

/* Removes the objects, then the rows, of `photos` (marked `deleting`).
 * Never cancelled: it is what cleans up after a cancelled upload too. */
void
remove_photos_async (PhotosApp *app, GPtrArray *photos, GAsyncReadyCallback callback,
                     gpointer user_data)
{
  Removal *removal = g_new0 (Removal, 1);
  GTask *outer
      = carrete_op_new (removal, removal_free, remove_photos_async, NULL, callback, user_data);

  removal->app = app;
  removal->photos = g_ptr_array_ref (photos);
  if (photos->len == 0)
    {
      g_task_return_boolean (outer, TRUE);
      g_object_unref (outer);
      return;
    }
  run_step_on_worker (app, outer, removal, delete_objects_in_thread, on_objects_deleted);
}

gboolean
remove_photos_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
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
  /* for delete */
  gboolean permanent;
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
  else if (folder.role != FOLDERS_ROLE_OWNER && folder.role != FOLDERS_ROLE_CONTRIBUTOR)
    g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_FORBIDDEN,
                             "Photos can only be put into your own folders, or into folders"
                             " shared with you as a contributor.");
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
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  AccessOp *op = access_op_new (app, caller);
  GTask *task = carrete_op_new (op, access_op_free, photos_service_check_folder_async, cancellable,
                                callback, user_data);
  g_autofree char *user = carrete_ids_encode (app->ids, CARRETE_ID_USER, caller->id);

  op->folder_id = folder_id;
  carrete_accounts_check_async (app->accounts, user, op->caller->request_id, on_account_checked,
                                task);
}

gboolean
photos_service_check_folder_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- reading one photo -------------------------------------------------------------- */

/* Who may read a photo: its owner, the folder's owner and members, and
 * anyone when it is in a public folder (asked of carrete-folders with the
 * caller's own token, every time: a removed member loses access at
 * once). */
static void
on_photo_folder_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  AccessOp *op = g_task_get_task_data (task);
  FoldersFolder folder = { 0 };
  GError *error = NULL;

  if (!folders_client_get_finish (op->app->folders, result, &folder, &error))
    g_task_return_error (task, error);
  else if (!folder.is_public && folder.role == FOLDERS_ROLE_NONE)
    g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND, "No such photo.");
  else
    {
      op->access->is_folder_owner = folder.role == FOLDERS_ROLE_OWNER;
      g_task_return_pointer (task, g_steal_pointer (&op->access),
                             (GDestroyNotify) photos_access_free);
    }
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
   * nobody sees one being deleted, or one in the trash (GET /v1/trash
   * lists those). */
  if (photo->state == PHOTOS_STATE_DELETING || photo->state == PHOTOS_STATE_TRASHED
      || (photo->state != PHOTOS_STATE_READY && !op->access->is_owner)
      || (!op->access->is_owner && photo->folder_id == 0))
    g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND, "No such photo.");
  else if (op->access->is_owner)
    g_task_return_pointer (task, g_steal_pointer (&op->access), (GDestroyNotify) photos_access_free);
  else
    folders_client_get_async (op->app->folders, photo->folder_id, op->caller->token,
                              op->caller->request_id, on_photo_folder_read, g_steal_pointer (&task));
}

/* `source_tag`: photos_service_get_async when this is the whole operation,
 * find_readable_async when it is the first step of an update or delete. */
static void
find_readable_async (PhotosApp *app, const CarreteCaller *caller, gint64 photo_id,
                     gpointer source_tag, GCancellable *cancellable, GAsyncReadyCallback callback,
                     gpointer user_data)
{
  GTask *task = carrete_op_new (access_op_new (app, caller), access_op_free, source_tag,
                                cancellable, callback, user_data);

  photos_store_find (app->store, photo_id, cancellable, on_photo_found, task);
}

void
photos_service_get_async (PhotosApp *app, const CarreteCaller *caller, gint64 photo_id,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  find_readable_async (app, caller, photo_id, photos_service_get_async, cancellable, callback,
                       user_data);
}

PhotosAccess *
photos_service_get_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The access, if the caller owns the photo or its folder; FORBIDDEN when
 * they can only read it (a viewer, or a contributor and another member's
 * photo). */
static PhotosAccess *
take_manageable_photo (GAsyncResult *result, GError **error)
{
  g_autoptr (PhotosAccess) access = g_task_propagate_pointer (G_TASK (result), error);

  if (access == NULL)
    return NULL;
  if (!access->is_owner && !access->is_folder_owner)
    {
      g_set_error_literal (error, CARRETE_ERROR, CARRETE_ERROR_FORBIDDEN,
                           "Only the owner of the photo or of its folder may change or delete"
                           " this photo.");
      return NULL;
    }
  return g_steal_pointer (&access);
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
                       op->new_folder_id, g_task_get_cancellable (task), on_updated, task);
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
  PhotosAccess *access = take_manageable_photo (result, &error);
  const CarreteCaller *caller = op->caller;
  gboolean moves;

  if (access == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  op->access = access;
  moves = op->set_folder && op->new_folder_id != access->photo->folder_id;
  /* A folder's owner renames a member's photo but does not take it out:
   * where it goes is its owner's choice. */
  if (moves && !access->is_owner)
    {
      g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_FORBIDDEN,
                               "Only the owner of the photo may move it to another folder.");
      g_object_unref (task);
      return;
    }
  if (moves && op->new_folder_id != 0)
    photos_service_check_folder_async (op->app, caller, op->new_folder_id,
                                       g_task_get_cancellable (task), on_target_folder_checked,
                                       task);
  else
    send_update (task);
}

void
photos_service_update_async (PhotosApp *app, const CarreteCaller *caller, gint64 photo_id,
                             const char *name, gboolean set_folder, gint64 folder_id,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  AccessOp *op = access_op_new (app, caller);
  GTask *task = carrete_op_new (op, access_op_free, photos_service_update_async, cancellable,
                                callback, user_data);

  op->name = g_strdup (name);
  op->set_folder = set_folder;
  op->new_folder_id = folder_id;
  find_readable_async (app, caller, photo_id, find_readable_async, cancellable, on_update_access,
                       task);
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
  gboolean ok = remove_photos_finish (result, &error);

  carrete_op_return_ok (task, ok, error);
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
on_trashed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  AccessOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (PhotosPhoto) photo = photos_store_photo_finish (op->app->store, result, &error);

  carrete_op_return_ok (task, photo != NULL, error);
}

/* A ready photo goes to the trash unless ?permanent=true; a pending one (a
 * direct upload being cancelled) has nothing worth keeping, and one being
 * deleted is finished. */
static void
begin_removal (GTask *task, const PhotosPhoto *photo)
{
  AccessOp *op = g_task_get_task_data (task);

  if (photo->state == PHOTOS_STATE_READY && !op->permanent)
    photos_store_trash (op->app->store, photo->id, photo->owner_id, op->app->trash_days, NULL,
                        on_trashed, task);
  else
    photos_store_begin_delete (op->app->store, photo->id, NULL, on_delete_claimed, task);
}

static void
on_delete_access (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  g_autoptr (PhotosAccess) access = take_manageable_photo (result, &error);

  if (access == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  begin_removal (task, access->photo);
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
   * job): no need to ask anyone.  One in the trash is not here any more
   * (DELETE /v1/trash/{id} removes it). */
  if (photo != NULL && photo->owner_id == op->caller->id
      && (photo->state == PHOTOS_STATE_READY || photo->state == PHOTOS_STATE_DELETING))
    begin_removal (task, photo);
  else if (photo == NULL && !g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
    }
  else
    find_readable_async (op->app, caller, op->folder_id, find_readable_async, NULL,
                         on_delete_access, task);
}

void
photos_service_delete_async (PhotosApp *app, const CarreteCaller *caller, gint64 photo_id,
                             gboolean permanent, GAsyncReadyCallback callback, gpointer user_data)
{
  AccessOp *op = access_op_new (app, caller);
  /* Not cancellable (no statement of it is): a deletion that has begun is
   * finished even if the client hung up, never left half done. */
  GTask *task
      = carrete_op_new (op, access_op_free, photos_service_delete_async, NULL, callback, user_data);

  op->folder_id = photo_id; /* the photo to delete */
  op->permanent = permanent;
  photos_store_find (app->store, photo_id, NULL, on_delete_found, task);
}

/* ---- delete everything of an owner (or of one folder) ---------------------------------- */

typedef struct
{
  PhotosApp *app;
  gint64 owner_id;
  gint64 folder_id;
  gboolean trashed_only; /* the owner's trash (trashed with folder_id, or all for 0) */
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

  if (bulk->trashed_only)
    photos_store_begin_delete_trash_batch (bulk->app->store, bulk->owner_id, bulk->folder_id,
                                           DELETE_BATCH, NULL, on_batch_claimed, task);
  else
    photos_store_begin_delete_batch (bulk->app->store, bulk->owner_id, bulk->folder_id,
                                     DELETE_BATCH, NULL, on_batch_claimed, task);
}

/* Not cancellable: the folder and account deletions this serves go on
 * when their own client hangs up, and so does every batch of theirs; a
 * trash being emptied is emptied. */
static void
start_bulk_delete (PhotosApp *app, gint64 owner_id, gint64 folder_id, gboolean trashed_only,
                   gpointer source_tag, GAsyncReadyCallback callback, gpointer user_data)
{
  BulkDelete *bulk;
  GTask *task;

  /* Never every photo of every account. */
  g_return_if_fail (owner_id != 0 || folder_id != 0);
  bulk = g_new0 (BulkDelete, 1);
  task = carrete_op_new (bulk, g_free, source_tag, NULL, callback, user_data);
  bulk->app = app;
  bulk->owner_id = owner_id;
  bulk->folder_id = folder_id;
  bulk->trashed_only = trashed_only;
  claim_next_batch (task);
}

void
photos_service_delete_all_async (PhotosApp *app, gint64 owner_id, gint64 folder_id,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  start_bulk_delete (app, owner_id, folder_id, FALSE, photos_service_delete_all_async, callback,
                     user_data);
}

void
photos_service_delete_trashed_async (PhotosApp *app, gint64 owner_id, gint64 trashed_with,
                                     GAsyncReadyCallback callback, gpointer user_data)
{
  start_bulk_delete (app, owner_id, trashed_with, TRUE, photos_service_delete_trashed_async,
                     callback, user_data);
}

/* ---- the sweeper ----------------------------------------------------------------------------- */

static gint sweeping; /* atomic: the drain reads it from any worker */

static void
on_swept (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!remove_photos_finish (result, &error))
    g_message ("sweep unfinished, will retry: %s", error->message);
  g_atomic_int_set (&sweeping, 0);
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
      g_atomic_int_set (&sweeping, 0);
      return;
    }
  if (photos->len > 0)
    g_message ("sweeping %u unfinished uploads or deletions", photos->len);
  remove_photos_async (app, photos, on_swept, NULL);
}

gboolean
photos_service_sweep_busy (void)
{
  return g_atomic_int_get (&sweeping) != 0 || photos_resumable_sweep_busy ()
         || photos_staging_sweep_busy ();
}

void
photos_service_sweep (PhotosApp *app)
{
  if (app->stopping)
    return;
  photos_resumable_sweep (app);
  photos_staging_sweep (app);
  if (!g_atomic_int_compare_and_exchange (&sweeping, 0, 1))
    return;
  photos_store_begin_sweep (app->store, SWEEP_BATCH, NULL, on_sweep_claimed, app);
}
