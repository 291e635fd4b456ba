#define G_LOG_DOMAIN "carrete-web"

/* Folder members on the web: the owner's "Share" section of a folder page
 * (add an account by username with a role, change a role, remove), and the
 * "Shared with me" page.  Every answer comes from the API: the page shows
 * what carrete-folders says, refusals included. */

#include "pages.h"

#include "web-api.h"
#include "web-form.h"
#include "web-html.h"
#include "web-layout.h"
#include "web-widgets.h"

/* ---- the owner's Share section ----------------------------------------------------- */

static const char *
role_label (WebCtx *ctx, const char *role)
{
  return g_strcmp0 (role, "contributor") == 0 ? T (ctx, "Contributor: sees and adds photos")
                                              : T (ctx, "Viewer: sees the photos");
}

static void
render_role_select (WebCtx *ctx, GString *html, const char *id, const char *selected)
{
  web_append (html, "<select id=\"%s\" name=\"role\">", id);
  for (guint i = 0; i < 2; i++)
    {
      const char *role = i == 0 ? "viewer" : "contributor";
      web_append (html, "<option value=\"%s\"%s>%s</option>", role,
                  g_strcmp0 (role, selected) == 0 ? " selected" : "", role_label (ctx, role));
    }
  g_string_append (html, "</select>");
}

static void
render_member (WebCtx *ctx, GString *html, const char *folder_id, JsonObject *member)
{
  const char *user_id = json_object_get_string_member_with_default (member, "user_id", "");
  const char *username = json_object_get_string_member_with_default (member, "username", user_id);
  const char *role = json_object_get_string_member_with_default (member, "role", "viewer");
  g_autofree char *select_id = g_strconcat ("role-", user_id, NULL);

  web_append (html, "<li class=\"member\" data-user=\"%s\"><span class=\"member-name\">%s</span>"
              "<form class=\"member-role\" method=\"post\" action=\"/folders/%s/members/%s\">"
              "<label for=\"%s\" class=\"visually-hidden\">%s</label>",
              user_id, username, folder_id, user_id, select_id, T (ctx, "Role"));
  render_role_select (ctx, html, select_id, role);
  web_layout_csrf_field (ctx, html);
  web_append (html, "<button type=\"submit\" class=\"btn btn-secondary\">%s</button></form>"
              "<form class=\"member-remove\" method=\"post\" action=\"/folders/%s/members/%s/remove\">",
              T (ctx, "Change role"), folder_id, user_id);
  web_layout_csrf_field (ctx, html);
  web_append (html, "<button type=\"submit\" class=\"btn btn-danger\">%s</button></form></li>",
              T (ctx, "Remove"));
}

void
pages_members_render_share (WebCtx *ctx, GString *html, const char *folder_id,
                            WebApiResult *members)
{
  JsonObject *page = members->status == 200 ? web_api_object (members) : NULL;
  JsonArray *items = page != NULL && json_object_has_member (page, "items")
                         ? json_object_get_array_member (page, "items")
                         : NULL;

  web_append (html, "<section id=\"share\" class=\"card owner-tools\"><h2>%s</h2><p class=\"hint\">%s</p>",
              T (ctx, "Share"),
              T (ctx, "People you add here see this folder under 'Shared with me'. Contributors "
                      "can also upload photos into it, and rename or delete the photos they added."));
  if (items == NULL)
    web_widgets_alert (html, T (ctx, "Folders are unavailable right now. Please try again in a moment."));
  web_append (html, "<ul id=\"members\" class=\"member-list\">");
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    render_member (ctx, html, folder_id, json_array_get_object_element (items, i));
  if (items != NULL && json_array_get_length (items) == 0)
    web_append (html, "<li class=\"muted\">%s</li>", T (ctx, "Shared with nobody yet."));
  web_append (html, "</ul><form id=\"member-add\" method=\"post\" action=\"/folders/%s/members\">"
              "<label for=\"member-username\">%s</label>"
              "<input id=\"member-username\" name=\"username\" required maxlength=\"32\" autocomplete=\"off\">"
              "<label for=\"member-role\">%s</label>",
              folder_id, T (ctx, "Username"), T (ctx, "Role"));
  render_role_select (ctx, html, "member-role", "viewer");
  web_layout_csrf_field (ctx, html);
  web_append (html, "<button type=\"submit\" class=\"btn btn-primary\">%s</button></form></section>\n",
              T (ctx, "Add"));
}

