#define G_LOG_DOMAIN "carrete-request"

#include "carrete-request-private.h"

#include <string.h>

#include "carrete-error.h"
#include "carrete-log.h"

CarreteRequest *
_carrete_request_new (SoupServerMessage *msg, gpointer app, CarreteMetrics *metrics,
                      const char *request_id)
{
  CarreteRequest *req = g_new0 (CarreteRequest, 1);

  req->msg = g_object_ref (msg);
  req->app = app;
  req->metrics = metrics;
  req->route = "unmatched";
  req->request_id = g_strdup (request_id);
  req->caller.request_id = req->request_id;
  req->started_us = g_get_monotonic_time ();
  return req;
}

static void
stop_watching_for_hang_up (CarreteRequest *req)
{
  if (req->cancellable == NULL)
    return;
  if (req->guard != NULL)
    carrete_connection_guard_unwatch_hang_up (req->guard, req->msg);
  g_clear_signal_handler (&req->disconnected_id, req->msg);
}

void
_carrete_request_free (CarreteRequest *req)
{
  stop_watching_for_hang_up (req);
  g_clear_object (&req->cancellable);
  for (guint i = 0; i < CARRETE_MAX_PATH_PARAMS; i++)
    {
      g_free (req->names[i]);
      g_free (req->values[i]);
    }
  g_clear_pointer (&req->query, g_hash_table_unref);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_clear_pointer (&req->claims, carrete_claims_free);
  g_free (req->request_id);
  g_free (req->client_address);
  if (req->bearer != NULL)
    memset (req->bearer, 0, strlen (req->bearer));
  g_free (req->bearer);
  g_clear_object (&req->msg);
  g_free (req);
}

const char *
carrete_request_get_method (CarreteRequest *req)
{
  return soup_server_message_get_method (req->msg);
}

const char *
carrete_request_get_param (CarreteRequest *req, const char *name)
{
  for (guint i = 0; i < CARRETE_MAX_PATH_PARAMS && req->names[i] != NULL; i++)
    if (g_str_equal (req->names[i], name))
      return req->values[i];
  return NULL;
}

const char *
carrete_request_get_query (CarreteRequest *req, const char *name)
{
  return req->query != NULL ? g_hash_table_lookup (req->query, name) : NULL;
}

gboolean
carrete_request_query_flag (CarreteRequest *req, const char *name, gboolean *value)
{
  const char *text = carrete_request_get_query (req, name);
  g_autofree char *detail = NULL;
  CarreteProblem *problem;

  *value = g_strcmp0 (text, "true") == 0;
  if (text == NULL || g_str_equal (text, "true") || g_str_equal (text, "false"))
    return TRUE;
  detail = g_strdup_printf ("%s must be true or false.", name);
  problem = carrete_problem_new (422, detail);
  carrete_problem_add_field_error (problem, name, "must be true or false");
  carrete_request_respond_problem (req, problem);
  return FALSE;
}

const char *
carrete_request_get_header (CarreteRequest *req, const char *name)
{
  return soup_message_headers_get_one (soup_server_message_get_request_headers (req->msg), name);
}

const char *
carrete_request_get_request_id (CarreteRequest *req)
{
  return req->request_id;
}

/* An X-Forwarded-For hop as a canonical IP address: some proxies append
 * "ip:port" or "[v6]:port".  NULL when it is not an address at all. */
static char *
canonical_address (const char *hop)
{
  g_autofree char *text = g_strstrip (g_strdup (hop));
  g_autoptr (GInetAddress) address = g_inet_address_new_from_string (text);
  char *colon;

  if (address == NULL && text[0] == '[' && (colon = strstr (text, "]:")) != NULL)
    {
      *colon = '\0';
      address = g_inet_address_new_from_string (text + 1);
    }
  else if (address == NULL && (colon = strchr (text, ':')) != NULL && strchr (colon + 1, ':') == NULL)
    {
      *colon = '\0';
      address = g_inet_address_new_from_string (text);
    }
  return address != NULL ? g_inet_address_to_string (address) : NULL;
}

/* Behind a trusted proxy (an ingress) every peer is the proxy, so the
 * client is the last hop the proxy appended to X-Forwarded-For; earlier
 * entries come from the client and prove nothing.  Only enable it when the
 * service cannot be reached except through that proxy. */
