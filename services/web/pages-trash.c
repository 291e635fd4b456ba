#define G_LOG_DOMAIN "carrete-web"

/* The trash page: the visitor's trashed photos and folders (GET /v1/trash
 * of carrete-photos), each with a restore and a delete-for-good form, and
 * a form that empties it all.  Works without JavaScript, like every page. */

#include "pages.h"

#include "web-api.h"
#include "web-form.h"
#include "web-html.h"
#include "web-layout.h"
#include "web-widgets.h"

/* "2026-12-07", or "" for no time. */
static char *
day_of (GDateTime *time)
{
  return time != NULL ? g_date_time_format (time, "%Y-%m-%d") : g_strdup ("");
}

static void
render_item (WebCtx *ctx, GString *html, CarreteTrashItem *item)
{
  const char *id = carrete_trash_item_get_id (item);
  const char *name = carrete_trash_item_get_name (item);
  const char *thumb = carrete_trash_item_get_thumbnail_url (item);
  gboolean folder = carrete_trash_item_is_folder (item);
  g_autofree char *trashed = day_of (carrete_trash_item_get_trashed_at (item));
  g_autofree char *purge = day_of (carrete_trash_item_get_purge_at (item));
  g_autofree char *when = web_ctx_t_replace (ctx, "Deleted on {date}", "{date}", trashed);
  g_autofree char *until = web_ctx_t_replace (ctx, "Gone for good on {date}", "{date}", purge);

  if (!web_form_id_is_plausible (id))
    return;
  web_append (html, "<li class=\"photo-card trash-item\" id=\"trash-%s\" data-kind=\"%s\">", id,
              folder ? "folder" : "photo");
  if (thumb != NULL)
    web_append (html, "<img src=\"%s\" alt=\"%s\" loading=\"lazy\" width=\"256\" height=\"256\">",
                thumb, name);
  else
    web_append (html, "<span class=\"thumb-missing\">%s</span>",
                folder ? T (ctx, "Folder") : T (ctx, "No preview"));
  web_append (html,
              "<span class=\"photo-name\">%s</span><span class=\"muted\">%s<br>%s</span>"
              "<form class=\"trash-restore\" method=\"post\" action=\"/trash/%s/restore\">",
              name, when, until, id);
  web_layout_csrf_field (ctx, html);
  web_append (html,
              "<button type=\"submit\" class=\"btn btn-secondary\">%s</button></form>"
              "<form class=\"trash-delete\" method=\"post\" action=\"/trash/%s/delete\">",
              T (ctx, "Restore"), id);
  web_layout_csrf_field (ctx, html);
  web_append (html, "<button type=\"submit\" class=\"btn btn-danger\">%s</button></form></li>\n",
              T (ctx, "Delete for good"));
}

static void
render_trash (WebCtx *ctx, CarreteTrashPage *page)
{
  g_autoptr (GString) html = g_string_new (NULL);

  web_append (html, "<h1>%s</h1><p class=\"muted\">%s</p>\n", T (ctx, "Trash"),
              T (ctx, "Deleted photos and folders stay here until the date shown, then they are "
                      "gone for good. Restoring a folder brings back the photos deleted with it."));
  if (page->items->len == 0)
    {
      web_append (html, "<div id=\"trash-empty-state\" class=\"empty\"><p>%s</p></div>\n",
                  T (ctx, "The trash is empty."));
      web_ctx_respond_html (ctx, 200, T (ctx, "Trash"), html->str);
      return;
    }
  g_string_append (html, "<form id=\"trash-empty\" method=\"post\" action=\"/trash/empty\">");
  web_layout_csrf_field (ctx, html);
  web_append (html,
              "<button type=\"submit\" class=\"btn btn-danger\">%s</button></form>\n"
              "<ul id=\"trash-list\" class=\"grid\">\n",
              T (ctx, "Empty the trash"));
  for (guint i = 0; i < page->items->len; i++)
    render_item (ctx, html, g_ptr_array_index (page->items, i));
  g_string_append (html, "</ul>\n");
  if (page->next_cursor != NULL)
    {
      g_autofree char *cursor = web_query_escape (page->next_cursor);
      g_autofree char *href = g_strconcat ("/trash?cursor=", cursor, NULL);

      web_append (html, "<p><a id=\"trash-more\" href=\"%s\">%s</a></p>", href, T (ctx, "More"));
    }
  web_ctx_respond_html (ctx, 200, T (ctx, "Trash"), html->str);
}

