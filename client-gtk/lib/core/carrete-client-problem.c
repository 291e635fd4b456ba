#define G_LOG_DOMAIN "carrete-client-problem"

#include "carrete-api-private.h"

/* Turning the services' answers into CARRETE_CLIENT_ERROR: pure functions,
 * unit-tested in test-client-unit.c and test-api-problem.c.  carrete-desktop
 * maps what libsoup read (_carrete_client_error_from_response), carrete-web
 * what its CarreteServiceClient parsed (carrete_client_error_new_from_answer);
 * both through error_from_problem(). */

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

/* The `errors` list of a problem, or NULL. */
static JsonArray *
problem_errors (JsonObject *problem)
{
  JsonNode *node = json_object_get_member (problem, "errors");

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* Member `member` of the `index`th entry of the problem's `errors`, when it
 * is an object with that string. */
static const char *
error_member (JsonArray *errors, guint index, const char *member)
{
  JsonNode *node = errors != NULL && index < json_array_get_length (errors)
                       ? json_array_get_element (errors, index)
                       : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return carrete_json_get_string (json_node_get_object (node), member);
}

/* The detail; else the first field error's message; else the title. */
static char *
problem_message (JsonObject *problem, const StatusMap *map)
{
  const char *detail = carrete_json_get_string (problem, "detail");
  const char *title = carrete_json_get_string (problem, "title");
  const char *first = error_member (problem_errors (problem), 0, "message");

  if (detail != NULL && *detail != '\0')
    return g_strdup (detail);
  if (first != NULL)
    return g_strdup (first);
  return g_strdup (title != NULL ? title : map->message);
}

/* The detail (else the title) and then every "field: message" of the
 * errors, as one text for a page that shows them all at once; NULL when
 * that says nothing. */
static char *
problem_text (JsonObject *problem)
{
  const char *detail = carrete_json_get_string (problem, "detail");
  JsonArray *errors = problem_errors (problem);
  guint length = errors != NULL ? json_array_get_length (errors) : 0;
  GString *text
      = g_string_new (detail != NULL ? detail : carrete_json_get_string (problem, "title"));

  for (guint i = 0; i < length; i++)
    {
      const char *field = error_member (errors, i, "field");
      const char *message = error_member (errors, i, "message");

      if (message != NULL)
        g_string_append_printf (text, "%s%s%s%s", text->len > 0 ? " " : "",
                                field != NULL ? field : "", field != NULL ? ": " : "", message);
    }
  return g_string_free (text, text->len == 0);
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

static GError *
error_from_problem (guint status, JsonObject *problem, const char *retry_after,
                    CarreteResponseFlags flags)
{
  const StatusMap *map = lookup_status (status);
  CarreteClientError code = map->code;
  g_autofree char *message = NULL;
  g_autofree char *text = NULL;
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
  if (problem == NULL)
    {
      _carrete_client_error_set_details (error, status, NULL, NULL,
                                         parse_retry_after (retry_after));
      return error;
    }
  _carrete_client_error_set_details (
      error, status, carrete_json_get_string (problem, "existing_id"),
      error_member (problem_errors (problem), 0, "field"), parse_retry_after (retry_after));
  text = problem_text (problem);
  _carrete_client_error_set_problem_text (error, text);
  return error;
}

GError *
_carrete_client_error_from_response (guint status, const char *content_type, GBytes *body,
                                     const char *retry_after, CarreteResponseFlags flags)
{
  g_autoptr (JsonObject) problem = parse_problem (content_type, body);

  return error_from_problem (status, problem, retry_after, flags);
}

GError *
carrete_client_error_new_from_answer (guint status, JsonNode *body, const char *retry_after)
{
  JsonObject *problem
      = body != NULL && JSON_NODE_HOLDS_OBJECT (body) ? json_node_get_object (body) : NULL;

  return error_from_problem (status, problem, retry_after, 0);
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
