#pragma once

#include <adwaita.h>

#include "carrete-client-types.h"
#include "carrete-types.h"

G_BEGIN_DECLS

/* The trash: the account's deleted photos and folders (GET /v1/trash), each
 * row with Restore and Delete for Good, and Empty Trash (after a yes) in
 * the header bar.  Signal ::changed after anything came back or went for
 * good (the gallery reloads then); ::loaded whenever the list is rebuilt. */
#define CARRETE_TYPE_TRASH_WINDOW (carrete_trash_window_get_type ())
G_DECLARE_FINAL_TYPE (CarreteTrashWindow, carrete_trash_window, CARRETE, TRASH_WINDOW, AdwWindow)

/* Loads the list at once. */
CarreteTrashWindow *carrete_trash_window_new (GtkWindow *parent, CarreteClient *client);
void carrete_trash_window_reload (CarreteTrashWindow *self);

/* What the tests read and drive, in the same calls the buttons make. */
gboolean carrete_trash_window_get_loading (CarreteTrashWindow *self);
/* The items shown (CarreteTrashItem). */
GListModel *carrete_trash_window_get_items (CarreteTrashWindow *self);
/* Whether an item shown has the id `id`. */
gboolean carrete_trash_window_holds (CarreteTrashWindow *self, const char *id);
void carrete_trash_window_restore (CarreteTrashWindow *self, const char *id);
void carrete_trash_window_delete (CarreteTrashWindow *self, const char *id);
/* Empty Trash once the person said yes. */
void carrete_trash_window_empty (CarreteTrashWindow *self);
/* The last message shown (an error, or what was done), or NULL. */
const char *carrete_trash_window_get_last_message (CarreteTrashWindow *self);

G_END_DECLS
