#define G_LOG_DOMAIN "carrete-viewer"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "carrete-client-lib.h"
#include "carrete-sign-in-page.h"
#include "carrete-viewer.h"
#include "carrete-texture-decode.h"

struct _CarreteViewer
{
  GtkWidget parent_instance;

  AdwWindowTitle *title;
  GtkPicture *picture;
  GtkSpinner *spinner;
  AdwEntryRow *name_row;
  AdwComboRow *folder_row;
  AdwActionRow *size_row;
  AdwActionRow *type_row;
  AdwActionRow *taken_row;
  AdwActionRow *uploaded_row;
  GtkLabel *error_label;

  CarreteClient *client;
  GtkSingleSelection *selection;
  GListModel *folders;
  CarretePhoto *photo;
  GCancellable *load_cancellable; /* the preview of `photo` */
  GCancellable *cancellable;      /* everything else */
  gboolean filling;               /* the folder row is being set, not chosen */
};

G_DEFINE_FINAL_TYPE (CarreteViewer, carrete_viewer, GTK_TYPE_WIDGET)

enum { CLOSE, DELETE, CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
show_error (CarreteViewer *self, const GError *error)
{
  g_autofree char *text = error != NULL ? carrete_describe_error (error, NULL) : NULL;

  gtk_label_set_text (self->error_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text != NULL);
}

static char *
format_date (GDateTime *date)
{
  g_autoptr(GDateTime) local = NULL;

  if (date == NULL)
    return g_strdup (_("Unknown"));
  local = g_date_time_to_local (date);
  return g_date_time_format (local, "%x %X");
}

static void
decoded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CarreteViewer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = carrete_texture_decode_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_spinner_set_spinning (self->spinner, FALSE);
  if (texture == NULL)
    {
      show_error (self, error);
      return;
    }
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
}

static void
fetched_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CarreteViewer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  bytes = carrete_client_fetch_bytes_finish (CARRETE_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (bytes == NULL)
    {
      gtk_spinner_set_spinning (self->spinner, FALSE);
      show_error (self, error);
      return;
    }
  carrete_texture_decode_async (bytes, self->load_cancellable, decoded_cb, g_object_ref (self));
}

static const char *
preview_url (CarretePhoto *photo)
{
  if (carrete_photo_get_preview_url (photo) != NULL)
    return carrete_photo_get_preview_url (photo);
  return carrete_photo_get_url (photo);
}

static void
detail_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CarreteViewer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CarretePhoto) detail = NULL;

  detail = carrete_client_get_photo_finish (CARRETE_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (detail == NULL || preview_url (detail) == NULL)
    {
      gtk_spinner_set_spinning (self->spinner, FALSE);
      show_error (self, error);
      return;
    }
  carrete_client_fetch_bytes_async (CARRETE_CLIENT (source), preview_url (detail),
                                    self->load_cancellable, fetched_cb, g_object_ref (self));
}

static guint
folder_position (CarreteViewer *self, const char *folder_id)
{
  guint n = self->folders != NULL ? g_list_model_get_n_items (self->folders) : 0;

  if (folder_id == NULL)
    return 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CarreteFolder) folder = g_list_model_get_item (self->folders, i);
      if (g_strcmp0 (carrete_folder_get_id (folder), folder_id) == 0)
        return i + 1;
    }
  return 0;
}

static void
show_metadata (CarreteViewer *self)
{
  CarretePhoto *photo = self->photo;
  g_autofree char *size = g_format_size (carrete_photo_get_size (photo));
  g_autofree char *size_text = NULL;
  g_autofree char *taken = format_date (carrete_photo_get_taken_at (photo));
  g_autofree char *uploaded = format_date (carrete_photo_get_uploaded_at (photo));

  if (carrete_photo_get_width (photo) > 0)
    size_text = g_strdup_printf ("%d × %d, %s", carrete_photo_get_width (photo),
                                 carrete_photo_get_height (photo), size);
  else
    size_text = g_strdup (size);

  adw_window_title_set_title (self->title, carrete_photo_get_name (photo));
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), carrete_photo_get_name (photo));
  adw_action_row_set_subtitle (self->size_row, size_text);
  adw_action_row_set_subtitle (self->type_row, carrete_photo_get_content_type (photo));
  adw_action_row_set_subtitle (self->taken_row, taken);
  adw_action_row_set_subtitle (self->uploaded_row, uploaded);
  self->filling = TRUE;
  adw_combo_row_set_selected (self->folder_row,
                              folder_position (self, carrete_photo_get_folder_id (photo)));
  self->filling = FALSE;
}

