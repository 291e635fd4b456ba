#define G_LOG_DOMAIN "carrete-window"

#include <glib/gi18n.h>

#include "carrete-client-lib.h"
#include "carrete-dates.h"
#include "carrete-file-collector.h"
#include "carrete-folder-dialog.h"
#include "carrete-folder-store.h"
#include "carrete-photo-tile.h"
#include "carrete-sign-in-page.h"
#include "carrete-texture-cache.h"
#include "carrete-thumbnail-loader.h"
#include "carrete-upload-row.h"
#include "carrete-viewer.h"
#include "carrete-window.h"

/* Decoded 256 px thumbnails kept in memory: about 250 of them. */
#define THUMBNAIL_MEMORY_BYTES (64 * 1024 * 1024)
/* While the server cannot be reached, try again this often. */
#define RETRY_SECONDS 3

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
  char *last_message;
  guint retry_source;
  gboolean offline;
  gboolean filling_folders;
};

G_DEFINE_FINAL_TYPE (CarreteWindow, carrete_window, ADW_TYPE_APPLICATION_WINDOW)

typedef struct
{
  CarreteWindow *window; /* weak */
  CarretePhoto *photo;
  AdwToast *toast;
  gboolean undone;
} PendingDelete;

static void reload_folders (CarreteWindow *self);
static void apply_query (CarreteWindow *self);

/* ---- messages ------------------------------------------------------------ */

static void
remember_message (CarreteWindow *self, const char *message)
{
  g_free (self->last_message);
  self->last_message = g_strdup (message);
}

