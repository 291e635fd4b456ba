#pragma once

#include <adwaita.h>

#include "carrete-client-lib.h"

G_BEGIN_DECLS

/* The Watched Folders dialog: the watcher's folders (path, target folder,
 * the "delete on the server too" switch, remove), Add Folder… (a folder
 * chooser; its images go to the folder picked in "Upload To"), and Start
 * at Login (carrete-background.h).  Changes are saved at once. */
#define CARRETE_TYPE_WATCHED_DIALOG (carrete_watched_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CarreteWatchedDialog, carrete_watched_dialog, CARRETE, WATCHED_DIALOG,
                      AdwWindow)

/* `folders`: the user's own folders (CarreteFolder), the targets offered. */
CarreteWatchedDialog *carrete_watched_dialog_new (GtkWindow *parent, CarreteWatcher *watcher,
                                                  GListModel *folders);
/* What Add Folder… does once a directory is chosen (also for the tests):
 * adds `path` with the target picked; FALSE and a message in the dialog
 * when the watcher refuses it. */
gboolean carrete_watched_dialog_add (CarreteWatchedDialog *self, const char *path);
/* Picks the target of the next folder added (NULL: no folder). */
void carrete_watched_dialog_set_target (CarreteWatchedDialog *self, const char *folder_id);
/* The error shown, or NULL. */
const char *carrete_watched_dialog_get_error (CarreteWatchedDialog *self);

G_END_DECLS
