#define G_LOG_DOMAIN "carrete-json-body"

#include "carrete-json-body.h"

#include <string.h>

/* A strict RFC 8259 checker run before json-glib, which is lenient: it
 * takes single quotes, comments, hex numbers and trailing garbage such as a
 * second object.  The checker also bounds nesting (json-glib recurses, so a
 * deep body could exhaust the stack) and refuses \u0000, which C strings
 * would silently truncate.  Recursion depth is bounded by
 * CARRETE_JSON_MAX_DEPTH. */
typedef struct
{
  const char *p;
  const char *end;
  guint depth;
  const char *reason;
} Scanner;

static gboolean scan_value (Scanner *s);

static gboolean
scan_fail (Scanner *s, const char *reason)
{
  if (s->reason == NULL)
    s->reason = reason;
  return FALSE;
}

static void
scan_space (Scanner *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
    s->p++;
}

static gboolean
scan_literal (Scanner *s, const char *word)
{
  gsize len = strlen (word);

  if ((gsize) (s->end - s->p) < len || memcmp (s->p, word, len) != 0)
    return scan_fail (s, "body is not valid JSON");
  s->p += len;
  return TRUE;
}

static gboolean
scan_digits (Scanner *s)
{
  const char *start = s->p;

  while (s->p < s->end && g_ascii_isdigit (*s->p))
    s->p++;
  return s->p > start || scan_fail (s, "body is not valid JSON: bad number");
}

static gboolean
scan_number (Scanner *s)
{
  if (*s->p == '-')
    s->p++;
  if (s->p < s->end && *s->p == '0')
    s->p++;
  else if (!scan_digits (s))
    return FALSE;
  if (s->p < s->end && *s->p == '.')
    {
      s->p++;
      if (!scan_digits (s))
        return FALSE;
    }
  if (s->p < s->end && (*s->p == 'e' || *s->p == 'E'))
    {
      s->p++;
      if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
        s->p++;
      if (!scan_digits (s))
        return FALSE;
    }
  return TRUE;
}

static gboolean
scan_escape (Scanner *s)
{
  if (s->p >= s->end)
    return scan_fail (s, "body is not valid JSON: unterminated string");
  if (strchr ("\"\\/bfnrt", *s->p) != NULL && *s->p != '\0')
    {
      s->p++;
      return TRUE;
    }
  if (*s->p != 'u' || s->end - s->p < 5)
    return scan_fail (s, "body is not valid JSON: bad escape");
  for (int i = 1; i <= 4; i++)
    if (!g_ascii_isxdigit (s->p[i]))
      return scan_fail (s, "body is not valid JSON: bad escape");
  if (memcmp (s->p + 1, "0000", 4) == 0)
    return scan_fail (s, "strings may not contain NUL characters");
  s->p += 5;
  return TRUE;
}

static gboolean
scan_string (Scanner *s)
{
  s->p++; /* the opening quote */
  while (s->p < s->end)
    {
      guchar c = (guchar) *s->p++;
      if (c == '"')
        return TRUE;
      if (c < 0x20)
        return scan_fail (s, "body is not valid JSON: control character in a string");
      if (c == '\\' && !scan_escape (s))
        return FALSE;
    }
  return scan_fail (s, "body is not valid JSON: unterminated string");
}

/* Members of an object (`close` '}') or items of an array (']'). */
static gboolean
scan_container (Scanner *s, char close)
{
  if (++s->depth > CARRETE_JSON_MAX_DEPTH)
    return scan_fail (s, "JSON is nested too deeply");
  s->p++;
  scan_space (s);
  if (s->p < s->end && *s->p == close)
    {
      s->p++;
      s->depth--;
      return TRUE;
    }
  for (;;)
    {
      if (close == '}')
        {
          if (s->p >= s->end || *s->p != '"' || !scan_string (s))
            return scan_fail (s, "body is not valid JSON: expected a member name");
          scan_space (s);
          if (s->p >= s->end || *s->p++ != ':')
            return scan_fail (s, "body is not valid JSON: expected ':'");
        }
      if (!scan_value (s))
        return FALSE;
      scan_space (s);
      if (s->p < s->end && *s->p == ',')
        {
          s->p++;
          scan_space (s);
          continue;
        }
      if (s->p < s->end && *s->p == close)
        {
          s->p++;
          s->depth--;
          return TRUE;
        }
      return scan_fail (s, "body is not valid JSON: expected ',' or a closing bracket");
    }
}

static gboolean
scan_value (Scanner *s)
{
  scan_space (s);
  if (s->p >= s->end)
    return scan_fail (s, "body is not valid JSON: unexpected end");
  switch (*s->p)
    {
    case '{':
      return scan_container (s, '}');
    case '[':
      return scan_container (s, ']');
    case '"':
      return scan_string (s);
    case 't':
      return scan_literal (s, "true");
    case 'f':
      return scan_literal (s, "false");
    case 'n':
      return scan_literal (s, "null");
    default:
      if (*s->p == '-' || g_ascii_isdigit (*s->p))
        return scan_number (s);
      return scan_fail (s, "body is not valid JSON");
    }
}

gboolean
carrete_json_body_prescan (const char *data, gsize len, const char **reason)
{
  Scanner s = { data, data + len, 0, NULL };

  if (memchr (data, '\0', len) != NULL || !g_utf8_validate (data, (gssize) len, NULL))
    {
      *reason = "body is not valid UTF-8 text";
      return FALSE;
    }
  if (!scan_value (&s))
    {
      *reason = s.reason;
      return FALSE;
    }
  scan_space (&s);
  if (s.p != s.end)
    {
      *reason = "body is not valid JSON: more than one value";
      return FALSE;
    }
  return TRUE;
}

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
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
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
  if (!carrete_json_body_prescan (data, len, &reason))
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
