#pragma once

#include <json-glib/json-glib.h>

#include "carrete-client-error.h"
#include "carrete-json.h"

G_BEGIN_DECLS

/* Internal API of the shared library, for the desktop's part of the client
 * (../carrete-client-private.h includes it) and the tests. */

void _carrete_client_error_set_details (GError *error, guint status, const char *existing_id,
                                        const char *field, guint retry_after);
void _carrete_client_error_set_problem_text (GError *error, const char *text);

typedef enum
{
  CARRETE_RESPONSE_API = 1 << 0,      /* a JSON API call: a foreign answer is NOT_CARRETE */
  CARRETE_RESPONSE_LOGIN = 1 << 1,    /* 401 means wrong credentials */
  CARRETE_RESPONSE_REDIRECT = 1 << 2, /* a 3xx is the answer (its JSON body), not followed */
} CarreteResponseFlags;

/* Maps an answer that is not a 2xx into an error.  `content_type` and
 * `body` come from the answer (both may be NULL).  A problem+json body gives
 * the message and the details.  For API calls, an answer that is not
 * Carrete's (HTML, other JSON) → NOT_CARRETE, except gateway statuses
 * (502-504), which are UNAVAILABLE. */
GError *_carrete_client_error_from_response (guint status, const char *content_type, GBytes *body,
                                             const char *retry_after, CarreteResponseFlags flags);
/* Maps a transport failure (GIOError, GResolverError, GTlsError…). */
GError *_carrete_client_error_from_transport (const GError *error);

/* Query strings (carrete-query-string.c); NULL / 0 values are skipped. */
void _carrete_query_append (GString *path, const char *name, const char *value);
void _carrete_query_append_tags (GString *path, const char *const *tags);
void _carrete_query_append_uint (GString *path, const char *name, guint value);

/* The model types' check of what they cannot do without. */
/* PROTOCOL error naming the first of `members` (strings) that is missing. */
gboolean _carrete_json_require (JsonObject *object, const char *const *members, const char *what,
                                GError **error);
/* The JSON object of `node`, or a NOT_CARRETE error. */
JsonObject *_carrete_json_node_object (JsonNode *node, GError **error);

G_END_DECLS
