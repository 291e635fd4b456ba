#define G_LOG_DOMAIN "carrete-users-service"

/* Accounts: registration, reading, changing, deleting and listing them.
 * Sessions are in service-session.c.  Each operation has its own state
 * struct riding on its GTask (carrete_op_new). */

#include "service-private.h"

#include "carrete-error.h"
#include "carrete-keys.h"
#include "carrete-page.h"

void
users_service_log_if_failed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  UsersService *svc = user_data;
  g_autoptr (GError) error = NULL;

  if (users_store_count_finish (svc->store, result, &error) < 0)
    g_warning ("background statement failed: %s", error->message);
}

/* ---- register ------------------------------------------------------------ */

typedef struct
{
  UsersService *svc;
  GCancellable *cancellable; /* the task's */
  char *username;
  char *email;
  const char *conflict_field;
} RegisterOp;

static void
register_op_free (gpointer data)
{
  RegisterOp *op = data;

  g_free (op->username);
  g_free (op->email);
  g_free (op);
}

static void
register_inserted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RegisterOp *op = g_task_get_task_data (task);
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
  RegisterOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  g_autofree char *hash = carrete_password_hash_finish (result, &error);

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
  RegisterOp *op = g_new0 (RegisterOp, 1);
  GTask *task = carrete_op_new (op, register_op_free, users_service_register_async, cancellable,
                                callback, user_data);

  op->svc = svc;
  op->cancellable = cancellable;
  op->username = g_strdup (username);
  op->email = g_strdup (email);
  carrete_password_hash_async (svc->workers, password, &svc->hash_params, register_hashed, task);
}

UsersUser *
users_service_register_finish (GAsyncResult *result, const char **conflict_field,
                               GError **error)
{
  RegisterOp *op = g_task_get_task_data (G_TASK (result));

  *conflict_field = op->conflict_field;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- one user -------------------------------------------------------------- */

/* Any step that ends with the user row: the task's data is the service. */
static void
return_user (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  UsersService *svc = g_task_get_task_data (task);
  GError *error = NULL;
  UsersUser *user = users_store_user_finish (svc->store, result, &error);

  if (user == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, user, (GDestroyNotify) users_user_free);
}

void
users_service_get_async (UsersService *svc, gint64 id, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task
      = carrete_op_new (svc, NULL, users_service_get_async, cancellable, callback, user_data);

  users_store_find_by_id (svc->store, id, cancellable, return_user, task);
}

void
users_service_find_username_async (UsersService *svc, const char *username,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  GTask *task = carrete_op_new (svc, NULL, users_service_find_username_async, cancellable, callback,
                                user_data);

  users_store_find_by_username (svc->store, username, cancellable, return_user, task);
}

UsersUser *
users_service_get_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- update ---------------------------------------------------------------- */

typedef struct
{
  UsersService *svc;
  GCancellable *cancellable; /* the task's */
  gint64 id;
  char *email;
  char *password;         /* wiped when freed */
  char *current_password; /* wiped when freed */
  char *new_hash;
  UsersUser *user;
  char *account_key; /* the throttle's counters, as login's (service-session.c) */
  char *address_key;
  guint retry_after;
} UpdateOp;

static void
update_op_free (gpointer data)
{
  UpdateOp *op = data;

  g_free (op->email);
  carrete_secret_free (op->password);
  carrete_secret_free (op->current_password);
  g_free (op->new_hash);
  users_user_free (op->user);
  g_free (op->account_key);
  g_free (op->address_key);
  g_free (op);
}

static void
update_stored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  UpdateOp *op = g_task_get_task_data (task);
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
  UpdateOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  op->new_hash = carrete_password_hash_finish (result, &error);
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
  UpdateOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean matched = carrete_password_verify_finish (result, NULL, &error);
  UsersStore *store = op->svc->store;

  if (error != NULL)
    {
      /* Never judged: not a failure to count against the account. */
      carrete_throttle_unjudged (users_store_get_db (store), op->account_key, op->address_key,
                                 users_service_log_if_failed, op->svc);
      g_task_return_error (task, error);
    }
  else if (!matched)
    g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_FORBIDDEN,
                             "The current password is wrong.");
  else
    {
      carrete_throttle_succeeded (users_store_get_db (store), op->account_key, op->address_key,
                                  users_service_log_if_failed, op->svc);
      carrete_password_hash_async (op->svc->workers, op->password, &op->svc->hash_params,
                                   update_new_hash_ready, g_steal_pointer (&task));
    }
}

static void
update_user_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  UpdateOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  op->user = users_store_user_finish (op->svc->store, result, &error);
  if (op->user == NULL)
    {
      carrete_throttle_unjudged (users_store_get_db (op->svc->store), op->account_key,
                                 op->address_key, users_service_log_if_failed, op->svc);
      g_task_return_error (task, error);
      return;
    }
  carrete_password_verify_async (op->svc->workers, op->user->password_hash, op->current_password,
                                 &op->svc->hash_params, update_current_verified,
                                 g_steal_pointer (&task));
}

