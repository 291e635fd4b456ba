#pragma once

#include <gio/gio.h>

#include "app.h"
#include "carrete-caller.h"
#include "model.h"
#include "sniff.h"
#include "upload.h"

G_BEGIN_DECLS

/* The rules of carrete-photos.  Every operation is asynchronous: database
 * work goes through the pool, storage and image work through the worker
 * pool, folder questions to carrete-folders.  Errors are CARRETE_ERROR
 * codes ready to be answered.  A `cancellable` (the request's, which fires
 * when the client hangs up) stops the operation's statements and fails it
 * with G_IO_ERROR_CANCELLED; an upload then cleans up as after any other
 * failure.  Deletions and the sweeper take none: one that has begun is
 * finished, never left half done. */

/* A photo and what the caller may do with it. */
typedef struct
{
  PhotosPhoto *photo;
  gboolean is_owner;        /* the caller owns the photo */
  gboolean is_folder_owner; /* the caller owns its folder: may rename and delete it too */
  gboolean original_withheld; /* read through a link without allow_download: no `url` */
} PhotosAccess;

void photos_access_free (PhotosAccess *access);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhotosAccess, photos_access_free)

/* Before anything is written for the caller: their account still exists
 * (UNAUTHORIZED otherwise, see carrete-accounts.h), and they own
 * `folder_id` (0: no folder) or contribute to it: NOT_FOUND when they
 * cannot see it, FORBIDDEN when they only read it (a public folder of
 * someone else, or one shared with them as a viewer). */
