#define G_LOG_DOMAIN "carrete-trash"

#include <glib/gi18n.h>

#include "carrete-trash-window.h"

#include "carrete-client-lib.h"
#include "carrete-sign-in-page.h"

struct _CarreteTrashWindow
{
  AdwWindow parent_instance;

  AdwToastOverlay *toasts;
  GtkStack *stack;
  GtkListBox *list;
  GtkButton *empty_button;
  GListStore *items; /* CarreteTrashItem */
  CarreteClient *client;
  GCancellable *cancellable;
  char *last_message;
  guint loading;
};

G_DEFINE_FINAL_TYPE (CarreteTrashWindow, carrete_trash_window, ADW_TYPE_WINDOW)

enum
{
  CHANGED,
  LOADED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void
say (CarreteTrashWindow *self, const char *message)
{
  g_free (self->last_message);
  self->last_message = g_strdup (message);
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (message));
}

static void
say_error (CarreteTrashWindow *self, const GError *error)
{
  g_autofree char *text = carrete_describe_error (error, NULL);

  say (self, text);
}

/* ---- the rows ---------------------------------------------------------------------- */

static char *
day_of (GDateTime *time)
{
  return time != NULL ? g_date_time_format (time, "%Y-%m-%d") : g_strdup ("?");
}

static void
on_row_button (GtkButton *button, CarreteTrashWindow *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "trash-id");

  if (g_object_get_data (G_OBJECT (button), "restore") != NULL)
    carrete_trash_window_restore (self, id);
  else
    carrete_trash_window_delete (self, id);
}

static GtkWidget *
row_button (CarreteTrashWindow *self, CarreteTrashItem *item, const char *label, gboolean restore)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, restore ? "flat" : "destructive-action");
  g_object_set_data_full (G_OBJECT (button), "trash-id",
                          g_strdup (carrete_trash_item_get_id (item)), g_free);
  if (restore)
    g_object_set_data (G_OBJECT (button), "restore", GINT_TO_POINTER (1));
  g_signal_connect (button, "clicked", G_CALLBACK (on_row_button), self);
  return button;
}

static GtkWidget *
create_row (gpointer object, gpointer user_data)
{
  CarreteTrashWindow *self = user_data;
  CarreteTrashItem *item = object;
  g_autofree char *trashed = day_of (carrete_trash_item_get_trashed_at (item));
  g_autofree char *purge = day_of (carrete_trash_item_get_purge_at (item));
  /* TRANSLATORS: under a trashed item's name: its kind, when it was deleted
   * and when it goes for good */
  g_autofree char *subtitle = g_strdup_printf (
      _("%s · deleted %s · gone for good %s"),
      carrete_trash_item_is_folder (item) ? _("Folder") : _("Photo"), trashed, purge);
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), carrete_trash_item_get_name (item));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name (carrete_trash_item_is_folder (item)
                                                               ? "folder-symbolic"
                                                               : "image-x-generic-symbolic"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), row_button (self, item, _("_Restore"), TRUE));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             row_button (self, item, _("_Delete for Good"), FALSE));
  return row;
}

/* ---- loading --------------------------------------------------------------------------- */

static void load_page (CarreteTrashWindow *self, const char *cursor);

static void
show_list (CarreteTrashWindow *self)
{
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->items)) == 0;

  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "list");
  gtk_widget_set_sensitive (GTK_WIDGET (self->empty_button), !empty);
  g_signal_emit (self, signals[LOADED], 0);
}

static void
page_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CarreteTrashWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteTrashPage) page
      = carrete_client_list_trash_finish (CARRETE_CLIENT (source), result, &error);

  self->loading--;
  if (page == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        say_error (self, error);
      show_list (self);
      return;
    }
  for (guint i = 0; i < page->items->len; i++)
    g_list_store_append (self->items, g_ptr_array_index (page->items, i));
  if (page->next_cursor != NULL)
    load_page (self, page->next_cursor);
  else
    show_list (self);
}

static void
load_page (CarreteTrashWindow *self, const char *cursor)
{
  self->loading++;
  carrete_client_list_trash_async (self->client, cursor, self->cancellable, page_loaded,
                                   g_object_ref (self));
}

