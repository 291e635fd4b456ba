#define G_LOG_DOMAIN "carrete-photos-folders"

#include "folders-client.h"

#include "carrete-error.h"
#include "carrete-op.h"
#include "carrete-service-client.h"

#include <string.h>

/* The most folder ids one page of a tag search asks for. */
#define TAG_PAGE_LIMIT "200"

struct _FoldersClient
{
  CarreteServiceClient *folders;
  const CarreteIds *ids;
};

FoldersClient *
folders_client_new (const char *base_url, const CarreteIds *ids, guint timeout_seconds)
{
  FoldersClient *client = g_new0 (FoldersClient, 1);

  client->folders = carrete_service_client_new (base_url, timeout_seconds);
  client->ids = ids;
  return client;
}

void
folders_client_free (FoldersClient *client)
{
  if (client == NULL)
    return;
  carrete_service_client_free (client->folders);
  g_free (client);
}

/* The folders service's refusals, in the terms of a photo request: a folder
 * the caller may not see there (401, 403 or 404) is no folder at all, and a
 * search it refuses is the caller's to fix.  Takes `error`. */
static void
return_folders_error (GTask *task, GError *error)
{
  if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND)
      || g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_UNAUTHORIZED)
      || g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_FORBIDDEN))
    g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND, "No such folder.");
  else if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_BAD_REQUEST)
           || g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_INVALID))
    g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_INVALID,
                             "The folders service refused the search.");
  else
    {
      g_task_return_error (task, error);
      return;
    }
  g_error_free (error);
}

/* The answer's object, or NULL with `task` answered.  `result` NULL: the
 * call was finished already, its JSON in *root. */
static JsonObject *
finish_object (GTask *task, GAsyncResult *result, JsonNode **root)
{
  GError *error = NULL;

  if (result != NULL && !carrete_service_client_call_finish (result, NULL, root, &error))
    {
      return_folders_error (task, error);
      return NULL;
    }
  if (*root == NULL || !JSON_NODE_HOLDS_OBJECT (*root))
    {
      g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                               "The folders service sent an unreadable answer.");
      return NULL;
    }
  return json_node_get_object (*root);
}

static FoldersRole
role_from_text (const char *role)
{
  if (g_str_equal (role, "owner"))
    return FOLDERS_ROLE_OWNER;
  if (g_str_equal (role, "contributor"))
    return FOLDERS_ROLE_CONTRIBUTOR;
  if (g_str_equal (role, "viewer"))
    return FOLDERS_ROLE_VIEWER;
  if (g_str_equal (role, "link"))
    return FOLDERS_ROLE_LINK;
  return FOLDERS_ROLE_NONE;
}

static gboolean
folder_from_json (FoldersClient *client, JsonObject *object, FoldersFolder *folder)
{
  const char *id = json_object_get_string_member_with_default (object, "id", NULL);
  const char *owner = json_object_get_string_member_with_default (object, "owner_id", NULL);
  const char *visibility = json_object_get_string_member_with_default (object, "visibility", "");

  folder->is_public = g_str_equal (visibility, "public");
  folder->role = role_from_text (json_object_get_string_member_with_default (object, "role", ""));
  /* Only a link's answer carries it: everyone else may download. */
  folder->allow_download
      = json_object_get_boolean_member_with_default (object, "allow_download", TRUE);
  return id != NULL && owner != NULL
         && carrete_ids_decode (client->ids, CARRETE_ID_FOLDER, id, &folder->id)
         && carrete_ids_decode (client->ids, CARRETE_ID_USER, owner, &folder->owner_id);
}

/* ---- one folder, and what a link covers ---------------------------------------------- */

/* A call's state: whether it carried a link's headers, and a refusal's
 * Retry-After. */
typedef struct
{
  FoldersClient *client;
  gboolean link;
  guint retry_after;
} FolderCall;

static GTask *
folder_call_new (FoldersClient *client, const CarreteForward *forward, gpointer source_tag,
                 GAsyncReadyCallback callback, gpointer user_data)
{
  FolderCall *call = g_new0 (FolderCall, 1);

  call->client = client;
  call->link = forward != NULL && forward->share != NULL;
  return carrete_op_new (call, g_free, source_tag, NULL, callback, user_data);
}

/* The answer's object, or NULL with `task` answered.  A link holder hears
 * the folders service's own refusal: the link is unknown (404), wants its
 * password (401) or was guessed at too often (429, with the seconds to
 * wait); anyone else as return_folders_error says. */