void photos_service_check_folder_async (PhotosApp *app, const CarreteCaller *caller,
                                        gint64 folder_id, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
gboolean photos_service_check_folder_finish (GAsyncResult *result, GError **error);

/* A streamed upload's admission, before any byte of its body is stored:
 * its `pending` row, naming `object_prefix` (where the upload will put the
 * original), with room for `least_size` bytes in the quota (a
 * CARRETE_QUOTA_ERROR when they do not fit).  A crash from then on leaves
 * a row whose deadline lets the sweeper remove it and its objects. */
void photos_service_reserve_streamed_async (PhotosApp *app, gint64 owner_id, gint64 folder_id,
                                            const char *object_prefix, guint64 least_size,
                                            GCancellable *cancellable, GAsyncReadyCallback callback,
                                            gpointer user_data);
PhotosPhoto *photos_service_reserve_streamed_finish (GAsyncResult *result, GError **error);
/* A PhotosUploadAbandonFunc (`app` as its data): the reserved row of an
 * upload that ended before its ingest goes, with whatever its keys hold. */
void photos_service_abandon_streamed (PhotosPhoto *row, gpointer app);

/* A new photo from a streamed upload whose whole body is in (its bytes
 * are in storage but for the last part), with its reserved row
 * (photos_upload_set_row): the original put in place, duplicate check,
 * the row's name, folder and exact size (the quota admits the
 * difference), ready, thumbnails job.  Whatever fails, nothing is left
 * behind.  On a duplicate: CONFLICT, and `*duplicate` is the existing
 * photo. */
typedef struct
{
  gint64 owner_id;
  gint64 folder_id;
  const char *name;
  PhotosUpload *upload; /* the request's; it must outlive the operation */
} PhotosNewPhoto;

void photos_service_ingest_async (PhotosApp *app, PhotosNewPhoto *upload, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
PhotosPhoto *photos_service_ingest_finish (GAsyncResult *result, PhotosPhoto **duplicate,
                                           GError **error);

/* Direct upload: a pending row the client PUTs the bytes for. */
void photos_service_create_pending_async (PhotosApp *app, gint64 owner_id, gint64 folder_id,
                                          const char *name, PhotosType type, guint64 size,
                                          GCancellable *cancellable, GAsyncReadyCallback callback,
                                          gpointer user_data);
PhotosPhoto *photos_service_create_pending_finish (GAsyncResult *result, GError **error);

/* Verifies the PUT object of a pending photo (size, type from its bytes,
 * duplicate check) and makes it ready, its thumbnails job queued in the
 * same statement, as a streamed upload ends; a photo bound for a folder
 * needs the folder to be still there and the caller's. */
void photos_service_complete_async (PhotosApp *app, const CarreteCaller *caller, gint64 photo_id,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data);
PhotosPhoto *photos_service_complete_finish (GAsyncResult *result, PhotosPhoto **duplicate,
                                             GError **error);

/* Resumable uploads: `pending` (taken) is the pending row a completed
 * multipart upload became, its original already assembled in storage.  The
 * same checks as photos_service_complete follow; on any failure the row and
 * its objects are discarded (the upload is gone, nothing is retried). */
void photos_service_complete_assembled_async (PhotosApp *app, const CarreteCaller *caller,
                                              PhotosPhoto *pending, GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
PhotosPhoto *photos_service_complete_assembled_finish (GAsyncResult *result,
                                                       PhotosPhoto **duplicate, GError **error);

/* A ready photo the caller may read (owner, or in a public folder). */
void photos_service_get_async (PhotosApp *app, const CarreteCaller *caller, gint64 photo_id,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data);
PhotosAccess *photos_service_get_finish (GAsyncResult *result, GError **error);

/* A photo read through a share link (`link`'s share and share_password,
 * forwarded to carrete-folders, which decides): the linked photo itself or
 * one in the linked folder, ready and out of the trash; NOT_FOUND for any
 * other.  The link's refusals as folders_client_link_async says, with a
 * 429's Retry-After in *retry_after.  `link` is copied, its strings must
 * live until the callback. */
void photos_service_get_by_link_async (PhotosApp *app, gint64 photo_id, const CarreteForward *link,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data);
PhotosAccess *photos_service_get_by_link_finish (GAsyncResult *result, guint *retry_after,
                                                 GError **error);

/* Rename and/or move: the photo's owner does both, the owner of its folder
 * renames it; FORBIDDEN for anyone else who may read it, and for a move by
 * anyone but the photo's owner. */
void photos_service_update_async (PhotosApp *app, const CarreteCaller *caller, gint64 photo_id,
                                  const char *name, gboolean set_folder, gint64 folder_id,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
PhotosPhoto *photos_service_update_finish (GAsyncResult *result, GError **error);

/* Moves a ready photo to its owner's trash, or with `permanent` removes
 * its row and every object (a pending or half-deleted one is always
 * removed).  A photo in the trash is NOT_FOUND here.
 * The task returns a boolean: carrete_request_answer_no_content answers
 * it. */
void photos_service_delete_async (PhotosApp *app, const CarreteCaller *caller, gint64 photo_id,
                                  gboolean permanent, GAsyncReadyCallback callback,
                                  gpointer user_data);

/* Removes every photo of `owner_id` (in `folder_id` when not 0); with
 * `owner_id` 0, every photo in `folder_id`, whoever owns it (the folder's
 * owner deleting it with its members' photos).
 * The task returns a boolean: carrete_request_answer_no_content answers
 * it. */
void photos_service_delete_all_async (PhotosApp *app, gint64 owner_id, gint64 folder_id,
                                      GAsyncReadyCallback callback, gpointer user_data);

/* Removes, row and objects, the photos in `owner_id`'s trash: those
 * trashed with folder `trashed_with`, or all of them for 0.  The task
 * returns a boolean. */
void photos_service_delete_trashed_async (PhotosApp *app, gint64 owner_id, gint64 trashed_with,
                                          GAsyncReadyCallback callback, gpointer user_data);

/* One page of GET /v1/photos.  The query's owner is filled in here: the
 * caller, or the owner of the (readable) folder being listed.  With `link`
 * (a share link's headers, forwarded to carrete-folders instead of the
 * caller's bearer) the caller is the link's holder, account or not: only
 * the folder the link covers is listed, and a refusal's Retry-After comes
 * back in `retry_after`. */
typedef struct
{
  PhotosQuery query;
  const char *tags;  /* comma-separated, or NULL */
  const char *match;
  const CarreteForward *link;
  guint retry_after;
} PhotosListRequest;

void photos_service_list_async (PhotosApp *app, const CarreteCaller *caller,
                                PhotosListRequest *request, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *photos_service_list_finish (GAsyncResult *result, GError **error);

/* Finishes abandoned uploads and deletions (expired pending rows, stale
 * `deleting` ones); run periodically. */
void photos_service_sweep (PhotosApp *app);
/* Whether a sweep (of any kind) is under way in this process: the drain
 * after SIGTERM waits for it, or its rows would stay claimed for minutes. */
gboolean photos_service_sweep_busy (void);

G_END_DECLS
