#define G_LOG_DOMAIN "carrete-client"

#include "carrete-client.h"
#include "carrete-client-private.h"
#include "carrete-refresh-gate.h"

struct _CarreteClient
{
  GObject parent_instance;
  SoupSession *session;
  char *server_url;
  char *overrides[3]; /* by CarreteService */
  char *access_token;
  char *refresh_token;
  CarreteUser *user;
  /* One refresh in flight per refresh token: a rotated refresh token used
   * twice revokes the whole family, so concurrent 401s wait for the same
   * one (carrete-refresh-gate.h; nothing kept after the answer). */
  CarreteRefreshGate *refresh_gate;
  GCancellable *cancellable;  /* the client's own requests (refresh) */
};

G_DEFINE_FINAL_TYPE (CarreteClient, carrete_client, G_TYPE_OBJECT)

enum { PROP_0, PROP_SERVER_URL, PROP_USER, PROP_SIGNED_IN, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SESSION_EXPIRED, TOKENS_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
carrete_client_dispose (GObject *object)
{
  CarreteClient *self = CARRETE_CLIENT (object);

  g_cancellable_cancel (self->cancellable);
  G_OBJECT_CLASS (carrete_client_parent_class)->dispose (object);
}

static void
carrete_client_finalize (GObject *object)
{
  CarreteClient *self = CARRETE_CLIENT (object);

  g_clear_object (&self->session);
  g_free (self->server_url);
  for (gsize i = 0; i < G_N_ELEMENTS (self->overrides); i++)
    g_free (self->overrides[i]);
  g_free (self->access_token);
  g_free (self->refresh_token);
  g_clear_object (&self->user);
  g_clear_pointer (&self->refresh_gate, carrete_refresh_gate_free);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (carrete_client_parent_class)->finalize (object);
}

static void
carrete_client_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CarreteClient *self = CARRETE_CLIENT (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL:
      g_value_set_string (value, self->server_url);
      break;
    case PROP_USER:
      g_value_set_object (value, self->user);
      break;
    case PROP_SIGNED_IN:
      g_value_set_boolean (value, carrete_client_get_signed_in (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
carrete_client_set_property (GObject *object, guint prop_id, const GValue *value,
                             GParamSpec *pspec)
{
  CarreteClient *self = CARRETE_CLIENT (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL:
      self->server_url = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
carrete_client_class_init (CarreteClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = carrete_client_dispose;
  object_class->finalize = carrete_client_finalize;
  object_class->get_property = carrete_client_get_property;
  object_class->set_property = carrete_client_set_property;

  properties[PROP_SERVER_URL] =
    g_param_spec_string ("server-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USER] = g_param_spec_object ("user", NULL, NULL, CARRETE_TYPE_USER, flags);
  properties[PROP_SIGNED_IN] = g_param_spec_boolean ("signed-in", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SESSION_EXPIRED] = g_signal_new ("session-expired", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[TOKENS_CHANGED] = g_signal_new ("tokens-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
carrete_client_init (CarreteClient *self)
{
  /* Timeouts so that a server that stops answering (not just refusing)
   * still ends in an error the app can show. */
  self->session = soup_session_new_with_options ("timeout", 60, "idle-timeout", 60,
                                                 "max-conns-per-host", 8, NULL);
  soup_session_set_user_agent (self->session, "carrete-desktop/" CARRETE_VERSION " ");
  self->refresh_gate = carrete_refresh_gate_new (0);
  self->cancellable = g_cancellable_new ();
}

CarreteClient *
carrete_client_new (const char *server_url)
{
  g_return_val_if_fail (server_url != NULL, NULL);
  return g_object_new (CARRETE_TYPE_CLIENT, "server-url", server_url, NULL);
}

void
carrete_client_set_service_urls (CarreteClient *self, const char *users_url,
                                 const char *photos_url, const char *folders_url)
{
  const char *urls[] = { users_url, photos_url, folders_url };

  g_return_if_fail (CARRETE_IS_CLIENT (self));
  for (gsize i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_free (self->overrides[i]);
      self->overrides[i] = urls[i] != NULL && *urls[i] != '\0' ? g_strdup (urls[i]) : NULL;
    }
}

const char *
carrete_client_get_server_url (CarreteClient *self)
{
  g_return_val_if_fail (CARRETE_IS_CLIENT (self), NULL);
  return self->server_url;
}

const char *
carrete_client_get_service_url (CarreteClient *self, CarreteService service)
{
  g_return_val_if_fail (CARRETE_IS_CLIENT (self), NULL);
  g_return_val_if_fail (service <= CARRETE_SERVICE_FOLDERS, NULL);
  return self->overrides[service] != NULL ? self->overrides[service] : self->server_url;
}

const char *
carrete_client_get_service_url_override (CarreteClient *self, CarreteService service)
{
  g_return_val_if_fail (CARRETE_IS_CLIENT (self), NULL);
  g_return_val_if_fail (service <= CARRETE_SERVICE_FOLDERS, NULL);
  return self->overrides[service];
}

CarreteUser *
carrete_client_get_user (CarreteClient *self)
{
  g_return_val_if_fail (CARRETE_IS_CLIENT (self), NULL);
  return self->user;
}

gboolean
carrete_client_get_signed_in (CarreteClient *self)
{
  g_return_val_if_fail (CARRETE_IS_CLIENT (self), FALSE);
  return self->refresh_token != NULL;
}

const char *
carrete_client_get_refresh_token (CarreteClient *self)
{
  g_return_val_if_fail (CARRETE_IS_CLIENT (self), NULL);
  return self->refresh_token;
}

SoupSession *
_carrete_client_get_session (CarreteClient *self)
{
  return self->session;
}

const char *
_carrete_client_get_access_token (CarreteClient *self)
{
  return self->access_token;
}

char *
_carrete_client_build_url (CarreteClient *self, const char *path_and_query)
{
  CarreteService service = CARRETE_SERVICE_USERS;

  if (!_carrete_client_route_path (path_and_query, &service))
    g_warning ("no service serves %s; asking the users service", path_and_query);
  return _carrete_client_join_url (carrete_client_get_service_url (self, service), path_and_query);
}

/* ---- session state --------------------------------------------------------------------- */

static void
set_user (CarreteClient *self, CarreteUser *user)
{
  if (g_set_object (&self->user, user))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER]);
}

static void
set_tokens (CarreteClient *self, const char *access_token, const char *refresh_token)
{
  gboolean was_signed_in = carrete_client_get_signed_in (self);

  g_free (self->access_token);
  self->access_token = g_strdup (access_token);
  g_free (self->refresh_token);
  self->refresh_token = g_strdup (refresh_token);
  if (was_signed_in != carrete_client_get_signed_in (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNED_IN]);
  g_signal_emit (self, signals[TOKENS_CHANGED], 0);
}

static void
sign_out_locally (CarreteClient *self)
{
  set_user (self, NULL);
  if (self->access_token != NULL || self->refresh_token != NULL)
    set_tokens (self, NULL, NULL);
}

/* {access_token, refresh_token, user?} of login and refresh. */
gboolean
_carrete_client_apply_session (CarreteClient *self, JsonNode *node, GError **error)
{
  JsonObject *object = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *access = object != NULL ? carrete_json_get_string (object, "access_token") : NULL;
  const char *refresh = object != NULL ? carrete_json_get_string (object, "refresh_token") : NULL;
  JsonNode *user_node = object != NULL ? json_object_get_member (object, "user") : NULL;

  if (access == NULL || refresh == NULL)
    {
      g_set_error_literal (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_NOT_CARRETE,
                           "The server's answer to signing in is not Carrete's.");
      return FALSE;
    }
  if (user_node != NULL && JSON_NODE_HOLDS_OBJECT (user_node))
    {
      g_autoptr (CarreteUser) user = carrete_user_new_from_json (json_node_get_object (user_node), error);

      if (user == NULL)
        return FALSE;
      set_user (self, user);
    }
  set_tokens (self, access, refresh);
  return TRUE;
}

/* ---- refresh, shared -------------------------------------------------------------------- */

static JsonNode *
refresh_body (const char *refresh_token)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "refresh_token");
  json_builder_add_string_value (builder, refresh_token);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* A refused refresh token ends the session; a server that is down does not. */
static gboolean
refresh_was_refused (const GError *error)
{
  return g_error_matches (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNAUTHORIZED)
         || g_error_matches (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_INVALID)
         || g_error_matches (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_NOT_FOUND);
}

/* The end of the refresh the gate started; `user_data` is its key, the
 * refresh token sent.  The call's task holds the client until this
 * returns. */
static void
on_refreshed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteClient *self = CARRETE_CLIENT (source);
  g_autofree char *key = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = _carrete_client_call_finish (self, result, &error);

  if (node != NULL && _carrete_client_apply_session (self, node, &error))
    {
      carrete_refresh_gate_answer (self->refresh_gate, key, node, NULL);
      return;
    }
  if (error == NULL)
    error = g_error_new_literal (CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_NOT_CARRETE,
                                 "The server's answer to a token refresh is not Carrete's.");
  if (refresh_was_refused (error))
    {
      g_autoptr (GError) expired =
        g_error_new_literal (CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNAUTHORIZED,
                             "Your session has ended; please sign in again.");

      _carrete_client_error_set_details (expired, carrete_client_error_get_status (error), NULL,
                                         NULL, 0);
      sign_out_locally (self);
      carrete_refresh_gate_answer (self->refresh_gate, key, NULL, expired);
      g_signal_emit (self, signals[SESSION_EXPIRED], 0);
      return;
    }
  carrete_refresh_gate_answer (self->refresh_gate, key, NULL, error);
}

/* Started by the gate for the first caller of a refresh token. */
static void
start_refresh (CarreteRefreshGate *gate, const char *key, gpointer start_data)
{
  CarreteClient *self = start_data;
  g_autoptr (JsonNode) body = refresh_body (key);

  /* Not the caller's cancellable: other callers wait for this refresh. */
  _carrete_client_call_async (self, "POST", "/v1/auth/refresh", body, FALSE, self->cancellable,
                              on_refreshed, g_strdup (key));
}

static void
on_refresh_waited (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  /* The new tokens are already the client's (on_refreshed). */
  if (carrete_refresh_gate_wait_finish (result, NULL, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
_carrete_client_refresh_async (CarreteClient *self, const char *stale_token,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, _carrete_client_refresh_async);
  /* Someone refreshed since the caller's token was refused: use theirs. */
  if (stale_token != NULL && self->access_token != NULL
      && g_strcmp0 (stale_token, self->access_token) != 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (self->refresh_token == NULL)
    {
      g_task_return_new_error (task, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNAUTHORIZED,
                               "You are signed out; please sign in.");
      return;
    }
  carrete_refresh_gate_wait_async (self->refresh_gate, self->refresh_token, start_refresh, self,
                                   cancellable, on_refresh_waited, g_steal_pointer (&task));
}

gboolean
_carrete_client_refresh_finish (CarreteClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- calls whose answer becomes a value -------------------------------------------------- */

typedef struct
{
  CarreteFromJson convert;
  GDestroyNotify free_func;
} Convert;

static void
on_convert_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Convert *convert = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = _carrete_client_call_finish (CARRETE_CLIENT (source), result, &error);
  gpointer value;

  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (convert->convert == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  value = carrete_json_read_model (node, convert->convert, &error);
  if (value == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, value, convert->free_func);
}

void
_carrete_client_call_convert_async (CarreteClient *self, const char *method,
                                    const char *path_and_query, JsonNode *body,
                                    CarreteFromJson convert, GDestroyNotify free_func, gpointer tag,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Convert *data = g_new0 (Convert, 1);

  g_task_set_source_tag (task, tag);
  data->convert = convert;
  data->free_func = free_func;
  g_task_set_task_data (task, data, g_free);
  _carrete_client_call_async (self, method, path_and_query, body, TRUE, cancellable,
                              on_convert_done, task);
}

gpointer
_carrete_client_call_convert_finish (CarreteClient *self, GAsyncResult *result, gpointer tag,
                                     GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tag, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
_carrete_client_call_convert_finish_boolean (CarreteClient *self, GAsyncResult *result,
                                             gpointer tag, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tag, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- session calls ---------------------------------------------------------------------- */

#define USER_FROM_JSON ((CarreteFromJson) carrete_user_new_from_json)

void
carrete_client_register_async (CarreteClient *self, const char *username, const char *email,
                               const char *password, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  GTask *task;
  Convert *data;

  g_return_if_fail (CARRETE_IS_CLIENT (self));
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "email");
  json_builder_add_string_value (builder, email);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, carrete_client_register_async);
  data = g_new0 (Convert, 1);
  data->convert = USER_FROM_JSON;
  data->free_func = g_object_unref;
  g_task_set_task_data (task, data, g_free);
  _carrete_client_call_async (self, "POST", "/v1/auth/register", body, FALSE, cancellable,
                              on_convert_done, task);
}

CarreteUser *
carrete_client_register_finish (CarreteClient *self, GAsyncResult *result, GError **error)
{
  return _carrete_client_call_convert_finish (self, result, carrete_client_register_async, error);
}

static void
on_login_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  CarreteClient *self = CARRETE_CLIENT (source);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = _carrete_client_call_finish (self, result, &error);

  if (error == NULL)
    _carrete_client_apply_session (self, node, &error);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
carrete_client_login_async (CarreteClient *self, const char *username, const char *password,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  GTask *task;

  g_return_if_fail (CARRETE_IS_CLIENT (self));
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, carrete_client_login_async);
  _carrete_client_call_start (self, "POST", "/v1/auth/login", body, FALSE,
                              CARRETE_RESPONSE_LOGIN, cancellable, on_login_done, task,
                              carrete_client_login_async);
}

gboolean
carrete_client_login_finish (CarreteClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_logout_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = _carrete_client_call_finish (CARRETE_CLIENT (source), result, &error);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
carrete_client_logout_async (CarreteClient *self, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (JsonNode) body = NULL;

  g_return_if_fail (CARRETE_IS_CLIENT (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, carrete_client_logout_async);
  if (self->refresh_token == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  /* Forget first: signing out must work with the server down too. */
  body = refresh_body (self->refresh_token);
  sign_out_locally (self);
  _carrete_client_call_async (self, "POST", "/v1/auth/logout", body, FALSE, cancellable,
                              on_logout_done, g_steal_pointer (&task));
}

gboolean
carrete_client_logout_finish (CarreteClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_me_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  CarreteClient *self = CARRETE_CLIENT (source);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = _carrete_client_call_finish (self, result, &error);
  g_autoptr (CarreteUser) user = NULL;

  if (error == NULL)
    user = carrete_json_read_model (node, USER_FROM_JSON, &error);
  if (user == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  set_user (self, user);
  g_task_return_pointer (task, g_steal_pointer (&user), g_object_unref);
}

void
carrete_client_me_async (CarreteClient *self, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;

  g_return_if_fail (CARRETE_IS_CLIENT (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, carrete_client_me_async);
  _carrete_client_call_async (self, "GET", "/v1/users/me", NULL, TRUE, cancellable, on_me_done,
                              task);
}

CarreteUser *
carrete_client_me_finish (CarreteClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_restore_me (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteUser) user = carrete_client_me_finish (CARRETE_CLIENT (source), result, &error);

  if (user == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_restore_refreshed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  CarreteClient *self = CARRETE_CLIENT (source);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = _carrete_client_call_finish (self, result, &error);
  GCancellable *cancellable;

  if (error == NULL)
    _carrete_client_apply_session (self, node, &error);
  if (error != NULL)
    {
      /* Not "session-expired": nobody was signed in yet. */
      if (refresh_was_refused (error))
        g_task_return_new_error (task, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNAUTHORIZED,
                                 "Your saved session has ended; please sign in again.");
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  cancellable = g_task_get_cancellable (task);
  carrete_client_me_async (self, cancellable, on_restore_me, g_steal_pointer (&task));
}

void
carrete_client_restore_async (CarreteClient *self, const char *refresh_token,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr (JsonNode) body = NULL;
  GTask *task;

  g_return_if_fail (CARRETE_IS_CLIENT (self));
  g_return_if_fail (refresh_token != NULL);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, carrete_client_restore_async);
  body = refresh_body (refresh_token);
  _carrete_client_call_async (self, "POST", "/v1/auth/refresh", body, FALSE, cancellable,
                              on_restore_refreshed, task);
}

gboolean
carrete_client_restore_finish (CarreteClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
_carrete_client_set_access_token (CarreteClient *self, const char *access_token)
{
  g_free (self->access_token);
  self->access_token = g_strdup (access_token);
}
