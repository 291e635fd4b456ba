#define G_LOG_DOMAIN "carrete-window"

#include <glib/gi18n.h>

#include "carrete-folder-dialog.h"
#include "carrete-window-private.h"

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

CarreteFolder *
_carrete_window_find_folder (CarreteWindow *self, const char *folder_id, gboolean *is_mine)
{
  return carrete_folder_store_find (self->folders, folder_id, is_mine);
}

void
_carrete_window_rebuild_folder_list (CarreteWindow *self)
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

void
_carrete_window_show_folder (CarreteWindow *self, CarreteFolder *folder)
{
  gboolean mine = FALSE;

  g_free (self->folder_id);
  self->folder_id = folder ? g_strdup (carrete_folder_get_id (folder)) : NULL;
  adw_window_title_set_title (self->window_title,
                              folder ? carrete_folder_get_name (folder) : _("All Photos"));
  if (folder != NULL)
    _carrete_window_find_folder (self, carrete_folder_get_id (folder), &mine);
  adw_window_title_set_subtitle (self->window_title,
                                 folder == NULL ? NULL
                                 : mine ? (g_strcmp0 (carrete_folder_get_visibility (folder), "public") == 0
                                           ? _("Public") : _("Private"))
                                 : _("Shared with everyone"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.edit-folder", mine);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.delete-folder", mine);
  _carrete_window_apply_query (self);
}

void
_carrete_window_on_folder_row_selected (CarreteWindow *self, GtkListBoxRow *row)
{
  if (self->filling_folders || row == NULL)
    return;
  _carrete_window_show_folder (self, g_object_get_data (G_OBJECT (row), "folder"));
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

void
_carrete_window_on_back_clicked (CarreteWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

void
_carrete_window_reload_folders (CarreteWindow *self)
{
  if (self->client == NULL)
    return;
  carrete_folder_store_reload (self->folders, self->client, self->session_cancellable);
}

void
_carrete_window_on_folders_error (CarreteWindow *self, const GError *error)
{
  /* An expired session is the client's "session-expired" signal's business. */
  if (!g_error_matches (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNAUTHORIZED))
    _carrete_window_set_offline (self, error);
}

static void
on_folder_saved (CarreteWindow *self, CarreteFolder *folder)
{
  g_autofree char *text = g_strdup_printf (_("Folder “%s” saved"), carrete_folder_get_name (folder));

  g_free (self->folder_id);
  self->folder_id = g_strdup (carrete_folder_get_id (folder));
  carrete_folder_store_put_mine (self->folders, folder); /* rebuilds the list */
  _carrete_window_show_folder (self, folder);
  _carrete_window_toast (self, text);
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

void
_carrete_window_new_folder_action (GtkWidget *widget, const char *name, GVariant *param)
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
  folder = self->folder_id ? _carrete_window_find_folder (self, self->folder_id, &mine) : NULL;
  if (folder == NULL || !mine)
    return NULL;
  dialog = carrete_folder_dialog_new (GTK_WINDOW (self), self->client, folder);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_folder_saved), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

void
_carrete_window_edit_folder_action (GtkWidget *widget, const char *name, GVariant *param)
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
        _carrete_window_toast_error (self, error);
      return;
    }
  g_clear_pointer (&self->folder_id, g_free);
  _carrete_window_toast (self, _("Folder deleted"));
  _carrete_window_show_folder (self, NULL);
  _carrete_window_reload_folders (self);
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
  folder = self->folder_id ? _carrete_window_find_folder (self, self->folder_id, &mine) : NULL;
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

void
_carrete_window_delete_folder_action (GtkWidget *widget, const char *name, GVariant *param)
{
  carrete_window_delete_folder (CARRETE_WINDOW (widget));
}
