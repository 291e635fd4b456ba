#define G_LOG_DOMAIN "carrete-web"

#include "web-widgets.h"

#include "web-html.h"

static JsonObject *
element_object (JsonArray *array, guint i)
{
  JsonNode *node = json_array_get_element (array, i);
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

void
web_widgets_photo_grid (WebCtx *ctx, GString *out, JsonArray *items, const char *upload_href)
{
  guint n = items != NULL ? json_array_get_length (items) : 0;

  if (n == 0)
    {
      web_append (out, "<div id=\"empty-state\" class=\"empty\"><p>%s</p>"
                  "<p><a class=\"btn btn-primary\" href=\"%s\">%s</a></p></div>\n",
                  T (ctx, "No photos here yet. Upload a few and they will show up in this grid."),
                  upload_href, T (ctx, "Upload photos"));
      return;
    }
  g_string_append (out, "<ul id=\"photo-grid\" class=\"grid\">\n");
  for (guint i = 0; i < n; i++)
    {
      JsonObject *photo = element_object (items, i);
      const char *id = web_json_string (photo, "id");
      const char *name = web_json_string (photo, "name");
      const char *thumb = web_json_string (photo, "thumbnail_url");

      if (id == NULL)
        continue;
      web_append (out, "<li class=\"photo-card\"><a href=\"/photos/%s\">", id);
      if (thumb != NULL)
        web_append (out, "<img src=\"%s\" alt=\"%s\" loading=\"lazy\" width=\"256\" height=\"256\">",
                    thumb, name != NULL ? name : "");
      else
        web_append (out, "<span class=\"thumb-missing\">%s</span>", T (ctx, "Processing..."));
      web_append (out, "<span class=\"photo-name\">%s</span></a></li>\n", name != NULL ? name : "");
    }
  g_string_append (out, "</ul>\n");
}

void
web_widgets_folder_options (WebCtx *ctx, GString *out, JsonArray *folders, const char *selected,
                            gboolean with_none)
{
  guint n = folders != NULL ? json_array_get_length (folders) : 0;

  if (with_none)
    web_append (out, "<option value=\"\"%s>%s</option>",
                selected == NULL || *selected == '\0' ? " selected" : "", T (ctx, "No folder"));
  for (guint i = 0; i < n; i++)
    {
      JsonObject *folder = element_object (folders, i);
      const char *id = web_json_string (folder, "id");

      if (id == NULL)
        continue;
      web_append (out, "<option value=\"%s\"%s>%s</option>", id,
                  g_strcmp0 (id, selected) == 0 ? " selected" : "",
                  web_json_string (folder, "name"));
    }
}

void
web_widgets_alert (GString *out, const char *message)
{
  web_append (out, "<div class=\"alert alert-danger\" role=\"alert\">%s</div>\n", message);
}

void
web_widgets_status (GString *out, const char *message)
{
  web_append (out, "<div class=\"alert alert-success\" role=\"status\">%s</div>\n", message);
}

const char *
web_widgets_folder_name (JsonArray *folders, const char *id)
{
  guint n = folders != NULL ? json_array_get_length (folders) : 0;

  for (guint i = 0; id != NULL && i < n; i++)
    {
      JsonObject *folder = element_object (folders, i);
      if (g_strcmp0 (web_json_string (folder, "id"), id) == 0)
        return web_json_string (folder, "name");
    }
  return NULL;
}
