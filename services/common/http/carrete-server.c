#define G_LOG_DOMAIN "carrete-server"

#include "carrete-server.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "carrete-docs.h"
#include "carrete-error.h"
#include "carrete-connection-guard.h"
#include "carrete-framing.h"
#include "carrete-request-id.h"
#include "carrete-request-private.h"
#include "carrete-server-private.h"
#include "carrete-source.h"

#define BODY_STATE_KEY "carrete-body-state"
#define LISTENER_GRACE_MS 250
#define IDLE_CONNECTION_SECONDS 75

/* The request body, collected by the server itself (instead of libsoup's
 * accumulator) so that an oversized body costs no memory beyond the limit. */
typedef struct
{
  GByteArray *data;
  gsize limit;
  gboolean too_large;
} BodyState;

static void
body_state_free (gpointer data)
{
  BodyState *state = data;
  g_byte_array_unref (state->data);
  g_free (state);
}

/* ---- built-in routes ---------------------------------------------------- */

static void
handle_healthz (CarreteRequest *req)
{
  g_autoptr (GBytes) body = g_bytes_new_static ("ok\n", 3);
  carrete_request_respond_bytes (req, 200, "text/plain; charset=utf-8", body);
}

static void
handle_metrics (CarreteRequest *req)
{
  CarreteServer *server = g_object_get_data (G_OBJECT (req->msg), SERVER_KEY);
  char *text = carrete_metrics_render (server->metrics);
  g_autoptr (GBytes) body = g_bytes_new_take (text, strlen (text));

  carrete_request_respond_bytes (req, 200, "text/plain; version=0.0.4; charset=utf-8", body);
}

static void
handle_openapi (CarreteRequest *req)
{
  CarreteServer *server = g_object_get_data (G_OBJECT (req->msg), SERVER_KEY);
  g_autoptr (GError) error = NULL;
  /* carrete-web has no API document of its own. */
  g_autoptr (GBytes) doc = server->options.openapi_resource == NULL
                               ? NULL
                               : g_resources_lookup_data (server->options.openapi_resource,
                                                          G_RESOURCE_LOOKUP_FLAGS_NONE, &error);

  if (doc == NULL)
    {
      carrete_request_respond_status (req, 404, "This service has no API document.");
      return;
    }
  carrete_request_set_header (req, "Cache-Control", "public, max-age=300");
  carrete_request_respond_bytes (req, 200, "application/json", doc);
}

static void
handle_docs (CarreteRequest *req)
{
  CarreteServer *server = g_object_get_data (G_OBJECT (req->msg), SERVER_KEY);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) page = carrete_docs_render_resource (server->options.openapi_resource, &error);

  if (page == NULL)
    {
      carrete_request_respond_error (req, error);
      return;
    }
  carrete_request_set_header (req, "Content-Security-Policy",
                              "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
  carrete_request_respond_bytes (req, 200, "text/html; charset=utf-8", page);
}

static const CarreteRoute builtin_routes[] = {
  { "GET", "/healthz", handle_healthz, CARRETE_AUTH_NONE },
  { "GET", "/metrics", handle_metrics, CARRETE_AUTH_NONE },
  { "GET", "/openapi.json", handle_openapi, CARRETE_AUTH_NONE },
  { "GET", "/docs", handle_docs, CARRETE_AUTH_NONE },
};

/* ---- request set-up ------------------------------------------------------ */

/* The rank (see _carrete_route_rank) of the most specific route pattern that
 * matches `path`, or NULL when none does.  As in OpenAPI, a literal segment
 * beats a template at the same place, and a template beats a rest
 * parameter: /v1/photos/uploads belongs to its own routes, never to
 * /v1/photos/{id}; /upload/resumable/{id}/parts/{number} beats /{path*}. */
