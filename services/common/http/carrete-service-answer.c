#define G_LOG_DOMAIN "carrete-service-answer"

#include "carrete-service-answer.h"

#include <string.h>

#include "carrete-error.h"

char *
carrete_service_path_with_query (const char *path, const CarreteQueryParam *query)
{
  GString *url = g_string_new (path);
  char separator = strchr (path, '?') != NULL ? '&' : '?';

  for (const CarreteQueryParam *p = query; p != NULL && p->name != NULL; p++)
    {
      if (p->value == NULL)
        continue;
      g_string_append_c (url, separator);
      g_string_append_uri_escaped (url, p->name, NULL, FALSE);
      g_string_append_c (url, '=');
      g_string_append_uri_escaped (url, p->value, NULL, FALSE);
      separator = '&';
    }
  return g_string_free (url, FALSE);
}

int
carrete_service_error_code (guint status)
{
  static const struct
  {
    guint status;
    CarreteError code;
  } codes[] = {
    { 400, CARRETE_ERROR_BAD_REQUEST },  { 401, CARRETE_ERROR_UNAUTHORIZED },
    { 403, CARRETE_ERROR_FORBIDDEN },    { 404, CARRETE_ERROR_NOT_FOUND },
    { 408, CARRETE_ERROR_UNAVAILABLE },  { 409, CARRETE_ERROR_CONFLICT },
    { 410, CARRETE_ERROR_GONE },         { 413, CARRETE_ERROR_TOO_LARGE },
    { 415, CARRETE_ERROR_UNSUPPORTED },  { 422, CARRETE_ERROR_INVALID },
    { 429, CARRETE_ERROR_RATE_LIMITED },
  };

  if (status >= 500 && status <= 599)
    return CARRETE_ERROR_UNAVAILABLE;
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    if (codes[i].status == status)
      return codes[i].code;
  return CARRETE_ERROR_FAILED;
}

/* The problem's "detail", when the body is a problem that has one. */
static const char *
problem_detail (JsonNode *body)
{
  JsonNode *detail;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    return NULL;
  detail = json_object_get_member (json_node_get_object (body), "detail");
  if (detail == NULL || json_node_get_value_type (detail) != G_TYPE_STRING)
    return NULL;
  return *json_node_get_string (detail) != '\0' ? json_node_get_string (detail) : NULL;
}

void
carrete_service_set_answer_error (guint status, JsonNode *body, GError **error)
{
  const char *detail = problem_detail (body);
  int code = carrete_service_error_code (status);

  /* A 5xx's detail speaks of the other service's own dependencies: the
   * caller only needs to know that this one is out of reach for now. */
  if (detail != NULL && code != CARRETE_ERROR_UNAVAILABLE)
    g_set_error_literal (error, CARRETE_ERROR, code, detail);
  else
    g_set_error (error, CARRETE_ERROR, code, "A service this one relies on answered %u.", status);
}
