#define G_LOG_DOMAIN "carrete-users-service"

#include "service.h"

#include <sodium.h>
#include <string.h>

#include "carrete-error.h"
#include "tokens.h"

/* State shared by the steps of one operation; it rides on the GTask. */
typedef struct
{
  UsersService *svc;
  GCancellable *cancellable; /* the task's: statements for a caller who hung up stop */
  gint64 id;
  char *username;
  char *email;
  char *password;
  char *current_password;
  char *new_hash;
  char *login_key;
  char *address_key;
  char *refresh_token;
  char *refresh_digest;
  char *old_digest;
  UsersUser *user;
  const char *conflict_field;
  guint retry_after;
  guint limit;
  gint64 user_id;
  char *request_id;
} Op;

static void
op_free (gpointer data)
{
  Op *op = data;

  g_free (op->username);
  g_free (op->email);
  if (op->password != NULL)
    sodium_memzero (op->password, strlen (op->password));
  g_free (op->password);
  if (op->current_password != NULL)
    sodium_memzero (op->current_password, strlen (op->current_password));
  g_free (op->current_password);
  g_free (op->new_hash);
  g_free (op->login_key);
  g_free (op->address_key);
  g_free (op->refresh_token);
  g_free (op->refresh_digest);
  g_free (op->old_digest);
  g_free (op->request_id);
  users_user_free (op->user);
  g_free (op);
}

static GTask *
op_task (UsersService *svc, gpointer tag, GCancellable *cancellable, GAsyncReadyCallback callback,
         gpointer user_data, Op **op_out)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Op *op = g_new0 (Op, 1);

  op->svc = svc;
  op->cancellable = cancellable;
  g_task_set_task_data (task, op, op_free);
  g_task_set_source_tag (task, tag);
  *op_out = op;
  return task;
}

static Op *
task_op (GTask *task)
{
  return g_task_get_task_data (task);
}

/* Fire-and-forget statements (throttling bookkeeping, rehash) log their
 * failure instead of failing the request that triggered them. */
static void
log_if_failed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  UsersService *svc = user_data;
  g_autoptr (GError) error = NULL;

  if (users_store_count_finish (svc->store, result, &error) < 0)
    g_warning ("background statement failed: %s", error->message);
}

/* ---- register ------------------------------------------------------------ */

static void
register_inserted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Op *op = task_op (task);
  g_autoptr (GError) error = NULL;
  UsersUser *user = users_store_user_finish (op->svc->store, result, &error);
  const char *constraint = carrete_db_error_get_constraint (error);

  if (user != NULL)
    g_task_return_pointer (task, user, (GDestroyNotify) users_user_free);
  else if (g_strcmp0 (constraint, "users_username_key") == 0)
    {
      op->conflict_field = "username";
      g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_CONFLICT,
                               "That username is already taken.");
    }
  else if (g_strcmp0 (constraint, "users_email_key") == 0)
    {
      op->conflict_field = "email";
      g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_CONFLICT,
                               "An account with that email already exists.");
    }
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
register_hashed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Op *op = task_op (task);
  GError *error = NULL;
  g_autofree char *hash = users_password_hash_finish (result, &error);

  if (hash == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  users_store_insert_user (op->svc->store, op->username, op->email, hash, op->cancellable,
                           register_inserted, g_steal_pointer (&task));
}

void
users_service_register_async (UsersService *svc, const char *username, const char *email,
                              const char *password, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op;
  GTask *task = op_task (svc, users_service_register_async, cancellable, callback, user_data, &op);

  op->username = g_strdup (username);
  op->email = g_strdup (email);
  users_password_hash_async (svc->workers, password, &svc->hash_params, register_hashed, task);
}

