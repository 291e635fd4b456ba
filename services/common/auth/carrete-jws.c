#define G_LOG_DOMAIN "carrete-jws"

#include "carrete-jws.h"

#include "carrete-base64url.h"
#include "carrete-json-strict.h"

/* Strict base64url without padding, as JWS requires. */
GBytes *
carrete_jws_decode_part (const char *part, gsize len, gsize max)
{
  if (len == 0 || len > max * 4 / 3 + 4)
    return NULL;
  return carrete_base64url_decode (part, len);
}

JsonObject *
carrete_jws_decode_json_part (const char *part, gsize len, gsize max)
{
  g_autoptr (GBytes) bytes = carrete_jws_decode_part (part, len, max);
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  const char *reason = NULL;
  JsonNode *root;

  /* The header is read before the signature can be checked, so this is
   * attacker-chosen text: it passes the strict gate first. */
  if (bytes == NULL
      || !carrete_json_strict_check (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                     &reason)
      || !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                      (gssize) g_bytes_get_size (bytes), NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

const char *
carrete_jws_string_claim (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gboolean
carrete_jws_int_claim (JsonObject *object, const char *name, gint64 *value)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

/* `aud` may be a string or an array of strings (RFC 7519 §4.1.3). */
gboolean
carrete_jws_audience_matches (JsonObject *claims, const char *audience)
{
  JsonNode *node = json_object_get_member (claims, "aud");
  JsonArray *array;

  if (carrete_jws_string_claim (claims, "aud") != NULL)
    return g_str_equal (carrete_jws_string_claim (claims, "aud"), audience);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING
          && g_str_equal (json_node_get_string (item), audience))
        return TRUE;
    }
  return FALSE;
}
