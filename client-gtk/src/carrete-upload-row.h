#pragma once

#include <gtk/gtk.h>

#include "carrete-client-types.h"
#include "carrete-types.h"

G_BEGIN_DECLS

/* One upload in the uploads panel: name, exact progress (bytes sent of
 * bytes total), state or error, and Cancel / Retry. */
#define CARRETE_TYPE_UPLOAD_ROW (carrete_upload_row_get_type ())
G_DECLARE_FINAL_TYPE (CarreteUploadRow, carrete_upload_row, CARRETE, UPLOAD_ROW, GtkWidget)

/* Rows are recycled by the uploads list: set_upload rebinds (NULL unbinds). */
GtkWidget *carrete_upload_row_new (CarreteUploadQueue *queue);
void carrete_upload_row_set_upload (CarreteUploadRow *self, CarreteUpload *upload);
CarreteUpload *carrete_upload_row_get_upload (CarreteUploadRow *self);
const char *carrete_upload_row_get_status (CarreteUploadRow *self);

/* A sentence about the upload's state ("Uploaded", "Already uploaded", the
 * server's reason for a failure). */
char *carrete_upload_describe (CarreteUpload *upload);

G_END_DECLS
