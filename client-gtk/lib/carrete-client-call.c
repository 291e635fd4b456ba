#define G_LOG_DOMAIN "carrete-client"

#include "carrete-client.h"
#include "carrete-client-private.h"

/* The send pipeline of every JSON call (routing, bearer token, one refresh
 * and retry on a 401, error mapping).  The session, its tokens and their
 * refresh live in carrete-client.c. */

/* ---- the call pipeline ------------------------------------------------------------------ */

typedef struct
{
  char *method;
  char *path;
  GBytes *body;
  gboolean auth;
  CarreteResponseFlags flags;
  gboolean refreshed;
  char *sent_token;
  SoupMessage *msg;
} Call;

static void
call_free (Call *call)
{
  g_free (call->method);
  g_free (call->path);
  g_clear_pointer (&call->body, g_bytes_unref);
  g_free (call->sent_token);
  g_clear_object (&call->msg);
  g_free (call);
}

static void call_send (GTask *task);

static JsonNode *
parse_json_answer (SoupMessage *msg, GBytes *bytes, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  const char *type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);
  gsize size = 0;
  const char *data = g_bytes_get_data (bytes, &size);

  if (size == 0)
    return NULL;
  if (type == NULL || !g_str_has_suffix (type, "json")
      || !json_parser_load_from_data (parser, data, (gssize) size, NULL)
      || json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_NOT_CARRETE,
                   "The server answered (HTTP %u), but it is not a Carrete server.",
                   soup_message_get_status (msg));
      return NULL;
    }
  return json_node_ref (json_parser_get_root (parser));
}

static void
on_call_refreshed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!_carrete_client_refresh_finish (CARRETE_CLIENT (source), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  call_send (g_steal_pointer (&task));
}

GError *
_carrete_client_error_from_message (SoupMessage *msg, GBytes *bytes, CarreteResponseFlags flags)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);

  return _carrete_client_error_from_response (soup_message_get_status (msg),
                                              soup_message_headers_get_content_type (headers, NULL),
                                              bytes,
                                              soup_message_headers_get_one (headers, "Retry-After"),
                                              flags);
}

static void
on_call_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  CarreteClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  guint status;
  JsonNode *node;

  if (bytes == NULL)
    {
      g_task_return_error (task, _carrete_client_error_from_transport (error));
      return;
    }
  status = soup_message_get_status (call->msg);
  if (status == 401 && call->auth && call->sent_token != NULL && !call->refreshed)
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      call->refreshed = TRUE;
      _carrete_client_refresh_async (self, call->sent_token, cancellable, on_call_refreshed,
                                     g_steal_pointer (&task));
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status)
      && !((call->flags & CARRETE_RESPONSE_REDIRECT) && SOUP_STATUS_IS_REDIRECTION (status)))
    {
      g_task_return_error (task, _carrete_client_error_from_message (call->msg, bytes, call->flags));
      return;
    }
  node = parse_json_answer (call->msg, bytes, &error);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

static void
call_send (GTask *task)
{
  CarreteClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autofree char *url = _carrete_client_build_url (self, call->path);
  g_autoptr (GUri) uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  SoupMessageHeaders *headers;

  if (uri == NULL || g_uri_get_host (uri) == NULL
      || (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0
          && g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
    {
      g_task_return_new_error (task, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNREACHABLE,
                               "“%s” is not a server address (http:// or https://).",
                               carrete_client_get_service_url (self, CARRETE_SERVICE_USERS));
      g_object_unref (task);
      return;
    }
  if (call->auth && _carrete_client_get_access_token (self) == NULL)
    {
      g_task_return_new_error (task, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNAUTHORIZED,
                               "You are signed out; please sign in.");
      g_object_unref (task);
      return;
    }
  g_clear_object (&call->msg);
  call->msg = soup_message_new_from_uri (call->method, uri);
  if (call->flags & CARRETE_RESPONSE_REDIRECT)
    soup_message_add_flags (call->msg, SOUP_MESSAGE_NO_REDIRECT);
  headers = soup_message_get_request_headers (call->msg);
  soup_message_headers_replace (headers, "Accept", "application/json, application/problem+json");
  if (call->auth)
    {
      g_autofree char *value =
        g_strdup_printf ("Bearer %s", _carrete_client_get_access_token (self));

      soup_message_headers_replace (headers, "Authorization", value);
      g_free (call->sent_token);
      call->sent_token = g_strdup (_carrete_client_get_access_token (self));
    }
  if (call->body != NULL)
    soup_message_set_request_body_from_bytes (call->msg, "application/json", call->body);
  soup_session_send_and_read_async (_carrete_client_get_session (self), call->msg,
                                    G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                    on_call_read, task);
}

void
_carrete_client_call_start (CarreteClient *self, const char *method, const char *path_and_query,
                            JsonNode *body, gboolean auth, CarreteResponseFlags flags,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data, gpointer source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Call *call = g_new0 (Call, 1);

  g_task_set_source_tag (task, source_tag);
  call->method = g_strdup (method);
  call->path = g_strdup (path_and_query);
  call->auth = auth;
  call->flags = flags | CARRETE_RESPONSE_API;
  if (body != NULL)
    {
      g_autofree char *text = json_to_string (body, FALSE);
      gsize length = strlen (text);

      call->body = g_bytes_new_take (g_steal_pointer (&text), length);
    }
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);
  call_send (task);
}

void
_carrete_client_call_async (CarreteClient *self, const char *method, const char *path_and_query,
                            JsonNode *body, gboolean auth, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  _carrete_client_call_start (self, method, path_and_query, body, auth, 0, cancellable, callback,
                              user_data, _carrete_client_call_async);
}

JsonNode *
_carrete_client_call_finish (CarreteClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
