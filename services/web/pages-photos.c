#define G_LOG_DOMAIN "carrete-web"

#include "pages.h"

#include "web-api.h"
#include "web-form.h"
#include "web-html.h"
#include "web-layout.h"
#include "web-widgets.h"

/* ---- viewing ---------------------------------------------------------------------- */

typedef struct
{
  char *id;
  CarretePhoto *photo;
  WebApiResult folders; /* the owner's, for the Move form */
} PhotoView;

static void
photo_view_free (PhotoView *view)
{
  g_free (view->id);
  g_clear_object (&view->photo);
  web_api_result_clear (&view->folders);
  g_free (view);
}

static void
meta_row (GString *html, const char *term, const char *value)
{
  web_append (html, "<dt>%s</dt><dd>%s</dd>", term, value);
}

/* "2026-11-28 10:00 UTC" (the services send RFC 3339 in UTC). */
static char *
readable_time (WebCtx *ctx, GDateTime *time)
{
  if (time == NULL)
    return g_strdup (T (ctx, "unknown"));
  return g_date_time_format (time, "%Y-%m-%d %H:%M UTC");
}

static void
render_meta (WebCtx *ctx, GString *html, CarretePhoto *photo, const char *folder_name)
{
  const char *folder_id = carrete_photo_get_folder_id (photo);
  g_autofree char *size = g_format_size ((guint64) carrete_photo_get_size (photo));
  /* Known once the thumbnails job has read the image. */
  g_autofree char *dimensions = carrete_photo_get_width (photo) > 0
                                    ? g_strdup_printf ("%d × %d px",
                                                       carrete_photo_get_width (photo),
                                                       carrete_photo_get_height (photo))
                                    : g_strdup ("—");
  g_autofree char *taken = readable_time (ctx, carrete_photo_get_taken_at (photo));
  g_autofree char *uploaded = readable_time (ctx, carrete_photo_get_uploaded_at (photo));
  const char *type = carrete_photo_get_content_type (photo);

  g_string_append (html, "<dl id=\"photo-meta\" class=\"meta\">");
  meta_row (html, T (ctx, "Size"), size);
  meta_row (html, T (ctx, "Dimensions"), dimensions);
  meta_row (html, T (ctx, "Type"), type != NULL ? type : "");
  meta_row (html, T (ctx, "Taken"), taken);
  meta_row (html, T (ctx, "Uploaded"), uploaded);
  web_append (html, "<dt>%s</dt><dd>", T (ctx, "Folder"));
  if (folder_id != NULL)
    web_append (html, "<a href=\"/folders/%s\">%s</a>", folder_id,
                folder_name != NULL ? folder_name : T (ctx, "Open the folder"));
  else
    web_append_escaped (html, T (ctx, "No folder"));
  g_string_append (html, "</dd></dl>\n");
}

static void
render_owner_forms (WebCtx *ctx, GString *html, const char *id, CarretePhoto *photo,
                    GPtrArray *folders)
{
  const char *folder_id = carrete_photo_get_folder_id (photo);

  web_append (
      html,
      "<section class=\"card owner-tools\"><h2>%s</h2>"
      "<form id=\"photo-rename\" method=\"post\" action=\"/photos/%s/rename\">"
      "<label for=\"name\">%s</label><input id=\"name\" name=\"name\" required value=\"%s\">",
      T (ctx, "Manage this photo"), id, T (ctx, "Name"), carrete_photo_get_name (photo));
  web_layout_csrf_field (ctx, html);
  web_append (html, "<button type=\"submit\" class=\"btn btn-secondary\">%s</button></form>"
              "<form id=\"photo-move\" method=\"post\" action=\"/photos/%s/move\">"
              "<label for=\"folder_id\">%s</label><select id=\"folder_id\" name=\"folder_id\">",
              T (ctx, "Rename"), id, T (ctx, "Folder"));
  web_widgets_folder_options (ctx, html, folders, folder_id, TRUE);
  g_string_append (html, "</select>");
  web_layout_csrf_field (ctx, html);
  web_append (html, "<button type=\"submit\" class=\"btn btn-secondary\">%s</button></form>"
              "<form id=\"photo-delete\" method=\"post\" action=\"/photos/%s/delete\">"
              "<input type=\"hidden\" name=\"folder_id\" value=\"%s\">",
              T (ctx, "Move"), id, folder_id != NULL ? folder_id : "");
  web_layout_csrf_field (ctx, html);
  web_append (html, "<button type=\"submit\" class=\"btn btn-danger\">%s</button></form></section>\n",
              T (ctx, "Move to trash"));
}

