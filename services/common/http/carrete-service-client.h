#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "carrete-service-answer.h"

G_BEGIN_DECLS

/* The one HTTP client of our own API, for a service (or carrete-web)
 * calling another: it builds the request, forwards who is asking, limits
 * how long a call may take and how much it may read, and turns the answer
 * into JSON or a CARRETE_ERROR.
 *
 * A client belongs to the thread that creates it: create it in the worker
 * that uses it (each worker has its own main context, carrete-service.c);
 * its calls complete on that thread's thread-default main context. */
typedef struct _CarreteServiceClient CarreteServiceClient;

/* What a call forwards of the request it serves; every member may be NULL. */
typedef struct
{
  const char *bearer;        /* sent as "Authorization: Bearer …" */
  const char *request_id;    /* X-Request-Id */
  const char *forwarded_for; /* X-Forwarded-For: the visitor's address */
  const char *share;          /* X-Carrete-Share: a share link's token */
  const char *share_password; /* X-Carrete-Share-Password */
} CarreteForward;

/* The most a call reads of an answer; a longer one fails as UNAVAILABLE. */
#define CARRETE_SERVICE_CLIENT_MAX_ANSWER (4 * 1024 * 1024)

/* `base_url` without the path ("http://folders:8083"; a trailing '/' is
 * dropped).  `timeout_seconds` bounds both a silence of the other side
 * (connecting, sending, waiting for the answer, reading it) and the call as
 * a whole from the moment its request body has been sent (an upload passed
 * on may take as long as its bytes keep flowing). */
CarreteServiceClient *carrete_service_client_new (const char *base_url, guint timeout_seconds);
void carrete_service_client_free (CarreteServiceClient *client);
/* TRUE by default.  FALSE: a 3xx is the answer (its Location for the
 * caller to read), as when carrete-web asks carrete-users where to send
 * the browser for an OpenID Connect sign-in. */
void carrete_service_client_set_follow_redirects (CarreteServiceClient *client, gboolean follow);

/* `method` on `path` ("/v1/…", already escaped; may carry a query) with
 * `query` appended (may be NULL) and `body` (may be NULL, not taken) sent
 * as application/json. */
void carrete_service_client_call_async (CarreteServiceClient *client, const char *method,
                                        const char *path, const CarreteQueryParam *query,
                                        JsonNode *body, const CarreteForward *forward,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data);
/* The same with a raw body (referenced, not copied) of `content_type`. */
void carrete_service_client_send_async (CarreteServiceClient *client, const char *method,
                                        const char *path, const CarreteQueryParam *query,
                                        const char *content_type, GBytes *body,
                                        const CarreteForward *forward, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);

/* A 2xx answer: TRUE, and its body's JSON in *json (NULL for an empty
 * body; `json` may be NULL).  Otherwise FALSE with `error` set:
 * - the service unreachable, too slow, answering 5xx, or an answer that is
 *   too large or not JSON: CARRETE_ERROR_UNAVAILABLE;
 * - a 4xx: carrete_service_error_code(), with the problem's detail;
 * - the caller's cancellable cancelled: G_IO_ERROR_CANCELLED.
 * *status (may be NULL) is the HTTP status in both cases, 0 when no answer
 * came, for a caller that tells statuses apart itself. */
gboolean carrete_service_client_call_finish (GAsyncResult *result, guint *status, JsonNode **json,
                                             GError **error);
/* Any answer at all: TRUE with its status and its body's JSON (NULL when
 * empty or not JSON), whatever the status, for a caller that shows the
 * other service's problems as they are (carrete-web).  FALSE, as above,
 * only when no answer (or one too large) came. */
gboolean carrete_service_client_answer_finish (GAsyncResult *result, guint *status, JsonNode **json,
                                               GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarreteServiceClient, carrete_service_client_free)

G_END_DECLS