const char *
carrete_request_get_client_address (CarreteRequest *req)
{
  const char *forwarded = carrete_request_get_header (req, "X-Forwarded-For");
  const char *host = soup_server_message_get_remote_host (req->msg);

  if (req->client_address != NULL)
    return req->client_address;
  if (req->trust_forwarded_for && forwarded != NULL)
    {
      const char *last = strrchr (forwarded, ',');
      req->client_address = canonical_address (last != NULL ? last + 1 : forwarded);
      if (req->client_address != NULL)
        return req->client_address;
    }
  req->client_address = g_strdup (host != NULL ? host : "unknown");
  return req->client_address;
}

const char *
carrete_request_get_bearer (CarreteRequest *req)
{
  return req->bearer;
}

GBytes *
carrete_request_get_body (CarreteRequest *req)
{
  return req->body;
}

gpointer
carrete_request_get_stream (CarreteRequest *req)
{
  return g_object_get_data (G_OBJECT (req->msg), CARRETE_STREAM_KEY);
}

GHashTable *
carrete_request_get_query_table (CarreteRequest *req)
{
  return req->query;
}

SoupServerMessage *
carrete_request_get_message (CarreteRequest *req)
{
  return req->msg;
}

const CarreteClaims *
carrete_request_get_claims (CarreteRequest *req)
{
  return req->claims;
}

const CarreteCaller *
carrete_request_get_caller (CarreteRequest *req)
{
  return &req->caller;
}

gboolean
carrete_request_decode_id (CarreteRequest *req, const char *name, CarreteIdType type, gint64 *id)
{
  static const char *const not_found[CARRETE_ID_N_TYPES] = {
    [CARRETE_ID_USER] = "No such user.",
    [CARRETE_ID_PHOTO] = "No such photo.",
    [CARRETE_ID_FOLDER] = "No such folder.",
    [CARRETE_ID_UPLOAD] = "No such upload.",
    [CARRETE_ID_SHARE] = "No such link.",
  };

  g_return_val_if_fail (req->ids != NULL && type < CARRETE_ID_N_TYPES, FALSE);
  if (carrete_ids_decode (req->ids, type, carrete_request_get_param (req, name), id))
    return TRUE;
  carrete_request_respond_status (req, 404, not_found[type]);
  return FALSE;
}

gpointer
carrete_request_get_app (CarreteRequest *req)
{
  return req->app;
}

static void
on_disconnected (SoupServerMessage *msg, gpointer user_data)
{
  CarreteRequest *req = user_data;

  g_cancellable_cancel (req->cancellable);
}

GCancellable *
carrete_request_get_cancellable (CarreteRequest *req)
{
  if (req->cancellable != NULL)
    return req->cancellable;
  req->cancellable = g_cancellable_new ();
  /* libsoup says so while it reads a body; a paused message is the
   * guard's to watch. */
  req->disconnected_id
      = g_signal_connect (req->msg, "disconnected", G_CALLBACK (on_disconnected), req);
  if (req->guard != NULL && !req->answered)
    carrete_connection_guard_watch_hang_up (req->guard, req->msg, req->cancellable);
  return req->cancellable;
}

void
carrete_request_set_header (CarreteRequest *req, const char *name, const char *value)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg), name, value);
}

static void
finish (CarreteRequest *req, guint status)
{
  double seconds = (double) (g_get_monotonic_time () - req->started_us) / G_USEC_PER_SEC;
  CarreteRequestLog entry = {
    .request_id = req->request_id,
    .method = carrete_request_get_method (req),
    .route = req->route,
    .status = status,
    .duration_ms = seconds * 1000.0,
    .user_id = req->claims != NULL ? req->claims->sub : NULL,
  };

  g_assert (!req->answered);
  req->answered = TRUE;
  stop_watching_for_hang_up (req);
  carrete_log_request (&entry);
  carrete_metrics_observe (req->metrics, req->route, entry.method, status, seconds);

  if (!req->in_dispatch)
    {
      soup_server_message_unpause (req->msg);
      _carrete_request_free (req);
    }
}

/* libsoup 3.2 removes Content-Length from a 204 as it writes the head,
 * which forgets the response's framing: it then takes the answer for one
 * ended by closing the connection and closes it (without saying
 * Connection: close), so the client's next request on it fails.  Once
 * the head is out, the answer is said again to have no body. */
static void
keep_alive_after_no_content (SoupServerMessage *msg, gpointer user_data)
{
  soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                     SOUP_ENCODING_NONE);
}

