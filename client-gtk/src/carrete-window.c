#define G_LOG_DOMAIN "carrete-window"

#include <glib/gi18n.h>

#include "carrete-client-lib.h"
#include "carrete-folder-store.h"
#include "carrete-photo-tile.h"
#include "carrete-sign-in-page.h"
#include "carrete-texture-cache.h"
#include "carrete-thumbnail-loader.h"
#include "carrete-viewer.h"
#include "carrete-window.h"
#include "carrete-window-private.h"

/* Decoded 256 px thumbnails kept in memory: about 250 of them. */
#define THUMBNAIL_MEMORY_BYTES (64 * 1024 * 1024)
/* While the server cannot be reached, try again this often. */
#define RETRY_SECONDS 3

G_DEFINE_FINAL_TYPE (CarreteWindow, carrete_window, ADW_TYPE_APPLICATION_WINDOW)

/* ---- messages ------------------------------------------------------------ */

void
_carrete_window_remember_message (CarreteWindow *self, const char *message)
{
  g_free (self->last_message);
  self->last_message = g_strdup (message);
}

void
_carrete_window_toast (CarreteWindow *self, const char *message)
{
  AdwToast *t = adw_toast_new (message);

  _carrete_window_remember_message (self, message);
  adw_toast_set_timeout (t, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

void
_carrete_window_toast_error (CarreteWindow *self, const GError *error)
{
  g_autofree char *text = carrete_describe_error (error, NULL);

  _carrete_window_toast (self, text);
}

void
_carrete_window_set_page (CarreteWindow *self, const char *name)
{
  gtk_stack_set_visible_child_name (self->main_stack, name);
}

/* ---- offline bar: the server went away; retry until it is back ----------- */

static gboolean
is_connection_error (const GError *error)
{
  return g_error_matches (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNREACHABLE)
         || g_error_matches (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNAVAILABLE);
}

static gboolean
retry_cb (gpointer user_data)
{
  CarreteWindow *self = user_data;

  self->retry_source = 0;
  if (self->photos == NULL)
    return G_SOURCE_REMOVE;
  if (g_list_model_get_n_items (G_LIST_MODEL (self->photos)) == 0)
    carrete_photo_list_reload (self->photos);
  else
    carrete_photo_list_load_more (self->photos);
  return G_SOURCE_REMOVE;
}

void
_carrete_window_set_offline (CarreteWindow *self, const GError *error)
{
  self->offline = error != NULL;
  gtk_revealer_set_reveal_child (self->offline_revealer, error != NULL);
  if (error == NULL)
    {
      g_clear_handle_id (&self->retry_source, g_source_remove);
      return;
    }
  {
    g_autofree char *text = carrete_describe_error (error, carrete_client_get_server_url (self->client));
    gtk_label_set_text (self->offline_label, text);
    _carrete_window_remember_message (self, text);
  }
  if (is_connection_error (error) && self->retry_source == 0)
    self->retry_source = g_timeout_add_seconds (RETRY_SECONDS, retry_cb, self);
}

/* ---- the grid ------------------------------------------------------------ */

void
_carrete_window_update_gallery_page (CarreteWindow *self)
{
  gboolean empty;

  if (self->photos == NULL)
    return;
  empty = g_list_model_get_n_items (G_LIST_MODEL (self->photos)) == 0
          && !carrete_photo_list_get_loading (self->photos)
          && !carrete_photo_list_get_has_more (self->photos);
  gtk_stack_set_visible_child_name (self->gallery_stack, empty ? "empty" : "grid");
}

static void
on_photos_error (CarreteWindow *self)
{
  const GError *error = carrete_photo_list_get_error (self->photos);

  /* An expired session is the client's "session-expired" signal's business. */
  if (g_error_matches (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNAUTHORIZED))
    return;
  _carrete_window_set_offline (self, error);
}

static void
on_photos_loading (CarreteWindow *self)
{
  if (!carrete_photo_list_get_loading (self->photos)
      && carrete_photo_list_get_error (self->photos) == NULL && self->offline)
    {
      _carrete_window_set_offline (self, NULL);
      _carrete_window_reload_folders (self);
    }
  _carrete_window_update_gallery_page (self);
}

static void
setup_tile (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  CarreteWindow *self = user_data;

  gtk_list_item_set_child (item, GTK_WIDGET (carrete_photo_tile_new (self->thumbnails)));
}

static void
bind_tile (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  carrete_photo_tile_set_photo (CARRETE_PHOTO_TILE (gtk_list_item_get_child (item)),
                                gtk_list_item_get_item (item));
}

static void
unbind_tile (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  carrete_photo_tile_set_photo (CARRETE_PHOTO_TILE (gtk_list_item_get_child (item)), NULL);
}

static void
on_grid_activate (CarreteWindow *self, guint position)
{
  carrete_window_open_photo (self, position);
}

void
carrete_window_open_photo (CarreteWindow *self, guint position)
{
  g_return_if_fail (CARRETE_IS_WINDOW (self));

  if (self->selection == NULL
      || position >= g_list_model_get_n_items (G_LIST_MODEL (self->selection)))
    return;
  gtk_single_selection_set_selected (self->selection, position);
  carrete_viewer_update (self->viewer);
  _carrete_window_set_page (self, "viewer");
  gtk_widget_grab_focus (GTK_WIDGET (self->viewer));
}

static void
on_viewer_close (CarreteWindow *self)
{
  guint position = self->selection ? gtk_single_selection_get_selected (self->selection)
                                   : GTK_INVALID_LIST_POSITION;

  _carrete_window_set_page (self, "gallery");
  if (position != GTK_INVALID_LIST_POSITION)
    gtk_widget_activate_action (GTK_WIDGET (self->grid_view), "list.scroll-to-item", "u", position);
}

static void
on_viewer_changed (CarreteWindow *self, CarretePhoto *photo)
{
  _carrete_window_toast (self, _("Saved"));
}

static void
on_viewer_delete (CarreteWindow *self, CarretePhoto *photo)
{
  carrete_window_delete_photo (self, photo);
}

static void
reload_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CarreteWindow *self = CARRETE_WINDOW (widget);

  if (self->photos == NULL)
    return;
  carrete_photo_list_reload (self->photos);
  _carrete_window_reload_folders (self);
}

/* ---- session --------------------------------------------------------------- */

static void
stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  /* Without a keyring the app still works; it just asks again next time. */
  if (!carrete_keyring_store_finish (result, &error))
    g_message ("Could not keep the session in the keyring: %s", error->message);
}

