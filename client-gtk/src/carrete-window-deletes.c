#define G_LOG_DOMAIN "carrete-window"

#include <glib/gi18n.h>

#include "carrete-trash-window.h"
#include "carrete-window-private.h"

/* ---- delete with undo (into the trash) ---------------------------------------- */

typedef struct
{
  CarreteWindow *window; /* weak */
  CarretePhoto *photo;
  AdwToast *toast;
  gboolean undone;
} PendingDelete;

static void
pending_delete_free (PendingDelete *pending)
{
  g_clear_weak_pointer (&pending->window);
  g_clear_object (&pending->photo);
  g_free (pending);
}

static void
deleted_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PendingDelete *pending = user_data;
  g_autoptr(GError) error = NULL;

  if (!carrete_client_delete_photo_finish (CARRETE_CLIENT (source), result, &error)
      && pending->window != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Not deleted after all: show it again and say why. */
      if (pending->window->photos != NULL)
        carrete_photo_list_prepend (pending->window->photos, pending->photo);
      _carrete_window_toast_error (pending->window, error);
    }
  else if (pending->window != NULL)
    _carrete_window_reload_usage (pending->window);
  pending_delete_free (pending);
}

static void
on_delete_toast_dismissed (AdwToast *t, PendingDelete *pending)
{
  CarreteWindow *self = pending->window;
  CarreteClient *client = self ? carrete_session_get_client (self->session) : NULL;

  if (self != NULL)
    g_ptr_array_remove (self->pending_deletes, pending);
  if (pending->undone || client == NULL)
    {
      pending_delete_free (pending);
      return;
    }
  carrete_client_delete_photo_async (client, carrete_photo_get_id (pending->photo), NULL,
                                     deleted_cb, pending);
}

static void
on_delete_toast_undo (AdwToast *t, PendingDelete *pending)
{
  pending->undone = TRUE;
  if (pending->window != NULL && pending->window->photos != NULL)
    carrete_photo_list_prepend (pending->window->photos, pending->photo);
}

void
carrete_window_delete_photo (CarreteWindow *self, CarretePhoto *photo)
{
  PendingDelete *pending;
  g_autofree char *title = NULL;

  g_return_if_fail (CARRETE_IS_WINDOW (self));
  g_return_if_fail (CARRETE_IS_PHOTO (photo));
  if (self->photos == NULL)
    return;

  pending = g_new0 (PendingDelete, 1);
  g_set_weak_pointer (&pending->window, self);
  pending->photo = g_object_ref (photo);
  /* TRANSLATORS: a toast after deleting a photo; %s is its name */
  title = g_strdup_printf (_("“%s” moved to the trash"), carrete_photo_get_name (photo));
  pending->toast = adw_toast_new (title);
  adw_toast_set_button_label (pending->toast, _("_Undo"));
  adw_toast_set_timeout (pending->toast, 5);
  g_signal_connect (pending->toast, "button-clicked", G_CALLBACK (on_delete_toast_undo), pending);
  g_signal_connect (pending->toast, "dismissed", G_CALLBACK (on_delete_toast_dismissed), pending);
  g_ptr_array_add (self->pending_deletes, pending);
  _carrete_window_remember_message (self, title);

  carrete_photo_list_remove_id (self->photos, carrete_photo_get_id (photo));
  adw_toast_overlay_add_toast (self->toast_overlay, pending->toast);
  if (g_strcmp0 (carrete_window_get_page (self), "viewer") == 0)
    {
      if (gtk_single_selection_get_selected_item (self->selection) != NULL)
        carrete_viewer_update (self->viewer);
      else
        _carrete_window_set_page (self, "gallery");
    }
}

void
carrete_window_commit_deletes (CarreteWindow *self)
{
  g_autoptr(GPtrArray) toasts = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_if_fail (CARRETE_IS_WINDOW (self));
  for (guint i = 0; i < self->pending_deletes->len; i++)
    g_ptr_array_add (toasts, g_object_ref (((PendingDelete *) self->pending_deletes->pdata[i])->toast));
  for (guint i = 0; i < toasts->len; i++)
    adw_toast_dismiss (toasts->pdata[i]);
}

void
carrete_window_undo_deletes (CarreteWindow *self)
{
  g_return_if_fail (CARRETE_IS_WINDOW (self));
  for (guint i = 0; i < self->pending_deletes->len; i++)
    on_delete_toast_undo (NULL, self->pending_deletes->pdata[i]);
  carrete_window_commit_deletes (self);
}

/* ---- the trash -------------------------------------------------------------- */

/* Something came back from the trash, or went for good: the gallery, the
 * folders and the account's usage change. */
static void
on_trash_changed (CarreteTrashWindow *trash, CarreteWindow *self)
{
  if (self->photos != NULL)
    carrete_photo_list_reload (self->photos);
  _carrete_window_reload_folders (self);
  _carrete_window_reload_usage (self);
}

CarreteTrashWindow *
carrete_window_show_trash (CarreteWindow *self)
{
  CarreteClient *client;
  CarreteTrashWindow *trash;

  g_return_val_if_fail (CARRETE_IS_WINDOW (self), NULL);
  client = carrete_session_get_client (self->session);
  if (client == NULL)
    return NULL;
  /* What waits for its undo toast goes to the trash first, so that it is there. */
  carrete_window_commit_deletes (self);
  trash = carrete_trash_window_new (GTK_WINDOW (self), client);
  g_signal_connect_object (trash, "changed", G_CALLBACK (on_trash_changed), self, 0);
  gtk_window_present (GTK_WINDOW (trash));
  return trash;
}
