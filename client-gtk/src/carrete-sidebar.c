#define G_LOG_DOMAIN "carrete-sidebar"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "carrete-client-lib.h"
#include "carrete-sidebar.h"

struct _CarreteSidebar
{
  GtkWidget parent_instance;

  GtkBox *box; /* bound so that dispose_template unparents it */
  AdwHeaderBar *header_bar;
  GtkListBox *folder_list;
  GtkWidget *usage_box;
  GtkLabel *usage_label;
  GtkProgressBar *usage_bar;
  GtkWidget *watch_box;
  GtkLabel *watch_label;
  GtkToggleButton *watch_pause;

  CarreteFolderStore *store;
  char *folder_id;  /* the folder shown, NULL for All Photos */
  gboolean filling; /* rebuilding: row selection is not a person's */
};

enum
{
  PROP_0,
  PROP_SHOW_END_TITLE_BUTTONS,
  N_PROPS
};

enum
{
  FOLDER_SELECTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CarreteSidebar, carrete_sidebar, GTK_TYPE_WIDGET)

/* ---- rows ------------------------------------------------------------------------ */

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

/* Appends a row for each folder of `folders`; `*select` becomes the row of
 * the folder shown, if it is among them.  `icon`: every folder's icon
 * (others' folders); NULL: the public icon for public ones only. */
static void
append_folders (CarreteSidebar *self, GListModel *folders, const char *icon, GtkWidget **select)
{
  guint n = g_list_model_get_n_items (folders);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CarreteFolder) folder = g_list_model_get_item (folders, i);
      gboolean is_public = g_strcmp0 (carrete_folder_get_visibility (folder), "public") == 0;
      GtkWidget *row = folder_row_new (
          carrete_folder_get_name (folder),
          icon != NULL ? icon : is_public ? "folder-publicshare-symbolic" : "folder-symbolic",
          folder);

      gtk_list_box_append (self->folder_list, row);
      if (g_strcmp0 (carrete_folder_get_id (folder), self->folder_id) == 0)
        *select = row;
    }
}

static void
rebuild (CarreteSidebar *self)
{
  GtkWidget *child;
  GtkWidget *select;
  GListModel *others = carrete_folder_store_get_public (self->store);
  GListModel *shared = carrete_folder_store_get_shared (self->store);

  self->filling = TRUE;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->folder_list))) != NULL)
    gtk_list_box_remove (self->folder_list, child);

  select = folder_row_new (_("All Photos"), "view-grid-symbolic", NULL);
  gtk_list_box_append (self->folder_list, select);
  gtk_list_box_append (self->folder_list, heading_row_new (_("My Folders")));
  append_folders (self, carrete_folder_store_get_mine (self->store), NULL, &select);
  if (g_list_model_get_n_items (shared) > 0)
    gtk_list_box_append (self->folder_list, heading_row_new (_("Shared with Me")));
  append_folders (self, shared, "folder-remote-symbolic", &select);
  if (g_list_model_get_n_items (others) > 0)
    gtk_list_box_append (self->folder_list, heading_row_new (_("Public Folders")));
  append_folders (self, others, "folder-publicshare-symbolic", &select);

  gtk_list_box_select_row (self->folder_list, GTK_LIST_BOX_ROW (select));
  self->filling = FALSE;
}

static void
on_row_selected (CarreteSidebar *self, GtkListBoxRow *row)
{
  CarreteFolder *folder;

  if (self->filling || row == NULL)
    return;
  folder = g_object_get_data (G_OBJECT (row), "folder");
  carrete_sidebar_set_folder_id (self, folder ? carrete_folder_get_id (folder) : NULL);
  g_signal_emit (self, signals[FOLDER_SELECTED], 0, folder);
}

/* ---- API ---------------------------------------------------------------------------- */

void
carrete_sidebar_set_store (CarreteSidebar *self, CarreteFolderStore *store)
{
  g_return_if_fail (CARRETE_IS_SIDEBAR (self));
  g_return_if_fail (CARRETE_IS_FOLDER_STORE (store));

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);
  g_signal_connect_swapped (store, "changed", G_CALLBACK (rebuild), self);
  rebuild (self);
}

const char *
carrete_sidebar_get_folder_id (CarreteSidebar *self)
{
  g_return_val_if_fail (CARRETE_IS_SIDEBAR (self), NULL);
  return self->folder_id;
}

void
carrete_sidebar_set_folder_id (CarreteSidebar *self, const char *folder_id)
{
  g_return_if_fail (CARRETE_IS_SIDEBAR (self));

  /* The caller may pass the id it got from carrete_sidebar_get_folder_id(). */
  if (folder_id == self->folder_id)
    return;
  g_free (self->folder_id);
  self->folder_id = g_strdup (folder_id);
}

