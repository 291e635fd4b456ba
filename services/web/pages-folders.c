#define G_LOG_DOMAIN "carrete-web"

#include "pages.h"

#include <string.h>

#include "web-api.h"
#include "web-form.h"
#include "web-html.h"
#include "web-layout.h"
#include "web-widgets.h"

/* ---- the folder form (new and edit) ------------------------------------------ */

typedef struct
{
  char *name;
  char *visibility;
  char *tags; /* as typed, comma-separated */
} FolderFields;

static void
folder_fields_free (FolderFields *fields)
{
  g_free (fields->name);
  g_free (fields->visibility);
  g_free (fields->tags);
  g_free (fields);
}

static FolderFields *
folder_fields_from_form (GHashTable *form)
{
  FolderFields *fields = g_new0 (FolderFields, 1);

  fields->name = web_form_dup_stripped (form, "name");
  fields->visibility = g_strdup (web_form_get (form, "visibility", "private"));
  fields->tags = g_strdup (web_form_get (form, "tags", ""));
  return fields;
}

static JsonNode *
folder_body (FolderFields *fields)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, fields->name);
  json_builder_set_member_name (builder, "visibility");
  json_builder_add_string_value (builder, fields->visibility);
  json_builder_set_member_name (builder, "tags");
  json_builder_add_value (builder, web_form_tags (fields->tags));
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
render_folder_fields (WebCtx *ctx, GString *html, const char *prefix, const char *name,
                      const char *visibility, const char *tags)
{
  gboolean is_public = g_strcmp0 (visibility, "public") == 0;

  web_append (html, "<label for=\"%sname\">%s</label>"
              "<input id=\"%sname\" name=\"name\" required maxlength=\"100\" value=\"%s\">"
              "<label for=\"%svisibility\">%s</label>"
              "<select id=\"%svisibility\" name=\"visibility\">"
              "<option value=\"private\"%s>%s</option><option value=\"public\"%s>%s</option></select>"
              "<label for=\"%stags\">%s</label>"
              "<input id=\"%stags\" name=\"tags\" value=\"%s\" placeholder=\"%s\">",
              prefix, T (ctx, "Name"), prefix, name, prefix, T (ctx, "Who can see it"), prefix,
              is_public ? "" : " selected", T (ctx, "Private: only you"),
              is_public ? " selected" : "", T (ctx, "Public: anyone with the link"), prefix,
              T (ctx, "Tags, separated by commas"), prefix, tags, T (ctx, "beach, family"));
  web_layout_csrf_field (ctx, html);
}

static void
render_new (WebCtx *ctx, guint status, const char *error, FolderFields *fields)
{
  g_autoptr (GString) html = g_string_new (NULL);

  web_append (html, "<section class=\"card narrow\"><h1>%s</h1>\n", T (ctx, "New folder"));
  if (error != NULL)
    web_widgets_alert (html, error);
  g_string_append (html, "<form id=\"folder-form\" method=\"post\" action=\"/folders/new\">");
  render_folder_fields (ctx, html, "", fields != NULL ? fields->name : "",
                        fields != NULL ? fields->visibility : "private",
                        fields != NULL ? fields->tags : "");
  web_append (html, "<button type=\"submit\" class=\"btn btn-primary\">%s</button></form></section>\n",
              T (ctx, "Create folder"));
  web_ctx_respond_html (ctx, status, T (ctx, "New folder"), html->str);
}

void
pages_folder_new_get (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);

  if (!web_ctx_has_session (ctx))
    web_ctx_redirect_to_login (ctx);
  else
    render_new (ctx, 200, NULL, NULL);
}

static void
on_created (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  FolderFields *fields = user_data;
  g_autoptr (CarreteFolder) folder = web_api_folder (result);

  if (result->status == 201 && folder != NULL)
    {
      g_autofree char *location = g_strconcat ("/folders/", carrete_folder_get_id (folder), NULL);
      web_ctx_redirect (ctx, location);
    }
  else if (web_api_session_lost (ctx, result))
    web_ctx_redirect_to_login (ctx);
  else if (result->status == 409)
    render_new (ctx, 409, T (ctx, "You already have a folder with that name. Choose another name."), fields);
  else if (web_api_unavailable (result))
    render_new (ctx, 503, T (ctx, "Folders are unavailable right now. Please try again in a moment."), fields);
  else
    render_new (ctx, 422, web_api_problem (result, T (ctx, "Check the fields and try again.")),
                fields);
  folder_fields_free (fields);
}

