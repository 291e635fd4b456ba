#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Renders an OpenAPI 3.1 document as a self-contained HTML page (no script,
 * no third-party assets), served at /docs. */
GBytes *carrete_docs_render (const char *openapi_json, gsize len, GError **error);
GBytes *carrete_docs_render_resource (const char *resource_path, GError **error);

G_END_DECLS
