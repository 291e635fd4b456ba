#define G_LOG_DOMAIN "carrete-web"

/* "Sign in with …": carrete-users makes the sign-in and says where to send
 * the browser; the provider sends it back to /login/oidc/callback, whose
 * code and state carrete-users turns into a session.  The state also rides
 * in a cookie, so that a callback only completes in the browser that
 * started it (no signing someone in as the attacker with a link).  With
 * ?link=1 the callback links the provider to a password account instead
 * (pages-oidc-link.c). */

#include "pages.h"

#include "carrete-keys.h"
#include "web-api.h"
#include "web-cookies.h"
#include "web-html.h"

#define STATE_COOKIE_SECONDS 600 /* as long as carrete-users keeps the sign-in */

static char *
query_value (const char *url, const char *name)
{
  const char *query = strchr (url, '?');
  g_autoptr (GHashTable) params = NULL;

  if (query == NULL)
    return NULL;
  params = g_uri_parse_params (query + 1, -1, "&", G_URI_PARAMS_NONE, NULL);
  return params != NULL ? g_strdup (g_hash_table_lookup (params, name)) : NULL;
}

/* The provider cannot be reached: the password form still works. */
static void
render_unavailable (WebCtx *ctx)
{
  pages_render_login (ctx, 503,
                      T (ctx, "Signing in with the identity provider is unavailable right now. "
                              "Sign in with your password, or try again in a moment."),
                      NULL, NULL);
}

static void
on_started (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  const char *url = carrete_json_get_string (web_api_object (result), "authorization_url");
  g_autofree char *state = url != NULL ? query_value (url, "state") : NULL;

  gboolean link = GPOINTER_TO_INT (user_data);

  if (result->status == 302 && state != NULL && web_cookie_value_is_valid (state))
    {
      web_ctx_set_cookie (ctx, WEB_COOKIE_OIDC_STATE, state, STATE_COOKIE_SECONDS);
      web_ctx_set_cookie (ctx, WEB_COOKIE_OIDC_LINK, link ? "1" : "", link ? STATE_COOKIE_SECONDS : 0);
      web_ctx_redirect (ctx, url);
    }
  else if (web_api_unavailable (result))
    render_unavailable (ctx);
  else
    pages_render_login (ctx, result->status >= 400 ? result->status : 502,
                        web_api_problem (result, T (ctx, "Signing in failed.")), NULL, NULL);
}

/* GET /login/oidc[?link=1] */
void
pages_oidc_start (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);
  g_autofree char *redirect = NULL;
  g_autofree char *path = NULL;

  if (ctx->app->oidc_provider == NULL)
    {
      web_ctx_respond_not_found (ctx);
      return;
    }
  redirect = web_query_escape (ctx->app->oidc_redirect_uri);
  path = g_strconcat ("/v1/auth/oidc/start?redirect_uri=", redirect, NULL);
  web_api_call (ctx, WEB_USERS, "GET", path, NULL, on_started,
                GINT_TO_POINTER (g_strcmp0 (carrete_request_get_query (req, "link"), "1") == 0));
}

static void
on_called_back (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  JsonObject *pair = web_api_object (result);

  if (result->status == 200 && carrete_json_get_string (pair, "access_token") != NULL)
    {
      web_ctx_set_session (ctx, pair, NULL);
      web_ctx_redirect (ctx, "/");
    }
  else if (result->status == 409)
    pages_oidc_link_offer (ctx);
  else if (result->status == 403)
    pages_render_login (ctx, 403,
                        T (ctx, "The identity provider has not verified your email address. Verify "
                                "it there, then try again."),
                        NULL, NULL);
  else if (web_api_unavailable (result))
    render_unavailable (ctx);
  else
    pages_render_login (ctx, 400, T (ctx, "That sign-in did not work or has expired. Start again."),
                        NULL, NULL);
}

/* GET /login/oidc/callback?code=&state= (or ?error= when the provider
 * did not sign the visitor in) */
void
pages_oidc_callback (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);
  const char *code = carrete_request_get_query (req, "code");
  const char *state = carrete_request_get_query (req, "state");
  const char *expected = g_hash_table_lookup (ctx->cookies, WEB_COOKIE_OIDC_STATE);
  gboolean link = g_strcmp0 (g_hash_table_lookup (ctx->cookies, WEB_COOKIE_OIDC_LINK), "1") == 0;
  g_autoptr (JsonNode) body = NULL;

  if (ctx->app->oidc_provider == NULL)
    {
      web_ctx_respond_not_found (ctx);
      return;
    }
  /* Used or not, the state is spent. */
  web_ctx_set_cookie (ctx, WEB_COOKIE_OIDC_STATE, "", 0);
  if (link)
    web_ctx_set_cookie (ctx, WEB_COOKIE_OIDC_LINK, "", 0);
  if (code == NULL || !carrete_secret_equal (state, expected))
    {
      pages_render_login (
          ctx, 400, T (ctx, "That sign-in did not work or has expired. Start again."), NULL, NULL);
      return;
    }
  if (link)
    {
      /* The code is redeemed with the password (POST /login/oidc/link). */
      pages_oidc_link_render (ctx, 200, NULL, code, state, NULL);
      return;
    }
  body = web_api_strings ("code", code, "state", state, NULL);
  web_api_call (ctx, WEB_USERS, "POST", "/v1/auth/oidc/callback", body, on_called_back, NULL);
}