static void
toast (CarreteWindow *self, const char *message)
{
  AdwToast *t = adw_toast_new (message);

  remember_message (self, message);
  adw_toast_set_timeout (t, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

static void
toast_error (CarreteWindow *self, const GError *error)
{
  g_autofree char *text = carrete_describe_error (error, NULL);

  toast (self, text);
}

static void
set_page (CarreteWindow *self, const char *name)
{
  gtk_stack_set_visible_child_name (self->main_stack, name);
}

/* ---- offline bar: the server went away; retry until it is back ----------- */

static gboolean
is_connection_error (const GError *error)
{
  return g_error_matches (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNREACHABLE)
         || g_error_matches (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNAVAILABLE);
}

static gboolean
retry_cb (gpointer user_data)
{
  CarreteWindow *self = user_data;

  self->retry_source = 0;
  if (self->photos == NULL)
    return G_SOURCE_REMOVE;
  if (g_list_model_get_n_items (G_LIST_MODEL (self->photos)) == 0)
    carrete_photo_list_reload (self->photos);
  else
    carrete_photo_list_load_more (self->photos);
  return G_SOURCE_REMOVE;
}

static void
set_offline (CarreteWindow *self, const GError *error)
{
  self->offline = error != NULL;
  gtk_revealer_set_reveal_child (self->offline_revealer, error != NULL);
  if (error == NULL)
    {
      g_clear_handle_id (&self->retry_source, g_source_remove);
      return;
    }
  {
    g_autofree char *text = carrete_describe_error (error, carrete_client_get_server_url (self->client));
    gtk_label_set_text (self->offline_label, text);
    remember_message (self, text);
  }
  if (is_connection_error (error) && self->retry_source == 0)
    self->retry_source = g_timeout_add_seconds (RETRY_SECONDS, retry_cb, self);
}

/* ---- the grid ------------------------------------------------------------ */

static void
update_gallery_page (CarreteWindow *self)
{
  gboolean empty;

  if (self->photos == NULL)
    return;
  empty = g_list_model_get_n_items (G_LIST_MODEL (self->photos)) == 0
          && !carrete_photo_list_get_loading (self->photos)
          && !carrete_photo_list_get_has_more (self->photos);
  gtk_stack_set_visible_child_name (self->gallery_stack, empty ? "empty" : "grid");
}

static void
on_photos_error (CarreteWindow *self)
{
  const GError *error = carrete_photo_list_get_error (self->photos);

  /* An expired session is the client's "session-expired" signal's business. */
  if (g_error_matches (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNAUTHORIZED))
    return;
  set_offline (self, error);
}

static void
on_photos_loading (CarreteWindow *self)
{
  if (!carrete_photo_list_get_loading (self->photos)
      && carrete_photo_list_get_error (self->photos) == NULL && self->offline)
    {
      set_offline (self, NULL);
      reload_folders (self);
    }
  update_gallery_page (self);
}

static void
setup_tile (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  CarreteWindow *self = user_data;

  gtk_list_item_set_child (item, GTK_WIDGET (carrete_photo_tile_new (self->thumbnails)));
}

static void
bind_tile (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  carrete_photo_tile_set_photo (CARRETE_PHOTO_TILE (gtk_list_item_get_child (item)),
                                gtk_list_item_get_item (item));
}

static void
unbind_tile (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  carrete_photo_tile_set_photo (CARRETE_PHOTO_TILE (gtk_list_item_get_child (item)), NULL);
}

static void
on_grid_activate (CarreteWindow *self, guint position)
{
  carrete_window_open_photo (self, position);
}

void
carrete_window_open_photo (CarreteWindow *self, guint position)
{
  g_return_if_fail (CARRETE_IS_WINDOW (self));

  if (self->selection == NULL
      || position >= g_list_model_get_n_items (G_LIST_MODEL (self->selection)))
    return;
  gtk_single_selection_set_selected (self->selection, position);
  carrete_viewer_update (self->viewer);
  set_page (self, "viewer");
  gtk_widget_grab_focus (GTK_WIDGET (self->viewer));
}

static void
on_viewer_close (CarreteWindow *self)
{
  guint position = self->selection ? gtk_single_selection_get_selected (self->selection)
                                   : GTK_INVALID_LIST_POSITION;

  set_page (self, "gallery");
  if (position != GTK_INVALID_LIST_POSITION)
    gtk_widget_activate_action (GTK_WIDGET (self->grid_view), "list.scroll-to-item", "u", position);
}

static void
on_viewer_changed (CarreteWindow *self, CarretePhoto *photo)
{
  toast (self, _("Saved"));
}

/* ---- delete with undo ------------------------------------------------------ */

static void
pending_delete_free (PendingDelete *pending)
{
  g_clear_weak_pointer (&pending->window);
  g_clear_object (&pending->photo);
  g_free (pending);
}

static void
deleted_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PendingDelete *pending = user_data;
  g_autoptr(GError) error = NULL;

  if (!carrete_client_delete_photo_finish (CARRETE_CLIENT (source), result, &error)
      && pending->window != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Not deleted after all: show it again and say why. */
      if (pending->window->photos != NULL)
        carrete_photo_list_prepend (pending->window->photos, pending->photo);
      toast_error (pending->window, error);
    }
  pending_delete_free (pending);
}

static void
on_delete_toast_dismissed (AdwToast *t, PendingDelete *pending)
{
  CarreteWindow *self = pending->window;

  if (self != NULL)
    g_ptr_array_remove (self->pending_deletes, pending);
  if (pending->undone || self == NULL || self->client == NULL)
    {
      pending_delete_free (pending);
      return;
    }
  carrete_client_delete_photo_async (self->client, carrete_photo_get_id (pending->photo),
                                     NULL, deleted_cb, pending);
}

static void
on_delete_toast_undo (AdwToast *t, PendingDelete *pending)
{
  pending->undone = TRUE;
  if (pending->window != NULL && pending->window->photos != NULL)
    carrete_photo_list_prepend (pending->window->photos, pending->photo);
}

void
carrete_window_delete_photo (CarreteWindow *self, CarretePhoto *photo)
{
  PendingDelete *pending;
  g_autofree char *title = NULL;

  g_return_if_fail (CARRETE_IS_WINDOW (self));
  g_return_if_fail (CARRETE_IS_PHOTO (photo));
  if (self->photos == NULL)
    return;

  pending = g_new0 (PendingDelete, 1);
  g_set_weak_pointer (&pending->window, self);
  pending->photo = g_object_ref (photo);
  /* TRANSLATORS: a toast after deleting a photo; %s is its name */
  title = g_strdup_printf (_("“%s” deleted"), carrete_photo_get_name (photo));
  pending->toast = adw_toast_new (title);
  adw_toast_set_button_label (pending->toast, _("_Undo"));
  adw_toast_set_timeout (pending->toast, 5);
  g_signal_connect (pending->toast, "button-clicked", G_CALLBACK (on_delete_toast_undo), pending);
  g_signal_connect (pending->toast, "dismissed", G_CALLBACK (on_delete_toast_dismissed), pending);
  g_ptr_array_add (self->pending_deletes, pending);
  remember_message (self, title);

  carrete_photo_list_remove_id (self->photos, carrete_photo_get_id (photo));
  adw_toast_overlay_add_toast (self->toast_overlay, pending->toast);
  if (g_strcmp0 (carrete_window_get_page (self), "viewer") == 0)
    {
      if (gtk_single_selection_get_selected_item (self->selection) != NULL)
        carrete_viewer_update (self->viewer);
      else
        set_page (self, "gallery");
    }
}

static void
on_viewer_delete (CarreteWindow *self, CarretePhoto *photo)
{
  carrete_window_delete_photo (self, photo);
}

void
carrete_window_commit_deletes (CarreteWindow *self)
{
  g_autoptr(GPtrArray) toasts = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_if_fail (CARRETE_IS_WINDOW (self));
  for (guint i = 0; i < self->pending_deletes->len; i++)
    g_ptr_array_add (toasts, g_object_ref (((PendingDelete *) self->pending_deletes->pdata[i])->toast));
  for (guint i = 0; i < toasts->len; i++)
    adw_toast_dismiss (toasts->pdata[i]);
}

void
carrete_window_undo_deletes (CarreteWindow *self)
{
  g_return_if_fail (CARRETE_IS_WINDOW (self));
  for (guint i = 0; i < self->pending_deletes->len; i++)
    on_delete_toast_undo (NULL, self->pending_deletes->pdata[i]);
  carrete_window_commit_deletes (self);
}

static void
delete_selected_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CarreteWindow *self = CARRETE_WINDOW (widget);
  CarretePhoto *photo;

  if (self->selection == NULL || g_strcmp0 (carrete_window_get_page (self), "gallery") != 0)
    return;
  photo = gtk_single_selection_get_selected_item (self->selection);
  if (photo != NULL)
    carrete_window_delete_photo (self, photo);
}

/* ---- filters ------------------------------------------------------------- */

static gboolean
read_day (GtkEntry *entry, gboolean end_of_day, char **out)
{
  gboolean ok = carrete_parse_day (gtk_editable_get_text (GTK_EDITABLE (entry)), end_of_day, out);

  if (ok)
    gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
  return ok;
}