static void
set_body (CarreteRequest *req, guint status, const char *content_type, GBytes *body)
{
  SoupServerMessage *msg = req->msg;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  gsize len = 0;
  gconstpointer data = body != NULL ? g_bytes_get_data (body, &len) : NULL;

  soup_message_headers_replace (headers, "X-Request-Id", req->request_id);
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  if (soup_message_headers_get_one (headers, "Cache-Control") == NULL)
    soup_message_headers_replace (headers, "Cache-Control", "no-store");
  if (content_type != NULL)
    soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, data, len);
  if (status == 204)
    g_signal_connect (msg, "wrote-headers", G_CALLBACK (keep_alive_after_no_content), NULL);
  soup_server_message_set_status (msg, status, NULL);
  finish (req, status);
}

void
carrete_request_respond_bytes (CarreteRequest *req, guint status, const char *content_type,
                               GBytes *body)
{
  set_body (req, status, content_type, body);
}

void
carrete_request_respond_json_text (CarreteRequest *req, guint status, GString *text)
{
  g_autoptr (GBytes) bytes = g_string_free_to_bytes (text);

  set_body (req, status, "application/json", bytes);
}

void
carrete_request_respond_empty (CarreteRequest *req, guint status)
{
  set_body (req, status, NULL, NULL);
}

void
carrete_request_answer_no_content (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    carrete_request_respond_error (req, error);
  else
    carrete_request_respond_empty (req, 204);
}

void
carrete_request_respond_problem (CarreteRequest *req, CarreteProblem *problem)
{
  g_autoptr (CarreteProblem) owned = problem;
  char *text = carrete_problem_to_json (owned, req->request_id);
  g_autoptr (GBytes) bytes = g_bytes_new_take (text, strlen (text));
  guint status = carrete_problem_get_status (owned);

  /* RFC 6750 §3: a presented token that failed says invalid_token; a
   * request without one gets the bare challenge. */
  if (status == 401 && carrete_request_get_header (req, "Authorization") != NULL)
    carrete_request_set_header (req, "WWW-Authenticate",
                                "Bearer realm=\"carrete\", error=\"invalid_token\"");
  else if (status == 401)
    carrete_request_set_header (req, "WWW-Authenticate", "Bearer realm=\"carrete\"");
  set_body (req, status, "application/problem+json", bytes);
}

void
carrete_request_respond_throttled_error (CarreteRequest *req, const GError *error,
                                         guint retry_after)
{
  if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_RATE_LIMITED))
    {
      g_autofree char *seconds = g_strdup_printf ("%u", MAX (retry_after, 1));
      carrete_request_set_header (req, "Retry-After", seconds);
    }
  carrete_request_respond_error (req, error);
}

void
carrete_request_respond_error (CarreteRequest *req, const GError *error)
{
  guint status = carrete_error_http_status (error);

  if (status == 500)
    g_warning ("request %s failed: %s", req->request_id, error->message);
  if (status == 503
      && soup_message_headers_get_one (soup_server_message_get_response_headers (req->msg),
                                       "Retry-After")
             == NULL)
    carrete_request_set_header (req, "Retry-After", "1");
  carrete_request_respond_problem (req, carrete_problem_new_from_error (error));
}

void
carrete_request_respond_status (CarreteRequest *req, guint status, const char *detail)
{
  carrete_request_respond_problem (req, carrete_problem_new (status, detail));
}

void
carrete_request_respond_field (CarreteRequest *req, guint status, const char *field,
                               const char *message)
{
  CarreteProblem *problem = carrete_problem_new (status, "The request has an invalid field.");

  carrete_problem_add_field_error (problem, field, message);
  carrete_request_respond_problem (req, problem);
}

gboolean
carrete_request_read_limit (CarreteRequest *req, guint *limit)
{
  const char *text = carrete_request_get_query (req, "limit");
  guint64 value = 50;

  if (text != NULL && !g_ascii_string_to_unsigned (text, 10, 1, 200, &value, NULL))
    {
      carrete_request_respond_field (req, 422, "limit", "must be a whole number from 1 to 200");
      return FALSE;
    }
  *limit = (guint) value;
  return TRUE;
}

void
carrete_request_respond_error_on_field (CarreteRequest *req, const GError *error, const char *field)
{
  CarreteProblem *problem;

  if (field == NULL)
    {
      carrete_request_respond_error (req, error);
      return;
    }
  problem = carrete_problem_new_from_error (error);
  carrete_problem_add_field_error (problem, field, error->message);
  carrete_request_respond_problem (req, problem);
}

JsonObject *
carrete_request_parse_body (CarreteRequest *req, const CarreteFieldSpec *specs, guint n_specs)
{
  CarreteProblem *problem = NULL;
  JsonObject *body = carrete_json_body_parse (req->body, specs, n_specs, &problem);

  if (body == NULL)
    carrete_request_respond_problem (req, problem);
  return body;
}
