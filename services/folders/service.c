#define G_LOG_DOMAIN "carrete-folders-service"

/* Each operation has its own state struct riding on its GTask
 * (carrete_op_new); operations whose only state is the service use it as
 * the task data. */

#include "service.h"
#include "service-private.h"

#include <stdlib.h>
#include <string.h>

#include "carrete-error.h"
#include "carrete-op.h"
#include "carrete-page.h"

#define CURSOR_KIND "folders"

void
folders_return_not_found (GTask *task)
{
  g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND, "No such folder.");
}

/* Private folders of others do not exist for the caller; public ones and
 * those shared with them do, so changing them is refused outright.
 * Returns TRUE when the caller owns `folder`, otherwise answers the task.
 * `folder` must have been read for `caller_id` (its role). */
gboolean
folders_check_owner (GTask *task, const FoldersFolder *folder, gint64 caller_id)
{
  if (folder->owner_id == caller_id)
    return TRUE;
  if (folders_folder_is_visible (folder))
    g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_FORBIDDEN,
                             "Only the owner may change or delete this folder.");
  else
    folders_return_not_found (task);
  return FALSE;
}

typedef struct
{
  GTask *task;
  FoldersStore *store;
  gint64 caller_id;
  FoldersThen then;
} OwnedCheck;

static void
owned_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OwnedCheck *check = user_data;
  GError *error = NULL;
  g_autoptr (FoldersFolder) folder = folders_store_folder_finish (check->store, result, &error);

  if (folder == NULL)
    {
      g_task_return_error (check->task, error);
      g_object_unref (check->task);
    }
  else if (folders_check_owner (check->task, folder, check->caller_id))
    check->then (check->task);
  else
    g_object_unref (check->task);
  g_free (check);
}

void
folders_check_owner_then (FoldersService *svc, GTask *task, gint64 folder_id, gint64 caller_id,
                          FoldersThen then)
{
  OwnedCheck *check = g_new0 (OwnedCheck, 1);

  check->task = task;
  check->store = svc->store;
  check->caller_id = caller_id;
  check->then = then;
  folders_store_find (svc->store, folder_id, caller_id, g_task_get_cancellable (task),
                      owned_checked, check);
}

/* The last step of a create or an update: the row written, or the error
 * with a friendlier word for a taken name. */
static void
return_folder_or_error (GTask *task, FoldersStore *store, GAsyncResult *result)
{
  GError *error = NULL;
  FoldersFolder *folder = folders_store_folder_finish (store, result, &error);

  if (folder != NULL)
    g_task_return_pointer (task, folder, (GDestroyNotify) folders_folder_free);
  else if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_CONFLICT))
    {
      g_error_free (error);
      g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_CONFLICT,
                               "You already have a folder with that name.");
    }
  else
    g_task_return_error (task, error);
}

/* ---- create ------------------------------------------------------------ */

/* Both write a folder's fields: a create all of them (for `caller_id`, the
 * owner), an update those given (of folder `id`). */
typedef struct
{
  FoldersService *svc;
  GCancellable *cancellable; /* the task's */
  gint64 caller_id;
  gint64 id;
  FoldersChanges changes;
} WriteOp;

static void
write_op_free (gpointer data)
{
  WriteOp *op = data;

  folders_changes_clear (&op->changes);
  g_free (op);
}

static WriteOp *
write_op_new (FoldersService *svc, GCancellable *cancellable, gint64 caller_id, const char *name,
              const char *visibility, const char *const *tags)
{
  WriteOp *op = g_new0 (WriteOp, 1);

  op->svc = svc;
  op->cancellable = cancellable;
  op->caller_id = caller_id;
  op->changes.name = g_strdup (name);
  op->changes.visibility = g_strdup (visibility);
  op->changes.tags = g_strdupv ((char **) tags);
  return op;
}

static void
written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  WriteOp *op = g_task_get_task_data (task);

  return_folder_or_error (task, op->svc->store, result);
}

