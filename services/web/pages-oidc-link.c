#define G_LOG_DOMAIN "carrete-web"

/* Linking the identity provider to a password account (README, "OpenID
 * Connect").  carrete-users redeems the provider's code and checks the
 * password in one call (POST /v1/users/me/oidc), so the form that asks for
 * the password comes straight back from the provider with the code in it:
 * the provider keeps a code for about a minute.  Signed in (the account
 * page's "Link …"), the form asks for the password; signed out (a
 * provider sign-in met an email that a password account owns), it asks
 * for the username too, signs in with them, then links. */

#include "pages.h"

#include "web-cookies.h"
#include "web-form.h"
#include "web-html.h"
#include "web-layout.h"
#include "web-widgets.h"

#define LINK_START "/login/oidc?link=1"

typedef struct
{
  char *code;
  char *state;
  char *username;
  char *password;
} Link;

static void
link_free (Link *link)
{
  g_free (link->code);
  g_free (link->state);
  g_free (link->username);
  if (link->password != NULL)
    memset (link->password, 0, strlen (link->password));
  g_free (link->password);
  g_free (link);
}

/* The provider's name, for the "{provider}" of web_ctx_t_replace. */
#define PROVIDER "{provider}", ctx->app->oidc_provider

static void
append_link_form (WebCtx *ctx, GString *html, const char *code, const char *state,
                  const char *username)
{
  g_autofree char *button = web_ctx_t_replace (ctx, "Link {provider}", PROVIDER);

  web_append (html, "<form id=\"oidc-link-form\" method=\"post\" action=\"/login/oidc/link\">"
              "<input type=\"hidden\" name=\"code\" value=\"%s\">"
              "<input type=\"hidden\" name=\"state\" value=\"%s\">",
              code, state);
  if (!web_ctx_has_session (ctx))
    web_append (html, "<label for=\"username\">%s</label>"
                "<input id=\"username\" name=\"username\" autocomplete=\"username\" required value=\"%s\">",
                T (ctx, "Username or email"), username != NULL ? username : "");
  web_append (html, "<label for=\"password\">%s</label>"
              "<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required autofocus>"
              "<p class=\"hint\">%s</p>",
              T (ctx, "Password"),
              T (ctx, "Confirm within a minute: the identity provider's answer expires soon."));
  web_layout_csrf_field (ctx, html);
  web_append (html, "<button type=\"submit\" class=\"btn btn-primary\">%s</button></form>",
              button);
}

/* `code` NULL: the sign-in is spent, only "Start again" is left. */
void
pages_oidc_link_render (WebCtx *ctx, guint status, const char *error, const char *code,
                        const char *state, const char *username)
{
  g_autofree char *title = web_ctx_t_replace (ctx, "Link {provider}", PROVIDER);
  g_autofree char *intro
      = web_ctx_has_session (ctx)
            ? web_ctx_t_replace (ctx,
                                 "Enter your Carrete password to link your {provider} account to "
                                 "this one. Then you can sign in with {provider}.",
                                 PROVIDER)
            : web_ctx_t_replace (ctx,
                                 "Sign in with your Carrete password to link your {provider} "
                                 "account to it. Then you can sign in with {provider}.",
                                 PROVIDER);
  g_autoptr (GString) html = g_string_new (NULL);

  web_append (html, "<section class=\"card narrow\"><h1>%s</h1>\n", title);
  if (error != NULL)
    web_widgets_alert (html, error);
  if (code != NULL && state != NULL)
    {
      web_append (html, "<p>%s</p>", intro);
      append_link_form (ctx, html, code, state, username);
    }
  else
    web_append (html, "<p><a id=\"oidc-link-again\" class=\"btn\" href=\"" LINK_START "\">%s</a></p>",
                T (ctx, "Start again"));
  web_append (html, "<p><a href=\"/\">%s</a></p></section>\n", T (ctx, "Cancel"));
  web_ctx_respond_html (ctx, status, title, html->str);
}

/* ---- the answers ------------------------------------------------------------ */

static void
on_linked (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  Link *link = user_data;
  JsonObject *pair = web_api_object (result);
  g_autofree char *message = NULL;

  if (result->status == 200 && carrete_json_get_string (pair, "access_token") != NULL)
    {
      web_ctx_set_session (ctx, pair, NULL);
      web_ctx_redirect (ctx, "/account?linked=1");
    }
  else if (result->status == 403)
    pages_oidc_link_render (ctx, 403,
                            T (ctx, "That password is wrong; nothing was linked. Start again."),
                            NULL, NULL, NULL);
  else if (result->status == 409)
    {
      message = web_ctx_t_replace (ctx, "That {provider} account is linked to another Carrete account already.", PROVIDER);
      pages_oidc_link_render (ctx, 409, message, NULL, NULL, NULL);
    }
  else if (web_api_unavailable (result))
    pages_oidc_link_render (
        ctx, 503, T (ctx, "Linking is unavailable right now. Please try again in a moment."), NULL,
        NULL, NULL);
  else
    pages_oidc_link_render (ctx, 400,
                            T (ctx, "That sign-in did not work or has expired. Start again."),
                            NULL, NULL, NULL);
  link_free (link);
}

static void
link_now (WebCtx *ctx, Link *link)
{
  g_autoptr (JsonNode) body = web_api_strings ("code", link->code, "state", link->state,
                                               "password", link->password, NULL);

  web_api_call (ctx, WEB_USERS, "POST", "/v1/users/me/oidc", body, on_linked, link);
}

