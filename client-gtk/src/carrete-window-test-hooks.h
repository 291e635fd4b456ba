#pragma once

#include <adwaita.h>

#include "carrete-client-types.h"
#include "carrete-share-dialog.h"
#include "carrete-trash-window.h"
#include "carrete-watched-dialog.h"
#include "carrete-types.h"
#include "carrete-window.h"

G_BEGIN_DECLS

/* The window's test hooks: what the UI tests, the bench and the screenshots
 * read and drive, in the same calls a person's clicks make.  Not installed
 * and not for the rest of the app, which uses carrete-window.h (the window's
 * own files use these where a click and a hook share the code). */

/* "sign-in", "gallery", "viewer" or "loading". */
const char *carrete_window_get_page (CarreteWindow *self);
CarreteSignInPage *carrete_window_get_sign_in_page (CarreteWindow *self);
CarreteViewer *carrete_window_get_viewer (CarreteWindow *self);
CarreteClient *carrete_window_get_client (CarreteWindow *self);
/* The grid's model (CarretePhotoList), NULL when signed out. */
GListModel *carrete_window_get_photos (CarreteWindow *self);
/* The user's folders (CarreteFolder). */
GListModel *carrete_window_get_folders (CarreteWindow *self);
CarreteUploadQueue *carrete_window_get_upload_queue (CarreteWindow *self);
CarreteThumbnailLoader *carrete_window_get_thumbnail_loader (CarreteWindow *self);
GtkGridView *carrete_window_get_grid_view (CarreteWindow *self);
/* The last message shown in a toast or the offline bar, or NULL. */
const char *carrete_window_get_last_message (CarreteWindow *self);
/* TRUE while the "cannot reach the server" bar is shown. */
gboolean carrete_window_get_offline (CarreteWindow *self);
/* What the sidebar's foot says of the account's storage, NULL while hidden. */
const char *carrete_window_get_usage_text (CarreteWindow *self);

/* The filter bar, as typed: NULL leaves a field. */
void carrete_window_set_filter (CarreteWindow *self, const char *name, const char *from,
                                const char *to);
/* Adds a tag chip, as typing a tag and pressing Enter does. */
void carrete_window_add_tag_filter (CarreteWindow *self, const char *tag);
void carrete_window_clear_filters (CarreteWindow *self);
/* Shows the folder with this id (NULL: all photos), as clicking it does. */
gboolean carrete_window_select_folder (CarreteWindow *self, const char *folder_id);
/* The New Folder dialog (shown). */
CarreteFolderDialog *carrete_window_new_folder (CarreteWindow *self);
/* Edit Folder and Delete Folder on the folder shown (NULL unless it is one
 * of the user's): the dialog, shown; deleting asks first. */
CarreteFolderDialog *carrete_window_edit_folder (CarreteWindow *self);
AdwMessageDialog *carrete_window_delete_folder (CarreteWindow *self);
/* The Share dialog (shown) of the folder shown, as Share Folder… opens it;
 * NULL unless it is one of the user's. */
CarreteShareDialog *carrete_window_share_folder (CarreteWindow *self);
/* The folders others shared with the user (CarreteFolder), as the
 * sidebar's "Shared with Me" lists them. */
GListModel *carrete_window_get_shared_folders (CarreteWindow *self);
/* The subtitle under the window's title (what the folder shown is). */
const char *carrete_window_get_subtitle (CarreteWindow *self);
/* What the folder shown allows, as the actions are enabled: `mine` (Edit,
 * Delete, Share Folder) and `can_add` (Upload, Delete Photo). */
void carrete_window_get_folder_access (CarreteWindow *self, gboolean *mine, gboolean *can_add);
/* Opens the viewer on the grid's photo at `position`. */
void carrete_window_open_photo (CarreteWindow *self, guint position);
/* Deletes with an undo toast, as the Delete key does. */
void carrete_window_delete_photo (CarreteWindow *self, CarretePhoto *photo);
/* Dismisses the undo toasts, which carries out the deletions. */
void carrete_window_commit_deletes (CarreteWindow *self);
/* Undoes the deletions still waiting. */
void carrete_window_undo_deletes (CarreteWindow *self);
/* The Trash window (shown), as its sidebar button opens it; NULL while
 * signed out.  Deletions waiting for their undo toast are carried out
 * first. */
CarreteTrashWindow *carrete_window_show_trash (CarreteWindow *self);
void carrete_window_sign_out (CarreteWindow *self);
/* The session's watched folders, NULL while signed out. */
CarreteWatcher *carrete_window_get_watcher (CarreteWindow *self);
/* What the sidebar says of them, NULL while hidden (no watched folder). */
const char *carrete_window_get_watch_status (CarreteWindow *self);
/* The Watched Folders dialog (shown), as the sidebar's button opens it;
 * NULL while signed out. */
CarreteWatchedDialog *carrete_window_show_watched_folders (CarreteWindow *self);

G_END_DECLS
