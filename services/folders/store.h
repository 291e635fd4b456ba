#pragma once

#include "carrete-db.h"
#include "model.h"

G_BEGIN_DECLS

/* SQL for the folders database, and nothing else: every function sends one
 * prepared statement through the async pool; the *_finish functions turn
 * the result into model values (a statement run only for its effect ends
 * with carrete_db_answer_done).  A `cancellable` (may be NULL) that fires
 * stops the statement, queued or running, and its finisher fails with
 * G_IO_ERROR_CANCELLED, even when the statement had just finished: a
 * cancelled write may or may not have happened. */
typedef struct _FoldersStore FoldersStore;

FoldersStore *folders_store_new (CarreteDb *db);
void folders_store_free (FoldersStore *store);
/* The pool its statements go through (members-store.c sends its own). */
CarreteDb *folders_store_get_db (FoldersStore *store);

void folders_store_insert (FoldersStore *store, gint64 owner_id, const char *name,
                           const char *visibility, const char *const *tags,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data);
/* The folder with `caller_id`'s role in it (0: anonymous, no role). */
void folders_store_find (FoldersStore *store, gint64 id, gint64 caller_id,
                         GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data);
/* Changes the folder only if `owner_id` owns it; no row otherwise. */
void folders_store_update (FoldersStore *store, gint64 id, gint64 owner_id,
                           const FoldersChanges *changes, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data);
void folders_store_delete (FoldersStore *store, gint64 id, gint64 owner_id,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data);
void folders_store_delete_owner (FoldersStore *store, gint64 owner_id, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
/* Asks for `limit` rows after the keyset position (`after_key`, `after_id`;
 * NULL key for the first page). */
void folders_store_search (FoldersStore *store, const FoldersSearch *search, const char *after_key,
                           gint64 after_id, guint limit, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data);

/* The trash (002_trash.sql).  trash: a live folder of the owner's, purged
 * `days` later (count: 0 when it is not one); list_trash: `limit` of the
 * owner's trashed folders, newest first, after (`before`, RFC 3339 with
 * µs, NULL for the first page; `before_id`); find_trashed and restore
 * (CONFLICT: a live folder has its name) take one of them, delete_trashed
 * removes one (`id`) or all (0); purge removes every folder past its
 * purge_at (counts). */
void folders_store_trash (FoldersStore *store, gint64 id, gint64 owner_id, guint days,
                          GAsyncReadyCallback callback, gpointer user_data);
void folders_store_list_trash (FoldersStore *store, gint64 owner_id, const char *before,
                               gint64 before_id, guint limit, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
void folders_store_find_trashed (FoldersStore *store, gint64 id, gint64 owner_id,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data);
void folders_store_restore (FoldersStore *store, gint64 id, gint64 owner_id,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data);
void folders_store_delete_trashed (FoldersStore *store, gint64 id, gint64 owner_id,
                                   GAsyncReadyCallback callback, gpointer user_data);
void folders_store_purge (FoldersStore *store, GAsyncReadyCallback callback, gpointer user_data);
gint64 folders_store_changed_finish (FoldersStore *store, GAsyncResult *result, GError **error);

/* Finishers.  folders_store_folder_finish fails with NOT_FOUND on no row. */
FoldersFolder *folders_store_folder_finish (FoldersStore *store, GAsyncResult *result,
                                            GError **error);
GPtrArray *folders_store_folders_finish (FoldersStore *store, GAsyncResult *result, GError **error);

/* The SQL text of the search (for the EXPLAIN test and the benchmark). */
const char *folders_store_search_sql (void);

G_END_DECLS
