#define G_LOG_DOMAIN "carrete-client-library"

#include "carrete-client.h"
#include "carrete-client-private.h"

/* CarreteClient's calls on folders, photos and bytes (the session calls are
 * in carrete-client.c). */

#define FOLDER_FROM_JSON ((CarreteFromJson) carrete_folder_new_from_json)
#define PHOTO_FROM_JSON ((CarreteFromJson) carrete_photo_new_from_json)

#define item_path _carrete_client_item_path

/* ---- folders ------------------------------------------------------------------------------ */

void
carrete_client_list_folders_async (CarreteClient *self, const CarreteFolderQuery *query,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_autofree char *path = carrete_folder_query_to_path (query);

  g_return_if_fail (CARRETE_IS_CLIENT (self));
  _carrete_client_call_convert_async (
      self, "GET", path, NULL, (CarreteFromJson) carrete_folder_page_new_from_json,
      (GDestroyNotify) carrete_folder_page_free, carrete_client_list_folders_async, cancellable,
      callback, user_data);
}

CarreteFolderPage *
carrete_client_list_folders_finish (CarreteClient *self, GAsyncResult *result, GError **error)
{
  return _carrete_client_call_convert_finish (self, result, carrete_client_list_folders_async,
                                              error);
}

static void
add_tags (JsonBuilder *builder, const char *const *tags)
{
  json_builder_set_member_name (builder, "tags");
  json_builder_begin_array (builder);
  for (guint i = 0; tags[i] != NULL; i++)
    json_builder_add_string_value (builder, tags[i]);
  json_builder_end_array (builder);
}

