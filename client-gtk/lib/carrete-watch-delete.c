#define G_LOG_DOMAIN "carrete-watch-delete"

#include "carrete-op.h"
#include "carrete-photo.h"
#include "carrete-photo-query.h"
#include "carrete-watch-delete.h"

#define PAGE_SIZE 200

typedef struct
{
  CarreteClient *client;
  CarretePhotoQuery *query;
  char *sha256;
} DeleteRemote;

static void
delete_remote_free (DeleteRemote *state)
{
  g_clear_object (&state->client);
  g_clear_pointer (&state->query, carrete_photo_query_free);
  g_free (state->sha256);
  g_free (state);
}

static void
deleted_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  gboolean ok = carrete_client_delete_photo_finish (CARRETE_CLIENT (source), result, &error);

  carrete_op_return_ok (task, ok, error);
}

static void list_next (GTask *task);

static void
listed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  DeleteRemote *state = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (CarretePhotoPage) page
      = carrete_client_list_photos_finish (state->client, result, &error);

  if (page == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < page->items->len; i++)
    {
      CarretePhoto *photo = g_ptr_array_index (page->items, i);

      /* The listing of "no folder" is every photo: only those outside one. */
      if (g_strcmp0 (carrete_photo_get_sha256 (photo), state->sha256) == 0
          && g_strcmp0 (carrete_photo_get_folder_id (photo), state->query->folder_id) == 0)
        {
          GCancellable *cancellable = g_task_get_cancellable (task);

          /* Arguments are evaluated in no set order: the task is taken last. */
          carrete_client_delete_photo_async (state->client, carrete_photo_get_id (photo),
                                             cancellable, deleted_cb, g_steal_pointer (&task));
          return;
        }
    }
  g_free (state->query->cursor);
  state->query->cursor = g_strdup (page->next_cursor);
  if (state->query->cursor == NULL)
    g_task_return_boolean (task, FALSE);
  else
    list_next (g_steal_pointer (&task));
}

static void
list_next (GTask *task)
{
  DeleteRemote *state = g_task_get_task_data (task);

  carrete_client_list_photos_async (state->client, state->query, g_task_get_cancellable (task),
                                    listed_cb, task);
}

void
carrete_watch_delete_remote_async (CarreteClient *client, const char *folder_id, const char *sha256,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  DeleteRemote *state = g_new0 (DeleteRemote, 1);

  state->client = g_object_ref (client);
  state->query = carrete_photo_query_new ();
  state->query->folder_id = g_strdup (folder_id);
  state->query->limit = PAGE_SIZE;
  state->sha256 = g_strdup (sha256);
  list_next (carrete_op_new (state, (GDestroyNotify) delete_remote_free,
                             carrete_watch_delete_remote_async, cancellable, callback, user_data));
}

gboolean
carrete_watch_delete_remote_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_async_result_is_tagged (result, carrete_watch_delete_remote_async),
                        FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
