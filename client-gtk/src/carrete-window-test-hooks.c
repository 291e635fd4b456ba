#define G_LOG_DOMAIN "carrete-window"

#include "carrete-window-private.h"

/* The test hooks of carrete-window-test-hooks.h that only read the window or
 * stand in for a widget's own input (the filter bar's fields, the sidebar's
 * rows).  Hooks that are also the app's code (open a photo, delete, the
 * folder dialogs, sign out) live with that code. */

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
  return carrete_session_get_client (self->session);
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

GListModel *
carrete_window_get_shared_folders (CarreteWindow *self)
{
  g_return_val_if_fail (CARRETE_IS_WINDOW (self), NULL);
  return carrete_folder_store_get_shared (self->folders);
}

const char *
carrete_window_get_subtitle (CarreteWindow *self)
{
  g_return_val_if_fail (CARRETE_IS_WINDOW (self), NULL);
  return adw_window_title_get_subtitle (self->window_title);
}

void
carrete_window_get_folder_access (CarreteWindow *self, gboolean *mine, gboolean *can_add)
{
  g_return_if_fail (CARRETE_IS_WINDOW (self));
  *mine = self->folder_mine;
  *can_add = self->folder_can_add;
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

const char *
carrete_window_get_usage_text (CarreteWindow *self)
{
  g_return_val_if_fail (CARRETE_IS_WINDOW (self), NULL);
  return carrete_sidebar_get_usage_text (self->sidebar);
}

/* Picks the folder's row: the sidebar then does what a click does. */
gboolean
carrete_window_select_folder (CarreteWindow *self, const char *folder_id)
{
  g_return_val_if_fail (CARRETE_IS_WINDOW (self), FALSE);
  return carrete_sidebar_select_folder (self->sidebar, folder_id);
}

/* The filter bar's hooks: the same calls its fields make. */
void
carrete_window_set_filter (CarreteWindow *self, const char *name, const char *from, const char *to)
{
  g_return_if_fail (CARRETE_IS_WINDOW (self));
  carrete_filter_bar_set_fields (self->filter_bar, name, from, to);
}

void
carrete_window_add_tag_filter (CarreteWindow *self, const char *tag)
{
  g_return_if_fail (CARRETE_IS_WINDOW (self));
  carrete_filter_bar_add_tag (self->filter_bar, tag);
}

void
carrete_window_clear_filters (CarreteWindow *self)
{
  g_return_if_fail (CARRETE_IS_WINDOW (self));
  carrete_filter_bar_clear (self->filter_bar);
}