static void
add_string (JsonBuilder *builder, const char *name, const char *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

void
carrete_client_create_folder_async (CarreteClient *self, const char *name,
                                    const char *visibility, const char *const *tags,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  const char *const no_tags[] = { NULL };

  g_return_if_fail (CARRETE_IS_CLIENT (self));
  g_return_if_fail (name != NULL);
  json_builder_begin_object (builder);
  add_string (builder, "name", name);
  add_string (builder, "visibility", visibility != NULL ? visibility : "private");
  add_tags (builder, tags != NULL ? tags : no_tags);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  _carrete_client_call_convert_async (self, "POST", "/v1/folders", body, FOLDER_FROM_JSON,
                                      g_object_unref, carrete_client_create_folder_async,
                                      cancellable, callback, user_data);
}

CarreteFolder *
carrete_client_create_folder_finish (CarreteClient *self, GAsyncResult *result, GError **error)
{
  return _carrete_client_call_convert_finish (self, result, carrete_client_create_folder_async,
                                              error);
}

void
carrete_client_get_folder_async (CarreteClient *self, const char *folder_id,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (CARRETE_IS_CLIENT (self));
  g_return_if_fail (folder_id != NULL);
  path = item_path ("folders", folder_id, NULL);
  _carrete_client_call_convert_async (self, "GET", path, NULL, FOLDER_FROM_JSON, g_object_unref,
                                      carrete_client_get_folder_async, cancellable, callback,
                                      user_data);
}

CarreteFolder *
carrete_client_get_folder_finish (CarreteClient *self, GAsyncResult *result, GError **error)
{
  return _carrete_client_call_convert_finish (self, result, carrete_client_get_folder_async,
                                              error);
}

void
carrete_client_update_folder_async (CarreteClient *self, const char *folder_id, const char *name,
                                    const char *visibility, const char *const *tags,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (CARRETE_IS_CLIENT (self));
  g_return_if_fail (folder_id != NULL);
  json_builder_begin_object (builder);
  add_string (builder, "name", name);
  add_string (builder, "visibility", visibility);
  if (tags != NULL)
    add_tags (builder, tags);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  path = item_path ("folders", folder_id, NULL);
  _carrete_client_call_convert_async (self, "PATCH", path, body, FOLDER_FROM_JSON, g_object_unref,
                                      carrete_client_update_folder_async, cancellable, callback,
                                      user_data);
}

CarreteFolder *
carrete_client_update_folder_finish (CarreteClient *self, GAsyncResult *result, GError **error)
{
  return _carrete_client_call_convert_finish (self, result, carrete_client_update_folder_async,
                                              error);
}

void
carrete_client_delete_folder_async (CarreteClient *self, const char *folder_id,
                                    gboolean recursive, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (CARRETE_IS_CLIENT (self));
  g_return_if_fail (folder_id != NULL);
  path = item_path ("folders", folder_id, recursive ? "?recursive=true" : NULL);
  _carrete_client_call_convert_async (self, "DELETE", path, NULL, NULL, NULL,
                                      carrete_client_delete_folder_async, cancellable, callback,
                                      user_data);
}

gboolean
carrete_client_delete_folder_finish (CarreteClient *self, GAsyncResult *result, GError **error)
{
  return _carrete_client_call_convert_finish_boolean (self, result,
                                                      carrete_client_delete_folder_async, error);
}

/* ---- photos ------------------------------------------------------------------------------- */

void
carrete_client_list_photos_async (CarreteClient *self, const CarretePhotoQuery *query,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_autofree char *path = carrete_photo_query_to_path (query);

  g_return_if_fail (CARRETE_IS_CLIENT (self));
  _carrete_client_call_convert_async (
      self, "GET", path, NULL, (CarreteFromJson) carrete_photo_page_new_from_json,
      (GDestroyNotify) carrete_photo_page_free, carrete_client_list_photos_async, cancellable,
      callback, user_data);
}

CarretePhotoPage *
carrete_client_list_photos_finish (CarreteClient *self, GAsyncResult *result, GError **error)
{
  return _carrete_client_call_convert_finish (self, result, carrete_client_list_photos_async,
                                              error);
}

void
carrete_client_get_photo_async (CarreteClient *self, const char *photo_id,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (CARRETE_IS_CLIENT (self));
  g_return_if_fail (photo_id != NULL);
  path = item_path ("photos", photo_id, NULL);
  _carrete_client_call_convert_async (self, "GET", path, NULL, PHOTO_FROM_JSON, g_object_unref,
                                      carrete_client_get_photo_async, cancellable, callback,
                                      user_data);
}

CarretePhoto *
carrete_client_get_photo_finish (CarreteClient *self, GAsyncResult *result, GError **error)
{
  return _carrete_client_call_convert_finish (self, result, carrete_client_get_photo_async,
                                              error);
}

void
carrete_client_update_photo_async (CarreteClient *self, const char *photo_id, const char *name,
                                   const char *folder_id, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (CARRETE_IS_CLIENT (self));
  g_return_if_fail (photo_id != NULL);
  json_builder_begin_object (builder);
  add_string (builder, "name", name);
  if (folder_id != NULL)
    {
      json_builder_set_member_name (builder, "folder_id");
      if (*folder_id == '\0')
        json_builder_add_null_value (builder);
      else
        json_builder_add_string_value (builder, folder_id);
    }
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  path = item_path ("photos", photo_id, NULL);
  _carrete_client_call_convert_async (self, "PATCH", path, body, PHOTO_FROM_JSON, g_object_unref,
                                      carrete_client_update_photo_async, cancellable, callback,
                                      user_data);
}

CarretePhoto *
carrete_client_update_photo_finish (CarreteClient *self, GAsyncResult *result, GError **error)
{
  return _carrete_client_call_convert_finish (self, result, carrete_client_update_photo_async,
                                              error);
}

void
carrete_client_delete_photo_async (CarreteClient *self, const char *photo_id,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (CARRETE_IS_CLIENT (self));
  g_return_if_fail (photo_id != NULL);
  path = item_path ("photos", photo_id, NULL);
  _carrete_client_call_convert_async (self, "DELETE", path, NULL, NULL, NULL,
                                      carrete_client_delete_photo_async, cancellable, callback,
                                      user_data);
}

gboolean
carrete_client_delete_photo_finish (CarreteClient *self, GAsyncResult *result, GError **error)
{
  return _carrete_client_call_convert_finish_boolean (self, result,
                                                      carrete_client_delete_photo_async, error);
}

/* ---- the trash ---------------------------------------------------------------------------- */

void
carrete_client_list_trash_async (CarreteClient *self, const char *cursor, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  g_autofree char *escaped = cursor != NULL ? g_uri_escape_string (cursor, NULL, FALSE) : NULL;
  g_autofree char *path
      = escaped != NULL ? g_strconcat ("/v1/trash?cursor=", escaped, NULL) : g_strdup ("/v1/trash");

  g_return_if_fail (CARRETE_IS_CLIENT (self));
  _carrete_client_call_convert_async (
      self, "GET", path, NULL, (CarreteFromJson) carrete_trash_page_new_from_json,
      (GDestroyNotify) carrete_trash_page_free, carrete_client_list_trash_async, cancellable,
      callback, user_data);
}

CarreteTrashPage *
carrete_client_list_trash_finish (CarreteClient *self, GAsyncResult *result, GError **error)
{
  return _carrete_client_call_convert_finish (self, result, carrete_client_list_trash_async, error);
}

void
carrete_client_restore_from_trash_async (CarreteClient *self, const char *id,
                                         GCancellable *cancellable, GAsyncReadyCallback callback,
                                         gpointer user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (CARRETE_IS_CLIENT (self));
  g_return_if_fail (id != NULL);
  path = item_path ("trash", id, "/restore");
  _carrete_client_call_convert_async (self, "POST", path, NULL, NULL, NULL,
                                      carrete_client_restore_from_trash_async, cancellable,
                                      callback, user_data);
}

gboolean
carrete_client_restore_from_trash_finish (CarreteClient *self, GAsyncResult *result, GError **error)
{
  return _carrete_client_call_convert_finish_boolean (
      self, result, carrete_client_restore_from_trash_async, error);
}

void
carrete_client_delete_from_trash_async (CarreteClient *self, const char *id,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data)
{
  g_autofree char *path = id != NULL ? item_path ("trash", id, NULL) : g_strdup ("/v1/trash");

  g_return_if_fail (CARRETE_IS_CLIENT (self));
  _carrete_client_call_convert_async (self, "DELETE", path, NULL, NULL, NULL,
                                      carrete_client_delete_from_trash_async, cancellable, callback,
                                      user_data);
}

gboolean
carrete_client_delete_from_trash_finish (CarreteClient *self, GAsyncResult *result, GError **error)
{
  return _carrete_client_call_convert_finish_boolean (
      self, result, carrete_client_delete_from_trash_async, error);
}

/* ---- bytes -------------------------------------------------------------------------------- */

static void
on_bytes_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  SoupMessage *msg = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);

  if (bytes == NULL)
    g_task_return_error (task, _carrete_client_error_from_transport (error));
  else if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg)))
    g_task_return_error (task, _carrete_client_error_from_message (msg, bytes, 0));
  else
    g_task_return_pointer (task, g_steal_pointer (&bytes), (GDestroyNotify) g_bytes_unref);
}

void
carrete_client_fetch_bytes_async (CarreteClient *self, const char *url, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *absolute = NULL;
  SoupMessage *msg;

  g_return_if_fail (CARRETE_IS_CLIENT (self));
  g_return_if_fail (url != NULL);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, carrete_client_fetch_bytes_async);
  absolute = g_uri_resolve_relative (carrete_client_get_service_url (self, CARRETE_SERVICE_PHOTOS),
                                     url, SOUP_HTTP_URI_FLAGS, NULL);
  msg = absolute != NULL ? soup_message_new ("GET", absolute) : NULL;
  if (msg == NULL)
    {
      g_task_return_new_error (task, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_PROTOCOL,
                               "The server gave an unusable address: %s", url);
      return;
    }
  g_task_set_task_data (task, msg, g_object_unref);
  /* Presigned URLs carry their own signature: no bearer token here. */
  soup_session_send_and_read_async (_carrete_client_get_session (self), msg, G_PRIORITY_DEFAULT,
                                    cancellable, on_bytes_read, g_steal_pointer (&task));
}

GBytes *
carrete_client_fetch_bytes_finish (CarreteClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
