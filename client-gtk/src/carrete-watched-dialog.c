#define G_LOG_DOMAIN "carrete-watched-dialog"

#include <glib/gi18n.h>

#include "carrete-background.h"
#include "carrete-watched-dialog.h"

struct _CarreteWatchedDialog
{
  AdwWindow parent_instance;

  CarreteWatcher *watcher;
  GListModel *folders; /* CarreteFolder: the targets */
  AdwPreferencesGroup *list_group;
  GPtrArray *rows;         /* the rows in list_group, to remove on a rebuild */
  AdwComboRow *target_row; /* "No Folder", then the folders' names */
  GtkLabel *error_label;
  GtkSwitch *login_switch;
};

G_DEFINE_FINAL_TYPE (CarreteWatchedDialog, carrete_watched_dialog, ADW_TYPE_WINDOW)

static void
show_error (CarreteWatchedDialog *self, const char *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
on_delete_switched (GtkSwitch *toggle, GParamSpec *pspec, CarreteWatchedDialog *self)
{
  CarreteWatchedFolder *folder = g_object_get_data (G_OBJECT (toggle), "folder");
  g_autoptr (GError) error = NULL;

  carrete_watched_folder_set_delete_on_server (folder, gtk_switch_get_active (toggle));
  if (!carrete_watcher_save (self->watcher, &error))
    show_error (self, error->message);
}

static void
on_remove_clicked (GtkButton *button, CarreteWatchedDialog *self)
{
  CarreteWatchedFolder *folder = g_object_get_data (G_OBJECT (button), "folder");
  g_autoptr (GError) error = NULL;

  if (!carrete_watcher_remove (self->watcher, folder, &error))
    show_error (self, error->message);
}

static GtkWidget *
folder_row (CarreteWatchedDialog *self, CarreteWatchedFolder *folder)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  const char *name = carrete_watched_folder_get_folder_name (folder);
  g_autofree char *subtitle = NULL;

  /* TRANSLATORS: where a watched folder's images go; %s is a Carrete folder's name */
  subtitle = name != NULL ? g_strdup_printf (_ ("Uploads to “%s”"), name)
                          : g_strdup (_ ("Uploads outside any folder"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 carrete_watched_folder_get_path (folder));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_switch_set_active (GTK_SWITCH (toggle), carrete_watched_folder_get_delete_on_server (folder));
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (toggle, _ ("Delete on the server when deleted here"));
  g_object_set_data_full (G_OBJECT (toggle), "folder", g_object_ref (folder), g_object_unref);
  g_signal_connect (toggle, "notify::active", G_CALLBACK (on_delete_switched), self);
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (remove, _ ("Stop Watching"));
  gtk_widget_add_css_class (remove, "flat");
  g_object_set_data_full (G_OBJECT (remove), "folder", g_object_ref (folder), g_object_unref);
  g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_clicked), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
  return row;
}

/* AdwPreferencesGroup of libadwaita 1.2 has no model binding: rebuilt. */
static void
rebuild (CarreteWatchedDialog *self)
{
  GListModel *model = carrete_watcher_get_folders (self->watcher);

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->list_group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (CarreteWatchedFolder) folder = g_list_model_get_item (model, i);
      GtkWidget *row = folder_row (self, folder);

      adw_preferences_group_add (self->list_group, row);
      g_ptr_array_add (self->rows, row);
    }
}

static CarreteFolder *
picked_target (CarreteWatchedDialog *self)
{
  guint picked = adw_combo_row_get_selected (self->target_row);

  if (picked == 0 || picked == GTK_INVALID_LIST_POSITION)
    return NULL;
  return g_list_model_get_item (self->folders, picked - 1);
}

gboolean
carrete_watched_dialog_add (CarreteWatchedDialog *self, const char *path)
{
  g_autoptr (CarreteFolder) target = picked_target (self);
  g_autoptr (CarreteWatchedFolder) folder
      = carrete_watched_folder_new (path, target != NULL ? carrete_folder_get_id (target) : NULL,
                                    target != NULL ? carrete_folder_get_name (target) : NULL);
  g_autoptr (GError) error = NULL;

  if (!carrete_watcher_add (self->watcher, folder, &error))
    {
      show_error (self, error->message);
      return FALSE;
    }
  show_error (self, NULL);
  return TRUE;
}

void
carrete_watched_dialog_set_target (CarreteWatchedDialog *self, const char *folder_id)
{
  guint picked = 0;

  for (guint i = 0; folder_id != NULL && i < g_list_model_get_n_items (self->folders); i++)
    {
      g_autoptr (CarreteFolder) folder = g_list_model_get_item (self->folders, i);

      if (g_strcmp0 (carrete_folder_get_id (folder), folder_id) == 0)
        picked = i + 1;
    }
  adw_combo_row_set_selected (self->target_row, picked);
}