static void
store_session (CarreteWindow *self)
{
  g_autoptr(CarreteKeyringEntry) entry = NULL;

  if (self->client == NULL)
    return;
  entry = carrete_keyring_entry_new_from_client (self->client);
  if (entry != NULL)
    carrete_keyring_store_async (entry, NULL, stored_cb, NULL);
}

static void
cleared_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!carrete_keyring_clear_finish (result, &error))
    g_message ("Could not remove the session from the keyring: %s", error->message);
}

static void
on_session_expired (CarreteWindow *self)
{
  /* The uploads stay queued on this client and resume after signing in. */
  carrete_keyring_clear_async (NULL, cleared_cb, NULL);
  carrete_sign_in_page_reset (self->sign_in_page);
  carrete_sign_in_page_set_resume_client (self->sign_in_page, self->client);
  carrete_sign_in_page_show_error (self->sign_in_page,
                                   _("Your session has ended. Please sign in again; your uploads will continue."));
  _carrete_window_set_page (self, "sign-in");
}

/* `closing`: the app is closing, not the session ending; resumable uploads
 * are left for the next run instead of being cancelled. */
static void
end_session (CarreteWindow *self, gboolean closing)
{
  if (self->session_cancellable != NULL)
    g_cancellable_cancel (self->session_cancellable);
  g_clear_object (&self->session_cancellable);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  gtk_grid_view_set_model (self->grid_view, NULL);
  gtk_grid_view_set_factory (self->grid_view, NULL);
  gtk_list_view_set_model (self->upload_list, NULL);
  gtk_list_view_set_factory (self->upload_list, NULL);
  carrete_viewer_set_selection (self->viewer, NULL);
  carrete_viewer_set_folders (self->viewer, NULL);
  carrete_viewer_set_client (self->viewer, NULL);
  if (self->uploads != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->uploads, self);
      if (closing)
        carrete_upload_queue_suspend_all (self->uploads);
      else
        carrete_upload_queue_cancel_all (self->uploads);
    }
  if (self->photos != NULL)
    g_signal_handlers_disconnect_by_data (self->photos, self);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->uploads);
  g_clear_object (&self->selection);
  g_clear_object (&self->photos);
  g_clear_object (&self->thumbnails);
  g_clear_object (&self->client);
  carrete_folder_store_clear (self->folders);
  g_clear_pointer (&self->folder_id, g_free);
  self->offline = FALSE;
  gtk_revealer_set_reveal_child (self->offline_revealer, FALSE);
  gtk_revealer_set_reveal_child (self->uploads_revealer, FALSE);
}

