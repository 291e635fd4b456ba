#define G_LOG_DOMAIN "carrete-window"

#include <glib/gi18n.h>

#include "carrete-folder-dialog.h"
#include "carrete-share-dialog.h"
#include "carrete-window-private.h"

/* ---- the folder shown --------------------------------------------------------------- */

/* The folder shown (NULL: all photos), and whether it is the user's. */
static CarreteFolder *
shown_folder (CarreteWindow *self, gboolean *mine)
{
  const char *folder_id = carrete_sidebar_get_folder_id (self->sidebar);

  *mine = FALSE;
  return folder_id != NULL ? carrete_folder_store_find (self->folders, folder_id, mine) : NULL;
}

CarreteFolder *
_carrete_window_find_own_folder (CarreteWindow *self)
{
  gboolean mine;
  CarreteFolder *folder = shown_folder (self, &mine);

  return mine ? folder : NULL;
}

/* A folder shared with the user as contributor takes their photos too; as
 * viewer (or someone's public folder) it is read-only. */
static gboolean
is_contributor (CarreteFolder *folder)
{
  return folder != NULL && g_strcmp0 (carrete_folder_get_role (folder), "contributor") == 0;
}

CarreteFolder *
_carrete_window_find_upload_folder (CarreteWindow *self)
{
  gboolean mine;
  CarreteFolder *folder = shown_folder (self, &mine);

  return mine || is_contributor (folder) ? folder : NULL;
}

static const char *
folder_subtitle (CarreteFolder *folder, gboolean mine)
{
  const char *role = carrete_folder_get_role (folder);

  if (mine)
    return g_strcmp0 (carrete_folder_get_visibility (folder), "public") == 0 ? _("Public")
                                                                             : _("Private");
  if (g_strcmp0 (role, "contributor") == 0)
    return _("Shared with you: you can add photos");
  if (g_strcmp0 (role, "viewer") == 0)
    return _("Shared with you: view only");
  return _("Shared with everyone");
}

/* The title, subtitle and actions of `folder` (NULL: all photos). */
static void
describe_folder (CarreteWindow *self, CarreteFolder *folder)
{
  gboolean mine = FALSE;

  adw_window_title_set_title (self->window_title,
                              folder ? carrete_folder_get_name (folder) : _("All Photos"));
  if (folder != NULL)
    carrete_folder_store_find (self->folders, carrete_folder_get_id (folder), &mine);
  adw_window_title_set_subtitle (self->window_title,
                                 folder != NULL ? folder_subtitle (folder, mine) : NULL);
  _carrete_window_enable_folder_actions (self, mine,
                                         folder == NULL || mine || is_contributor (folder));
}

void
_carrete_window_show_folder (CarreteWindow *self, CarreteFolder *folder)
{
  carrete_sidebar_set_folder_id (self->sidebar, folder ? carrete_folder_get_id (folder) : NULL);
  describe_folder (self, folder);
  _carrete_window_apply_query (self);
}

void
_carrete_window_on_folders_changed (CarreteWindow *self)
{
  gboolean mine;
  CarreteFolder *folder = shown_folder (self, &mine);

  /* A reload may bring a new name or role (a viewer made contributor);
   * a folder no longer listed keeps what it showed until another is picked. */
  if (folder != NULL)
    describe_folder (self, folder);
}

