#define G_LOG_DOMAIN "carrete-photos-trash"

/* The trash routes that change it (see trash.h): a folder's photos to the
 * trash, restore, delete for good and empty.  Listing is trash-list.c. */

#include "trash.h"

#include "carrete-error.h"
#include "carrete-op.h"
#include "routes-private.h"
#include "service-private.h"
#include "service.h"

static void
respond_not_in_trash (CarreteRequest *req)
{
  carrete_request_respond_status (req, 404, "No such item in the trash.");
}

/* {id} as a photo (kind 'p') or folder ('f') id; a malformed one answers 404. */
static gboolean
decode_trash_id (CarreteRequest *req, char *kind, gint64 *id)
{
  PhotosApp *app = app_of (req);
  const char *text = carrete_request_get_param (req, "id");

  if (carrete_ids_decode (app->ids, CARRETE_ID_PHOTO, text, id))
    *kind = 'p';
  else if (carrete_ids_decode (app->ids, CARRETE_ID_FOLDER, text, id))
    *kind = 'f';
  else
    {
      respond_not_in_trash (req);
      return FALSE;
    }
  return TRUE;
}

static void
respond_json_node (CarreteRequest *req, guint status, JsonNode *node)
{
  g_autofree char *text = json_to_string (node, FALSE);

  respond_json_text (req, status, g_string_new (text));
}

/* ---- a folder's photos to the trash ---------------------------------------------------- */

static void
on_folder_photos_trashed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PhotosApp *app = g_task_get_task_data (task);
  GError *error = NULL;

  carrete_op_return_ok (task, photos_store_changed_finish (app->store, result, &error) >= 0, error);
}

void
photos_trash_folder_async (PhotosApp *app, gint64 owner_id, gint64 folder_id,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  /* Not cancellable: one statement, finished once sent. */
  GTask *task = carrete_op_new (app, NULL, photos_trash_folder_async, NULL, callback, user_data);

  photos_store_trash_folder (app->store, owner_id, folder_id, app->trash_days, NULL,
                             on_folder_photos_trashed, task);
}

/* ---- restore and delete for good --------------------------------------------------------- */

typedef struct
{
  CarreteRequest *req;
  gint64 id;
  PhotosPhoto *photo; /* the trashed photo */
  gint64 folder_id;   /* where it goes back to (0: no folder) */
  JsonNode *folder;   /* a restored folder, as carrete-folders answered it */
} TrashOp;

static void
trash_op_free (TrashOp *op)
{
  g_clear_pointer (&op->photo, photos_photo_free);
  g_clear_pointer (&op->folder, json_node_unref);
  g_free (op);
}

static char *
folder_path (TrashOp *op, const char *suffix)
{
  g_autofree char *id = carrete_ids_encode (app_of (op->req)->ids, CARRETE_ID_FOLDER, op->id);

  return g_strconcat ("/", id, suffix, NULL);
}

static void
call_folder_trash (TrashOp *op, const char *method, const char *suffix,
                   GAsyncReadyCallback callback)
{
  const CarreteCaller *caller = carrete_request_get_caller (op->req);
  g_autofree char *path = folder_path (op, suffix);

  folders_client_trash_async (app_of (op->req)->folders, method, path, NULL, caller->token,
                              caller->request_id, callback, op);
}

/* Ends `op` with an error (NULL: 204). */
static void
finish_op (TrashOp *op, const GError *error)
{
  if (error != NULL)
    carrete_request_respond_error (op->req, error);
  else
    carrete_request_respond_empty (op->req, 204);
  trash_op_free (op);
}

static void
on_twin_found (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TrashOp *op = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (PhotosPhoto) twin
      = photos_store_photo_finish (app_of (op->req)->store, result, &error);
  g_autoptr (GError) conflict = g_error_new_literal (
      CARRETE_ERROR, CARRETE_ERROR_CONFLICT,
      "The same image is already there (existing_id); the photo stays in the trash.");

  respond_failure (op->req, conflict, twin);
  trash_op_free (op);
}

static void
on_photo_restored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TrashOp *op = user_data;
  PhotosApp *app = app_of (op->req);
  g_autoptr (GError) error = NULL;
  g_autoptr (PhotosPhoto) photo = photos_store_photo_finish (app->store, result, &error);

  if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_CONFLICT))
    {
      photos_store_find_duplicate (app->store, op->photo->owner_id, op->folder_id,
                                   op->photo->sha256, NULL, on_twin_found, op);
      return;
    }
  if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND))
    {
      respond_not_in_trash (op->req);
      trash_op_free (op);
      return;
    }
  if (photo == NULL)
    {
      finish_op (op, error);
      return;
    }
  respond_photo (op->req, 200, photo);
  trash_op_free (op);
}

