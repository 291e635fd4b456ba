#pragma once

#include "carrete-db.h"

G_BEGIN_DECLS

/* Storage quotas (sql/photos/005_quotas.sql): what an account may store
 * (its own quota or the service's default; 0 = no limit) and what it uses,
 * which triggers keep in the `usage` table.  The statements that reserve
 * room for an upload (store.c, uploads-store.c) admit it themselves with
 * usage_admits(); this file reads, sets and explains. */

/* The account's quota and usage. */
void photos_quota_store_get (CarreteDb *db, gint64 owner_id, gint64 default_quota,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data);
gboolean photos_quota_store_get_finish (CarreteDb *db, GAsyncResult *result, gint64 *quota_bytes,
                                        gint64 *usage_bytes, GError **error);

/* An early check, before any byte is taken: TRUE when `wanted` bytes fit
 * now, else FALSE with a CARRETE_QUOTA_ERROR (the reserving statement
 * checks again, under a lock). */
void photos_quota_store_check (CarreteDb *db, gint64 owner_id, gint64 wanted,
                               gint64 default_quota, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
gboolean photos_quota_store_check_finish (GAsyncResult *result, GError **error);

/* An administrator's setting: the account's own quota from now on. */
void photos_quota_store_set (CarreteDb *db, gint64 owner_id, gint64 quota_bytes,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data);

/* Account deletion, once its photos are gone: its quota and usage rows go. */
void photos_quota_store_forget (CarreteDb *db, gint64 owner_id, GAsyncReadyCallback callback,
                                gpointer user_data);

/* Runs `insert`, a statement that adds its row only when
 * usage_admits(owner, wanted, default) lets it, and reads that row with
 * `from_row`.  No row means the quota refused it: the finisher then fails
 * with a CARRETE_QUOTA_ERROR carrying the numbers. */
void photos_quota_store_insert (CarreteDb *db, const CarreteStatement *insert,
                                const char *const *params, CarreteDbRowFunc from_row,
                                GDestroyNotify row_free, gint64 owner_id, gint64 wanted,
                                gint64 default_quota, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
gpointer photos_quota_store_insert_finish (GAsyncResult *result, GError **error);

G_END_DECLS
