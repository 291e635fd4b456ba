#define G_LOG_DOMAIN "carrete-web"

#include "pages.h"

#include "web-api.h"
#include "web-cookies.h"
#include "web-form.h"
#include "web-html.h"
#include "web-layout.h"
#include "web-widgets.h"

/* ---- forms ---------------------------------------------------------------- */

/* The narrow card both forms stand in: heading and error, if any. */
static GString *
open_card (const char *title, const char *error)
{
  GString *html = g_string_new (NULL);

  web_append (html, "<section class=\"card narrow\"><h1>%s</h1>\n", title);
  if (error != NULL)
    web_widgets_alert (html, error);
  return html;
}

/* The end of a form's card: its token and button, the way to the other
 * form; then the page. */
static void
close_card (WebCtx *ctx, GString *html, guint status, const char *title, const char *button,
            const char *question, const char *href, const char *link)
{
  web_layout_csrf_field (ctx, html);
  web_append (html,
              "<button type=\"submit\" class=\"btn btn-primary\">%s</button></form>"
              "<p>%s <a href=\"%s\">%s</a></p></section>\n",
              button, question, href, link);
  web_ctx_respond_html (ctx, status, title, html->str);
}

/* "Sign in with …", when carrete-web knows an identity provider. */
static void
append_oidc_button (WebCtx *ctx, GString *html)
{
  g_autofree char *label = NULL;

  if (ctx->app->oidc_provider == NULL)
    return;
  label = web_ctx_t_replace (ctx, "Sign in with {provider}", "{provider}", ctx->app->oidc_provider);
  web_append (html, "<p><a id=\"oidc-sign-in\" class=\"btn\" href=\"/login/oidc\">%s</a></p>\n",
              label);
}

void
pages_render_login (WebCtx *ctx, guint status, const char *error, const char *username,
                    const char *next)
{
  g_autoptr (GString) html = open_card (T (ctx, "Sign in"), error);

  append_oidc_button (ctx, html);
  if (!ctx->app->password_login)
    {
      /* Passwords are refused: the provider is the only way in. */
      web_append (html, "</section>\n");
      web_ctx_respond_html (ctx, status, T (ctx, "Sign in"), html->str);
      return;
    }
  web_append (html, "<form id=\"login-form\" method=\"post\" action=\"/login\">"
              "<label for=\"username\">%s</label>"
              "<input id=\"username\" name=\"username\" autocomplete=\"username\" required value=\"%s\">"
              "<label for=\"password\">%s</label>"
              "<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>"
              "<input type=\"hidden\" name=\"next\" value=\"%s\">",
              T (ctx, "Username or email"), username != NULL ? username : "", T (ctx, "Password"),
              next != NULL ? next : "/");
  close_card (ctx, html, status, T (ctx, "Sign in"), T (ctx, "Sign in"), T (ctx, "New here?"),
              "/register", T (ctx, "Create an account"));
}

static void
render_register (WebCtx *ctx, guint status, const char *error, const char *username,
                 const char *email)
{
  g_autoptr (GString) html = open_card (T (ctx, "Create an account"), error);

  web_append (html, "<form id=\"register-form\" method=\"post\" action=\"/register\">"
              "<label for=\"username\">%s</label>"
              "<input id=\"username\" name=\"username\" autocomplete=\"username\" required minlength=\"3\" maxlength=\"32\" value=\"%s\">"
              "<p class=\"hint\">%s</p>"
              "<label for=\"email\">%s</label>"
              "<input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"email\" required value=\"%s\">"
              "<label for=\"password\">%s</label>"
              "<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"new-password\" required minlength=\"8\">"
              "<p class=\"hint\">%s</p>",
              T (ctx, "Username"), username != NULL ? username : "",
              T (ctx, "3 to 32 letters, digits, dots, dashes or underscores."), T (ctx, "Email"),
              email != NULL ? email : "", T (ctx, "Password"), T (ctx, "At least 8 characters."));
  close_card (ctx, html, status, T (ctx, "Create an account"), T (ctx, "Create account"),
              T (ctx, "Already have an account?"), "/login", T (ctx, "Sign in"));
}

static const char *
safe_next (const char *next)
{
  return web_form_next_is_safe (next) ? next : "/";
}

void
pages_login_get (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);

  pages_render_login (ctx, 200, NULL, NULL, safe_next (carrete_request_get_query (req, "next")));
}

void
pages_register_get (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);

  render_register (ctx, 200, NULL, NULL, NULL);
}

/* ---- sign in ------------------------------------------------------------------ */

typedef struct
{
  char *username;
  char *email;
  char *password;
  char *next;
  gboolean registering;
} SignIn;

static void
sign_in_free (SignIn *sign_in)
{
  g_free (sign_in->username);
  g_free (sign_in->email);
  if (sign_in->password != NULL)
    memset (sign_in->password, 0, strlen (sign_in->password));
  g_free (sign_in->password);
  g_free (sign_in->next);
  g_free (sign_in);
}