static void
apply_query (CarreteWindow *self)
{
  g_autoptr(CarretePhotoQuery) query = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_auto(GStrv) sort = NULL;
  const char *name;

  if (self->photos == NULL)
    return;
  /* A half-typed date does not filter anything yet. */
  if (!read_day (self->from_entry, FALSE, &from) || !read_day (self->to_entry, TRUE, &to))
    return;

  query = carrete_photo_query_new ();
  query->folder_id = g_strdup (self->folder_id);
  name = gtk_editable_get_text (GTK_EDITABLE (self->name_entry));
  if (*name != '\0')
    query->q = g_strstrip (g_strdup (name));
  if (self->tags->len > 0)
    {
      query->tags = g_new0 (char *, self->tags->len + 1);
      for (guint i = 0; i < self->tags->len; i++)
        query->tags[i] = g_strdup (self->tags->pdata[i]);
      query->match = g_strdup ("all");
    }
  query->from = g_steal_pointer (&from);
  query->to = g_steal_pointer (&to);
  sort = g_strsplit (self->sort, ":", 2);
  query->sort = g_strdup (sort[0]);
  query->order = g_strdup (sort[1]);

  if (carrete_photo_list_get_query (self->photos) != NULL
      && carrete_photo_query_equal (carrete_photo_list_get_query (self->photos), query))
    return;
  carrete_photo_list_set_query (self->photos, query);
  update_gallery_page (self);
}

static void
on_filter_changed (CarreteWindow *self)
{
  apply_query (self);
}

static void
rebuild_chips (CarreteWindow *self);

static void
on_chip_clicked (GtkButton *button, CarreteWindow *self)
{
  const char *tag = g_object_get_data (G_OBJECT (button), "tag");

  for (guint i = 0; i < self->tags->len; i++)
    if (g_strcmp0 (self->tags->pdata[i], tag) == 0)
      {
        g_ptr_array_remove_index (self->tags, i);
        break;
      }
  rebuild_chips (self);
  apply_query (self);
}

static void
rebuild_chips (CarreteWindow *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->tag_chips))) != NULL)
    gtk_box_remove (self->tag_chips, child);
  for (guint i = 0; i < self->tags->len; i++)
    {
      GtkWidget *chip = gtk_button_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
      g_autofree char *tooltip = g_strdup_printf (_("Remove the tag “%s” from the filter"),
                                                  (char *) self->tags->pdata[i]);

      gtk_box_append (GTK_BOX (box), gtk_label_new (self->tags->pdata[i]));
      gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name ("window-close-symbolic"));
      gtk_button_set_child (GTK_BUTTON (chip), box);
      gtk_widget_set_tooltip_text (chip, tooltip);
      gtk_widget_add_css_class (chip, "pill");
      gtk_widget_add_css_class (chip, "small");
      g_object_set_data_full (G_OBJECT (chip), "tag", g_strdup (self->tags->pdata[i]), g_free);
      g_signal_connect (chip, "clicked", G_CALLBACK (on_chip_clicked), self);
      gtk_box_append (self->tag_chips, chip);
    }
}

void
carrete_window_add_tag_filter (CarreteWindow *self, const char *tag)
{
  g_autofree char *clean = NULL;

  g_return_if_fail (CARRETE_IS_WINDOW (self));
  clean = g_utf8_strdown (tag, -1);
  g_strstrip (clean);
  if (*clean == '\0')
    return;
  for (guint i = 0; i < self->tags->len; i++)
    if (g_strcmp0 (self->tags->pdata[i], clean) == 0)
      return;
  g_ptr_array_add (self->tags, g_steal_pointer (&clean));
  rebuild_chips (self);
  apply_query (self);
}

static void
on_tag_activate (CarreteWindow *self)
{
  g_auto(GStrv) tags = g_strsplit (gtk_editable_get_text (GTK_EDITABLE (self->tags_entry)), ",", -1);

  for (guint i = 0; tags[i] != NULL; i++)
    carrete_window_add_tag_filter (self, tags[i]);
  gtk_editable_set_text (GTK_EDITABLE (self->tags_entry), "");
}

void
carrete_window_set_filter (CarreteWindow *self, const char *name, const char *from,
                           const char *to)
{
  g_return_if_fail (CARRETE_IS_WINDOW (self));

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  if (name != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->name_entry), name);
  if (from != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->from_entry), from);
  if (to != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->to_entry), to);
  /* The search entry waits a moment before it says it changed. */
  apply_query (self);
}

void
carrete_window_clear_filters (CarreteWindow *self)
{
  g_return_if_fail (CARRETE_IS_WINDOW (self));

  g_ptr_array_set_size (self->tags, 0);
  rebuild_chips (self);
  gtk_editable_set_text (GTK_EDITABLE (self->name_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->to_entry), "");
  apply_query (self);
}

static void
filter_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CarreteWindow *self = CARRETE_WINDOW (widget);

  if (g_strcmp0 (carrete_window_get_page (self), "gallery") != 0)
    return;
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
}

static void
sort_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CarreteWindow *self = CARRETE_WINDOW (widget);

  g_free (self->sort);
  self->sort = g_variant_dup_string (param, NULL);
  apply_query (self);
}

/* ---- folders sidebar -------------------------------------------------------- */

static GtkWidget *
folder_row_new (const char *title, const char *icon, CarreteFolder *folder)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (title);

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name (icon));
  gtk_box_append (GTK_BOX (box), label);
  if (folder != NULL && carrete_folder_get_tags (folder)[0] != NULL)
    {
      g_autofree char *tags = g_strjoinv (", ", (char **) carrete_folder_get_tags (folder));
      gtk_widget_set_tooltip_text (row, tags);
    }
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  if (folder != NULL)
    g_object_set_data_full (G_OBJECT (row), "folder", g_object_ref (folder), g_object_unref);
  return row;
}

static GtkWidget *
heading_row_new (const char *title)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *label = gtk_label_new (title);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_margin_top (label, 12);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (row), FALSE);
  return row;
}

