#define G_LOG_DOMAIN "carrete-web"

#include "web-widgets.h"

#include "web-html.h"

void
web_widgets_photo_grid (WebCtx *ctx, GString *out, GPtrArray *photos, const char *tile_base,
                        const char *upload_href)
{
  guint n = photos != NULL ? photos->len : 0;

  if (n == 0 && upload_href == NULL)
    {
      web_append (out, "<div id=\"empty-state\" class=\"empty\"><p>%s</p></div>\n",
                  T (ctx, "There are no photos here."));
      return;
    }
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
      CarretePhoto *photo = g_ptr_array_index (photos, i);
      const char *name = carrete_photo_get_name (photo);
      const char *id = carrete_photo_get_id (photo);
      const char *state = carrete_photo_get_thumbnails (photo);
      const char *thumb = carrete_photo_get_thumbnail_url (photo);

      /* thumbs.js finds the pending tiles by id and state, and takes the
       * ready tile from the page once the service has made it. */
      web_append (out, "<li class=\"photo-card\"><a id=\"tile-%s\" href=\"%s%s\""
                  " data-thumbnails=\"%s\">", id, tile_base, id, state);
      if (thumb != NULL)
        web_append (out,
                    "<img src=\"%s\" alt=\"%s\" loading=\"lazy\" width=\"256\" height=\"256\">",
                    thumb, name);
      else if (g_str_equal (state, "failed"))
        web_append (out, "<span class=\"thumb-missing thumb-failed\">%s</span>",
                    T (ctx, "No preview"));
      else
        web_append (out, "<span class=\"thumb-missing thumb-pending\">%s</span>",
                    T (ctx, "Processing..."));
      web_append (out, "<span class=\"photo-name\">%s</span></a></li>\n", name);
    }
  g_string_append (out, "</ul>\n");
}

void
web_widgets_folder_options (WebCtx *ctx, GString *out, GPtrArray *folders, const char *selected,
                            gboolean with_none)
{
  guint n = folders != NULL ? folders->len : 0;

  if (with_none)
    web_append (out, "<option value=\"\"%s>%s</option>",
                selected == NULL || *selected == '\0' ? " selected" : "", T (ctx, "No folder"));
  for (guint i = 0; i < n; i++)
    {
      CarreteFolder *folder = g_ptr_array_index (folders, i);
      const char *id = carrete_folder_get_id (folder);

      web_append (out, "<option value=\"%s\"%s>%s</option>", id,
                  g_strcmp0 (id, selected) == 0 ? " selected" : "",
                  carrete_folder_get_name (folder));
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
web_widgets_folder_name (GPtrArray *folders, const char *id)
{
  guint n = folders != NULL ? folders->len : 0;

  for (guint i = 0; id != NULL && i < n; i++)
    {
      CarreteFolder *folder = g_ptr_array_index (folders, i);
      if (g_strcmp0 (carrete_folder_get_id (folder), id) == 0)
        return carrete_folder_get_name (folder);
    }
  return NULL;
}
