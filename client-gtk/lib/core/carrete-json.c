#define G_LOG_DOMAIN "carrete-json"

#include "carrete-json.h"

#include "carrete-api-private.h"

/* The readers of carrete-json.h, and the models' internal helpers. */
const char *
carrete_json_get_string (JsonObject *object, const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gint64
carrete_json_get_int (JsonObject *object, const char *member, gint64 fallback)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    return fallback;
  return json_node_get_int (node);
}

gboolean
carrete_json_get_bool (JsonObject *object, const char *member, gboolean fallback)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return fallback;
  return json_node_get_boolean (node);
}

void
carrete_json_add_string (JsonBuilder *builder, const char *name, const char *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
carrete_json_add_int (JsonBuilder *builder, const char *name, gint64 value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

void
carrete_json_add_time (JsonBuilder *builder, const char *name, GDateTime *value)
{
  g_autoptr (GDateTime) utc = value != NULL ? g_date_time_to_utc (value) : NULL;
  g_autofree char *text = utc != NULL ? g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ") : NULL;

  carrete_json_add_string (builder, name, text);
}

GDateTime *
carrete_json_get_time (JsonObject *object, const char *member)
{
  const char *text = carrete_json_get_string (object, member);

  return text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;
}

/* The ids and names a model cannot do without. */
gboolean
_carrete_json_require (JsonObject *object, const char *const *members, const char *what,
                       GError **error)
{
  for (guint i = 0; members[i] != NULL; i++)
    if (carrete_json_get_string (object, members[i]) == NULL)
      {
        g_set_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_PROTOCOL,
                     "The server sent a %s without “%s”.", what, members[i]);
        return FALSE;
      }
  return TRUE;
}

JsonObject *
_carrete_json_node_object (JsonNode *node, GError **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_NOT_CARRETE,
                           "The server's answer is not what a Carrete server sends.");
      return NULL;
    }
  return json_node_get_object (node);
}

gpointer
carrete_json_read_model (JsonNode *node, CarreteFromJson from_json, GError **error)
{
  JsonObject *object = _carrete_json_node_object (node, error);

  return object != NULL ? from_json (object, error) : NULL;
}