UsersUser *
users_service_register_finish (GAsyncResult *result, const char **conflict_field,
                               GError **error)
{
  *conflict_field = task_op (G_TASK (result))->conflict_field;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- sessions: issuing a pair ------------------------------------------- */

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

static void
return_session (GTask *task, Op *op)
{
  GError *error = NULL;
  UsersSession *session = session_new (op->svc, op->user, op->refresh_token, &error);

  if (session == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  op->user = NULL;
  op->refresh_token = NULL;
  g_task_return_pointer (task, session, (GDestroyNotify) users_session_free);
}

/* ---- login ---------------------------------------------------------------- */

static void
login_refresh_stored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Op *op = task_op (task);
  GError *error = NULL;

  if (users_store_count_finish (op->svc->store, result, &error) < 0)
    {
      g_task_return_error (task, error);
      return;
    }
  return_session (task, op);
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
  g_autofree char *hash = users_password_hash_finish (result, &error);

  if (hash == NULL)
    g_warning ("could not rehash a password: %s", error->message);
  else
    users_store_set_password_hash (rehash->svc->store, rehash->user_id, hash, NULL, log_if_failed,
                                   rehash->svc);
}

static void
login_succeeded (GTask *task, Op *op, gboolean needs_rehash)
{
  users_store_login_forget (op->svc->store, op->login_key, NULL, log_if_failed, op->svc);
  users_store_login_refund (op->svc->store, op->address_key, NULL, log_if_failed, op->svc);
  /* Parameters changed since this hash was made: upgrade it in the
   * background, as the password is at hand only now. */
  if (needs_rehash)
    {
      Rehash *rehash = g_new0 (Rehash, 1);
      rehash->svc = op->svc;
      rehash->user_id = op->user->id;
      users_password_hash_async (op->svc->workers, op->password, &op->svc->hash_params,
                                 login_rehashed, rehash);
    }
  op->refresh_token = users_refresh_token_new ();
  op->refresh_digest = users_refresh_token_digest (op->refresh_token);
  users_store_insert_refresh (op->svc->store, op->refresh_digest, op->user->id,
                              op->svc->refresh_ttl, op->cancellable, login_refresh_stored,
                              g_object_ref (task));
}

/* The attempt was counted but never judged (database or hash pool
 * trouble): give it back, so that an outage does not lock users out. */
static void
login_fail_unjudged (GTask *task, Op *op, GError *error)
{
  users_store_login_refund (op->svc->store, op->login_key, NULL, log_if_failed, op->svc);
  users_store_login_refund (op->svc->store, op->address_key, NULL, log_if_failed, op->svc);
  g_task_return_error (task, error);
}

static void
login_verified (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Op *op = task_op (task);
  GError *error = NULL;
  gboolean needs_rehash = FALSE;
  gboolean matched = users_password_verify_finish (result, &needs_rehash, &error);

  if (error != NULL)
    {
      login_fail_unjudged (task, op, error);
      return;
    }
  if (!matched || op->user == NULL)
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
  Op *op = task_op (task);
  GError *error = NULL;

  op->user = users_store_user_finish (op->svc->store, result, &error);
  if (op->user == NULL && !g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND))
    {
      login_fail_unjudged (task, op, error);
      return;
    }
  g_clear_error (&error);
  /* An unknown user still costs one hash verification (against a dummy),
   * so timing does not tell which logins exist. */
  users_password_verify_async (op->svc->workers, op->user != NULL ? op->user->password_hash : NULL,
                               op->password, &op->svc->hash_params, login_verified,
                               g_steal_pointer (&task));
}

static void
login_counted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Op *op = task_op (task);
  GError *error = NULL;
  UsersLoginAttempts attempts;

  if (!users_store_login_attempt_finish (op->svc->store, result, &attempts, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (attempts.for_login > op->svc->login_max_failures
      || attempts.for_address > op->svc->address_max_failures)
    {
      op->retry_after = attempts.for_login > op->svc->login_max_failures
                            ? attempts.login_retry_after
                            : attempts.address_retry_after;
      g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_RATE_LIMITED,
                               "Too many failed logins; try again in %u seconds.",
                               op->retry_after);
      return;
    }
  users_store_find_by_login (op->svc->store, op->username, op->cancellable, login_found,
                             g_steal_pointer (&task));
}

void
users_service_login_async (UsersService *svc, const char *login, const char *password,
                           const char *client_address, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op;
  GTask *task = op_task (svc, users_service_login_async, cancellable, callback, user_data, &op);
  g_autofree char *folded = g_utf8_casefold (login, -1);

  op->username = g_strdup (login);
  op->password = g_strdup (password);
  op->login_key = g_strdup_printf ("login|%s|%s", folded, client_address);
  op->address_key = g_strdup_printf ("address|%s", client_address);
  users_store_login_attempt (svc->store, op->login_key, op->address_key, svc->login_window,
                             svc->login_max_failures, svc->address_max_failures, op->cancellable,
                             login_counted, task);
}

