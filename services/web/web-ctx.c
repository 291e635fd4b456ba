#define G_LOG_DOMAIN "carrete-web"

#include "web-ctx.h"

#include <string.h>

#include "carrete-base64url.h"
#include "carrete-keys.h"
#include "carrete-json.h"
#include "web-cookies.h"
#include "web-form.h"
#include "web-html.h"
#include "web-layout.h"

#define CSRF_COOKIE_SECONDS (365 * 24 * 3600)
#define LANG_COOKIE_SECONDS (365 * 24 * 3600)
#define DEFAULT_REFRESH_SECONDS (30 * 24 * 3600)

void
web_ctx_set_cookie (WebCtx *ctx, const char *name, const char *value, gint64 max_age)
{
  web_ctx_set_cookie_at (ctx, name, value, "/", max_age);
}

void
web_ctx_set_cookie_at (WebCtx *ctx, const char *name, const char *value, const char *path,
                       gint64 max_age)
{
  char *header = web_cookie_format_at (name, value, path, max_age, ctx->app->cookie_secure);

  if (header != NULL)
    g_ptr_array_add (ctx->set_cookies, header);
}

/* The claims the page needs from an access token, read without checking
 * the signature: the services check it on every call. */
static void
read_access_claims (WebCtx *ctx)
{
  g_auto (GStrv) parts = NULL;
  g_autoptr (GBytes) payload = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *claims;
  gsize len = 0;
  const char *data;

  g_clear_pointer (&ctx->user_id, g_free);
  ctx->access_exp = 0;
  if (ctx->access == NULL)
    return;
  parts = g_strsplit (ctx->access, ".", 4);
  if (g_strv_length (parts) != 3
      || (payload = carrete_base64url_decode (parts[1], strlen (parts[1]))) == NULL)
    return;
  data = g_bytes_get_data (payload, &len);
  if (!json_parser_load_from_data (parser, data, (gssize) len, NULL)
      || (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  claims = json_node_get_object (root);
  if (json_object_has_member (claims, "sub")
      && json_node_get_value_type (json_object_get_member (claims, "sub")) == G_TYPE_STRING)
    ctx->user_id = g_strdup (json_object_get_string_member (claims, "sub"));
  if (json_object_has_member (claims, "exp")
      && json_node_get_value_type (json_object_get_member (claims, "exp")) == G_TYPE_INT64)
    ctx->access_exp = json_object_get_int_member (claims, "exp");
}

static char *
cookie_or_null (WebCtx *ctx, const char *name)
{
  const char *value = g_hash_table_lookup (ctx->cookies, name);
  return value != NULL && *value != '\0' ? g_strdup (value) : NULL;
}

static void
pick_language (WebCtx *ctx)
{
  const char *query_lang = carrete_request_get_query (ctx->req, "lang");

  ctx->lang = web_i18n_pick (query_lang, g_hash_table_lookup (ctx->cookies, WEB_COOKIE_LANG),
                             carrete_request_get_header (ctx->req, "Accept-Language"));
  if (web_i18n_supported (query_lang) != NULL)
    web_ctx_set_cookie (ctx, WEB_COOKIE_LANG, ctx->lang, LANG_COOKIE_SECONDS);
}

WebCtx *
web_ctx_new (CarreteRequest *req)
{
  WebCtx *ctx = g_new0 (WebCtx, 1);

  ctx->ref_count = 1;
  ctx->req = req;
  ctx->app = carrete_request_get_app (req);
  ctx->cookies = web_cookies_parse (carrete_request_get_header (req, "Cookie"));
  ctx->set_cookies = g_ptr_array_new_with_free_func (g_free);
  ctx->access = cookie_or_null (ctx, WEB_COOKIE_ACCESS);
  ctx->refresh = cookie_or_null (ctx, WEB_COOKIE_REFRESH);
  ctx->username = cookie_or_null (ctx, WEB_COOKIE_USER);
  read_access_claims (ctx);
  ctx->csrf_seed = cookie_or_null (ctx, WEB_COOKIE_CSRF);
  if (ctx->csrf_seed == NULL || !web_cookie_value_is_valid (ctx->csrf_seed))
    {
      g_free (ctx->csrf_seed);
      ctx->csrf_seed = web_csrf_new_seed ();
      web_ctx_set_cookie (ctx, WEB_COOKIE_CSRF, ctx->csrf_seed, CSRF_COOKIE_SECONDS);
    }
  ctx->csrf_token = web_csrf_token (&ctx->app->csrf, ctx->csrf_seed);
  pick_language (ctx);
  return ctx;
}

WebCtx *
web_ctx_ref (WebCtx *ctx)
{
  g_atomic_int_inc (&ctx->ref_count);
  return ctx;
}

static void
wipe (char **secret)
{
  if (*secret != NULL)
    memset (*secret, 0, strlen (*secret));
  g_clear_pointer (secret, g_free);
}

void
web_ctx_unref (WebCtx *ctx)
{
  if (ctx == NULL || !g_atomic_int_dec_and_test (&ctx->ref_count))
    return;
  if (!ctx->answered)
    {
      g_warning ("a page request ended without an answer");
      web_ctx_respond_message (ctx, 500, N_("Something went wrong"),
                               N_("Carrete could not finish this page. Please try again."));
    }
  g_hash_table_unref (ctx->cookies);
  g_ptr_array_unref (ctx->set_cookies);
  wipe (&ctx->access);
  wipe (&ctx->refresh);
  g_free (ctx->username);
  g_free (ctx->user_id);
  g_free (ctx->csrf_seed);
  g_free (ctx->csrf_token);
  g_free (ctx->link_token);
  carrete_secret_free (ctx->link_password);
  g_free (ctx);
}

const char *
web_ctx_t (WebCtx *ctx, const char *msgid)
{
  return web_i18n_get (ctx->app->i18n, ctx->lang, msgid);
}

char *
web_ctx_t_replace (WebCtx *ctx, const char *msgid, const char *placeholder, const char *value)
{
  GString *text = g_string_new (web_ctx_t (ctx, msgid));

  g_string_replace (text, placeholder, value, 0);
  return g_string_free (text, FALSE);
}

gboolean
web_ctx_has_session (WebCtx *ctx)
{
  return ctx->access != NULL || ctx->refresh != NULL;
}

/* After a form post the page to come back to is the one the form was on:
 * /photos/ph_x/rename → /photos/ph_x. */
static char *
page_of_action (const char *path)
{
  static const char *const actions[] = { "/rename", "/move", "/delete" };

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    if (g_str_has_suffix (path, actions[i]))
      return g_strndup (path, strlen (path) - strlen (actions[i]));
  return g_strdup (g_str_equal (path, "/logout") ? "/" : path);
}

gboolean
web_ctx_is_user (WebCtx *ctx, const char *user_id)
{
  return ctx->user_id != NULL && g_strcmp0 (user_id, ctx->user_id) == 0;
}

char *
web_ctx_here (WebCtx *ctx)
{
  GUri *uri = soup_server_message_get_uri (carrete_request_get_message (ctx->req));
  const char *query = g_uri_get_query (uri);

  if (g_str_equal (carrete_request_get_method (ctx->req), "POST"))
    return page_of_action (g_uri_get_path (uri));
  return g_strconcat (g_uri_get_path (uri), query != NULL ? "?" : "", query != NULL ? query : "",
                      NULL);
}

void
web_ctx_set_access (WebCtx *ctx, const char *token)
{
  wipe (&ctx->access);
  ctx->access = g_strdup (token);
  read_access_claims (ctx);
}

void
web_ctx_set_session (WebCtx *ctx, JsonObject *pair, const char *username)
{
  const char *access = carrete_json_get_string (pair, "access_token");
  const char *refresh = carrete_json_get_string (pair, "refresh_token");
  gint64 refresh_age = carrete_json_get_int (pair, "refresh_expires_in", DEFAULT_REFRESH_SECONDS);
  JsonNode *user = json_object_get_member (pair, "user");

  if (username == NULL && user != NULL && JSON_NODE_HOLDS_OBJECT (user))
    username = carrete_json_get_string (json_node_get_object (user), "username");
  if (access == NULL || refresh == NULL)
    return;
  web_ctx_set_access (ctx, access);
  wipe (&ctx->refresh);
  ctx->refresh = g_strdup (refresh);
  /* The access cookie outlives the token a little: an expired one is
   * refreshed on the next page instead of looking signed out. */
  web_ctx_set_cookie (ctx, WEB_COOKIE_ACCESS, access, refresh_age);
  web_ctx_set_cookie (ctx, WEB_COOKIE_REFRESH, refresh, refresh_age);
  /* Only a sign-in through the provider has one; a refresh keeps it. */
  if (carrete_json_get_string (pair, "id_token") != NULL)
    web_ctx_set_cookie (ctx, WEB_COOKIE_OIDC_ID_TOKEN, carrete_json_get_string (pair, "id_token"),
                        refresh_age);
  if (username != NULL)
    {
      g_free (ctx->username);
      ctx->username = g_strdup (username);
      web_ctx_set_cookie (ctx, WEB_COOKIE_USER, username, refresh_age);
    }
}

void
web_ctx_clear_session (WebCtx *ctx)
{
  web_ctx_set_access (ctx, NULL);
  wipe (&ctx->refresh);
  g_clear_pointer (&ctx->username, g_free);
  web_ctx_set_cookie (ctx, WEB_COOKIE_ACCESS, "", 0);
  web_ctx_set_cookie (ctx, WEB_COOKIE_REFRESH, "", 0);
  web_ctx_set_cookie (ctx, WEB_COOKIE_USER, "", 0);
  if (g_hash_table_contains (ctx->cookies, WEB_COOKIE_OIDC_ID_TOKEN))
    web_ctx_set_cookie (ctx, WEB_COOKIE_OIDC_ID_TOKEN, "", 0);
}

gboolean
web_ctx_csrf_ok (WebCtx *ctx, const char *token)
{
  /* A seed made for this very request was never in a form. */
  if (g_hash_table_lookup (ctx->cookies, WEB_COOKIE_CSRF) == NULL)
    return FALSE;
  return web_csrf_check (&ctx->app->csrf, ctx->csrf_seed, token);
}

GHashTable *
web_ctx_take_form (WebCtx *ctx)
{
  GBytes *body = carrete_request_get_body (ctx->req);
  gsize len = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &len) : NULL;
  GHashTable *form = web_form_parse (data, len);

  if (form == NULL)
    {
      web_ctx_respond_message (ctx, 400, N_("This form could not be read"),
                               N_("The form arrived damaged. Go back, reload the page and try again."));
      return NULL;
    }
  if (!web_ctx_csrf_ok (ctx, g_hash_table_lookup (form, "csrf_token")))
    {
      g_hash_table_unref (form);
      web_ctx_respond_message (ctx, 403, N_("This form has expired"),
                               N_("The form did not carry a valid security token, so nothing was "
                                  "changed. Go back, reload the page and try again."));
      return NULL;
    }
  return form;
}

GHashTable *
web_ctx_take_change_form (WebCtx *ctx, const char **id)
{
  g_autoptr (GHashTable) form = web_ctx_take_form (ctx);

  *id = carrete_request_get_param (ctx->req, "id");
  if (form == NULL)
    return NULL;
  if (!web_ctx_has_session (ctx))
    {
      web_ctx_redirect_to_login (ctx);
      return NULL;
    }
  if (!web_form_id_is_plausible (*id))
    {
      web_ctx_respond_not_found (ctx);
      return NULL;
    }
  return g_steal_pointer (&form);
}

static void
add_cookies (WebCtx *ctx)
{
  SoupMessageHeaders *headers
      = soup_server_message_get_response_headers (carrete_request_get_message (ctx->req));

  for (guint i = 0; i < ctx->set_cookies->len; i++)
    soup_message_headers_append (headers, "Set-Cookie", g_ptr_array_index (ctx->set_cookies, i));
}

static gboolean
begin_answer (WebCtx *ctx)
{
  if (ctx->answered)
    {
      g_warning ("a page request was answered twice");
      return FALSE;
    }
  ctx->answered = TRUE;
  add_cookies (ctx);
  carrete_request_set_header (ctx->req, "Vary", "Cookie, Accept-Language");
  return TRUE;
}

void
web_ctx_respond_html (WebCtx *ctx, guint status, const char *title, const char *main_html)
{
  char *page;
  g_autoptr (GBytes) body = NULL;

  if (!begin_answer (ctx))
    return;
  page = web_layout_render (ctx, title, main_html);
  body = g_bytes_new_take (page, strlen (page));
  carrete_request_respond_bytes (ctx->req, status, "text/html; charset=utf-8", body);
}

void
web_ctx_respond_message (WebCtx *ctx, guint status, const char *title, const char *message)
{
  g_autoptr (GString) html = g_string_new (NULL);

  web_append (html, "<h1>%s</h1>\n<div class=\"alert alert-danger\" role=\"alert\">%s</div>\n"
              "<p><a href=\"/\">%s</a></p>\n",
              T (ctx, title), T (ctx, message), T (ctx, "Back to the gallery"));
  web_ctx_respond_html (ctx, status, T (ctx, title), html->str);
}

void
web_ctx_respond_json (WebCtx *ctx, guint status, GString *text)
{
  if (!begin_answer (ctx))
    {
      g_string_free (text, TRUE);
      return;
    }
  carrete_request_respond_json_text (ctx->req, status, text);
}

void
web_ctx_redirect (WebCtx *ctx, const char *location)
{
  if (!begin_answer (ctx))
    return;
  carrete_request_set_header (ctx->req, "Location", location);
  carrete_request_respond_empty (ctx->req, 303);
}

void
web_ctx_redirect_to_login (WebCtx *ctx)
{
  g_autofree char *here = web_ctx_here (ctx);
  g_autofree char *next = web_query_escape (here);
  g_autofree char *location = g_strconcat ("/login?next=", next, NULL);

  if (web_ctx_has_session (ctx))
    web_ctx_clear_session (ctx);
  web_ctx_redirect (ctx, location);
}

void
web_ctx_respond_not_found (WebCtx *ctx)
{
  web_ctx_respond_message (ctx, 404, N_("Not found"),
                           N_("There is nothing here, or it is private. Check the address, or "
                              "sign in with the account that owns it."));
}
