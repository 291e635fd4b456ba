#define G_LOG_DOMAIN "carrete-service-client"

#include "carrete-service-client.h"

#include <libsoup/soup.h>
#include <string.h>

#include "carrete-error.h"
#include "carrete-source.h"

#define READ_CHUNK (64 * 1024)
/* An idle connection to the other service stays open this long for the
 * next call. */
#define IDLE_CONNECTION_SECONDS 60
/* Per worker: enough for the calls one worker's requests make at once. */
#define MAX_CONNS 128
#define MAX_CONNS_PER_HOST 64

struct _CarreteServiceClient
{
  SoupSession *session;
  char *base_url;
  guint timeout_seconds;
  gboolean unfollowed; /* redirects are answers, not followed */
};

CarreteServiceClient *
carrete_service_client_new (const char *base_url, guint timeout_seconds)
{
  CarreteServiceClient *client = g_new0 (CarreteServiceClient, 1);
  gsize len;

  /* No proxy lookup: services reach each other directly, and the default
   * resolver would load GSettings and cost GIO work on every call. */
  client->session = soup_session_new_with_options (
      "proxy-resolver", NULL, "timeout", timeout_seconds, "idle-timeout", IDLE_CONNECTION_SECONDS,
      "max-conns", MAX_CONNS, "max-conns-per-host", MAX_CONNS_PER_HOST, "user-agent",
      "carrete/" CARRETE_VERSION, NULL);
  client->base_url = g_strdup (base_url != NULL ? base_url : "");
  len = strlen (client->base_url);
  while (len > 0 && client->base_url[len - 1] == '/')
    client->base_url[--len] = '\0';
  client->timeout_seconds = timeout_seconds;
  return client;
}

void
carrete_service_client_set_follow_redirects (CarreteServiceClient *client, gboolean follow)
{
  client->unfollowed = !follow;
}

void
carrete_service_client_free (CarreteServiceClient *client)
{
  if (client == NULL)
    return;
  soup_session_abort (client->session);
  g_object_unref (client->session);
  g_free (client->base_url);
  g_free (client);
}

/* ---- one call --------------------------------------------------------------- */

/* A call's state, the task data.  It holds no pointer to the client: a
 * client freed mid-call (its session aborted) still completes the task. */
typedef struct
{
  SoupMessage *msg;
  GCancellable *cancellable;        /* ours: the caller's and the timer cancel it */
  GCancellable *caller_cancellable; /* may be NULL */
  gulong caller_handler;
  GSource *timer;
  gulong wrote_body_handler;
  GInputStream *in;
  GByteArray *body;
  guint timeout_seconds;
  guint status;
  gboolean timed_out;
} Call;

static void
stop_timer (Call *call)
{
  if (call->timer == NULL)
    return;
  g_source_destroy (call->timer);
  g_clear_pointer (&call->timer, g_source_unref);
}

static void
call_free (gpointer data)
{
  Call *call = data;

  stop_timer (call);
  if (call->wrote_body_handler != 0)
    g_signal_handler_disconnect (call->msg, call->wrote_body_handler);
  if (call->caller_handler != 0)
    g_cancellable_disconnect (call->caller_cancellable, call->caller_handler);
  g_clear_object (&call->caller_cancellable);
  g_clear_object (&call->in);
  g_clear_object (&call->cancellable);
  g_clear_object (&call->msg);
  g_clear_pointer (&call->body, g_byte_array_unref);
  g_free (call);
}

/* What the caller's cancellable reaches: our cancellable, on the main
 * context the call runs on. */
typedef struct
{
  GCancellable *ours;
  GMainContext *context;
} CallerLink;

static void
caller_link_free (gpointer data)
{
  CallerLink *link = data;

  g_object_unref (link->ours);
  g_main_context_unref (link->context);
  g_free (link);
}

static gboolean
cancel_ours (gpointer ours)
{
  g_cancellable_cancel (ours);
  return G_SOURCE_REMOVE;
}

/* Runs on whichever thread cancels the caller's cancellable, inside its
 * "cancelled" emission.  Cancelling ours there could complete the call
 * (and free it) at once, and freeing disconnects from the caller's
 * cancellable, which GLib 2.74 cannot do during its emission: it would
 * wait for itself.  So ours is cancelled from the call's own main context. */
