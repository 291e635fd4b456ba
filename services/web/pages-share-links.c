#define G_LOG_DOMAIN "carrete-web"

/* Share links on the web, the owner's side: the "Share links" section of
 * a folder's or a photo's page (the links with their use, a form for a
 * new one, revoke), and the page that shows a new link's address, the
 * only time its token can be seen.  carrete-folders decides everything
 * (limits, expiry, password rules); the page shows what it says. */

#include "pages.h"

#include "web-api.h"
#include "web-form.h"
#include "web-html.h"
#include "web-layout.h"
#include "web-widgets.h"

/* "folder" or "photo": what the page's {id} is, from its path. */
static const char *
kind_of (WebCtx *ctx)
{
  SoupServerMessage *msg = carrete_request_get_message (ctx->req);
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));

  return g_str_has_prefix (path, "/photos/") ? "photo" : "folder";
}

static char *
owner_page (const char *kind, const char *id)
{
  return g_strdup_printf ("/%ss/%s#links", kind, id);
}

/* ---- the section ------------------------------------------------------------------- */

static char *
readable_time (JsonObject *link, const char *member)
{
  const char *text = json_object_get_string_member_with_default (link, member, NULL);
  g_autoptr (GDateTime) time = text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  return time != NULL ? g_date_time_format (time, "%Y-%m-%d %H:%M UTC") : NULL;
}

static void
render_link_facts (WebCtx *ctx, GString *html, JsonObject *link)
{
  g_autofree char *expires = readable_time (link, "expires_at");
  g_autofree char *last_used = readable_time (link, "last_used_at");
  g_autofree char *uses = g_strdup_printf ("%" G_GINT64_FORMAT,
                                           json_object_get_int_member_with_default (link, "use_count", 0));
  g_autofree char *used = NULL;

  g_string_append (html, "<ul class=\"link-facts\">");
  if (expires != NULL)
    {
      g_autofree char *text = web_ctx_t_replace (ctx, "Expires {time}", "{time}", expires);
      web_append (html, "<li class=\"link-expiry\">%s</li>", text);
    }
  else
    web_append (html, "<li class=\"link-expiry\">%s</li>", T (ctx, "Never expires"));
  web_append (html, "<li class=\"link-password\">%s</li><li class=\"link-download\">%s</li>",
              json_object_get_boolean_member_with_default (link, "has_password", FALSE)
                  ? T (ctx, "Password protected")
                  : T (ctx, "No password"),
              json_object_get_boolean_member_with_default (link, "allow_download", FALSE)
                  ? T (ctx, "Originals can be downloaded")
                  : T (ctx, "Previews only"));
  used = json_object_get_int_member_with_default (link, "use_count", 0) == 1
             ? g_strdup (T (ctx, "Used once"))
             : web_ctx_t_replace (ctx, "Used {count} times", "{count}", uses);
  web_append (html, "<li class=\"link-uses\" data-uses=\"%s\">%s", uses, used);
  if (last_used != NULL)
    {
      g_autofree char *last = web_ctx_t_replace (ctx, "last on {time}", "{time}", last_used);
      web_append (html, ", %s", last);
    }
  g_string_append (html, "</li></ul>");
}

static void
render_link (WebCtx *ctx, GString *html, const char *kind, const char *id, JsonObject *link)
{
  const char *link_id = json_object_get_string_member_with_default (link, "id", "");
  const char *label = json_object_get_string_member_with_default (link, "label", NULL);

  web_append (html, "<li class=\"share-link\" data-link=\"%s\"><span class=\"link-label\">%s</span>",
              link_id, label != NULL ? label : T (ctx, "Link without a label"));
  render_link_facts (ctx, html, link);
  web_append (html, "<form class=\"link-revoke\" method=\"post\" action=\"/%ss/%s/links/%s/revoke\">",
              kind, id, link_id);
  web_layout_csrf_field (ctx, html);
  web_append (html, "<button type=\"submit\" class=\"btn btn-danger\">%s</button></form></li>",
              T (ctx, "Revoke"));
}

static void
render_create_form (WebCtx *ctx, GString *html, const char *kind, const char *id)
{
  web_append (html, "<form id=\"link-create\" method=\"post\" action=\"/%ss/%s/links\">"
              "<label for=\"link-label\">%s</label>"
              "<input id=\"link-label\" name=\"label\" maxlength=\"128\" autocomplete=\"off\">"
              "<label for=\"link-expires\">%s</label>"
              "<input id=\"link-expires\" name=\"expires\" type=\"date\">"
              "<label for=\"link-password-new\">%s</label>"
              "<input id=\"link-password-new\" name=\"password\" type=\"password\" maxlength=\"1024\""
              " autocomplete=\"new-password\">"
              "<input id=\"link-download\" name=\"allow_download\" type=\"checkbox\" value=\"true\" checked>"
              "<label for=\"link-download\" class=\"inline\">%s</label>",
              kind, id, T (ctx, "Label (optional)"),
              T (ctx, "Expires at the end of (optional, UTC)"), T (ctx, "Password (optional)"),
              T (ctx, "Allow downloading the originals"));
  web_layout_csrf_field (ctx, html);
  web_append (html, "<button type=\"submit\" class=\"btn btn-primary\">%s</button></form>",
              T (ctx, "Create link"));
}