/* Signed out: the password sign-in first, then the link (the code is
 * still unused, so a mistyped password may be tried again). */
static void
on_signed_in (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  Link *link = user_data;
  JsonObject *pair = web_api_object (result);
  const char *error;

  if (result->status == 200 && carrete_json_get_string (pair, "access_token") != NULL)
    {
      web_ctx_set_session (ctx, pair, NULL);
      link_now (ctx, link);
      return;
    }
  if (result->status == 401)
    error = T (ctx, "That username and password do not match. Check them and try again.");
  else if (result->status == 429)
    error = T (ctx, "Too many failed attempts. Wait a minute, then try again.");
  else if (web_api_unavailable (result))
    error = T (ctx, "Signing in is unavailable right now. Please try again in a moment.");
  else
    error = web_api_problem (result, T (ctx, "Signing in failed."));
  pages_oidc_link_render (ctx, result->status >= 400 ? result->status : 502, error, link->code,
                          link->state, link->username);
  link_free (link);
}

static void
sign_in_then_link (WebCtx *ctx, Link *link)
{
  g_autoptr (JsonNode) body
      = web_api_strings ("username", link->username, "password", link->password, NULL);

  web_api_call (ctx, WEB_USERS, "POST", "/v1/auth/login", body, on_signed_in, link);
}

/* POST /login/oidc/link {code, state, [username,] password, csrf_token} */
void
pages_oidc_link_post (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);
  g_autoptr (GHashTable) form = NULL;
  Link *link;

  if (ctx->app->oidc_provider == NULL)
    {
      web_ctx_respond_not_found (ctx);
      return;
    }
  form = web_ctx_take_form (ctx);
  if (form == NULL)
    return;
  link = g_new0 (Link, 1);
  link->code = web_form_dup_stripped (form, "code");
  link->state = web_form_dup_stripped (form, "state");
  link->username = web_form_dup_stripped (form, "username");
  link->password = g_strdup (web_form_get (form, "password", ""));
  if (*link->code == '\0' || *link->state == '\0')
    pages_oidc_link_render (ctx, 400,
                            T (ctx, "That sign-in did not work or has expired. Start again."),
                            NULL, NULL, NULL);
  else if (*link->password == '\0'
           || (!web_ctx_has_session (ctx) && *link->username == '\0'))
    pages_oidc_link_render (ctx, 422,
                            web_ctx_has_session (ctx)
                                ? T (ctx, "Enter your password.")
                                : T (ctx, "Enter your username and your password."),
                            link->code, link->state, link->username);
  else if (web_ctx_has_session (ctx))
    {
      link_now (ctx, link);
      return;
    }
  else
    {
      sign_in_then_link (ctx, link);
      return;
    }
  link_free (link);
}

/* ---- where it starts ------------------------------------------------------------ */

/* A provider sign-in met an email that a password account owns: its owner
 * may link the two (the provider still knows the browser, so "Link" comes
 * straight back to the password form). */
void
pages_oidc_link_offer (WebCtx *ctx)
{
  g_autofree char *message = web_ctx_t_replace (ctx, "A Carrete account with your email address already exists. Sign in with its "
           "password to link your {provider} account to it.", PROVIDER);
  g_autofree char *button = web_ctx_t_replace (ctx, "Sign in with your password to link {provider}", PROVIDER);
  g_autoptr (GString) html = g_string_new (NULL);

  web_append (html, "<section class=\"card narrow\"><h1>%s</h1>\n", T (ctx, "Sign in"));
  web_widgets_alert (html, message);
  web_append (html, "<p><a id=\"oidc-link-offer\" class=\"btn btn-primary\" href=\"" LINK_START "\">%s</a></p>"
              "<p><a href=\"/login\">%s</a></p></section>\n",
              button, T (ctx, "Sign in without linking"));
  web_ctx_respond_html (ctx, 409, T (ctx, "Sign in"), html->str);
}

/* GET /account[?linked=1] */
void
pages_account_get (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);
  g_autoptr (GString) html = g_string_new (NULL);
  g_autofree char *intro = NULL;
  g_autofree char *button = NULL;
  g_autofree char *linked = NULL;

  if (ctx->app->oidc_provider == NULL)
    {
      web_ctx_respond_not_found (ctx);
      return;
    }
  if (!web_ctx_has_session (ctx))
    {
      web_ctx_redirect_to_login (ctx);
      return;
    }
  intro = web_ctx_t_replace (ctx, "Link your {provider} account to sign in with {provider} instead "
                              "of your password.", PROVIDER);
  button = web_ctx_t_replace (ctx, "Link {provider}", PROVIDER);
  web_append (html, "<section class=\"card narrow\"><h1>%s</h1>\n", T (ctx, "Account"));
  if (g_strcmp0 (carrete_request_get_query (req, "linked"), "1") == 0)
    {
      linked = web_ctx_t_replace (ctx, "Linked: you can now sign in with {provider}.", PROVIDER);
      web_widgets_status (html, linked);
    }
  web_append (html, "<p>%s <strong id=\"account-username\">%s</strong></p><p>%s</p>"
              "<p><a id=\"oidc-link\" class=\"btn\" href=\"" LINK_START "\">%s</a></p></section>\n",
              T (ctx, "Signed in as"), ctx->username != NULL ? ctx->username : "", intro, button);
  web_ctx_respond_html (ctx, 200, T (ctx, "Account"), html->str);
}