void
pages_folder_new_post (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);
  g_autoptr (GHashTable) form = web_ctx_take_form (ctx);
  g_autoptr (JsonNode) body = NULL;
  FolderFields *fields;

  if (form == NULL)
    return;
  if (!web_ctx_has_session (ctx))
    {
      web_ctx_redirect_to_login (ctx);
      return;
    }
  fields = folder_fields_from_form (form);
  body = folder_body (fields);
  web_api_call (ctx, WEB_FOLDERS, "POST", "/v1/folders", body, on_created, fields);
}

/* ---- viewing a folder ----------------------------------------------------------- */

typedef struct
{
  char *id;
  CarreteFolder *folder;
  WebApiResult photos;
  WebApiResult members;
} FolderView;

static void
folder_view_free (FolderView *view)
{
  g_free (view->id);
  g_clear_object (&view->folder);
  web_api_result_clear (&view->photos);
  web_api_result_clear (&view->members);
  g_free (view);
}

static void
render_tags (WebCtx *ctx, GString *html, CarreteFolder *folder)
{
  const char *const *tags = carrete_folder_get_tags (folder);

  if (tags[0] == NULL)
    return;
  web_append (html, "<ul class=\"tags\" aria-label=\"%s\">", T (ctx, "Tags"));
  for (guint i = 0; tags[i] != NULL; i++)
    web_append (html, "<li class=\"tag\">%s</li>", tags[i]);
  g_string_append (html, "</ul>\n");
}

static void
render_owner_forms (WebCtx *ctx, GString *html, const char *id, CarreteFolder *folder)
{
  g_autofree char *tags = g_strjoinv (", ", (char **) carrete_folder_get_tags (folder));
  g_autofree char *upload = g_strconcat ("/upload?folder_id=", id, NULL);

  web_append (html, "<section class=\"card owner-tools\"><h2>%s</h2>"
              "<p><a class=\"btn btn-primary\" href=\"%s\">%s</a></p>"
              "<form id=\"folder-edit\" method=\"post\" action=\"/folders/%s\">",
              T (ctx, "Manage this folder"), upload, T (ctx, "Upload to this folder"), id);
  render_folder_fields (ctx, html, "edit-", carrete_folder_get_name (folder),
                        carrete_folder_get_visibility (folder), tags);
  web_append (html, "<button type=\"submit\" class=\"btn btn-secondary\">%s</button></form>"
              "<form id=\"folder-delete\" method=\"post\" action=\"/folders/%s/delete\">",
              T (ctx, "Save changes"), id);
  web_layout_csrf_field (ctx, html);
  web_append (html, "<input id=\"recursive\" name=\"recursive\" type=\"checkbox\" value=\"true\">"
              "<label for=\"recursive\" class=\"inline\">%s</label> "
              "<button type=\"submit\" class=\"btn btn-danger\">%s</button></form></section>\n",
              T (ctx, "Also move the photos in it to the trash"), T (ctx, "Move to trash"));
}

/* A contributor (not the owner) uploads into the folder too. */
static void
render_contributor_tools (WebCtx *ctx, GString *html, const char *upload)
{
  web_append (html, "<section id=\"contributor-tools\" class=\"card\"><p class=\"hint\">%s</p>"
              "<p><a class=\"btn btn-primary\" href=\"%s\">%s</a></p></section>\n",
              T (ctx, "This folder is shared with you: you can add photos to it."), upload,
              T (ctx, "Upload to this folder"));
}

/* `members` and `links`: the owner's view of who and what the folder is
 * shared with, or NULL for anyone else. */
