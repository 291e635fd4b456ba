#define G_LOG_DOMAIN "carrete-filter-bar"

#include <glib/gi18n.h>

#include "carrete-client-lib.h"
#include "carrete-dates.h"
#include "carrete-filter-bar.h"

struct _CarreteFilterBar
{
  GtkWidget parent_instance;

  GtkSearchBar *search_bar; /* bound so that dispose_template unparents it */
  GtkSearchEntry *name_entry;
  GtkEntry *tags_entry;
  GtkBox *tag_chips;
  GtkEntry *from_entry;
  GtkEntry *to_entry;

  GPtrArray *tags; /* the chips' tags, lower case, each once */
};

enum
{
  PROP_0,
  PROP_SEARCH_MODE_ENABLED,
  N_PROPS
};

enum
{
  QUERY_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CarreteFilterBar, carrete_filter_bar, GTK_TYPE_WIDGET)

/* ---- the query ------------------------------------------------------------------ */

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

CarretePhotoQuery *
carrete_filter_bar_build_query (CarreteFilterBar *self)
{
  g_autoptr(CarretePhotoQuery) query = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  const char *name;

  g_return_val_if_fail (CARRETE_IS_FILTER_BAR (self), NULL);
  /* A half-typed date does not filter anything yet. */
  if (!read_day (self->from_entry, FALSE, &from) || !read_day (self->to_entry, TRUE, &to))
    return NULL;

  query = carrete_photo_query_new ();
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
  return g_steal_pointer (&query);
}

static void
emit_query (CarreteFilterBar *self)
{
  g_autoptr(CarretePhotoQuery) query = carrete_filter_bar_build_query (self);

  if (query != NULL)
    g_signal_emit (self, signals[QUERY_CHANGED], 0, query);
}

gboolean
carrete_filter_bar_is_empty (CarreteFilterBar *self)
{
  g_return_val_if_fail (CARRETE_IS_FILTER_BAR (self), TRUE);
  return self->tags->len == 0 && *gtk_editable_get_text (GTK_EDITABLE (self->name_entry)) == '\0'
         && *gtk_editable_get_text (GTK_EDITABLE (self->from_entry)) == '\0'
         && *gtk_editable_get_text (GTK_EDITABLE (self->to_entry)) == '\0';
}

/* ---- tag chips -------------------------------------------------------------------- */

static void rebuild_chips (CarreteFilterBar *self);

static void
on_chip_clicked (GtkButton *button, CarreteFilterBar *self)
{
  const char *tag = g_object_get_data (G_OBJECT (button), "tag");

  for (guint i = 0; i < self->tags->len; i++)
    if (g_strcmp0 (self->tags->pdata[i], tag) == 0)
      {
        g_ptr_array_remove_index (self->tags, i);
        break;
      }
  rebuild_chips (self);
  emit_query (self);
}

static GtkWidget *
chip_new (CarreteFilterBar *self, const char *tag)
{
  GtkWidget *chip = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  g_autofree char *tooltip = g_strdup_printf (_("Remove the tag “%s” from the filter"), tag);

  gtk_box_append (GTK_BOX (box), gtk_label_new (tag));
  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name ("window-close-symbolic"));
  gtk_button_set_child (GTK_BUTTON (chip), box);
  gtk_widget_set_tooltip_text (chip, tooltip);
  gtk_widget_add_css_class (chip, "pill");
  gtk_widget_add_css_class (chip, "small");
  g_object_set_data_full (G_OBJECT (chip), "tag", g_strdup (tag), g_free);
  g_signal_connect (chip, "clicked", G_CALLBACK (on_chip_clicked), self);
  return chip;
}

static void
rebuild_chips (CarreteFilterBar *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->tag_chips))) != NULL)
    gtk_box_remove (self->tag_chips, child);
  for (guint i = 0; i < self->tags->len; i++)
    gtk_box_append (self->tag_chips, chip_new (self, self->tags->pdata[i]));
}

void
carrete_filter_bar_add_tag (CarreteFilterBar *self, const char *tag)
{
  g_autofree char *clean = NULL;

  g_return_if_fail (CARRETE_IS_FILTER_BAR (self));
  clean = g_utf8_strdown (tag, -1);
  g_strstrip (clean);
  if (*clean == '\0')
    return;
  for (guint i = 0; i < self->tags->len; i++)
    if (g_strcmp0 (self->tags->pdata[i], clean) == 0)
      return;
  g_ptr_array_add (self->tags, g_steal_pointer (&clean));
  rebuild_chips (self);
  emit_query (self);
}

static void
on_tag_activate (CarreteFilterBar *self)
{
  g_auto(GStrv) tags
      = g_strsplit (gtk_editable_get_text (GTK_EDITABLE (self->tags_entry)), ",", -1);

  for (guint i = 0; tags[i] != NULL; i++)
    carrete_filter_bar_add_tag (self, tags[i]);
  gtk_editable_set_text (GTK_EDITABLE (self->tags_entry), "");
}