static JsonObject *
finish_folder_call (GTask *task, GAsyncResult *result, JsonNode **root)
{
  FolderCall *call = g_task_get_task_data (task);
  GError *error = NULL;

  if (carrete_service_client_call_finish (result, NULL, root, &error))
    return finish_object (task, NULL, root);
  call->retry_after = carrete_service_client_retry_after (result);
  if (call->link
      && (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND)
          || g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_UNAUTHORIZED)
          || g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_RATE_LIMITED)))
    g_task_return_error (task, error);
  else
    return_folders_error (task, error);
  return NULL;
}

static void
on_folder_received (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  FolderCall *call = g_task_get_task_data (task);
  g_autoptr (JsonNode) root = NULL;
  JsonObject *object = finish_folder_call (task, result, &root);
  g_autofree FoldersFolder *folder = g_new0 (FoldersFolder, 1);

  if (object == NULL)
    return;
  if (!folder_from_json (call->client, object, folder))
    g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                             "The folders service sent a folder without ids.");
  else
    g_task_return_pointer (task, g_steal_pointer (&folder), g_free);
}

void
folders_client_get_as_async (FoldersClient *client, gint64 folder_id,
                             const CarreteForward *forward, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  GTask *task = folder_call_new (client, forward, folders_client_get_async, callback, user_data);
  g_autofree char *id = carrete_ids_encode (client->ids, CARRETE_ID_FOLDER, folder_id);
  g_autofree char *path = g_strconcat ("/v1/folders/", id, NULL);

  carrete_service_client_call_async (client->folders, "GET", path, NULL, NULL, forward, NULL,
                                     on_folder_received, task);
}

void
folders_client_get_async (FoldersClient *client, gint64 folder_id, const char *bearer,
                          const char *request_id, GAsyncReadyCallback callback, gpointer user_data)
{
  CarreteForward forward = { .bearer = bearer, .request_id = request_id };

  folders_client_get_as_async (client, folder_id, &forward, callback, user_data);
}

/* A call's answer (a struct of `size` bytes) copied into `out`, or on
 * failure the refusal's Retry-After in *retry_after. */
static gboolean
propagate_answer (GAsyncResult *result, gpointer out, gsize size, guint *retry_after,
                  GError **error)
{
  FolderCall *call = g_task_get_task_data (G_TASK (result));
  g_autofree gpointer found = g_task_propagate_pointer (G_TASK (result), error);

  if (found == NULL)
    {
      *retry_after = call->retry_after;
      return FALSE;
    }
  memcpy (out, found, size);
  return TRUE;
}

gboolean
folders_client_get_finish (FoldersClient *client, GAsyncResult *result, FoldersFolder *folder,
                           GError **error)
{
  return propagate_answer (result, folder, sizeof *folder, &folder->retry_after, error);
}

/* An id member of a link's answer: absent or null is 0. */
static gboolean
decode_member (FoldersClient *client, JsonObject *object, const char *name, CarreteIdType kind,
               gint64 *id)
{
  const char *text = json_object_get_string_member_with_default (object, name, NULL);

  *id = 0;
  return text == NULL || carrete_ids_decode (client->ids, kind, text, id);
}

static void
on_link_received (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  FolderCall *call = g_task_get_task_data (task);
  g_autoptr (JsonNode) root = NULL;
  JsonObject *object = finish_folder_call (task, result, &root);
  g_autofree FoldersLink *link = g_new0 (FoldersLink, 1);

  if (object == NULL)
    return;
  link->allow_download = json_object_get_boolean_member_with_default (object, "allow_download",
                                                                       FALSE);
  if (!decode_member (call->client, object, "folder_id", CARRETE_ID_FOLDER, &link->folder_id)
      || !decode_member (call->client, object, "photo_id", CARRETE_ID_PHOTO, &link->photo_id)
      || (link->folder_id == 0) == (link->photo_id == 0))
    g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                             "The folders service sent a link that covers nothing.");
  else
    g_task_return_pointer (task, g_steal_pointer (&link), g_free);
}

void
folders_client_link_async (FoldersClient *client, const CarreteForward *forward,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = folder_call_new (client, forward, folders_client_link_async, callback, user_data);

  carrete_service_client_call_async (client->folders, "GET", "/v1/shares/current", NULL, NULL,
                                     forward, NULL, on_link_received, task);
}

gboolean
folders_client_link_finish (FoldersClient *client, GAsyncResult *result, FoldersLink *link,
                            GError **error)
{
  return propagate_answer (result, link, sizeof *link, &link->retry_after, error);
}

/* ---- folder ids by tags ---------------------------------------------------------- */

typedef struct
{
  FoldersClient *client;
  char *tags;
  char *match;
  char *bearer;
  char *request_id;
  guint max;
  GArray *ids;
} TagSearch;

