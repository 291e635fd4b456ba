#define G_LOG_DOMAIN "carrete-folders-photos"

#include "photos-client.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "carrete-error.h"

struct _FoldersPhotos
{
  char *base_url;
  SoupSession *session;
};

FoldersPhotos *
folders_photos_new (const char *base_url, guint timeout_seconds)
{
  FoldersPhotos *photos = g_new0 (FoldersPhotos, 1);

  photos->base_url = g_strdup (base_url);
  /* No proxy lookup: it would cost GIO work on every request. */
  photos->session = soup_session_new_with_options ("proxy-resolver", NULL, "timeout", timeout_seconds,
                                                   "idle-timeout", 60, "user-agent",
                                                   "carrete-folders/" CARRETE_VERSION, NULL);
  return photos;
}

void
folders_photos_free (FoldersPhotos *photos)
{
  if (photos == NULL)
    return;
  soup_session_abort (photos->session);
  g_clear_object (&photos->session);
  g_free (photos->base_url);
  g_free (photos);
}

static SoupMessage *
photos_message (FoldersPhotos *photos, const char *method, const char *query,
                const FoldersForward *forward)
{
  g_autofree char *url = g_strconcat (photos->base_url, "/v1/photos?", query, NULL);
  SoupMessage *msg = soup_message_new (method, url);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  if (forward->bearer != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", forward->bearer, NULL);
      soup_message_headers_replace (headers, "Authorization", auth);
    }
  if (forward->request_id != NULL)
    soup_message_headers_replace (headers, "X-Request-Id", forward->request_id);
  soup_message_headers_replace (headers, "Accept", "application/json");
  return msg;
}

/* Maps the transport outcome and status to our errors. */
static gboolean
check_status (SoupMessage *msg, GBytes *body, GError *transport_error, GError **error)
{
  guint status;

  if (body == NULL)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                   "The photos service cannot be reached: %s", transport_error->message);
      return FALSE;
    }
  status = soup_message_get_status (msg);
  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    return TRUE;
  if (status == 401)
    g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_UNAUTHORIZED,
                 "The photos service did not accept the access token.");
  else
    g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                 "The photos service answered %u; nothing was changed.", status);
  return FALSE;
}

/* 1 when the page lists a photo, 0 when empty, -1 when it is no page. */
static int
page_has_items (GBytes *body)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (body, &len);
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;
  JsonObject *object;
  JsonNode *items;

  if (len == 0 || !json_parser_load_from_data (parser, data, (gssize) len, NULL))
    return -1;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return -1;
  object = json_node_get_object (root);
  items = json_object_get_member (object, "items");
  if (items == NULL || !JSON_NODE_HOLDS_ARRAY (items))
    return -1;
  return json_array_get_length (json_node_get_array (items)) > 0;
}

static void
any_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  SoupMessage *msg = g_task_get_task_data (task);
  g_autoptr (GError) transport_error = NULL;
  g_autoptr (GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                               &transport_error);
  GError *error = NULL;
  int has_items;

  if (!check_status (msg, body, transport_error, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  has_items = page_has_items (body);
  if (has_items < 0)
    g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                             "The photos service gave an answer that is not a photo list.");
  else
    g_task_return_int (task, has_items);
}

static void
send_message (FoldersPhotos *photos, SoupMessage *msg, gpointer tag, GAsyncReadyCallback done,
              GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, NULL, callback, user_data);

  g_task_set_source_tag (task, tag);
  g_task_set_task_data (task, msg, g_object_unref);
  soup_session_send_and_read_async (photos->session, msg, G_PRIORITY_DEFAULT, NULL, done, task);
}

static char *
folder_query (const char *folder_id, const char *extra)
{
  g_autofree char *escaped = g_uri_escape_string (folder_id, NULL, FALSE);
  return g_strconcat ("folder_id=", escaped, extra, NULL);
}

void
folders_photos_any_async (FoldersPhotos *photos, const char *folder_id,
                          const FoldersForward *forward, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_autofree char *query = folder_query (folder_id, "&limit=1");

  send_message (photos, photos_message (photos, "GET", query, forward), folders_photos_any_async,
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
  SoupMessage *msg = g_task_get_task_data (task);
  g_autoptr (GError) transport_error = NULL;
  g_autoptr (GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                               &transport_error);
  GError *error = NULL;

  if (check_status (msg, body, transport_error, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
folders_photos_delete_all_async (FoldersPhotos *photos, const char *folder_id,
                                 const FoldersForward *forward, GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_autofree char *query = folder_query (folder_id, "");

  send_message (photos, photos_message (photos, "DELETE", query, forward),
                folders_photos_delete_all_async, delete_sent, callback, user_data);
}

gboolean
folders_photos_delete_all_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