static CarreteFolder *
find_folder (CarreteWindow *self, const char *folder_id, gboolean *is_mine)
{
  return carrete_folder_store_find (self->folders, folder_id, is_mine);
}

static void
rebuild_folder_list (CarreteWindow *self)
{
  GtkWidget *child;
  GtkWidget *select = NULL;
  GtkWidget *all;
  guint n;

  self->filling_folders = TRUE;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->folder_list))) != NULL)
    gtk_list_box_remove (self->folder_list, child);

  all = folder_row_new (_("All Photos"), "view-grid-symbolic", NULL);
  gtk_list_box_append (self->folder_list, all);
  select = all;

  gtk_list_box_append (self->folder_list, heading_row_new (_("My Folders")));
  n = g_list_model_get_n_items (carrete_folder_store_get_mine (self->folders));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CarreteFolder) folder = g_list_model_get_item (carrete_folder_store_get_mine (self->folders), i);
      gboolean is_public = g_strcmp0 (carrete_folder_get_visibility (folder), "public") == 0;
      GtkWidget *row = folder_row_new (carrete_folder_get_name (folder),
                                       is_public ? "folder-publicshare-symbolic" : "folder-symbolic",
                                       folder);
      gtk_list_box_append (self->folder_list, row);
      if (g_strcmp0 (carrete_folder_get_id (folder), self->folder_id) == 0)
        select = row;
    }

  n = g_list_model_get_n_items (carrete_folder_store_get_public (self->folders));
  if (n > 0)
    gtk_list_box_append (self->folder_list, heading_row_new (_("Public Folders")));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CarreteFolder) folder = g_list_model_get_item (carrete_folder_store_get_public (self->folders), i);
      GtkWidget *row = folder_row_new (carrete_folder_get_name (folder),
                                       "folder-publicshare-symbolic", folder);
      gtk_list_box_append (self->folder_list, row);
      if (g_strcmp0 (carrete_folder_get_id (folder), self->folder_id) == 0)
        select = row;
    }
  gtk_list_box_select_row (self->folder_list, GTK_LIST_BOX_ROW (select));
  self->filling_folders = FALSE;
}

