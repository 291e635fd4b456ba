#define G_LOG_DOMAIN "carrete-upload-row"

#include <glib/gi18n.h>

#include "carrete-client-lib.h"
#include "carrete-sign-in-page.h"
#include "carrete-upload-row.h"

struct _CarreteUploadRow
{
  GtkWidget parent_instance;

  GtkLabel *name_label;
  GtkLabel *status_label;
  GtkProgressBar *progress_bar;
  GtkButton *action_button;

  CarreteUploadQueue *queue;
  CarreteUpload *upload;
  guint update_source; /* a pending progress update */
};

/* Progress arrives with every chunk written (hundreds a second for a few
 * parallel uploads); a person reads it a few times a second, and every
 * redraw costs a frame, so progress is shown at most this often. */
#define PROGRESS_INTERVAL_MS 200

G_DEFINE_FINAL_TYPE (CarreteUploadRow, carrete_upload_row, GTK_TYPE_WIDGET)

char *
carrete_upload_describe (CarreteUpload *upload)
{
  g_autofree char *sent = g_format_size (carrete_upload_get_bytes_sent (upload));
  g_autofree char *total = g_format_size (carrete_upload_get_bytes_total (upload));
  const GError *error;

  switch (carrete_upload_get_state (upload))
    {
    case CARRETE_UPLOAD_QUEUED:
      return g_strdup (_("Waiting"));
    case CARRETE_UPLOAD_UPLOADING:
      /* TRANSLATORS: "1.2 MB of 3.4 MB" */
      return g_strdup_printf (_("%s of %s"), sent, total);
    case CARRETE_UPLOAD_COMPLETING:
      return g_strdup (_("Finishing"));
    case CARRETE_UPLOAD_DONE:
      return g_strdup (_("Uploaded"));
    case CARRETE_UPLOAD_CANCELLED:
      return g_strdup (_("Cancelled"));
    case CARRETE_UPLOAD_FAILED:
      error = carrete_upload_get_error (upload);
      if (carrete_upload_get_existing_id (upload) != NULL
          || g_error_matches (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_CONFLICT))
        return g_strdup (_("Already in this folder"));
      if (g_error_matches (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_TOO_LARGE))
        return g_strdup (_("Too large for the server"));
      if (g_error_matches (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNSUPPORTED_TYPE))
        return g_strdup (_("Not an image the server accepts"));
      if (error != NULL)
        return carrete_describe_error (error, NULL);
      return g_strdup (_("Failed"));
    default:
      return g_strdup ("");
    }
}

