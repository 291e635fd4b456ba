#pragma once

#include "carrete-upload.h"

G_BEGIN_DECLS

/* Driven by CarreteUploadQueue only. */
void _carrete_upload_set_state (CarreteUpload *self, CarreteUploadState state);
void _carrete_upload_set_total (CarreteUpload *self, guint64 bytes_total);
void _carrete_upload_reset_progress (CarreteUpload *self);
void _carrete_upload_add_sent (CarreteUpload *self, guint64 bytes);
/* Takes `error`; FAILED. */
void _carrete_upload_fail (CarreteUpload *self, GError *error);
/* DONE with `photo`. */
void _carrete_upload_succeed (CarreteUpload *self, CarretePhoto *photo);
/* The cancellable of the current run (a new one per run). */
GCancellable *_carrete_upload_get_cancellable (CarreteUpload *self);
void _carrete_upload_new_run (CarreteUpload *self);

G_END_DECLS

G_BEGIN_DECLS

/* One run of an upload (carrete-upload-job.c): local checks, then the direct
 * way or the streamed one; updates the upload's state and progress, and
 * finishes with the photo.  On failure anything made on the server is
 * removed before it finishes.  The source object is `upload`. */
void _carrete_upload_run_async (CarreteUpload *upload, CarreteClient *client, gboolean use_direct,
                                GAsyncReadyCallback callback, gpointer user_data);
CarretePhoto *_carrete_upload_run_finish (CarreteUpload *upload, GAsyncResult *result,
                                          GError **error);

G_END_DECLS
