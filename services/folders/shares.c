#define G_LOG_DOMAIN "carrete-folders-shares"

#include "shares.h"
#include "service-private.h"

#include "carrete-error.h"
#include "carrete-op.h"
#include "carrete-page.h"
#include "carrete-password.h"
#include "carrete-token.h"

#define CURSOR_KIND "shares"

/* Every owner operation: the target checked for the caller first, then
 * `then`. */
typedef struct
{
  FoldersService *svc;
  GCancellable *cancellable; /* the task's */
  CarreteCaller *caller;
  gint64 id;
  gint64 folder_id;
  gint64 photo_id;
  FoldersShareFields fields; /* its strings are the op's */
  char *label;
  char *expires_at;
  char *password;
  char *password_hash;
  char *token;
  FoldersThen then;
  char *after_key; /* list */
  gint64 after_id;
  guint limit;
} ShareOp;

static void
share_op_free (gpointer data)
{
  ShareOp *op = data;

  g_free (op->caller);
  g_free (op->label);
  g_free (op->expires_at);
  carrete_secret_free (op->password);
  g_free (op->password_hash);
  carrete_secret_free (op->token);
  g_free (op->after_key);
  g_free (op);
}

static GTask *
share_op_new (FoldersService *svc, const CarreteCaller *caller, gint64 folder_id, gint64 photo_id,
              const FoldersShareFields *fields, const char *password, gpointer source_tag,
              GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  ShareOp *op = g_new0 (ShareOp, 1);

  op->svc = svc;
  op->cancellable = cancellable;
  op->caller = carrete_caller_dup (caller);
  op->folder_id = folder_id;
  op->photo_id = photo_id;
  if (fields != NULL)
    {
      op->fields = *fields;
      op->label = g_strdup (fields->label);
      op->expires_at = g_strdup (fields->expires_at);
      op->fields.label = op->label;
      op->fields.expires_at = op->expires_at;
      op->fields.password_hash = NULL;
    }
  op->password = g_strdup (password);
  return carrete_op_new (op, share_op_free, source_tag, cancellable, callback, user_data);
}

static CarreteDb *
db_of (ShareOp *op)
{
  return folders_store_get_db (op->svc->store);
}

/* The statement's single row, the link; no row is "No such link.". */
static void
return_share (GTask *task, GAsyncResult *result)
{
  ShareOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  FoldersShare *share = folders_shares_store_share_finish (db_of (op), result, &error);

  if (share == NULL)
    g_task_return_error (task, error);
  else
    {
      share->token = g_steal_pointer (&op->token);
      g_task_return_pointer (task, share, (GDestroyNotify) folders_share_free);
    }
}

/* ---- the owner of the folder or photo ------------------------------------ */

static void
photo_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  ShareOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  g_autofree char *owner = folders_photos_owner_finish (result, &error);
  gint64 owner_id = 0;

  if (owner == NULL)
    g_task_return_error (task, error);
  else if (!carrete_ids_decode (op->svc->ids, CARRETE_ID_USER, owner, &owner_id)
           || owner_id != op->caller->id)
    g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_FORBIDDEN,
                             "Only the photo's owner may share it.");
  else
    {
      op->then (task);
      return;
    }
  g_object_unref (task);
}

static void
check_owner_then (GTask *task, FoldersThen then)
{
  ShareOp *op = g_task_get_task_data (task);

  op->then = then;
  if (op->folder_id != 0)
    folders_check_owner_then (op->svc, task, op->folder_id, op->caller->id, then);
  else
    {
      g_autofree char *photo = carrete_ids_encode (op->svc->ids, CARRETE_ID_PHOTO, op->photo_id);
      FoldersForward forward = { op->caller->token, op->caller->request_id };
      folders_photos_owner_async (op->svc->photos, photo, &forward, photo_checked, task);
    }
}

/* Hashes op->password (when there is one) on the worker pool, then runs
 * `then`. */
static void
password_hashed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  ShareOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  op->password_hash = carrete_password_hash_finish (result, &error);
  if (op->password_hash == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  op->fields.password_hash = op->password_hash;
  op->then (task);
}

static void
hash_then (GTask *task, FoldersThen then)
{
  ShareOp *op = g_task_get_task_data (task);

  op->then = then;
  if (op->password == NULL)
    then (task);
  else
    carrete_password_hash_async (op->svc->workers, op->password, &op->svc->hash_params,
                                 password_hashed, task);
}

/* ---- create ---------------------------------------------------------------- */

static void
inserted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ShareOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  FoldersShare *share = folders_shares_store_share_finish (db_of (op), result, &error);

  if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND))
    {
      /* The owner was checked: no row means the live links are used up. */
      g_clear_error (&error);
      g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_CONFLICT,
                               "This %s has %u live links already, the most it may have;"
                               " revoke one first.",
                               op->folder_id != 0 ? "folder" : "photo", FOLDERS_SHARES_MAX_LIVE);
      return;
    }
  if (share == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  share->token = g_steal_pointer (&op->token);
  g_task_return_pointer (task, share, (GDestroyNotify) folders_share_free);
}