static void
show_folder (CarreteWindow *self, CarreteFolder *folder)
{
  gboolean mine = FALSE;

  g_free (self->folder_id);
  self->folder_id = folder ? g_strdup (carrete_folder_get_id (folder)) : NULL;
  adw_window_title_set_title (self->window_title,
                              folder ? carrete_folder_get_name (folder) : _("All Photos"));
  if (folder != NULL)
    find_folder (self, carrete_folder_get_id (folder), &mine);
  adw_window_title_set_subtitle (self->window_title,
                                 folder == NULL ? NULL
                                 : mine ? (g_strcmp0 (carrete_folder_get_visibility (folder), "public") == 0
                                           ? _("Public") : _("Private"))
                                 : _("Shared with everyone"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.edit-folder", mine);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.delete-folder", mine);
  apply_query (self);
}

static void
on_folder_row_selected (CarreteWindow *self, GtkListBoxRow *row)
{
  if (self->filling_folders || row == NULL)
    return;
  show_folder (self, g_object_get_data (G_OBJECT (row), "folder"));
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

gboolean
carrete_window_select_folder (CarreteWindow *self, const char *folder_id)
{
  GtkWidget *child;

  g_return_val_if_fail (CARRETE_IS_WINDOW (self), FALSE);
  for (child = gtk_widget_get_first_child (GTK_WIDGET (self->folder_list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      CarreteFolder *folder = g_object_get_data (G_OBJECT (child), "folder");
      gboolean is_all = folder == NULL && gtk_list_box_row_get_selectable (GTK_LIST_BOX_ROW (child));

      if ((folder_id == NULL && is_all)
          || (folder != NULL && g_strcmp0 (carrete_folder_get_id (folder), folder_id) == 0))
        {
          gtk_list_box_select_row (self->folder_list, GTK_LIST_BOX_ROW (child));
          return TRUE;
        }
    }
  return FALSE;
}

static void
on_back_clicked (CarreteWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
reload_folders (CarreteWindow *self)
{
  if (self->client == NULL)
    return;
  carrete_folder_store_reload (self->folders, self->client, self->session_cancellable);
}

static void
on_folders_error (CarreteWindow *self, const GError *error)
{
  /* An expired session is the client's "session-expired" signal's business. */
  if (!g_error_matches (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNAUTHORIZED))
    set_offline (self, error);
}

static void
on_folder_saved (CarreteWindow *self, CarreteFolder *folder)
{
  g_autofree char *text = g_strdup_printf (_("Folder “%s” saved"), carrete_folder_get_name (folder));

  g_free (self->folder_id);
  self->folder_id = g_strdup (carrete_folder_get_id (folder));
  carrete_folder_store_put_mine (self->folders, folder); /* rebuilds the list */
  show_folder (self, folder);
  toast (self, text);
}

CarreteFolderDialog *
carrete_window_new_folder (CarreteWindow *self)
{
  CarreteFolderDialog *dialog;

  g_return_val_if_fail (CARRETE_IS_WINDOW (self), NULL);
  if (self->client == NULL)
    return NULL;
  dialog = carrete_folder_dialog_new (GTK_WINDOW (self), self->client, NULL);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_folder_saved), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
new_folder_action (GtkWidget *widget, const char *name, GVariant *param)
{
  carrete_window_new_folder (CARRETE_WINDOW (widget));
}

CarreteFolderDialog *
carrete_window_edit_folder (CarreteWindow *self)
{
  gboolean mine = FALSE;
  CarreteFolder *folder;
  CarreteFolderDialog *dialog;

  g_return_val_if_fail (CARRETE_IS_WINDOW (self), NULL);
  folder = self->folder_id ? find_folder (self, self->folder_id, &mine) : NULL;
  if (folder == NULL || !mine)
    return NULL;
  dialog = carrete_folder_dialog_new (GTK_WINDOW (self), self->client, folder);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_folder_saved), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
edit_folder_action (GtkWidget *widget, const char *name, GVariant *param)
{
  carrete_window_edit_folder (CARRETE_WINDOW (widget));
}

static void
folder_deleted_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CarreteWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!carrete_client_delete_folder_finish (CARRETE_CLIENT (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast_error (self, error);
      return;
    }
  g_clear_pointer (&self->folder_id, g_free);
  toast (self, _("Folder deleted"));
  show_folder (self, NULL);
  reload_folders (self);
}

static void
on_delete_folder_response (AdwMessageDialog *dialog, const char *response, CarreteWindow *self)
{
  const char *folder_id = g_object_get_data (G_OBJECT (dialog), "folder-id");

  if (g_strcmp0 (response, "delete") != 0 || self->client == NULL)
    return;
  carrete_client_delete_folder_async (self->client, folder_id, TRUE, self->session_cancellable,
                                      folder_deleted_cb, g_object_ref (self));
}

AdwMessageDialog *
carrete_window_delete_folder (CarreteWindow *self)
{
  gboolean mine = FALSE;
  CarreteFolder *folder;
  AdwMessageDialog *dialog;
  g_autofree char *heading = NULL;

  g_return_val_if_fail (CARRETE_IS_WINDOW (self), NULL);
  folder = self->folder_id ? find_folder (self, self->folder_id, &mine) : NULL;
  if (folder == NULL || !mine)
    return NULL;
  heading = g_strdup_printf (_("Delete “%s”?"), carrete_folder_get_name (folder));
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading,
                                                       _("The folder and every photo in it will be deleted. This cannot be undone.")));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "folder-id",
                          g_strdup (carrete_folder_get_id (folder)), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_folder_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
delete_folder_action (GtkWidget *widget, const char *name, GVariant *param)
{
  carrete_window_delete_folder (CARRETE_WINDOW (widget));
}

/* ---- uploads ------------------------------------------------------------- */

static void
update_uploads_label (CarreteWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->uploads));
  guint pending = carrete_upload_queue_get_n_pending (self->uploads);
  g_autofree char *text = NULL;

  gtk_revealer_set_reveal_child (self->uploads_revealer, n > 0);
  if (pending > 0)
    text = g_strdup_printf (ngettext ("Uploading: %u file left", "Uploading: %u files left", pending),
                            pending);
  else
    text = g_strdup (_("Uploads"));
  gtk_label_set_text (self->uploads_label, text);
}

static void
setup_upload_row (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  CarreteWindow *self = user_data;

  gtk_list_item_set_activatable (item, FALSE);
  gtk_list_item_set_child (item, carrete_upload_row_new (self->uploads));
}

static void
bind_upload_row (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  carrete_upload_row_set_upload (CARRETE_UPLOAD_ROW (gtk_list_item_get_child (item)),
                                 gtk_list_item_get_item (item));
}

static void
unbind_upload_row (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  carrete_upload_row_set_upload (CARRETE_UPLOAD_ROW (gtk_list_item_get_child (item)), NULL);
}

static gboolean
photo_matches_view (CarreteWindow *self, CarretePhoto *photo)
{
  /* Only an unfiltered view can take a new photo without asking the server
   * whether it matches. */
  if (self->tags->len > 0
      || *gtk_editable_get_text (GTK_EDITABLE (self->name_entry)) != '\0'
      || *gtk_editable_get_text (GTK_EDITABLE (self->from_entry)) != '\0'
      || *gtk_editable_get_text (GTK_EDITABLE (self->to_entry)) != '\0')
    return FALSE;
  return self->folder_id == NULL
         || g_strcmp0 (self->folder_id, carrete_photo_get_folder_id (photo)) == 0;
}

static void
on_photo_uploaded (CarreteWindow *self, CarreteUpload *upload, CarretePhoto *photo)
{
  if (self->photos != NULL && photo_matches_view (self, photo))
    {
      carrete_photo_list_prepend (self->photos, photo);
      update_gallery_page (self);
    }
}

static void
collected_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CarreteWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CarreteCollectedFiles) collected = NULL;
  gboolean mine = FALSE;
  const char *folder_id = NULL;

  collected = carrete_collect_files_finish (result, &error);
  if (collected == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast_error (self, error);
      return;
    }
  if (self->uploads == NULL)
    return;

  if (self->folder_id != NULL && find_folder (self, self->folder_id, &mine) != NULL && mine)
    folder_id = self->folder_id;
  for (guint i = 0; i < collected->accepted->len; i++)
    carrete_upload_queue_add_file (self->uploads, collected->accepted->pdata[i], folder_id);

  if (collected->rejected->len == 1)
    {
      CarreteRejectedFile *rejected = collected->rejected->pdata[0];
      g_autofree char *basename = g_file_get_basename (rejected->file);
      /* TRANSLATORS: "notes.txt was not uploaded: Not an image" */
      g_autofree char *text = g_strdup_printf (_("%s was not uploaded: %s"), basename,
                                               rejected->reason);
      toast (self, text);
    }
  else if (collected->rejected->len > 1)
    {
      g_autofree char *text = g_strdup_printf (ngettext ("%u file was not uploaded: not a readable, non-empty image",
                                                         "%u files were not uploaded: not readable, non-empty images",
                                                         collected->rejected->len),
                                               collected->rejected->len);
      toast (self, text);
    }
  else if (collected->accepted->len == 0)
    toast (self, _("There were no photos to upload"));
  update_uploads_label (self);
}

