#pragma once

#include <gio/gio.h>

#include "carrete-jwt.h"
#include "carrete-metrics.h"
#include "carrete-request.h"

G_BEGIN_DECLS

typedef void (*CarreteHandlerFunc) (CarreteRequest *req);

typedef enum
{
  CARRETE_AUTH_NONE,     /* the Authorization header is ignored */
  CARRETE_AUTH_OPTIONAL, /* anonymous allowed; a bad token is still 401 */
  CARRETE_AUTH_REQUIRED,
} CarreteAuthMode;

/* A route whose body is too big to hold (an upload): instead of collecting
 * it, the scaffold calls `begin` once the headers are in, and `begin`
 * connects its own "got-chunk" handler to `msg` to consume the body as it
 * arrives.  It returns the per-request state the handler later reads with
 * carrete_request_get_stream(), or NULL to let the body be discarded (the
 * handler still runs).  `begin` is not called for a request whose bearer
 * token is invalid: it is answered 401 at once, its body never read. */
typedef struct
{
  gpointer (*begin) (gpointer app, SoupServerMessage *msg, GHashTable *query);
  GDestroyNotify free; /* must also disconnect what begin connected to msg */
  /* Optional: a reason to refuse the request before reading its body (e.g.
   * a declared length over the limit), or NULL.  A refused request is
   * answered at once and the connection closed; the handler does not run. */
  GError *(*refusal) (gpointer stream);
  /* Optional: checks that need a round trip (may this caller upload
   * there?), started once the headers are in.  Nothing of the body is read
   * until they answer: a failure is answered at once, like a refusal, and
   * costs the client its headers and what it sent meanwhile, never the
   * whole body.  `req` is the request so far (caller, route, request id; no
   * body yet); `query` may be NULL and is valid only during the call. */
  void (*admit_async) (gpointer stream, CarreteRequest *req, GHashTable *query,
                       GAsyncReadyCallback callback, gpointer user_data);
  gboolean (*admit_finish) (gpointer stream, GAsyncResult *result, GError **error);
} CarreteBodyStream;

/* For a stream's "got-chunk" handler that finds the body unacceptable
 * half-way (over the limit, not an image): the request is answered with
 * `why` as soon as the handler returns, nothing more of the body is read,
 * and the connection is closed; the route's handler does not run.  The
 * first call counts; a call once the whole body is in (the handler has
 * the request) does nothing. */
void carrete_server_refuse_body (SoupServerMessage *msg, const GError *why);

/* One row of a service's route table.  `pattern` segments written {name}
 * match one path segment and are read with carrete_request_get_param; a
 * last segment written {name*} matches the rest of the path, slashes
 * included. */
typedef struct
{
  const char *method;
  const char *pattern;
  CarreteHandlerFunc handler;
  CarreteAuthMode auth;
  const CarreteBodyStream *stream; /* NULL: the body is collected (max_body_bytes) */
} CarreteRoute;

typedef struct
{
  const char *service_name;     /* "users" */
  const CarreteRoute *routes;
  guint n_routes;
  gpointer app;                 /* handed to handlers */
  CarreteJwt *jwt;              /* verifies bearer tokens; may be NULL */
  const CarreteIds *ids;        /* decodes the caller and path ids; may be NULL */
  const char *openapi_resource; /* GResource path of the OpenAPI document */
  gsize max_body_bytes;         /* for buffered request bodies */
  guint read_timeout_seconds;   /* a whole request must arrive within it */
  gboolean trust_forwarded_for; /* behind a proxy: client = last X-Forwarded-For hop */
  /* Optional NULL-terminated name, value, name, value… list set on every
   * response before any handler runs (the web's security headers). */
  const char *const *response_headers;
  /* Shared by the process's workers, so that /metrics counts them all;
   * NULL: the server keeps its own. */
  CarreteMetrics *metrics;
  /* Optional, for work besides requests (photos' background jobs), called
   * with `app` on the server's context: `stopping` once when a stop
   * begins (take on nothing new), and `busy` while draining, which waits
   * (within the same budget) until it answers FALSE. */
  void (*stopping) (gpointer app);
  gboolean (*busy) (gpointer app);
} CarreteServerOptions;

typedef struct _CarreteServer CarreteServer;

/* Made on the calling thread's thread-default main context, where it
 * answers every request: one server per worker thread. */
CarreteServer *carrete_server_new (const CarreteServerOptions *options);
void carrete_server_free (CarreteServer *server);

/* `n` listening sockets on host:port that share it (SO_REUSEPORT when n > 1:
 * the kernel spreads connections over the workers).  A port already in use
 * by anyone else still fails. */
GPtrArray *carrete_server_open_sockets (const char *host, guint16 port, guint n, GError **error);
gboolean carrete_server_listen (CarreteServer *server, GSocket *socket, GError **error);
/* The address actually bound. */
char *carrete_server_get_url (CarreteServer *server);

/* Runs the server's main loop until a stop has drained it. */
void carrete_server_run (CarreteServer *server);
/* From any thread: stops accepting connections, lets requests in flight
 * finish (bounded by `drain_seconds`), then ends carrete_server_run. */
void carrete_server_stop (CarreteServer *server, guint drain_seconds);

/* Route matching, exposed for tests: fills `names`/`values` (each with
 * room for 8) and returns the number of parameters, or -1. */
int carrete_route_match (const char *pattern, const char *path, char **names, char **values);

G_END_DECLS
