#pragma once

#include <adwaita.h>

#include "carrete-client-types.h"
#include "carrete-types.h"

G_BEGIN_DECLS

/* Create a folder, or edit one (name, visibility, tags).  The server's
 * reason for refusing a name is shown in the dialog, which stays open;
 * ::saved (CarreteFolder) is emitted and the dialog closes on success. */
#define CARRETE_TYPE_FOLDER_DIALOG (carrete_folder_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CarreteFolderDialog, carrete_folder_dialog, CARRETE, FOLDER_DIALOG, AdwWindow)

/* `folder` NULL: a new folder. */
CarreteFolderDialog *carrete_folder_dialog_new (GtkWindow *parent, CarreteClient *client,
                                                CarreteFolder *folder);
void carrete_folder_dialog_fill (CarreteFolderDialog *self, const char *name,
                                 gboolean is_public, const char *tags);
void carrete_folder_dialog_submit (CarreteFolderDialog *self);
gboolean carrete_folder_dialog_get_busy (CarreteFolderDialog *self);
/* The error shown, or NULL. */
const char *carrete_folder_dialog_get_error (CarreteFolderDialog *self);

G_END_DECLS