static char *
best_rank (CarreteServer *server, const char *path)
{
  const CarreteRoute *tables[] = { builtin_routes, server->options.routes };
  guint sizes[] = { G_N_ELEMENTS (builtin_routes), server->options.n_routes };
  char *best = NULL;

  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    for (guint i = 0; i < sizes[t]; i++)
      {
        g_autofree char *rank = NULL;

        if (!_carrete_route_matches (tables[t][i].pattern, path))
          continue;
        rank = _carrete_route_rank (tables[t][i].pattern);
        if (best == NULL || strcmp (rank, best) < 0)
          {
            g_free (best);
            best = g_steal_pointer (&rank);
          }
      }
  return best;
}

/* Whether `route` is one of the most specific at its path (`best`). */
static gboolean
route_is_best (const CarreteRoute *route, const char *best)
{
  g_autofree char *rank = _carrete_route_rank (route->pattern);

  return g_str_equal (rank, best);
}

static const CarreteRoute *
find_route (CarreteServer *server, CarreteRequest *req, const char *method, const char *path,
            gboolean *path_known)
{
  const CarreteRoute *tables[] = { builtin_routes, server->options.routes };
  guint sizes[] = { G_N_ELEMENTS (builtin_routes), server->options.n_routes };
  g_autofree char *best = best_rank (server, path);

  *path_known = best != NULL;
  for (guint t = 0; t < G_N_ELEMENTS (tables) && best != NULL; t++)
    for (guint i = 0; i < sizes[t]; i++)
      {
        const CarreteRoute *route = &tables[t][i];
        char *names[CARRETE_MAX_PATH_PARAMS] = { 0 };
        char *values[CARRETE_MAX_PATH_PARAMS] = { 0 };
        int n = carrete_route_match (route->pattern, path, names, values);

        if (n < 0)
          continue;
        if (!route_is_best (route, best)
            || (!g_str_equal (route->method, method)
                && !(g_str_equal (method, "HEAD") && g_str_equal (route->method, "GET"))))
          {
            for (int k = 0; k < n; k++)
              {
                g_free (names[k]);
                g_free (values[k]);
              }
            continue;
          }
        memcpy (req->names, names, sizeof names);
        memcpy (req->values, values, sizeof values);
        return route;
      }
  return NULL;
}

/* The Allow header of a 405: every method the best-fitting routes at `path`
 * offer (see best_rank). */
static char *
allowed_methods (CarreteServer *server, const char *path)
{
  const CarreteRoute *tables[] = { builtin_routes, server->options.routes };
  guint sizes[] = { G_N_ELEMENTS (builtin_routes), server->options.n_routes };
  g_autoptr (GStrvBuilder) methods = g_strv_builder_new ();
  g_auto (GStrv) list = NULL;
  g_autofree char *best = best_rank (server, path);

  for (guint t = 0; t < G_N_ELEMENTS (tables) && best != NULL; t++)
    for (guint i = 0; i < sizes[t]; i++)
      {
        if (_carrete_route_matches (tables[t][i].pattern, path)
            && route_is_best (&tables[t][i], best))
          g_strv_builder_add (methods, tables[t][i].method);
      }
  list = g_strv_builder_end (methods);
  return g_strjoinv (", ", list);
}

/* Checks the bearer token once, when the headers are in.  Returns NULL
 * when the request may go on (claims set if a token was given), else the
 * reason for the 401 that dispatch answers. */
static const char *
verify_bearer (CarreteServer *server, CarreteRequest *req, CarreteAuthMode mode)
{
  const char *header = carrete_request_get_header (req, "Authorization");
  g_autoptr (GError) error = NULL;

  if (mode == CARRETE_AUTH_NONE)
    return NULL;
  if (header == NULL)
    return mode == CARRETE_AUTH_OPTIONAL ? NULL : "This route needs a bearer token.";
  if (g_ascii_strncasecmp (header, "Bearer ", 7) != 0 || server->options.jwt == NULL)
    return "Authorization must be \"Bearer <token>\".";
  req->bearer = g_strstrip (g_strdup (header + 7));
  req->claims = carrete_jwt_verify (server->options.jwt, req->bearer,
                                    g_get_real_time () / G_USEC_PER_SEC, &error);
  if (req->claims == NULL)
    {
      g_debug ("rejected token: %s", error->message);
      return "The access token is missing, expired or invalid.";
    }
  if (server->options.ids != NULL
      && !carrete_ids_decode (server->options.ids, CARRETE_ID_USER, req->claims->sub,
                              &req->caller.id))
    return "The access token names no user of this installation.";
  req->caller.role = req->claims->role;
  req->caller.token = req->bearer;
  return NULL;
}

