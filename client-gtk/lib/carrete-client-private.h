#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "carrete-client.h"

G_BEGIN_DECLS

/* Library-internal API, shared by the types of the library and its tests. */

void _carrete_client_error_set_details (GError *error, guint status, const char *existing_id,
                                        const char *field, guint retry_after);

/* Which service serves `path` (by prefix, as the Ingress routes);
 * FALSE for a path no service serves. */
gboolean _carrete_client_route_path (const char *path, CarreteService *service);
/* `base` (with or without a trailing slash, maybe with a path prefix) joined
 * with `path_and_query` (starting with '/'). */
char *_carrete_client_join_url (const char *base, const char *path_and_query);
/* The absolute URL of `path_and_query` on the service that serves it. */
char *_carrete_client_build_url (CarreteClient *self, const char *path_and_query);

typedef enum
{
  CARRETE_RESPONSE_API = 1 << 0,   /* a JSON API call: a foreign answer is NOT_CARRETE */
  CARRETE_RESPONSE_LOGIN = 1 << 1, /* 401 means wrong credentials */
} CarreteResponseFlags;

/* Maps an answer that is not a 2xx into an error.  `content_type` and
 * `body` come from the answer (both may be NULL).  A problem+json body gives
 * the message and the details.  For API calls, an answer that is not
 * Carrete's (HTML, other JSON) → NOT_CARRETE, except gateway statuses
 * (502-504), which are UNAVAILABLE. */
GError *_carrete_client_error_from_response (guint status, const char *content_type,
                                             GBytes *body, const char *retry_after,
                                             CarreteResponseFlags flags);
/* Maps a transport failure (GIOError, GResolverError, GTlsError…). */
GError *_carrete_client_error_from_transport (const GError *error);

/* _carrete_client_call_async/_finish/_start and _carrete_client_error_from_message
 * are in carrete-client-call.c; the rest of this part in carrete-client.c. */

/* The send pipeline of every JSON call: routes `path_and_query`, adds the
 * bearer token when `auth`, sends `body` (JSON, may be NULL), refreshes once
 * on a 401 and retries, maps failures.  Finishes with the parsed JSON node
 * (NULL for 204). */
void _carrete_client_call_async (CarreteClient *self, const char *method,
                                 const char *path_and_query, JsonNode *body, gboolean auth,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data);
JsonNode *_carrete_client_call_finish (CarreteClient *self, GAsyncResult *result,
                                       GError **error);
/* _carrete_client_call_async with `flags` (e.g. LOGIN) and the task's
 * source tag `source_tag`. */
void _carrete_client_call_start (CarreteClient *self, const char *method,
                                 const char *path_and_query, JsonNode *body, gboolean auth,
                                 CarreteResponseFlags flags, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data,
                                 gpointer source_tag);

/* A JSON call whose answer becomes a value: `convert` (NULL for calls
 * answered by 204) turns the JSON into it; the task (source tag `tag`) then
 * holds the value, freed with `free_func`, or TRUE for convert == NULL. */
typedef gpointer (*CarreteConvertFunc) (JsonNode *node, GError **error);
void _carrete_client_call_convert_async (CarreteClient *self, const char *method,
                                         const char *path_and_query, JsonNode *body,
                                         CarreteConvertFunc convert, GDestroyNotify free_func,
                                         gpointer tag, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data);
gpointer _carrete_client_call_convert_finish (CarreteClient *self, GAsyncResult *result,
                                              gpointer tag, GError **error);
gboolean _carrete_client_call_convert_finish_boolean (CarreteClient *self, GAsyncResult *result,
                                                      gpointer tag, GError **error);
/* The error of a finished SoupMessage that is not a 2xx. */
GError *_carrete_client_error_from_message (SoupMessage *msg, GBytes *bytes,
                                            CarreteResponseFlags flags);
/* The JSON object of `node`, or a NOT_CARRETE error. */
JsonObject *_carrete_json_node_object (JsonNode *node, GError **error);

/* Tests: replace the access token (e.g. with an expired one). */
void _carrete_client_set_access_token (CarreteClient *self, const char *access_token);

SoupSession *_carrete_client_get_session (CarreteClient *self);
/* The access token, NULL when signed out. */
const char *_carrete_client_get_access_token (CarreteClient *self);
/* Refreshes the access token, sharing one refresh among concurrent callers
 * (`stale_token` is the token the caller saw refused: when it was replaced
 * meanwhile, finishes at once). */
void _carrete_client_refresh_async (CarreteClient *self, const char *stale_token,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data);
gboolean _carrete_client_refresh_finish (CarreteClient *self, GAsyncResult *result,
                                         GError **error);

/* Query strings (carrete-query-string.c); NULL / 0 values are skipped. */
void _carrete_query_append (GString *path, const char *name, const char *value);
void _carrete_query_append_tags (GString *path, const char *const *tags);
void _carrete_query_append_uint (GString *path, const char *name, guint value);

/* The image type of a file's first bytes (at least 12 for all types), or
 * NULL when it is none the server accepts. */
const char *_carrete_sniff_image_type (const guint8 *data, gsize length);

/* Small JSON helpers for the model types. */
const char *_carrete_json_get_string (JsonObject *object, const char *member);
gint64 _carrete_json_get_int (JsonObject *object, const char *member);
GDateTime *_carrete_json_get_time (JsonObject *object, const char *member);
/* PROTOCOL error naming the first of `members` (strings) that is missing. */
gboolean _carrete_json_require (JsonObject *object, const char *const *members, const char *what,
                                GError **error);

G_END_DECLS
