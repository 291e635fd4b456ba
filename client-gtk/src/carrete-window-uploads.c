#define G_LOG_DOMAIN "carrete-window"

#include <glib/gi18n.h>

#include "carrete-file-collector.h"
#include "carrete-window-private.h"

/* ---- files to upload: dropped, chosen or given on the command line; the
 * uploads panel shows the queue ----------------------------------------------- */

static gboolean
photo_matches_view (CarreteWindow *self, CarretePhoto *photo)
{
  const char *folder_id = carrete_sidebar_get_folder_id (self->sidebar);

  /* Only an unfiltered view can take a new photo without asking the server
   * whether it matches. */
  if (!carrete_filter_bar_is_empty (self->filter_bar))
    return FALSE;
  return folder_id == NULL || g_strcmp0 (folder_id, carrete_photo_get_folder_id (photo)) == 0;
}

void
_carrete_window_on_photo_uploaded (CarreteWindow *self, CarreteUpload *upload, CarretePhoto *photo)
{
  if (self->photos != NULL && photo_matches_view (self, photo))
    {
      carrete_photo_list_prepend (self->photos, photo);
      _carrete_window_update_gallery_page (self);
      g_debug ("photo %s shown in the gallery (%u photos)", carrete_photo_get_id (photo),
               g_list_model_get_n_items (G_LIST_MODEL (self->photos)));
    }
}

void
_carrete_window_on_upload_finished (CarreteWindow *self, CarreteUpload *upload)
{
  const GError *error = carrete_upload_get_error (upload);
  g_autofree char *text = NULL;

  _carrete_window_reload_usage (self);
  if (!carrete_upload_get_resumed (upload)
      || carrete_upload_get_state (upload) != CARRETE_UPLOAD_FAILED || error == NULL)
    return;
  /* TRANSLATORS: a toast when an upload begun before the app was closed
   * cannot go on; %s says why (the server's or the client's message) */
  text = g_strdup_printf (_("An unfinished upload was not resumed: %s"), error->message);
  _carrete_window_toast (self, text);
}

static void
collected_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CarreteWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CarreteCollectedFiles) collected = NULL;
  CarreteFolder *folder;
  const char *folder_id;

  collected = carrete_collect_files_finish (result, &error);
  if (collected == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _carrete_window_toast_error (self, error);
      return;
    }
  if (self->uploads == NULL)
    return;

  /* Into the folder shown, unless it is someone else's (but for a
   * folder shared with the user as contributor). */
  folder = _carrete_window_find_upload_folder (self);
  folder_id = folder ? carrete_folder_get_id (folder) : NULL;
  for (guint i = 0; i < collected->accepted->len; i++)
    carrete_upload_queue_add_file (self->uploads, collected->accepted->pdata[i], folder_id);

  if (collected->rejected->len == 1)
    {
      CarreteRejectedFile *rejected = collected->rejected->pdata[0];
      g_autofree char *basename = g_file_get_basename (rejected->file);
      /* TRANSLATORS: "notes.txt was not uploaded: Not an image" */
      g_autofree char *text = g_strdup_printf (_("%s was not uploaded: %s"), basename,
                                               rejected->reason);
      _carrete_window_toast (self, text);
    }
  else if (collected->rejected->len > 1)
    {
      g_autofree char *text = g_strdup_printf (ngettext ("%u file was not uploaded: not a readable, non-empty image",
                                                         "%u files were not uploaded: not readable, non-empty images",
                                                         collected->rejected->len),
                                               collected->rejected->len);
      _carrete_window_toast (self, text);
    }
  else if (collected->accepted->len == 0)
    _carrete_window_toast (self, _("There were no photos to upload"));
}

void
carrete_window_upload_files (CarreteWindow *self, GPtrArray *files)
{
  g_return_if_fail (CARRETE_IS_WINDOW (self));
  g_return_if_fail (files != NULL);

  if (files->len == 0)
    return;
  if (self->uploads == NULL)
    {
      for (guint i = 0; i < files->len; i++)
        g_ptr_array_add (self->waiting_files, g_object_ref (files->pdata[i]));
      return;
    }
  carrete_collect_files_async (files, self->session_cancellable, collected_cb, g_object_ref (self));
}

void
_carrete_window_upload_waiting_files (CarreteWindow *self)
{
  g_autoptr(GPtrArray) files = NULL;

  if (self->waiting_files->len == 0)
    return;
  files = g_steal_pointer (&self->waiting_files);
  self->waiting_files = g_ptr_array_new_with_free_func (g_object_unref);
  carrete_window_upload_files (self, files);
}

gboolean
_carrete_window_on_drop (GtkDropTarget *target, const GValue *value, double x, double y, CarreteWindow *self)
{
  GdkFileList *list;
  GSList *files;
  g_autoptr(GPtrArray) array = g_ptr_array_new ();

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST) || self->uploads == NULL)
    return FALSE;
  list = g_value_get_boxed (value);
  files = gdk_file_list_get_files (list);
  for (GSList *l = files; l != NULL; l = l->next)
    g_ptr_array_add (array, l->data);
  g_slist_free (files);
  carrete_window_upload_files (self, array);
  return TRUE;
}
