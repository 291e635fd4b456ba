#pragma once

#include <gtk/gtk.h>

#include "carrete-client-types.h"
#include "carrete-folder-store.h"
#include "carrete-types.h"

G_BEGIN_DECLS

/* The gallery's left pane: a header bar (New Folder) over the folders of a
 * CarreteFolderStore — All Photos, the user's own, those shared with the
 * user ("Shared with Me"), others' public ones —
 * rebuilt whenever the store changes.  It remembers which folder is shown,
 * so that a rebuilt list selects it again.  Signals: ::folder-selected
 * (CarreteFolder, NULL for All Photos) when a row is picked, by a person or
 * by carrete_sidebar_select_folder(); not when the list is rebuilt.
 * Property "show-end-title-buttons": the header bar's (the window's close
 * button goes here while the leaflet is folded). */
#define CARRETE_TYPE_SIDEBAR (carrete_sidebar_get_type ())
G_DECLARE_FINAL_TYPE (CarreteSidebar, carrete_sidebar, CARRETE, SIDEBAR, GtkWidget)

void carrete_sidebar_set_store (CarreteSidebar *self, CarreteFolderStore *store);
/* The folder shown, NULL for All Photos. */
const char *carrete_sidebar_get_folder_id (CarreteSidebar *self);
/* Remembers the folder shown without emitting ::folder-selected; its row is
 * selected when the list is next rebuilt (it may not be in it yet). */
void carrete_sidebar_set_folder_id (CarreteSidebar *self, const char *folder_id);
/* Picks the row of `folder_id` (NULL: All Photos) as a click does; FALSE
 * when there is no such row. */
gboolean carrete_sidebar_select_folder (CarreteSidebar *self, const char *folder_id);

/* The account's storage at the pane's foot: "X of Y used" with a bar
 * when it has a quota (0: none, then "X used"); hidden when either is -1
 * (unknown). */
void carrete_sidebar_set_usage (CarreteSidebar *self, gint64 quota_bytes, gint64 usage_bytes);
/* What the foot says, NULL while hidden (for tests). */
const char *carrete_sidebar_get_usage_text (CarreteSidebar *self);

/* The watched folders' line above it ("Watching 2 folders", "Uploading 3
 * of 7", "Paused", "Offline"), with the pause toggle (win.pause-watching)
 * (shown pressed while `paused`) and the Watched Folders button
 * (win.watched-folders); NULL hides it. */
void carrete_sidebar_set_watch_status (CarreteSidebar *self, const char *text, gboolean paused);
const char *carrete_sidebar_get_watch_status (CarreteSidebar *self);

G_END_DECLS
