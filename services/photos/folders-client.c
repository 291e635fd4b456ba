#define G_LOG_DOMAIN "carrete-photos-folders"

#include "folders-client.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "carrete-error.h"

#define MAX_FOLDER_RESPONSE (256 * 1024)

struct _FoldersClient
{
  SoupSession *session;
  char *base_url;
  const CarreteIds *ids;
};

FoldersClient *
folders_client_new (const char *base_url, const CarreteIds *ids, guint timeout_seconds)
{
  FoldersClient *client = g_new0 (FoldersClient, 1);

  /* No proxy lookup: services talk to each other directly, and the default
   * resolver costs a round of GIO work on every request. */
  client->session = soup_session_new_with_options ("proxy-resolver", NULL, "timeout",
                                                   timeout_seconds, "idle-timeout", 60,
                                                   "max-conns-per-host", 32, NULL);
  client->base_url = g_strdup (base_url);
  while (g_str_has_suffix (client->base_url, "/"))
    client->base_url[strlen (client->base_url) - 1] = '\0';
  client->ids = ids;
  return client;
}

void
folders_client_free (FoldersClient *client)
{
  if (client == NULL)
    return;
  soup_session_abort (client->session);
  g_object_unref (client->session);
  g_free (client->base_url);
  g_free (client);
}

static SoupMessage *
new_request (FoldersClient *client, const char *path_and_query, const char *bearer,
             const char *request_id)
{
  g_autofree char *url = g_strconcat (client->base_url, path_and_query, NULL);
  SoupMessage *msg = soup_message_new ("GET", url);
  SoupMessageHeaders *headers;

  if (msg == NULL)
    return NULL;
  headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (bearer != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", bearer, NULL);
      soup_message_headers_replace (headers, "Authorization", auth);
    }
  if (request_id != NULL)
    soup_message_headers_replace (headers, "X-Request-Id", request_id);
  return msg;
}

/* Turns a finished exchange into JSON, or the error the caller answers. */
static JsonNode *
response_json (SoupMessage *msg, GBytes *body, GError *transport_error, GError **error)
{
  guint status = soup_message_get_status (msg);
  g_autoptr (JsonParser) parser = NULL;
  gsize len = 0;
  const char *data;

  if (transport_error != NULL)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                   "The folders service cannot be reached: %s", transport_error->message);
      return NULL;
    }
  if (status == 404 || status == 401 || status == 403)
    {
      g_set_error_literal (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND, "No such folder.");
      return NULL;
    }
  if (status == 400 || status == 422)
    {
      g_set_error_literal (error, CARRETE_ERROR, CARRETE_ERROR_INVALID,
                           "The folders service refused the search.");
      return NULL;
    }
  if (status != 200 || body == NULL)
    {
      g_set_error (error, CARRETE_ERROR, status >= 500 ? CARRETE_ERROR_UNAVAILABLE : CARRETE_ERROR_FAILED,
                   "The folders service answered %u.", status);
      return NULL;
    }
  data = g_bytes_get_data (body, &len);
  parser = json_parser_new_immutable ();
  if (len > MAX_FOLDER_RESPONSE || !json_parser_load_from_data (parser, data, (gssize) len, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                           "The folders service sent an unreadable answer.");
      return NULL;
    }
  return json_node_ref (json_parser_get_root (parser));
}

static gboolean
folder_from_json (FoldersClient *client, JsonObject *object, FoldersFolder *folder)
{
  const char *id = json_object_get_string_member_with_default (object, "id", NULL);
  const char *owner = json_object_get_string_member_with_default (object, "owner_id", NULL);
  const char *visibility = json_object_get_string_member_with_default (object, "visibility", "");

  folder->is_public = g_str_equal (visibility, "public");
  return id != NULL && owner != NULL
         && carrete_ids_decode (client->ids, CARRETE_ID_FOLDER, id, &folder->id)
         && carrete_ids_decode (client->ids, CARRETE_ID_USER, owner, &folder->owner_id);
}

/* ---- one folder -------------------------------------------------------------- */

static void
on_folder_received (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  FoldersClient *client = g_task_get_task_data (task);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr (GError) transport_error = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                               &transport_error);
  g_autoptr (JsonNode) root = response_json (msg, body, transport_error, &error);
  g_autofree FoldersFolder *folder = g_new0 (FoldersFolder, 1);

  if (root == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (!folder_from_json (client, json_node_get_object (root), folder))
    g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                             "The folders service sent a folder without ids.");
  else
    g_task_return_pointer (task, g_steal_pointer (&folder), g_free);
}