static void
account_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  WriteOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (!carrete_accounts_check_finish (result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  folders_store_insert (op->svc->store, op->caller_id, op->changes.name, op->changes.visibility,
                        (const char *const *) op->changes.tags, op->cancellable, written,
                        g_steal_pointer (&task));
}

void
folders_service_create_async (FoldersService *svc, gint64 owner_id, const char *name,
                              const char *visibility, const char *const *tags,
                              const char *request_id, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  WriteOp *op = write_op_new (svc, cancellable, owner_id, name, visibility, tags);
  GTask *task = carrete_op_new (op, write_op_free, folders_service_create_async, cancellable,
                                callback, user_data);
  g_autofree char *owner = carrete_ids_encode (svc->ids, CARRETE_ID_USER, owner_id);

  carrete_accounts_check_async (svc->accounts, owner, request_id, account_checked, task);
}

FoldersFolder *
folders_service_create_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- get ------------------------------------------------------------------ */

typedef struct
{
  FoldersService *svc;
  gint64 caller_id;
} GetOp;

static void
got (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GetOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  FoldersFolder *folder = folders_store_folder_finish (op->svc->store, result, &error);

  if (folder == NULL)
    g_task_return_error (task, error);
  else if (!folders_folder_is_visible (folder))
    {
      folders_folder_free (folder);
      folders_return_not_found (task);
    }
  else
    g_task_return_pointer (task, folder, (GDestroyNotify) folders_folder_free);
}

void
folders_service_get_async (FoldersService *svc, gint64 caller_id, gint64 id,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data)
{
  GetOp *op = g_new0 (GetOp, 1);
  GTask *task
      = carrete_op_new (op, g_free, folders_service_get_async, cancellable, callback, user_data);

  op->svc = svc;
  op->caller_id = caller_id;
  folders_store_find (svc->store, id, caller_id, cancellable, got, task);
}

FoldersFolder *
folders_service_get_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- update ---------------------------------------------------------------- */

static void
update_found (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  WriteOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (FoldersFolder) folder = folders_store_folder_finish (op->svc->store, result, &error);

  if (folder == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!folders_check_owner (task, folder, op->caller_id))
    return;
  /* The statement checks the owner again: no window for a race. */
  folders_store_update (op->svc->store, op->id, op->caller_id, &op->changes, op->cancellable,
                        written, g_steal_pointer (&task));
}

void
folders_service_update_async (FoldersService *svc, gint64 caller_id, gint64 id,
                              const FoldersChanges *changes, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  WriteOp *op = write_op_new (svc, cancellable, caller_id, changes->name, changes->visibility,
                              (const char *const *) changes->tags);
  GTask *task = carrete_op_new (op, write_op_free, folders_service_update_async, cancellable,
                                callback, user_data);

  op->id = id;
  folders_store_find (svc->store, id, caller_id, cancellable, update_found, task);
}

FoldersFolder *
folders_service_update_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- delete ------------------------------------------------------------------ */

typedef struct
{
  FoldersService *svc;
  gint64 caller_id;
  gint64 id;
  gboolean recursive;
  gboolean permanent;
  char *bearer;
  char *request_id;
  char *folder_id; /* opaque, for the photos service */
} DeleteOp;

static void
delete_op_free (gpointer data)
{
  DeleteOp *op = data;

  g_free (op->bearer);
  g_free (op->request_id);
  g_free (op->folder_id);
  g_free (op);
}

/* The last statement of a deletion: any number of rows is success.  None
 * means nothing was left (a concurrent delete got there first): gone
 * either way. */
static void
delete_row (GTask *task)
{
  DeleteOp *op = g_task_get_task_data (task);

  if (op->permanent)
    folders_store_delete (op->svc->store, op->id, op->caller_id, NULL, carrete_db_answer_done,
                          task);
  else
    folders_store_trash (op->svc->store, op->id, op->caller_id, op->svc->trash_days,
                         carrete_db_answer_done, task);
}

static void
delete_photos_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (!folders_photos_delete_all_finish (result, &error))
    g_task_return_error (task, error);
  else
    delete_row (g_steal_pointer (&task));
}

static void
emptiness_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  gboolean any = FALSE;

  if (!folders_photos_any_finish (result, &any, &error))
    g_task_return_error (task, error);
  else if (any)
    g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_CONFLICT,
                             "The folder holds photos; delete them first or ask for"
                             " ?recursive=true.");
  else
    delete_row (g_steal_pointer (&task));
}

static void
delete_found (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  DeleteOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (FoldersFolder) folder = folders_store_folder_finish (op->svc->store, result, &error);
  FoldersForward forward = { op->bearer, op->request_id };

  if (folder == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!folders_check_owner (task, folder, op->caller_id))
    return;
  op->folder_id = carrete_ids_encode (op->svc->ids, CARRETE_ID_FOLDER, op->id);
  /* Photos first, the row last: if anything fails on the way the folder is
   * still there, and the same request finishes the job when retried. */
  if (op->recursive)
    folders_photos_delete_all_async (op->svc->photos, op->folder_id, !op->permanent, &forward,
                                     delete_photos_done, g_steal_pointer (&task));
  else
    folders_photos_any_async (op->svc->photos, op->folder_id, &forward, emptiness_checked,
                              g_steal_pointer (&task));
}

