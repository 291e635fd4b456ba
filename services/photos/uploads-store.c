#define G_LOG_DOMAIN "carrete-photos-store"

#include "uploads-store.h"

#include "carrete-error.h"
#include "quota-store.h"

#define UPLOAD_COLUMNS                                                                             \
  "id, owner_id, folder_id, name, object_prefix, content_type, size, part_size, part_count,"       \
  " storage_upload_id, state, " PHOTOS_SQL_MICROS ("expires_at")

/* Its announced size is its room in the account's quota (005_quotas.sql):
 * no row when it does not fit ($11 is the default quota). */
static const CarreteStatement insert_upload = {
  "uploads_insert",
  "INSERT INTO uploads (owner_id, folder_id, name, object_prefix, content_type, size, part_size,"
  "   part_count, storage_upload_id, expires_at)"
  " SELECT $1::bigint, $2::bigint, $3::text, $4::text, $5::text, $6::bigint, $7::bigint,"
  "   $8::integer, $9::text, now() + make_interval(secs => $10::integer)"
  " WHERE usage_admits($1::bigint, $6::bigint, $11::bigint)"
  " RETURNING " UPLOAD_COLUMNS,
  11,
};

/* Expiry is decided here, by the database's clock, as the sweeper's is. */
static const CarreteStatement find_open = {
  "uploads_find_open",
  "SELECT " UPLOAD_COLUMNS " FROM uploads WHERE id = $1 AND owner_id = $2 AND state = 'open'"
  " AND expires_at > now()",
  2,
};

static const CarreteStatement claim_complete = {
  "uploads_claim_complete",
  "UPDATE uploads SET state = 'completing', expires_at = now() + make_interval(secs => $3)"
  " WHERE id = $1 AND owner_id = $2 AND state = 'open' AND expires_at > now()"
  " RETURNING " UPLOAD_COLUMNS,
  3,
};

static const CarreteStatement release = {
  "uploads_release",
  "UPDATE uploads SET state = 'open', expires_at = $2::timestamptz"
  " WHERE id = $1 AND state = 'completing'",
  2,
};

static const CarreteStatement begin_abort = {
  "uploads_begin_abort",
  "UPDATE uploads SET state = 'aborting', expires_at = now()"
  " WHERE id = $1 AND owner_id = $2 AND state = 'open' AND expires_at > now()"
  " RETURNING " UPLOAD_COLUMNS,
  2,
};

/* Five minutes for the storage calls before another sweep may retry. */
static const CarreteStatement begin_sweep = {
  "uploads_begin_sweep",
  "UPDATE uploads SET state = 'aborting', expires_at = now() + interval '5 minutes'"
  " WHERE id IN (SELECT id FROM uploads WHERE expires_at < now() ORDER BY expires_at"
  "   LIMIT $1 FOR UPDATE SKIP LOCKED)"
  " RETURNING " UPLOAD_COLUMNS,
  1,
};

static const CarreteStatement delete_rows = {
  "uploads_delete_rows",
  "DELETE FROM uploads WHERE id = ANY ($1::bigint[]) AND state = 'aborting'",
  1,
};

void
photos_upload_row_free (PhotosUploadRow *row)
{
  if (row == NULL)
    return;
  g_free (row->name);
  g_free (row->object_prefix);
  g_free (row->content_type);
  g_free (row->storage_upload_id);
  g_free (row->state);
  g_free (row);
}

/* Column order: UPLOAD_COLUMNS. */
static gpointer
upload_from_row (PGresult *result, int row)
{
  PhotosUploadRow *upload = g_new0 (PhotosUploadRow, 1);

  upload->id = photos_row_int (result, row, 0);
  upload->owner_id = photos_row_int (result, row, 1);
  upload->folder_id = photos_row_int (result, row, 2);
  upload->name = photos_row_text (result, row, 3);
  upload->object_prefix = photos_row_text (result, row, 4);
  upload->content_type = photos_row_text (result, row, 5);
  upload->size = photos_row_int (result, row, 6);
  upload->part_size = photos_row_int (result, row, 7);
  upload->part_count = (guint) photos_row_int (result, row, 8);
  upload->storage_upload_id = photos_row_text (result, row, 9);
  upload->state = photos_row_text (result, row, 10);
  upload->expires_at = photos_row_time (result, row, 11);
  return upload;
}

