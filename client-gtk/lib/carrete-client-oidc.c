#define G_LOG_DOMAIN "carrete-client"

/* Sign-in through the server's OpenID Connect provider, for a native app
 * (RFC 8252 §7.3): see carrete-client-oidc.h.  The verifier never leaves
 * this process except to carrete-users at the very end; the listener
 * answers only a callback carrying the state of this sign-in, so another
 * local page cannot slip its own code in. */

#include "carrete-client-oidc.h"

#include <libsoup/soup.h>
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "carrete-client-private.h"

/* carrete-users keeps a sign-in's state this long. */
#define SIGN_IN_SECONDS (10 * 60)
#define VERIFIER_BYTES 32

typedef struct
{
  SoupServer *listener;
  char *redirect_uri;
  char *verifier;
  char *state; /* the one the provider must send back */
  char *code;
  char *provider_error;
  CarreteOpenUri open_uri;
  gpointer open_uri_data;
  GSource *cancelled_source;
  GSource *deadline;
  gboolean called_back; /* the listener took its one callback */
  gboolean done;
} SignIn;

static void
sign_in_free (SignIn *sign_in)
{
  if (sign_in->listener != NULL)
    soup_server_disconnect (sign_in->listener);
  g_clear_object (&sign_in->listener);
  g_free (sign_in->redirect_uri);
  g_free (sign_in->verifier);
  g_free (sign_in->state);
  g_free (sign_in->code);
  g_free (sign_in->provider_error);
  g_free (sign_in);
}

static void
drop_source (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

/* Ends the sign-in once, whichever way comes first (NULL: signed in). */
static void
finish (GTask *task, GError *error)
{
  SignIn *sign_in = g_task_get_task_data (task);

  if (sign_in->done)
    {
      g_clear_error (&error);
      return;
    }
  sign_in->done = TRUE;
  drop_source (&sign_in->cancelled_source);
  drop_source (&sign_in->deadline);
  soup_server_remove_handler (sign_in->listener, "/callback");
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* ---- PKCE (RFC 7636 §4.1, §4.2) ---------------------------------------------------------- */

static char *
base64url (const guint8 *data, gsize length)
{
  g_autofree char *text = g_base64_encode (data, length);
  GString *url = g_string_new (text);

  g_string_replace (url, "+", "-", 0);
  g_string_replace (url, "/", "_", 0);
  g_string_replace (url, "=", "", 0);
  return g_string_free (url, FALSE);
}

static char *
new_verifier (GError **error)
{
  guint8 bytes[VERIFIER_BYTES];

  if (getrandom (bytes, sizeof bytes, 0) != (gssize)sizeof bytes)
    {
      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (errno),
                           "No random bytes for the sign-in.");
      return NULL;
    }
  return base64url (bytes, sizeof bytes);
}

static char *
challenge_of (const char *verifier)
{
  g_autoptr (GChecksum) sha256 = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;

  g_checksum_update (sha256, (const guchar *)verifier, -1);
  g_checksum_get_digest (sha256, digest, &length);
  return base64url (digest, length);
}

/* ---- the listener ---------------------------------------------------------------------- */

static const char page_signed_in[]
    = "<!doctype html><meta charset=utf-8><title>Carrete</title>"
      "<p>Carrete has your sign-in. You can close this page and go back to the app.";
static const char page_refused[]
    = "<!doctype html><meta charset=utf-8><title>Carrete</title>"
      "<p>The sign-in was not completed. Go back to Carrete to try again.";
static const char page_unknown[] = "<!doctype html><meta charset=utf-8><title>Carrete</title>"
                                   "<p>Carrete is not waiting for this sign-in.";

static void
respond_page (SoupServerMessage *msg, guint status, const char *page)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_STATIC, page,
                                    strlen (page));
}

static void redeem (GTask *task);

/* The browser has its page: now end or redeem (a listener disconnected any
 * earlier would cut that page off). */
static void
on_page_sent (SoupServerMessage *msg, gpointer user_data)
{
  GTask *task = user_data;
  SignIn *sign_in = g_task_get_task_data (task);

  if (sign_in->done)
    return;
  if (sign_in->code == NULL)
    finish (task,
            g_error_new (CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_INVALID,
                         "The sign-in was refused at the provider: %s.", sign_in->provider_error));
  else
    redeem (task);
}

static void
on_callback (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
             gpointer user_data)
{
  GTask *task = user_data;
  SignIn *sign_in = g_task_get_task_data (task);
  const char *state = query != NULL ? g_hash_table_lookup (query, "state") : NULL;
  const char *code = query != NULL ? g_hash_table_lookup (query, "code") : NULL;
  const char *error = query != NULL ? g_hash_table_lookup (query, "error") : NULL;

  if (sign_in->done || sign_in->called_back || g_strcmp0 (state, sign_in->state) != 0
      || (code == NULL && error == NULL))
    {
      respond_page (msg, SOUP_STATUS_BAD_REQUEST, page_unknown);
      return;
    }
  sign_in->called_back = TRUE;
  if (code != NULL)
    sign_in->code = g_strdup (code);
  else
    sign_in->provider_error = g_strdup (error);
  respond_page (msg, SOUP_STATUS_OK, code != NULL ? page_signed_in : page_refused);
  g_signal_connect_data (msg, "finished", G_CALLBACK (on_page_sent), g_object_ref (task),
                         (GClosureNotify)(void (*) (void))g_object_unref, 0);
}

/* 127.0.0.1 on a port the kernel picks.  The socket is ours, not
 * soup_server_listen_local()'s: libsoup 3.2 leaks the addresses that one
 * reads. */
