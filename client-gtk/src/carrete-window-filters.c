#define G_LOG_DOMAIN "carrete-window"

#include <glib/gi18n.h>

#include "carrete-dates.h"
#include "carrete-window-private.h"

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

void
_carrete_window_apply_query (CarreteWindow *self)
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
  _carrete_window_update_gallery_page (self);
}

void
_carrete_window_on_filter_changed (CarreteWindow *self)
{
  _carrete_window_apply_query (self);
}

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
  _carrete_window_rebuild_chips (self);
  _carrete_window_apply_query (self);
}

void
_carrete_window_rebuild_chips (CarreteWindow *self)
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
  _carrete_window_rebuild_chips (self);
  _carrete_window_apply_query (self);
}

void
_carrete_window_on_tag_activate (CarreteWindow *self)
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
  _carrete_window_apply_query (self);
}

void
carrete_window_clear_filters (CarreteWindow *self)
{
  g_return_if_fail (CARRETE_IS_WINDOW (self));

  g_ptr_array_set_size (self->tags, 0);
  _carrete_window_rebuild_chips (self);
  gtk_editable_set_text (GTK_EDITABLE (self->name_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->to_entry), "");
  _carrete_window_apply_query (self);
}

void
_carrete_window_filter_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CarreteWindow *self = CARRETE_WINDOW (widget);

  if (g_strcmp0 (carrete_window_get_page (self), "gallery") != 0)
    return;
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
}

void
_carrete_window_sort_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CarreteWindow *self = CARRETE_WINDOW (widget);

  g_free (self->sort);
  self->sort = g_variant_dup_string (param, NULL);
  _carrete_window_apply_query (self);
}