void
pages_photos_append_figure (WebCtx *ctx, GString *html, CarretePhoto *photo)
{
  const char *name = carrete_photo_get_name (photo);
  const char *preview = carrete_photo_get_preview_url (photo);
  const char *full = carrete_photo_get_url (photo);
  const char *state = carrete_photo_get_thumbnails (photo);

  /* The preview once the service has made it (thumbs.js takes it from the
   * page then); the original is only linked: it may be huge, or a type
   * browsers do not show.  A share link without downloads has no original
   * `url` at all. */
  web_append (html, "<h1>%s</h1>\n<figure id=\"photo-figure\" class=\"photo\" data-thumbnails=\"%s\">",
              name, state);
  if (preview != NULL)
    web_append (html, "<img id=\"photo-full\" src=\"%s\" alt=\"%s\">", preview, name);
  else if (g_str_equal (state, "failed"))
    web_append (html, "<p id=\"photo-full\" class=\"muted thumb-failed\">%s</p>",
                T (ctx, "No preview: this image could not be read."));
  else
    web_append (html, "<p id=\"photo-full\" class=\"muted thumb-pending\">%s</p>",
                T (ctx, "This photo is still being processed."));
  if (full != NULL)
    web_append (html, "<figcaption><a id=\"photo-original\" href=\"%s\">%s</a></figcaption>", full,
                T (ctx, "Open the original"));
  g_string_append (html, "</figure>\n");
}

/* `folders` and `links` for the owner, else NULL. */
static void
render_photo (WebCtx *ctx, PhotoView *view, GPtrArray *folders, const char *folder_name,
              WebApiResult *links)
{
  g_autoptr (GString) html = g_string_new (NULL);
  CarretePhoto *photo = view->photo;
  gboolean owner = web_ctx_is_user (ctx, carrete_photo_get_owner_id (photo));

  pages_photos_append_figure (ctx, html, photo);
  render_meta (ctx, html, photo, folder_name);
  if (owner)
    render_owner_forms (ctx, html, view->id, photo, folders);
  if (owner && links != NULL)
    pages_share_links_render (ctx, html, "photo", view->id, links);
  web_ctx_respond_html (ctx, 200, carrete_photo_get_name (photo), html->str);
}

static void
on_owner_links (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  PhotoView *view = user_data;
  g_autoptr (CarreteFolderPage) page = web_api_folder_page (&view->folders);
  GPtrArray *folders = page != NULL ? page->items : NULL;
  const char *folder_id = carrete_photo_get_folder_id (view->photo);

  if (web_api_session_lost (ctx, result))
    web_ctx_redirect_to_login (ctx);
  else
    render_photo (ctx, view, folders, web_widgets_folder_name (folders, folder_id), result);
  photo_view_free (view);
}

static void
on_owner_folders (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  PhotoView *view = user_data;

  web_api_result_move (&view->folders, result);
  pages_share_links_ask (ctx, "photo", view->id, on_owner_links, view);
}

static void
on_photo_folder (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  PhotoView *view = user_data;
  g_autoptr (CarreteFolder) folder = web_api_folder (result);

  render_photo (ctx, view, NULL, folder != NULL ? carrete_folder_get_name (folder) : NULL, NULL);
  photo_view_free (view);
}

