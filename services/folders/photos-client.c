#define G_LOG_DOMAIN "carrete-folders-photos"

#include "photos-client.h"

#include "carrete-error.h"
#include "carrete-op.h"
#include "carrete-service-client.h"

struct _FoldersPhotos
{
  CarreteServiceClient *photos;
};

FoldersPhotos *
folders_photos_new (const char *base_url, guint timeout_seconds)
{
  FoldersPhotos *photos = g_new0 (FoldersPhotos, 1);

  photos->photos = carrete_service_client_new (base_url, timeout_seconds);
  return photos;
}

void
folders_photos_free (FoldersPhotos *photos)
{
  if (photos == NULL)
    return;
  carrete_service_client_free (photos->photos);
  g_free (photos);
}

/* A folder is only changed once its photos are known to be gone (or
 * absent): the caller's refused token is the caller's 401, and any other
 * refusal means the photos could not be checked or deleted right now. */
static gboolean
finish_photos (GTask *task, GAsyncResult *result, JsonNode **json)
{
  GError *error = NULL;
  guint status = 0;

  if (carrete_service_client_call_finish (result, &status, json, &error))
    return TRUE;
  if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_UNAUTHORIZED))
    g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_UNAUTHORIZED,
                             "The photos service did not accept the access token.");
  else if (error->domain == CARRETE_ERROR && error->code != CARRETE_ERROR_UNAVAILABLE)
    g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                             "The photos service answered %u; nothing was changed.", status);
  else
    {
      g_task_return_error (task, error);
      return FALSE;
    }
  g_error_free (error);
  return FALSE;
}

/* 1 when the page lists a photo, 0 when empty, -1 when it is no page. */
static int
page_has_items (JsonNode *root)
{
  JsonNode *items;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return -1;
  items = json_object_get_member (json_node_get_object (root), "items");
  if (items == NULL || !JSON_NODE_HOLDS_ARRAY (items))
    return -1;
  return json_array_get_length (json_node_get_array (items)) > 0;
}

static void
any_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (JsonNode) root = NULL;
  int has_items;

  if (!finish_photos (task, result, &root))
    return;
  has_items = page_has_items (root);
  if (has_items < 0)
    g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                             "The photos service gave an answer that is not a photo list.");
  else
    g_task_return_int (task, has_items);
}

/* A call on /v1/photos?folder_id=… (and `limit`, when not NULL), answered
 * by `done`. */
static void
start_folder_call (FoldersPhotos *photos, const char *method, const char *folder_id,
                   const char *limit, const char *trash, const FoldersForward *forward,
                   gpointer tag, GAsyncReadyCallback done, GAsyncReadyCallback callback,
                   gpointer user_data)
{
  GTask *task = carrete_op_new (NULL, NULL, tag, NULL, callback, user_data);
  const CarreteQueryParam query[] = {
    { "folder_id", folder_id },
    { "limit", limit },
    { "trash", trash },
    { NULL, NULL },
  };
  CarreteForward headers = { .bearer = forward->bearer, .request_id = forward->request_id };

  carrete_service_client_call_async (photos->photos, method, "/v1/photos", query, NULL, &headers,
                                     NULL, done, task);
}

void
folders_photos_any_async (FoldersPhotos *photos, const char *folder_id,
                          const FoldersForward *forward, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  start_folder_call (photos, "GET", folder_id, "1", NULL, forward, folders_photos_any_async,
                     any_sent, callback, user_data);
}

gboolean
folders_photos_any_finish (GAsyncResult *result, gboolean *any, GError **error)
{
  GError *local_error = NULL;
  gssize value = g_task_propagate_int (G_TASK (result), &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  *any = value > 0;
  return TRUE;
}

static void
delete_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;

  if (finish_photos (task, result, NULL))
    g_task_return_boolean (task, TRUE);
}

void
folders_photos_delete_all_async (FoldersPhotos *photos, const char *folder_id,
                                 gboolean to_trash, const FoldersForward *forward,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  start_folder_call (photos, "DELETE", folder_id, NULL, to_trash ? "true" : NULL, forward,
                     folders_photos_delete_all_async, delete_sent, callback, user_data);
}

gboolean
folders_photos_delete_all_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
owner_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (JsonNode) root = NULL;
  GError *error = NULL;
  const char *owner = NULL;

  if (!carrete_service_client_call_finish (result, NULL, &root, &error))
    {
      /* A 404 (or 403) is the caller's: the photo is none of theirs. */
      g_task_return_error (task, error);
      return;
    }
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    owner = json_object_get_string_member_with_default (json_node_get_object (root), "owner_id",
                                                        NULL);
  if (owner == NULL)
    g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                             "The photos service gave an answer that is not a photo.");
  else
    g_task_return_pointer (task, g_strdup (owner), g_free);
}

void
folders_photos_owner_async (FoldersPhotos *photos, const char *photo_id,
                            const FoldersForward *forward, GAsyncReadyCallback callback,
                            gpointer user_data)
{
  GTask *task = carrete_op_new (NULL, NULL, folders_photos_owner_async, NULL, callback, user_data);
  g_autofree char *path = g_strconcat ("/v1/photos/", photo_id, NULL);
  CarreteForward headers = { .bearer = forward->bearer, .request_id = forward->request_id };

  carrete_service_client_call_async (photos->photos, "GET", path, NULL, NULL, &headers, NULL,
                                     owner_sent, task);
}

char *
folders_photos_owner_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
