#define G_LOG_DOMAIN "carrete-web"

/* A share link's pages, for anyone who holds the link (no account needed):
 * GET /s/{token} shows what the link covers (a folder's photos, page by
 * page, or one photo), GET /s/{token}/photos/{id} one photo of a linked
 * folder, and POST /s/{token} takes the link's password.
 *
 * Every API call of these requests goes as the link's holder (web-api.c:
 * X-Carrete-Share, never the visitor's session), so the page shows what
 * the link covers and nothing else, even to a signed-in visitor.  The
 * password, once right, is kept in a cookie sealed for this link alone
 * (web-link-seal.h) under the link's own path.  The token is in the path,
 * never in a log line: the request log names the route, not the path. */

#include "pages.h"

#include <string.h>

#include "carrete-keys.h"
#include "web-api.h"
#include "web-cookies.h"
#include "web-form.h"
#include "web-html.h"
#include "web-layout.h"
#include "web-widgets.h"

#define TOKEN_LENGTH 43 /* 32 random bytes in base64url */
#define PHOTOS_PER_PAGE 50
/* A password longer than carrete-folders accepts is wrong without asking. */
#define MAX_PASSWORD_LENGTH 1024

static gboolean
token_is_plausible (const char *token)
{
  if (token == NULL || strlen (token) != TOKEN_LENGTH)
    return FALSE;
  for (const char *p = token; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

static char *
link_path (const char *token)
{
  return g_strconcat ("/s/", token, NULL);
}

/* Neither cached nor indexed: the page is for the link's holders only,
 * and what it shows changes when the link is revoked. */
static void
set_private_headers (WebCtx *ctx)
{
  carrete_request_set_header (ctx->req, "Cache-Control", "no-store");
  carrete_request_set_header (ctx->req, "X-Robots-Tag", "noindex, nofollow");
}

/* The link's token from the path, with the password its cookie holds:
 * FALSE after answering 404 for a path that cannot hold a token. */
static gboolean
open_link (WebCtx *ctx)
{
  const char *token = carrete_request_get_param (ctx->req, "token");
  const char *sealed = g_hash_table_lookup (ctx->cookies, WEB_COOKIE_LINK);

  set_private_headers (ctx);
  if (!token_is_plausible (token))
    {
      web_ctx_respond_message (ctx, 404, N_("Link not found"),
                               N_("This link does not exist, has expired or was revoked."));
      return FALSE;
    }
  ctx->link_token = g_strdup (token);
  ctx->link_password = web_link_unseal (&ctx->app->link_seal, token, sealed);
  return TRUE;
}

/* ---- refusals ------------------------------------------------------------------------ */

static void
render_password_form (WebCtx *ctx, guint status, const char *error)
{
  g_autoptr (GString) html = g_string_new (NULL);
  g_autofree char *action = link_path (ctx->link_token);

  web_append (html, "<h1>%s</h1>\n<p>%s</p>\n", T (ctx, "This link is protected"),
              T (ctx, "Enter the password you were given with the link."));
  if (error != NULL)
    web_widgets_alert (html, error);
  web_append (html, "<form id=\"link-password\" method=\"post\" action=\"%s\">"
              "<label for=\"password\">%s</label>"
              "<input id=\"password\" name=\"password\" type=\"password\" required"
              " maxlength=\"1024\" autocomplete=\"off\" autofocus>",
              action, T (ctx, "Password"));
  web_layout_csrf_field (ctx, html);
  web_append (html, "<button type=\"submit\" class=\"btn btn-primary\">%s</button></form>\n",
              T (ctx, "Open"));
  web_ctx_respond_html (ctx, status, T (ctx, "This link is protected"), html->str);
}

/* What the API said against the link, as the page to show: TRUE when it
 * answered.  401 is the password form (the sealed password no longer
 * fits when the owner changed it). */
static gboolean
answer_link_refusal (WebCtx *ctx, WebApiResult *result)
{
  if (result->status >= 200 && result->status < 300)
    return FALSE;
  if (result->status == 401)
    render_password_form (ctx, 401,
                          ctx->link_password != NULL ? T (ctx, "Wrong password. Try again.") : NULL);
  else if (result->status == 404)
    web_ctx_respond_message (ctx, 404, N_("Link not found"),
                             N_("This link does not exist, has expired or was revoked."));
  else if (result->status == 429)
    web_ctx_respond_message (ctx, 429, N_("Too many attempts"),
                             N_("Too many wrong passwords for this link. Please wait a few minutes "
                                "and try again."));
  else if (result->status == 403)
    web_ctx_respond_message (ctx, 403, N_("Not available"),
                             N_("This link does not allow that."));
  else
    web_ctx_respond_message (ctx, 503, N_("Unavailable"),
                             N_("This link cannot be opened right now. Please try again in a "
                                "moment."));
  return TRUE;
}

/* ---- one photo --------------------------------------------------------------------- */

static void
append_back_link (WebCtx *ctx, GString *html)
{
  g_autofree char *back = link_path (ctx->link_token);

  web_append (html, "<p><a id=\"link-back\" href=\"%s\">%s</a></p>\n", back,
              T (ctx, "Back to the shared folder"));
}

/* user_data: whether the photo belongs to a linked folder (a back link). */
static void
on_link_photo (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  gboolean in_folder = GPOINTER_TO_INT (user_data);
  g_autoptr (GString) html = g_string_new (NULL);
  g_autoptr (CarretePhoto) photo = NULL;

  if (answer_link_refusal (ctx, result))
    return;
  photo = web_api_photo (result);
  if (photo == NULL)
    {
      web_ctx_respond_message (ctx, 503, N_("Unavailable"),
                               N_("This link cannot be opened right now. Please try again in a moment."));
      return;
    }
  if (in_folder)
    append_back_link (ctx, html);
  pages_photos_append_figure (ctx, html, photo);
  if (carrete_photo_get_url (photo) == NULL)
    web_append (html, "<p id=\"link-no-download\" class=\"hint\">%s</p>\n",
                T (ctx, "The owner of this link allows viewing only, not downloading originals."));
  web_ctx_respond_html (ctx, 200, carrete_photo_get_name (photo), html->str);
}

static void
ask_photo (WebCtx *ctx, const char *photo_id, gboolean in_folder)
{
  g_autofree char *escaped = web_query_escape (photo_id);
  g_autofree char *path = g_strconcat ("/v1/photos/", escaped, NULL);

  web_api_call (ctx, WEB_PHOTOS, "GET", path, NULL, on_link_photo, GINT_TO_POINTER (in_folder));
}

/* ---- a folder ---------------------------------------------------------------------- */

static void
on_link_folder_photos (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  g_autoptr (CarreteFolder) folder = user_data;
  g_autoptr (GString) html = g_string_new (NULL);
  g_autoptr (CarretePhotoPage) page = NULL;
  g_autofree char *tile_base = g_strconcat ("/s/", ctx->link_token, "/photos/", NULL);
  const char *name = carrete_folder_get_name (folder);

  if (answer_link_refusal (ctx, result))
    return;
  page = web_api_photo_page (result);
  if (page == NULL)
    {
      web_ctx_respond_message (ctx, 503, N_("Unavailable"),
                               N_("This link cannot be opened right now. Please try again in a moment."));
      return;
    }
  web_append (html, "<div class=\"page-head\"><h1>%s</h1><span id=\"link-badge\" class=\"badge\">%s</span></div>\n",
              name, T (ctx, "Shared with you by link"));
  web_widgets_photo_grid (ctx, html, page->items, tile_base, NULL);
  if (page->next_cursor != NULL)
    {
      g_autofree char *cursor = web_query_escape (page->next_cursor);
      g_autofree char *href = g_strdup_printf ("/s/%s?cursor=%s", ctx->link_token, cursor);
      web_append (html, "<p class=\"pager\"><a rel=\"next\" class=\"btn btn-secondary\" href=\"%s\">%s</a></p>",
                  href, T (ctx, "More photos"));
    }
  web_ctx_respond_html (ctx, 200, name, html->str);
}

static void
on_link_folder (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  CarreteFolder *folder;
  g_autofree char *folder_id = NULL;
  g_autofree char *cursor = web_query_escape (carrete_request_get_query (ctx->req, "cursor"));
  g_autofree char *path = NULL;

  if (answer_link_refusal (ctx, result))
    return;
  folder = web_api_folder (result);
  if (folder == NULL)
    {
      web_ctx_respond_message (ctx, 503, N_("Unavailable"),
                               N_("This link cannot be opened right now. Please try again in a moment."));
      return;
    }
  folder_id = web_query_escape (carrete_folder_get_id (folder));
  path = g_strdup_printf ("/v1/photos?limit=%d&folder_id=%s%s%s", PHOTOS_PER_PAGE, folder_id,
                          *cursor != '\0' ? "&cursor=" : "", cursor);
  web_api_call (ctx, WEB_PHOTOS, "GET", path, NULL, on_link_folder_photos, folder);
}

/* ---- what the link covers ------------------------------------------------------------ */

static void
on_current (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  JsonObject *access;
  const char *folder_id;
  const char *photo_id;

  if (answer_link_refusal (ctx, result))
    return;
  access = web_api_object (result);
  folder_id = access != NULL ? json_object_get_string_member_with_default (access, "folder_id", NULL) : NULL;
  photo_id = access != NULL ? json_object_get_string_member_with_default (access, "photo_id", NULL) : NULL;
  if (folder_id != NULL)
    {
      g_autofree char *escaped = web_query_escape (folder_id);
      g_autofree char *path = g_strconcat ("/v1/folders/", escaped, NULL);
      web_api_call (ctx, WEB_FOLDERS, "GET", path, NULL, on_link_folder, NULL);
    }
  else if (photo_id != NULL)
    ask_photo (ctx, photo_id, FALSE);
  else
    web_ctx_respond_message (ctx, 503, N_("Unavailable"),
                             N_("This link cannot be opened right now. Please try again in a moment."));
}

void
pages_link_get (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);

  if (open_link (ctx))
    web_api_call (ctx, WEB_FOLDERS, "GET", "/v1/shares/current", NULL, on_current, NULL);
}

void
pages_link_photo_get (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);
  const char *photo_id = carrete_request_get_param (req, "id");

  if (!open_link (ctx))
    return;
  if (!web_form_id_is_plausible (photo_id))
    web_ctx_respond_not_found (ctx);
  else
    ask_photo (ctx, photo_id, TRUE);
}