static Pending *
pending_new (CarreteServer *server, SoupServerMessage *msg, const char *path)
{
  Pending *pending = g_new0 (Pending, 1);
  g_autofree char *request_id = carrete_request_id_for (msg);
  CarreteRequest *req = _carrete_request_new (msg, server->options.app, server->metrics,
                                              request_id);

  req->trust_forwarded_for = server->options.trust_forwarded_for;
  req->ids = server->options.ids;
  req->guard = server->guard;
  pending->req = req;
  pending->route = find_route (server, req, soup_server_message_get_method (msg), path,
                               &pending->path_known);
  if (pending->route != NULL)
    {
      req->route = pending->route->pattern;
      pending->auth_failure = verify_bearer (server, req, pending->route->auth);
    }
  return pending;
}

CarreteRequest *
_carrete_server_pending_steal (Pending *pending)
{
  CarreteRequest *req = pending->req;

  g_free (pending);
  return req;
}

static GBytes *
take_body (SoupServerMessage *msg, gboolean *too_large)
{
  BodyState *state = g_object_get_data (G_OBJECT (msg), BODY_STATE_KEY);

  *too_large = state != NULL && state->too_large;
  if (state == NULL || state->too_large)
    return NULL;
  return g_bytes_new (state->data->data, state->data->len);
}

void
_carrete_server_on_message_finished (SoupServerMessage *msg, gpointer user_data)
{
  CarreteServer *server = user_data;
  Pending *pending = g_object_steal_data (G_OBJECT (msg), PENDING_KEY);

  /* The client went away before the body was in: dispatch never ran. */
  if (pending != NULL)
    _carrete_request_free (_carrete_server_pending_steal (pending));
  g_assert (server->in_flight > 0);
  server->in_flight--;
}

/* libsoup decodes "%00" into a NUL byte that silently cuts a query value
 * short ("a%00b" reads as "a"): find the parameter that has one, so that
 * it is refused instead. */
static char *
query_parameter_with_nul (SoupServerMessage *msg)
{
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));
  g_auto (GStrv) pairs = NULL;

  if (query == NULL || strstr (query, "%00") == NULL)
    return NULL;
  pairs = g_strsplit (query, "&", -1);
  for (guint i = 0; pairs[i] != NULL; i++)
    if (strstr (pairs[i], "%00") != NULL)
      {
        g_autofree char *key = g_strndup (pairs[i], strcspn (pairs[i], "="));
        g_autofree char *name = g_uri_unescape_string (key, NULL);

        /* A NUL in the name itself leaves nothing to name. */
        return g_strdup (name != NULL && *name != '\0' ? name : "query");
      }
  return NULL;
}

static void
respond_nul_in_query (CarreteRequest *req, const char *parameter)
{
  CarreteProblem *problem = carrete_problem_new (422, "The query string has an invalid value.");

  carrete_problem_add_field_error (problem, parameter, "must not contain a NUL byte (%00)");
  carrete_request_respond_problem (req, problem);
}

