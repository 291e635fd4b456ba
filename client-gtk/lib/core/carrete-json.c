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

/* {items: [...], next_cursor}: each item read by `item_from_json`. */
GPtrArray *
_carrete_json_read_items (JsonObject *object, CarreteItemFromJson item_from_json,
                          char **next_cursor, GError **error)
{
  JsonNode *items_node = json_object_get_member (object, "items");
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  JsonArray *array;

  if (items_node == NULL || !JSON_NODE_HOLDS_ARRAY (items_node))
    {
      g_set_error_literal (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_NOT_CARRETE,
                           "The server's list has no items.");
      return NULL;
    }
  array = json_node_get_array (items_node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      gpointer item;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_set_error_literal (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_PROTOCOL,
                               "The server's list holds something that is not an object.");
          return NULL;
        }
      item = item_from_json (json_node_get_object (element), error);
      if (item == NULL)
        return NULL;
      g_ptr_array_add (items, item);
    }
  *next_cursor = g_strdup (carrete_json_get_string (object, "next_cursor"));
  return g_steal_pointer (&items);
}
