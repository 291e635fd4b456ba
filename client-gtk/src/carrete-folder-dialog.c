#define G_LOG_DOMAIN "carrete-folder-dialog"

#include <glib/gi18n.h>

#include "carrete-client-lib.h"
#include "carrete-folder-dialog.h"
#include "carrete-sign-in-page.h"
#include "carrete-tags.h"

struct _CarreteFolderDialog
{
  AdwWindow parent_instance;

  AdwEntryRow *name_row;
  AdwEntryRow *tags_row;
  GtkSwitch *public_switch;
  GtkLabel *error_label;
  GtkButton *save_button;

  CarreteClient *client;
  CarreteFolder *folder; /* NULL when creating */
  GCancellable *cancellable;
  gboolean busy;
};

G_DEFINE_FINAL_TYPE (CarreteFolderDialog, carrete_folder_dialog, ADW_TYPE_WINDOW)

enum { SAVED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
show_error (CarreteFolderDialog *self, const char *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
set_busy (CarreteFolderDialog *self, gboolean busy)
{
  self->busy = busy;
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), !busy);
}

static void
saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CarreteFolderDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CarreteFolder) folder = NULL;
  g_autofree char *message = NULL;

  if (self->folder != NULL)
    folder = carrete_client_update_folder_finish (CARRETE_CLIENT (source), result, &error);
  else
    folder = carrete_client_create_folder_finish (CARRETE_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (folder == NULL)
    {
      /* The server's own words: "A folder with that name already exists". */
      message = carrete_describe_error (error, NULL);
      show_error (self, message);
      return;
    }
  g_signal_emit (self, signals[SAVED], 0, folder);
  gtk_window_close (GTK_WINDOW (self));
}

void
carrete_folder_dialog_submit (CarreteFolderDialog *self)
{
  g_autofree char *name = NULL;
  g_auto(GStrv) tags = NULL;
  const char *visibility;

  g_return_if_fail (CARRETE_IS_FOLDER_DIALOG (self));
  if (self->busy)
    return;

  name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  if (*name == '\0')
    {
      show_error (self, _("Give the folder a name."));
      return;
    }
  tags = carrete_split_tags (gtk_editable_get_text (GTK_EDITABLE (self->tags_row)));
  visibility = gtk_switch_get_active (self->public_switch) ? "public" : "private";

  show_error (self, NULL);
  set_busy (self, TRUE);
  if (self->folder != NULL)
    carrete_client_update_folder_async (self->client, carrete_folder_get_id (self->folder), name,
                                        visibility, (const char *const *) tags, self->cancellable,
                                        saved_cb, g_object_ref (self));
  else
    carrete_client_create_folder_async (self->client, name, visibility,
                                        (const char *const *) tags, self->cancellable,
                                        saved_cb, g_object_ref (self));
}

static void
on_save_clicked (CarreteFolderDialog *self)
{
  carrete_folder_dialog_submit (self);
}

void
carrete_folder_dialog_fill (CarreteFolderDialog *self, const char *name, gboolean is_public,
                            const char *tags)
{
  g_return_if_fail (CARRETE_IS_FOLDER_DIALOG (self));

  if (name != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  if (tags != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->tags_row), tags);
  gtk_switch_set_active (self->public_switch, is_public);
}

gboolean
carrete_folder_dialog_get_busy (CarreteFolderDialog *self)
{
  g_return_val_if_fail (CARRETE_IS_FOLDER_DIALOG (self), FALSE);
  return self->busy;
}

const char *
carrete_folder_dialog_get_error (CarreteFolderDialog *self)
{
  g_return_val_if_fail (CARRETE_IS_FOLDER_DIALOG (self), NULL);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return gtk_label_get_text (self->error_label);
}

static void
carrete_folder_dialog_dispose (GObject *object)
{
  CarreteFolderDialog *self = CARRETE_FOLDER_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), CARRETE_TYPE_FOLDER_DIALOG);
  G_OBJECT_CLASS (carrete_folder_dialog_parent_class)->dispose (object);
}

static void
carrete_folder_dialog_finalize (GObject *object)
{
  CarreteFolderDialog *self = CARRETE_FOLDER_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  g_clear_object (&self->folder);
  G_OBJECT_CLASS (carrete_folder_dialog_parent_class)->finalize (object);
}

static void
carrete_folder_dialog_class_init (CarreteFolderDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = carrete_folder_dialog_dispose;
  object_class->finalize = carrete_folder_dialog_finalize;

  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_OBJECT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/carrete/Desktop/carrete-folder-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CarreteFolderDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, CarreteFolderDialog, tags_row);
  gtk_widget_class_bind_template_child (widget_class, CarreteFolderDialog, public_switch);
  gtk_widget_class_bind_template_child (widget_class, CarreteFolderDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, CarreteFolderDialog, save_button);
  gtk_widget_class_bind_template_callback (widget_class, on_save_clicked);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
carrete_folder_dialog_init (CarreteFolderDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

CarreteFolderDialog *
carrete_folder_dialog_new (GtkWindow *parent, CarreteClient *client, CarreteFolder *folder)
{
  CarreteFolderDialog *self = g_object_new (CARRETE_TYPE_FOLDER_DIALOG,
                                            "transient-for", parent, NULL);

  self->client = g_object_ref (client);
  if (folder != NULL)
    {
      g_autofree char *tags = g_strjoinv (", ", (char **) carrete_folder_get_tags (folder));

      self->folder = g_object_ref (folder);
      gtk_window_set_title (GTK_WINDOW (self), _("Edit Folder"));
      gtk_button_set_label (self->save_button, _("_Save"));
      carrete_folder_dialog_fill (self, carrete_folder_get_name (folder),
                                  g_strcmp0 (carrete_folder_get_visibility (folder), "public") == 0,
                                  tags);
    }
  return self;
}
