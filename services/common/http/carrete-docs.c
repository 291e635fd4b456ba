#define G_LOG_DOMAIN "carrete-docs"

#include "carrete-docs.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "carrete-error.h"

static const char *const http_methods[] = { "get", "post", "put", "patch", "delete", NULL };

static const char page_style[] =
  "body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}"
  "h1{margin-bottom:0}.op{border:1px solid #ddd;border-radius:6px;margin:1rem 0;padding:.5rem 1rem}"
  ".m{display:inline-block;min-width:4.5rem;font-weight:700;text-transform:uppercase}"
  ".get{color:#1565c0}.post{color:#2e7d32}.patch{color:#ef6c00}.delete{color:#c62828}.put{color:#6a1b9a}"
  "code,pre{background:#f5f5f5;border-radius:4px;padding:.1rem .3rem}pre{padding:.5rem;overflow:auto}"
  "table{border-collapse:collapse}td,th{border-bottom:1px solid #eee;padding:.2rem .6rem;text-align:left}";

static void
append_escaped (GString *out, const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text != NULL ? text : "", -1);
  g_string_append (out, escaped);
}

static const char *
member_string (JsonObject *object, const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonObject *
member_object (JsonObject *object, const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static void
render_parameters (GString *out, JsonObject *operation)
{
  JsonNode *node = json_object_get_member (operation, "parameters");
  JsonArray *params;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  params = json_node_get_array (node);
  g_string_append (out, "<table><tr><th>parameter</th><th>in</th><th>description</th></tr>");
  for (guint i = 0; i < json_array_get_length (params); i++)
    {
      JsonObject *param = json_array_get_object_element (params, i);
      const char *ref = member_string (param, "$ref");

      g_string_append (out, "<tr><td><code>");
      append_escaped (out, ref != NULL ? ref : member_string (param, "name"));
      g_string_append (out, "</code></td><td>");
      append_escaped (out, member_string (param, "in"));
      g_string_append (out, "</td><td>");
      append_escaped (out, member_string (param, "description"));
      g_string_append (out, "</td></tr>");
    }
  g_string_append (out, "</table>");
}

static void
render_request_body (GString *out, JsonObject *operation)
{
  JsonObject *body = member_object (operation, "requestBody");
  JsonObject *content = member_object (body, "content");
  g_autoptr (GList) types = content != NULL ? json_object_get_members (content) : NULL;

  for (GList *l = types; l != NULL; l = l->next)
    {
      JsonNode *schema = json_object_get_member (member_object (content, l->data), "schema");
      g_autofree char *text = schema != NULL ? json_to_string (schema, TRUE) : NULL;

      g_string_append (out, "<p>Request body <code>");
      append_escaped (out, l->data);
      g_string_append (out, "</code></p><pre>");
      append_escaped (out, text);
      g_string_append (out, "</pre>");
    }
}

static void
render_responses (GString *out, JsonObject *operation)
{
  JsonObject *responses = member_object (operation, "responses");
  g_autoptr (GList) codes = responses != NULL ? json_object_get_members (responses) : NULL;

  g_string_append (out, "<table><tr><th>status</th><th>meaning</th></tr>");
  for (GList *l = codes; l != NULL; l = l->next)
    {
      JsonObject *response = member_object (responses, l->data);
      const char *description = member_string (response, "description");

      g_string_append (out, "<tr><td>");
      append_escaped (out, l->data);
      g_string_append (out, "</td><td>");
      append_escaped (out, description != NULL ? description : member_string (response, "$ref"));
      g_string_append (out, "</td></tr>");
    }
  g_string_append (out, "</table>");
}

static void
render_operation (GString *out, const char *path, const char *method, JsonObject *operation)
{
  g_string_append_printf (out, "<section class=\"op\"><h2><span class=\"m %s\">%s</span> <code>",
                          method, method);
  append_escaped (out, path);
  g_string_append (out, "</code></h2><p><strong>");
  append_escaped (out, member_string (operation, "summary"));
  g_string_append (out, "</strong></p><p>");
  append_escaped (out, member_string (operation, "description"));
  g_string_append (out, "</p>");
  render_parameters (out, operation);
  render_request_body (out, operation);
  render_responses (out, operation);
  g_string_append (out, "</section>");
}

GBytes *
carrete_docs_render (const char *openapi_json, gsize len, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GString) out = g_string_new (NULL);
  JsonObject *root, *info, *paths;
  g_autoptr (GList) path_names = NULL;

  if (!json_parser_load_from_data (parser, openapi_json, (gssize) len, error))
    return NULL;
  root = json_node_get_object (json_parser_get_root (parser));
  info = member_object (root, "info");
  paths = member_object (root, "paths");

  g_string_append (out, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                        "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>");
  append_escaped (out, member_string (info, "title"));
  g_string_append_printf (out, "</title><style>%s</style></head><body><h1>", page_style);
  append_escaped (out, member_string (info, "title"));
  g_string_append (out, "</h1><p>Version ");
  append_escaped (out, member_string (info, "version"));
  g_string_append (out, " · <a href=\"/openapi.json\">OpenAPI document</a></p><p>");
  append_escaped (out, member_string (info, "description"));
  g_string_append (out, "</p>");

  path_names = paths != NULL ? json_object_get_members (paths) : NULL;
  for (GList *l = path_names; l != NULL; l = l->next)
    for (guint m = 0; http_methods[m] != NULL; m++)
      {
        JsonObject *operation = member_object (member_object (paths, l->data), http_methods[m]);
        if (operation != NULL)
          render_operation (out, l->data, http_methods[m], operation);
      }
  g_string_append (out, "</body></html>\n");
  return g_string_free_to_bytes (g_steal_pointer (&out));
}

GBytes *
carrete_docs_render_resource (const char *resource_path, GError **error)
{
  g_autoptr (GBytes) doc = NULL;
  gsize len = 0;
  const char *data;

  if (resource_path == NULL)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND, "This service has no API document.");
      return NULL;
    }
  doc = g_resources_lookup_data (resource_path, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (doc == NULL)
    return NULL;
  data = g_bytes_get_data (doc, &len);
  return carrete_docs_render (data, len, error);
}
