#define G_LOG_DOMAIN "carrete-folders-members"

#include "members.h"
#include "service-private.h"

#include "carrete-error.h"
#include "carrete-op.h"
#include "carrete-page.h"
#include "members-store.h"

#define CURSOR_KIND "members"

/* Every operation reads the folder for the caller first: only its owner
 * goes on. */
typedef struct
{
  FoldersService *svc;
  GCancellable *cancellable; /* the task's */
  CarreteCaller *caller;
  gint64 folder_id;
  gint64 user_id;
  char *role;
  char *username;
  /* list */
  char *after_key;
  gint64 after_user;
  guint limit;
} MemberOp;

static void
member_op_free (gpointer data)
{
  MemberOp *op = data;

  g_free (op->caller);
  g_free (op->role);
  g_free (op->username);
  g_free (op->after_key);
  g_free (op);
}

static GTask *
member_op_new (FoldersService *svc, const CarreteCaller *caller, gint64 folder_id, gint64 user_id,
               gpointer source_tag, GCancellable *cancellable, GAsyncReadyCallback callback,
               gpointer user_data)
{
  MemberOp *op = g_new0 (MemberOp, 1);

  op->svc = svc;
  op->cancellable = cancellable;
  op->caller = carrete_caller_dup (caller);
  op->folder_id = folder_id;
  op->user_id = user_id;
  return carrete_op_new (op, member_op_free, source_tag, cancellable, callback, user_data);
}

static void
check_owner_then (GTask *task, FoldersThen then)
{
  MemberOp *op = g_task_get_task_data (task);

  folders_check_owner_then (op->svc, task, op->folder_id, op->caller->id, then);
}

/* The statement's single row, the member; `missing` is what no row
 * means. */
static FoldersMember *
take_member (MemberOp *op, GAsyncResult *result, const char *missing, GError **error)
{
  GError *local = NULL;
  FoldersMember *member
      = folders_members_store_member_finish (folders_store_get_db (op->svc->store), result, &local);

  if (g_error_matches (local, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND))
    {
      g_error_free (local);
      g_set_error_literal (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND, missing);
    }
  else if (local != NULL)
    g_propagate_error (error, local);
  return member;
}

/* ---- put ---------------------------------------------------------------- */

static void
member_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  /* No row: the folder changed hands or went meanwhile. */
  FoldersMember *member
      = take_member (g_task_get_task_data (task), result, "No such folder.", &error);

  if (member == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, member, (GDestroyNotify) folders_member_free);
}

static void
account_found (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  MemberOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (!carrete_accounts_profile_finish (result, &op->username, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  folders_members_store_put (folders_store_get_db (op->svc->store), op->folder_id, op->caller->id,
                             op->user_id, op->username, op->role, op->cancellable, member_written,
                             g_steal_pointer (&task));
}

static void
put_as_owner (GTask *task)
{
  MemberOp *op = g_task_get_task_data (task);
  g_autofree char *user = NULL;

  if (op->user_id == op->caller->id)
    {
      g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_INVALID,
                               "You own this folder: share it with someone else.");
      g_object_unref (task);
      return;
    }
  /* Asked every time: an account deleted since its id was learnt is not
   * added. */
  user = carrete_ids_encode (op->svc->ids, CARRETE_ID_USER, op->user_id);
  carrete_accounts_profile_async (op->svc->accounts, user, op->caller->request_id, account_found,
                                  task);
}

void
folders_members_put_async (FoldersService *svc, const CarreteCaller *caller, gint64 folder_id,
                           gint64 user_id, const char *role, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = member_op_new (svc, caller, folder_id, user_id, folders_members_put_async,
                               cancellable, callback, user_data);

  ((MemberOp *) g_task_get_task_data (task))->role = g_strdup (role);
  check_owner_then (task, put_as_owner);
}

FoldersMember *
folders_members_put_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- delete ----------------------------------------------------------------- */

static void
member_deleted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  g_autoptr (FoldersMember) member = take_member (
      g_task_get_task_data (task), result, "That account is not a member of this folder.", &error);

  carrete_op_return_ok (task, member != NULL, error);
}

static void
delete_as_owner (GTask *task)
{
  MemberOp *op = g_task_get_task_data (task);

  folders_members_store_delete (folders_store_get_db (op->svc->store), op->folder_id,
                                op->caller->id, op->user_id, op->cancellable, member_deleted, task);
}

void
folders_members_delete_async (FoldersService *svc, const CarreteCaller *caller, gint64 folder_id,
                              gint64 user_id, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  check_owner_then (member_op_new (svc, caller, folder_id, user_id, folders_members_delete_async,
                                   cancellable, callback, user_data),
                    delete_as_owner);
}

/* ---- list ---------------------------------------------------------------------- */

static char *
cursor_after (gconstpointer last, gpointer data)
{
  const FoldersMember *member = last;
  MemberOp *op = data;
  g_autofree char *folder = g_strdup_printf ("%" G_GINT64_FORMAT, op->folder_id);
  g_autofree char *user = g_strdup_printf ("%" G_GINT64_FORMAT, member->user_id);

  return carrete_cursor_encode (
      op->svc->cursors, (const char *const[]){ CURSOR_KIND, folder, member->sort_key, user, NULL });
}

static void
members_listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  MemberOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  GPtrArray *members = folders_members_store_members_finish (folders_store_get_db (op->svc->store),
                                                             result, &error);

  if (members == NULL)
    g_task_return_error (task, error);
  else
    carrete_page_return (task, members, op->limit, cursor_after, op);
}

static void
list_as_owner (GTask *task)
{
  MemberOp *op = g_task_get_task_data (task);

  folders_members_store_list (folders_store_get_db (op->svc->store), op->folder_id, op->after_key,
                              op->after_user, op->limit + 1, op->cancellable, members_listed, task);
}

/* The cursor's position, or FALSE with `task` answered. */
static gboolean
read_cursor (GTask *task, const char *cursor)
{
  MemberOp *op = g_task_get_task_data (task);
  g_auto (GStrv) fields = NULL;
  gint64 folder_id = 0;

  if (cursor == NULL)
    return TRUE;
  fields = carrete_cursor_decode (op->svc->cursors, cursor, 4, NULL);
  if (fields == NULL || !g_str_equal (fields[0], CURSOR_KIND)
      || !g_ascii_string_to_signed (fields[1], 10, 1, G_MAXINT64, &folder_id, NULL)
      || !g_ascii_string_to_signed (fields[3], 10, 1, G_MAXINT64, &op->after_user, NULL))
    {
      g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_BAD_REQUEST,
                               "cursor is not one this service issued");
      return FALSE;
    }
  if (folder_id != op->folder_id)
    {
      g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_INVALID,
                               "cursor belongs to another folder; start again without it");
      return FALSE;
    }
  op->after_key = g_strdup (fields[2]);
  return TRUE;
}

void
folders_members_list_async (FoldersService *svc, const CarreteCaller *caller, gint64 folder_id,
                            const char *cursor, guint limit, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = member_op_new (svc, caller, folder_id, 0, folders_members_list_async, cancellable,
                               callback, user_data);

  ((MemberOp *) g_task_get_task_data (task))->limit = limit;
  if (!read_cursor (task, cursor))
    {
      g_object_unref (task);
      return;
    }
  check_owner_then (task, list_as_owner);
}

GPtrArray *
folders_members_list_finish (GAsyncResult *result, char **next_cursor, GError **error)
{
  return carrete_page_propagate (result, next_cursor, error);
}