static void
on_caller_cancelled (GCancellable *caller, gpointer data)
{
  CallerLink *link = data;

  carrete_idle_add_on (link->context, cancel_ours, g_object_ref (link->ours), g_object_unref,
                       "carrete-service-client-cancel");
}

static gboolean
on_timeout (gpointer data)
{
  Call *call = data;

  call->timed_out = TRUE;
  g_clear_pointer (&call->timer, g_source_unref);
  g_cancellable_cancel (call->cancellable);
  return G_SOURCE_REMOVE;
}

/* Ends the call with `error` (taken), in the terms the header promises. */
static void
fail (GTask *task, GError *error)
{
  Call *call = g_task_get_task_data (task);
  gboolean cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  stop_timer (call);
  if (cancelled && call->timed_out)
    g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                             "A service this one relies on took longer than %u s.",
                             call->timeout_seconds);
  else if (cancelled || error->domain == CARRETE_ERROR)
    {
      g_task_return_error (task, error);
      return;
    }
  else
    g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                             "A service this one relies on cannot be reached: %s", error->message);
  g_error_free (error);
}

/* More than a call may read: the rest is never read, and cancelling drops
 * the connection instead of reading it to the end. */
static void
fail_too_large (GTask *task)
{
  Call *call = g_task_get_task_data (task);

  g_cancellable_cancel (call->cancellable);
  fail (task, g_error_new (CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                           "A service this one relies on sent more than %u bytes.",
                           (guint) CARRETE_SERVICE_CLIENT_MAX_ANSWER));
}

static void read_next (GTask *task);

static void
on_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (GBytes) chunk
      = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);

  if (chunk == NULL)
    fail (task, error);
  else if (g_bytes_get_size (chunk) == 0)
    {
      stop_timer (call);
      g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&call->body)),
                             (GDestroyNotify) g_bytes_unref);
    }
  else if (call->body->len + g_bytes_get_size (chunk) > CARRETE_SERVICE_CLIENT_MAX_ANSWER)
    fail_too_large (task);
  else
    {
      g_byte_array_append (call->body, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
      read_next (g_steal_pointer (&task));
    }
}

static void
read_next (GTask *task)
{
  Call *call = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (call->in, READ_CHUNK, G_PRIORITY_DEFAULT, call->cancellable,
                                   on_read, task);
}

static void
on_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  SoupMessageHeaders *headers;
  GError *error = NULL;

  call->in = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (call->in == NULL)
    {
      fail (task, error);
      return;
    }
  call->status = soup_message_get_status (call->msg);
  headers = soup_message_get_response_headers (call->msg);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
      && soup_message_headers_get_content_length (headers) > CARRETE_SERVICE_CLIENT_MAX_ANSWER)
    {
      fail_too_large (task);
      return;
    }
  call->body = g_byte_array_new ();
  read_next (g_steal_pointer (&task));
}

static void
set_forward_headers (SoupMessage *msg, const CarreteForward *forward)
{
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  soup_message_headers_replace (headers, "Accept", "application/json");
  if (forward == NULL)
    return;
  if (forward->bearer != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", forward->bearer, NULL);
      soup_message_headers_replace (headers, "Authorization", auth);
    }
  if (forward->request_id != NULL)
    soup_message_headers_replace (headers, "X-Request-Id", forward->request_id);
  if (forward->forwarded_for != NULL)
    soup_message_headers_replace (headers, "X-Forwarded-For", forward->forwarded_for);
  if (forward->share != NULL)
    soup_message_headers_replace (headers, "X-Carrete-Share", forward->share);
  if (forward->share_password != NULL)
    soup_message_headers_replace (headers, "X-Carrete-Share-Password", forward->share_password);
}

static void
start_timer (Call *call)
{
  if (call->timer != NULL)
    return;
  call->timer = g_timeout_source_new_seconds (call->timeout_seconds);
  g_source_set_callback (call->timer, on_timeout, call, NULL);
  carrete_source_attach (call->timer);
}

/* The per-call limit and the caller's cancellable both cancel ours. */
static void
watch_call (Call *call, GCancellable *caller)
{
  call->cancellable = g_cancellable_new ();
  if (caller != NULL)
    {
      CallerLink *link = g_new0 (CallerLink, 1);

      link->ours = g_object_ref (call->cancellable);
      link->context = g_main_context_ref_thread_default ();
      call->caller_cancellable = g_object_ref (caller);
      call->caller_handler = g_cancellable_connect (caller, G_CALLBACK (on_caller_cancelled), link,
                                                    caller_link_free);
    }
  if (call->timeout_seconds == 0)
    return;
  /* The limit starts once the request body is out: an upload passed on to
   * another service may take as long as its bytes keep flowing (a stall is
   * soup's "timeout"); the answer must then come within the limit. */
  call->wrote_body_handler
      = g_signal_connect_swapped (call->msg, "wrote-body", G_CALLBACK (start_timer), call);
}