/* ---- changes ----------------------------------------------------------------------- */

typedef struct
{
  char *folder_id;
  char *role;
} MemberChange;

static MemberChange *
member_change_new (const char *folder_id, const char *role)
{
  MemberChange *change = g_new0 (MemberChange, 1);

  change->folder_id = g_strdup (folder_id);
  change->role = g_strdup (role);
  return change;
}

static void
member_change_free (MemberChange *change)
{
  g_free (change->folder_id);
  g_free (change->role);
  g_free (change);
}

/* The API's refusal as a page: its own 4xx status, 503 for anything else. */
static guint
refusal_status (WebApiResult *result)
{
  return result->status >= 400 && result->status < 500 ? result->status : 503;
}

static void
respond_refused (WebCtx *ctx, guint status, const char *back, const char *message)
{
  g_autoptr (GString) html = g_string_new (NULL);

  web_append (html, "<h1>%s</h1>", T (ctx, "Sharing was not changed"));
  web_widgets_alert (html, message);
  web_append (html, "<p><a href=\"%s\">%s</a></p>", back, T (ctx, "Back"));
  web_ctx_respond_html (ctx, status, T (ctx, "Sharing was not changed"), html->str);
}

static void
respond_refused_in_folder (WebCtx *ctx, guint status, const char *folder_id, const char *message)
{
  g_autofree char *back = g_strconcat ("/folders/", folder_id, "#share", NULL);

  respond_refused (ctx, status, back, message);
}

void
pages_share_answer_change (WebCtx *ctx, WebApiResult *result, const char *back)
{
  JsonObject *problem = web_api_object (result);
  const char *detail
      = problem != NULL ? json_object_get_string_member_with_default (problem, "detail", "") : "";

  if (result->status >= 200 && result->status < 300)
    web_ctx_redirect (ctx, back);
  else if (web_api_session_lost (ctx, result))
    web_ctx_redirect_to_login (ctx);
  else if (result->status == 404
           && (g_strcmp0 (detail, "No such folder.") == 0 || g_strcmp0 (detail, "No such photo.") == 0))
    web_ctx_respond_not_found (ctx);
  else if (web_api_unavailable (result))
    respond_refused (ctx, 503, back,
                     T (ctx, "Sharing is unavailable right now. Please try again in a moment."));
  else
    respond_refused (ctx, refusal_status (result), back,
                     web_api_problem (result, T (ctx, "Check the fields and try again.")));
}

static void
on_member_changed (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  MemberChange *change = user_data;
  g_autofree char *back = g_strconcat ("/folders/", change->folder_id, "#share", NULL);

  pages_share_answer_change (ctx, result, back);
  member_change_free (change);
}

static JsonNode *
role_body (const char *role)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, role);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
put_member (WebCtx *ctx, MemberChange *change, const char *user_id)
{
  g_autoptr (JsonNode) body = role_body (change->role);
  g_autofree char *user = web_query_escape (user_id);
  g_autofree char *path = g_strdup_printf ("/v1/folders/%s/members/%s", change->folder_id, user);

  web_api_call (ctx, WEB_FOLDERS, "PUT", path, body, on_member_changed, change);
}