void
folders_service_delete_async (FoldersService *svc, const CarreteCaller *caller, gint64 id,
                              gboolean recursive, gboolean permanent,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  DeleteOp *op = g_new0 (DeleteOp, 1);
  /* Not cancellable: a deletion that has begun (the photos first, the row
   * last) is finished even when the client hung up, never left half done. */
  GTask *task = carrete_op_new (op, delete_op_free, folders_service_delete_async, NULL, callback,
                                user_data);

  op->svc = svc;
  op->caller_id = caller->id;
  op->id = id;
  op->recursive = recursive;
  op->permanent = permanent;
  op->bearer = g_strdup (caller->token);
  op->request_id = g_strdup (caller->request_id);
  folders_store_find (svc->store, id, caller->id, NULL, delete_found, task);
}

void
folders_service_delete_owner_async (FoldersService *svc, gint64 owner_id,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
  /* Not cancellable: part of an account deletion, which carrete-users
   * finishes even when its own client hung up.  No rows (the owner had no
   * folders) is success too. */
  GTask *task
      = carrete_op_new (NULL, NULL, folders_service_delete_owner_async, NULL, callback, user_data);

  folders_store_delete_owner (svc->store, owner_id, NULL, carrete_db_answer_done, task);
}

/* ---- search -------------------------------------------------------------------- */

typedef struct
{
  FoldersService *svc;
  char *digest; /* of the search, bound into its cursors */
  guint limit;
} SearchOp;

static void
search_op_free (gpointer data)
{
  SearchOp *op = data;

  g_free (op->digest);
  g_free (op);
}

static int
compare_strings (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static void
add_part (GChecksum *checksum, const char *part)
{
  g_autofree char *framed = g_strdup_printf ("%zu:%s;", part != NULL ? strlen (part) : 0,
                                             part != NULL ? part : "");
  g_checksum_update (checksum, (const guchar *) framed, -1);
}

/* A digest of everything that selects the rows (not the page size), so
 * that a cursor cannot be carried over to another search or caller. */
static char *
search_digest (const FoldersSearch *search)
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *owner = g_strdup_printf ("%" G_GINT64_FORMAT, search->owner_id);
  g_autofree char *tags = NULL;
  g_auto (GStrv) sorted = g_strdupv (search->tags);

  if (sorted != NULL)
    {
      qsort (sorted, g_strv_length (sorted), sizeof (char *), compare_strings);
      tags = g_strjoinv (",", sorted);
    }
  add_part (checksum, owner);
  add_part (checksum, search->public_ones ? "public" : "own");
  if (search->shared_ones)
    {
      g_autofree char *caller
          = g_strdup_printf ("shared with %" G_GINT64_FORMAT, search->caller_id);
      add_part (checksum, caller);
    }
  add_part (checksum, search->q);
  add_part (checksum, tags);
  add_part (checksum, search->match == FOLDERS_MATCH_ALL ? "all" : "any");
  add_part (checksum, search->from);
  add_part (checksum, search->to);
  return g_strndup (g_checksum_get_string (checksum), 32);
}

static char *
cursor_after (gconstpointer last, gpointer data)
{
  const FoldersFolder *folder = last;
  SearchOp *op = data;
  g_autofree char *last_id = g_strdup_printf ("%" G_GINT64_FORMAT, folder->id);

  return carrete_cursor_encode (
      op->svc->cursors,
      (const char *const[]) { CURSOR_KIND, op->digest, folder->sort_key, last_id, NULL });
}

static void
searched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  SearchOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  GPtrArray *folders = folders_store_folders_finish (op->svc->store, result, &error);

  if (folders == NULL)
    g_task_return_error (task, error);
  else
    carrete_page_return (task, folders, op->limit, cursor_after, op);
}

void
folders_service_search_async (FoldersService *svc, const FoldersSearch *search,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  SearchOp *op = g_new0 (SearchOp, 1);
  g_autoptr (GTask) task = carrete_op_new (op, search_op_free, folders_service_search_async,
                                           cancellable, callback, user_data);
  g_auto (GStrv) fields = NULL;
  gint64 after_id = 0;

  op->svc = svc;
  op->digest = search_digest (search);
  op->limit = search->limit;
  if (search->cursor != NULL)
    {
      fields = carrete_cursor_decode (svc->cursors, search->cursor, 4, NULL);
      if (fields == NULL || !g_str_equal (fields[0], CURSOR_KIND)
          || !g_ascii_string_to_signed (fields[3], 10, 1, G_MAXINT64, &after_id, NULL))
        {
          g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_BAD_REQUEST,
                                   "cursor is not one this service issued");
          return;
        }
      if (!g_str_equal (fields[1], op->digest))
        {
          g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_INVALID,
                                   "cursor belongs to another search; start again without it");
          return;
        }
    }
  folders_store_search (svc->store, search, fields != NULL ? fields[2] : NULL, after_id,
                        search->limit + 1, cancellable, searched, g_steal_pointer (&task));
}

GPtrArray *
folders_service_search_finish (GAsyncResult *result, char **next_cursor, GError **error)
{
  return carrete_page_propagate (result, next_cursor, error);
}