static void
tag_search_free (gpointer data)
{
  TagSearch *search = data;

  g_free (search->tags);
  g_free (search->match);
  g_free (search->bearer);
  g_free (search->request_id);
  g_array_unref (search->ids);
  g_free (search);
}

static void request_tag_page (GTask *task, const char *cursor);

static gboolean
collect_page (TagSearch *search, JsonObject *page, const char **next)
{
  JsonNode *items = json_object_get_member (page, "items");
  JsonNode *cursor = json_object_get_member (page, "next_cursor");

  if (items == NULL || !JSON_NODE_HOLDS_ARRAY (items))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (items)); i++)
    {
      JsonNode *item = json_array_get_element (json_node_get_array (items), i);
      FoldersFolder folder;

      if (!JSON_NODE_HOLDS_OBJECT (item)
          || !folder_from_json (search->client, json_node_get_object (item), &folder))
        return FALSE;
      if (search->ids->len < search->max)
        g_array_append_val (search->ids, folder.id);
    }
  *next = cursor != NULL && JSON_NODE_HOLDS_VALUE (cursor) ? json_node_get_string (cursor) : NULL;
  return TRUE;
}

static void
on_tag_page (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  TagSearch *search = g_task_get_task_data (task);
  g_autoptr (JsonNode) root = NULL;
  JsonObject *page = finish_object (task, result, &root);
  const char *next = NULL;

  if (page == NULL)
    return;
  if (!collect_page (search, page, &next))
    g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                             "The folders service sent an unreadable page.");
  else if (next != NULL && search->ids->len < search->max)
    request_tag_page (g_steal_pointer (&task), next);
  else
    g_task_return_pointer (task, g_array_ref (search->ids), (GDestroyNotify) g_array_unref);
}

static void
request_tag_page (GTask *task, const char *cursor)
{
  TagSearch *search = g_task_get_task_data (task);
  const CarreteQueryParam query[] = {
    { "scope", "mine" },        { "limit", TAG_PAGE_LIMIT }, { "tags", search->tags },
    { "match", search->match }, { "cursor", cursor },        { NULL, NULL },
  };
  CarreteForward forward = { .bearer = search->bearer, .request_id = search->request_id };

  carrete_service_client_call_async (search->client->folders, "GET", "/v1/folders", query, NULL,
                                     &forward, NULL, on_tag_page, task);
}

void
folders_client_ids_by_tags_async (FoldersClient *client, const char *tags, const char *match,
                                  guint max, const char *bearer, const char *request_id,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  TagSearch *search = g_new0 (TagSearch, 1);
  GTask *task = carrete_op_new (search, tag_search_free, folders_client_ids_by_tags_async, NULL,
                                callback, user_data);

  search->client = client;
  search->tags = g_strdup (tags);
  search->match = g_strdup (match != NULL ? match : "all");
  search->bearer = g_strdup (bearer);
  search->request_id = g_strdup (request_id);
  search->max = max;
  search->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  request_tag_page (task, NULL);
}

GArray *
folders_client_ids_by_tags_finish (FoldersClient *client, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- the folder trash ------------------------------------------------------------- */

static void
on_trash_answered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  JsonNode *root = NULL;
  GError *error = NULL;

  if (carrete_service_client_call_finish (result, NULL, &root, &error))
    g_task_return_pointer (task, root, root != NULL ? (GDestroyNotify) json_node_unref : NULL);
  else if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND)
           || g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_CONFLICT))
    g_task_return_error (task, error);
  else
    return_folders_error (task, error);
}

void
folders_client_trash_async (FoldersClient *client, const char *method, const char *path,
                            const CarreteQueryParam *query, const char *bearer,
                            const char *request_id, GAsyncReadyCallback callback,
                            gpointer user_data)
{
  GTask *task = carrete_op_new (client, NULL, folders_client_trash_async, NULL, callback,
                                user_data);
  g_autofree char *full = g_strconcat ("/v1/folders/trash", path, NULL);
  CarreteForward forward = { .bearer = bearer, .request_id = request_id };

  carrete_service_client_call_async (client->folders, method, full, query, NULL, &forward, NULL,
                                     on_trash_answered, task);
}

gboolean
folders_client_trash_finish (FoldersClient *client, GAsyncResult *result, JsonNode **json,
                             GError **error)
{
  GError *local_error = NULL;

  *json = g_task_propagate_pointer (G_TASK (result), &local_error);
  if (local_error == NULL)
    return TRUE;
  g_propagate_error (error, local_error);
  return FALSE;
}