void
_carrete_window_on_folder_selected (CarreteWindow *self, CarreteFolder *folder)
{
  _carrete_window_show_folder (self, folder);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

void
_carrete_window_on_back_clicked (CarreteWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

void
_carrete_window_reload_folders (CarreteWindow *self)
{
  CarreteClient *client = carrete_session_get_client (self->session);

  if (client == NULL)
    return;
  carrete_folder_store_reload (self->folders, client, self->session_cancellable);
}

void
_carrete_window_on_folders_error (CarreteWindow *self, const GError *error)
{
  /* An expired session is the client's "session-expired" signal's business. */
  if (!g_error_matches (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNAUTHORIZED))
    _carrete_window_set_offline (self, error);
}

/* ---- new, edit, delete --------------------------------------------------------------- */

static void
on_folder_saved (CarreteWindow *self, CarreteFolder *folder)
{
  g_autofree char *text = g_strdup_printf (_("Folder “%s” saved"), carrete_folder_get_name (folder));

  carrete_sidebar_set_folder_id (self->sidebar, carrete_folder_get_id (folder));
  carrete_folder_store_put_mine (self->folders, folder); /* rebuilds the sidebar */
  _carrete_window_show_folder (self, folder);
  _carrete_window_toast (self, text);
}

/* `folder`: the one to edit, NULL for a new one. */
static CarreteFolderDialog *
present_folder_dialog (CarreteWindow *self, CarreteFolder *folder)
{
  CarreteFolderDialog *dialog = carrete_folder_dialog_new (
      GTK_WINDOW (self), carrete_session_get_client (self->session), folder);

  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_folder_saved), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

CarreteFolderDialog *
carrete_window_new_folder (CarreteWindow *self)
{
  g_return_val_if_fail (CARRETE_IS_WINDOW (self), NULL);
  if (carrete_session_get_client (self->session) == NULL)
    return NULL;
  return present_folder_dialog (self, NULL);
}

CarreteFolderDialog *
carrete_window_edit_folder (CarreteWindow *self)
{
  CarreteFolder *folder;

  g_return_val_if_fail (CARRETE_IS_WINDOW (self), NULL);
  folder = _carrete_window_find_own_folder (self);
  if (folder == NULL)
    return NULL;
  return present_folder_dialog (self, folder);
}

static void
folder_deleted_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CarreteWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!carrete_client_delete_folder_finish (CARRETE_CLIENT (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _carrete_window_toast_error (self, error);
      return;
    }
  _carrete_window_toast (self, _("Folder moved to the trash"));
  _carrete_window_show_folder (self, NULL);
  _carrete_window_reload_folders (self);
}

static void
on_delete_folder_response (AdwMessageDialog *dialog, const char *response, CarreteWindow *self)
{
  const char *folder_id = g_object_get_data (G_OBJECT (dialog), "folder-id");
  CarreteClient *client = carrete_session_get_client (self->session);

  if (g_strcmp0 (response, "delete") != 0 || client == NULL)
    return;
  carrete_client_delete_folder_async (client, folder_id, TRUE, self->session_cancellable,
                                      folder_deleted_cb, g_object_ref (self));
}

AdwMessageDialog *
carrete_window_delete_folder (CarreteWindow *self)
{
  CarreteFolder *folder;
  AdwMessageDialog *dialog;
  g_autofree char *heading = NULL;

  g_return_val_if_fail (CARRETE_IS_WINDOW (self), NULL);
  folder = _carrete_window_find_own_folder (self);
  if (folder == NULL)
    return NULL;
  heading = g_strdup_printf (_("Move “%s” to the Trash?"), carrete_folder_get_name (folder));
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading,
                                                       _("The folder and every photo in it go to the trash, where they can be restored until they are deleted for good.")));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "delete", _("_Move to Trash"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "folder-id",
                          g_strdup (carrete_folder_get_id (folder)), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_folder_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

/* ---- share --------------------------------------------------------------------------- */

CarreteShareDialog *
carrete_window_share_folder (CarreteWindow *self)
{
  CarreteFolder *folder;
  CarreteShareDialog *dialog;

  g_return_val_if_fail (CARRETE_IS_WINDOW (self), NULL);
  folder = _carrete_window_find_own_folder (self);
  if (folder == NULL || carrete_session_get_client (self->session) == NULL)
    return NULL;
  dialog = carrete_share_dialog_new (GTK_WINDOW (self), carrete_session_get_client (self->session),
                                     folder);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}
