#define G_LOG_DOMAIN "carrete-client-sharing"

#include "carrete-client.h"
#include "carrete-client-private.h"

/* CarreteClient's calls on share links (/v1/shares) and folder members
 * (/v1/folders/{id}/members), and the look-up of an account by username
 * that adding a member needs. */

#define SHARE_FROM_JSON ((CarreteFromJson) carrete_share_new_from_json)
#define MEMBER_FROM_JSON ((CarreteFromJson) carrete_member_new_from_json)

/* ---- every page of a list ------------------------------------------------------------------ */

/* A list read to its end: the pages of `path` (which may have a query),
 * following next_cursor, their items gathered. */
typedef struct
{
  char *path;
  CarreteFromJson page_from_json;
  GPtrArray *items;
  char *cursor;
} AllPages;

static void
all_pages_free (AllPages *all)
{
  g_free (all->path);
  g_ptr_array_unref (all->items);
  g_free (all->cursor);
  g_free (all);
}

static void all_pages_next (GTask *task);

static void
on_all_pages_page (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  AllPages *all = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteListPage) page
      = _carrete_client_call_convert_finish (CARRETE_CLIENT (source), result, all_pages_next, &error);

  if (page == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  for (guint i = 0; i < page->items->len; i++)
    g_ptr_array_add (all->items, g_object_ref (g_ptr_array_index (page->items, i)));
  g_free (all->cursor);
  all->cursor = g_strdup (page->next_cursor);
  if (all->cursor != NULL)
    {
      all_pages_next (g_steal_pointer (&task));
      return;
    }
  g_task_return_pointer (task, g_ptr_array_ref (all->items), (GDestroyNotify) g_ptr_array_unref);
}

static void
all_pages_next (GTask *task)
{
  AllPages *all = g_task_get_task_data (task);
  g_autoptr (GString) path = g_string_new (all->path);

  _carrete_query_append (path, "cursor", all->cursor);
  _carrete_client_call_convert_async (g_task_get_source_object (task), "GET", path->str, NULL,
                                      all->page_from_json, (GDestroyNotify) carrete_list_page_free,
                                      all_pages_next, g_task_get_cancellable (task),
                                      on_all_pages_page, task);
}

static void
all_pages_start (CarreteClient *self, const char *path, CarreteFromJson page_from_json,
                 gpointer tag, GCancellable *cancellable, GAsyncReadyCallback callback,
                 gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  AllPages *all = g_new0 (AllPages, 1);

  g_task_set_source_tag (task, tag);
  all->path = g_strdup (path);
  all->page_from_json = page_from_json;
  all->items = g_ptr_array_new_with_free_func (g_object_unref);
  g_task_set_task_data (task, all, (GDestroyNotify) all_pages_free);
  all_pages_next (task);
}