static void
show_photo (CarreteViewer *self, CarretePhoto *photo)
{
  const char *url;

  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_set_object (&self->photo, photo);
  gtk_picture_set_paintable (self->picture, NULL);
  show_error (self, NULL);
  if (photo == NULL)
    return;

  show_metadata (self);
  if (self->client == NULL)
    return;
  self->load_cancellable = g_cancellable_new ();
  gtk_spinner_set_spinning (self->spinner, TRUE);
  url = preview_url (photo);
  if (url != NULL)
    {
      carrete_client_fetch_bytes_async (self->client, url, self->load_cancellable, fetched_cb,
                                        g_object_ref (self));
      return;
    }
  /* List items carry only the thumbnail's URL; the photo itself has the
   * preview's. */
  carrete_client_get_photo_async (self->client, carrete_photo_get_id (photo),
                                  self->load_cancellable, detail_cb, g_object_ref (self));
}

void
carrete_viewer_update (CarreteViewer *self)
{
  g_return_if_fail (CARRETE_IS_VIEWER (self));

  if (self->selection == NULL)
    return;
  show_photo (self, gtk_single_selection_get_selected_item (self->selection));
}

static void
step (CarreteViewer *self, int delta)
{
  guint position, n;

  if (self->selection == NULL)
    return;
  position = gtk_single_selection_get_selected (self->selection);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  if (position == GTK_INVALID_LIST_POSITION
      || (delta < 0 && position == 0) || (delta > 0 && position + 1 >= n))
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  gtk_single_selection_set_selected (self->selection, position + delta);
  carrete_viewer_update (self);
}

static void
next_action (GtkWidget *widget, const char *name, GVariant *param)
{
  step (CARRETE_VIEWER (widget), 1);
}

static void
previous_action (GtkWidget *widget, const char *name, GVariant *param)
{
  step (CARRETE_VIEWER (widget), -1);
}

static void
close_action (GtkWidget *widget, const char *name, GVariant *param)
{
  g_signal_emit (widget, signals[CLOSE], 0);
}

static void
delete_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CarreteViewer *self = CARRETE_VIEWER (widget);
  g_autoptr(CarretePhoto) photo = NULL;

  if (self->photo == NULL)
    return;
  photo = g_object_ref (self->photo);
  g_signal_emit (self, signals[DELETE], 0, photo);
}

static void
updated_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CarreteViewer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CarretePhoto) photo = NULL;

  photo = carrete_client_update_photo_finish (CARRETE_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (photo == NULL)
    {
      show_error (self, error);
      if (self->photo != NULL)
        show_metadata (self); /* back to what the server has */
      return;
    }
  if (self->photo != NULL
      && g_strcmp0 (carrete_photo_get_id (self->photo), carrete_photo_get_id (photo)) == 0)
    {
      g_set_object (&self->photo, photo);
      show_metadata (self);
    }
  g_signal_emit (self, signals[CHANGED], 0, photo);
}

void
carrete_viewer_rename (CarreteViewer *self, const char *name)
{
  g_autofree char *clean = NULL;

  g_return_if_fail (CARRETE_IS_VIEWER (self));
  if (self->photo == NULL || self->client == NULL)
    return;
  clean = g_strstrip (g_strdup (name));
  if (*clean == '\0' || g_strcmp0 (clean, carrete_photo_get_name (self->photo)) == 0)
    {
      show_metadata (self);
      return;
    }
  carrete_client_update_photo_async (self->client, carrete_photo_get_id (self->photo), clean,
                                     NULL, self->cancellable, updated_cb, g_object_ref (self));
}

void
carrete_viewer_move (CarreteViewer *self, const char *folder_id)
{
  g_return_if_fail (CARRETE_IS_VIEWER (self));
  if (self->photo == NULL || self->client == NULL)
    return;
  carrete_client_update_photo_async (self->client, carrete_photo_get_id (self->photo), NULL,
                                     folder_id != NULL ? folder_id : "", self->cancellable,
                                     updated_cb, g_object_ref (self));
}

static void
on_name_apply (CarreteViewer *self)
{
  carrete_viewer_rename (self, gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
}

static void
on_folder_selected (CarreteViewer *self)
{
  guint position = adw_combo_row_get_selected (self->folder_row);
  g_autoptr(CarreteFolder) folder = NULL;

  if (self->filling || self->photo == NULL || position == GTK_INVALID_LIST_POSITION)
    return;
  if (position > 0 && self->folders != NULL)
    folder = g_list_model_get_item (self->folders, position - 1);
  if (g_strcmp0 (folder ? carrete_folder_get_id (folder) : NULL,
                 carrete_photo_get_folder_id (self->photo)) == 0)
    return;
  carrete_viewer_move (self, folder ? carrete_folder_get_id (folder) : NULL);
}

static void
rebuild_folder_names (CarreteViewer *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  guint n = g_list_model_get_n_items (self->folders);

  gtk_string_list_append (names, _("No Folder"));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CarreteFolder) folder = g_list_model_get_item (self->folders, i);
      gtk_string_list_append (names, carrete_folder_get_name (folder));
    }
  self->filling = TRUE;
  adw_combo_row_set_model (self->folder_row, G_LIST_MODEL (names));
  self->filling = FALSE;
  if (self->photo != NULL)
    show_metadata (self);
}