void
carrete_window_upload_files (CarreteWindow *self, GPtrArray *files)
{
  g_return_if_fail (CARRETE_IS_WINDOW (self));
  g_return_if_fail (files != NULL);

  if (self->uploads == NULL || files->len == 0)
    return;
  carrete_collect_files_async (files, self->session_cancellable, collected_cb, g_object_ref (self));
}

static gboolean
on_drop (GtkDropTarget *target, const GValue *value, double x, double y, CarreteWindow *self)
{
  GdkFileList *list;
  GSList *files;
  g_autoptr(GPtrArray) array = g_ptr_array_new ();

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST) || self->uploads == NULL)
    return FALSE;
  list = g_value_get_boxed (value);
  files = gdk_file_list_get_files (list);
  for (GSList *l = files; l != NULL; l = l->next)
    g_ptr_array_add (array, l->data);
  g_slist_free (files);
  carrete_window_upload_files (self, array);
  return TRUE;
}

static void
on_chooser_response (GtkNativeDialog *chooser, int response, CarreteWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      g_autoptr(GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);
      guint n = g_list_model_get_n_items (files);

      for (guint i = 0; i < n; i++)
        g_ptr_array_add (array, g_list_model_get_item (files, i));
      carrete_window_upload_files (self, array);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
upload_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CarreteWindow *self = CARRETE_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->uploads == NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Upload Photos"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Upload"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_file_filter_set_name (filter, _("Images"));
  gtk_file_filter_add_mime_type (filter, "image/*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
clear_uploads_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CarreteWindow *self = CARRETE_WINDOW (widget);

  if (self->uploads != NULL)
    carrete_upload_queue_clear_finished (self->uploads);
}

static void
reload_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CarreteWindow *self = CARRETE_WINDOW (widget);

  if (self->photos == NULL)
    return;
  carrete_photo_list_reload (self->photos);
  reload_folders (self);
}

/* ---- session --------------------------------------------------------------- */

static void
stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  /* Without a keyring the app still works; it just asks again next time. */
  if (!carrete_keyring_store_finish (result, &error))
    g_message ("Could not keep the session in the keyring: %s", error->message);
}

static void
store_session (CarreteWindow *self)
{
  g_autoptr(CarreteKeyringEntry) entry = NULL;

  if (self->client == NULL)
    return;
  entry = carrete_keyring_entry_new_from_client (self->client);
  if (entry != NULL)
    carrete_keyring_store_async (entry, NULL, stored_cb, NULL);
}

static void
cleared_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!carrete_keyring_clear_finish (result, &error))
    g_message ("Could not remove the session from the keyring: %s", error->message);
}

static void
on_session_expired (CarreteWindow *self)
{
  /* The uploads stay queued on this client and resume after signing in. */
  carrete_keyring_clear_async (NULL, cleared_cb, NULL);
  carrete_sign_in_page_reset (self->sign_in_page);
  carrete_sign_in_page_set_resume_client (self->sign_in_page, self->client);
  carrete_sign_in_page_show_error (self->sign_in_page,
                                   _("Your session has ended. Please sign in again; your uploads will continue."));
  set_page (self, "sign-in");
}

static void
end_session (CarreteWindow *self)
{
  if (self->session_cancellable != NULL)
    g_cancellable_cancel (self->session_cancellable);
  g_clear_object (&self->session_cancellable);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  gtk_grid_view_set_model (self->grid_view, NULL);
  gtk_grid_view_set_factory (self->grid_view, NULL);
  gtk_list_view_set_model (self->upload_list, NULL);
  gtk_list_view_set_factory (self->upload_list, NULL);
  carrete_viewer_set_selection (self->viewer, NULL);
  carrete_viewer_set_folders (self->viewer, NULL);
  carrete_viewer_set_client (self->viewer, NULL);
  if (self->uploads != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->uploads, self);
      carrete_upload_queue_cancel_all (self->uploads);
    }
  if (self->photos != NULL)
    g_signal_handlers_disconnect_by_data (self->photos, self);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->uploads);
  g_clear_object (&self->selection);
  g_clear_object (&self->photos);
  g_clear_object (&self->thumbnails);
  g_clear_object (&self->client);
  carrete_folder_store_clear (self->folders);
  g_clear_pointer (&self->folder_id, g_free);
  self->offline = FALSE;
  gtk_revealer_set_reveal_child (self->offline_revealer, FALSE);
  gtk_revealer_set_reveal_child (self->uploads_revealer, FALSE);
}

