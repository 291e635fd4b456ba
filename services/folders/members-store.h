#pragma once

#include "carrete-db.h"
#include "model.h"

G_BEGIN_DECLS

/* SQL for folder members (sql/folders/003_members.sql), and nothing else.
 * Every write names the folder's owner, so that it changes nothing when
 * the folder is no longer theirs (or gone) by the time it runs: no row
 * then, which the finishers report as NOT_FOUND. */

/* Adds `user_id` as `role` or changes their role; the row says whether it
 * was created. */
void folders_members_store_put (CarreteDb *db, gint64 folder_id, gint64 owner_id, gint64 user_id,
                                const char *username, const char *role, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
void folders_members_store_delete (CarreteDb *db, gint64 folder_id, gint64 owner_id, gint64 user_id,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
/* `limit` members after the keyset position (`after_key` NULL: the first
 * page), oldest first. */
void folders_members_store_list (CarreteDb *db, gint64 folder_id, const char *after_key,
                                 gint64 after_user, guint limit, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);

FoldersMember *folders_members_store_member_finish (CarreteDb *db, GAsyncResult *result,
                                                    GError **error);
GPtrArray *folders_members_store_members_finish (CarreteDb *db, GAsyncResult *result,
                                                 GError **error);

G_END_DECLS