static void
dispatch (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
          gpointer user_data)
{
  CarreteServer *server = user_data;
  Pending *pending = g_object_steal_data (G_OBJECT (msg), PENDING_KEY);
  const CarreteRoute *route;
  gboolean path_known;
  const char *auth_failure;
  CarreteRequest *req;
  gboolean too_large = FALSE;
  g_autofree char *nul_parameter = query_parameter_with_nul (msg);

  /* The early handler runs for every request and leaves one behind. */
  g_return_if_fail (pending != NULL);
  route = pending->route;
  path_known = pending->path_known;
  auth_failure = pending->auth_failure;
  req = _carrete_server_pending_steal (pending);
  /* Latency counts from here, as before the request was built early. */
  req->started_us = g_get_monotonic_time ();
  req->in_dispatch = TRUE;
  g_object_set_data (G_OBJECT (msg), SERVER_KEY, server);
  req->query = query != NULL ? g_hash_table_ref (query) : NULL;
  req->body = take_body (msg, &too_large);

  if (route == NULL)
    {
      if (path_known)
        {
          g_autofree char *allow = allowed_methods (server, path);
          carrete_request_set_header (req, "Allow", allow);
          carrete_request_respond_status (req, 405, "This route does not accept that method.");
        }
      else
        carrete_request_respond_status (req, 404, "There is nothing at this address.");
    }
  else if (too_large)
    carrete_request_respond_status (req, 413, "The request body is too large.");
  else if (nul_parameter != NULL)
    respond_nul_in_query (req, nul_parameter);
  else if (auth_failure != NULL)
    carrete_request_respond_status (req, 401, auth_failure);
  else
    route->handler (req);

  req->in_dispatch = FALSE;
  if (req->answered)
    _carrete_request_free (req);
  else
    soup_server_message_pause (msg);
}

/* ---- body collection (early handler) ------------------------------------ */

static void
on_got_chunk (SoupServerMessage *msg, GBytes *chunk, gpointer user_data)
{
  BodyState *state = user_data;
  gsize len = g_bytes_get_size (chunk);

  if (state->too_large)
    return;
  if (state->data->len + len > state->limit)
    {
      state->too_large = TRUE;
      g_byte_array_set_size (state->data, 0);
      return;
    }
  g_byte_array_append (state->data, g_bytes_get_data (chunk, NULL), len);
}

static void
begin_stream (CarreteServer *server, const Pending *pending, SoupServerMessage *msg,
              GHashTable *query)
{
  const CarreteRoute *route = pending->route;
  gpointer stream;

  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  if (pending->auth_failure != NULL)
    {
      /* A body nobody may send is not read at all. */
      g_autoptr (GError) why = g_error_new_literal (CARRETE_ERROR, CARRETE_ERROR_UNAUTHORIZED,
                                                    pending->auth_failure);
      _carrete_server_refuse_early (server, msg, why);
      return;
    }
  carrete_connection_guard_allow_long_body (server->guard, msg);
  stream = route->stream->begin (server->options.app, msg, query);
  if (stream != NULL && route->stream->refusal != NULL)
    {
      g_autoptr (GError) why = route->stream->refusal (stream);

      if (why != NULL)
        {
          _carrete_server_refuse_early (server, msg, why);
          route->stream->free (stream); /* disconnects what begin connected */
          return;
        }
    }
  if (stream == NULL)
    return;
  g_object_set_data_full (G_OBJECT (msg), CARRETE_STREAM_KEY, stream, route->stream->free);
  if (route->stream->admit_async != NULL)
    _carrete_server_admit_stream (server, pending, msg, query, stream);
}

static void
set_response_headers (CarreteServer *server, SoupServerMessage *msg)
{
  const char *const *h = server->options.response_headers;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  for (guint i = 0; h != NULL && h[i] != NULL && h[i + 1] != NULL; i += 2)
    soup_message_headers_replace (headers, h[i], h[i + 1]);
}

static void
early_handler (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
               gpointer user_data)
{
  CarreteServer *server = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset declared = soup_message_headers_get_content_length (headers);
  Pending *pending;
  BodyState *state;
  g_autoptr (GError) framing = NULL;

  server->in_flight++;
  g_object_set_data (G_OBJECT (msg), SERVER_KEY, server);
  g_signal_connect (msg, "finished", G_CALLBACK (_carrete_server_on_message_finished), server);
  set_response_headers (server, msg);

  /* The one route match and token check of this request. */
  pending = pending_new (server, msg, path);
  g_object_set_data (G_OBJECT (msg), PENDING_KEY, pending);
  /* Before any route sees it: a length read two ways is smuggling. */
  if (!carrete_framing_check (msg, &framing))
    {
      _carrete_server_refuse_early (server, msg, framing);
      return;
    }
  if (pending->route != NULL && pending->route->stream != NULL)
    {
      begin_stream (server, pending, msg, query);
      return;
    }

  state = g_new0 (BodyState, 1);
  state->data = g_byte_array_new ();
  state->limit = server->options.max_body_bytes;
  /* Refuse a declared oversize body before reading it. */
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
      && declared > (goffset) state->limit)
    state->too_large = TRUE;
  g_object_set_data_full (G_OBJECT (msg), BODY_STATE_KEY, state, body_state_free);
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_got_chunk), state);
}

