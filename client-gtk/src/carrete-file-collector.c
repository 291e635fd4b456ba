#define G_LOG_DOMAIN "carrete-file-collector"

#include <glib/gi18n.h>

#include "carrete-file-collector.h"
#include "carrete-tree-walk.h"

#define QUERY_ATTRIBUTES G_FILE_ATTRIBUTE_STANDARD_TYPE "," \
  G_FILE_ATTRIBUTE_STANDARD_CONTENT_TYPE "," \
  G_FILE_ATTRIBUTE_STANDARD_SIZE "," \
  G_FILE_ATTRIBUTE_STANDARD_NAME "," \
  G_FILE_ATTRIBUTE_STANDARD_IS_HIDDEN "," \
  G_FILE_ATTRIBUTE_ACCESS_CAN_READ

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

/* One file found in a dropped folder, or dropped by itself (`in_folder`
 * FALSE). */
static gboolean
collect_file (CarreteCollectedFiles *collected, GFile *file, gboolean in_folder,
              GFileInfo *info)
{
  const char *content_type;

  /* Hidden files inside a dropped folder (.DS_Store, thumbnails) are not
   * photos anyone meant to upload; a hidden file dropped by itself is.  The
   * walk skips names starting with a dot; GIO also hides others. */
  if (in_folder && g_file_info_get_is_hidden (info))
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

static gboolean
query_and_collect (CarreteCollectedFiles *collected, GFile *file, gboolean in_folder,
                   GCancellable *cancellable, GError **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;

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
  if (in_folder || g_file_info_get_file_type (info) != G_FILE_TYPE_DIRECTORY)
    return collect_file (collected, file, in_folder, info);
  return FALSE; /* a folder: the caller walks it */
}

/* A dropped folder: the client library's walk (each folder and file once,
 * links followed without looping, hidden names skipped), then each file as
 * above. */
static gboolean
collect_directory (CarreteCollectedFiles *collected, GFile *dir, GCancellable *cancellable,
                   GError **error)
{
  g_autofree char *path = g_file_get_path (dir);
  g_autoptr(CarreteTreeWalk) walk = NULL;
  g_autoptr(GError) local_error = NULL;

  walk = path != NULL ? carrete_tree_walk (path, cancellable, &local_error) : NULL;
  if (walk == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      reject (collected, dir, _("The folder cannot be read"));
      return TRUE;
    }
  for (guint i = 0; i < walk->problems->len; i++)
    {
      const CarreteTreeProblem *problem = g_ptr_array_index (walk->problems, i);
      g_autoptr(GFile) file = g_file_new_for_path (problem->path);

      reject (collected, file, problem->is_dir ? _("The folder cannot be read")
                                               : _("The file cannot be read"));
    }
  for (guint i = 0; i < walk->broken->len; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_path (g_ptr_array_index (walk->broken, i));

      reject (collected, file, _("The file cannot be read"));
    }
  for (guint i = 0; i < walk->files->len; i++)
    {
      const CarreteTreeFile *found = g_ptr_array_index (walk->files, i);
      g_autoptr(GFile) file = g_file_new_for_path (found->path);
      g_autoptr(GError) file_error = NULL;

      if (!query_and_collect (collected, file, TRUE, cancellable, &file_error)
          && file_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&file_error));
          return FALSE;
        }
    }
  return TRUE;
}

/* One dropped item: a file, or a folder to walk. */
static gboolean
collect_one (CarreteCollectedFiles *collected, GFile *file, GCancellable *cancellable,
             GError **error)
{
  g_autoptr(GError) local_error = NULL;

  if (query_and_collect (collected, file, FALSE, cancellable, &local_error))
    return TRUE;
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return collect_directory (collected, file, cancellable, error);
}

CarreteCollectedFiles *
carrete_collect_files (GPtrArray *files, GCancellable *cancellable, GError **error)
{
  g_autoptr(CarreteCollectedFiles) collected = g_new0 (CarreteCollectedFiles, 1);

  collected->accepted = g_ptr_array_new_with_free_func (g_object_unref);
  collected->rejected = g_ptr_array_new_with_free_func (rejected_free);
  for (guint i = 0; i < files->len; i++)
    if (!collect_one (collected, g_ptr_array_index (files, i), cancellable, error))
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