UsersSession *
users_service_login_finish (GAsyncResult *result, guint *retry_after, GError **error)
{
  Op *op = task_op (G_TASK (result));

  if (retry_after != NULL)
    *retry_after = op->retry_after;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- refresh ------------------------------------------------------------ */

static void
refresh_family_revoked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Op *op = task_op (task);
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
  Op *op = task_op (task);
  GError *error = NULL;

  op->user = users_store_user_finish (op->svc->store, result, &error);
  if (op->user != NULL)
    {
      return_session (task, op);
      return;
    }
  if (!g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND))
    {
      g_task_return_error (task, error);
      return;
    }
  g_error_free (error);
  /* Unknown, spent or expired: if it was spent, someone replays a stolen
   * token, so the whole family goes. */
  users_store_revoke_family (op->svc->store, op->old_digest, NULL, refresh_family_revoked,
                             g_steal_pointer (&task));
}

void
users_service_refresh_async (UsersService *svc, const char *refresh_token,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  Op *op;
  g_autoptr (GTask) task
      = op_task (svc, users_service_refresh_async, cancellable, callback, user_data, &op);

  if (!users_refresh_token_is_well_formed (refresh_token))
    {
      g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_UNAUTHORIZED,
                               "The refresh token is no longer valid; sign in again.");
      return;
    }
  op->old_digest = users_refresh_token_digest (refresh_token);
  op->refresh_token = users_refresh_token_new ();
  op->refresh_digest = users_refresh_token_digest (op->refresh_token);
  users_store_rotate_refresh (svc->store, op->old_digest, op->refresh_digest, svc->refresh_ttl,
                              op->cancellable, refresh_rotated, g_steal_pointer (&task));
}

UsersSession *
users_service_refresh_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- logout --------------------------------------------------------------- */

static void
logout_revoked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Op *op = task_op (task);
  GError *error = NULL;

  if (users_store_count_finish (op->svc->store, result, &error) < 0)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
users_service_logout_async (UsersService *svc, const char *refresh_token,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op;
  g_autoptr (GTask) task
      = op_task (svc, users_service_logout_async, NULL, callback, user_data, &op);
  g_autofree char *digest = NULL;

  /* Logging out with an unknown token is not an error: the session is gone
   * either way, and the answer reveals nothing. */
  if (!users_refresh_token_is_well_formed (refresh_token))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  digest = users_refresh_token_digest (refresh_token);
  users_store_revoke_family (svc->store, digest, NULL, logout_revoked, g_steal_pointer (&task));
}

gboolean
users_service_logout_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- one user -------------------------------------------------------------- */

static void
user_found (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Op *op = task_op (task);
  GError *error = NULL;
  UsersUser *user = users_store_user_finish (op->svc->store, result, &error);

  if (user == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, user, (GDestroyNotify) users_user_free);
}

void
users_service_get_async (UsersService *svc, gint64 id, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op;
  GTask *task = op_task (svc, users_service_get_async, cancellable, callback, user_data, &op);

  users_store_find_by_id (svc->store, id, op->cancellable, user_found, task);
}

UsersUser *
users_service_get_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- update ---------------------------------------------------------------- */

static void
update_stored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Op *op = task_op (task);
  g_autoptr (GError) error = NULL;
  UsersUser *user = users_store_user_finish (op->svc->store, result, &error);

  if (user != NULL)
    g_task_return_pointer (task, user, (GDestroyNotify) users_user_free);
  else if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_CONFLICT))
    g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_CONFLICT,
                             "An account with that email already exists.");
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
update_new_hash_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Op *op = task_op (task);
  GError *error = NULL;

  op->new_hash = users_password_hash_finish (result, &error);
  if (op->new_hash == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  users_store_update_account (op->svc->store, op->id, op->email, op->new_hash, op->cancellable,
                              update_stored, g_steal_pointer (&task));
}

static void
update_current_verified (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Op *op = task_op (task);
  GError *error = NULL;
  gboolean matched = users_password_verify_finish (result, NULL, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else if (!matched)
    g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_FORBIDDEN,
                             "The current password is wrong.");
  else
    users_password_hash_async (op->svc->workers, op->password, &op->svc->hash_params,
                               update_new_hash_ready, g_steal_pointer (&task));
}

static void
update_user_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Op *op = task_op (task);
  GError *error = NULL;

  op->user = users_store_user_finish (op->svc->store, result, &error);
  if (op->user == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  users_password_verify_async (op->svc->workers, op->user->password_hash, op->current_password,
                               &op->svc->hash_params, update_current_verified,
                               g_steal_pointer (&task));
}