/* ---- life cycle ---------------------------------------------------------- */

CarreteServer *
carrete_server_new (const CarreteServerOptions *options)
{
  CarreteServer *server = g_new0 (CarreteServer, 1);

  server->options = *options;
  if (server->options.max_body_bytes == 0)
    server->options.max_body_bytes = 64 * 1024;
  if (server->options.read_timeout_seconds == 0)
    server->options.read_timeout_seconds = 30;
  server->soup = soup_server_new ("server-header", NULL, NULL);
  server->guard = carrete_connection_guard_new (server->soup, IDLE_CONNECTION_SECONDS,
                                                server->options.read_timeout_seconds);
  server->owns_metrics = options->metrics == NULL;
  server->metrics = server->owns_metrics ? carrete_metrics_new (options->service_name)
                                         : options->metrics;
  server->context = g_main_context_ref_thread_default ();
  server->loop = g_main_loop_new (server->context, FALSE);
  soup_server_add_early_handler (server->soup, NULL, early_handler, server, NULL);
  soup_server_add_handler (server->soup, NULL, dispatch, server, NULL);
  return server;
}

void
carrete_server_free (CarreteServer *server)
{
  if (server == NULL)
    return;
  carrete_connection_guard_free (server->guard);
  soup_server_disconnect (server->soup);
  g_clear_object (&server->soup);
  if (server->owns_metrics)
    carrete_metrics_free (server->metrics);
  g_main_loop_unref (server->loop);
  g_main_context_unref (server->context);
  g_free (server);
}

static GSocketAddress *
listen_address (const char *host, guint16 port, GError **error)
{
  g_autoptr (GInetAddress) address = NULL;

  if (g_str_equal (host, "localhost"))
    address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  else
    address = g_inet_address_new_from_string (host);
  if (address == NULL)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG,
                   "CARRETE_LISTEN: host must be an IP address or localhost, got \"%s\"", host);
      return NULL;
    }
  return g_inet_socket_address_new (address, port);
}

/* bind(2) itself: g_socket_bind() turns SO_REUSEPORT off again on stream
 * sockets. */