gboolean
carrete_sidebar_select_folder (CarreteSidebar *self, const char *folder_id)
{
  GtkWidget *child;

  g_return_val_if_fail (CARRETE_IS_SIDEBAR (self), FALSE);
  for (child = gtk_widget_get_first_child (GTK_WIDGET (self->folder_list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      CarreteFolder *folder = g_object_get_data (G_OBJECT (child), "folder");
      gboolean is_all
          = folder == NULL && gtk_list_box_row_get_selectable (GTK_LIST_BOX_ROW (child));

      if ((folder_id == NULL && is_all)
          || (folder != NULL && g_strcmp0 (carrete_folder_get_id (folder), folder_id) == 0))
        {
          gtk_list_box_select_row (self->folder_list, GTK_LIST_BOX_ROW (child));
          return TRUE;
        }
    }
  return FALSE;
}

/* ---- lifecycle ----------------------------------------------------------------------- */

static void
carrete_sidebar_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CarreteSidebar *self = CARRETE_SIDEBAR (object);

  switch (prop_id)
    {
    case PROP_SHOW_END_TITLE_BUTTONS:
      g_value_set_boolean (value, adw_header_bar_get_show_end_title_buttons (self->header_bar));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
carrete_sidebar_set_property (GObject *object, guint prop_id, const GValue *value,
                              GParamSpec *pspec)
{
  CarreteSidebar *self = CARRETE_SIDEBAR (object);

  switch (prop_id)
    {
    case PROP_SHOW_END_TITLE_BUTTONS:
      if (adw_header_bar_get_show_end_title_buttons (self->header_bar)
          == g_value_get_boolean (value))
        return;
      adw_header_bar_set_show_end_title_buttons (self->header_bar, g_value_get_boolean (value));
      g_object_notify_by_pspec (object, pspec);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
carrete_sidebar_dispose (GObject *object)
{
  CarreteSidebar *self = CARRETE_SIDEBAR (object);

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), CARRETE_TYPE_SIDEBAR);
  G_OBJECT_CLASS (carrete_sidebar_parent_class)->dispose (object);
}

static void
carrete_sidebar_finalize (GObject *object)
{
  CarreteSidebar *self = CARRETE_SIDEBAR (object);

  g_free (self->folder_id);
  G_OBJECT_CLASS (carrete_sidebar_parent_class)->finalize (object);
}

static void
carrete_sidebar_class_init (CarreteSidebarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = carrete_sidebar_get_property;
  object_class->set_property = carrete_sidebar_set_property;
  object_class->dispose = carrete_sidebar_dispose;
  object_class->finalize = carrete_sidebar_finalize;

  properties[PROP_SHOW_END_TITLE_BUTTONS]
      = g_param_spec_boolean ("show-end-title-buttons", NULL, NULL, TRUE,
                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[FOLDER_SELECTED]
      = g_signal_new ("folder-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 1, CARRETE_TYPE_FOLDER);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/carrete/Desktop/carrete-sidebar.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, CarreteSidebar, box);
  gtk_widget_class_bind_template_child (widget_class, CarreteSidebar, header_bar);
  gtk_widget_class_bind_template_child (widget_class, CarreteSidebar, folder_list);
  gtk_widget_class_bind_template_child (widget_class, CarreteSidebar, usage_box);
  gtk_widget_class_bind_template_child (widget_class, CarreteSidebar, usage_label);
  gtk_widget_class_bind_template_child (widget_class, CarreteSidebar, usage_bar);
  gtk_widget_class_bind_template_child (widget_class, CarreteSidebar, watch_box);
  gtk_widget_class_bind_template_child (widget_class, CarreteSidebar, watch_label);
  gtk_widget_class_bind_template_child (widget_class, CarreteSidebar, watch_pause);
  gtk_widget_class_bind_template_callback (widget_class, on_row_selected);
}

static void
carrete_sidebar_init (CarreteSidebar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
carrete_sidebar_set_usage (CarreteSidebar *self, gint64 quota_bytes, gint64 usage_bytes)
{
  g_autofree char *used = NULL;
  g_autofree char *limit = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (CARRETE_IS_SIDEBAR (self));
  gtk_widget_set_visible (self->usage_box, quota_bytes >= 0 && usage_bytes >= 0);
  if (quota_bytes < 0 || usage_bytes < 0)
    return;
  used = g_format_size ((guint64) usage_bytes);
  gtk_widget_set_visible (GTK_WIDGET (self->usage_bar), quota_bytes > 0);
  if (quota_bytes == 0)
    {
      /* TRANSLATORS: storage an account uses, without a quota; %s is a size such as "3.1 MB" */
      text = g_strdup_printf (_("%s used"), used);
      gtk_label_set_text (self->usage_label, text);
      return;
    }
  limit = g_format_size ((guint64) quota_bytes);
  /* TRANSLATORS: storage an account uses of its quota: "3.1 MB of 10 GB used" */
  text = g_strdup_printf (_("%s of %s used"), used, limit);
  gtk_label_set_text (self->usage_label, text);
  gtk_progress_bar_set_fraction (self->usage_bar,
                                 (double) MIN (usage_bytes, quota_bytes) / (double) quota_bytes);
}

const char *
carrete_sidebar_get_usage_text (CarreteSidebar *self)
{
  g_return_val_if_fail (CARRETE_IS_SIDEBAR (self), NULL);
  return gtk_widget_get_visible (self->usage_box) ? gtk_label_get_text (self->usage_label) : NULL;
}

void
carrete_sidebar_set_watch_status (CarreteSidebar *self, const char *text, gboolean paused)
{
  g_return_if_fail (CARRETE_IS_SIDEBAR (self));
  gtk_widget_set_visible (self->watch_box, text != NULL);
  gtk_label_set_text (self->watch_label, text != NULL ? text : "");
  /* Not the action: a toggle set from here emits no "clicked". */
  gtk_toggle_button_set_active (self->watch_pause, paused);
}

const char *
carrete_sidebar_get_watch_status (CarreteSidebar *self)
{
  g_return_val_if_fail (CARRETE_IS_SIDEBAR (self), NULL);
  return gtk_widget_get_visible (self->watch_box) ? gtk_label_get_text (self->watch_label) : NULL;
}
