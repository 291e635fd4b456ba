#define G_LOG_DOMAIN "carrete-photos-service"

/* Listing photos, a part of the photos service; the rest is in service.c. */

#include "service.h"
#include "service-private.h"

#include "carrete-error.h"

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

  photos_store_list (op->app->store, &op->request->query, g_task_get_cancellable (task), on_listed,
                     task);
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
      op->request->retry_after = folder.retry_after;
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  /* carrete-folders only shows the caller a folder they may read, and
   * whoever reads it reads all of it (its members' photos too). */
  op->request->query.owner_id = 0;
  resolve_tags_then_list (task);
}

void
photos_service_list_async (PhotosApp *app, const CarreteCaller *caller, PhotosListRequest *request,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data)
{
  ListOp *op = g_new0 (ListOp, 1);
  GTask *task = carrete_op_new (op, list_op_free, photos_service_list_async, cancellable, callback,
                                user_data);

  op->app = app;
  op->caller = carrete_caller_dup (caller);
  op->request = request;
  if (request->link != NULL)
    {
      /* The link's holder, for this request: no account of theirs counts. */
      op->caller->id = 0;
      op->caller->token = NULL;
    }
  if (request->link != NULL && request->query.folder_id == 0)
    {
      g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND, "No such folder.");
      g_object_unref (task);
    }
  else if (request->link != NULL)
    folders_client_get_as_async (app->folders, request->query.folder_id, request->link,
                                 on_listed_folder, task);
  else if (request->query.folder_id != 0)
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