static void
restore_photo (TrashOp *op)
{
  photos_store_restore (app_of (op->req)->store, op->photo->id, op->photo->owner_id, op->folder_id,
                        carrete_request_get_cancellable (op->req), on_photo_restored, op);
}

/* Its folder is not there for the caller: in their trash (restore that
 * first), or gone for good (back to no folder). */
static void
on_folder_looked_up_in_trash (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TrashOp *op = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) folder = NULL;

  if (folders_client_trash_finish (app_of (op->req)->folders, result, &folder, &error))
    {
      g_autoptr (GError) conflict
          = g_error_new_literal (CARRETE_ERROR, CARRETE_ERROR_CONFLICT,
                                 "The photo's folder is in the trash: restore the folder first.");

      finish_op (op, conflict);
    }
  else if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND))
    {
      op->folder_id = 0;
      restore_photo (op);
    }
  else
    finish_op (op, error);
}

static void
on_target_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TrashOp *op = user_data;
  g_autoptr (GError) error = NULL;

  if (photos_service_check_folder_finish (result, &error))
    restore_photo (op);
  else if (op->folder_id != 0 && g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND))
    {
      op->id = op->folder_id;
      call_folder_trash (op, "GET", "", on_folder_looked_up_in_trash);
    }
  else if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_FORBIDDEN))
    {
      g_autoptr (GError) refused = g_error_new_literal (
          CARRETE_ERROR, CARRETE_ERROR_FORBIDDEN,
          "You may no longer add photos to the photo's folder; it stays in the trash.");

      finish_op (op, refused);
    }
  else
    finish_op (op, error);
}

static void
on_trashed_photo_found (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TrashOp *op = user_data;
  PhotosApp *app = app_of (op->req);
  const CarreteCaller *caller = carrete_request_get_caller (op->req);
  g_autoptr (GError) error = NULL;

  op->photo = photos_store_photo_finish (app->store, result, &error);
  if (op->photo == NULL && !g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND))
    finish_op (op, error);
  else if (op->photo == NULL || op->photo->owner_id != caller->id
           || op->photo->state != PHOTOS_STATE_TRASHED)
    {
      respond_not_in_trash (op->req);
      trash_op_free (op);
    }
  else
    {
      /* The question an upload asks: may the caller put photos there? */
      op->folder_id = op->photo->folder_id;
      photos_service_check_folder_async (app, caller, op->folder_id,
                                         carrete_request_get_cancellable (op->req),
                                         on_target_checked, op);
    }
}

static void
on_folder_photos_restored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TrashOp *op = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (PGresult) res = photos_store_result_finish (app_of (op->req)->store, result, &error);

  if (res == NULL)
    finish_op (op, error);
  else
    {
      respond_json_node (op->req, 200, op->folder);
      trash_op_free (op);
    }
}

/* The folder is back (carrete-folders restored it, or refused with 404 or
 * 409): the photos trashed with it follow. */
static void
on_folder_restored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TrashOp *op = user_data;
  PhotosApp *app = app_of (op->req);
  g_autoptr (GError) error = NULL;

  if (!folders_client_trash_finish (app->folders, result, &op->folder, &error))
    finish_op (op, error);
  else if (op->folder == NULL)
    finish_op (op, NULL);
  else
    photos_store_restore_folder (app->store, carrete_request_get_caller (op->req)->id, op->id, NULL,
                                 on_folder_photos_restored, op);
}

static TrashOp *
trash_op_new (CarreteRequest *req, char *kind)
{
  TrashOp *op = g_new0 (TrashOp, 1);

  op->req = req;
  if (!decode_trash_id (req, kind, &op->id))
    {
      g_free (op);
      return NULL;
    }
  return op;
}

void
photos_handle_trash_restore (CarreteRequest *req)
{
  char kind;
  TrashOp *op = trash_op_new (req, &kind);

  if (op == NULL)
    return;
  if (kind == 'p')
    photos_store_find (app_of (req)->store, op->id, carrete_request_get_cancellable (req),
                       on_trashed_photo_found, op);
  else
    call_folder_trash (op, "POST", "/restore", on_folder_restored);
}

static void
on_trashed_removed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TrashOp *op = user_data;
  g_autoptr (GError) error = NULL;

  finish_op (op, g_task_propagate_boolean (G_TASK (result), &error) ? NULL : error);
}