static void
start_session (CarreteWindow *self, CarreteClient *client)
{
  g_autoptr(GtkListItemFactory) factory = NULL;
  CarreteUser *user;

  carrete_sign_in_page_set_resume_client (self->sign_in_page, NULL);
  if (client == self->client)
    {
      /* Signed in again after the session ended: same models, same uploads. */
      store_session (self);
      set_page (self, "gallery");
      carrete_photo_list_reload (self->photos);
      reload_folders (self);
      return;
    }

  end_session (self);
  self->client = g_object_ref (client);
  self->session_cancellable = g_cancellable_new ();
  self->thumbnails = carrete_thumbnail_loader_new (client, NULL, THUMBNAIL_MEMORY_BYTES);
  self->photos = carrete_photo_list_new (client);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->photos)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  self->uploads = carrete_upload_queue_new (client);

  g_signal_connect_swapped (client, "session-expired", G_CALLBACK (on_session_expired), self);
  g_signal_connect_swapped (client, "tokens-changed", G_CALLBACK (store_session), self);
  g_signal_connect_swapped (self->photos, "notify::error", G_CALLBACK (on_photos_error), self);
  g_signal_connect_swapped (self->photos, "notify::loading", G_CALLBACK (on_photos_loading), self);
  g_signal_connect_swapped (self->photos, "items-changed", G_CALLBACK (update_gallery_page), self);
  g_signal_connect_swapped (self->uploads, "photo-uploaded", G_CALLBACK (on_photo_uploaded), self);
  g_signal_connect_swapped (self->uploads, "items-changed", G_CALLBACK (update_uploads_label), self);
  g_signal_connect_swapped (self->uploads, "notify::n-pending", G_CALLBACK (update_uploads_label), self);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_tile), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_tile), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_tile), self);
  gtk_grid_view_set_factory (self->grid_view, factory);
  gtk_grid_view_set_model (self->grid_view, GTK_SELECTION_MODEL (self->selection));
  /* A list view, not a list box: dropping 200 files makes a few rows, not 200. */
  g_clear_object (&factory);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_upload_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_upload_row), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_upload_row), self);
  gtk_list_view_set_factory (self->upload_list, factory);
  {
    GtkNoSelection *none = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->uploads)));
    gtk_list_view_set_model (self->upload_list, GTK_SELECTION_MODEL (none));
    g_object_unref (none);
  }
  carrete_viewer_set_client (self->viewer, client);
  carrete_viewer_set_selection (self->viewer, self->selection);
  carrete_viewer_set_folders (self->viewer, carrete_folder_store_get_mine (self->folders));

  user = carrete_client_get_user (client);
  if (user != NULL)
    gtk_window_set_title (GTK_WINDOW (self), carrete_user_get_username (user));
  store_session (self);
  rebuild_folder_list (self);
  show_folder (self, NULL);
  update_uploads_label (self);
  reload_folders (self);
  set_page (self, "gallery");
  gtk_widget_grab_focus (GTK_WIDGET (self->grid_view));
}

static void
on_signed_in (CarreteWindow *self, CarreteClient *client)
{
  start_session (self, client);
}

static void
restored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CarreteWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  CarreteClient *client = CARRETE_CLIENT (source);

  if (carrete_client_restore_finish (client, result, &error))
    {
      start_session (self, client);
      return;
    }
  set_page (self, "sign-in");
  if (g_error_matches (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNAUTHORIZED))
    {
      carrete_keyring_clear_async (NULL, cleared_cb, NULL);
      carrete_sign_in_page_show_error (self->sign_in_page,
                                       _("Your session has ended. Please sign in again."));
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = carrete_describe_error (error, carrete_client_get_server_url (client));
      carrete_sign_in_page_show_error (self->sign_in_page, text);
    }
}

static void
looked_up_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CarreteWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CarreteKeyringEntry) entry = NULL;
  g_autoptr(CarreteClient) client = NULL;

  entry = carrete_keyring_lookup_finish (result, &error);
  if (entry == NULL)
    {
      if (error != NULL)
        g_message ("No keyring: %s", error->message);
      set_page (self, "sign-in");
      return;
    }
  carrete_sign_in_page_fill (self->sign_in_page, entry->server_url, entry->users_url,
                             entry->photos_url, entry->folders_url, entry->username, NULL);
  client = carrete_client_new (entry->server_url);
  if (entry->users_url != NULL || entry->photos_url != NULL || entry->folders_url != NULL)
    carrete_client_set_service_urls (client, entry->users_url, entry->photos_url, entry->folders_url);
  carrete_client_restore_async (client, entry->refresh_token, NULL, restored_cb,
                                g_object_ref (self));
}

void
carrete_window_restore_session (CarreteWindow *self)
{
  g_return_if_fail (CARRETE_IS_WINDOW (self));

  set_page (self, "loading");
  carrete_keyring_lookup_async (NULL, looked_up_cb, g_object_ref (self));
}

static void
logged_out_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  /* The tokens are forgotten either way; the server may just not know yet. */
  if (!carrete_client_logout_finish (CARRETE_CLIENT (source), result, &error))
    g_message ("Signed out locally; the server was not told: %s", error->message);
}

void
carrete_window_sign_out (CarreteWindow *self)
{
  g_return_if_fail (CARRETE_IS_WINDOW (self));

  if (self->client == NULL)
    return;
  carrete_window_commit_deletes (self);
  carrete_client_logout_async (self->client, NULL, logged_out_cb, NULL);
  carrete_keyring_clear_async (NULL, cleared_cb, NULL);
  if (self->thumbnails != NULL)
    carrete_thumbnail_loader_clear (self->thumbnails);
  end_session (self);
  carrete_sign_in_page_set_resume_client (self->sign_in_page, NULL);
  g_ptr_array_set_size (self->tags, 0);
  rebuild_chips (self);
  carrete_sign_in_page_reset (self->sign_in_page);
  carrete_sign_in_page_show_error (self->sign_in_page, NULL);
  gtk_window_set_title (GTK_WINDOW (self), _("Carrete"));
  set_page (self, "sign-in");
}

static void
sign_out_action (GtkWidget *widget, const char *name, GVariant *param)
{
  carrete_window_sign_out (CARRETE_WINDOW (widget));
}

/* ---- accessors ------------------------------------------------------------- */

const char *
carrete_window_get_page (CarreteWindow *self)
{
  g_return_val_if_fail (CARRETE_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->main_stack);
}

CarreteSignInPage *
carrete_window_get_sign_in_page (CarreteWindow *self)
{
  g_return_val_if_fail (CARRETE_IS_WINDOW (self), NULL);
  return self->sign_in_page;
}

