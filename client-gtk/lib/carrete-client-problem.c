#define G_LOG_DOMAIN "carrete-client-problem"

#include "carrete-client-private.h"

/* Turning the services' answers into CARRETE_CLIENT_ERROR: pure functions,
 * unit-tested in test-client-unit.c. */

typedef struct
{
  guint status;
  CarreteClientError code;
  const char *message; /* when the server gave no detail */
} StatusMap;

static const StatusMap status_map[] = {
  { 400, CARRETE_CLIENT_ERROR_INVALID, "The server refused the request as malformed." },
  { 401, CARRETE_CLIENT_ERROR_UNAUTHORIZED, "Your session has ended; please sign in again." },
  { 403, CARRETE_CLIENT_ERROR_FORBIDDEN, "You are not allowed to do that." },
  { 404, CARRETE_CLIENT_ERROR_NOT_FOUND, "It does not exist, or it is not yours to see." },
  { 409, CARRETE_CLIENT_ERROR_CONFLICT, "That conflicts with something that already exists." },
  { 413, CARRETE_CLIENT_ERROR_TOO_LARGE, "The file is larger than the server accepts." },
  { 415, CARRETE_CLIENT_ERROR_UNSUPPORTED_TYPE, "The server does not accept this kind of file." },
  { 422, CARRETE_CLIENT_ERROR_INVALID, "The server refused a value." },
  { 429, CARRETE_CLIENT_ERROR_RATE_LIMITED, "Too many attempts; please wait a moment." },
  { 502, CARRETE_CLIENT_ERROR_UNAVAILABLE, "The server is unavailable; please try again later." },
  { 503, CARRETE_CLIENT_ERROR_UNAVAILABLE, "The server is unavailable; please try again later." },
  { 504, CARRETE_CLIENT_ERROR_UNAVAILABLE, "The server did not answer in time." },
};

static const StatusMap *
lookup_status (guint status)
{
  static const StatusMap client_error = { 0, CARRETE_CLIENT_ERROR_INVALID,
                                          "The server refused the request." };
  static const StatusMap server_error = { 0, CARRETE_CLIENT_ERROR_SERVER,
                                          "The server failed; please try again later." };
  static const StatusMap other = { 0, CARRETE_CLIENT_ERROR_PROTOCOL,
                                   "The server gave an unexpected answer." };

  for (gsize i = 0; i < G_N_ELEMENTS (status_map); i++)
    if (status_map[i].status == status)
      return &status_map[i];
  if (status >= 500 && status < 600)
    return &server_error;
  if (status >= 400 && status < 500)
    return &client_error;
  return &other;
}

static gboolean
is_problem_type (const char *content_type)
{
  return content_type != NULL
         && g_ascii_strncasecmp (content_type, "application/problem+json",
                                 strlen ("application/problem+json")) == 0;
}

/* The problem object, or NULL when the body is not one. */
static JsonObject *
parse_problem (const char *content_type, GBytes *body)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root;
  gsize size = 0;
  const char *data;

  if (!is_problem_type (content_type) || body == NULL)
    return NULL;
  data = g_bytes_get_data (body, &size);
  if (size == 0 || !json_parser_load_from_data (parser, data, (gssize) size, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

static const char *
first_field (JsonObject *problem)
{
  JsonNode *node = json_object_get_member (problem, "errors");
  JsonArray *errors;
  JsonNode *first;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  errors = json_node_get_array (node);
  if (json_array_get_length (errors) == 0)
    return NULL;
  first = json_array_get_element (errors, 0);
  if (!JSON_NODE_HOLDS_OBJECT (first))
    return NULL;
  return _carrete_json_get_string (json_node_get_object (first), "field");
}

/* The detail; else the first field error's message; else the title. */
static char *
problem_message (JsonObject *problem, const StatusMap *map)
{
  const char *detail = _carrete_json_get_string (problem, "detail");
  const char *title = _carrete_json_get_string (problem, "title");
  JsonNode *node = json_object_get_member (problem, "errors");

  if (detail != NULL && *detail != '\0')
    return g_strdup (detail);
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node) && json_array_get_length (json_node_get_array (node)) > 0)
    {
      JsonNode *first = json_array_get_element (json_node_get_array (node), 0);

      if (JSON_NODE_HOLDS_OBJECT (first))
        {
          const char *message = _carrete_json_get_string (json_node_get_object (first), "message");
          if (message != NULL)
            return g_strdup (message);
        }
    }
  return g_strdup (title != NULL ? title : map->message);
}

static guint
parse_retry_after (const char *retry_after)
{
  guint64 seconds = 0;

  if (retry_after == NULL || !g_ascii_string_to_unsigned (retry_after, 10, 0, G_MAXUINT, &seconds, NULL))
    return 0;
  return (guint) seconds;
}

static gboolean
is_gateway_status (guint status)
{
  return status == 502 || status == 503 || status == 504;
}

GError *
_carrete_client_error_from_response (guint status, const char *content_type, GBytes *body,
                                     const char *retry_after, CarreteResponseFlags flags)
{
  g_autoptr (JsonObject) problem = parse_problem (content_type, body);
  const StatusMap *map = lookup_status (status);
  CarreteClientError code = map->code;
  g_autofree char *message = NULL;
  GError *error;

  if (problem == NULL && (flags & CARRETE_RESPONSE_API) && !is_gateway_status (status))
    {
      error = g_error_new (CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_NOT_CARRETE,
                           "The server answered (HTTP %u), but it is not a Carrete server.",
                           status);
      _carrete_client_error_set_details (error, status, NULL, NULL, 0);
      return error;
    }
  if (status == 401 && (flags & CARRETE_RESPONSE_LOGIN))
    code = CARRETE_CLIENT_ERROR_INVALID_CREDENTIALS;
  message = problem != NULL ? problem_message (problem, map) : g_strdup (map->message);
  if (code == CARRETE_CLIENT_ERROR_INVALID_CREDENTIALS && problem == NULL)
    {
      g_free (message);
      message = g_strdup ("Wrong username or password.");
    }
  error = g_error_new_literal (CARRETE_CLIENT_ERROR, code, message);
  _carrete_client_error_set_details (error, status,
                                     problem != NULL ? _carrete_json_get_string (problem, "existing_id") : NULL,
                                     problem != NULL ? first_field (problem) : NULL,
                                     parse_retry_after (retry_after));
  return error;
}

GError *
_carrete_client_error_from_transport (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);
  if (error->domain == CARRETE_CLIENT_ERROR)
    return g_error_copy (error);
  return g_error_new (CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNREACHABLE,
                      "Cannot reach the server: %s", error->message);
}
