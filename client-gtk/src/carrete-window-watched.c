#define G_LOG_DOMAIN "carrete-window"

/* The watched folders of the session (CarreteWatcher on the session's
 * upload queue): the line at the sidebar's foot, its pause toggle and the
 * Watched Folders dialog.  While folders are watched, closing the window
 * hides it and the app keeps watching in the background, as GNOME's
 * background apps do (starting the app again shows it; Quit ends it). */

#include <glib/gi18n.h>

#include "carrete-watch-status.h"
#include "carrete-watched-dialog.h"
#include "carrete-window-private.h"

static gboolean
is_watching (CarreteWindow *self)
{
  return self->watcher != NULL
         && g_list_model_get_n_items (carrete_watcher_get_folders (self->watcher)) > 0;
}

/* Hidden, not closed: said once per run, where the app can say it. */
static gboolean
on_close_request (CarreteWindow *self, gpointer user_data)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autoptr (GNotification) notification = NULL;

  if (!is_watching (self) || app == NULL || self->told_still_watching)
    return FALSE;
  self->told_still_watching = TRUE;
  notification = g_notification_new (_("Carrete keeps watching your folders"));
  g_notification_set_body (notification,
                           _("New photos in your watched folders are still uploaded. Open "
                             "Carrete again to see them, or quit it to stop."));
  g_application_send_notification (app, "still-watching", notification);
  return FALSE;
}

static void
update_status (CarreteWindow *self)
{
  g_autofree char *text = NULL;

  gtk_window_set_hide_on_close (GTK_WINDOW (self), is_watching (self));

  if (self->watcher != NULL)
    {
      CarreteWatcher *watcher = self->watcher;

      text = carrete_watch_status_text (
          g_list_model_get_n_items (carrete_watcher_get_folders (watcher)),
          carrete_watcher_get_n_pending (watcher), carrete_watcher_get_n_sent (watcher),
          carrete_watcher_get_paused (watcher), carrete_watcher_get_offline (watcher));
    }
  carrete_sidebar_set_watch_status (
      self->sidebar, text, self->watcher != NULL && carrete_watcher_get_paused (self->watcher));
}

void
_carrete_window_start_watching (CarreteWindow *self)
{
  const char *props[] = { "notify::n-folders", "notify::n-pending", "notify::n-sent",
                          "notify::paused", "notify::offline" };

  self->watcher = carrete_watcher_new (self->uploads, NULL);
  if (!self->close_request_connected)
    {
      g_signal_connect (self, "close-request", G_CALLBACK (on_close_request), NULL);
      self->close_request_connected = TRUE;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (props); i++)
    g_signal_connect_swapped (self->watcher, props[i], G_CALLBACK (update_status), self);
  update_status (self);
}

void
_carrete_window_stop_watching (CarreteWindow *self)
{
  if (self->watcher != NULL)
    g_signal_handlers_disconnect_by_data (self->watcher, self);
  g_clear_object (&self->watcher);
  update_status (self);
}

void
_carrete_window_toggle_watching (CarreteWindow *self)
{
  if (self->watcher == NULL)
    return;
  carrete_watcher_set_paused (self->watcher, !carrete_watcher_get_paused (self->watcher));
}

CarreteWatchedDialog *
carrete_window_show_watched_folders (CarreteWindow *self)
{
  CarreteWatchedDialog *dialog;

  if (self->watcher == NULL)
    return NULL;
  dialog = carrete_watched_dialog_new (GTK_WINDOW (self), self->watcher,
                                       carrete_folder_store_get_mine (self->folders));
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

CarreteWatcher *
carrete_window_get_watcher (CarreteWindow *self)
{
  return self->watcher;
}

const char *
carrete_window_get_watch_status (CarreteWindow *self)
{
  return carrete_sidebar_get_watch_status (self->sidebar);
}