/* The account the username names (carrete-users: an exact match or none). */
static void
on_username_found (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  MemberChange *change = user_data;
  JsonObject *page = result->status == 200 ? web_api_object (result) : NULL;
  JsonArray *items = page != NULL && json_object_has_member (page, "items")
                         ? json_object_get_array_member (page, "items")
                         : NULL;

  if (items != NULL && json_array_get_length (items) == 1)
    {
      put_member (ctx, change,
                  json_object_get_string_member_with_default (
                      json_array_get_object_element (items, 0), "id", ""));
      return;
    }
  if (web_api_session_lost (ctx, result))
    web_ctx_redirect_to_login (ctx);
  else if (items != NULL || result->status == 422)
    respond_refused_in_folder (ctx, 422, change->folder_id, T (ctx, "There is no account with that username."));
  else
    respond_refused_in_folder (ctx, 503, change->folder_id,
                     T (ctx, "Accounts are unavailable right now. Please try again in a moment."));
  member_change_free (change);
}

void
pages_folder_member_add_post (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);
  g_autoptr (GHashTable) form = NULL;
  g_autofree char *username = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  const char *id;

  form = web_ctx_take_change_form (ctx, &id);
  if (form == NULL)
    return;
  username = web_form_dup_stripped (form, "username");
  escaped = web_query_escape (username);
  path = g_strconcat ("/v1/users?username=", escaped, NULL);
  web_api_call (ctx, WEB_USERS, "GET", path, NULL, on_username_found,
                member_change_new (id, web_form_get (form, "role", "viewer")));
}

void
pages_folder_member_role_post (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);
  g_autoptr (GHashTable) form = NULL;
  const char *id;

  form = web_ctx_take_change_form (ctx, &id);
  if (form == NULL)
    return;
  put_member (ctx, member_change_new (id, web_form_get (form, "role", "viewer")),
              carrete_request_get_param (req, "user_id"));
}

void
pages_folder_member_remove_post (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);
  g_autoptr (GHashTable) form = NULL;
  g_autofree char *user = NULL;
  g_autofree char *path = NULL;
  const char *id;

  form = web_ctx_take_change_form (ctx, &id);
  if (form == NULL)
    return;
  user = web_query_escape (carrete_request_get_param (req, "user_id"));
  path = g_strdup_printf ("/v1/folders/%s/members/%s", id, user);
  web_api_call (ctx, WEB_FOLDERS, "DELETE", path, NULL, on_member_changed,
                member_change_new (id, NULL));
}

/* ---- Shared with me ------------------------------------------------------------------ */

static void
on_shared (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  g_autoptr (GString) html = g_string_new (NULL);
  g_autoptr (CarreteFolderPage) page = web_api_folder_page (result);
  guint n = page != NULL ? page->items->len : 0;

  if (web_api_session_lost (ctx, result))
    {
      web_ctx_redirect_to_login (ctx);
      return;
    }
  web_append (html, "<h1>%s</h1>\n", T (ctx, "Shared with me"));
  if (page == NULL)
    {
      web_widgets_alert (html, T (ctx, "Folders are unavailable right now. Please try again in a moment."));
      web_ctx_respond_html (ctx, 503, T (ctx, "Shared with me"), html->str);
      return;
    }
  web_append (html, "<ul id=\"shared-folders\" class=\"folder-list\">");
  for (guint i = 0; i < n; i++)
    {
      CarreteFolder *folder = g_ptr_array_index (page->items, i);
      const char *role = carrete_folder_get_role (folder);

      web_append (html, "<li><a href=\"/folders/%s\">%s</a> <span class=\"badge\" data-role=\"%s\">%s</span></li>",
                  carrete_folder_get_id (folder), carrete_folder_get_name (folder),
                  role != NULL ? role : "",
                  g_strcmp0 (role, "contributor") == 0 ? T (ctx, "contributor") : T (ctx, "viewer"));
    }
  if (n == 0)
    web_append (html, "<li class=\"muted\">%s</li>", T (ctx, "Nobody has shared a folder with you yet."));
  g_string_append (html, "</ul>\n");
  web_ctx_respond_html (ctx, 200, T (ctx, "Shared with me"), html->str);
}

void
pages_shared_get (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);

  if (!web_ctx_has_session (ctx))
    web_ctx_redirect_to_login (ctx);
  else
    web_api_call (ctx, WEB_FOLDERS, "GET", "/v1/folders?scope=shared&limit=200", NULL, on_shared,
                  NULL);
}
