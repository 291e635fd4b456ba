#define G_LOG_DOMAIN "carrete-web"

#include "web-refresh.h"

#include "web-api.h"

static void
on_refreshed (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  g_autofree char *key = user_data;
  g_autoptr (GError) error = NULL;

  if (result->status == 200
      && carrete_json_get_string (web_api_object (result), "access_token") != NULL)
    {
      carrete_refresh_gate_answer (ctx->app->refreshes, key, result->json, NULL);
      return;
    }
  /* A refusal is kept like a new pair; an outage (status 0, 5xx) is not,
   * and the next page tries again. */
  error = result->error != NULL
              ? g_error_copy (result->error)
              : g_error_new_literal (CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_NOT_CARRETE,
                                     "The answer to a token refresh has no token.");
  carrete_refresh_gate_answer (ctx->app->refreshes, key, NULL, error);
}

/* The gate's start: the first request of this token and browser asks. */
static void
send_refresh (CarreteRefreshGate *gate, const char *key, gpointer start_data)
{
  WebCtx *ctx = start_data;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "refresh_token");
  json_builder_add_string_value (builder, ctx->refresh);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  web_api_call (ctx, WEB_USERS, "POST", "/v1/auth/refresh", body, on_refreshed, g_strdup (key));
}

void
web_refresh_async (WebCtx *ctx, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autofree char *keyed = g_strconcat (ctx->refresh, "\n", ctx->csrf_seed, NULL);
  g_autofree char *key = g_compute_checksum_for_string (G_CHECKSUM_SHA256, keyed, -1);

  /* The gate answers on this worker's main context, the thread-default one
   * here. */
  carrete_refresh_gate_wait_async (ctx->app->refreshes, key, send_refresh, ctx, NULL, callback,
                                   user_data);
}