static void
start_session (CarreteWindow *self, CarreteClient *client)
{
  g_autoptr(GtkListItemFactory) factory = NULL;
  CarreteUser *user;

  carrete_sign_in_page_set_resume_client (self->sign_in_page, NULL);
  if (client == self->client)
    {
      /* Signed in again after the session ended: same models, same uploads. */
      store_session (self);
      _carrete_window_set_page (self, "gallery");
      carrete_photo_list_reload (self->photos);
      _carrete_window_reload_folders (self);
      return;
    }

  end_session (self, FALSE);
  self->client = g_object_ref (client);
  self->session_cancellable = g_cancellable_new ();
  self->thumbnails = carrete_thumbnail_loader_new (client, NULL, THUMBNAIL_MEMORY_BYTES);
  self->photos = carrete_photo_list_new (client);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->photos)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  self->uploads = carrete_upload_queue_new (client);

  g_signal_connect_swapped (client, "session-expired", G_CALLBACK (on_session_expired), self);
  g_signal_connect_swapped (client, "tokens-changed", G_CALLBACK (store_session), self);
  g_signal_connect_swapped (self->photos, "notify::error", G_CALLBACK (on_photos_error), self);
  g_signal_connect_swapped (self->photos, "notify::loading", G_CALLBACK (on_photos_loading), self);
  g_signal_connect_swapped (self->photos, "items-changed", G_CALLBACK (_carrete_window_update_gallery_page), self);
  g_signal_connect_swapped (self->uploads, "photo-uploaded", G_CALLBACK (_carrete_window_on_photo_uploaded), self);
  g_signal_connect_swapped (self->uploads, "upload-finished",
                            G_CALLBACK (_carrete_window_on_upload_finished), self);
  g_signal_connect_swapped (self->uploads, "items-changed", G_CALLBACK (_carrete_window_update_uploads_label), self);
  g_signal_connect_swapped (self->uploads, "notify::n-pending", G_CALLBACK (_carrete_window_update_uploads_label), self);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_tile), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_tile), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_tile), self);
  gtk_grid_view_set_factory (self->grid_view, factory);
  gtk_grid_view_set_model (self->grid_view, GTK_SELECTION_MODEL (self->selection));
  /* A list view, not a list box: dropping 200 files makes a few rows, not 200. */
  g_clear_object (&factory);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (_carrete_window_setup_upload_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (_carrete_window_bind_upload_row), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (_carrete_window_unbind_upload_row), self);
  gtk_list_view_set_factory (self->upload_list, factory);
  {
    GtkNoSelection *none = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->uploads)));
    gtk_list_view_set_model (self->upload_list, GTK_SELECTION_MODEL (none));
    g_object_unref (none);
  }
  carrete_viewer_set_client (self->viewer, client);
  carrete_viewer_set_selection (self->viewer, self->selection);
  carrete_viewer_set_folders (self->viewer, carrete_folder_store_get_mine (self->folders));

  user = carrete_client_get_user (client);
  if (user != NULL)
    gtk_window_set_title (GTK_WINDOW (self), carrete_user_get_username (user));
  store_session (self);
  _carrete_window_rebuild_folder_list (self);
  _carrete_window_show_folder (self, NULL);
  _carrete_window_update_uploads_label (self);
  _carrete_window_reload_folders (self);
  _carrete_window_set_page (self, "gallery");
  gtk_widget_grab_focus (GTK_WIDGET (self->grid_view));
  _carrete_window_upload_waiting_files (self);
}

static void
on_signed_in (CarreteWindow *self, CarreteClient *client)
{
  start_session (self, client);
}

static void
restored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CarreteWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  CarreteClient *client = CARRETE_CLIENT (source);

  if (carrete_client_restore_finish (client, result, &error))
    {
      start_session (self, client);
      return;
    }
  _carrete_window_set_page (self, "sign-in");
  if (g_error_matches (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNAUTHORIZED))
    {
      carrete_keyring_clear_async (NULL, cleared_cb, NULL);
      carrete_sign_in_page_show_error (self->sign_in_page,
                                       _("Your session has ended. Please sign in again."));
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = carrete_describe_error (error, carrete_client_get_server_url (client));
      carrete_sign_in_page_show_error (self->sign_in_page, text);
    }
}

