#pragma once

#include <gtk/gtk.h>

#include "carrete-client-types.h"
#include "carrete-types.h"

G_BEGIN_DECLS

/* The panel under the gallery that lists an upload queue (one recycled
 * CarreteUploadRow per visible upload), says how many files are left and
 * clears the finished ones (its action "uploads.clear-finished").  It is
 * revealed while the queue holds any upload. */
#define CARRETE_TYPE_UPLOADS_PANEL (carrete_uploads_panel_get_type ())
G_DECLARE_FINAL_TYPE (CarreteUploadsPanel, carrete_uploads_panel, CARRETE, UPLOADS_PANEL, GtkWidget)

/* The queue shown (NULL: none; the panel hides). */
void carrete_uploads_panel_set_queue (CarreteUploadsPanel *self, CarreteUploadQueue *queue);

G_END_DECLS
