#define G_LOG_DOMAIN "carrete-users-service"

/* Sessions: login (throttled), refresh-token rotation with re-use
 * detection, and logout.  Each operation has its own state struct riding on
 * its GTask (carrete_op_new). */

#include "service-private.h"

#include "carrete-error.h"
#include "carrete-keys.h"
#include "carrete-token.h"

/* ---- issuing a pair ----------------------------------------------------- */

static UsersSession *
session_new (UsersService *svc, UsersUser *user, char *refresh_token, GError **error)
{
  g_autofree char *sub = carrete_ids_encode (svc->ids, CARRETE_ID_USER, user->id);
  char *access = carrete_jwt_sign (svc->jwt, sub, user->role, g_get_real_time () / G_USEC_PER_SEC,
                                   svc->access_ttl, error);
  UsersSession *session;

  if (access == NULL)
    return NULL;
  session = g_new0 (UsersSession, 1);
  session->access_token = access;
  session->expires_in = svc->access_ttl;
  session->refresh_token = refresh_token;
  session->refresh_expires_in = svc->refresh_ttl;
  session->user = user;
  return session;
}

/* What a login or a refresh hands out: a new refresh token and, once it
 * is known, the user. */
typedef struct
{
  UsersUser *user;
  char *refresh_token; /* wiped when freed */
} Grant;

/* Makes the grant's refresh token; returns its digest, which is all the
 * database keeps of it. */
static char *
grant_new_token (Grant *grant)
{
  grant->refresh_token = carrete_token_new ();
  return carrete_token_digest (grant->refresh_token);
}

static void
grant_clear (Grant *grant)
{
  users_user_free (grant->user);
  carrete_secret_free (grant->refresh_token);
}

/* Returns a session made of the grant's user and token, which it takes. */
static void
return_session (GTask *task, UsersService *svc, Grant *grant)
{
  GError *error = NULL;
  UsersSession *session = session_new (svc, grant->user, grant->refresh_token, &error);

  if (session == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  grant->user = NULL;
  grant->refresh_token = NULL;
  g_task_return_pointer (task, session, (GDestroyNotify) users_session_free);
}

/* ---- login ---------------------------------------------------------------- */

typedef struct
{
  UsersService *svc;
  GCancellable *cancellable; /* the task's */
  char *login;
  char *password; /* wiped when freed */
  char *login_key;
  char *address_key;
  Grant grant;
  guint retry_after;
} LoginOp;

static void
login_op_free (gpointer data)
{
  LoginOp *op = data;

  g_free (op->login);
  carrete_secret_free (op->password);
  g_free (op->login_key);
  g_free (op->address_key);
  grant_clear (&op->grant);
  g_free (op);
}

static void
login_refresh_stored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  LoginOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (users_store_count_finish (op->svc->store, result, &error) < 0)
    {
      g_task_return_error (task, error);
      return;
    }
  return_session (task, op->svc, &op->grant);
}

/* A background upgrade of one user's hash. */
typedef struct
{
  UsersService *svc;
  gint64 user_id;
} Rehash;

static void
login_rehashed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree Rehash *rehash = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *hash = carrete_password_hash_finish (result, &error);

  if (hash == NULL)
    g_warning ("could not rehash a password: %s", error->message);
  else
    users_store_set_password_hash (rehash->svc->store, rehash->user_id, hash, NULL,
                                   users_service_log_if_failed, rehash->svc);
}

static void
login_succeeded (GTask *task, LoginOp *op, gboolean needs_rehash)
{
  UsersService *svc = op->svc;
  g_autofree char *digest = NULL;

  /* Bookkeeping is not cancelled: the success is counted whatever happens
   * to the answer. */
  carrete_throttle_succeeded (users_store_get_db (svc->store), op->login_key, op->address_key,
                              users_service_log_if_failed, svc);
  /* Parameters changed since this hash was made: upgrade it in the
   * background, as the password is at hand only now. */
  if (needs_rehash)
    {
      Rehash *rehash = g_new0 (Rehash, 1);
      rehash->svc = svc;
      rehash->user_id = op->grant.user->id;
      carrete_password_hash_async (svc->workers, op->password, &svc->hash_params, login_rehashed,
                                   rehash);
    }
  digest = grant_new_token (&op->grant);
  users_store_insert_refresh (svc->store, digest, op->grant.user->id, svc->refresh_ttl,
                              op->cancellable, login_refresh_stored, g_object_ref (task));
}

/* The attempt was counted but never judged (database or hash pool
 * trouble, or a client that hung up): give it back, so that an outage does
 * not lock users out. */
static void
login_fail_unjudged (GTask *task, LoginOp *op, GError *error)
{
  carrete_throttle_unjudged (users_store_get_db (op->svc->store), op->login_key, op->address_key,
                             users_service_log_if_failed, op->svc);
  g_task_return_error (task, error);
}

static void
login_verified (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  LoginOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean needs_rehash = FALSE;
  gboolean matched = carrete_password_verify_finish (result, &needs_rehash, &error);

  if (error != NULL)
    {
      login_fail_unjudged (task, op, error);
      return;
    }
  if (!matched || op->grant.user == NULL)
    {
      /* Already counted before the check. */
      g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_UNAUTHORIZED,
                               "Wrong username or password.");
      return;
    }
  login_succeeded (task, op, needs_rehash);
}

static void
login_found (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  LoginOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  op->grant.user = users_store_user_finish (op->svc->store, result, &error);
  if (op->grant.user == NULL && !g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND))
    {
      login_fail_unjudged (task, op, error);
      return;
    }
  g_clear_error (&error);
  /* An unknown user still costs one hash verification (against a dummy),
   * so timing does not tell which logins exist. */
  carrete_password_verify_async (
      op->svc->workers, op->grant.user != NULL ? op->grant.user->password_hash : NULL, op->password,
      &op->svc->hash_params, login_verified, g_steal_pointer (&task));
}