static void
insert (GTask *task)
{
  ShareOp *op = g_task_get_task_data (task);
  g_autofree char *digest = NULL;

  op->token = carrete_token_new ();
  digest = carrete_token_digest (op->token);
  folders_shares_store_insert (db_of (op), op->caller->id, op->folder_id, op->photo_id, digest,
                               &op->fields, FOLDERS_SHARES_MAX_LIVE, op->cancellable, inserted,
                               task);
}

static void
create_as_owner (GTask *task)
{
  hash_then (task, insert);
}

void
folders_shares_create_async (FoldersService *svc, const CarreteCaller *caller, gint64 folder_id,
                             gint64 photo_id, const FoldersShareFields *fields,
                             const char *password, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  check_owner_then (share_op_new (svc, caller, folder_id, photo_id, fields, password,
                                  folders_shares_create_async, cancellable, callback, user_data),
                    create_as_owner);
}

FoldersShare *
folders_shares_create_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- update and delete ----------------------------------------------------------- */

static void
updated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;

  return_share (task, result);
}

static void
update (GTask *task)
{
  ShareOp *op = g_task_get_task_data (task);

  folders_shares_store_update (db_of (op), op->id, op->caller->id, &op->fields, op->cancellable,
                               updated, task);
}

void
folders_shares_update_async (FoldersService *svc, const CarreteCaller *caller, gint64 id,
                             const FoldersShareFields *fields, const char *password,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  GTask *task = share_op_new (svc, caller, 0, 0, fields, password, folders_shares_update_async,
                              cancellable, callback, user_data);

  ((ShareOp *) g_task_get_task_data (task))->id = id;
  hash_then (task, update);
}

FoldersShare *
folders_shares_update_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
deleted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ShareOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (FoldersShare) share = folders_shares_store_share_finish (db_of (op), result, &error);

  carrete_op_return_ok (task, share != NULL, error);
}

void
folders_shares_delete_async (FoldersService *svc, const CarreteCaller *caller, gint64 id,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  GTask *task = share_op_new (svc, caller, 0, 0, NULL, NULL, folders_shares_delete_async,
                              cancellable, callback, user_data);

  folders_shares_store_delete (folders_store_get_db (svc->store), id, caller->id, cancellable,
                               deleted, task);
}

/* ---- list ---------------------------------------------------------------------- */

static char *
target_text (ShareOp *op)
{
  return op->folder_id != 0 ? g_strdup_printf ("f%" G_GINT64_FORMAT, op->folder_id)
                            : g_strdup_printf ("p%" G_GINT64_FORMAT, op->photo_id);
}

static char *
cursor_after (gconstpointer last, gpointer data)
{
  const FoldersShare *share = last;
  ShareOp *op = data;
  g_autofree char *target = target_text (op);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, share->id);

  return carrete_cursor_encode (
      op->svc->cursors, (const char *const[]){ CURSOR_KIND, target, share->sort_key, id, NULL });
}

static void
listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ShareOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  GPtrArray *shares = folders_shares_store_shares_finish (db_of (op), result, &error);

  if (shares == NULL)
    g_task_return_error (task, error);
  else
    carrete_page_return (task, shares, op->limit, cursor_after, op);
}

static void
list_as_owner (GTask *task)
{
  ShareOp *op = g_task_get_task_data (task);

  folders_shares_store_list (db_of (op), op->caller->id, op->folder_id, op->photo_id, op->after_key,
                             op->after_id, op->limit + 1, op->cancellable, listed, task);
}

/* The cursor's position, or FALSE with `task` answered. */
static gboolean
read_cursor (GTask *task, const char *cursor)
{
  ShareOp *op = g_task_get_task_data (task);
  g_auto (GStrv) fields = NULL;
  g_autofree char *target = target_text (op);

  if (cursor == NULL)
    return TRUE;
  fields = carrete_cursor_decode (op->svc->cursors, cursor, 4, NULL);
  if (fields == NULL || !g_str_equal (fields[0], CURSOR_KIND)
      || !g_ascii_string_to_signed (fields[3], 10, 1, G_MAXINT64, &op->after_id, NULL))
    {
      g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_BAD_REQUEST,
                               "cursor is not one this service issued");
      return FALSE;
    }
  if (!g_str_equal (fields[1], target))
    {
      g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_INVALID,
                               "cursor belongs to another list; start again without it");
      return FALSE;
    }
  op->after_key = g_strdup (fields[2]);
  return TRUE;
}

void
folders_shares_list_async (FoldersService *svc, const CarreteCaller *caller, gint64 folder_id,
                           gint64 photo_id, const char *cursor, guint limit,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data)
{
  GTask *task = share_op_new (svc, caller, folder_id, photo_id, NULL, NULL,
                              folders_shares_list_async, cancellable, callback, user_data);

  ((ShareOp *) g_task_get_task_data (task))->limit = limit;
  if (!read_cursor (task, cursor))
    {
      g_object_unref (task);
      return;
    }
  check_owner_then (task, list_as_owner);
}

GPtrArray *
folders_shares_list_finish (GAsyncResult *result, char **next_cursor, GError **error)
{
  return carrete_page_propagate (result, next_cursor, error);
}
