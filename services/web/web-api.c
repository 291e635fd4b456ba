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
  g_clear_error (&result->error);
}

JsonObject *
web_api_object (WebApiResult *result)
{
  return result->json != NULL && JSON_NODE_HOLDS_OBJECT (result->json)
           ? json_node_get_object (result->json)
           : NULL;
}

gpointer
web_api_model (WebApiResult *result, CarreteFromJson from_json)
{
  g_autoptr (GError) error = NULL;
  gpointer model;

  if (result->status < 200 || result->status >= 300)
    return NULL;
  model = carrete_json_read_model (result->json, from_json, &error);
  /* Logged: the page treats it as no answer. */
  if (model == NULL)
    g_message ("a service's answer: %s", error->message);
  return model;
}

const char *
web_api_problem (WebApiResult *result, const char *fallback)
{
  const char *text = carrete_client_error_get_problem_text (result->error);

  return text != NULL ? text : fallback;
}

char *
web_api_quota_message (WebCtx *ctx, WebApiResult *result)
{
  JsonObject *problem = result->status == 413 ? web_api_object (result) : NULL;
  gint64 quota = problem != NULL ? carrete_json_get_int (problem, "quota_bytes", -1) : -1;
  gint64 usage = problem != NULL ? carrete_json_get_int (problem, "usage_bytes", -1) : -1;
  g_autofree char *quota_text = NULL;
  g_autofree char *usage_text = NULL;
  GString *text;

  if (quota < 0 || usage < 0)
    return NULL;
  quota_text = g_format_size ((guint64) quota);
  usage_text = g_format_size ((guint64) usage);
  text = g_string_new (
      T (ctx, "There is no room left for this file: {usage} of your {quota} are used."));
  g_string_replace (text, "{usage}", usage_text, 0);
  g_string_replace (text, "{quota}", quota_text, 0);
  return g_string_free (text, FALSE);
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

static void
call_finish (Call *call, WebApiResult *result)
{
  call->callback (call->ctx, result, call->user_data);
  web_api_result_clear (result);
  call_free (call);
}

/* No answer: the service could not be reached (status 0). */
static void
call_fail_unreachable (Call *call, const char *why)
{
  WebApiResult result = { 0 };

  result.error = g_error_new (CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNREACHABLE,
                              "Cannot reach the service: %s", why);
  call_finish (call, &result);
}

static void
call_fail_session (Call *call)
{
  WebApiResult result = { .status = 401 };

  result.error = carrete_client_error_new_from_answer (401, NULL, NULL);
  call_finish (call, &result);
}

/* ---- refresh ------------------------------------------------------------- */

static GPtrArray *
waiting_calls (WebCtx *ctx)
{
  return ctx->refresh_waiting;
}

/* Sends the calls that waited for the refresh, or fails them: with
 * `error`, as signed out, or as unreachable when the users service is
 * down (the page can still say so instead of pretending the visitor
 * signed out). */
static void
release_waiting (WebCtx *ctx, const GError *error)
{
  g_autoptr (GPtrArray) waiting = g_steal_pointer (&ctx->refresh_waiting);

  for (guint i = 0; waiting != NULL && i < waiting->len; i++)
    {
      Call *call = g_ptr_array_index (waiting, i);

      if (error == NULL)
        call_send (call);
      else if (carrete_client_error_is_transient (error))
        call_fail_unreachable (call, error->message);
      else
        call_fail_session (call);
    }
}

static void
on_refreshed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (WebCtx) ctx = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) pair = NULL;

  if (carrete_refresh_gate_wait_finish (result, &pair, &error))
    web_ctx_set_session (ctx, json_node_get_object (pair), NULL);
  release_waiting (ctx, error);
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
  web_refresh_async (ctx, on_refreshed, web_ctx_ref (ctx));
}

static gboolean
needs_refresh_first (Call *call)
{
  WebCtx *ctx = call->ctx;

  if (ctx->refresh == NULL || call->service == WEB_USERS || ctx->link_token != NULL)
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
      call_fail_unreachable (call, error->message);
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
    result.error = carrete_client_error_new_from_answer (result.status, result.json, NULL);
  call_finish (call, &result);
}

static void
call_send (Call *call)
{
  WebCtx *ctx = call->ctx;
  /* A link's holder is not the visitor's account: the link's pages show
   * what the link covers, whoever is signed in. */
  gboolean as_link = ctx->link_token != NULL;
  CarreteForward forward = {
    .bearer = as_link ? NULL : ctx->access,
    .request_id = carrete_request_get_request_id (call->ctx->req),
    /* The visitor's address, not ours: carrete-users throttles failed
     * logins per address, and every visitor would otherwise share
     * carrete-web's. */
    .forwarded_for = carrete_request_get_client_address (call->ctx->req),
    .share = ctx->link_token,
    .share_password = ctx->link_password,
  };

  call->sent_with_token = forward.bearer != NULL;
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

JsonNode *
web_api_strings (const char *name, ...)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  va_list args;

  json_builder_begin_object (builder);
  va_start (args, name);
  for (const char *member = name; member != NULL; member = va_arg (args, const char *))
    {
      json_builder_set_member_name (builder, member);
      json_builder_add_string_value (builder, va_arg (args, const char *));
    }
  va_end (args);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
