#define G_LOG_DOMAIN "carrete-share-section"

#include "carrete-share-section.h"

void
carrete_share_section_show_error (GtkLabel *label, const char *text)
{
  gtk_label_set_text (label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL);
}

const char *
carrete_share_section_get_error (GtkLabel *label)
{
  return gtk_widget_get_visible (GTK_WIDGET (label)) ? gtk_label_get_text (label) : NULL;
}

void
carrete_share_section_fill_list (GtkListBox *list, GListModel *items, CarreteShareRowFunc make_row,
                                 gpointer section, const char *empty_text)
{
  guint n = g_list_model_get_n_items (items);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GObject) item = g_list_model_get_item (items, i);

      gtk_list_box_append (list, make_row (section, item));
    }
  if (n == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), empty_text);
      gtk_widget_add_css_class (row, "dim-label");
      gtk_list_box_append (list, row);
    }
}

GtkWidget *
carrete_share_section_find_row (GtkListBox *list, const char *key, const char *value)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_strcmp0 (g_object_get_data (G_OBJECT (child), key), value) == 0)
      return child;
  return NULL;
}
