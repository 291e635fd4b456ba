#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "carrete-api-private.h"
#include "carrete-client.h"
#include "carrete-sniff.h"

G_BEGIN_DECLS

/* Library-internal API, shared by the types of the library and its tests. */

/* Which service serves `path` (by prefix, as the Ingress routes);
 * FALSE for a path no service serves. */
gboolean _carrete_client_route_path (const char *path, CarreteService *service);
/* `base` (with or without a trailing slash, maybe with a path prefix) joined
 * with `path_and_query` (starting with '/'). */
char *_carrete_client_join_url (const char *base, const char *path_and_query);
/* "/v1/<collection>/<escaped id><suffix>" (`suffix` may be NULL). */
char *_carrete_client_item_path (const char *collection, const char *id, const char *suffix);
/* The absolute URL of `path_and_query` on the service that serves it. */
char *_carrete_client_build_url (CarreteClient *self, const char *path_and_query);

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
 * answered by 204) reads the JSON object into it (carrete_json_read_model); the task (source tag
 * `tag`) then holds the value, freed with `free_func`, or TRUE for convert == NULL. */
void _carrete_client_call_convert_async (CarreteClient *self, const char *method,
                                         const char *path_and_query, JsonNode *body,
                                         CarreteFromJson convert, GDestroyNotify free_func,
                                         gpointer tag, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data);
gpointer _carrete_client_call_convert_finish (CarreteClient *self, GAsyncResult *result,
                                              gpointer tag, GError **error);
gboolean _carrete_client_call_convert_finish_boolean (CarreteClient *self, GAsyncResult *result,
                                                      gpointer tag, GError **error);
/* The error of a finished SoupMessage that is not a 2xx. */
GError *_carrete_client_error_from_message (SoupMessage *msg, GBytes *bytes,
                                            CarreteResponseFlags flags);

/* Signs in with an answer shaped as login's ({access_token, refresh_token,
 * user?}): the OpenID Connect sign-in (carrete-client-oidc.c) ends so. */
gboolean _carrete_client_apply_session (CarreteClient *self, JsonNode *node, GError **error);

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

G_END_DECLS
