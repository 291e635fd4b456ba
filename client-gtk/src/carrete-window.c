#define G_LOG_DOMAIN "carrete-window"

#include <glib/gi18n.h>

#include "carrete-photo-tile.h"
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
    g_autofree char *text = carrete_describe_error (
        error, carrete_client_get_server_url (carrete_session_get_client (self->session)));
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

/* The filter bar's query, with the folder shown and the sort. */
static void
apply_filter_query (CarreteWindow *self, const CarretePhotoQuery *filter)
{
  g_autoptr(CarretePhotoQuery) query = NULL;
  g_auto(GStrv) sort = NULL;
  const CarretePhotoQuery *shown;

  if (self->photos == NULL)
    return;
  query = carrete_photo_query_copy (filter);
  query->folder_id = g_strdup (carrete_sidebar_get_folder_id (self->sidebar));
  sort = g_strsplit (self->sort, ":", 2);
  query->sort = g_strdup (sort[0]);
  query->order = g_strdup (sort[1]);

  shown = carrete_photo_list_get_query (self->photos);
  if (shown != NULL && carrete_photo_query_equal (shown, query))
    return;
  carrete_photo_list_set_query (self->photos, query);
  _carrete_window_update_gallery_page (self);
}

void
_carrete_window_apply_query (CarreteWindow *self)
{
  g_autoptr(CarretePhotoQuery) filter = NULL;

  if (self->photos == NULL)
    return;
  filter = carrete_filter_bar_build_query (self->filter_bar);
  if (filter != NULL)
    apply_filter_query (self, filter);
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

/* ---- the gallery of a session ---------------------------------------------------- */

static void
on_session_expired (CarreteWindow *self)
{
  /* The uploads stay queued on this client and resume after signing in. */
  carrete_sign_in_page_reset (self->sign_in_page);
  carrete_sign_in_page_set_resume_client (self->sign_in_page,
                                          carrete_session_get_client (self->session));
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
  carrete_uploads_panel_set_queue (self->uploads_panel, NULL);
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
  _carrete_window_stop_watching (self);
  if (self->photos != NULL)
    g_signal_handlers_disconnect_by_data (self->photos, self);
  g_clear_object (&self->uploads);
  g_clear_object (&self->selection);
  g_clear_object (&self->photos);
  g_clear_object (&self->thumbnails);
  carrete_session_end (self->session);
  carrete_folder_store_clear (self->folders);
  carrete_sidebar_set_folder_id (self->sidebar, NULL);
  self->offline = FALSE;
  gtk_revealer_set_reveal_child (self->offline_revealer, FALSE);
}

/* The models of the session's client, and the widgets that show them. */
static void
make_gallery (CarreteWindow *self, CarreteClient *client)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  self->session_cancellable = g_cancellable_new ();
  self->thumbnails = carrete_thumbnail_loader_new (client, NULL, THUMBNAIL_MEMORY_BYTES);
  self->photos = carrete_photo_list_new (client);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->photos)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  self->uploads = carrete_upload_queue_new (client);

  g_signal_connect_swapped (self->photos, "notify::error", G_CALLBACK (on_photos_error), self);
  g_signal_connect_swapped (self->photos, "notify::loading", G_CALLBACK (on_photos_loading), self);
  g_signal_connect_swapped (self->photos, "items-changed", G_CALLBACK (_carrete_window_update_gallery_page), self);
  g_signal_connect_swapped (self->uploads, "photo-uploaded", G_CALLBACK (_carrete_window_on_photo_uploaded), self);
  g_signal_connect_swapped (self->uploads, "upload-finished",
                            G_CALLBACK (_carrete_window_on_upload_finished), self);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_tile), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_tile), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_tile), self);
  gtk_grid_view_set_factory (self->grid_view, factory);
  gtk_grid_view_set_model (self->grid_view, GTK_SELECTION_MODEL (self->selection));
  carrete_uploads_panel_set_queue (self->uploads_panel, self->uploads);
  _carrete_window_start_watching (self);
  carrete_viewer_set_client (self->viewer, client);
  carrete_viewer_set_selection (self->viewer, self->selection);
  carrete_viewer_set_folders (self->viewer, carrete_folder_store_get_mine (self->folders));
}