/* ---- the password ------------------------------------------------------------------ */

static void
on_password_checked (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  g_autofree char *sealed = NULL;
  g_autofree char *path = link_path (ctx->link_token);

  if (result->status == 401)
    {
      render_password_form (ctx, 401, T (ctx, "Wrong password. Try again."));
      return;
    }
  if (answer_link_refusal (ctx, result))
    return;
  /* A session cookie: closing the browser forgets the password. */
  sealed = web_link_seal (&ctx->app->link_seal, ctx->link_token, ctx->link_password);
  web_ctx_set_cookie_at (ctx, WEB_COOKIE_LINK, sealed, path, -1);
  web_ctx_redirect (ctx, path);
}

void
pages_link_password_post (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);
  g_autoptr (GHashTable) form = NULL;
  const char *password;

  if (!open_link (ctx))
    return;
  form = web_ctx_take_form (ctx);
  if (form == NULL)
    return;
  password = web_form_get (form, "password", "");
  carrete_secret_free (g_steal_pointer (&ctx->link_password));
  if (*password == '\0')
    {
      render_password_form (ctx, 422, T (ctx, "Enter the password."));
      return;
    }
  /* Too long for carrete-folders, or a line break, which the header
   * (X-Carrete-Share-Password) cannot carry: no link has that password. */
  if (strlen (password) > MAX_PASSWORD_LENGTH * 4 || strpbrk (password, "\r\n") != NULL)
    {
      render_password_form (ctx, 401, T (ctx, "Wrong password. Try again."));
      return;
    }
  ctx->link_password = g_strdup (password);
  web_api_call (ctx, WEB_FOLDERS, "GET", "/v1/shares/current", NULL, on_password_checked, NULL);
}