void
carrete_viewer_set_folders (CarreteViewer *self, GListModel *folders)
{
  g_return_if_fail (CARRETE_IS_VIEWER (self));

  if (self->folders != NULL)
    g_signal_handlers_disconnect_by_data (self->folders, self);
  g_set_object (&self->folders, folders);
  if (folders == NULL)
    return;
  g_signal_connect_swapped (folders, "items-changed", G_CALLBACK (rebuild_folder_names), self);
  rebuild_folder_names (self);
}

void
carrete_viewer_set_client (CarreteViewer *self, CarreteClient *client)
{
  g_return_if_fail (CARRETE_IS_VIEWER (self));
  g_set_object (&self->client, client);
}

void
carrete_viewer_set_selection (CarreteViewer *self, GtkSingleSelection *selection)
{
  g_return_if_fail (CARRETE_IS_VIEWER (self));
  g_set_object (&self->selection, selection);
}

CarretePhoto *
carrete_viewer_get_photo (CarreteViewer *self)
{
  g_return_val_if_fail (CARRETE_IS_VIEWER (self), NULL);
  return self->photo;
}

gboolean
carrete_viewer_has_image (CarreteViewer *self)
{
  g_return_val_if_fail (CARRETE_IS_VIEWER (self), FALSE);
  return gtk_picture_get_paintable (self->picture) != NULL;
}

static void
carrete_viewer_dispose (GObject *object)
{
  CarreteViewer *self = CARRETE_VIEWER (object);

  g_cancellable_cancel (self->cancellable);
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  if (self->folders != NULL)
    g_signal_handlers_disconnect_by_data (self->folders, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CARRETE_TYPE_VIEWER);
  /* The template's top-level box is not bound, so it is not unparented
   * by dispose_template (GTK 4.8). */
  {
    GtkWidget *child;
    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
      gtk_widget_unparent (child);
  }
  G_OBJECT_CLASS (carrete_viewer_parent_class)->dispose (object);
}

static void
carrete_viewer_finalize (GObject *object)
{
  CarreteViewer *self = CARRETE_VIEWER (object);

  g_clear_object (&self->client);
  g_clear_object (&self->selection);
  g_clear_object (&self->folders);
  g_clear_object (&self->photo);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (carrete_viewer_parent_class)->finalize (object);
}

static void
carrete_viewer_class_init (CarreteViewerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = carrete_viewer_dispose;
  object_class->finalize = carrete_viewer_finalize;

  signals[CLOSE] = g_signal_new ("close", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[DELETE] = g_signal_new ("delete", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_OBJECT);
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_OBJECT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/carrete/Desktop/carrete-viewer.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, CarreteViewer, title);
  gtk_widget_class_bind_template_child (widget_class, CarreteViewer, picture);
  gtk_widget_class_bind_template_child (widget_class, CarreteViewer, spinner);
  gtk_widget_class_bind_template_child (widget_class, CarreteViewer, name_row);
  gtk_widget_class_bind_template_child (widget_class, CarreteViewer, folder_row);
  gtk_widget_class_bind_template_child (widget_class, CarreteViewer, size_row);
  gtk_widget_class_bind_template_child (widget_class, CarreteViewer, type_row);
  gtk_widget_class_bind_template_child (widget_class, CarreteViewer, taken_row);
  gtk_widget_class_bind_template_child (widget_class, CarreteViewer, uploaded_row);
  gtk_widget_class_bind_template_child (widget_class, CarreteViewer, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_name_apply);

  gtk_widget_class_install_action (widget_class, "viewer.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "viewer.previous", NULL, previous_action);
  gtk_widget_class_install_action (widget_class, "viewer.close", NULL, close_action);
  gtk_widget_class_install_action (widget_class, "viewer.delete", NULL, delete_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_ALT_MASK, "viewer.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, 0, "viewer.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "viewer.previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, 0, "viewer.previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "viewer.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "viewer.delete", NULL);
}

static void
carrete_viewer_init (CarreteViewer *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  g_signal_connect_swapped (self->folder_row, "notify::selected",
                            G_CALLBACK (on_folder_selected), self);
  {
    g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
    gtk_string_list_append (names, _("No Folder"));
    adw_combo_row_set_model (self->folder_row, G_LIST_MODEL (names));
  }
}
