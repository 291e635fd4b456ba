#define G_LOG_DOMAIN "carrete-window"

#include <glib/gi18n.h>

#include "carrete-window-private.h"

/* The window's GActions (win.*): the menus, the buttons and the shortcuts
 * (carrete-application.c) start them.  Each is a thin door to the code that
 * does the work, which the tests drive directly. */

/* ---- upload ------------------------------------------------------------------------ */

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
  chooser
      = gtk_file_chooser_native_new (_("Upload Photos"), GTK_WINDOW (self),
                                     GTK_FILE_CHOOSER_ACTION_OPEN, _("_Upload"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_file_filter_set_name (filter, _("Images"));
  gtk_file_filter_add_mime_type (filter, "image/*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- gallery ---------------------------------------------------------------------------- */

static void
filter_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CarreteWindow *self = CARRETE_WINDOW (widget);

  if (g_strcmp0 (carrete_window_get_page (self), "gallery") != 0)
    return;
  carrete_filter_bar_focus (self->filter_bar);
}

static void
sort_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CarreteWindow *self = CARRETE_WINDOW (widget);

  g_free (self->sort);
  self->sort = g_variant_dup_string (param, NULL);
  _carrete_window_apply_query (self);
}

static void
delete_photo_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CarreteWindow *self = CARRETE_WINDOW (widget);
  CarretePhoto *photo;

  if (self->selection == NULL || g_strcmp0 (carrete_window_get_page (self), "gallery") != 0)
    return;
  photo = gtk_single_selection_get_selected_item (self->selection);
  if (photo != NULL)
    carrete_window_delete_photo (self, photo);
}

static void
reload_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CarreteWindow *self = CARRETE_WINDOW (widget);

  if (self->photos == NULL)
    return;
  carrete_photo_list_reload (self->photos);
  _carrete_window_reload_folders (self);
}

static void
show_trash_action (GtkWidget *widget, const char *name, GVariant *param)
{
  carrete_window_show_trash (CARRETE_WINDOW (widget));
}

/* ---- folders --------------------------------------------------------------------------- */

static void
new_folder_action (GtkWidget *widget, const char *name, GVariant *param)
{
  carrete_window_new_folder (CARRETE_WINDOW (widget));
}

static void
edit_folder_action (GtkWidget *widget, const char *name, GVariant *param)
{
  carrete_window_edit_folder (CARRETE_WINDOW (widget));
}

static void
delete_folder_action (GtkWidget *widget, const char *name, GVariant *param)
{
  carrete_window_delete_folder (CARRETE_WINDOW (widget));
}

static void
share_folder_action (GtkWidget *widget, const char *name, GVariant *param)
{
  carrete_window_share_folder (CARRETE_WINDOW (widget));
}

void
_carrete_window_enable_folder_actions (CarreteWindow *self, gboolean mine, gboolean can_add)
{
  self->folder_mine = mine;
  self->folder_can_add = can_add;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.edit-folder", mine);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.delete-folder", mine);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.share-folder", mine);
  /* A viewer's folder (or someone's public one) is read-only. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.upload", can_add);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.delete-photo", can_add);
}

/* ---- session ------------------------------------------------------------------------------ */

static void
sign_out_action (GtkWidget *widget, const char *name, GVariant *param)
{
  carrete_window_sign_out (CARRETE_WINDOW (widget));
}

static void
pause_watching_action (GtkWidget *widget, const char *name, GVariant *param)
{
  _carrete_window_toggle_watching (CARRETE_WINDOW (widget));
}

static void
watched_folders_action (GtkWidget *widget, const char *name, GVariant *param)
{
  carrete_window_show_watched_folders (CARRETE_WINDOW (widget));
}

void
_carrete_window_class_add_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.upload", NULL, upload_action);
  gtk_widget_class_install_action (widget_class, "win.filter", NULL, filter_action);
  gtk_widget_class_install_action (widget_class, "win.delete-photo", NULL, delete_photo_action);
  gtk_widget_class_install_action (widget_class, "win.new-folder", NULL, new_folder_action);
  gtk_widget_class_install_action (widget_class, "win.edit-folder", NULL, edit_folder_action);
  gtk_widget_class_install_action (widget_class, "win.delete-folder", NULL, delete_folder_action);
  gtk_widget_class_install_action (widget_class, "win.share-folder", NULL, share_folder_action);
  gtk_widget_class_install_action (widget_class, "win.sort", "s", sort_action);
  gtk_widget_class_install_action (widget_class, "win.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "win.show-trash", NULL, show_trash_action);
  gtk_widget_class_install_action (widget_class, "win.sign-out", NULL, sign_out_action);
  gtk_widget_class_install_action (widget_class, "win.pause-watching", NULL, pause_watching_action);
  gtk_widget_class_install_action (widget_class, "win.watched-folders", NULL,
                                   watched_folders_action);
}
