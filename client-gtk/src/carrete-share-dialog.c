#define G_LOG_DOMAIN "carrete-share-dialog"

#include <glib/gi18n.h>

#include "carrete-client-lib.h"
#include "carrete-share-dialog.h"

struct _CarreteShareDialog
{
  AdwWindow parent_instance;

  AdwWindowTitle *window_title;
  CarreteShareLinks *links;
  CarreteShareMembers *members;
};

G_DEFINE_FINAL_TYPE (CarreteShareDialog, carrete_share_dialog, ADW_TYPE_WINDOW)

static void
carrete_share_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), CARRETE_TYPE_SHARE_DIALOG);
  G_OBJECT_CLASS (carrete_share_dialog_parent_class)->dispose (object);
}

static void
carrete_share_dialog_class_init (CarreteShareDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = carrete_share_dialog_dispose;
  g_type_ensure (CARRETE_TYPE_SHARE_LINKS);
  g_type_ensure (CARRETE_TYPE_SHARE_MEMBERS);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/carrete/Desktop/carrete-share-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CarreteShareDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, CarreteShareDialog, links);
  gtk_widget_class_bind_template_child (widget_class, CarreteShareDialog, members);
}

static void
carrete_share_dialog_init (CarreteShareDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

CarreteShareDialog *
carrete_share_dialog_new (GtkWindow *parent, CarreteClient *client, CarreteFolder *folder)
{
  CarreteShareDialog *self;
  g_autofree char *title = NULL;

  g_return_val_if_fail (CARRETE_IS_CLIENT (client), NULL);
  g_return_val_if_fail (CARRETE_IS_FOLDER (folder), NULL);
  self = g_object_new (CARRETE_TYPE_SHARE_DIALOG, "transient-for", parent, NULL);
  /* TRANSLATORS: the Share dialog's title; %s is the folder's name */
  title = g_strdup_printf (_("Share “%s”"), carrete_folder_get_name (folder));
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->window_title, title);
  carrete_share_links_set_folder (self->links, client, carrete_folder_get_id (folder));
  carrete_share_members_set_folder (self->members, client, carrete_folder_get_id (folder));
  return self;
}

CarreteShareLinks *
carrete_share_dialog_get_links (CarreteShareDialog *self)
{
  g_return_val_if_fail (CARRETE_IS_SHARE_DIALOG (self), NULL);
  return self->links;
}

CarreteShareMembers *
carrete_share_dialog_get_members (CarreteShareDialog *self)
{
  g_return_val_if_fail (CARRETE_IS_SHARE_DIALOG (self), NULL);
  return self->members;
}