static void
render_folder (WebCtx *ctx, FolderView *view, WebApiResult *photos, WebApiResult *members,
               WebApiResult *links)
{
  g_autoptr (GString) html = g_string_new (NULL);
  CarreteFolder *folder = view->folder;
  const char *name = carrete_folder_get_name (folder);
  const char *visibility
      = g_strcmp0 (carrete_folder_get_visibility (folder), "public") == 0 ? "public" : "private";
  gboolean owner = web_ctx_is_user (ctx, carrete_folder_get_owner_id (folder));
  const char *role = carrete_folder_get_role (folder);
  g_autofree char *upload = g_strconcat ("/upload?folder_id=", view->id, NULL);
  g_autoptr (CarretePhotoPage) page = web_api_photo_page (photos);
  const char *next = page != NULL ? page->next_cursor : NULL;
  guint status = 200;

  web_append (html,
              "<div class=\"page-head\"><h1>%s</h1><span id=\"folder-visibility\" "
              "class=\"badge\" data-visibility=\"%s\">%s</span></div>\n",
              name, visibility,
              g_str_equal (visibility, "public") ? T (ctx, "public") : T (ctx, "private"));
  render_tags (ctx, html, folder);
  if (web_api_unavailable (photos))
    {
      status = 503;
      web_widgets_alert (html, T (ctx, "Photos are unavailable right now. Please try again in a moment."));
    }
  else
    web_widgets_photo_grid (ctx, html, page != NULL ? page->items : NULL, "/photos/", upload);
  if (next != NULL)
    {
      g_autofree char *cursor = web_query_escape (next);
      g_autofree char *href = g_strdup_printf ("/folders/%s?cursor=%s", view->id, cursor);
      web_append (html, "<p class=\"pager\"><a rel=\"next\" class=\"btn btn-secondary\" href=\"%s\">%s</a></p>",
                  href, T (ctx, "More photos"));
    }
  if (owner)
    render_owner_forms (ctx, html, view->id, folder);
  else if (g_strcmp0 (role, "contributor") == 0)
    render_contributor_tools (ctx, html, upload);
  if (owner && members != NULL)
    pages_members_render_share (ctx, html, view->id, members);
  if (owner && links != NULL)
    pages_share_links_render (ctx, html, "folder", view->id, links);
  web_ctx_respond_html (ctx, status, name, html->str);
}

static void
on_folder_links (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  FolderView *view = user_data;

  if (web_api_session_lost (ctx, result))
    web_ctx_redirect_to_login (ctx);
  else
    render_folder (ctx, view, &view->photos, &view->members, result);
  folder_view_free (view);
}

static void
on_folder_members (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  FolderView *view = user_data;

  if (web_api_session_lost (ctx, result))
    {
      web_ctx_redirect_to_login (ctx);
      folder_view_free (view);
      return;
    }
  web_api_result_move (&view->members, result);
  pages_share_links_ask (ctx, "folder", view->id, on_folder_links, view);
}

/* The owner's page also lists the members (the Share section) and the
 * share links. */
static void
on_folder_photos (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  FolderView *view = user_data;
  g_autofree char *path = NULL;

  if (web_api_session_lost (ctx, result))
    web_ctx_redirect_to_login (ctx);
  else if (g_strcmp0 (carrete_folder_get_role (view->folder), "owner") == 0)
    {
      web_api_result_move (&view->photos, result);
      path = g_strdup_printf ("/v1/folders/%s/members?limit=200", view->id);
      web_api_call (ctx, WEB_FOLDERS, "GET", path, NULL, on_folder_members, view);
      return;
    }
  else
    render_folder (ctx, view, result, NULL, NULL);
  folder_view_free (view);
}

static gboolean
answer_failed_lookup (WebCtx *ctx, WebApiResult *result, const char *unavailable)
{
  if (result->status == 200)
    return FALSE;
  if (result->status == 404 || result->status == 403)
    web_ctx_respond_not_found (ctx);
  else if (web_api_session_lost (ctx, result))
    web_ctx_redirect_to_login (ctx);
  else
    web_ctx_respond_message (ctx, 503, N_("Unavailable"), unavailable);
  return TRUE;
}

static void
on_folder (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  FolderView *view = user_data;
  g_autofree char *cursor = web_query_escape (carrete_request_get_query (ctx->req, "cursor"));
  g_autofree char *folder_id = web_query_escape (view->id);
  g_autofree char *path = NULL;

  if (answer_failed_lookup (ctx, result, N_("Folders are unavailable right now. Please try again in a moment.")))
    {
      folder_view_free (view);
      return;
    }
  view->folder = web_api_folder (result);
  if (view->folder == NULL)
    {
      web_ctx_respond_message (
          ctx, 503, N_("Unavailable"),
          N_("Folders are unavailable right now. Please try again in a moment."));
      folder_view_free (view);
      return;
    }
  path = g_strdup_printf ("/v1/photos?limit=50&folder_id=%s%s%s", folder_id,
                          *cursor != '\0' ? "&cursor=" : "", cursor);
  web_api_call (ctx, WEB_PHOTOS, "GET", path, NULL, on_folder_photos, view);
}