static void
login_counted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  LoginOp *op = g_task_get_task_data (task);
  UsersService *svc = op->svc;
  GError *error = NULL;

  if (!users_service_attempt_counted (svc, result, "failed logins", &op->retry_after, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  users_store_find_by_login (svc->store, op->login, op->cancellable, login_found,
                             g_steal_pointer (&task));
}

void
users_service_login_async (UsersService *svc, const char *login, const char *password,
                           const char *client_address, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  LoginOp *op = g_new0 (LoginOp, 1);
  GTask *task = carrete_op_new (op, login_op_free, users_service_login_async, cancellable,
                                callback, user_data);
  g_autofree char *folded = g_utf8_casefold (login, -1);

  op->svc = svc;
  op->cancellable = cancellable;
  op->login = g_strdup (login);
  op->password = g_strdup (password);
  op->login_key = g_strdup_printf ("login|%s|%s", folded, client_address);
  op->address_key = g_strdup_printf ("address|%s", client_address);
  carrete_throttle_count (users_store_get_db (svc->store), &svc->throttle, op->login_key,
                          op->address_key, cancellable, login_counted, task);
}

UsersSession *
users_service_login_finish (GAsyncResult *result, guint *retry_after, GError **error)
{
  LoginOp *op = g_task_get_task_data (G_TASK (result));

  if (retry_after != NULL)
    *retry_after = op->retry_after;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- a session for a user signed in otherwise (OpenID Connect) ---------- */

typedef struct
{
  UsersService *svc;
  Grant grant;
} OpenOp;

static void
open_op_free (gpointer data)
{
  OpenOp *op = data;

  grant_clear (&op->grant);
  g_free (op);
}

static void
open_refresh_stored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  OpenOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (users_store_count_finish (op->svc->store, result, &error) < 0)
    g_task_return_error (task, error);
  else
    return_session (task, op->svc, &op->grant);
}

void
users_service_open_session_async (UsersService *svc, UsersUser *user, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  OpenOp *op = g_new0 (OpenOp, 1);
  GTask *task = carrete_op_new (op, open_op_free, users_service_open_session_async, cancellable,
                                callback, user_data);
  g_autofree char *digest = NULL;

  op->svc = svc;
  op->grant.user = user;
  digest = grant_new_token (&op->grant);
  users_store_insert_refresh (svc->store, digest, user->id, svc->refresh_ttl, cancellable,
                              open_refresh_stored, task);
}

UsersSession *
users_service_open_session_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- refresh ------------------------------------------------------------ */

typedef struct
{
  UsersService *svc;
  char *old_digest;
  Grant grant;
} RefreshOp;

static void
refresh_op_free (gpointer data)
{
  RefreshOp *op = data;

  g_free (op->old_digest);
  grant_clear (&op->grant);
  g_free (op);
}

static void
refresh_family_revoked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RefreshOp *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  gint64 revoked = users_store_count_finish (op->svc->store, result, &error);

  if (revoked > 0)
    g_message ("a spent or expired refresh token was presented; its session was revoked");
  g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_UNAUTHORIZED,
                           "The refresh token is no longer valid; sign in again.");
}

static void
refresh_rotated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RefreshOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  op->grant.user = users_store_user_finish (op->svc->store, result, &error);
  if (op->grant.user != NULL)
    {
      return_session (task, op->svc, &op->grant);
      return;
    }
  if (!g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND))
    {
      g_task_return_error (task, error);
      return;
    }
  g_error_free (error);
  /* Unknown, spent or expired: if it was spent, someone replays a stolen
   * token, so the whole family goes, whether or not the client waits. */
  users_store_revoke_family (op->svc->store, op->old_digest, NULL, refresh_family_revoked,
                             g_steal_pointer (&task));
}

void
users_service_refresh_async (UsersService *svc, const char *refresh_token,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  RefreshOp *op = g_new0 (RefreshOp, 1);
  g_autoptr (GTask) task = carrete_op_new (op, refresh_op_free, users_service_refresh_async,
                                           cancellable, callback, user_data);
  g_autofree char *digest = NULL;

  op->svc = svc;
  if (!carrete_token_is_well_formed (refresh_token))
    {
      g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_UNAUTHORIZED,
                               "The refresh token is no longer valid; sign in again.");
      return;
    }
  op->old_digest = carrete_token_digest (refresh_token);
  digest = grant_new_token (&op->grant);
  /* Cancelled, the rotation does not happen and the client keeps its
   * session: better than rotating to a token nobody received. */
  users_store_rotate_refresh (svc->store, op->old_digest, digest, svc->refresh_ttl, cancellable,
                              refresh_rotated, g_steal_pointer (&task));
}

UsersSession *
users_service_refresh_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- logout --------------------------------------------------------------- */

/* Not cancellable: a logout the client asked for happens even if it does
 * not wait for the answer.  It has no state. */
void
users_service_logout_async (UsersService *svc, const char *refresh_token,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task
      = carrete_op_new (NULL, NULL, users_service_logout_async, NULL, callback, user_data);
  g_autofree char *digest = NULL;

  /* Logging out with an unknown token is not an error: the session is gone
   * either way, and the answer reveals nothing. */
  if (!carrete_token_is_well_formed (refresh_token))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  digest = carrete_token_digest (refresh_token);
  users_store_revoke_family (svc->store, digest, NULL, carrete_db_answer_done,
                             g_steal_pointer (&task));
}
