#define G_LOG_DOMAIN "carrete-json-body"

#include "carrete-json-body.h"

#include "carrete-json-strict.h"

#include <string.h>

static const CarreteFieldSpec *
find_spec (const CarreteFieldSpec *specs, guint n_specs, const char *name)
{
  for (guint i = 0; i < n_specs; i++)
    if (g_str_equal (specs[i].name, name))
      return &specs[i];
  return NULL;
}

static gboolean
check_length (const CarreteFieldSpec *spec, gsize len, CarreteProblem *problem,
              const char *unit)
{
  g_autofree char *message = NULL;

  if (spec->max_len > 0 && len > spec->max_len)
    message = g_strdup_printf ("must be at most %u %s", spec->max_len, unit);
  else if (len < spec->min_len)
    message = g_strdup_printf ("must be at least %u %s", spec->min_len, unit);
  if (message == NULL)
    return TRUE;
  carrete_problem_add_field_error (problem, spec->name, message);
  return FALSE;
}

static gboolean
is_string_node (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

/* JSON has one number type: 42.0 is the integer 42 (JSON Schema says so
 * too), as long as a double holds it exactly.  json_node_get_int then
 * reads either form. */
gboolean
carrete_json_node_is_integer (JsonNode *node)
{
  double value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return TRUE;
  if (json_node_get_value_type (node) != G_TYPE_DOUBLE)
    return FALSE;
  value = json_node_get_double (node);
  return value >= -9007199254740992.0 && value <= 9007199254740992.0
         && value == (double) (gint64) value;
}

static void
check_string_array (const CarreteFieldSpec *spec, JsonNode *node, CarreteProblem *problem)
{
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      carrete_problem_add_field_error (problem, spec->name, "must be an array of strings");
      return;
    }
  array = json_node_get_array (node);
  if (!check_length (spec, json_array_get_length (array), problem, "items"))
    return;
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (!is_string_node (json_array_get_element (array, i)))
      {
        g_autofree char *field = g_strdup_printf ("%s[%u]", spec->name, i);
        carrete_problem_add_field_error (problem, field, "must be a string");
      }
}

static void
check_member (const CarreteFieldSpec *spec, JsonNode *node, CarreteProblem *problem)
{
  switch (spec->type)
    {
    case CARRETE_FIELD_NULLABLE_STRING:
      if (JSON_NODE_HOLDS_NULL (node))
        return;
      G_GNUC_FALLTHROUGH;
    case CARRETE_FIELD_STRING:
      if (!is_string_node (node))
        carrete_problem_add_field_error (problem, spec->name, "must be a string");
      else
        check_length (spec, g_utf8_strlen (json_node_get_string (node), -1), problem,
                      "characters");
      return;
    case CARRETE_FIELD_INT:
      if (!carrete_json_node_is_integer (node))
        carrete_problem_add_field_error (problem, spec->name, "must be an integer");
      return;
    case CARRETE_FIELD_BOOL:
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        carrete_problem_add_field_error (problem, spec->name, "must be true or false");
      return;
    case CARRETE_FIELD_STRING_ARRAY:
      check_string_array (spec, node, problem);
      return;
    }
}

static JsonNode *
parse_object_node (GBytes *body, CarreteProblem **problem)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) error = NULL;
  gsize len = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &len) : NULL;
  const char *reason = NULL;

  if (len == 0)
    {
      *problem = carrete_problem_new (400, "The request needs a JSON object body.");
      return NULL;
    }
  if (!carrete_json_strict_check (data, len, &reason))
    {
      *problem = carrete_problem_new (400, reason);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, (gssize) len, &error))
    {
      g_autofree char *detail = g_strdup_printf ("Malformed JSON: %s", error->message);
      *problem = carrete_problem_new (400, detail);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      *problem = carrete_problem_new (400, "The request body must be a JSON object.");
      return NULL;
    }
  return json_node_ref (json_parser_get_root (parser));
}

JsonObject *
carrete_json_body_parse (GBytes *body, const CarreteFieldSpec *specs, guint n_specs,
                         CarreteProblem **problem)
{
  g_autoptr (JsonNode) root = parse_object_node (body, problem);
  g_autoptr (CarreteProblem) fields = NULL;
  g_autoptr (GList) members = NULL;
  JsonObject *object;

  if (root == NULL)
    return NULL;
  object = json_node_get_object (root);
  fields = carrete_problem_new (422, "Some fields are missing or invalid.");

  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const CarreteFieldSpec *spec = find_spec (specs, n_specs, l->data);
      if (spec == NULL)
        carrete_problem_add_field_error (fields, l->data, "is not a known field");
      else
        check_member (spec, json_object_get_member (object, l->data), fields);
    }
  for (guint i = 0; i < n_specs; i++)
    if (specs[i].required && !json_object_has_member (object, specs[i].name))
      carrete_problem_add_field_error (fields, specs[i].name, "is required");

  if (carrete_problem_get_n_errors (fields) > 0)
    {
      *problem = g_steal_pointer (&fields);
      return NULL;
    }
  return json_object_ref (object);
}

const char *
carrete_json_body_get_string (JsonObject *body, const char *name)
{
  return json_object_has_member (body, name) ? json_object_get_string_member (body, name) : NULL;
}
