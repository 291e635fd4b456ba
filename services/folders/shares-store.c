#define G_LOG_DOMAIN "carrete-folders-shares-store"

#include "shares-store.h"

#define TIME_TEXT(column)                                                                          \
  " to_char(" column " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

#define SHARE_COLUMNS                                                                                  \
  "id, owner_id, folder_id, photo_id, allow_download, label," TIME_TEXT ("expires_at") "," TIME_TEXT ( \
      "created_at") ", created_at::text, use_count," TIME_TEXT ("last_used_at") ", password_hash"

#define LIVE "(expires_at IS NULL OR expires_at > now())"

static const CarreteStatement insert_share = {
  "folders_shares_insert",
  "INSERT INTO shares (owner_id, folder_id, photo_id, token_hash, password_hash, allow_download,"
  "   label, expires_at)"
  " SELECT $1, $2::bigint, $3::bigint, decode($4, 'hex'), $5, $6::boolean, $7, $8::timestamptz"
  " WHERE (SELECT count(*) FROM shares"
  "        WHERE (folder_id = $2::bigint OR photo_id = $3::bigint) AND " LIVE ") < $9::int"
  "   AND ($2::bigint IS NULL OR EXISTS (SELECT 1 FROM folders"
  "        WHERE id = $2::bigint AND owner_id = $1 AND trashed_at IS NULL))"
  " RETURNING " SHARE_COLUMNS,
  9,
};

static const CarreteStatement update_share = {
  "folders_shares_update",
  "UPDATE shares SET"
  " label = CASE WHEN $3::boolean THEN $4 ELSE label END,"
  " expires_at = CASE WHEN $5::boolean THEN $6::timestamptz ELSE expires_at END,"
  " allow_download = CASE WHEN $7::boolean THEN $8::boolean ELSE allow_download END,"
  " password_hash = CASE WHEN $9::boolean THEN $10 ELSE password_hash END"
  " WHERE id = $1 AND owner_id = $2 RETURNING " SHARE_COLUMNS,
  10,
};

static const CarreteStatement delete_share = {
  "folders_shares_delete",
  "DELETE FROM shares WHERE id = $1 AND owner_id = $2 RETURNING " SHARE_COLUMNS,
  2,
};

static const CarreteStatement list_shares = {
  "folders_shares_list",
  "SELECT " SHARE_COLUMNS " FROM shares WHERE owner_id = $1"
  " AND (folder_id = $2::bigint OR photo_id = $3::bigint)"
  " AND ($4::timestamptz IS NULL OR (created_at, id) > ($4, $5::bigint))"
  " ORDER BY created_at, id LIMIT $6",
  6,
};

static const CarreteStatement find_share = {
  "folders_shares_find",
  "SELECT " SHARE_COLUMNS " FROM shares s WHERE token_hash = decode($1, 'hex') AND " LIVE
  " AND (folder_id IS NULL OR EXISTS (SELECT 1 FROM folders f"
  "      WHERE f.id = s.folder_id AND f.trashed_at IS NULL))",
  1,
};

/* Times are microseconds since the epoch: exact, unlike a double. */
static const CarreteStatement shares_used = {
  "folders_shares_used",
  "UPDATE shares s SET use_count = s.use_count + u.n,"
  " last_used_at = GREATEST(s.last_used_at, timestamptz 'epoch' + u.t * interval '1 microsecond')"
  " FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS u(id, n, t) WHERE s.id = u.id",
  3,
};

#define INT_TEXT(name, value)                                                                      \
  g_autofree char *name = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) (value))
#define ID_TEXT(name, value)                                                                       \
  g_autofree char *name                                                                            \
      = (value) != 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) (value)) : NULL

static const char *
flag (gboolean value)
{
  return value ? "true" : "false";
}

void
folders_shares_store_insert (CarreteDb *db, gint64 owner_id, gint64 folder_id, gint64 photo_id,
                             const char *token_digest, const FoldersShareFields *fields,
                             guint max_live, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  INT_TEXT (owner, owner_id);
  ID_TEXT (folder, folder_id);
  ID_TEXT (photo, photo_id);
  INT_TEXT (max_text, max_live);
  const char *params[] = { owner,
                           folder,
                           photo,
                           token_digest,
                           fields->password_hash,
                           flag (fields->allow_download),
                           fields->label,
                           fields->expires_at,
                           max_text };

  carrete_db_query_async (db, &insert_share, params, cancellable, callback, user_data);
}

