#pragma once

#include <gio/gio.h>

#include "carrete-client-types.h"

G_BEGIN_DECLS

typedef enum
{
  CARRETE_UPLOAD_QUEUED,
  CARRETE_UPLOAD_UPLOADING,
  CARRETE_UPLOAD_COMPLETING, /* bytes sent; the server checks them */
  CARRETE_UPLOAD_DONE,
  CARRETE_UPLOAD_FAILED,     /* see "error"; retryable */
  CARRETE_UPLOAD_CANCELLED,  /* retryable too */
} CarreteUploadState;

#define CARRETE_TYPE_UPLOAD_STATE (carrete_upload_state_get_type ())
GType carrete_upload_state_get_type (void);

#define CARRETE_TYPE_UPLOAD (carrete_upload_get_type ())
G_DECLARE_FINAL_TYPE (CarreteUpload, carrete_upload, CARRETE, UPLOAD, GObject)

/* One file to upload, driven by a CarreteUploadQueue.  Read-only properties
 * (notified on the main context): file, name (the file's basename), folder-id,
 * state, bytes-sent, bytes-total (the file's size once known), fraction
 * (0..1), error (GError, boxed; NULL unless FAILED), photo (CarretePhoto
 * once DONE), existing-id (the photo that already has these bytes, on a
 * duplicate). */
CarreteUpload *carrete_upload_new (GFile *file, const char *folder_id);

GFile *carrete_upload_get_file (CarreteUpload *self);
const char *carrete_upload_get_name (CarreteUpload *self);
const char *carrete_upload_get_folder_id (CarreteUpload *self);
CarreteUploadState carrete_upload_get_state (CarreteUpload *self);
guint64 carrete_upload_get_bytes_sent (CarreteUpload *self);
guint64 carrete_upload_get_bytes_total (CarreteUpload *self);
double carrete_upload_get_fraction (CarreteUpload *self);
const GError *carrete_upload_get_error (CarreteUpload *self);
CarretePhoto *carrete_upload_get_photo (CarreteUpload *self);
const char *carrete_upload_get_existing_id (CarreteUpload *self);
/* TRUE for an upload begun by an earlier run of the app and resumed from
 * its record (carrete-upload-record.h). */
gboolean carrete_upload_get_resumed (CarreteUpload *self);
/* TRUE when the upload ended (DONE, FAILED or CANCELLED). */
gboolean carrete_upload_is_finished (CarreteUpload *self);

G_END_DECLS