void
carrete_service_client_send_async (CarreteServiceClient *client, const char *method,
                                   const char *path, const CarreteQueryParam *query,
                                   const char *content_type, GBytes *body,
                                   const CarreteForward *forward, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autofree char *target = carrete_service_path_with_query (path, query);
  g_autofree char *url = g_strconcat (client->base_url, target, NULL);
  Call *call = g_new0 (Call, 1);

  g_task_set_source_tag (task, carrete_service_client_send_async);
  g_task_set_task_data (task, call, call_free);
  call->timeout_seconds = client->timeout_seconds;
  call->msg = soup_message_new (method, url);
  if (call->msg == NULL)
    {
      g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_FAILED,
                               "Cannot build the request %s %s.", method, target);
      return;
    }
  set_forward_headers (call->msg, forward);
  if (client->unfollowed)
    soup_message_add_flags (call->msg, SOUP_MESSAGE_NO_REDIRECT);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (call->msg, content_type, body);
  watch_call (call, cancellable);
  soup_session_send_async (client->session, call->msg, G_PRIORITY_DEFAULT, call->cancellable,
                           on_sent, g_steal_pointer (&task));
}

void
carrete_service_client_call_async (CarreteServiceClient *client, const char *method,
                                   const char *path, const CarreteQueryParam *query, JsonNode *body,
                                   const CarreteForward *forward, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GBytes) bytes = NULL;

  if (body != NULL)
    {
      char *text = json_to_string (body, FALSE);
      bytes = g_bytes_new_take (text, strlen (text));
    }
  carrete_service_client_send_async (client, method, path, query, "application/json", bytes,
                                     forward, cancellable, callback, user_data);
}

/* ---- the answer ------------------------------------------------------------- */

/* The answer's body, and its status (also when there is no body to give). */
static GBytes *
propagate_body (GAsyncResult *result, guint *status, GError **error)
{
  GTask *task = G_TASK (result);
  Call *call;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (task) == carrete_service_client_send_async, NULL);
  call = g_task_get_task_data (task);
  if (status != NULL)
    *status = call->status;
  return g_task_propagate_pointer (task, error);
}

/* FALSE when the body is not JSON; an empty body is NULL. */
static gboolean
parse_json (GBytes *body, JsonNode **root)
{
  g_autoptr (JsonParser) parser = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (body, &len);

  *root = NULL;
  if (len == 0)
    return TRUE;
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) len, NULL)
      || json_parser_get_root (parser) == NULL)
    return FALSE;
  *root = json_node_ref (json_parser_get_root (parser));
  return TRUE;
}

gboolean
carrete_service_client_call_finish (GAsyncResult *result, guint *status, JsonNode **json,
                                    GError **error)
{
  guint code = 0;
  g_autoptr (GBytes) body = propagate_body (result, &code, error);
  g_autoptr (JsonNode) root = NULL;
  gboolean parsed;

  if (status != NULL)
    *status = code;
  if (body == NULL)
    return FALSE;
  parsed = parse_json (body, &root);
  if (!SOUP_STATUS_IS_SUCCESSFUL (code))
    {
      carrete_service_set_answer_error (code, root, error);
      return FALSE;
    }
  if (!parsed)
    {
      g_set_error_literal (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                           "A service this one relies on sent an answer that is not JSON.");
      return FALSE;
    }
  if (json != NULL)
    *json = g_steal_pointer (&root);
  return TRUE;
}

gboolean
carrete_service_client_answer_finish (GAsyncResult *result, guint *status, JsonNode **json,
                                      GError **error)
{
  g_autoptr (GBytes) body = propagate_body (result, status, error);
  g_autoptr (JsonNode) root = NULL;

  if (body == NULL)
    return FALSE;
  /* Not JSON (an HTML error page of a proxy, say): no JSON to give. */
  parse_json (body, &root);
  if (json != NULL)
    *json = g_steal_pointer (&root);
  return TRUE;
}
