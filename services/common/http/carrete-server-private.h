#pragma once

/* What carrete-server.c shares with the other parts of the server
 * (carrete-server-refusal.c). */

#include "carrete-connection-guard.h"
#include "carrete-metrics.h"
#include "carrete-request.h"
#include "carrete-server.h"

G_BEGIN_DECLS

#define PENDING_KEY "carrete-pending-request"
#define SERVER_KEY "carrete-server"
#define REFUSING_KEY "carrete-refusing"

struct _CarreteServer
{
  CarreteServerOptions options;
  SoupServer *soup;
  CarreteConnectionGuard *guard;
  CarreteMetrics *metrics;
  gboolean owns_metrics;  /* FALSE: the process's workers share options.metrics */
  GMainContext *context;  /* the thread-default context it was made on */
  GMainLoop *loop;
  guint in_flight;
  gboolean stopping;
  gboolean listeners_closed;
  gint64 drain_budget_us;
  gint64 drain_deadline;
};

/* What the early handler learnt of a request, for dispatch: the request
 * itself (id, route, path parameters, verified claims) is built once, when
 * the headers are in, and dispatch takes it over. */
typedef struct
{
  CarreteRequest *req;
  const CarreteRoute *route; /* NULL: no route for this method and path */
  gboolean path_known;       /* some route has this path: 405, not 404 */
  const char *auth_failure;  /* the 401's reason, or NULL */
} Pending;

/* Takes the request out of a pending one, which is freed. */
CarreteRequest *_carrete_server_pending_steal (Pending *pending);
/* "finished" of every message: frees a request dispatch never took, and
 * counts the message out. */
void _carrete_server_on_message_finished (SoupServerMessage *msg, gpointer user_data);

/* carrete-server-refusal.c: answers `why` before the body, on the
 * connection taken from libsoup, and does what "finished" would have. */
void _carrete_server_refuse_early (CarreteServer *server, SoupServerMessage *msg,
                                   const GError *why);
/* Pauses `msg` while its stream's admission checks run; then reads on, or
 * refuses. */
void _carrete_server_admit_stream (CarreteServer *server, const Pending *pending,
                                   SoupServerMessage *msg, GHashTable *query, gpointer stream);

/* carrete-route.c: whether `pattern` matches `path` (carrete_route_match
 * without keeping the values), and how specific a pattern is, as a string
 * that sorts the more specific first: per segment 'a' for a literal, 'b'
 * for a template, 'c' for a rest parameter ({name*}). */
gboolean _carrete_route_matches (const char *pattern, const char *path);
char *_carrete_route_rank (const char *pattern);

G_END_DECLS