static gboolean
listen_on_loopback (SignIn *sign_in, GError **error)
{
  g_autoptr (GSocket) socket
      = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;

  if (socket == NULL || !g_socket_bind (socket, any_port, FALSE, error)
      || !g_socket_listen (socket, error))
    return FALSE;
  bound = g_socket_get_local_address (socket, error);
  if (bound == NULL)
    return FALSE;
  sign_in->listener = soup_server_new (NULL, NULL);
  if (!soup_server_listen_socket (sign_in->listener, socket, 0, error))
    return FALSE;
  sign_in->redirect_uri
      = g_strdup_printf ("http://127.0.0.1:%u/callback",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  return TRUE;
}

/* ---- waiting for the browser ---------------------------------------------------------- */

static gboolean
on_cancelled (GCancellable *cancellable, gpointer user_data)
{
  GError *error = NULL;

  g_cancellable_set_error_if_cancelled (cancellable, &error);
  finish (G_TASK (user_data), error);
  return G_SOURCE_REMOVE;
}

static gboolean
on_deadline (gpointer user_data)
{
  finish (G_TASK (user_data),
          g_error_new_literal (CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_INVALID,
                               "The sign-in was not completed in time; start again."));
  return G_SOURCE_REMOVE;
}

/* Sources on the task's context, each holding the task until it is dropped. */
static GSource *
attach (GTask *task, GSource *source, GSourceFunc func)
{
  g_source_set_callback (source, func, g_object_ref (task), g_object_unref);
  g_source_attach (source, g_task_get_context (task));
  return source;
}

static char *
state_of (const char *authorization_url)
{
  g_autoptr (GUri) uri = g_uri_parse (authorization_url, G_URI_FLAGS_ENCODED_QUERY, NULL);
  g_autoptr (GHashTable) params = NULL;
  const char *query = uri != NULL ? g_uri_get_query (uri) : NULL;

  if (query == NULL)
    return NULL;
  params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL);
  return params != NULL ? g_strdup (g_hash_table_lookup (params, "state")) : NULL;
}

static void
on_started (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  SignIn *sign_in = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (JsonNode) node = _carrete_client_call_finish (CARRETE_CLIENT (source), result, &error);
  JsonObject *object
      = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *url = object != NULL ? carrete_json_get_string (object, "authorization_url") : NULL;

  if (error != NULL)
    {
      finish (task, error);
      return;
    }
  sign_in->state = url != NULL ? state_of (url) : NULL;
  if (sign_in->state == NULL)
    {
      finish (task, g_error_new_literal (CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_PROTOCOL,
                                         "The server's sign-in address has no state."));
      return;
    }
  soup_server_add_handler (sign_in->listener, "/callback", on_callback, task, NULL);
  if (g_task_get_cancellable (task) != NULL)
    sign_in->cancelled_source
        = attach (task, g_cancellable_source_new (g_task_get_cancellable (task)),
                  (GSourceFunc)(void (*) (void))on_cancelled);
  sign_in->deadline = attach (task, g_timeout_source_new_seconds (SIGN_IN_SECONDS), on_deadline);
  sign_in->open_uri (url, sign_in->open_uri_data);
}

/* ---- redeeming the code ----------------------------------------------------------------- */

static void
on_redeemed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  g_autoptr (JsonNode) node = _carrete_client_call_finish (CARRETE_CLIENT (source), result, &error);

  if (error == NULL)
    _carrete_client_apply_session (CARRETE_CLIENT (source), node, &error);
  finish (task, error);
}

static void
redeem (GTask *task)
{
  SignIn *sign_in = g_task_get_task_data (task);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, sign_in->code);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, sign_in->state);
  json_builder_set_member_name (builder, "code_verifier");
  json_builder_add_string_value (builder, sign_in->verifier);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  _carrete_client_call_start (g_task_get_source_object (task), "POST", "/v1/auth/oidc/callback",
                              body, FALSE, 0, g_task_get_cancellable (task), on_redeemed,
                              g_object_ref (task), carrete_client_sign_in_with_provider_async);
}

/* ---- the operation ---------------------------------------------------------------------- */

void
carrete_client_sign_in_with_provider_async (CarreteClient *self, CarreteOpenUri open_uri,
                                            gpointer open_uri_data, GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  SignIn *sign_in = g_new0 (SignIn, 1);
  GError *error = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (CARRETE_IS_CLIENT (self));
  g_return_if_fail (open_uri != NULL);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, carrete_client_sign_in_with_provider_async);
  g_task_set_task_data (task, sign_in, (GDestroyNotify)sign_in_free);
  sign_in->open_uri = open_uri;
  sign_in->open_uri_data = open_uri_data;
  if (!listen_on_loopback (sign_in, &error) || (sign_in->verifier = new_verifier (&error)) == NULL)
    {
      sign_in->done = TRUE;
      g_task_return_error (task, error);
      return;
    }
  challenge = challenge_of (sign_in->verifier);
  escaped = g_uri_escape_string (sign_in->redirect_uri, NULL, FALSE);
  path = g_strdup_printf ("/v1/auth/oidc/start?redirect_uri=%s&code_challenge=%s", escaped,
                          challenge);
  _carrete_client_call_start (self, "GET", path, NULL, FALSE, CARRETE_RESPONSE_REDIRECT,
                              cancellable, on_started, g_steal_pointer (&task),
                              carrete_client_sign_in_with_provider_async);
}

gboolean
carrete_client_sign_in_with_provider_finish (CarreteClient *self, GAsyncResult *result,
                                             GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