CarreteViewer *
carrete_window_get_viewer (CarreteWindow *self)
{
  g_return_val_if_fail (CARRETE_IS_WINDOW (self), NULL);
  return self->viewer;
}

CarreteClient *
carrete_window_get_client (CarreteWindow *self)
{
  g_return_val_if_fail (CARRETE_IS_WINDOW (self), NULL);
  return self->client;
}

GListModel *
carrete_window_get_photos (CarreteWindow *self)
{
  g_return_val_if_fail (CARRETE_IS_WINDOW (self), NULL);
  return self->photos ? G_LIST_MODEL (self->photos) : NULL;
}

GListModel *
carrete_window_get_folders (CarreteWindow *self)
{
  g_return_val_if_fail (CARRETE_IS_WINDOW (self), NULL);
  return carrete_folder_store_get_mine (self->folders);
}

CarreteUploadQueue *
carrete_window_get_upload_queue (CarreteWindow *self)
{
  g_return_val_if_fail (CARRETE_IS_WINDOW (self), NULL);
  return self->uploads;
}

CarreteThumbnailLoader *
carrete_window_get_thumbnail_loader (CarreteWindow *self)
{
  g_return_val_if_fail (CARRETE_IS_WINDOW (self), NULL);
  return self->thumbnails;
}

GtkGridView *
carrete_window_get_grid_view (CarreteWindow *self)
{
  g_return_val_if_fail (CARRETE_IS_WINDOW (self), NULL);
  return self->grid_view;
}

const char *
carrete_window_get_last_message (CarreteWindow *self)
{
  g_return_val_if_fail (CARRETE_IS_WINDOW (self), NULL);
  return self->last_message;
}

gboolean
carrete_window_get_offline (CarreteWindow *self)
{
  g_return_val_if_fail (CARRETE_IS_WINDOW (self), FALSE);
  return self->offline;
}

/* ---- lifecycle --------------------------------------------------------------- */

static void
carrete_window_dispose (GObject *object)
{
  CarreteWindow *self = CARRETE_WINDOW (object);

  /* Dispose may run more than once; the template's widgets are gone after
   * the first time. */
  if (self->grid_view != NULL)
    {
      carrete_window_commit_deletes (self);
      end_session (self);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), CARRETE_TYPE_WINDOW);
  G_OBJECT_CLASS (carrete_window_parent_class)->dispose (object);
}

static void
carrete_window_finalize (GObject *object)
{
  CarreteWindow *self = CARRETE_WINDOW (object);

  g_clear_object (&self->folders);
  g_clear_pointer (&self->tags, g_ptr_array_unref);
  g_clear_pointer (&self->pending_deletes, g_ptr_array_unref);
  g_free (self->folder_id);
  g_free (self->sort);
  g_free (self->last_message);
  G_OBJECT_CLASS (carrete_window_parent_class)->finalize (object);
}

static void
carrete_window_class_init (CarreteWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = carrete_window_dispose;
  object_class->finalize = carrete_window_finalize;

  g_type_ensure (CARRETE_TYPE_SIGN_IN_PAGE);
  g_type_ensure (CARRETE_TYPE_VIEWER);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/carrete/Desktop/carrete-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, sign_in_page);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, folder_list);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, content_box);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, name_entry);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, tags_entry);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, tag_chips);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, from_entry);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, to_entry);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, offline_revealer);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, offline_label);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, gallery_stack);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, grid_view);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, uploads_revealer);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, uploads_label);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, upload_list);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, viewer);
  gtk_widget_class_bind_template_callback (widget_class, on_signed_in);
  gtk_widget_class_bind_template_callback (widget_class, on_folder_row_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_tag_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_grid_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_viewer_close);
  gtk_widget_class_bind_template_callback (widget_class, on_viewer_delete);
  gtk_widget_class_bind_template_callback (widget_class, on_viewer_changed);

  gtk_widget_class_install_action (widget_class, "win.upload", NULL, upload_action);
  gtk_widget_class_install_action (widget_class, "win.filter", NULL, filter_action);
  gtk_widget_class_install_action (widget_class, "win.delete-photo", NULL, delete_selected_action);
  gtk_widget_class_install_action (widget_class, "win.new-folder", NULL, new_folder_action);
  gtk_widget_class_install_action (widget_class, "win.edit-folder", NULL, edit_folder_action);
  gtk_widget_class_install_action (widget_class, "win.delete-folder", NULL, delete_folder_action);
  gtk_widget_class_install_action (widget_class, "win.sort", "s", sort_action);
  gtk_widget_class_install_action (widget_class, "win.clear-uploads", NULL, clear_uploads_action);
  gtk_widget_class_install_action (widget_class, "win.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "win.sign-out", NULL, sign_out_action);
}

static void
carrete_window_init (CarreteWindow *self)
{
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->folders = carrete_folder_store_new ();
  g_signal_connect_swapped (self->folders, "changed", G_CALLBACK (rebuild_folder_list), self);
  g_signal_connect_swapped (self->folders, "error", G_CALLBACK (on_folders_error), self);
  self->tags = g_ptr_array_new_with_free_func (g_free);
  self->pending_deletes = g_ptr_array_new ();
  self->sort = g_strdup ("uploaded_at:desc");
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->name_entry));
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self->content_box));

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self->content_box), GTK_EVENT_CONTROLLER (drop));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.edit-folder", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.delete-folder", FALSE);
  set_page (self, "sign-in");
}

CarreteWindow *
carrete_window_new (GtkApplication *application)
{
  return g_object_new (CARRETE_TYPE_WINDOW, "application", application, NULL);
}
