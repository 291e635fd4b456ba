#pragma once

#include <gio/gio.h>

#include "carrete-client-types.h"
#include "carrete-upload.h"

G_BEGIN_DECLS

#define CARRETE_TYPE_UPLOAD_QUEUE (carrete_upload_queue_get_type ())
G_DECLARE_FINAL_TYPE (CarreteUploadQueue, carrete_upload_queue, CARRETE, UPLOAD_QUEUE, GObject)

/* A GListModel of CarreteUpload, in the order added.  Runs "max-parallel"
 * uploads at a time (default 3).  Each goes the direct presigned way
 * (POST /v1/photos/uploads → PUT streamed from disk → complete) and falls
 * back to the streamed POST /v1/photos when the direct way is refused or
 * unavailable.  While the client is signed out nothing starts; an upload
 * stopped by an expired session goes back to QUEUED and starts again once
 * the client is signed in, so the list survives a new sign-in.
 *
 * Properties: client, max-parallel, n-active (uploading now), n-pending
 * (queued or uploading), use-direct (default TRUE; FALSE forces the streamed
 * route).
 * Large files go the resumable way (carrete-upload-record.h): once the
 * client is signed in, the unfinished resumable uploads an earlier run left
 * for this server and account join the queue and resume; one that cannot
 * (its file changed or is gone, or the server dropped it) ends FAILED with
 * a message saying so (carrete_upload_get_resumed() tells them apart).
 *
 * Signals: "photo-uploaded" (CarreteUpload *upload, CarretePhoto *photo)
 * when one is DONE; "upload-finished" (CarreteUpload *upload) when one ends
 * in any way. */
CarreteUploadQueue *carrete_upload_queue_new (CarreteClient *client);

CarreteClient *carrete_upload_queue_get_client (CarreteUploadQueue *self);
guint carrete_upload_queue_get_max_parallel (CarreteUploadQueue *self);
void carrete_upload_queue_set_max_parallel (CarreteUploadQueue *self, guint max_parallel);
gboolean carrete_upload_queue_get_use_direct (CarreteUploadQueue *self);
void carrete_upload_queue_set_use_direct (CarreteUploadQueue *self, gboolean use_direct);
guint carrete_upload_queue_get_n_active (CarreteUploadQueue *self);
guint carrete_upload_queue_get_n_pending (CarreteUploadQueue *self);

/* Queues `file` (a regular file; the app expands directories) into
 * `folder_id` (NULL: no folder).  Returns the upload (owned by the queue).
 * A local problem (missing, unreadable, empty, not a regular file) makes it
 * FAILED with CARRETE_CLIENT_ERROR_LOCAL_FILE without contacting the server. */
CarreteUpload *carrete_upload_queue_add_file (CarreteUploadQueue *self, GFile *file,
                                              const char *folder_id);
/* Stops a queued or running upload (→ CANCELLED; nothing left half-made on
 * the server).  Finished uploads are left alone. */
void carrete_upload_queue_cancel (CarreteUploadQueue *self, CarreteUpload *upload);
void carrete_upload_queue_cancel_all (CarreteUploadQueue *self);
/* The app is closing: stops the running uploads, leaving the resumable ones
 * (files over carrete_upload_resumable_threshold()) on the server and on
 * disk for the next run to finish.  Disposing of the queue does the same. */
void carrete_upload_queue_suspend_all (CarreteUploadQueue *self);
/* Queues a FAILED or CANCELLED upload again, from the first byte (a
 * resumable one from the parts the server has). */
void carrete_upload_queue_retry (CarreteUploadQueue *self, CarreteUpload *upload);
/* Removes DONE and CANCELLED uploads from the list. */
void carrete_upload_queue_clear_finished (CarreteUploadQueue *self);

G_END_DECLS