static void
respond_unavailable (WebCtx *ctx)
{
  web_ctx_respond_message (ctx, 503, N_("Unavailable"),
                           N_("Photos are unavailable right now. Please try again in a moment."));
}

static void
on_trash (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  g_autoptr (CarreteTrashPage) page
      = web_api_model (result, (CarreteFromJson) carrete_trash_page_new_from_json);

  if (web_api_session_lost (ctx, result))
    web_ctx_redirect_to_login (ctx);
  else if (result->status != 200 || page == NULL)
    respond_unavailable (ctx);
  else
    render_trash (ctx, page);
}

void
pages_trash_get (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);
  const char *cursor = carrete_request_get_query (req, "cursor");
  g_autofree char *escaped = cursor != NULL ? web_query_escape (cursor) : NULL;
  g_autofree char *path = NULL;

  if (!web_ctx_has_session (ctx))
    {
      web_ctx_redirect_to_login (ctx);
      return;
    }
  path = escaped != NULL ? g_strconcat ("/v1/trash?limit=60&cursor=", escaped, NULL)
                         : g_strdup ("/v1/trash?limit=60");
  web_api_call (ctx, WEB_PHOTOS, "GET", path, NULL, on_trash, NULL);
}

/* ---- restore, delete for good, empty ---------------------------------------------------- */

/* A refusal the service explained (409: its twin is back, its folder is in
 * the trash, the name is taken; 404: not in the trash any more). */
static void
respond_refused (WebCtx *ctx, WebApiResult *result)
{
  g_autoptr (GString) html = g_string_new (NULL);

  web_append (html, "<h1>%s</h1>", T (ctx, "Nothing was changed"));
  web_widgets_alert (html, web_api_problem (result, T (ctx, "Please try again.")));
  web_append (html, "<p><a href=\"/trash\">%s</a></p>", T (ctx, "Back to the trash"));
  web_ctx_respond_html (ctx, result->status, T (ctx, "Nothing was changed"), html->str);
}

static void
on_trash_changed (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  g_autofree char *location = user_data;

  if (result->status == 200 || result->status == 204)
    web_ctx_redirect (ctx, location);
  else if (web_api_session_lost (ctx, result))
    web_ctx_redirect_to_login (ctx);
  else if (web_api_unavailable (result))
    respond_unavailable (ctx);
  else
    respond_refused (ctx, result);
}

/* A form on one trash item ({id}): `method` on /v1/trash/{id}`suffix`,
 * then to the restored item's page, or back to the trash. */
static void
change_item (CarreteRequest *req, const char *method, const char *suffix, gboolean restore)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);
  g_autoptr (GHashTable) form = NULL;
  g_autofree char *path = NULL;
  const char *id;

  form = web_ctx_take_change_form (ctx, &id);
  if (form == NULL)
    return;
  path = g_strconcat ("/v1/trash/", id, suffix, NULL);
  web_api_call (
      ctx, WEB_PHOTOS, method, path, NULL, on_trash_changed,
      !restore ? g_strdup ("/trash")
               : g_strconcat (g_str_has_prefix (id, "fo_") ? "/folders/" : "/photos/", id, NULL));
}

void
pages_trash_restore_post (CarreteRequest *req)
{
  change_item (req, "POST", "/restore", TRUE);
}

void
pages_trash_delete_post (CarreteRequest *req)
{
  change_item (req, "DELETE", "", FALSE);
}

void
pages_trash_empty_post (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);
  g_autoptr (GHashTable) form = web_ctx_take_form (ctx);

  if (form == NULL)
    return;
  if (!web_ctx_has_session (ctx))
    {
      web_ctx_redirect_to_login (ctx);
      return;
    }
  web_api_call (ctx, WEB_PHOTOS, "DELETE", "/v1/trash", NULL, on_trash_changed,
                g_strdup ("/trash"));
}