static void
looked_up_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CarreteWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CarreteKeyringEntry) entry = NULL;
  g_autoptr(CarreteClient) client = NULL;

  entry = carrete_keyring_lookup_finish (result, &error);
  if (entry == NULL)
    {
      if (error != NULL)
        g_message ("No keyring: %s", error->message);
      _carrete_window_set_page (self, "sign-in");
      return;
    }
  carrete_sign_in_page_fill (self->sign_in_page, entry->server_url, entry->users_url,
                             entry->photos_url, entry->folders_url, entry->username, NULL);
  client = carrete_client_new (entry->server_url);
  if (entry->users_url != NULL || entry->photos_url != NULL || entry->folders_url != NULL)
    carrete_client_set_service_urls (client, entry->users_url, entry->photos_url, entry->folders_url);
  carrete_client_restore_async (client, entry->refresh_token, NULL, restored_cb,
                                g_object_ref (self));
}

void
carrete_window_restore_session (CarreteWindow *self)
{
  g_return_if_fail (CARRETE_IS_WINDOW (self));

  _carrete_window_set_page (self, "loading");
  carrete_keyring_lookup_async (NULL, looked_up_cb, g_object_ref (self));
}

static void
logged_out_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  /* The tokens are forgotten either way; the server may just not know yet. */
  if (!carrete_client_logout_finish (CARRETE_CLIENT (source), result, &error))
    g_message ("Signed out locally; the server was not told: %s", error->message);
}

void
carrete_window_sign_out (CarreteWindow *self)
{
  g_return_if_fail (CARRETE_IS_WINDOW (self));

  if (self->client == NULL)
    return;
  carrete_window_commit_deletes (self);
  carrete_client_logout_async (self->client, NULL, logged_out_cb, NULL);
  carrete_keyring_clear_async (NULL, cleared_cb, NULL);
  if (self->thumbnails != NULL)
    carrete_thumbnail_loader_clear (self->thumbnails);
  end_session (self, FALSE);
  carrete_sign_in_page_set_resume_client (self->sign_in_page, NULL);
  g_ptr_array_set_size (self->tags, 0);
  _carrete_window_rebuild_chips (self);
  carrete_sign_in_page_reset (self->sign_in_page);
  carrete_sign_in_page_show_error (self->sign_in_page, NULL);
  gtk_window_set_title (GTK_WINDOW (self), _("Carrete"));
  _carrete_window_set_page (self, "sign-in");
}

static void
sign_out_action (GtkWidget *widget, const char *name, GVariant *param)
{
  carrete_window_sign_out (CARRETE_WINDOW (widget));
}

/* ---- accessors ------------------------------------------------------------- */

const char *
carrete_window_get_page (CarreteWindow *self)
{
  g_return_val_if_fail (CARRETE_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->main_stack);
}

CarreteSignInPage *
carrete_window_get_sign_in_page (CarreteWindow *self)
{
  g_return_val_if_fail (CARRETE_IS_WINDOW (self), NULL);
  return self->sign_in_page;
}

CarreteViewer *
carrete_window_get_viewer (CarreteWindow *self)
{
  g_return_val_if_fail (CARRETE_IS_WINDOW (self), NULL);
  return self->viewer;
}

CarreteClient *
carrete_window_get_client (CarreteWindow *self)
{
  g_return_val_if_fail (CARRETE_IS_WINDOW (self), NULL);
  return self->client;
}

GListModel *
carrete_window_get_photos (CarreteWindow *self)
{
  g_return_val_if_fail (CARRETE_IS_WINDOW (self), NULL);
  return self->photos ? G_LIST_MODEL (self->photos) : NULL;
}

GListModel *
carrete_window_get_folders (CarreteWindow *self)
{
  g_return_val_if_fail (CARRETE_IS_WINDOW (self), NULL);
  return carrete_folder_store_get_mine (self->folders);
}

CarreteUploadQueue *
carrete_window_get_upload_queue (CarreteWindow *self)
{
  g_return_val_if_fail (CARRETE_IS_WINDOW (self), NULL);
  return self->uploads;
}

CarreteThumbnailLoader *
carrete_window_get_thumbnail_loader (CarreteWindow *self)
{
  g_return_val_if_fail (CARRETE_IS_WINDOW (self), NULL);
  return self->thumbnails;
}

GtkGridView *
carrete_window_get_grid_view (CarreteWindow *self)
{
  g_return_val_if_fail (CARRETE_IS_WINDOW (self), NULL);
  return self->grid_view;
}

const char *
carrete_window_get_last_message (CarreteWindow *self)
{
  g_return_val_if_fail (CARRETE_IS_WINDOW (self), NULL);
  return self->last_message;
}

gboolean
carrete_window_get_offline (CarreteWindow *self)
{
  g_return_val_if_fail (CARRETE_IS_WINDOW (self), FALSE);
  return self->offline;
}

/* ---- lifecycle --------------------------------------------------------------- */

