#define G_LOG_DOMAIN "carrete-share-dialog"

#include <glib/gi18n.h>

#include "carrete-client-lib.h"
#include "carrete-share-dialog.h"

struct _CarreteShareDialog
{
  AdwWindow parent_instance;

  CarreteShareLinks *links;
  CarreteShareMembers *members;
};

G_DEFINE_FINAL_TYPE (CarreteShareDialog, carrete_share_dialog, ADW_TYPE_WINDOW)

static void
carrete_share_dialog_class_init (CarreteShareDialogClass *klass)
{
}

static void
carrete_share_dialog_init (CarreteShareDialog *self)
{
  gtk_window_set_default_size (GTK_WINDOW (self), 520, 720);
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (self), TRUE);
}

/* The header bar over the scrolled sections. */
static void
build (CarreteShareDialog *self, const char *title)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *sections = gtk_box_new (GTK_ORIENTATION_VERTICAL, 24);

  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), adw_window_title_new (title, NULL));
  gtk_box_append (GTK_BOX (box), header);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scrolled, TRUE);
  g_object_set (sections, "margin-top", 18, "margin-bottom", 18, "margin-start", 12,
                "margin-end", 12, NULL);
  gtk_box_append (GTK_BOX (sections), GTK_WIDGET (self->links));
  gtk_box_append (GTK_BOX (sections), GTK_WIDGET (self->members));
  adw_clamp_set_child (ADW_CLAMP (clamp), sections);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_box_append (GTK_BOX (box), scrolled);
  adw_window_set_content (ADW_WINDOW (self), box);
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
  self->links = CARRETE_SHARE_LINKS (carrete_share_links_new (client, carrete_folder_get_id (folder)));
  self->members
      = CARRETE_SHARE_MEMBERS (carrete_share_members_new (client, carrete_folder_get_id (folder)));
  build (self, title);
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