static void
on_photo (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  PhotoView *view = user_data;
  g_autoptr (CarretePhoto) photo = web_api_photo (result);
  const char *folder_id = photo != NULL ? carrete_photo_get_folder_id (photo) : NULL;
  gboolean owner = photo != NULL && web_ctx_is_user (ctx, carrete_photo_get_owner_id (photo));

  if (result->status == 404 || result->status == 403)
    web_ctx_respond_not_found (ctx);
  else if (web_api_session_lost (ctx, result))
    web_ctx_redirect_to_login (ctx);
  else if (result->status != 200 || photo == NULL)
    web_ctx_respond_message (ctx, 503, N_("Unavailable"),
                             N_("Photos are unavailable right now. Please try again in a moment."));
  else
    {
      view->photo = g_steal_pointer (&photo);
      if (owner)
        web_api_call (ctx, WEB_FOLDERS, "GET", "/v1/folders?scope=mine&limit=200", NULL,
                      on_owner_folders, view);
      else if (folder_id != NULL && web_form_id_is_plausible (folder_id))
        {
          g_autofree char *path = g_strconcat ("/v1/folders/", folder_id, NULL);
          web_api_call (ctx, WEB_FOLDERS, "GET", path, NULL, on_photo_folder, view);
        }
      else
        {
          render_photo (ctx, view, NULL, NULL, NULL);
          photo_view_free (view);
        }
      return;
    }
  photo_view_free (view);
}

void
pages_photo_get (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);
  const char *id = carrete_request_get_param (req, "id");
  g_autofree char *path = NULL;
  PhotoView *view;

  if (!web_form_id_is_plausible (id))
    {
      web_ctx_respond_not_found (ctx);
      return;
    }
  view = g_new0 (PhotoView, 1);
  view->id = g_strdup (id);
  path = g_strconcat ("/v1/photos/", id, NULL);
  web_api_call (ctx, WEB_PHOTOS, "GET", path, NULL, on_photo, view);
}

/* ---- changing --------------------------------------------------------------------- */

static void
on_photo_changed (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  g_autofree char *location = user_data;

  if (result->status == 200 || result->status == 204)
    web_ctx_redirect (ctx, location);
  else if (web_api_session_lost (ctx, result))
    web_ctx_redirect_to_login (ctx);
  else if (result->status == 404)
    web_ctx_respond_not_found (ctx);
  else if (web_api_unavailable (result))
    web_ctx_respond_message (ctx, 503, N_("Unavailable"),
                             N_("Photos are unavailable right now. Please try again in a moment."));
  else
    {
      g_autoptr (GString) html = g_string_new (NULL);
      web_append (html, "<h1>%s</h1>", T (ctx, "The photo was not changed"));
      web_widgets_alert (html,
                         web_api_problem (result, T (ctx, "Check the fields and try again.")));
      web_append (html, "<p><a href=\"%s\">%s</a></p>", location, T (ctx, "Back"));
      /* The service's own 4xx says it best (403 for someone else's photo in a public folder). */
      web_ctx_respond_html (ctx, result->status >= 400 && result->status < 500 ? result->status : 422,
                            T (ctx, "The photo was not changed"),
                            html->str);
    }
}

static void
patch_photo (WebCtx *ctx, const char *id, const char *member, const char *value)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *path = g_strconcat ("/v1/photos/", id, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  web_api_call (ctx, WEB_PHOTOS, "PATCH", path, body, on_photo_changed,
                g_strconcat ("/photos/", id, NULL));
}

/* Sets the photo's `member` to the form's field of that name; an empty
 * value is null when `empty_is_null` (no folder), else "". */
static void
patch_from_form (CarreteRequest *req, const char *member, gboolean empty_is_null)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);
  g_autoptr (GHashTable) form = NULL;
  const char *id;
  const char *value;

  form = web_ctx_take_change_form (ctx, &id);
  if (form == NULL)
    return;
  value = web_form_get (form, member, "");
  patch_photo (ctx, id, member, empty_is_null && *value == '\0' ? NULL : value);
}

void
pages_photo_rename_post (CarreteRequest *req)
{
  patch_from_form (req, "name", FALSE);
}

void
pages_photo_move_post (CarreteRequest *req)
{
  patch_from_form (req, "folder_id", TRUE);
}

void
pages_photo_delete_post (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);
  g_autoptr (GHashTable) form = NULL;
  const char *id;
  const char *folder_id;
  g_autofree char *path = NULL;

  form = web_ctx_take_change_form (ctx, &id);
  if (form == NULL)
    return;
  folder_id = g_hash_table_lookup (form, "folder_id");
  path = g_strconcat ("/v1/photos/", id, NULL);
  web_api_call (ctx, WEB_PHOTOS, "DELETE", path, NULL, on_photo_changed,
                web_form_id_is_plausible (folder_id) ? g_strconcat ("/folders/", folder_id, NULL)
                                                     : g_strdup ("/"));
}