static GPtrArray *
all_pages_finish (CarreteClient *self, GAsyncResult *result, gpointer tag, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tag, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- links -------------------------------------------------------------------------------- */

/* The members of a link's body that creation and PATCH share; NULL and
 * negative values are not sent. */
static void
add_link_settings (JsonBuilder *builder, const char *label, GDateTime *expires_at,
                   const char *password, int allow_download)
{
  if (label != NULL)
    carrete_json_add_string (builder, "label", label);
  if (expires_at != NULL)
    carrete_json_add_time (builder, "expires_at", expires_at);
  if (password != NULL)
    carrete_json_add_string (builder, "password", password);
  if (allow_download >= 0)
    {
      json_builder_set_member_name (builder, "allow_download");
      json_builder_add_boolean_value (builder, allow_download != 0);
    }
}

void
carrete_client_create_share_async (CarreteClient *self, const char *folder_id,
                                   const char *photo_id, const char *label, GDateTime *expires_at,
                                   const char *password, gboolean allow_download,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;

  g_return_if_fail (CARRETE_IS_CLIENT (self));
  g_return_if_fail ((folder_id == NULL) != (photo_id == NULL));
  json_builder_begin_object (builder);
  carrete_json_add_string (builder, folder_id != NULL ? "folder_id" : "photo_id",
                           folder_id != NULL ? folder_id : photo_id);
  add_link_settings (builder, label, expires_at, password, allow_download ? 1 : 0);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  _carrete_client_call_convert_async (self, "POST", "/v1/shares", body, SHARE_FROM_JSON,
                                      g_object_unref, carrete_client_create_share_async,
                                      cancellable, callback, user_data);
}

CarreteShare *
carrete_client_create_share_finish (CarreteClient *self, GAsyncResult *result, GError **error)
{
  return _carrete_client_call_convert_finish (self, result, carrete_client_create_share_async,
                                              error);
}

char *
carrete_client_share_page_url (CarreteClient *self, CarreteShare *share)
{
  const char *url;

  g_return_val_if_fail (CARRETE_IS_CLIENT (self), NULL);
  g_return_val_if_fail (CARRETE_IS_SHARE (share), NULL);
  url = carrete_share_get_url (share);
  if (url == NULL)
    return NULL;
  return _carrete_client_join_url (carrete_client_get_server_url (self), url);
}

void
carrete_client_list_shares_async (CarreteClient *self, const char *folder_id,
                                  const char *photo_id, const char *cursor,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_autoptr (GString) path = g_string_new ("/v1/shares");

  g_return_if_fail (CARRETE_IS_CLIENT (self));
  g_return_if_fail ((folder_id == NULL) != (photo_id == NULL));
  _carrete_query_append (path, "folder_id", folder_id);
  _carrete_query_append (path, "photo_id", photo_id);
  _carrete_query_append (path, "cursor", cursor);
  _carrete_client_call_convert_async (
      self, "GET", path->str, NULL, (CarreteFromJson) carrete_share_page_new_from_json,
      (GDestroyNotify) carrete_list_page_free, carrete_client_list_shares_async, cancellable,
      callback, user_data);
}

CarreteSharePage *
carrete_client_list_shares_finish (CarreteClient *self, GAsyncResult *result, GError **error)
{
  return _carrete_client_call_convert_finish (self, result, carrete_client_list_shares_async,
                                              error);
}

void
carrete_client_list_all_shares_async (CarreteClient *self, const char *folder_id,
                                      const char *photo_id, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GString) path = g_string_new ("/v1/shares");

  g_return_if_fail (CARRETE_IS_CLIENT (self));
  g_return_if_fail ((folder_id == NULL) != (photo_id == NULL));
  _carrete_query_append (path, "folder_id", folder_id);
  _carrete_query_append (path, "photo_id", photo_id);
  all_pages_start (self, path->str, (CarreteFromJson) carrete_share_page_new_from_json,
                   carrete_client_list_all_shares_async, cancellable, callback, user_data);
}

GPtrArray *
carrete_client_list_all_shares_finish (CarreteClient *self, GAsyncResult *result, GError **error)
{
  return all_pages_finish (self, result, carrete_client_list_all_shares_async, error);
}

void
carrete_client_update_share_async (CarreteClient *self, const char *share_id, const char *label,
                                   GDateTime *expires_at, const char *password,
                                   int allow_download, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (CARRETE_IS_CLIENT (self));
  g_return_if_fail (share_id != NULL);
  json_builder_begin_object (builder);
  add_link_settings (builder, label, expires_at, password, allow_download);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  path = _carrete_client_item_path ("shares", share_id, NULL);
  _carrete_client_call_convert_async (self, "PATCH", path, body, SHARE_FROM_JSON, g_object_unref,
                                      carrete_client_update_share_async, cancellable, callback,
                                      user_data);
}

CarreteShare *
carrete_client_update_share_finish (CarreteClient *self, GAsyncResult *result, GError **error)
{
  return _carrete_client_call_convert_finish (self, result, carrete_client_update_share_async,
                                              error);
}

void
carrete_client_revoke_share_async (CarreteClient *self, const char *share_id,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (CARRETE_IS_CLIENT (self));
  g_return_if_fail (share_id != NULL);
  path = _carrete_client_item_path ("shares", share_id, NULL);
  _carrete_client_call_convert_async (self, "DELETE", path, NULL, NULL, NULL,
                                      carrete_client_revoke_share_async, cancellable, callback,
                                      user_data);
}

gboolean
carrete_client_revoke_share_finish (CarreteClient *self, GAsyncResult *result, GError **error)
{
  return _carrete_client_call_convert_finish_boolean (self, result,
                                                      carrete_client_revoke_share_async, error);
}

/* ---- members ------------------------------------------------------------------------------ */

/* "/v1/folders/{folder_id}/members[/{user_id}]". */
static char *
members_path (const char *folder_id, const char *user_id)
{
  g_autofree char *escaped = user_id != NULL ? g_uri_escape_string (user_id, NULL, FALSE) : NULL;
  g_autofree char *suffix = g_strconcat ("/members", user_id != NULL ? "/" : "",
                                         user_id != NULL ? escaped : "", NULL);

  return _carrete_client_item_path ("folders", folder_id, suffix);
}

