#pragma once

#include "carrete-db.h"
#include "store.h"

G_BEGIN_DECLS

/* The `uploads` table of resumable uploads (sql/photos/003_uploads.sql):
 * one prepared statement per function, through the photos store's pool,
 * as store.h does for photos. */
typedef struct
{
  gint64 id;
  gint64 owner_id;
  gint64 folder_id; /* 0: in no folder */
  char *name;
  char *object_prefix;
  char *content_type;
  gint64 size;
  gint64 part_size;
  guint part_count;
  char *storage_upload_id;
  char *state;      /* "open", "completing", "aborting" */
  gint64 expires_at; /* µs since the epoch (carrete-time.h); clients are told it in seconds */
} PhotosUploadRow;

void photos_upload_row_free (PhotosUploadRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhotosUploadRow, photos_upload_row_free)

typedef struct
{
  gint64 owner_id;
  gint64 folder_id;
  const char *name;
  const char *object_prefix;
  const char *content_type;
  gint64 size;
  gint64 part_size;
  guint part_count;
  const char *storage_upload_id;
  guint expires_in; /* seconds */
} PhotosNewUploadRow;

/* Admitted against the owner's quota (its own, else `default_quota`): the
 * finisher fails with a CARRETE_QUOTA_ERROR when it does not fit. */
void photos_uploads_insert (CarreteDb *db, const PhotosNewUploadRow *row, gint64 default_quota,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data);
PhotosUploadRow *photos_uploads_insert_finish (GAsyncResult *result, GError **error);
/* An open, unexpired upload of `owner_id`. */
void photos_uploads_find_open (CarreteDb *db, gint64 id, gint64 owner_id, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
/* open → completing, with `expires_in` seconds to finish before the sweeper
 * takes it; back to open (with its old deadline) when the complete fails
 * before the object is assembled. */
void photos_uploads_claim_complete (CarreteDb *db, gint64 id, gint64 owner_id, guint expires_in,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data);
void photos_uploads_release (CarreteDb *db, gint64 id, gint64 expires_at,
                             GAsyncReadyCallback callback, gpointer user_data);
/* (completing → a pending photo: photos_store_insert_from_upload.) */
/* open → aborting (DELETE), or expired ones of any state → aborting with
 * a few minutes for the sweeper to finish them; then the rows go. */
void photos_uploads_begin_abort (CarreteDb *db, gint64 id, gint64 owner_id,
                                 GAsyncReadyCallback callback, gpointer user_data);
void photos_uploads_begin_sweep (CarreteDb *db, guint limit, GAsyncReadyCallback callback,
                                 gpointer user_data);
void photos_uploads_delete_rows (CarreteDb *db, GArray *ids, GAsyncReadyCallback callback,
                                 gpointer user_data);

/* Finishers: NOT_FOUND ("No such upload.") on no row. */
PhotosUploadRow *photos_uploads_row_finish (CarreteDb *db, GAsyncResult *result, GError **error);
GPtrArray *photos_uploads_rows_finish (CarreteDb *db, GAsyncResult *result, GError **error);

G_END_DECLS