void
pages_share_links_render (WebCtx *ctx, GString *html, const char *kind, const char *id,
                          WebApiResult *links)
{
  JsonObject *page = links->status == 200 ? web_api_object (links) : NULL;
  JsonArray *items = page != NULL && json_object_has_member (page, "items")
                         ? json_object_get_array_member (page, "items")
                         : NULL;

  web_append (html, "<section id=\"links\" class=\"card owner-tools\"><h2>%s</h2><p class=\"hint\">%s</p>",
              T (ctx, "Share links"),
              T (ctx, "Anyone who has a link sees what it covers, without an account. "
                      "A link's address is shown only once, when you create it."));
  if (items == NULL)
    web_widgets_alert (html, T (ctx, "Share links are unavailable right now. Please try again in a moment."));
  web_append (html, "<ul id=\"link-list\" class=\"member-list\">");
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    render_link (ctx, html, kind, id, json_array_get_object_element (items, i));
  if (items != NULL && json_array_get_length (items) == 0)
    web_append (html, "<li class=\"muted\">%s</li>", T (ctx, "No links yet."));
  g_string_append (html, "</ul>");
  render_create_form (ctx, html, kind, id);
  g_string_append (html, "</section>\n");
}

void
pages_share_links_ask (WebCtx *ctx, const char *kind, const char *id, WebApiFunc callback,
                       gpointer user_data)
{
  g_autofree char *escaped = web_query_escape (id);
  g_autofree char *path = g_strdup_printf ("/v1/shares?%s_id=%s&limit=100", kind, escaped);

  web_api_call (ctx, WEB_FOLDERS, "GET", path, NULL, callback, user_data);
}

/* ---- a new link -------------------------------------------------------------------- */

/* Where carrete-web is, for the link's full address: CARRETE_PUBLIC_URL,
 * else the address the browser used (https when cookies are Secure, as
 * behind a TLS proxy). */
static char *
public_base (WebCtx *ctx)
{
  GUri *uri;

  if (ctx->app->public_url != NULL)
    return g_strdup (ctx->app->public_url);
  uri = soup_server_message_get_uri (carrete_request_get_message (ctx->req));
  return g_uri_join (G_URI_FLAGS_NONE, ctx->app->cookie_secure ? "https" : "http", NULL,
                     g_uri_get_host (uri), g_uri_get_port (uri), "", NULL, NULL);
}

static void
render_created (WebCtx *ctx, const char *kind, const char *id, JsonObject *link)
{
  g_autoptr (GString) html = g_string_new (NULL);
  g_autofree char *base = public_base (ctx);
  g_autofree char *address
      = g_strconcat (base, json_object_get_string_member_with_default (link, "url", ""), NULL);
  g_autofree char *back = owner_page (kind, id);

  web_append (html, "<h1>%s</h1>\n", T (ctx, "Link created"));
  web_widgets_status (html, T (ctx, "Copy the address now: it is shown only this once."));
  web_append (html, "<p><label for=\"link-url\">%s</label>"
              "<input id=\"link-url\" class=\"link-url\" readonly value=\"%s\"></p>"
              "<p><a href=\"%s\">%s</a></p>\n",
              T (ctx, "Address"), address, back, T (ctx, "Back"));
  web_ctx_respond_html (ctx, 201, T (ctx, "Link created"), html->str);
}

/* What a change's answer needs: the page's kind and id, as a GStrv. */
static char **
link_change_new (const char *kind, const char *id)
{
  return g_strdupv ((char *[]) { (char *) kind, (char *) id, NULL });
}

static void
on_link_created (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  g_auto (GStrv) change = user_data;
  JsonObject *link = result->status == 201 ? web_api_object (result) : NULL;
  g_autofree char *back = owner_page (change[0], change[1]);

  if (link != NULL)
    render_created (ctx, change[0], change[1], link);
  else
    pages_share_answer_change (ctx, result, back);
}

static void
on_link_revoked (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  g_auto (GStrv) change = user_data;
  g_autofree char *back = owner_page (change[0], change[1]);

  pages_share_answer_change (ctx, result, back);
}

/* The form as POST /v1/shares' body: empty fields are left out, the
 * expiry date is the end of that day in UTC. */
static JsonNode *
create_body (const char *kind, const char *id, GHashTable *form)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *member = g_strconcat (kind, "_id", NULL);
  g_autofree char *label = web_form_dup_stripped (form, "label");
  g_autofree char *expires = web_form_dup_stripped (form, "expires");
  const char *password = web_form_get (form, "password", "");

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "allow_download");
  json_builder_add_boolean_value (builder, g_strcmp0 (web_form_get (form, "allow_download", ""), "true") == 0);
  if (*label != '\0')
    {
      json_builder_set_member_name (builder, "label");
      json_builder_add_string_value (builder, label);
    }
  if (*expires != '\0')
    {
      g_autofree char *end_of_day = g_strconcat (expires, "T23:59:59Z", NULL);
      json_builder_set_member_name (builder, "expires_at");
      json_builder_add_string_value (builder, end_of_day);
    }
  if (*password != '\0')
    {
      json_builder_set_member_name (builder, "password");
      json_builder_add_string_value (builder, password);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

void
pages_share_link_create_post (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);
  g_autoptr (GHashTable) form = NULL;
  g_autoptr (JsonNode) body = NULL;
  const char *id;

  form = web_ctx_take_change_form (ctx, &id);
  if (form == NULL)
    return;
  body = create_body (kind_of (ctx), id, form);
  web_api_call (ctx, WEB_FOLDERS, "POST", "/v1/shares", body, on_link_created,
                link_change_new (kind_of (ctx), id));
}

void
pages_share_link_revoke_post (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);
  g_autoptr (GHashTable) form = NULL;
  g_autofree char *link = NULL;
  g_autofree char *path = NULL;
  const char *id;

  form = web_ctx_take_change_form (ctx, &id);
  if (form == NULL)
    return;
  link = web_query_escape (carrete_request_get_param (req, "link_id"));
  path = g_strconcat ("/v1/shares/", link, NULL);
  web_api_call (ctx, WEB_FOLDERS, "DELETE", path, NULL, on_link_revoked,
                link_change_new (kind_of (ctx), id));
}