static GTask *
new_task (FoldersClient *client, gpointer tag, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, NULL, callback, user_data);

  g_task_set_task_data (task, client, NULL);
  g_task_set_source_tag (task, tag);
  return task;
}

void
folders_client_get_async (FoldersClient *client, gint64 folder_id, const char *bearer,
                          const char *request_id, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = new_task (client, folders_client_get_async, callback, user_data);
  g_autofree char *id = carrete_ids_encode (client->ids, CARRETE_ID_FOLDER, folder_id);
  g_autofree char *path = g_strconcat ("/v1/folders/", id, NULL);
  g_autoptr (SoupMessage) msg = new_request (client, path, bearer, request_id);

  soup_session_send_and_read_async (client->session, msg, G_PRIORITY_DEFAULT, NULL,
                                    on_folder_received, task);
}

gboolean
folders_client_get_finish (FoldersClient *client, GAsyncResult *result, FoldersFolder *folder,
                           GError **error)
{
  g_autofree FoldersFolder *found = g_task_propagate_pointer (G_TASK (result), error);

  if (found == NULL)
    return FALSE;
  *folder = *found;
  return TRUE;
}

/* ---- folder ids by tags ---------------------------------------------------------- */

typedef struct
{
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
collect_page (FoldersClient *client, TagSearch *search, JsonObject *page, const char **next)
{
  JsonNode *items = json_object_get_member (page, "items");
  JsonNode *cursor = json_object_get_member (page, "next_cursor");

  if (items == NULL || !JSON_NODE_HOLDS_ARRAY (items))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (items)); i++)
    {
      JsonNode *item = json_array_get_element (json_node_get_array (items), i);
      FoldersFolder folder;

      if (!JSON_NODE_HOLDS_OBJECT (item) || !folder_from_json (client, json_node_get_object (item), &folder))
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
  GTask *task = user_data;
  FoldersClient *client = g_object_get_data (G_OBJECT (task), "client");
  TagSearch *search = g_task_get_task_data (task);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr (GError) transport_error = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                               &transport_error);
  g_autoptr (JsonNode) root = response_json (msg, body, transport_error, &error);
  const char *next = NULL;

  if (root == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (!collect_page (client, search, json_node_get_object (root), &next))
    g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                             "The folders service sent an unreadable page.");
  else if (next != NULL && search->ids->len < search->max)
    {
      request_tag_page (task, next);
      return;
    }
  else
    g_task_return_pointer (task, g_array_ref (search->ids), (GDestroyNotify) g_array_unref);
  g_object_unref (task);
}

static void
request_tag_page (GTask *task, const char *cursor)
{
  FoldersClient *client = g_object_get_data (G_OBJECT (task), "client");
  TagSearch *search = g_task_get_task_data (task);
  g_autofree char *tags = g_uri_escape_string (search->tags, ",", FALSE);
  g_autofree char *match = g_uri_escape_string (search->match, NULL, FALSE);
  g_autofree char *after = cursor != NULL ? g_uri_escape_string (cursor, NULL, FALSE) : NULL;
  g_autofree char *path = g_strdup_printf ("/v1/folders?scope=mine&limit=200&tags=%s&match=%s%s%s",
                                           tags, match, after != NULL ? "&cursor=" : "",
                                           after != NULL ? after : "");
  g_autoptr (SoupMessage) msg = new_request (client, path, search->bearer, search->request_id);

  soup_session_send_and_read_async (client->session, msg, G_PRIORITY_DEFAULT, NULL, on_tag_page,
                                    task);
}

void
folders_client_ids_by_tags_async (FoldersClient *client, const char *tags, const char *match,
                                  guint max, const char *bearer, const char *request_id,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, NULL, callback, user_data);
  TagSearch *search = g_new0 (TagSearch, 1);

  search->tags = g_strdup (tags);
  search->match = g_strdup (match != NULL ? match : "all");
  search->bearer = g_strdup (bearer);
  search->request_id = g_strdup (request_id);
  search->max = max;
  search->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_task_set_task_data (task, search, tag_search_free);
  g_object_set_data (G_OBJECT (task), "client", client);
  request_tag_page (task, NULL);
}

GArray *
folders_client_ids_by_tags_finish (FoldersClient *client, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