static void
start_session (CarreteWindow *self, CarreteClient *client)
{
  CarreteUser *user;

  carrete_sign_in_page_set_resume_client (self->sign_in_page, NULL);
  if (client == carrete_session_get_client (self->session))
    {
      /* Signed in again after the session ended: same models, same uploads. */
      carrete_session_begin (self->session, client);
      _carrete_window_set_page (self, "gallery");
      carrete_photo_list_reload (self->photos);
      _carrete_window_reload_folders (self);
      _carrete_window_reload_usage (self);
      return;
    }

  end_session (self, FALSE);
  make_gallery (self, client);
  user = carrete_client_get_user (client);
  if (user != NULL)
    gtk_window_set_title (GTK_WINDOW (self), carrete_user_get_username (user));
  carrete_session_begin (self->session, client);
  _carrete_window_show_folder (self, NULL);
  _carrete_window_reload_folders (self);
  _carrete_window_reload_usage (self);
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
  g_autoptr(CarreteKeyringEntry) stored = NULL;
  g_autoptr(CarreteClient) client = NULL;

  client = carrete_session_restore_finish (CARRETE_SESSION (source), result, &stored, &error);
  /* Filled either way: a refused session is signed in again by hand. */
  if (stored != NULL)
    carrete_sign_in_page_fill (self->sign_in_page, stored->server_url, stored->users_url,
                               stored->photos_url, stored->folders_url, stored->username, NULL);
  if (client != NULL)
    {
      start_session (self, client);
      return;
    }
  _carrete_window_set_page (self, "sign-in");
  if (g_error_matches (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNAUTHORIZED))
    carrete_sign_in_page_show_error (self->sign_in_page,
                                     _("Your session has ended. Please sign in again."));
  else if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = carrete_describe_error (error, stored->server_url);
      carrete_sign_in_page_show_error (self->sign_in_page, text);
    }
}

void
carrete_window_restore_session (CarreteWindow *self)
{
  g_return_if_fail (CARRETE_IS_WINDOW (self));

  _carrete_window_set_page (self, "loading");
  carrete_session_restore_async (self->session, NULL, restored_cb, g_object_ref (self));
}

void
carrete_window_sign_out (CarreteWindow *self)
{
  g_return_if_fail (CARRETE_IS_WINDOW (self));

  if (carrete_session_get_client (self->session) == NULL)
    return;
  carrete_window_commit_deletes (self);
  carrete_session_sign_out (self->session);
  if (self->thumbnails != NULL)
    carrete_thumbnail_loader_clear (self->thumbnails);
  end_session (self, FALSE);
  carrete_sign_in_page_set_resume_client (self->sign_in_page, NULL);
  carrete_filter_bar_clear_tags (self->filter_bar);
  carrete_sign_in_page_reset (self->sign_in_page);
  carrete_sign_in_page_show_error (self->sign_in_page, NULL);
  gtk_window_set_title (GTK_WINDOW (self), _("Carrete"));
  _carrete_window_set_page (self, "sign-in");
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

  g_clear_object (&self->session);
  g_clear_object (&self->folders);
  g_clear_pointer (&self->pending_deletes, g_ptr_array_unref);
  g_clear_pointer (&self->waiting_files, g_ptr_array_unref);
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
  g_type_ensure (CARRETE_TYPE_SIDEBAR);
  g_type_ensure (CARRETE_TYPE_FILTER_BAR);
  g_type_ensure (CARRETE_TYPE_UPLOADS_PANEL);
  g_type_ensure (CARRETE_TYPE_VIEWER);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/carrete/Desktop/carrete-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, sign_in_page);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, content_box);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, filter_bar);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, offline_revealer);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, offline_label);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, gallery_stack);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, grid_view);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, uploads_panel);
  gtk_widget_class_bind_template_child (widget_class, CarreteWindow, viewer);
  gtk_widget_class_bind_template_callback (widget_class, on_signed_in);
  gtk_widget_class_bind_template_callback_full (widget_class, "on_folder_selected",
                                                G_CALLBACK (_carrete_window_on_folder_selected));
  gtk_widget_class_bind_template_callback_full (widget_class, "on_back_clicked",
                                                G_CALLBACK (_carrete_window_on_back_clicked));
  gtk_widget_class_bind_template_callback (widget_class, apply_filter_query);
  gtk_widget_class_bind_template_callback (widget_class, on_grid_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_viewer_close);
  gtk_widget_class_bind_template_callback (widget_class, on_viewer_delete);
  gtk_widget_class_bind_template_callback (widget_class, on_viewer_changed);
  _carrete_window_class_add_actions (widget_class);
}

static void
carrete_window_init (CarreteWindow *self)
{
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->session = carrete_session_new ();
  g_signal_connect_swapped (self->session, "expired", G_CALLBACK (on_session_expired), self);
  self->folders = carrete_folder_store_new ();
  g_signal_connect_swapped (self->folders, "error", G_CALLBACK (_carrete_window_on_folders_error), self);
  g_signal_connect_swapped (self->folders, "changed", G_CALLBACK (_carrete_window_on_folders_changed), self);
  carrete_sidebar_set_store (self->sidebar, self->folders);
  self->pending_deletes = g_ptr_array_new ();
  self->waiting_files = g_ptr_array_new_with_free_func (g_object_unref);
  self->sort = g_strdup ("uploaded_at:desc");
  carrete_filter_bar_set_key_capture_widget (self->filter_bar, GTK_WIDGET (self->content_box));

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (_carrete_window_on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self->content_box), GTK_EVENT_CONTROLLER (drop));

  _carrete_window_enable_folder_actions (self, FALSE, TRUE);
  _carrete_window_set_page (self, "sign-in");
}

CarreteWindow *
carrete_window_new (GtkApplication *application)
{
  return g_object_new (CARRETE_TYPE_WINDOW, "application", application, NULL);
}