void
folders_shares_store_update (CarreteDb *db, gint64 id, gint64 owner_id,
                             const FoldersShareFields *fields, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  INT_TEXT (id_text, id);
  INT_TEXT (owner, owner_id);
  const char *params[] = { id_text,
                           owner,
                           flag (fields->set_label),
                           fields->label,
                           flag (fields->set_expires),
                           fields->expires_at,
                           flag (fields->set_download),
                           flag (fields->allow_download),
                           flag (fields->set_password),
                           fields->password_hash };

  carrete_db_query_async (db, &update_share, params, cancellable, callback, user_data);
}

void
folders_shares_store_delete (CarreteDb *db, gint64 id, gint64 owner_id, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  INT_TEXT (id_text, id);
  INT_TEXT (owner, owner_id);
  const char *params[] = { id_text, owner };

  carrete_db_query_async (db, &delete_share, params, cancellable, callback, user_data);
}

void
folders_shares_store_list (CarreteDb *db, gint64 owner_id, gint64 folder_id, gint64 photo_id,
                           const char *after_key, gint64 after_id, guint limit,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data)
{
  INT_TEXT (owner, owner_id);
  ID_TEXT (folder, folder_id);
  ID_TEXT (photo, photo_id);
  INT_TEXT (after, after_id);
  INT_TEXT (limit_text, limit);
  const char *params[]
      = { owner, folder, photo, after_key, after_key != NULL ? after : NULL, limit_text };

  carrete_db_query_async (db, &list_shares, params, cancellable, callback, user_data);
}

void
folders_shares_store_find (CarreteDb *db, const char *token_digest, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  const char *params[] = { token_digest };

  carrete_db_query_async (db, &find_share, params, cancellable, callback, user_data);
}

void
folders_shares_store_add_uses (CarreteDb *db, const char *ids, const char *counts,
                               const char *times, GAsyncReadyCallback callback,
                               gpointer user_data)
{
  const char *params[] = { ids, counts, times };

  carrete_db_query_async (db, &shares_used, params, NULL, callback, user_data);
}

static char *
text_or_null (PGresult *res, int row, int column)
{
  return PQgetisnull (res, row, column) ? NULL : g_strdup (PQgetvalue (res, row, column));
}

static gint64
int_or_zero (PGresult *res, int row, int column)
{
  return PQgetisnull (res, row, column) ? 0
                                        : g_ascii_strtoll (PQgetvalue (res, row, column), NULL, 10);
}

static FoldersShare *
share_from_row (PGresult *res, int row)
{
  FoldersShare *share = g_new0 (FoldersShare, 1);

  share->id = int_or_zero (res, row, 0);
  share->owner_id = int_or_zero (res, row, 1);
  share->folder_id = int_or_zero (res, row, 2);
  share->photo_id = int_or_zero (res, row, 3);
  share->allow_download = g_str_equal (PQgetvalue (res, row, 4), "t");
  share->label = text_or_null (res, row, 5);
  share->expires_at = text_or_null (res, row, 6);
  share->created_at = text_or_null (res, row, 7);
  share->sort_key = text_or_null (res, row, 8);
  share->use_count = int_or_zero (res, row, 9);
  share->last_used_at = text_or_null (res, row, 10);
  share->password_hash = text_or_null (res, row, 11);
  return share;
}

FoldersShare *
folders_shares_store_share_finish (CarreteDb *db, GAsyncResult *result, GError **error)
{
  return carrete_db_row_finish (db, result, (CarreteDbRowFunc) share_from_row, "No such link.",
                                error);
}

GPtrArray *
folders_shares_store_shares_finish (CarreteDb *db, GAsyncResult *result, GError **error)
{
  return carrete_db_rows_finish (db, result, (CarreteDbRowFunc) share_from_row,
                                 (GDestroyNotify) folders_share_free, error);
}
