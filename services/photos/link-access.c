#define G_LOG_DOMAIN "carrete-photos-service"

/* Reading one photo through a share link, a part of the photos service;
 * the rest is in service.c.  carrete-folders decides what the link covers
 * (GET /v1/shares/current, the link's headers forwarded as they came), so
 * that a revoked or expired link, or one to a folder in the trash, stops
 * working here at once too. */

#include "service.h"
#include "service-private.h"

#include "carrete-error.h"

typedef struct
{
  PhotosApp *app;
  gint64 photo_id;
  CarreteForward link; /* its strings are the request's */
  FoldersLink covers;
  guint retry_after;
} LinkReadOp;

/* Only a ready photo out of the trash, and only one the link covers: the
 * photo itself, or one in the folder. */
static gboolean
link_covers (const FoldersLink *link, const PhotosPhoto *photo)
{
  if (photo->state != PHOTOS_STATE_READY)
    return FALSE;
  if (link->photo_id != 0)
    return link->photo_id == photo->id;
  return photo->folder_id != 0 && link->folder_id == photo->folder_id;
}

static void
on_linked_photo_found (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  LinkReadOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (PhotosPhoto) photo = photos_store_photo_finish (op->app->store, result, &error);
  PhotosAccess *access;

  if (photo == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!link_covers (&op->covers, photo))
    {
      g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND, "No such photo.");
      return;
    }
  access = g_new0 (PhotosAccess, 1);
  access->photo = g_steal_pointer (&photo);
  access->original_withheld = !op->covers.allow_download;
  g_task_return_pointer (task, access, (GDestroyNotify) photos_access_free);
}

static void
on_link_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  LinkReadOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (!folders_client_link_finish (op->app->folders, result, &op->covers, &error))
    {
      op->retry_after = op->covers.retry_after;
      g_task_return_error (task, error);
      return;
    }
  photos_store_find (op->app->store, op->photo_id, g_task_get_cancellable (task),
                     on_linked_photo_found, g_steal_pointer (&task));
}

void
photos_service_get_by_link_async (PhotosApp *app, gint64 photo_id, const CarreteForward *link,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  LinkReadOp *op = g_new0 (LinkReadOp, 1);
  GTask *task = carrete_op_new (op, g_free, photos_service_get_by_link_async, cancellable,
                                callback, user_data);

  op->app = app;
  op->photo_id = photo_id;
  op->link = *link;
  /* The link alone speaks for this request, never an account's bearer. */
  op->link.bearer = NULL;
  folders_client_link_async (app->folders, &op->link, on_link_read, task);
}

PhotosAccess *
photos_service_get_by_link_finish (GAsyncResult *result, guint *retry_after, GError **error)
{
  LinkReadOp *op = g_task_get_task_data (G_TASK (result));

  if (retry_after != NULL)
    *retry_after = op->retry_after;
  return g_task_propagate_pointer (G_TASK (result), error);
}