void
users_service_update_async (UsersService *svc, gint64 id, const char *email, const char *password,
                            const char *current_password, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op;
  GTask *task = op_task (svc, users_service_update_async, cancellable, callback, user_data, &op);

  op->id = id;
  op->email = g_strdup (email);
  op->password = g_strdup (password);
  op->current_password = g_strdup (current_password);
  if (password != NULL)
    users_store_find_by_id (svc->store, id, op->cancellable, update_user_loaded, task);
  else
    users_store_update_account (svc->store, id, email, NULL, op->cancellable, update_stored, task);
}

UsersUser *
users_service_update_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- delete ----------------------------------------------------------------- */

static void
delete_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Op *op = task_op (task);
  GError *error = NULL;
  gint64 deleted = users_store_count_finish (op->svc->store, result, &error);

  if (deleted < 0)
    g_task_return_error (task, error);
  else if (deleted == 0)
    g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND, "No such user.");
  else
    g_task_return_boolean (task, TRUE);
}

/* The row goes last, once nothing of the user is left elsewhere. */
static void
delete_cascaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Op *op = task_op (task);
  GError *error = NULL;

  if (!users_cascade_delete_finish (result, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  users_store_delete_user (op->svc->store, op->user_id, NULL, delete_done, task);
}

static void
delete_found (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Op *op = task_op (task);
  GError *error = NULL;
  g_autoptr (UsersUser) user = users_store_user_finish (op->svc->store, result, &error);

  if (user == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  users_cascade_delete_async (op->svc->cascade, op->user_id, op->request_id, delete_cascaded, task);
}

void
users_service_delete_async (UsersService *svc, gint64 id, const char *request_id,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op;
  GTask *task = op_task (svc, users_service_delete_async, NULL, callback, user_data, &op);

  op->user_id = id;
  op->request_id = g_strdup (request_id);
  if (svc->cascade == NULL)
    users_store_delete_user (svc->store, id, NULL, delete_done, task);
  else
    users_store_find_by_id (svc->store, id, NULL, delete_found, task);
}

gboolean
users_service_delete_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- list -------------------------------------------------------------------- */

typedef struct
{
  GPtrArray *users;
  char *next_cursor;
} Page;

static void
page_free (gpointer data)
{
  Page *page = data;
  g_clear_pointer (&page->users, g_ptr_array_unref);
  g_free (page->next_cursor);
  g_free (page);
}

static void
list_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Op *op = task_op (task);
  GError *error = NULL;
  GPtrArray *users = users_store_users_finish (op->svc->store, result, &error);
  Page *page;

  if (users == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  page = g_new0 (Page, 1);
  /* One extra row was asked for: its presence means there is a next page. */
  if (users->len > op->limit)
    {
      UsersUser *last;
      g_autofree char *last_id = NULL;

      g_ptr_array_set_size (users, op->limit);
      last = g_ptr_array_index (users, users->len - 1);
      last_id = g_strdup_printf ("%" G_GINT64_FORMAT, last->id);
      page->next_cursor = carrete_cursor_encode (op->svc->cursors,
                                                 (const char *const[]) { "users", last_id, NULL });
    }
  page->users = users;
  g_task_return_pointer (task, page, page_free);
}

void
users_service_list_async (UsersService *svc, const char *cursor, guint limit,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  Op *op;
  g_autoptr (GTask) task
      = op_task (svc, users_service_list_async, cancellable, callback, user_data, &op);
  gint64 after = 0;

  if (cursor != NULL)
    {
      GError *error = NULL;
      g_auto (GStrv) fields = carrete_cursor_decode (svc->cursors, cursor, 2, &error);

      if (fields == NULL || !g_str_equal (fields[0], "users")
          || !g_ascii_string_to_signed (fields[1], 10, 0, G_MAXINT64, &after, NULL))
        {
          g_clear_error (&error);
          g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_BAD_REQUEST,
                                   "cursor is not one this service issued");
          return;
        }
    }
  op->limit = limit;
  users_store_list_users (svc->store, after, limit + 1, op->cancellable, list_loaded,
                          g_steal_pointer (&task));
}

GPtrArray *
users_service_list_finish (GAsyncResult *result, char **next_cursor, GError **error)
{
  Page *page = g_task_propagate_pointer (G_TASK (result), error);
  GPtrArray *users;

  if (page == NULL)
    return NULL;
  users = g_steal_pointer (&page->users);
  *next_cursor = g_steal_pointer (&page->next_cursor);
  page_free (page);
  return users;
}

void
users_service_cleanup (UsersService *svc)
{
  users_store_cleanup (svc->store, NULL, log_if_failed, svc);
}
