#pragma once

#include <adwaita.h>

#include "carrete-client-lib.h"
#include "carrete-filter-bar.h"
#include "carrete-folder-store.h"
#include "carrete-session.h"
#include "carrete-sidebar.h"
#include "carrete-sign-in-page.h"
#include "carrete-thumbnail-loader.h"
#include "carrete-uploads-panel.h"
#include "carrete-viewer.h"
#include "carrete-window-test-hooks.h"
#include "carrete-window.h"

G_BEGIN_DECLS

/* The main window's insides, shared by its files: carrete-window.c (the type,
 * pages, messages, offline bar, grid and viewer, the gallery of a session),
 * carrete-window-actions.c (its GActions), carrete-window-deletes.c (delete
 * with undo), carrete-window-folders.c (the folder shown, folder dialogs) and
 * carrete-window-uploads.c (files to upload), and carrete-window-test-hooks.c.
 * The sidebar, the filter bar, the uploads panel and the session are objects
 * of their own.  Not for the tests: they use carrete-window-test-hooks.h. */

struct _CarreteWindow
{
  AdwApplicationWindow parent_instance;

  AdwToastOverlay *toast_overlay;
  GtkStack *main_stack;
  CarreteSignInPage *sign_in_page;
  AdwLeaflet *leaflet;
  CarreteSidebar *sidebar;
  GtkBox *content_box;
  AdwWindowTitle *window_title;
  CarreteFilterBar *filter_bar;
  GtkRevealer *offline_revealer;
  GtkLabel *offline_label;
  GtkStack *gallery_stack;
  GtkGridView *grid_view;
  CarreteUploadsPanel *uploads_panel;
  CarreteViewer *viewer;

  CarreteSession *session; /* the client, and its copy in the keyring */
  /* The gallery of the session's client: all NULL while signed out. */
  CarretePhotoList *photos;
  GtkSingleSelection *selection;
  CarreteUploadQueue *uploads;
  CarreteWatcher *watcher; /* the watched folders, on `uploads` */
  gboolean close_request_connected;
  gboolean told_still_watching; /* the notification on hiding, once */
  CarreteThumbnailLoader *thumbnails;
  GCancellable *session_cancellable;

  CarreteFolderStore *folders;
  char *sort;               /* "uploaded_at:desc" … */
  GPtrArray *pending_deletes;
  GPtrArray *waiting_files; /* GFile, to upload once a session starts */
  char *last_message;
  guint retry_source;
  gboolean offline;
  gboolean folder_mine;    /* the folder shown: the actions enabled */
  gboolean folder_can_add;
};

/* ---- carrete-window.c --------------------------------------------------- */

void _carrete_window_remember_message (CarreteWindow *self, const char *message);
void _carrete_window_toast (CarreteWindow *self, const char *message);
void _carrete_window_toast_error (CarreteWindow *self, const GError *error);
void _carrete_window_set_page (CarreteWindow *self, const char *name);
/* Shows the offline bar for `error` (NULL hides it) and retries while the
 * server cannot be reached. */
void _carrete_window_set_offline (CarreteWindow *self, const GError *error);
/* The grid, or the empty page when there is nothing to show. */
void _carrete_window_update_gallery_page (CarreteWindow *self);
/* Gives the photo list the query of the filter bar, the folder and the sort. */
void _carrete_window_apply_query (CarreteWindow *self);

/* ---- carrete-window-actions.c: the win.* actions ----------------------------- */

void _carrete_window_class_add_actions (GtkWidgetClass *widget_class);
/* Edit Folder, Delete Folder and Share apply to the user's own folders
 * only; Upload and Delete Photo to those the user may add photos to
 * (`can_add`: all photos, their own, a contributor's). */
void _carrete_window_enable_folder_actions (CarreteWindow *self, gboolean mine, gboolean can_add);

/* ---- carrete-window-folders.c: the folder shown, folder dialogs -------------- */

/* Shows `folder` (NULL: all photos) in the grid. */
void _carrete_window_show_folder (CarreteWindow *self, CarreteFolder *folder);
/* The folder shown when it is one of the user's, else NULL. */
CarreteFolder *_carrete_window_find_own_folder (CarreteWindow *self);
/* The folder shown when the user may add photos to it (their own, or one
 * shared with them as contributor), else NULL. */
CarreteFolder *_carrete_window_find_upload_folder (CarreteWindow *self);
void _carrete_window_reload_folders (CarreteWindow *self);
void _carrete_window_on_folders_error (CarreteWindow *self, const GError *error);
void _carrete_window_on_folder_selected (CarreteWindow *self, CarreteFolder *folder);
/* The folder store changed: the folder shown is described anew (title,
 * subtitle, actions), its photos are not reloaded. */
void _carrete_window_on_folders_changed (CarreteWindow *self);
void _carrete_window_on_back_clicked (CarreteWindow *self);

/* ---- carrete-window-usage.c: the account's storage, at the sidebar's foot ------ */

void _carrete_window_reload_usage (CarreteWindow *self);

/* ---- carrete-window-uploads.c: files to upload --------------------------------- */

void _carrete_window_on_photo_uploaded (CarreteWindow *self, CarreteUpload *upload,
                                        CarretePhoto *photo);
/* A resumed upload (begun by an earlier run) that could not finish says
 * why in a toast. */
void _carrete_window_on_upload_finished (CarreteWindow *self, CarreteUpload *upload);
/* Uploads the files that waited for a session (carrete_window_upload_files). */
void _carrete_window_upload_waiting_files (CarreteWindow *self);
gboolean _carrete_window_on_drop (GtkDropTarget *target, const GValue *value, double x, double y,
                                  CarreteWindow *self);

/* ---- carrete-window-watched.c: the watched folders ----------------------------- */

/* The session's watcher, on its upload queue (made by make_gallery). */
void _carrete_window_start_watching (CarreteWindow *self);
/* Before the queue goes: the watcher's state files are closed. */
void _carrete_window_stop_watching (CarreteWindow *self);
/* The sidebar's pause toggle (win.pause-watching). */
void _carrete_window_toggle_watching (CarreteWindow *self);

G_END_DECLS