void
photos_uploads_insert (CarreteDb *db, const PhotosNewUploadRow *row, gint64 default_quota,
                       GCancellable *cancellable, GAsyncReadyCallback callback,
                       gpointer user_data)
{
  INT_TEXT (owner, row->owner_id);
  INT_TEXT (size, row->size);
  INT_TEXT (part_size, row->part_size);
  INT_TEXT (part_count, row->part_count);
  INT_TEXT (expires, row->expires_in);
  g_autofree char *folder
      = row->folder_id != 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, row->folder_id) : NULL;
  INT_TEXT (quota, default_quota);
  const char *params[] = { owner, folder,    row->name,  row->object_prefix,     row->content_type,
                           size,  part_size, part_count, row->storage_upload_id, expires,
                           quota };

  photos_quota_store_insert (db, &insert_upload, params, upload_from_row,
                             (GDestroyNotify) photos_upload_row_free, row->owner_id, row->size,
                             default_quota, cancellable, callback, user_data);
}

PhotosUploadRow *
photos_uploads_insert_finish (GAsyncResult *result, GError **error)
{
  return photos_quota_store_insert_finish (result, error);
}

void
photos_uploads_find_open (CarreteDb *db, gint64 id, gint64 owner_id, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  INT_TEXT (id_text, id);
  INT_TEXT (owner, owner_id);
  const char *params[] = { id_text, owner };

  carrete_db_query_async (db, &find_open, params, cancellable, callback, user_data);
}

void
photos_uploads_claim_complete (CarreteDb *db, gint64 id, gint64 owner_id, guint expires_in,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data)
{
  INT_TEXT (id_text, id);
  INT_TEXT (owner, owner_id);
  INT_TEXT (expires, expires_in);
  const char *params[] = { id_text, owner, expires };

  carrete_db_query_async (db, &claim_complete, params, cancellable, callback, user_data);
}

void
photos_uploads_release (CarreteDb *db, gint64 id, gint64 expires_at, GAsyncReadyCallback callback,
                        gpointer user_data)
{
  INT_TEXT (id_text, id);
  g_autofree char *expires = carrete_time_to_string (expires_at, CARRETE_TIME_MICROSECONDS);
  const char *params[] = { id_text, expires };

  carrete_db_query_async (db, &release, params, NULL, callback, user_data);
}

void
photos_uploads_begin_abort (CarreteDb *db, gint64 id, gint64 owner_id, GAsyncReadyCallback callback,
                            gpointer user_data)
{
  INT_TEXT (id_text, id);
  INT_TEXT (owner, owner_id);
  const char *params[] = { id_text, owner };

  carrete_db_query_async (db, &begin_abort, params, NULL, callback, user_data);
}

void
photos_uploads_begin_sweep (CarreteDb *db, guint limit, GAsyncReadyCallback callback,
                            gpointer user_data)
{
  INT_TEXT (limit_text, limit);
  const char *params[] = { limit_text };

  carrete_db_query_async (db, &begin_sweep, params, NULL, callback, user_data);
}

void
photos_uploads_delete_rows (CarreteDb *db, GArray *ids, GAsyncReadyCallback callback,
                            gpointer user_data)
{
  g_autofree char *array = photos_store_id_array (ids);
  const char *params[] = { array };

  carrete_db_query_async (db, &delete_rows, params, NULL, callback, user_data);
}

PhotosUploadRow *
photos_uploads_row_finish (CarreteDb *db, GAsyncResult *result, GError **error)
{
  return carrete_db_row_finish (db, result, upload_from_row, "No such upload.", error);
}

GPtrArray *
photos_uploads_rows_finish (CarreteDb *db, GAsyncResult *result, GError **error)
{
  return carrete_db_rows_finish (db, result, upload_from_row,
                                 (GDestroyNotify) photos_upload_row_free, error);
}
