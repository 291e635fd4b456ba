#define G_LOG_DOMAIN "carrete-web"

#include "web-api.h"

#include "web-refresh.h"

#include <string.h>

/* Refresh a little before the token really expires, so that it does not
 * expire between this check and the service's. */
#define EXPIRY_MARGIN_SECONDS 10

typedef struct
{
  WebCtx *ctx;
  WebService service;
  char *method;
  char *path;
  char *content_type;
  GBytes *body;
  WebApiFunc callback;
  gpointer user_data;
  gboolean sent_with_token;
} Call;

static void call_send (Call *call);

static void
call_free (Call *call)
{
  web_ctx_unref (call->ctx);
  g_free (call->method);
  g_free (call->path);
  g_free (call->content_type);
  g_clear_pointer (&call->body, g_bytes_unref);
  g_free (call);
}

static CarreteServiceClient *
service_client (WebCtx *ctx, WebService service)
{
  switch (service)
    {
    case WEB_USERS:
      return ctx->app->users;
    case WEB_PHOTOS:
      return ctx->app->photos;
    case WEB_FOLDERS:
    default:
      return ctx->app->folders;
    }
}

void
web_api_result_clear (WebApiResult *result)
{
  g_clear_pointer (&result->json, json_node_unref);
  g_clear_pointer (&result->message, g_free);
  g_clear_pointer (&result->field, g_free);
}

const char *
web_json_string (JsonObject *object, const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;
  return node != NULL && json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node)
                                                                           : NULL;
}

gint64
web_json_int (JsonObject *object, const char *member, gint64 fallback)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;
  return node != NULL && json_node_get_value_type (node) == G_TYPE_INT64 ? json_node_get_int (node)
                                                                          : fallback;
}

JsonObject *
web_api_object (WebApiResult *result)
{
  return result->json != NULL && JSON_NODE_HOLDS_OBJECT (result->json)
           ? json_node_get_object (result->json)
           : NULL;
}

JsonArray *
web_api_items (WebApiResult *result)
{
  JsonObject *object = web_api_object (result);
  JsonNode *items = object != NULL ? json_object_get_member (object, "items") : NULL;
  return items != NULL && JSON_NODE_HOLDS_ARRAY (items) ? json_node_get_array (items) : NULL;
}

gboolean
web_api_unavailable (WebApiResult *result)
{
  return result->status == 0 || result->status >= 500;
}

gboolean
web_api_session_lost (WebCtx *ctx, WebApiResult *result)
{
  return result->status == 401;
}

/* "detail" plus each "errors[].message", as one sentence for people. */
static void
read_problem (WebApiResult *result)
{
  JsonObject *problem = web_api_object (result);
  JsonNode *errors = problem != NULL ? json_object_get_member (problem, "errors") : NULL;
  GString *message;
  const char *detail = web_json_string (problem, "detail");

  if (problem == NULL)
    return;
  message = g_string_new (detail != NULL ? detail : web_json_string (problem, "title"));
  if (errors != NULL && JSON_NODE_HOLDS_ARRAY (errors))
    {
      JsonArray *list = json_node_get_array (errors);
      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          JsonNode *item = json_array_get_element (list, i);
          JsonObject *error = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;
          const char *field = web_json_string (error, "field");
          const char *text = web_json_string (error, "message");

          if (field != NULL && result->field == NULL)
            result->field = g_strdup (field);
          if (text != NULL)
            g_string_append_printf (message, "%s%s%s%s", message->len > 0 ? " " : "",
                                    field != NULL ? field : "", field != NULL ? ": " : "", text);
        }
    }
  result->message = g_string_free (message, message->len == 0);
}

static void
call_finish (Call *call, WebApiResult *result)
{
  call->callback (call->ctx, result, call->user_data);
  web_api_result_clear (result);
  call_free (call);
}

static void
call_fail_unreachable (Call *call)
{
  WebApiResult result = { 0 };
  call_finish (call, &result);
}

static void
call_fail_session (Call *call)
{
  WebApiResult result = { .status = 401 };
  call_finish (call, &result);
}

/* ---- refresh ------------------------------------------------------------- */

static GPtrArray *
waiting_calls (WebCtx *ctx)
{
  return ctx->refresh_waiting;
}

static void
release_waiting (WebCtx *ctx, gboolean refreshed)
{
  g_autoptr (GPtrArray) waiting = g_steal_pointer (&ctx->refresh_waiting);

  for (guint i = 0; waiting != NULL && i < waiting->len; i++)
    {
      Call *call = g_ptr_array_index (waiting, i);
      if (refreshed)
        call_send (call);
      else
        call_fail_session (call);
    }
}