const char *
carrete_watched_dialog_get_error (CarreteWatchedDialog *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->error_label))
             ? gtk_label_get_text (self->error_label)
             : NULL;
}

static void
on_chooser_response (GtkNativeDialog *chooser, int response, CarreteWatchedDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        carrete_watched_dialog_add (self, path);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  g_object_unref (self);
}

/* GtkFileDialog is GTK 4.10; Debian 12 has 4.8, so the native chooser. */
static void
on_add_clicked (CarreteWatchedDialog *self)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (
      _ ("Watch Folder"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _ ("_Watch"),
      _ ("_Cancel"));

  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_login_switched (GtkSwitch *toggle, GParamSpec *pspec, CarreteWatchedDialog *self)
{
  carrete_background_set_autostart (GTK_WINDOW (self), gtk_switch_get_active (toggle));
}

static GtkStringList *
target_names (GListModel *folders)
{
  GtkStringList *names = gtk_string_list_new (NULL);

  gtk_string_list_append (names, _ ("No Folder"));
  for (guint i = 0; i < g_list_model_get_n_items (folders); i++)
    {
      g_autoptr (CarreteFolder) folder = g_list_model_get_item (folders, i);

      gtk_string_list_append (names, carrete_folder_get_name (folder));
    }
  return names;
}

static GtkWidget *
build_list_group (CarreteWatchedDialog *self)
{
  GtkWidget *add = gtk_button_new_with_mnemonic (_ ("_Add Folder…"));
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _ ("Folders"));
  adw_preferences_group_set_description (
      ADW_PREFERENCES_GROUP (group),
      _ ("New and changed images in these folders are uploaded in the background."));
  gtk_widget_set_valign (add, GTK_ALIGN_CENTER);
  g_signal_connect_swapped (add, "clicked", G_CALLBACK (on_add_clicked), self);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), add);
  self->list_group = ADW_PREFERENCES_GROUP (group);
  return group;
}

static GtkWidget *
build_options_group (CarreteWatchedDialog *self)
{
  g_autoptr (GtkStringList) names = target_names (self->folders);
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *login = adw_action_row_new ();

  self->target_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->target_row),
                                 _ ("Upload New Folders To"));
  adw_combo_row_set_model (self->target_row, G_LIST_MODEL (names));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->target_row));
  self->login_switch = GTK_SWITCH (gtk_switch_new ());
  gtk_widget_set_valign (GTK_WIDGET (self->login_switch), GTK_ALIGN_CENTER);
  gtk_switch_set_active (self->login_switch, carrete_background_get_autostart ());
  g_signal_connect (self->login_switch, "notify::active", G_CALLBACK (on_login_switched), self);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (login), _ ("Start at Login"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (login),
                               _ ("Keep watching in the background, without a window"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (login), GTK_WIDGET (self->login_switch));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (login), GTK_WIDGET (self->login_switch));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), login);
  return group;
}

static void
carrete_watched_dialog_dispose (GObject *object)
{
  CarreteWatchedDialog *self = CARRETE_WATCHED_DIALOG (object);

  if (self->watcher != NULL)
    g_signal_handlers_disconnect_by_data (carrete_watcher_get_folders (self->watcher), self);
  g_clear_object (&self->watcher);
  g_clear_object (&self->folders);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  G_OBJECT_CLASS (carrete_watched_dialog_parent_class)->dispose (object);
}

static void
carrete_watched_dialog_class_init (CarreteWatchedDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = carrete_watched_dialog_dispose;
}

static void
carrete_watched_dialog_init (CarreteWatchedDialog *self)
{
  self->rows = g_ptr_array_new ();
}

CarreteWatchedDialog *
carrete_watched_dialog_new (GtkWindow *parent, CarreteWatcher *watcher, GListModel *folders)
{
  CarreteWatchedDialog *self
      = g_object_new (CARRETE_TYPE_WATCHED_DIALOG, "modal", TRUE, "transient-for", parent, "title",
                      _ ("Watched Folders"), "default-width", 520, "default-height", 560, NULL);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *page = adw_preferences_page_new ();

  self->watcher = g_object_ref (watcher);
  self->folders = g_object_ref (folders);
  self->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->error_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_widget_set_margin_top (GTK_WIDGET (self->error_label), 6);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->error_label));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page),
                            ADW_PREFERENCES_GROUP (build_options_group (self)));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page),
                            ADW_PREFERENCES_GROUP (build_list_group (self)));
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), page);
  adw_window_set_content (ADW_WINDOW (self), box);
  g_signal_connect_swapped (carrete_watcher_get_folders (watcher), "items-changed",
                            G_CALLBACK (rebuild), self);
  rebuild (self);
  return self;
}
