#define G_LOG_DOMAIN "carrete-web"

#include "pages.h"

#include "web-api.h"
#include "web-form.h"
#include "web-html.h"
#include "web-widgets.h"

#define PAGE_SIZE 50

/* The three lists the gallery shows, asked for at once. */
typedef struct
{
  WebCtx *ctx;
  guint pending;
  WebApiResult photos;
  WebApiResult mine;
  WebApiResult public;
  char *filter_error;
} Gallery;

static const char *const filter_names[] = { "q", "tags", "from", "to", "folder_id", "sort" };

static const char *
query_value (WebCtx *ctx, const char *name)
{
  const char *value = carrete_request_get_query (ctx->req, name);
  return value != NULL ? value : "";
}

/* "&q=…&tags=…" of the filters in effect, for the next-page link. */
static char *
filters_query (WebCtx *ctx)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (filter_names); i++)
    {
      const char *value = query_value (ctx, filter_names[i]);
      g_autofree char *escaped = web_query_escape (value);

      if (*value != '\0')
        g_string_append_printf (out, "&%s=%s", filter_names[i], escaped);
    }
  return g_string_free (out, FALSE);
}

static void
append_param (GString *path, const char *name, const char *value)
{
  g_autofree char *escaped = web_query_escape (value);

  if (value != NULL && *value != '\0')
    g_string_append_printf (path, "&%s=%s", name, escaped);
}

/* GET /v1/photos with the gallery's filters; a bad date is reported and
 * left out instead of failing the page. */
static char *
photos_path (Gallery *gallery)
{
  WebCtx *ctx = gallery->ctx;
  GString *path = g_string_new ("/v1/photos?limit=" G_STRINGIFY (PAGE_SIZE));
  const char *from = query_value (ctx, "from");
  const char *to = query_value (ctx, "to");
  const char *sort = query_value (ctx, "sort");
  g_autofree char *from_time = web_form_day_to_rfc3339 (from, FALSE);
  g_autofree char *to_time = web_form_day_to_rfc3339 (to, TRUE);

  append_param (path, "q", query_value (ctx, "q"));
  append_param (path, "tags", query_value (ctx, "tags"));
  append_param (path, "folder_id", query_value (ctx, "folder_id"));
  append_param (path, "cursor", query_value (ctx, "cursor"));
  append_param (path, "from", from_time);
  append_param (path, "to", to_time);
  if (g_str_equal (sort, "taken_at") || g_str_equal (sort, "uploaded_at") || g_str_equal (sort, "name"))
    append_param (path, "sort", sort);
  if ((*from != '\0' && from_time == NULL) || (*to != '\0' && to_time == NULL))
    gallery->filter_error = g_strdup (T (ctx, "Dates must look like 2026-11-28; that date filter was left out."));
  return g_string_free (path, FALSE);
}

static void
render_filters (WebCtx *ctx, GString *html, GPtrArray *mine)
{
  const char *sort = query_value (ctx, "sort");

  web_append (html, "<form id=\"filters\" method=\"get\" action=\"/\" class=\"filters\">"
              "<div><label for=\"q\">%s</label><input id=\"q\" name=\"q\" type=\"search\" value=\"%s\"></div>"
              "<div><label for=\"tags\">%s</label><input id=\"tags\" name=\"tags\" value=\"%s\" placeholder=\"%s\"></div>"
              "<div><label for=\"from\">%s</label><input id=\"from\" name=\"from\" type=\"date\" value=\"%s\"></div>"
              "<div><label for=\"to\">%s</label><input id=\"to\" name=\"to\" type=\"date\" value=\"%s\"></div>"
              "<div><label for=\"folder_id\">%s</label><select id=\"folder_id\" name=\"folder_id\">",
              T (ctx, "Name"), query_value (ctx, "q"), T (ctx, "Tags"), query_value (ctx, "tags"),
              T (ctx, "beach, family"), T (ctx, "From"), query_value (ctx, "from"), T (ctx, "To"),
              query_value (ctx, "to"), T (ctx, "Folder"));
  web_append (html, "<option value=\"\">%s</option>", T (ctx, "All photos"));
  web_widgets_folder_options (ctx, html, mine, query_value (ctx, "folder_id"), FALSE);
  web_append (html, "</select></div><div><label for=\"sort\">%s</label><select id=\"sort\" name=\"sort\">"
              "<option value=\"\">%s</option><option value=\"taken_at\"%s>%s</option>"
              "<option value=\"uploaded_at\"%s>%s</option><option value=\"name\"%s>%s</option>"
              "</select></div><div class=\"filters-actions\"><button type=\"submit\" class=\"btn btn-primary\">%s</button>"
              " <a href=\"/\">%s</a></div></form>\n",
              T (ctx, "Sort by"), T (ctx, "Default"), g_str_equal (sort, "taken_at") ? " selected" : "",
              T (ctx, "Date taken"), g_str_equal (sort, "uploaded_at") ? " selected" : "",
              T (ctx, "Date uploaded"), g_str_equal (sort, "name") ? " selected" : "", T (ctx, "Name"),
              T (ctx, "Filter"), T (ctx, "Clear"));
}

static void
render_folder_list (WebCtx *ctx, GString *html, const char *id, CarreteFolderPage *folders,
                    gboolean skip_own)
{
  guint n = folders != NULL ? folders->items->len : 0;
  guint shown = 0;

  web_append (html, "<ul id=\"%s\" class=\"folder-list\">", id);
  for (guint i = 0; i < n; i++)
    {
      CarreteFolder *folder = g_ptr_array_index (folders->items, i);

      if (skip_own && g_strcmp0 (carrete_folder_get_owner_id (folder), ctx->user_id) == 0)
        continue;
      web_append (html, "<li><a href=\"/folders/%s\">%s</a></li>", carrete_folder_get_id (folder),
                  carrete_folder_get_name (folder));
      shown++;
    }
  if (shown == 0)
    web_append (html, "<li class=\"muted\">%s</li>", T (ctx, "None yet."));
  g_string_append (html, "</ul>\n");
}