static JsonNode *
credentials (SignIn *sign_in, gboolean with_email)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, sign_in->username);
  if (with_email)
    {
      json_builder_set_member_name (builder, "email");
      json_builder_add_string_value (builder, sign_in->email);
    }
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, sign_in->password);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
on_logged_in (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  SignIn *sign_in = user_data;
  JsonObject *pair = web_api_object (result);

  if (result->status == 200 && carrete_json_get_string (pair, "access_token") != NULL)
    {
      web_ctx_set_session (ctx, pair, NULL);
      web_ctx_redirect (ctx, safe_next (sign_in->next));
    }
  else if (result->status == 401)
    pages_render_login (
        ctx, 401, T (ctx, "That username and password do not match. Check them and try again."),
        sign_in->username, sign_in->next);
  else if (result->status == 429)
    pages_render_login (ctx, 429,
                        T (ctx, "Too many failed attempts. Wait a minute, then try again."),
                        sign_in->username, sign_in->next);
  else if (web_api_unavailable (result))
    pages_render_login (
        ctx, 503, T (ctx, "Signing in is unavailable right now. Please try again in a moment."),
        sign_in->username, sign_in->next);
  else
    pages_render_login (ctx, result->status,
                        web_api_problem (result, T (ctx, "Signing in failed.")), sign_in->username,
                        sign_in->next);
  sign_in_free (sign_in);
}

static void
on_registered (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  SignIn *sign_in = user_data;
  g_autoptr (JsonNode) body = NULL;

  if (result->status == 201)
    {
      body = credentials (sign_in, FALSE);
      web_api_call (ctx, WEB_USERS, "POST", "/v1/auth/login", body, on_logged_in, sign_in);
      return;
    }
  if (result->status == 409)
    render_register (ctx, 409, T (ctx, "That username or email is already taken. Choose another one, or sign in."),
                     sign_in->username, sign_in->email);
  else if (web_api_unavailable (result))
    render_register (ctx, 503, T (ctx, "Creating accounts is unavailable right now. Please try again in a moment."),
                     sign_in->username, sign_in->email);
  else
    render_register (ctx, result->status == 400 ? 422 : result->status,
                     web_api_problem (result, T (ctx, "Check the fields and try again.")),
                     sign_in->username, sign_in->email);
  sign_in_free (sign_in);
}

/* The posted sign-in or register form, or NULL after answering. */
static SignIn *
take_sign_in (WebCtx *ctx)
{
  g_autoptr (GHashTable) form = web_ctx_take_form (ctx);
  SignIn *sign_in;

  if (form == NULL)
    return NULL;
  sign_in = g_new0 (SignIn, 1);

  sign_in->username = web_form_dup_stripped (form, "username");
  sign_in->email = web_form_dup_stripped (form, "email");
  sign_in->password = g_strdup (web_form_get (form, "password", ""));
  sign_in->next = g_strdup (safe_next (g_hash_table_lookup (form, "next")));
  return sign_in;
}

void
pages_login_post (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);
  g_autoptr (JsonNode) body = NULL;
  SignIn *sign_in = take_sign_in (ctx);

  if (sign_in == NULL)
    return;
  if (*sign_in->username == '\0' || *sign_in->password == '\0')
    {
      pages_render_login (ctx, 422, T (ctx, "Enter your username and your password."),
                          sign_in->username, sign_in->next);
      sign_in_free (sign_in);
      return;
    }
  body = credentials (sign_in, FALSE);
  web_api_call (ctx, WEB_USERS, "POST", "/v1/auth/login", body, on_logged_in, sign_in);
}

void
pages_register_post (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);
  g_autoptr (JsonNode) body = NULL;
  SignIn *sign_in = take_sign_in (ctx);

  if (sign_in == NULL)
    return;
  sign_in->registering = TRUE;
  body = credentials (sign_in, TRUE);
  web_api_call (ctx, WEB_USERS, "POST", "/v1/auth/register", body, on_registered, sign_in);
}

/* ---- sign out --------------------------------------------------------------- */

static void
on_provider_logout (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  const char *url = carrete_json_get_string (web_api_object (result), "logout_url");

  if (result->status == 302 && url != NULL)
    web_ctx_redirect (ctx, url);
  else
    {
      g_message ("the provider's sign-out answered %u; signed out of Carrete only",
                 result->status);
      web_ctx_redirect (ctx, "/login");
    }
}

/* Carrete's session is over (its tokens revoked, its cookies cleared): a
 * session that came from the identity provider ends there too, which
 * then sends the browser back to /login. */
static void
finish_sign_out (WebCtx *ctx)
{
  const char *id_token = g_hash_table_lookup (ctx->cookies, WEB_COOKIE_OIDC_ID_TOKEN);
  g_autofree char *redirect = NULL;
  g_autofree char *hint = NULL;
  g_autofree char *path = NULL;

  web_ctx_clear_session (ctx);
  if (ctx->app->oidc_provider == NULL || id_token == NULL || *id_token == '\0')
    {
      web_ctx_redirect (ctx, "/login");
      return;
    }
  redirect = web_query_escape (ctx->app->oidc_logout_redirect_uri);
  hint = web_query_escape (id_token);
  path = g_strconcat ("/v1/auth/oidc/logout?post_logout_redirect_uri=", redirect,
                      "&id_token_hint=", hint, NULL);
  web_api_call (ctx, WEB_USERS, "GET", path, NULL, on_provider_logout, NULL);
}

static void
on_logged_out (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  if (result->status != 204)
    g_message ("logout answered %u; the cookies are cleared anyway", result->status);
  finish_sign_out (ctx);
}

void
pages_logout_post (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);
  g_autoptr (GHashTable) form = web_ctx_take_form (ctx);
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (JsonNode) body = NULL;

  if (form == NULL)
    return;
  if (ctx->refresh == NULL)
    {
      finish_sign_out (ctx);
      return;
    }
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "refresh_token");
  json_builder_add_string_value (builder, ctx->refresh);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  web_api_call (ctx, WEB_USERS, "POST", "/v1/auth/logout", body, on_logged_out, NULL);
}
