#pragma once

#include <gio/gio.h>

#include "app.h"
#include "carrete-caller.h"
#include "resumable-plan.h"
#include "sniff.h"
#include "uploads-store.h"

G_BEGIN_DECLS

/* Resumable uploads (POST /v1/photos/uploads with `resumable`): the rules
 * of the service side.  An upload is an `uploads` row and a multipart
 * upload in storage to the original's key; the client PUTs parts to
 * presigned URLs; complete checks the parts, assembles the object and hands
 * it to the direct upload's complete (ingest.c).  Errors are CARRETE_ERROR
 * codes ready to be answered; another owner's upload is NOT_FOUND. */

/* Creates the multipart upload, then its row (the upload is aborted when
 * the row cannot be written). */
void photos_resumable_create_async (PhotosApp *app, gint64 owner_id, gint64 folder_id,
                                    const char *name, PhotosType type, guint64 size,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data);
PhotosUploadRow *photos_resumable_create_finish (GAsyncResult *result, GError **error);

/* An open upload of the caller's. */
void photos_resumable_find_async (PhotosApp *app, gint64 owner_id, gint64 upload_id,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
PhotosUploadRow *photos_resumable_find_finish (GAsyncResult *result, GError **error);

/* The same with the parts the store holds (CarreteUploadPart *, by
 * number). */
void photos_resumable_status_async (PhotosApp *app, gint64 owner_id, gint64 upload_id,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data);
PhotosUploadRow *photos_resumable_status_finish (GAsyncResult *result, GPtrArray **parts,
                                                 GError **error);

/* The presigned URL of part `number` (bound to its exact length). */
char *photos_resumable_part_url (PhotosApp *app, const PhotosUploadRow *upload, guint number,
                                 gint64 now, GError **error);

/* Checks `listed` (PhotosListedPart, taken) against the store: INVALID
 * naming the first wrong part (*bad_part, see photos_resumable_check_parts)
 * and the upload stays open.  Then assembles, and the photo becomes ready
 * as a direct upload's does: UNSUPPORTED when the bytes are not the
 * declared type, CONFLICT with `*duplicate` for the same bytes in the
 * folder (the object removed in both cases). */
void photos_resumable_complete_async (PhotosApp *app, const CarreteCaller *caller, gint64 upload_id,
                                      GArray *listed, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
PhotosPhoto *photos_resumable_complete_finish (GAsyncResult *result, PhotosPhoto **duplicate,
                                               guint *bad_part, GError **error);

/* DELETE: aborts at once.  The task returns a boolean:
 * carrete_request_answer_no_content answers it. */
void photos_resumable_abort_async (PhotosApp *app, gint64 owner_id, gint64 upload_id,
                                   GAsyncReadyCallback callback, gpointer user_data);

/* Aborts uploads past their deadline (storage first, then the rows); run
 * by photos_service_sweep. */
void photos_resumable_sweep (PhotosApp *app);
gboolean photos_resumable_sweep_busy (void);

G_END_DECLS
