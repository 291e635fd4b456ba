#define G_LOG_DOMAIN "carrete-uploads-panel"

#include <glib/gi18n.h>

#include "carrete-client-lib.h"
#include "carrete-upload-row.h"
#include "carrete-uploads-panel.h"

struct _CarreteUploadsPanel
{
  GtkWidget parent_instance;

  GtkRevealer *revealer; /* bound so that dispose_template unparents it */
  GtkLabel *label;
  GtkListView *list;

  CarreteUploadQueue *queue;
};

G_DEFINE_FINAL_TYPE (CarreteUploadsPanel, carrete_uploads_panel, GTK_TYPE_WIDGET)

static void
update_label (CarreteUploadsPanel *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->queue));
  guint pending = carrete_upload_queue_get_n_pending (self->queue);
  g_autofree char *text = NULL;

  gtk_revealer_set_reveal_child (self->revealer, n > 0);
  if (pending > 0)
    text = g_strdup_printf (
        ngettext ("Uploading: %u file left", "Uploading: %u files left", pending), pending);
  else
    text = g_strdup (_("Uploads"));
  gtk_label_set_text (self->label, text);
}

/* ---- rows: a list view, not a list box, so that dropping 200 files makes
 * a few rows, not 200 ---------------------------------------------------------------- */

static void
setup_row (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  CarreteUploadsPanel *self = user_data;

  gtk_list_item_set_activatable (item, FALSE);
  gtk_list_item_set_child (item, carrete_upload_row_new (self->queue));
}

static void
bind_row (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  carrete_upload_row_set_upload (CARRETE_UPLOAD_ROW (gtk_list_item_get_child (item)),
                                 gtk_list_item_get_item (item));
}

static void
unbind_row (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  carrete_upload_row_set_upload (CARRETE_UPLOAD_ROW (gtk_list_item_get_child (item)), NULL);
}

static void
show_queue (CarreteUploadsPanel *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkNoSelection) none
      = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->queue)));

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row), self);
  gtk_list_view_set_factory (self->list, factory);
  gtk_list_view_set_model (self->list, GTK_SELECTION_MODEL (none));
  g_signal_connect_swapped (self->queue, "items-changed", G_CALLBACK (update_label), self);
  g_signal_connect_swapped (self->queue, "notify::n-pending", G_CALLBACK (update_label), self);
  update_label (self);
}

static void
forget_queue (CarreteUploadsPanel *self)
{
  gtk_list_view_set_model (self->list, NULL);
  gtk_list_view_set_factory (self->list, NULL);
  if (self->queue != NULL)
    g_signal_handlers_disconnect_by_data (self->queue, self);
  g_clear_object (&self->queue);
  gtk_revealer_set_reveal_child (self->revealer, FALSE);
}

void
carrete_uploads_panel_set_queue (CarreteUploadsPanel *self, CarreteUploadQueue *queue)
{
  g_return_if_fail (CARRETE_IS_UPLOADS_PANEL (self));
  g_return_if_fail (queue == NULL || CARRETE_IS_UPLOAD_QUEUE (queue));

  if (queue == self->queue)
    return;
  forget_queue (self);
  if (queue == NULL)
    return;
  self->queue = g_object_ref (queue);
  show_queue (self);
}

static void
clear_finished_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CarreteUploadsPanel *self = CARRETE_UPLOADS_PANEL (widget);

  if (self->queue != NULL)
    carrete_upload_queue_clear_finished (self->queue);
}

/* ---- lifecycle ------------------------------------------------------------------------ */

static void
carrete_uploads_panel_dispose (GObject *object)
{
  CarreteUploadsPanel *self = CARRETE_UPLOADS_PANEL (object);

  /* Dispose may run more than once; the template's widgets are gone after
   * the first time. */
  if (self->list != NULL)
    forget_queue (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CARRETE_TYPE_UPLOADS_PANEL);
  G_OBJECT_CLASS (carrete_uploads_panel_parent_class)->dispose (object);
}

static void
carrete_uploads_panel_class_init (CarreteUploadsPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = carrete_uploads_panel_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/carrete/Desktop/carrete-uploads-panel.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, CarreteUploadsPanel, revealer);
  gtk_widget_class_bind_template_child (widget_class, CarreteUploadsPanel, label);
  gtk_widget_class_bind_template_child (widget_class, CarreteUploadsPanel, list);
  gtk_widget_class_install_action (widget_class, "uploads.clear-finished", NULL,
                                   clear_finished_action);
}

static void
carrete_uploads_panel_init (CarreteUploadsPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