static void
render_folders_nav (Gallery *gallery, GString *html, CarreteFolderPage *mine)
{
  WebCtx *ctx = gallery->ctx;
  g_autoptr (CarreteFolderPage) public = web_api_folder_page (&gallery->public);

  web_append (html, "<nav id=\"folders\" class=\"sidebar\" aria-label=\"%s\"><h2>%s</h2>",
              T (ctx, "Folders"), T (ctx, "My folders"));
  if (web_api_unavailable (&gallery->mine))
    web_widgets_alert (html, T (ctx, "Folders are unavailable right now."));
  render_folder_list (ctx, html, "my-folders", mine, FALSE);
  web_append (html, "<p><a class=\"btn btn-secondary\" href=\"/folders/new\">%s</a></p><h2>%s</h2>",
              T (ctx, "New folder"), T (ctx, "Public folders of others"));
  render_folder_list (ctx, html, "public-folders", public, TRUE);
  g_string_append (html, "</nav>\n");
}

static void
render_gallery (Gallery *gallery)
{
  WebCtx *ctx = gallery->ctx;
  g_autoptr (GString) html = g_string_new (NULL);
  g_autoptr (CarretePhotoPage) page = web_api_photo_page (&gallery->photos);
  g_autoptr (CarreteFolderPage) mine = web_api_folder_page (&gallery->mine);
  const char *next = page != NULL ? page->next_cursor : NULL;
  guint status = 200;

  web_append (html, "<div class=\"page-head\"><h1>%s</h1><a class=\"btn btn-primary\" href=\"/upload\">%s</a></div>\n",
              T (ctx, "Your photos"), T (ctx, "Upload photos"));
  if (gallery->filter_error != NULL)
    web_widgets_alert (html, gallery->filter_error);
  g_string_append (html, "<div class=\"layout\">\n");
  render_folders_nav (gallery, html, mine);
  g_string_append (html, "<section class=\"content\">\n");
  render_filters (ctx, html, mine != NULL ? mine->items : NULL);
  if (web_api_unavailable (&gallery->photos))
    {
      status = 503;
      web_widgets_alert (html, T (ctx, "Photos are unavailable right now. Your photos are safe; "
                                       "please try again in a moment."));
    }
  else if (gallery->photos.status != 200)
    web_widgets_alert (
        html, web_api_problem (&gallery->photos, T (ctx, "These filters could not be applied.")));
  else
    web_widgets_photo_grid (ctx, html, page != NULL ? page->items : NULL, "/photos/", "/upload");
  if (next != NULL)
    {
      g_autofree char *filters = filters_query (ctx);
      g_autofree char *cursor = web_query_escape (next);
      g_autofree char *href = g_strdup_printf ("/?cursor=%s%s", cursor, filters);

      web_append (html, "<p class=\"pager\"><a rel=\"next\" class=\"btn btn-secondary\" href=\"%s\">%s</a></p>\n",
                  href, T (ctx, "More photos"));
    }
  g_string_append (html, "</section></div>\n");
  web_ctx_respond_html (ctx, status, T (ctx, "Your photos"), html->str);
}

static void
gallery_free (Gallery *gallery)
{
  web_api_result_clear (&gallery->photos);
  web_api_result_clear (&gallery->mine);
  web_api_result_clear (&gallery->public);
  g_free (gallery->filter_error);
  web_ctx_unref (gallery->ctx);
  g_free (gallery);
}

static void
gallery_done_one (Gallery *gallery)
{
  if (--gallery->pending > 0)
    return;
  if (web_api_session_lost (gallery->ctx, &gallery->photos)
      || web_api_session_lost (gallery->ctx, &gallery->mine))
    web_ctx_redirect_to_login (gallery->ctx);
  else
    render_gallery (gallery);
  gallery_free (gallery);
}

typedef struct
{
  Gallery *gallery;
  WebApiResult *slot;
} Slot;

static void
on_slot (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  Slot *slot = user_data;
  Gallery *gallery = slot->gallery;

  web_api_result_move (slot->slot, result);
  g_free (slot);
  gallery_done_one (gallery);
}

static void
gallery_fetch (Gallery *gallery, WebService service, const char *path, WebApiResult *into)
{
  Slot *slot = g_new0 (Slot, 1);

  slot->gallery = gallery;
  slot->slot = into;
  gallery->pending++;
  web_api_call (gallery->ctx, service, "GET", path, NULL, on_slot, slot);
}

void
pages_gallery (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);
  Gallery *gallery;
  g_autofree char *photos = NULL;

  if (!web_ctx_has_session (ctx))
    {
      web_ctx_redirect_to_login (ctx);
      return;
    }
  gallery = g_new0 (Gallery, 1);
  gallery->ctx = web_ctx_ref (ctx);
  photos = photos_path (gallery);
  /* Held so that a call answering at once cannot finish the page before
   * the others are sent. */
  gallery->pending = 1;
  gallery_fetch (gallery, WEB_PHOTOS, photos, &gallery->photos);
  gallery_fetch (gallery, WEB_FOLDERS, "/v1/folders?scope=mine&limit=200", &gallery->mine);
  gallery_fetch (gallery, WEB_FOLDERS, "/v1/folders?scope=public&limit=50", &gallery->public);
  gallery_done_one (gallery);
}
