#pragma once

#include <adwaita.h>

#include "carrete-client-lib.h"
#include "carrete-folder-store.h"
#include "carrete-sign-in-page.h"
#include "carrete-thumbnail-loader.h"
#include "carrete-viewer.h"
#include "carrete-window.h"

G_BEGIN_DECLS

/* The main window's insides, shared by its files: carrete-window.c (the type,
 * messages, offline bar, grid, viewer, session), carrete-window-deletes.c,
 * carrete-window-filters.c, carrete-window-folders.c and
 * carrete-window-uploads.c.  Not for the tests: they use carrete-window.h. */

struct _CarreteWindow
{
  AdwApplicationWindow parent_instance;

  AdwToastOverlay *toast_overlay;
  GtkStack *main_stack;
  CarreteSignInPage *sign_in_page;
  AdwLeaflet *leaflet;
  GtkListBox *folder_list;
  GtkBox *content_box;
  AdwWindowTitle *window_title;
  GtkSearchBar *search_bar;
  GtkSearchEntry *name_entry;
  GtkEntry *tags_entry;
  GtkBox *tag_chips;
  GtkEntry *from_entry;
  GtkEntry *to_entry;
  GtkRevealer *offline_revealer;
  GtkLabel *offline_label;
  GtkStack *gallery_stack;
  GtkGridView *grid_view;
  AdwStatusPage *empty_page;
  GtkRevealer *uploads_revealer;
  GtkLabel *uploads_label;
  GtkListView *upload_list;
  CarreteViewer *viewer;

  /* The session: all NULL while signed out. */
  CarreteClient *client;
  CarretePhotoList *photos;
  GtkSingleSelection *selection;
  CarreteUploadQueue *uploads;
  CarreteThumbnailLoader *thumbnails;
  CarreteFolderStore *folders;
  GCancellable *session_cancellable;

  GPtrArray *tags;          /* the tag chips' tags */
  char *folder_id;          /* the folder shown, NULL for all photos */
  char *sort;               /* "uploaded_at:desc" … */
  GPtrArray *pending_deletes;
  GPtrArray *waiting_files; /* GFile, to upload once a session starts */
  char *last_message;
  guint retry_source;
  gboolean offline;
  gboolean filling_folders;
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

/* ---- carrete-window-deletes.c: delete with undo --------------------------- */

void _carrete_window_delete_selected_action (GtkWidget *widget, const char *name,
                                             GVariant *param);

/* ---- carrete-window-filters.c: filter bar, tag chips, sort ----------------- */

/* Gives the photo list the query of the filter bar, the folder and the sort. */
void _carrete_window_apply_query (CarreteWindow *self);
void _carrete_window_rebuild_chips (CarreteWindow *self);
void _carrete_window_on_filter_changed (CarreteWindow *self);
void _carrete_window_on_tag_activate (CarreteWindow *self);
void _carrete_window_filter_action (GtkWidget *widget, const char *name, GVariant *param);
void _carrete_window_sort_action (GtkWidget *widget, const char *name, GVariant *param);

/* ---- carrete-window-folders.c: folders sidebar and folder dialogs ---------- */

void _carrete_window_rebuild_folder_list (CarreteWindow *self);
/* Shows `folder` (NULL: all photos) in the grid. */
void _carrete_window_show_folder (CarreteWindow *self, CarreteFolder *folder);
CarreteFolder *_carrete_window_find_folder (CarreteWindow *self, const char *folder_id,
                                            gboolean *is_mine);
void _carrete_window_reload_folders (CarreteWindow *self);
void _carrete_window_on_folders_error (CarreteWindow *self, const GError *error);
void _carrete_window_on_folder_row_selected (CarreteWindow *self, GtkListBoxRow *row);
void _carrete_window_on_back_clicked (CarreteWindow *self);
void _carrete_window_new_folder_action (GtkWidget *widget, const char *name, GVariant *param);
void _carrete_window_edit_folder_action (GtkWidget *widget, const char *name, GVariant *param);
void _carrete_window_delete_folder_action (GtkWidget *widget, const char *name,
                                           GVariant *param);

/* ---- carrete-window-uploads.c: uploads panel, drop, Upload dialog ---------- */

void _carrete_window_update_uploads_label (CarreteWindow *self);
void _carrete_window_setup_upload_row (GtkSignalListItemFactory *factory, GtkListItem *item,
                                       gpointer user_data);
void _carrete_window_bind_upload_row (GtkSignalListItemFactory *factory, GtkListItem *item,
                                      gpointer user_data);
void _carrete_window_unbind_upload_row (GtkSignalListItemFactory *factory, GtkListItem *item,
                                        gpointer user_data);
void _carrete_window_on_photo_uploaded (CarreteWindow *self, CarreteUpload *upload,
                                        CarretePhoto *photo);
/* A resumed upload (begun by an earlier run) that could not finish says
 * why in a toast. */
void _carrete_window_on_upload_finished (CarreteWindow *self, CarreteUpload *upload);
/* Uploads the files that waited for a session (carrete_window_upload_files). */
void _carrete_window_upload_waiting_files (CarreteWindow *self);
gboolean _carrete_window_on_drop (GtkDropTarget *target, const GValue *value, double x, double y,
                                  CarreteWindow *self);
void _carrete_window_upload_action (GtkWidget *widget, const char *name, GVariant *param);
void _carrete_window_clear_uploads_action (GtkWidget *widget, const char *name, GVariant *param);

G_END_DECLS