static GSocket *
bind_socket (GSocketAddress *address, gboolean reuse_port, GError **error)
{
  g_autoptr (GSocket) socket = g_socket_new (g_socket_address_get_family (address),
                                             G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  struct sockaddr_storage native;
  gsize len = (gsize) g_socket_address_get_native_size (address);

  if (socket == NULL
      || !g_socket_set_option (socket, SOL_SOCKET, SO_REUSEADDR, 1, error)
      || (reuse_port && !g_socket_set_option (socket, SOL_SOCKET, SO_REUSEPORT, 1, error))
      || !g_socket_address_to_native (address, &native, sizeof native, error))
    return NULL;
  if (bind (g_socket_get_fd (socket), (struct sockaddr *) &native, (socklen_t) len) != 0)
    {
      int saved = errno;
      g_autofree char *where = g_socket_connectable_to_string (G_SOCKET_CONNECTABLE (address));

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Error binding to address %s: %s", where, g_strerror (saved));
      return NULL;
    }
  return g_steal_pointer (&socket);
}

GPtrArray *
carrete_server_open_sockets (const char *host, guint16 port, guint n, GError **error)
{
  g_autoptr (GSocketAddress) address = listen_address (host, port, error);
  g_autoptr (GPtrArray) sockets = g_ptr_array_new_with_free_func (g_object_unref);

  if (address == NULL)
    return NULL;
  /* SO_REUSEPORT would let this process share the port with another one
   * already on it: bind once without it first, so that a port in use
   * still fails as it should. */
  {
    g_autoptr (GSocket) probe = bind_socket (address, FALSE, error);
    if (probe == NULL)
      return NULL;
  }
  for (guint i = 0; i < n; i++)
    {
      GSocket *socket = bind_socket (address, n > 1, error);

      if (socket == NULL)
        return NULL;
      g_ptr_array_add (sockets, socket);
      g_socket_set_listen_backlog (socket, SOMAXCONN);
      if (!g_socket_listen (socket, error))
        return NULL;
    }
  return g_steal_pointer (&sockets);
}

gboolean
carrete_server_listen (CarreteServer *server, GSocket *socket, GError **error)
{
  return soup_server_listen_socket (server->soup, socket, 0, error);
}

/* Built from the listening socket: soup_server_get_uris() leaks the
 * addresses it reads in libsoup 3.2. */
char *
carrete_server_get_url (CarreteServer *server)
{
  GSList *listeners = soup_server_get_listeners (server->soup);
  g_autoptr (GSocketAddress) address = NULL;
  g_autofree char *host = NULL;
  char *url = NULL;

  if (listeners != NULL)
    address = g_socket_get_local_address (listeners->data, NULL);
  g_slist_free (listeners);
  if (address == NULL || !G_IS_INET_SOCKET_ADDRESS (address))
    return NULL;
  host = g_inet_address_to_string (
      g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
  url = g_strdup_printf (strchr (host, ':') != NULL ? "http://[%s]:%u" : "http://%s:%u", host,
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)));
  return url;
}

static gboolean
drain_tick (gpointer user_data)
{
  CarreteServer *server = user_data;

  gboolean busy = server->options.busy != NULL && server->options.busy (server->options.app);

  if ((server->in_flight > 0 || busy || !server->listeners_closed)
      && g_get_monotonic_time () < server->drain_deadline)
    return G_SOURCE_CONTINUE;
  if (server->in_flight > 0)
    g_warning ("shutting down with %u requests still in flight", server->in_flight);
  if (busy)
    g_warning ("shutting down with background work still in flight");
  g_main_loop_quit (server->loop);
  return G_SOURCE_REMOVE;
}

/* soup_server_disconnect() would also cut the connections of requests in
 * flight; closing the listening sockets alone stops new connections and
 * lets those requests finish. */
static void
close_listeners (CarreteServer *server)
{
  GSList *listeners = soup_server_get_listeners (server->soup);

  for (GSList *l = listeners; l != NULL; l = l->next)
    g_socket_close (l->data, NULL);
  g_slist_free (listeners);
  server->listeners_closed = TRUE;
}

static gboolean
close_listeners_once (gpointer user_data)
{
  close_listeners (user_data);
  return G_SOURCE_REMOVE;
}

/* On the server's own context (its worker thread). */
static gboolean
begin_drain (gpointer user_data)
{
  CarreteServer *server = user_data;

  if (server->stopping)
    return G_SOURCE_REMOVE;
  server->stopping = TRUE;
  g_message ("stopping: no new connections, finishing %u requests in flight",
             server->in_flight);
  server->drain_deadline = g_get_monotonic_time () + server->drain_budget_us;
  if (server->options.stopping != NULL)
    server->options.stopping (server->options.app);
  /* Connections the kernel already accepted into the backlog would be reset
   * by closing the listeners now; a short grace at low priority lets the
   * main loop accept and serve them first. */
  carrete_timeout_add_full (G_PRIORITY_LOW, LISTENER_GRACE_MS, close_listeners_once, server);
  carrete_timeout_add (20, drain_tick, server);
  return G_SOURCE_REMOVE;
}

void
carrete_server_run (CarreteServer *server)
{
  g_main_loop_run (server->loop);
}

void
carrete_server_stop (CarreteServer *server, guint drain_seconds)
{
  server->drain_budget_us = (gint64) drain_seconds * G_USEC_PER_SEC;
  g_main_context_invoke (server->context, begin_drain, server);
}
