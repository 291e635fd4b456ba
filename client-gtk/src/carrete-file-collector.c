#define G_LOG_DOMAIN "carrete-file-collector"

#include <glib/gi18n.h>

#include "carrete-file-collector.h"

#define QUERY_ATTRIBUTES G_FILE_ATTRIBUTE_STANDARD_TYPE "," \
  G_FILE_ATTRIBUTE_STANDARD_CONTENT_TYPE "," \
  G_FILE_ATTRIBUTE_STANDARD_SIZE "," \
  G_FILE_ATTRIBUTE_STANDARD_NAME "," \
  G_FILE_ATTRIBUTE_STANDARD_IS_HIDDEN "," \
  G_FILE_ATTRIBUTE_ACCESS_CAN_READ

/* Deeply nested or cyclic trees (bind mounts) stop here. */
#define MAX_DEPTH 32

static void
rejected_free (gpointer data)
{
  CarreteRejectedFile *rejected = data;

  g_object_unref (rejected->file);
  g_free (rejected->reason);
  g_free (rejected);
}

void
carrete_collected_files_free (CarreteCollectedFiles *collected)
{
  if (collected == NULL)
    return;
  g_ptr_array_unref (collected->accepted);
  g_ptr_array_unref (collected->rejected);
  g_free (collected);
}

static void
reject (CarreteCollectedFiles *collected, GFile *file, const char *reason)
{
  CarreteRejectedFile *rejected = g_new0 (CarreteRejectedFile, 1);

  rejected->file = g_object_ref (file);
  rejected->reason = g_strdup (reason);
  g_ptr_array_add (collected->rejected, rejected);
}

static gboolean collect_one (CarreteCollectedFiles *collected, GFile *file, guint depth,
                             GCancellable *cancellable, GError **error);

static gboolean
collect_directory (CarreteCollectedFiles *collected, GFile *dir, guint depth,
                   GCancellable *cancellable, GError **error)
{
  g_autoptr(GFileEnumerator) children = NULL;
  g_autoptr(GError) local_error = NULL;

  children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NONE, cancellable, &local_error);
  if (children == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      reject (collected, dir, _("The folder cannot be read"));
      return TRUE;
    }

  for (;;)
    {
      GFile *child = NULL;

      if (!g_file_enumerator_iterate (children, NULL, &child, cancellable, &local_error))
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          reject (collected, dir, _("The folder cannot be read"));
          return TRUE;
        }
      if (child == NULL)
        return TRUE;
      if (!collect_one (collected, child, depth + 1, cancellable, error))
        return FALSE;
    }
}

static gboolean
collect_one (CarreteCollectedFiles *collected, GFile *file, guint depth,
             GCancellable *cancellable, GError **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *content_type;

  info = g_file_query_info (file, QUERY_ATTRIBUTES, G_FILE_QUERY_INFO_NONE,
                            cancellable, &local_error);
  if (info == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      reject (collected, file, _("The file cannot be read"));
      return TRUE;
    }

  if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    {
      if (depth >= MAX_DEPTH)
        {
          reject (collected, file, _("The folder is nested too deeply"));
          return TRUE;
        }
      return collect_directory (collected, file, depth, cancellable, error);
    }

  /* Hidden files inside a dropped folder (.DS_Store, thumbnails) are not
   * photos anyone meant to upload; a hidden file dropped by itself is. */
  if (depth > 0 && g_file_info_get_is_hidden (info))
    return TRUE;

  /* A symbolic link whose target is gone is still "a file" to GIO. */
  if (g_file_info_get_file_type (info) == G_FILE_TYPE_SYMBOLIC_LINK)
    reject (collected, file, _("The file cannot be read"));
  else if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    reject (collected, file, _("Not a regular file"));
  else if (g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_ACCESS_CAN_READ)
           && !g_file_info_get_attribute_boolean (info, G_FILE_ATTRIBUTE_ACCESS_CAN_READ))
    reject (collected, file, _("The file cannot be read"));
  else if (g_file_info_get_size (info) == 0)
    reject (collected, file, _("The file is empty"));
  else if ((content_type = g_file_info_get_content_type (info)) == NULL
           || !g_content_type_is_a (content_type, "image/*"))
    reject (collected, file, _("Not an image"));
  else
    g_ptr_array_add (collected->accepted, g_object_ref (file));
  return TRUE;
}

CarreteCollectedFiles *
carrete_collect_files (GPtrArray *files, GCancellable *cancellable, GError **error)
{
  g_autoptr(CarreteCollectedFiles) collected = g_new0 (CarreteCollectedFiles, 1);

  collected->accepted = g_ptr_array_new_with_free_func (g_object_unref);
  collected->rejected = g_ptr_array_new_with_free_func (rejected_free);
  for (guint i = 0; i < files->len; i++)
    if (!collect_one (collected, g_ptr_array_index (files, i), 0, cancellable, error))
      return NULL;
  return g_steal_pointer (&collected);
}

static void
collect_thread (GTask *task, gpointer source_object, gpointer task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  CarreteCollectedFiles *collected = carrete_collect_files (task_data, cancellable, &error);

  if (collected == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, collected, (GDestroyNotify) carrete_collected_files_free);
}

void
carrete_collect_files_async (GPtrArray *files, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  GPtrArray *copy = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < files->len; i++)
    g_ptr_array_add (copy, g_object_ref (g_ptr_array_index (files, i)));
  g_task_set_source_tag (task, carrete_collect_files_async);
  g_task_set_task_data (task, copy, (GDestroyNotify) g_ptr_array_unref);
  g_task_run_in_thread (task, collect_thread);
}

CarreteCollectedFiles *
carrete_collect_files_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
