#pragma once

#include "carrete-db.h"
#include "model.h"

G_BEGIN_DECLS

/* SQL for share links (sql/folders/004_shares.sql), and nothing else.
 * Every write names the link's owner: another account's link is no row,
 * which the finishers report as NOT_FOUND. */

/* What a new link is, or what a PATCH changes (`set_*` FALSE: unchanged;
 * a NULL value with `set_*` clears it). */
typedef struct
{
  gboolean set_label;
  const char *label;
  gboolean set_expires;
  const char *expires_at; /* RFC 3339 */
  gboolean set_download;
  gboolean allow_download;
  gboolean set_password;
  const char *password_hash;
} FoldersShareFields;

/* Inserts a link to `folder_id` or `photo_id` (the other 0) unless it has
 * `max_live` unexpired links already or the folder is no longer the
 * owner's: no row then. */
void folders_shares_store_insert (CarreteDb *db, gint64 owner_id, gint64 folder_id, gint64 photo_id,
                                  const char *token_digest, const FoldersShareFields *fields,
                                  guint max_live, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
void folders_shares_store_update (CarreteDb *db, gint64 id, gint64 owner_id,
                                  const FoldersShareFields *fields, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
void folders_shares_store_delete (CarreteDb *db, gint64 id, gint64 owner_id,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
/* `limit` links of the owner's folder or photo after the keyset position
 * (`after_key` NULL: the first page), oldest first. */
void folders_shares_store_list (CarreteDb *db, gint64 owner_id, gint64 folder_id, gint64 photo_id,
                                const char *after_key, gint64 after_id, guint limit,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data);
/* The live link with this token digest: unexpired, and for a folder's
 * link a folder that is not in the trash. */
void folders_shares_store_find (CarreteDb *db, const char *token_digest, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
/* Adds uses to links, in one statement (share-uses.c): `ids`, `counts`
 * and `times` are PostgreSQL array literals of the same length, the links,
 * their number of new uses, and the latest as microseconds since the
 * epoch (last_used_at never goes back).  Not cancellable. */
void folders_shares_store_add_uses (CarreteDb *db, const char *ids, const char *counts,
                                    const char *times, GAsyncReadyCallback callback,
                                    gpointer user_data);

FoldersShare *folders_shares_store_share_finish (CarreteDb *db, GAsyncResult *result,
                                                 GError **error);
GPtrArray *folders_shares_store_shares_finish (CarreteDb *db, GAsyncResult *result, GError **error);

G_END_DECLS