static void
on_trashed_claimed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TrashOp *op = user_data;
  PhotosApp *app = app_of (op->req);
  g_autoptr (GError) error = NULL;
  PhotosPhoto *photo = photos_store_photo_finish (app->store, result, &error);
  g_autoptr (GPtrArray) photos = g_ptr_array_new_with_free_func ((GDestroyNotify) photos_photo_free);

  if (photo == NULL)
    {
      finish_op (op, error);
      return;
    }
  g_ptr_array_add (photos, photo);
  remove_photos_async (app, photos, on_trashed_removed, op);
}

static void
on_folder_deleted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TrashOp *op = user_data;
  PhotosApp *app = app_of (op->req);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) answer = NULL;

  /* The folder row first: a folder id that is not in the caller's trash
   * changes nothing here. */
  if (!folders_client_trash_finish (app->folders, result, &answer, &error))
    finish_op (op, error);
  else
    photos_service_delete_trashed_async (app, carrete_request_get_caller (op->req)->id, op->id,
                                         on_trashed_removed, op);
}

void
photos_handle_trash_delete (CarreteRequest *req)
{
  char kind;
  TrashOp *op = trash_op_new (req, &kind);

  if (op == NULL)
    return;
  /* Not cancellable: a deletion that has begun is finished. */
  if (kind == 'p')
    photos_store_begin_delete_trashed (app_of (req)->store, op->id,
                                       carrete_request_get_caller (req)->id, NULL,
                                       on_trashed_claimed, op);
  else
    call_folder_trash (op, "DELETE", "", on_folder_deleted);
}

/* ---- DELETE /v1/trash -------------------------------------------------------------------- */

typedef struct
{
  CarreteRequest *req;
  guint waiting;
  gboolean any;
  GError *error;
} EmptyOp;

static void
empty_op_free (EmptyOp *op)
{
  g_clear_error (&op->error);
  g_free (op);
}

static void
on_folders_emptied (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EmptyOp *op = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) answer = NULL;

  if (folders_client_trash_finish (app_of (op->req)->folders, result, &answer, &error))
    carrete_request_respond_empty (op->req, 204);
  else
    carrete_request_respond_error (op->req, error);
  empty_op_free (op);
}

static void
on_photos_emptied (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EmptyOp *op = user_data;
  const CarreteCaller *caller = carrete_request_get_caller (op->req);
  g_autoptr (GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      carrete_request_respond_error (op->req, error);
      empty_op_free (op);
      return;
    }
  folders_client_trash_async (app_of (op->req)->folders, "DELETE", "", NULL, caller->token,
                              caller->request_id, on_folders_emptied, op);
}

/* Both sides have said whether they hold anything: an empty trash is a
 * request that would change nothing, answered 409 as such. */
static void
emptiness_known (EmptyOp *op)
{
  if (--op->waiting > 0)
    return;
  if (op->error != NULL)
    carrete_request_respond_error (op->req, op->error);
  else if (!op->any)
    carrete_request_respond_status (op->req, 409, "The trash is already empty.");
  else
    {
      photos_service_delete_trashed_async (
          app_of (op->req), carrete_request_get_caller (op->req)->id, 0, on_photos_emptied, op);
      return;
    }
  empty_op_free (op);
}

static void
keep_first_error (EmptyOp *op, GError *error)
{
  if (op->error == NULL)
    op->error = error;
  else
    g_error_free (error);
}

static void
on_any_trashed_photo (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EmptyOp *op = user_data;
  GError *error = NULL;
  g_autoptr (PGresult) res = photos_store_result_finish (app_of (op->req)->store, result, &error);

  if (res == NULL)
    keep_first_error (op, error);
  else if (PQntuples (res) > 0)
    op->any = TRUE;
  emptiness_known (op);
}

static void
on_any_trashed_folder (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EmptyOp *op = user_data;
  GError *error = NULL;
  g_autoptr (JsonNode) page = NULL;
  JsonArray *items;

  if (!folders_client_trash_finish (app_of (op->req)->folders, result, &page, &error))
    keep_first_error (op, error);
  else if ((items = photos_trash_page_items (page)) != NULL && json_array_get_length (items) > 0)
    op->any = TRUE;
  emptiness_known (op);
}

void
photos_handle_trash_empty (CarreteRequest *req)
{
  PhotosApp *app = app_of (req);
  const CarreteCaller *caller = carrete_request_get_caller (req);
  EmptyOp *op = g_new0 (EmptyOp, 1);
  const CarreteQueryParam query[] = { { "limit", "1" }, { NULL, NULL } };

  op->req = req;
  op->waiting = 2;
  photos_store_any_trashed (app->store, caller->id, NULL, on_any_trashed_photo, op);
  folders_client_trash_async (app->folders, "GET", "", query, caller->token, caller->request_id,
                              on_any_trashed_folder, op);
}