static void
on_refreshed (WebCtx *ctx, guint status, JsonObject *pair, gpointer user_data)
{
  if (status == 200 && pair != NULL)
    {
      web_ctx_set_session (ctx, pair, NULL);
      release_waiting (ctx, TRUE);
      return;
    }
  if (status == 0)
    {
      /* The users service is down: the page can still say so instead of
       * pretending the visitor signed out. */
      g_autoptr (GPtrArray) waiting = g_steal_pointer (&ctx->refresh_waiting);
      for (guint i = 0; waiting != NULL && i < waiting->len; i++)
        call_fail_unreachable (g_ptr_array_index (waiting, i));
      return;
    }
  release_waiting (ctx, FALSE);
}

/* Queues `call` behind the one refresh of its page request. */
static void
refresh_then_send (Call *call)
{
  WebCtx *ctx = call->ctx;
  GPtrArray *waiting = waiting_calls (ctx);
  gboolean start = waiting == NULL;

  if (waiting == NULL && ctx->refresh_tried)
    {
      /* Already refreshed for this page and still refused. */
      call_fail_session (call);
      return;
    }
  if (waiting == NULL)
    {
      waiting = g_ptr_array_new ();
      ctx->refresh_waiting = waiting;
    }
  g_ptr_array_add (waiting, call);
  if (!start)
    return;
  ctx->refresh_tried = TRUE;
  web_refresh (ctx, on_refreshed, NULL);
}

static gboolean
needs_refresh_first (Call *call)
{
  WebCtx *ctx = call->ctx;

  if (ctx->refresh == NULL || call->service == WEB_USERS)
    return FALSE;
  if (waiting_calls (ctx) != NULL)
    return TRUE;
  if (ctx->refresh_tried)
    return FALSE;
  return ctx->access == NULL
         || (ctx->access_exp > 0
             && ctx->access_exp <= g_get_real_time () / G_USEC_PER_SEC + EXPIRY_MARGIN_SECONDS);
}

/* ---- sending ------------------------------------------------------------- */

static void
on_sent (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Call *call = user_data;
  g_autoptr (GError) error = NULL;
  WebApiResult result = { 0 };

  /* Any answer is the page's to read, a problem included; none at all is
   * status 0. */
  if (!carrete_service_client_answer_finish (res, &result.status, &result.json, &error))
    {
      g_message ("%s %s: %s", call->method, call->path, error->message);
      call_fail_unreachable (call);
      return;
    }
  if (result.status == 401 && call->sent_with_token && call->ctx->refresh != NULL
      && call->service != WEB_USERS)
    {
      web_api_result_clear (&result);
      refresh_then_send (call);
      return;
    }
  if (result.status >= 400)
    read_problem (&result);
  call_finish (call, &result);
}

static void
call_send (Call *call)
{
  CarreteForward forward = {
    .bearer = call->ctx->access,
    .request_id = carrete_request_get_request_id (call->ctx->req),
    /* The visitor's address, not ours: carrete-users throttles failed
     * logins per address, and every visitor would otherwise share
     * carrete-web's. */
    .forwarded_for = carrete_request_get_client_address (call->ctx->req),
  };

  call->sent_with_token = call->ctx->access != NULL;
  carrete_service_client_send_async (service_client (call->ctx, call->service), call->method,
                                     call->path, NULL, call->content_type, call->body, &forward,
                                     NULL, on_sent, call);
}

void
web_api_send_bytes (WebCtx *ctx, WebService service, const char *method, const char *path,
                    const char *content_type, GBytes *body, WebApiFunc callback,
                    gpointer user_data)
{
  Call *call = g_new0 (Call, 1);

  call->ctx = web_ctx_ref (ctx);
  call->service = service;
  call->method = g_strdup (method);
  call->path = g_strdup (path);
  call->content_type = g_strdup (content_type);
  call->body = body != NULL ? g_bytes_ref (body) : NULL;
  call->callback = callback;
  call->user_data = user_data;
  if (needs_refresh_first (call))
    refresh_then_send (call);
  else
    call_send (call);
}

void
web_api_call (WebCtx *ctx, WebService service, const char *method, const char *path,
              JsonNode *body, WebApiFunc callback, gpointer user_data)
{
  g_autoptr (GBytes) bytes = NULL;

  if (body != NULL)
    {
      char *text = json_to_string (body, FALSE);
      bytes = g_bytes_new_take (text, strlen (text));
    }
  web_api_send_bytes (ctx, service, method, path, "application/json", bytes, callback, user_data);
}

void
web_api_result_move (WebApiResult *to, WebApiResult *from)
{
  web_api_result_clear (to);
  *to = *from;
  *from = (WebApiResult) { 0 };
}
