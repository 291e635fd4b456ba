#define G_LOG_DOMAIN "carrete-web"

#include "pages.h"

#include "app.h"
#include "web-ctx.h"

static const struct
{
  const char *suffix;
  const char *type;
} content_types[] = {
  { ".css", "text/css; charset=utf-8" },
  { ".js", "text/javascript; charset=utf-8" },
  { ".svg", "image/svg+xml" },
};

static const char *
content_type_for (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (content_types); i++)
    if (g_str_has_suffix (name, content_types[i].suffix))
      return content_types[i].type;
  return NULL;
}

/* Assets are compiled into the binary; nothing here reads the disk. */
void
pages_static (CarreteRequest *req)
{
  const char *name = carrete_request_get_param (req, "file");
  const char *type = content_type_for (name);
  g_autofree char *path = g_strconcat (WEB_RESOURCE_PREFIX "/static/", name, NULL);
  g_autoptr (GBytes) data = NULL;

  if (type != NULL && strstr (name, "..") == NULL)
    data = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  if (data == NULL)
    {
      pages_not_found (req);
      return;
    }
  carrete_request_set_header (req, "Cache-Control", "public, max-age=86400");
  carrete_request_respond_bytes (req, 200, type, data);
}

void
pages_not_found (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);

  web_ctx_respond_not_found (ctx);
}

/* carrete-web keeps no state of its own: ready as soon as it listens.  A
 * service it calls being down shows on the pages that need it. */
void
pages_readyz (CarreteRequest *req)
{
  g_autoptr (GBytes) body = g_bytes_new_static ("ok\n", 3);

  carrete_request_respond_bytes (req, 200, "text/plain; charset=utf-8", body);
}
