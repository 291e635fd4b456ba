#pragma once

#include "carrete-db.h"
#include "model.h"

G_BEGIN_DECLS

/* SQL for the photos database, and nothing else: each function sends one
 * prepared statement through the async pool; the *_finish functions turn
 * results into model values (a statement run only for its effect ends with
 * carrete_db_answer_done).  A `cancellable` (may be NULL) that fires
 * stops the statement, queued or running, and its finisher fails with
 * G_IO_ERROR_CANCELLED, even when the statement had just finished: a
 * cancelled write may or may not have happened. */
typedef struct _PhotosStore PhotosStore;

typedef enum
{
  PHOTOS_SORT_TAKEN_AT,
  PHOTOS_SORT_UPLOADED_AT,
  PHOTOS_SORT_NAME,
} PhotosSort;

/* A page request of GET /v1/photos, already validated. */
typedef struct
{
  gint64 owner_id;         /* 0: anyone's (listing one folder) */
  gint64 folder_id;        /* 0: any */
  GArray *folder_ids;      /* gint64, or NULL: no folder restriction (from tags) */
  const char *name_like;   /* substring, matched case-insensitively; NULL: any */
  gint64 from;             /* shot_at bounds (µs, see carrete-time.h), or CARRETE_TIME_NONE */
  gint64 to;
  PhotosSort sort;
  gboolean descending;
  /* Keyset position: the last row's id (0 for the first page), and its
   * sort_time, or its name when sorted by name. */
  gint64 after_id;
  gint64 after_time;
  const char *after_name;
  guint limit;             /* rows to fetch */
} PhotosQuery;

PhotosStore *photos_store_new (CarreteDb *db);
void photos_store_free (PhotosStore *store);

/* A pending photo of `size` bytes, admitted against the owner's quota
 * (its own, else `default_quota`; 0 = none): the finisher fails with a
 * CARRETE_QUOTA_ERROR when it does not fit. */
