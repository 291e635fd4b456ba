#pragma once

#include <gtk/gtk.h>

#include "carrete-client-types.h"
#include "carrete-types.h"

G_BEGIN_DECLS

/* The photo viewer: the 1280 px preview (then nothing more: the original
 * can be tens of megabytes), its metadata, rename, move to a folder,
 * previous / next through the gallery's selection, and delete (the window
 * does the undo toast).  Signals: ::close, ::delete (CarretePhoto),
 * ::changed (CarretePhoto, renamed or moved). */
#define CARRETE_TYPE_VIEWER (carrete_viewer_get_type ())
G_DECLARE_FINAL_TYPE (CarreteViewer, carrete_viewer, CARRETE, VIEWER, GtkWidget)

void carrete_viewer_set_client (CarreteViewer *self, CarreteClient *client);
/* The gallery's selection; the viewer shows its selected photo. */
void carrete_viewer_set_selection (CarreteViewer *self, GtkSingleSelection *selection);
/* The folders a photo can be moved to (a GListModel of CarreteFolder). */
void carrete_viewer_set_folders (CarreteViewer *self, GListModel *folders);
CarretePhoto *carrete_viewer_get_photo (CarreteViewer *self);
/* Shows the selection's photo again (after the selection moved). */
void carrete_viewer_update (CarreteViewer *self);
/* TRUE once the preview is shown. */
gboolean carrete_viewer_has_image (CarreteViewer *self);
/* Renames the photo, as the name field's Apply button does. */
void carrete_viewer_rename (CarreteViewer *self, const char *name);
/* Moves the photo into the folder `folder_id` (NULL: out of any folder). */
void carrete_viewer_move (CarreteViewer *self, const char *folder_id);

G_END_DECLS
