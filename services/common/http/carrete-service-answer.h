#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* What a call to another Carrete service means, apart from the transport:
 * the query string it sends, and the GError (CARRETE_ERROR) an answer other
 * than 2xx stands for.  Pure functions, so that the rules are unit-tested
 * without a network (carrete-service-client.h does the calls). */

/* One query parameter; a list of them ends with a NULL name.  A NULL value
 * leaves the parameter out (an optional cursor, say). */
typedef struct
{
  const char *name;
  const char *value;
} CarreteQueryParam;

/* `path` followed by the parameters, names and values percent-escaped
 * (every reserved character, so "a,b" is sent as "a%2Cb" and read back as
 * "a,b"); joined with '&' when `path` already has a query. */
char *carrete_service_path_with_query (const char *path, const CarreteQueryParam *query);

/* The CARRETE_ERROR code a status other than 2xx stands for: the service
 * could not do it now (5xx, 408) → UNAVAILABLE; a 4xx → its own code where
 * there is one (401 UNAUTHORIZED, 403 FORBIDDEN, 404 NOT_FOUND, 409
 * CONFLICT, 400 BAD_REQUEST, 422 INVALID, 410 GONE, 413 TOO_LARGE, 415
 * UNSUPPORTED, 429 RATE_LIMITED); any other status → FAILED (our request
 * was wrong, or the answer makes no sense: a bug, not the caller's). */
int carrete_service_error_code (guint status);

/* Sets `error` for a status other than 2xx, with the problem+json `detail`
 * of `body` (may be NULL) as its message when there is one. */
void carrete_service_set_answer_error (guint status, JsonNode *body, GError **error);

G_END_DECLS