void photos_store_insert_pending (PhotosStore *store, gint64 owner_id, gint64 folder_id,
                                  const char *name, const char *object_prefix,
                                  const char *content_type, gint64 size, guint expires_in,
                                  gint64 default_quota, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
PhotosPhoto *photos_store_insert_pending_finish (GAsyncResult *result, GError **error);
/* A streamed upload's pending `row` (reserved with its least size) takes
 * its name, folder, type and exact size, the difference admitted by the
 * quota.  The finisher is photos_store_insert_pending_finish: a
 * CARRETE_QUOTA_ERROR when there is no row, which is also what a row that
 * is no longer pending gives (the caller tells them apart). */
void photos_store_settle_pending (PhotosStore *store, const PhotosPhoto *row, gint64 folder_id,
                                  const char *name, const char *content_type, gint64 size,
                                  gint64 default_quota, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
/* A resumable upload (`uploads` row `upload_id`, being completed) becomes a
 * pending photo expiring in `expires_in` seconds, in one statement: the
 * upload row goes, the photo row comes.  NOT_FOUND when the upload is not
 * being completed any more. */
void photos_store_insert_from_upload (PhotosStore *store, gint64 upload_id, guint expires_in,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data);
/* pending → ready with what the bytes told, and a thumbnails job queued
 * (the photo's thumbnails are `pending` until it has run); no row if it
 * is not pending any more. */
void photos_store_mark_ready (PhotosStore *store, gint64 id, const char *content_type, gint64 size,
                              const char *sha256_hex, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data);
void photos_store_find (PhotosStore *store, gint64 id, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data);
/* photos_store_find for the complete of a direct upload: the photo's
 * `url_expired` says whether its PUT URL has run out (its row outlives the
 * URL by `grace` seconds). */
void photos_store_find_pending_upload (PhotosStore *store, gint64 id, guint grace,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data);
/* Claims the pending photo `id` for one complete for `seconds` (then
 * another may claim it); photos_store_changed_finish says 1, or 0 while
 * another complete holds it.  Release lets the next complete in at once. */
void photos_store_claim_complete (PhotosStore *store, gint64 id, guint seconds,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
void photos_store_release_complete (PhotosStore *store, gint64 id, GAsyncReadyCallback callback,
                                    gpointer user_data);
/* Of `prefixes_array` (a text[] literal), those of pending photos, one a
 * row (photos_store_result_finish). */
void photos_store_pending_prefixes (PhotosStore *store, const char *prefixes_array,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data);
/* A ready photo of `owner_id` in `folder_id` (0: none) with these bytes. */
void photos_store_find_duplicate (PhotosStore *store, gint64 owner_id, gint64 folder_id,
                                  const char *sha256_hex, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
/* `name` NULL keeps it; `set_folder` FALSE keeps the folder, TRUE sets it
 * to `folder_id` (0: out of any folder). */
void photos_store_update (PhotosStore *store, gint64 id, const char *name, gboolean set_folder,
                          gint64 folder_id, GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data);
/* Marks photos `deleting` (so no client sees them again) and returns them:
 * one photo, a batch of an owner's (optionally in one folder; rows another
 * deletion claimed are skipped), or a batch of expired unfinished ones for
 * the sweeper. */
void photos_store_begin_delete (PhotosStore *store, gint64 id, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
void photos_store_begin_delete_batch (PhotosStore *store, gint64 owner_id, gint64 folder_id,
                                      guint limit, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
void photos_store_begin_sweep (PhotosStore *store, guint limit, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
/* Removes rows once their objects are gone, except those whose thumbnails
 * job is running: that job finishes their deletion (store.c). */
void photos_store_delete_rows (PhotosStore *store, GArray *ids, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
void photos_store_list (PhotosStore *store, const PhotosQuery *query, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data);

/* The trash (006_trash.sql).  trash: a ready photo of `owner_id` becomes
 * trashed, to be purged by the sweeper in `days` (no row if it is not
 * ready or not theirs); trash_folder: every ready photo of theirs in the
 * folder, marked as trashed with it (photos_store_changed_finish). */
void photos_store_trash (PhotosStore *store, gint64 id, gint64 owner_id, guint days,
                         GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data);
void photos_store_trash_folder (PhotosStore *store, gint64 owner_id, gint64 folder_id, guint days,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data);
/* `limit` trashed photos, newest first, after the keyset position
 * (`before_time`, µs, CARRETE_TIME_NONE for the first page; `before_id`). */
void photos_store_list_trash (PhotosStore *store, gint64 owner_id, gint64 before_time,
                              gint64 before_id, guint limit, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data);
/* One row when the owner's trash holds a photo (photos_store_result_finish). */
void photos_store_any_trashed (PhotosStore *store, gint64 owner_id, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
/* Back to ready in `folder_id` (0: none); NOT_FOUND when it is not in the
 * owner's trash, CONFLICT when its twin is there now. */
void photos_store_restore (PhotosStore *store, gint64 id, gint64 owner_id, gint64 folder_id,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data);
/* The photos trashed with folder `folder_id`; photos_store_result_finish:
 * one row, their count. */
void photos_store_restore_folder (PhotosStore *store, gint64 owner_id, gint64 folder_id,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
/* As begin_delete, for trashed photos only: one, or a batch of the
 * owner's trash (those trashed with folder `trashed_with`, or all for 0). */
void photos_store_begin_delete_trashed (PhotosStore *store, gint64 id, gint64 owner_id,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data);
void photos_store_begin_delete_trash_batch (PhotosStore *store, gint64 owner_id,
                                            gint64 trashed_with, guint limit,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data);

/* A PostgreSQL array literal of ids (gint64): "{1,2,3}". */
char *photos_store_id_array (GArray *ids);

/* Finishers.  photos_store_photo_finish fails with NOT_FOUND on no row. */
gint64 photos_store_changed_finish (PhotosStore *store, GAsyncResult *result, GError **error);
PGresult *photos_store_result_finish (PhotosStore *store, GAsyncResult *result, GError **error);
PhotosPhoto *photos_store_photo_finish (PhotosStore *store, GAsyncResult *result, GError **error);
GPtrArray *photos_store_photos_finish (PhotosStore *store, GAsyncResult *result, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhotosStore, photos_store_free)

G_END_DECLS