void
carrete_filter_bar_clear_tags (CarreteFilterBar *self)
{
  g_return_if_fail (CARRETE_IS_FILTER_BAR (self));
  g_ptr_array_set_size (self->tags, 0);
  rebuild_chips (self);
}

/* ---- the fields ----------------------------------------------------------------------- */

void
carrete_filter_bar_set_fields (CarreteFilterBar *self, const char *name, const char *from,
                               const char *to)
{
  g_return_if_fail (CARRETE_IS_FILTER_BAR (self));

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  if (name != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->name_entry), name);
  if (from != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->from_entry), from);
  if (to != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->to_entry), to);
  /* The search entry waits a moment before it says it changed. */
  emit_query (self);
}

void
carrete_filter_bar_clear (CarreteFilterBar *self)
{
  g_return_if_fail (CARRETE_IS_FILTER_BAR (self));

  carrete_filter_bar_clear_tags (self);
  gtk_editable_set_text (GTK_EDITABLE (self->name_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->to_entry), "");
  emit_query (self);
}

void
carrete_filter_bar_focus (CarreteFilterBar *self)
{
  g_return_if_fail (CARRETE_IS_FILTER_BAR (self));
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
}

void
carrete_filter_bar_set_key_capture_widget (CarreteFilterBar *self, GtkWidget *widget)
{
  g_return_if_fail (CARRETE_IS_FILTER_BAR (self));
  gtk_search_bar_set_key_capture_widget (self->search_bar, widget);
}

/* ---- lifecycle ----------------------------------------------------------------------------- */

static void
carrete_filter_bar_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CarreteFilterBar *self = CARRETE_FILTER_BAR (object);

  switch (prop_id)
    {
    case PROP_SEARCH_MODE_ENABLED:
      g_value_set_boolean (value, gtk_search_bar_get_search_mode (self->search_bar));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
carrete_filter_bar_set_property (GObject *object, guint prop_id, const GValue *value,
                                 GParamSpec *pspec)
{
  CarreteFilterBar *self = CARRETE_FILTER_BAR (object);

  switch (prop_id)
    {
    case PROP_SEARCH_MODE_ENABLED:
      /* on_search_mode_changed() notifies. */
      gtk_search_bar_set_search_mode (self->search_bar, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* The search bar also opens and closes by itself (typing, its close button,
 * Escape): the property follows it. */
static void
on_search_mode_changed (CarreteFilterBar *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH_MODE_ENABLED]);
}

static void
carrete_filter_bar_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), CARRETE_TYPE_FILTER_BAR);
  G_OBJECT_CLASS (carrete_filter_bar_parent_class)->dispose (object);
}

static void
carrete_filter_bar_finalize (GObject *object)
{
  CarreteFilterBar *self = CARRETE_FILTER_BAR (object);

  g_clear_pointer (&self->tags, g_ptr_array_unref);
  G_OBJECT_CLASS (carrete_filter_bar_parent_class)->finalize (object);
}

static void
carrete_filter_bar_class_init (CarreteFilterBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = carrete_filter_bar_get_property;
  object_class->set_property = carrete_filter_bar_set_property;
  object_class->dispose = carrete_filter_bar_dispose;
  object_class->finalize = carrete_filter_bar_finalize;

  properties[PROP_SEARCH_MODE_ENABLED]
      = g_param_spec_boolean ("search-mode-enabled", NULL, NULL, FALSE,
                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Static scope: the handlers copy the query if they keep it. */
  signals[QUERY_CHANGED]
      = g_signal_new ("query-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, CARRETE_TYPE_PHOTO_QUERY | G_SIGNAL_TYPE_STATIC_SCOPE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/carrete/Desktop/carrete-filter-bar.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, CarreteFilterBar, search_bar);
  gtk_widget_class_bind_template_child (widget_class, CarreteFilterBar, name_entry);
  gtk_widget_class_bind_template_child (widget_class, CarreteFilterBar, tags_entry);
  gtk_widget_class_bind_template_child (widget_class, CarreteFilterBar, tag_chips);
  gtk_widget_class_bind_template_child (widget_class, CarreteFilterBar, from_entry);
  gtk_widget_class_bind_template_child (widget_class, CarreteFilterBar, to_entry);
  gtk_widget_class_bind_template_callback (widget_class, emit_query);
  gtk_widget_class_bind_template_callback (widget_class, on_tag_activate);
}

static void
carrete_filter_bar_init (CarreteFilterBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->tags = g_ptr_array_new_with_free_func (g_free);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->name_entry));
  g_signal_connect_swapped (self->search_bar, "notify::search-mode-enabled",
                            G_CALLBACK (on_search_mode_changed), self);
}
