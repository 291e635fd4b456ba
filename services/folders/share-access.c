#define G_LOG_DOMAIN "carrete-folders-share-access"

/* A link holder's token (and password) resolved to what it covers.  A
 * wrong, expired or revoked token is one answer, "No such link.", and a
 * missing or wrong password another: neither says more.  Password guesses
 * are counted before they are checked, with carrete-users' login limits
 * (carrete-throttle.c), per link and client address and per address. */

#include "shares.h"

#include "carrete-error.h"
#include "carrete-keys.h"
#include "carrete-op.h"
#include "carrete-password.h"
#include "carrete-throttle.h"
#include "carrete-token.h"

typedef struct
{
  FoldersService *svc;
  GCancellable *cancellable; /* the task's */
  char *password;
  char *address;
  FoldersShare *share;
  char *link_key; /* the throttle's counters */
  char *address_key;
  guint retry_after;
  gboolean use_noted_by_caller; /* the caller counts the use once it has answered */
} ResolveOp;

static void
resolve_op_free (gpointer data)
{
  ResolveOp *op = data;

  carrete_secret_free (op->password);
  g_free (op->address);
  folders_share_free (op->share);
  g_free (op->link_key);
  g_free (op->address_key);
  g_free (op);
}

static CarreteDb *
db_of (ResolveOp *op)
{
  return folders_store_get_db (op->svc->store);
}

/* Bookkeeping that must not fail the request: logged instead (user data:
 * the database). */
static void
log_if_failed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (carrete_db_count_finish (user_data, result, &error) < 0)
    g_warning ("share link bookkeeping failed: %s", error->message);
}

static void
note_use (FoldersService *svc, gint64 share_id)
{
  folders_share_uses_note (svc->uses, share_id);
}

static void
return_link (GTask *task, ResolveOp *op)
{
  if (!op->use_noted_by_caller)
    note_use (op->svc, op->share->id);
  g_task_return_pointer (task, g_steal_pointer (&op->share), (GDestroyNotify)folders_share_free);
}

static void
verified (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ResolveOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean matched = carrete_password_verify_finish (result, NULL, &error);

  if (error != NULL)
    {
      /* Never judged: not a failure to count. */
      carrete_throttle_unjudged (db_of (op), op->link_key, op->address_key, log_if_failed,
                                 db_of (op));
      g_task_return_error (task, error);
    }
  else if (!matched)
    g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_UNAUTHORIZED,
                             "Wrong password for this link.");
  else
    {
      carrete_throttle_succeeded (db_of (op), op->link_key, op->address_key, log_if_failed,
                                  db_of (op));
      return_link (task, op);
    }
}

static void
counted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ResolveOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (!carrete_throttle_count_finish (db_of (op), &op->svc->throttle, result,
                                      "wrong link passwords", &op->retry_after, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  carrete_password_verify_async (op->svc->workers, op->share->password_hash, op->password,
                                 &op->svc->hash_params, verified, g_steal_pointer (&task));
}

static void
found (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ResolveOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  op->share = folders_shares_store_share_finish (db_of (op), result, &error);
  if (op->share == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (op->share->password_hash == NULL)
    {
      return_link (task, op);
      return;
    }
  if (op->password == NULL)
    {
      g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_UNAUTHORIZED,
                               "This link needs a password (X-Carrete-Share-Password).");
      return;
    }
  op->link_key = g_strdup_printf ("share|%" G_GINT64_FORMAT "|%s", op->share->id, op->address);
  op->address_key = g_strdup_printf ("address|%s", op->address);
  carrete_throttle_count (db_of (op), &op->svc->throttle, op->link_key, op->address_key,
                          op->cancellable, counted, g_steal_pointer (&task));
}

/* `use_noted_by_caller`: the use is counted by the caller, once the read
 * that follows has succeeded (a link holder's listing).  Counting is in
 * memory (share-uses.c), written in batches off the request's path. */
static void
resolve_async (FoldersService *svc, const char *token, const char *password,
               const char *client_address, gboolean use_noted_by_caller,
               GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  ResolveOp *op = g_new0 (ResolveOp, 1);
  GTask *task = carrete_op_new (op, resolve_op_free, folders_shares_resolve_async, cancellable,
                                callback, user_data);
  g_autofree char *digest = NULL;

  op->use_noted_by_caller = use_noted_by_caller;
  op->svc = svc;
  op->cancellable = cancellable;
  op->password = g_strdup (password);
  op->address = g_strdup (client_address != NULL ? client_address : "");
  if (!carrete_token_is_well_formed (token))
    {
      g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND, "No such link.");
      g_object_unref (task);
      return;
    }
  digest = carrete_token_digest (token);
  folders_shares_store_find (db_of (op), digest, cancellable, found, task);
}

void
folders_shares_resolve_async (FoldersService *svc, const char *token, const char *password,
                              const char *client_address, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  resolve_async (svc, token, password, client_address, FALSE, cancellable, callback, user_data);
}

FoldersShare *
folders_shares_resolve_finish (GAsyncResult *result, guint *retry_after, GError **error)
{
  ResolveOp *op = g_task_get_task_data (G_TASK (result));

  if (retry_after != NULL)
    *retry_after = op->retry_after;
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
folders_shares_cleanup (FoldersService *svc)
{
  CarreteDb *db = folders_store_get_db (svc->store);

  carrete_throttle_cleanup (db, NULL, log_if_failed, db);
}

/* ---- the folder a link covers ----------------------------------------------------- */

typedef struct
{
  FoldersService *svc;
  GCancellable *cancellable;
  gint64 folder_id;
  gint64 share_id;
  gboolean allow_download;
  guint retry_after;
} LinkFolderOp;

static void
link_folder_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  LinkFolderOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  FoldersFolder *folder = folders_store_folder_finish (op->svc->store, result, &error);

  if (folder == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  note_use (op->svc, op->share_id);
  g_free (folder->role);
  folder->role = g_strdup ("link");
  folder->allow_download = op->allow_download;
  g_task_return_pointer (task, folder, (GDestroyNotify)folders_folder_free);
}

static void
link_resolved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  LinkFolderOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (FoldersShare) share = folders_shares_resolve_finish (result, &op->retry_after, &error);

  if (share == NULL)
    g_task_return_error (task, error);
  else if (share->folder_id != op->folder_id)
    g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND, "No such folder.");
  else
    {
      op->allow_download = share->allow_download;
      op->share_id = share->id;
      /* Read as its owner sees it: the link stands for them. */
      folders_store_find (op->svc->store, op->folder_id, share->owner_id, op->cancellable,
                          link_folder_read, g_steal_pointer (&task));
    }
}

void
folders_shares_get_folder_async (FoldersService *svc, const char *token, const char *password,
                                 const char *client_address, gint64 folder_id,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  LinkFolderOp *op = g_new0 (LinkFolderOp, 1);
  GTask *task = carrete_op_new (op, g_free, folders_shares_get_folder_async, cancellable, callback,
                                user_data);

  op->svc = svc;
  op->cancellable = cancellable;
  op->folder_id = folder_id;
  resolve_async (svc, token, password, client_address, TRUE, cancellable, link_resolved, task);
}

FoldersFolder *
folders_shares_get_folder_finish (GAsyncResult *result, guint *retry_after, GError **error)
{
  LinkFolderOp *op = g_task_get_task_data (G_TASK (result));

  if (retry_after != NULL)
    *retry_after = op->retry_after;
  return g_task_propagate_pointer (G_TASK (result), error);
}
