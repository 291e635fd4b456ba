#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "carrete-caller.h"
#include "carrete-ids.h"
#include "carrete-json-body.h"
#include "carrete-json-writer.h"
#include "carrete-jwt.h"
#include "carrete-problem.h"

G_BEGIN_DECLS

/* One HTTP request in flight.  The scaffold pauses the message before the
 * handler runs; the handler (or the callback of its async work) answers
 * exactly once through a carrete_request_respond_* call, which logs,
 * counts, unpauses and frees the request. */
typedef struct _CarreteRequest CarreteRequest;

const char *carrete_request_get_method (CarreteRequest *req);
const char *carrete_request_get_param (CarreteRequest *req, const char *name);
const char *carrete_request_get_query (CarreteRequest *req, const char *name);
/* A true/false query flag (absent: FALSE).  Anything else answers 422
 * naming it and returns FALSE. */
gboolean carrete_request_query_flag (CarreteRequest *req, const char *name, gboolean *value);
const char *carrete_request_get_header (CarreteRequest *req, const char *name);
const char *carrete_request_get_request_id (CarreteRequest *req);
const char *carrete_request_get_client_address (CarreteRequest *req);
/* The bearer token as sent, or NULL (for forwarding to other services). */
const char *carrete_request_get_bearer (CarreteRequest *req);
GBytes *carrete_request_get_body (CarreteRequest *req);
/* The state a streaming route's `begin` returned (see CarreteBodyStream),
 * or NULL. */
gpointer carrete_request_get_stream (CarreteRequest *req);
/* All query parameters (may be NULL when there are none). */
GHashTable *carrete_request_get_query_table (CarreteRequest *req);
/* For handlers that answer in ways the respond_* calls do not cover. */
SoupServerMessage *carrete_request_get_message (CarreteRequest *req);
/* Verified claims, or NULL for an anonymous caller. */
const CarreteClaims *carrete_request_get_claims (CarreteRequest *req);
/* The caller (id 0 and no token when anonymous). */
const CarreteCaller *carrete_request_get_caller (CarreteRequest *req);
/* Decodes the path parameter `name` as an id of `type`; when it is none,
 * answers 404 ("No such photo.") and returns FALSE: a malformed id, one of
 * another type and a missing row all look the same to the client. */
gboolean carrete_request_decode_id (CarreteRequest *req, const char *name, CarreteIdType type,
                                    gint64 *id);
gpointer carrete_request_get_app (CarreteRequest *req);
/* Cancelled when the client hangs up before the answer: pass it to every
 * operation the request starts, so that a statement still running is
 * cancelled and nothing is written for nobody.  The request owns it. */
GCancellable *carrete_request_get_cancellable (CarreteRequest *req);

void carrete_request_set_header (CarreteRequest *req, const char *name, const char *value);

/* Answers application/json with `text`, written by a CarreteJsonWriter
 * (taken): the one way JSON leaves a service. */
void carrete_request_respond_json_text (CarreteRequest *req, guint status, GString *text);
void carrete_request_respond_empty (CarreteRequest *req, guint status);
/* A GAsyncReadyCallback (user data: the request) for an operation whose
 * task returns a boolean (carrete_op_new): 204 No Content, or its error. */
void carrete_request_answer_no_content (GObject *source, GAsyncResult *result, gpointer user_data);
void carrete_request_respond_bytes (CarreteRequest *req, guint status, const char *content_type,
                                    GBytes *body);
/* Takes ownership of `problem`. */
void carrete_request_respond_problem (CarreteRequest *req, CarreteProblem *problem);
void carrete_request_respond_error (CarreteRequest *req, const GError *error);
/* The same, and a RATE_LIMITED error (a throttled password: a login, a
 * share link's) says when to try again: Retry-After `retry_after` seconds,
 * at least 1. */
void carrete_request_respond_throttled_error (CarreteRequest *req, const GError *error,
                                              guint retry_after);
/* Shorthand for a problem without field errors. */
void carrete_request_respond_status (CarreteRequest *req, guint status, const char *detail);
/* A problem naming one field at fault: `message` says what is wrong with it. */
void carrete_request_respond_field (CarreteRequest *req, guint status, const char *field,
                                    const char *message);
/* A list's `?limit=` (DESIGN.md: default 50, 1 to 200) in *limit; FALSE
 * once a bad one is answered (422 naming `limit`). */
gboolean carrete_request_read_limit (CarreteRequest *req, guint *limit);
/* `error` answered with `field` named as the one at fault (its message is
 * the field's); with `field` NULL, as carrete_request_respond_error. */
void carrete_request_respond_error_on_field (CarreteRequest *req, const GError *error,
                                             const char *field);

/* The body parsed against `specs` (carrete_json_body_parse), or NULL once
 * the problem with it is answered. */
JsonObject *carrete_request_parse_body (CarreteRequest *req, const CarreteFieldSpec *specs,
                                        guint n_specs);

G_END_DECLS