static void
update (CarreteUploadRow *self)
{
  CarreteUploadState state = carrete_upload_get_state (self->upload);
  g_autofree char *status = carrete_upload_describe (self->upload);
  gboolean retryable = state == CARRETE_UPLOAD_FAILED || state == CARRETE_UPLOAD_CANCELLED;
  const char *icon = retryable ? "view-refresh-symbolic" : "process-stop-symbolic";

  gtk_label_set_text (self->status_label, status);
  gtk_progress_bar_set_fraction (self->progress_bar, carrete_upload_get_fraction (self->upload));
  gtk_widget_set_visible (GTK_WIDGET (self->action_button), state != CARRETE_UPLOAD_DONE);
  /* The button's tooltip comes from on_action_query_tooltip(). */
  if (g_strcmp0 (gtk_button_get_icon_name (self->action_button), icon) != 0)
    gtk_button_set_icon_name (self->action_button, icon);
  if (state == CARRETE_UPLOAD_FAILED)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

static gboolean
update_cb (gpointer user_data)
{
  CarreteUploadRow *self = user_data;

  self->update_source = 0;
  update (self);
  return G_SOURCE_REMOVE;
}

static void
on_progress (CarreteUploadRow *self)
{
  if (self->update_source == 0)
    self->update_source = g_timeout_add (PROGRESS_INTERVAL_MS, update_cb, self);
}

/* Asked for only when the tooltip is about to show: setting it with
 * gtk_widget_set_tooltip_text() in update() made GTK query the pointer (a
 * synchronous X round trip) for every row on every state change, which
 * stalled the main loop while a drop was being added and uploaded. */
static gboolean
on_action_query_tooltip (GtkWidget *button, int x, int y, gboolean keyboard, GtkTooltip *tooltip,
                         CarreteUploadRow *self)
{
  CarreteUploadState state;

  if (self->upload == NULL)
    return FALSE;
  state = carrete_upload_get_state (self->upload);
  gtk_tooltip_set_text (tooltip, state == CARRETE_UPLOAD_FAILED || state == CARRETE_UPLOAD_CANCELLED
                                   ? _("Retry") : _("Cancel"));
  return TRUE;
}

static void
on_action_clicked (CarreteUploadRow *self)
{
  CarreteUploadState state;

  if (self->upload == NULL)
    return;
  state = carrete_upload_get_state (self->upload);
  if (state == CARRETE_UPLOAD_FAILED || state == CARRETE_UPLOAD_CANCELLED)
    carrete_upload_queue_retry (self->queue, self->upload);
  else
    carrete_upload_queue_cancel (self->queue, self->upload);
}

CarreteUpload *
carrete_upload_row_get_upload (CarreteUploadRow *self)
{
  g_return_val_if_fail (CARRETE_IS_UPLOAD_ROW (self), NULL);
  return self->upload;
}

const char *
carrete_upload_row_get_status (CarreteUploadRow *self)
{
  g_return_val_if_fail (CARRETE_IS_UPLOAD_ROW (self), NULL);
  return gtk_label_get_text (self->status_label);
}

static void
carrete_upload_row_dispose (GObject *object)
{
  CarreteUploadRow *self = CARRETE_UPLOAD_ROW (object);

  if (self->upload != NULL)
    g_signal_handlers_disconnect_by_data (self->upload, self);
  g_clear_handle_id (&self->update_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), CARRETE_TYPE_UPLOAD_ROW);
  /* The template's top-level box is not bound, so it is not unparented
   * by dispose_template (GTK 4.8). */
  {
    GtkWidget *child;
    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
      gtk_widget_unparent (child);
  }
  G_OBJECT_CLASS (carrete_upload_row_parent_class)->dispose (object);
}

static void
carrete_upload_row_finalize (GObject *object)
{
  CarreteUploadRow *self = CARRETE_UPLOAD_ROW (object);

  g_clear_object (&self->upload);
  g_clear_object (&self->queue);
  G_OBJECT_CLASS (carrete_upload_row_parent_class)->finalize (object);
}

static void
carrete_upload_row_class_init (CarreteUploadRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = carrete_upload_row_dispose;
  object_class->finalize = carrete_upload_row_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/carrete/Desktop/carrete-upload-row.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, CarreteUploadRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, CarreteUploadRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, CarreteUploadRow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, CarreteUploadRow, action_button);
  gtk_widget_class_bind_template_callback (widget_class, on_action_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_action_query_tooltip);
}

static void
carrete_upload_row_init (CarreteUploadRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
carrete_upload_row_new (CarreteUploadQueue *queue)
{
  CarreteUploadRow *self = g_object_new (CARRETE_TYPE_UPLOAD_ROW, NULL);

  self->queue = g_object_ref (queue);
  return GTK_WIDGET (self);
}

void
carrete_upload_row_set_upload (CarreteUploadRow *self, CarreteUpload *upload)
{
  g_return_if_fail (CARRETE_IS_UPLOAD_ROW (self));

  if (self->upload != NULL)
    g_signal_handlers_disconnect_by_data (self->upload, self);
  g_clear_handle_id (&self->update_source, g_source_remove);
  g_set_object (&self->upload, upload);
  if (upload == NULL)
    return;
  gtk_label_set_text (self->name_label, carrete_upload_get_name (upload));
  g_signal_connect_swapped (upload, "notify::state", G_CALLBACK (update), self);
  g_signal_connect_swapped (upload, "notify::fraction", G_CALLBACK (on_progress), self);
  update (self);
}