static void
carrete_window_dispose (GObject *object)
{
  CarreteWindow *self = CARRETE_WINDOW (object);

  /* Dispose may run more than once; the template's widgets are gone after
   * the first time. */
  if (self->grid_view != NULL)
    {
      carrete_window_commit_deletes (self);
      end_session (self, TRUE);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), CARRETE_TYPE_WINDOW);
  G_OBJECT_CLASS (carrete_window_parent_class)->dispose (object);
}

static void
carrete_window_finalize (GObject *object)
{
  CarreteWindow *self = CARRETE_WINDOW (object);

  g_clear_object (&self->folders);
  g_clear_pointer (&self->tags, g_ptr_array_unref);
  g_clear_pointer (&self->pending_deletes, g_ptr_array_unref);
  g_clear_pointer (&self->waiting_files, g_ptr_array_unref);
  g_free (self->folder_id);
  g_free (self->sort);
  g_free (self->last_message);
  G_OBJECT_CLASS (carrete_window_parent_class)->finalize (object);
}

static void
carrete_window_class_init (CarreteWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = carrete_window_dispose;
  object_class->finalize = carrete_window_finalize;

  g_type_ensure (CARRETE_TYPE_SIGN_IN_PAGE);
  g_type_ensure (CARRETE_TYPE_VIEWER);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/carrete/Desktop/carrete-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, sign_in_page);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, folder_list);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, content_box);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, name_entry);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, tags_entry);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, tag_chips);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, from_entry);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, to_entry);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, offline_revealer);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, offline_label);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, gallery_stack);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, grid_view);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, uploads_revealer);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, uploads_label);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, upload_list);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, viewer);
  gtk_widget_class_bind_template_callback (widget_class, on_signed_in);
  gtk_widget_class_bind_template_callback_full (widget_class, "on_folder_row_selected",
                                                G_CALLBACK (_carrete_window_on_folder_row_selected));
  gtk_widget_class_bind_template_callback_full (widget_class, "on_back_clicked",
                                                G_CALLBACK (_carrete_window_on_back_clicked));
  gtk_widget_class_bind_template_callback_full (widget_class, "on_filter_changed",
                                                G_CALLBACK (_carrete_window_on_filter_changed));
  gtk_widget_class_bind_template_callback_full (widget_class, "on_tag_activate",
                                                G_CALLBACK (_carrete_window_on_tag_activate));
  gtk_widget_class_bind_template_callback (widget_class, on_grid_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_viewer_close);
  gtk_widget_class_bind_template_callback (widget_class, on_viewer_delete);
  gtk_widget_class_bind_template_callback (widget_class, on_viewer_changed);

  gtk_widget_class_install_action (widget_class, "win.upload", NULL, _carrete_window_upload_action);
  gtk_widget_class_install_action (widget_class, "win.filter", NULL, _carrete_window_filter_action);
  gtk_widget_class_install_action (widget_class, "win.delete-photo", NULL,
                                   _carrete_window_delete_selected_action);
  gtk_widget_class_install_action (widget_class, "win.new-folder", NULL, _carrete_window_new_folder_action);
  gtk_widget_class_install_action (widget_class, "win.edit-folder", NULL,
                                   _carrete_window_edit_folder_action);
  gtk_widget_class_install_action (widget_class, "win.delete-folder", NULL,
                                   _carrete_window_delete_folder_action);
  gtk_widget_class_install_action (widget_class, "win.sort", "s", _carrete_window_sort_action);
  gtk_widget_class_install_action (widget_class, "win.clear-uploads", NULL,
                                   _carrete_window_clear_uploads_action);
  gtk_widget_class_install_action (widget_class, "win.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "win.sign-out", NULL, sign_out_action);
}

static void
carrete_window_init (CarreteWindow *self)
{
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->folders = carrete_folder_store_new ();
  g_signal_connect_swapped (self->folders, "changed", G_CALLBACK (_carrete_window_rebuild_folder_list), self);
  g_signal_connect_swapped (self->folders, "error", G_CALLBACK (_carrete_window_on_folders_error), self);
  self->tags = g_ptr_array_new_with_free_func (g_free);
  self->pending_deletes = g_ptr_array_new ();
  self->waiting_files = g_ptr_array_new_with_free_func (g_object_unref);
  self->sort = g_strdup ("uploaded_at:desc");
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->name_entry));
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self->content_box));

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (_carrete_window_on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self->content_box), GTK_EVENT_CONTROLLER (drop));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.edit-folder", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.delete-folder", FALSE);
  _carrete_window_set_page (self, "sign-in");
}

CarreteWindow *
carrete_window_new (GtkApplication *application)
{
  return g_object_new (CARRETE_TYPE_WINDOW, "application", application, NULL);
}
