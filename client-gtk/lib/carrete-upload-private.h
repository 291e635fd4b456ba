#pragma once

#include "carrete-upload.h"
#include "carrete-upload-record.h"

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
/* Takes back bytes counted as sent (a part that has to go again). */
void _carrete_upload_take_back (CarreteUpload *self, guint64 bytes);
/* An upload of `record`'s file that resumes `record`'s upload. */
CarreteUpload *_carrete_upload_new_resumed (const CarreteUploadRecord *record);
/* The resumable upload begun on the server (copied), NULL when none: a
 * retry resumes it. */
const CarreteUploadRecord *_carrete_upload_get_record (CarreteUpload *self);
void _carrete_upload_set_record (CarreteUpload *self, const CarreteUploadRecord *record);
/* Set when the app closes: a cancel then leaves a resumable upload on the
 * server and on disk for the next run, instead of aborting it.  Cleared by
 * _carrete_upload_new_run. */
gboolean _carrete_upload_get_keep_on_cancel (CarreteUpload *self);
void _carrete_upload_set_keep_on_cancel (CarreteUpload *self, gboolean keep);

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

/* The resumable way (carrete-upload-resumable.c), for a file of `size`
 * bytes modified at `mtime_us`: resumes the upload's record when it has
 * one, else begins a new upload of `content_type`.  Finishes with the
 * photo; G_IO_ERROR_NOT_SUPPORTED when the server has no resumable uploads
 * (nothing was made: go the direct way). */
void _carrete_upload_resumable_async (CarreteUpload *upload, CarreteClient *client, guint64 size,
                                      gint64 mtime_us, const char *content_type,
                                      GAsyncReadyCallback callback, gpointer user_data);
CarretePhoto *_carrete_upload_resumable_finish (CarreteUpload *upload, GAsyncResult *result,
                                                GError **error);

G_END_DECLS