gboolean
users_service_attempt_counted (UsersService *svc, GAsyncResult *result, const char *what,
                               guint *retry_after, GError **error)
{
  return carrete_throttle_count_finish (users_store_get_db (svc->store), &svc->throttle, result,
                                        what, retry_after, error);
}

/* A current password is guessed no more freely than a login: each check
 * is counted first, against the account (whatever the address: the caller
 * holds a token, not the password) and against the address, with login's
 * window and limits; over them, 429 with Retry-After. */
static void
update_counted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  UpdateOp *op = g_task_get_task_data (task);
  UsersService *svc = op->svc;
  GError *error = NULL;

  if (!users_service_attempt_counted (svc, result, "wrong passwords", &op->retry_after, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  users_store_find_by_id (svc->store, op->id, op->cancellable, update_user_loaded,
                          g_steal_pointer (&task));
}

void
users_service_update_async (UsersService *svc, gint64 id, const char *email, const char *password,
                            const char *current_password, const char *client_address,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data)
{
  UpdateOp *op = g_new0 (UpdateOp, 1);
  GTask *task = carrete_op_new (op, update_op_free, users_service_update_async, cancellable,
                                callback, user_data);

  op->svc = svc;
  op->cancellable = cancellable;
  op->id = id;
  op->email = g_strdup (email);
  op->password = g_strdup (password);
  op->current_password = g_strdup (current_password);
  if (password != NULL)
    {
      op->account_key = g_strdup_printf ("password|%" G_GINT64_FORMAT, id);
      op->address_key = g_strdup_printf ("address|%s", client_address);
      carrete_throttle_count (users_store_get_db (svc->store), &svc->throttle, op->account_key,
                              op->address_key, cancellable, update_counted, task);
    }
  else
    users_store_update_account (svc->store, id, email, NULL, cancellable, update_stored, task);
}

UsersUser *
users_service_update_finish (GAsyncResult *result, guint *retry_after, GError **error)
{
  UpdateOp *op = g_task_get_task_data (G_TASK (result));

  if (retry_after != NULL)
    *retry_after = op->retry_after;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- delete ----------------------------------------------------------------- */

typedef struct
{
  UsersService *svc;
  gint64 user_id;
  char *request_id;
} DeleteOp;

static void
delete_op_free (gpointer data)
{
  DeleteOp *op = data;

  g_free (op->request_id);
  g_free (op);
}

static void
delete_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  DeleteOp *op = g_task_get_task_data (task);
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
  g_autoptr (GTask) task = user_data;
  DeleteOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (!users_cascade_delete_finish (result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  users_store_delete_user (op->svc->store, op->user_id, NULL, delete_done, g_steal_pointer (&task));
}

static void
delete_found (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  DeleteOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (UsersUser) user = users_store_user_finish (op->svc->store, result, &error);

  if (user == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  users_cascade_delete_async (op->svc->cascade, op->user_id, op->request_id, delete_cascaded,
                              g_steal_pointer (&task));
}

/* Not cancellable: a deletion that has begun is finished, never left half
 * done because the client hung up. */
void
users_service_delete_async (UsersService *svc, gint64 id, const char *request_id,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  DeleteOp *op = g_new0 (DeleteOp, 1);
  GTask *task
      = carrete_op_new (op, delete_op_free, users_service_delete_async, NULL, callback, user_data);

  op->svc = svc;
  op->user_id = id;
  op->request_id = g_strdup (request_id);
  if (svc->cascade == NULL)
    users_store_delete_user (svc->store, id, NULL, delete_done, task);
  else
    users_store_find_by_id (svc->store, id, NULL, delete_found, task);
}

/* ---- list -------------------------------------------------------------------- */

typedef struct
{
  UsersService *svc;
  guint limit;
} ListOp;

static char *
cursor_after (gconstpointer last, gpointer data)
{
  const UsersUser *user = last;
  ListOp *op = data;
  g_autofree char *last_id = g_strdup_printf ("%" G_GINT64_FORMAT, user->id);

  return carrete_cursor_encode (op->svc->cursors, (const char *const[]) { "users", last_id, NULL });
}

static void
list_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ListOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  GPtrArray *users = users_store_users_finish (op->svc->store, result, &error);

  if (users == NULL)
    g_task_return_error (task, error);
  else
    carrete_page_return (task, users, op->limit, cursor_after, op);
}

void
users_service_list_async (UsersService *svc, const char *cursor, guint limit,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  ListOp *op = g_new0 (ListOp, 1);
  g_autoptr (GTask) task
      = carrete_op_new (op, g_free, users_service_list_async, cancellable, callback, user_data);
  gint64 after = 0;

  op->svc = svc;
  op->limit = limit;
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
  users_store_list_users (svc->store, after, limit + 1, cancellable, list_loaded,
                          g_steal_pointer (&task));
}

GPtrArray *
users_service_list_finish (GAsyncResult *result, char **next_cursor, GError **error)
{
  return carrete_page_propagate (result, next_cursor, error);
}

void
users_service_cleanup (UsersService *svc)
{
  users_store_cleanup (svc->store, NULL, users_service_log_if_failed, svc);
  carrete_throttle_cleanup (users_store_get_db (svc->store), NULL, users_service_log_if_failed,
                            svc);
}