void
carrete_client_list_members_async (CarreteClient *self, const char *folder_id, const char *cursor,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_autofree char *base = NULL;
  g_autoptr (GString) path = NULL;

  g_return_if_fail (CARRETE_IS_CLIENT (self));
  g_return_if_fail (folder_id != NULL);
  base = members_path (folder_id, NULL);
  path = g_string_new (base);
  _carrete_query_append (path, "cursor", cursor);
  _carrete_client_call_convert_async (
      self, "GET", path->str, NULL, (CarreteFromJson) carrete_member_page_new_from_json,
      (GDestroyNotify) carrete_list_page_free, carrete_client_list_members_async, cancellable,
      callback, user_data);
}

CarreteMemberPage *
carrete_client_list_members_finish (CarreteClient *self, GAsyncResult *result, GError **error)
{
  return _carrete_client_call_convert_finish (self, result, carrete_client_list_members_async,
                                              error);
}

void
carrete_client_list_all_members_async (CarreteClient *self, const char *folder_id,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (CARRETE_IS_CLIENT (self));
  g_return_if_fail (folder_id != NULL);
  path = members_path (folder_id, NULL);
  all_pages_start (self, path, (CarreteFromJson) carrete_member_page_new_from_json,
                   carrete_client_list_all_members_async, cancellable, callback, user_data);
}

GPtrArray *
carrete_client_list_all_members_finish (CarreteClient *self, GAsyncResult *result,
                                        GError **error)
{
  return all_pages_finish (self, result, carrete_client_list_all_members_async, error);
}

void
carrete_client_put_member_async (CarreteClient *self, const char *folder_id, const char *user_id,
                                 const char *role, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (CARRETE_IS_CLIENT (self));
  g_return_if_fail (folder_id != NULL && user_id != NULL && role != NULL);
  json_builder_begin_object (builder);
  carrete_json_add_string (builder, "role", role);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  path = members_path (folder_id, user_id);
  _carrete_client_call_convert_async (self, "PUT", path, body, MEMBER_FROM_JSON, g_object_unref,
                                      carrete_client_put_member_async, cancellable, callback,
                                      user_data);
}

CarreteMember *
carrete_client_put_member_finish (CarreteClient *self, GAsyncResult *result, GError **error)
{
  return _carrete_client_call_convert_finish (self, result, carrete_client_put_member_async,
                                              error);
}

void
carrete_client_remove_member_async (CarreteClient *self, const char *folder_id,
                                    const char *user_id, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (CARRETE_IS_CLIENT (self));
  g_return_if_fail (folder_id != NULL && user_id != NULL);
  path = members_path (folder_id, user_id);
  _carrete_client_call_convert_async (self, "DELETE", path, NULL, NULL, NULL,
                                      carrete_client_remove_member_async, cancellable, callback,
                                      user_data);
}

gboolean
carrete_client_remove_member_finish (CarreteClient *self, GAsyncResult *result, GError **error)
{
  return _carrete_client_call_convert_finish_boolean (self, result,
                                                      carrete_client_remove_member_async, error);
}

/* ---- accounts by username ----------------------------------------------------------------- */

/* The one public profile of the look-up's page; an empty page is an
 * unknown username. */
static gpointer
user_from_page (JsonObject *object, GError **error)
{
  g_autoptr (CarreteListPage) page =
      carrete_list_page_new_from_json (object, (CarreteFromJson) carrete_user_new_from_json, error);

  if (page == NULL)
    return NULL;
  if (page->items->len == 0)
    {
      g_set_error_literal (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_NOT_FOUND,
                           "There is no account with that username.");
      return NULL;
    }
  return g_object_ref (g_ptr_array_index (page->items, 0));
}

void
carrete_client_find_user_async (CarreteClient *self, const char *username,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_autoptr (GString) path = g_string_new ("/v1/users");

  g_return_if_fail (CARRETE_IS_CLIENT (self));
  g_return_if_fail (username != NULL);
  _carrete_query_append (path, "username", username);
  _carrete_client_call_convert_async (self, "GET", path->str, NULL, user_from_page,
                                      g_object_unref, carrete_client_find_user_async,
                                      cancellable, callback, user_data);
}

CarreteUser *
carrete_client_find_user_finish (CarreteClient *self, GAsyncResult *result, GError **error)
{
  return _carrete_client_call_convert_finish (self, result, carrete_client_find_user_async,
                                              error);
}