void
pages_folder_get (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);
  const char *id = carrete_request_get_param (req, "id");
  FolderView *view;
  g_autofree char *path = NULL;

  if (!web_form_id_is_plausible (id))
    {
      web_ctx_respond_not_found (ctx);
      return;
    }
  view = g_new0 (FolderView, 1);
  view->id = g_strdup (id);
  path = g_strconcat ("/v1/folders/", id, NULL);
  web_api_call (ctx, WEB_FOLDERS, "GET", path, NULL, on_folder, view);
}

/* ---- changing a folder ------------------------------------------------------------- */

typedef struct
{
  char *id;
  gboolean deleting;
} Change;

static Change *
change_new (const char *id, gboolean deleting)
{
  Change *change = g_new0 (Change, 1);

  change->id = g_strdup (id);
  change->deleting = deleting;
  return change;
}

static void
change_free (Change *change)
{
  g_free (change->id);
  g_free (change);
}

static void
respond_refused_change (WebCtx *ctx, WebApiResult *result, const char *back)
{
  g_autoptr (GString) html = g_string_new (NULL);

  web_append (html, "<h1>%s</h1>", T (ctx, "The folder was not changed"));
  web_widgets_alert (html, web_api_problem (result, T (ctx, "Check the fields and try again.")));
  web_append (html, "<p><a href=\"%s\">%s</a></p>", back, T (ctx, "Back to the folder"));
  web_ctx_respond_html (ctx, result->status >= 400 && result->status < 500 ? result->status : 422,
                        T (ctx, "The folder was not changed"), html->str);
}

static void
on_folder_changed (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  Change *change = user_data;
  g_autofree char *back = g_strconcat ("/folders/", change->id, NULL);

  if (result->status == 200 || result->status == 204)
    web_ctx_redirect (ctx, change->deleting ? "/" : back);
  else if (web_api_session_lost (ctx, result))
    web_ctx_redirect_to_login (ctx);
  else if (result->status == 404)
    web_ctx_respond_not_found (ctx);
  else if (result->status == 409 && change->deleting)
    web_ctx_respond_message (ctx, 409, N_("The folder is not empty"),
                             N_("This folder still has photos. Tick 'Also delete the photos in it' "
                                "to delete them with it, or move them first."));
  else if (result->status == 409)
    web_ctx_respond_message (ctx, 409, N_("That name is taken"),
                             N_("You already have a folder with that name. Choose another name."));
  else if (web_api_unavailable (result))
    web_ctx_respond_message (ctx, 503, N_("Unavailable"),
                             N_("Folders are unavailable right now. Please try again in a moment."));
  else
    respond_refused_change (ctx, result, back);
  change_free (change);
}

void
pages_folder_edit_post (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);
  g_autoptr (GHashTable) form = NULL;
  g_autoptr (JsonNode) body = NULL;
  const char *id;
  g_autofree char *path = NULL;
  FolderFields *fields;

  form = web_ctx_take_change_form (ctx, &id);
  if (form == NULL)
    return;
  fields = folder_fields_from_form (form);
  body = folder_body (fields);
  folder_fields_free (fields);
  path = g_strconcat ("/v1/folders/", id, NULL);
  web_api_call (ctx, WEB_FOLDERS, "PATCH", path, body, on_folder_changed, change_new (id, FALSE));
}

void
pages_folder_delete_post (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);
  g_autoptr (GHashTable) form = NULL;
  const char *id;
  g_autofree char *path = NULL;

  form = web_ctx_take_change_form (ctx, &id);
  if (form == NULL)
    return;
  path = g_strconcat ("/v1/folders/", id,
                      g_strcmp0 (g_hash_table_lookup (form, "recursive"), "true") == 0 ? "?recursive=true" : "",
                      NULL);
  web_api_call (ctx, WEB_FOLDERS, "DELETE", path, NULL, on_folder_changed, change_new (id, TRUE));
}