void
carrete_trash_window_reload (CarreteTrashWindow *self)
{
  g_return_if_fail (CARRETE_IS_TRASH_WINDOW (self));
  g_cancellable_cancel (self->cancellable);
  g_object_unref (self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_list_store_remove_all (self->items);
  load_page (self, NULL);
}

/* ---- restore, delete, empty ------------------------------------------------------------- */

typedef struct
{
  CarreteTrashWindow *self;
  const char *done; /* what to say once it worked */
  gboolean restore;
} Change;

static void
change_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree Change *change = user_data;
  g_autoptr (CarreteTrashWindow) self = change->self;
  g_autoptr (GError) error = NULL;
  CarreteClient *client = CARRETE_CLIENT (source);
  gboolean ok = change->restore ? carrete_client_restore_from_trash_finish (client, result, &error)
                                : carrete_client_delete_from_trash_finish (client, result, &error);

  self->loading--;
  if (ok)
    {
      say (self, change->done);
      g_signal_emit (self, signals[CHANGED], 0);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    say_error (self, error);
  carrete_trash_window_reload (self);
}

static Change *
change_new (CarreteTrashWindow *self, const char *done, gboolean restore)
{
  Change *change = g_new0 (Change, 1);

  change->self = g_object_ref (self);
  change->done = done;
  change->restore = restore;
  self->loading++;
  return change;
}

void
carrete_trash_window_restore (CarreteTrashWindow *self, const char *id)
{
  g_return_if_fail (CARRETE_IS_TRASH_WINDOW (self));
  carrete_client_restore_from_trash_async (self->client, id, NULL, change_done,
                                           change_new (self, _("Restored"), TRUE));
}

void
carrete_trash_window_delete (CarreteTrashWindow *self, const char *id)
{
  g_return_if_fail (CARRETE_IS_TRASH_WINDOW (self));
  carrete_client_delete_from_trash_async (self->client, id, NULL, change_done,
                                          change_new (self, _("Deleted for good"), FALSE));
}

void
carrete_trash_window_empty (CarreteTrashWindow *self)
{
  g_return_if_fail (CARRETE_IS_TRASH_WINDOW (self));
  carrete_client_delete_from_trash_async (self->client, NULL, NULL, change_done,
                                          change_new (self, _("Trash emptied"), FALSE));
}

static void
on_empty_response (AdwMessageDialog *dialog, const char *response, CarreteTrashWindow *self)
{
  if (g_strcmp0 (response, "empty") == 0)
    carrete_trash_window_empty (self);
}

static void
on_empty_clicked (CarreteTrashWindow *self)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (
      adw_message_dialog_new (GTK_WINDOW (self), _("Empty the Trash?"),
                              _("Everything in the trash will be deleted for good. This cannot "
                                 "be undone.")));

  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "empty", _("_Empty Trash"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "empty", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_empty_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- the type ------------------------------------------------------------------------------ */

gboolean
carrete_trash_window_get_loading (CarreteTrashWindow *self)
{
  g_return_val_if_fail (CARRETE_IS_TRASH_WINDOW (self), FALSE);
  return self->loading > 0;
}

GListModel *
carrete_trash_window_get_items (CarreteTrashWindow *self)
{
  g_return_val_if_fail (CARRETE_IS_TRASH_WINDOW (self), NULL);
  return G_LIST_MODEL (self->items);
}

gboolean
carrete_trash_window_holds (CarreteTrashWindow *self, const char *id)
{
  GListModel *items = G_LIST_MODEL (self->items);

  g_return_val_if_fail (CARRETE_IS_TRASH_WINDOW (self), FALSE);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (CarreteTrashItem) item = g_list_model_get_item (items, i);

      if (g_strcmp0 (carrete_trash_item_get_id (item), id) == 0)
        return TRUE;
    }
  return FALSE;
}

const char *
carrete_trash_window_get_last_message (CarreteTrashWindow *self)
{
  g_return_val_if_fail (CARRETE_IS_TRASH_WINDOW (self), NULL);
  return self->last_message;
}

static void
carrete_trash_window_dispose (GObject *object)
{
  CarreteTrashWindow *self = CARRETE_TRASH_WINDOW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  g_clear_object (&self->items);
  G_OBJECT_CLASS (carrete_trash_window_parent_class)->dispose (object);
}

static void
carrete_trash_window_finalize (GObject *object)
{
  g_free (CARRETE_TRASH_WINDOW (object)->last_message);
  G_OBJECT_CLASS (carrete_trash_window_parent_class)->finalize (object);
}

static void
carrete_trash_window_class_init (CarreteTrashWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = carrete_trash_window_dispose;
  object_class->finalize = carrete_trash_window_finalize;
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);
  signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 0);
}

static GtkWidget *
build_list (CarreteTrashWindow *self)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  gtk_widget_set_valign (GTK_WIDGET (self->list), GTK_ALIGN_START);
  gtk_widget_set_margin_top (GTK_WIDGET (self->list), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->list), 12);
  gtk_widget_set_margin_start (GTK_WIDGET (self->list), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->list), 12);
  gtk_list_box_bind_model (self->list, G_LIST_MODEL (self->items), create_row, self, NULL);
  adw_clamp_set_child (ADW_CLAMP (clamp), GTK_WIDGET (self->list));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scrolled, TRUE);
  return scrolled;
}

static void
carrete_trash_window_init (CarreteTrashWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *empty = adw_status_page_new ();

  self->items = g_list_store_new (CARRETE_TYPE_TRASH_ITEM);
  self->cancellable = g_cancellable_new ();
  gtk_window_set_title (GTK_WINDOW (self), _("Trash"));
  gtk_window_set_default_size (GTK_WINDOW (self), 520, 560);
  self->empty_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Empty Trash")));
  gtk_widget_add_css_class (GTK_WIDGET (self->empty_button), "destructive-action");
  gtk_widget_set_sensitive (GTK_WIDGET (self->empty_button), FALSE);
  g_signal_connect_swapped (self->empty_button, "clicked", G_CALLBACK (on_empty_clicked), self);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), GTK_WIDGET (self->empty_button));
  gtk_box_append (GTK_BOX (box), header);

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "user-trash-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (empty), _("The Trash Is Empty"));
  adw_status_page_set_description (ADW_STATUS_PAGE (empty),
                                   _("Deleted photos and folders stay here for a while before "
                                      "they go for good."));
  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  gtk_stack_add_named (self->stack, empty, "empty");
  gtk_stack_add_named (self->stack, build_list (self), "list");
  self->toasts = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  adw_toast_overlay_set_child (self->toasts, GTK_WIDGET (self->stack));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->toasts));
  adw_window_set_content (ADW_WINDOW (self), box);
}

CarreteTrashWindow *
carrete_trash_window_new (GtkWindow *parent, CarreteClient *client)
{
  CarreteTrashWindow *self = g_object_new (CARRETE_TYPE_TRASH_WINDOW, NULL);

  g_return_val_if_fail (CARRETE_IS_CLIENT (client), NULL);
  self->client = g_object_ref (client);
  gtk_window_set_transient_for (GTK_WINDOW (self), parent);
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (self), TRUE);
  load_page (self, NULL);
  return self;
}
