#define G_LOG_DOMAIN "carrete-photos-staging"

/* The staging sweep: list u/ (only uploads in flight are there), ask which
 * of their photos are still pending, delete the rest.  A staging object is
 * only ever written after its pending row exists (the URL is handed out
 * after the insert), so "no pending row" means "not needed any more". */

#include "staging.h"

#include "carrete-error.h"
#include "carrete-op.h"
#include "store.h"

/* Keys looked at per sweep; more wait for the next one. */
#define STAGING_BATCH 1000

typedef struct
{
  PhotosApp *app;
  GPtrArray *keys; /* char *: staging keys, then those to delete */
} Sweep;

static gint sweeping; /* atomic: loops of one process share it */

static void
sweep_end (Sweep *sweep, GError *error)
{
  if (error != NULL)
    g_message ("staging sweep unfinished, will retry: %s", error->message);
  g_clear_error (&error);
  g_clear_pointer (&sweep->keys, g_ptr_array_unref);
  g_free (sweep);
  g_atomic_int_set (&sweeping, 0);
}

/* Runs `func` on a worker with `sweep`, then `done` with `sweep`. */
static void
run_on_worker (Sweep *sweep, GTaskThreadFunc func, GAsyncReadyCallback done)
{
  g_autoptr (GTask) task = carrete_op_new (sweep, NULL, run_on_worker, NULL, done, sweep);

  carrete_workers_run_task (sweep->app->workers, task, func);
}

static void
delete_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Sweep *sweep = data;
  GError *error = NULL;

  for (guint i = 0; i < sweep->keys->len && error == NULL; i++)
    carrete_storage_delete (sweep->app->storage, sweep->keys->pdata[i], &error);
  carrete_op_return_ok (task, error == NULL, error);
}

static void
on_deleted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Sweep *sweep = user_data;
  GError *error = NULL;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    g_message ("removed %u staging objects of uploads no longer pending", sweep->keys->len);
  sweep_end (sweep, error);
}

/* Keeps, of the listed keys, those whose photo is not pending. */
static void
on_pending_known (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Sweep *sweep = user_data;
  GError *error = NULL;
  g_autoptr (PGresult) res = photos_store_result_finish (sweep->app->store, result, &error);
  g_autoptr (GHashTable) pending = NULL;
  GPtrArray *doomed;

  if (res == NULL)
    {
      sweep_end (sweep, error);
      return;
    }
  pending = g_hash_table_new (g_str_hash, g_str_equal);
  for (int row = 0; row < PQntuples (res); row++)
    g_hash_table_add (pending, PQgetvalue (res, row, 0));
  doomed = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < sweep->keys->len; i++)
    {
      g_autofree char *prefix = photos_prefix_of_staging (sweep->keys->pdata[i]);
      if (!g_hash_table_contains (pending, prefix))
        g_ptr_array_add (doomed, g_strdup (sweep->keys->pdata[i]));
    }
  g_ptr_array_unref (sweep->keys);
  sweep->keys = doomed;
  if (doomed->len == 0)
    sweep_end (sweep, NULL);
  else
    run_on_worker (sweep, delete_in_thread, on_deleted);
}

static void
list_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Sweep *sweep = data;
  GError *error = NULL;
  GPtrArray *keys = carrete_storage_list (sweep->app->storage, PHOTOS_STAGING_PREFIX, &error);

  if (keys != NULL)
    {
      /* Only keys this service writes there. */
      for (guint i = keys->len; i > 0; i--)
        {
          g_autofree char *prefix = photos_prefix_of_staging (keys->pdata[i - 1]);
          if (prefix == NULL)
            g_ptr_array_remove_index (keys, i - 1);
        }
      if (keys->len > STAGING_BATCH)
        g_ptr_array_set_size (keys, STAGING_BATCH);
    }
  sweep->keys = keys;
  carrete_op_return_ok (task, keys != NULL, error);
}

/* A text[] literal of the keys' photo prefixes (hex: nothing to escape). */
static char *
prefix_array (GPtrArray *keys)
{
  GString *text = g_string_new ("{");

  for (guint i = 0; i < keys->len; i++)
    {
      g_autofree char *prefix = photos_prefix_of_staging (keys->pdata[i]);
      g_string_append_printf (text, "%s\"%s\"", i > 0 ? "," : "", prefix);
    }
  g_string_append_c (text, '}');
  return g_string_free (text, FALSE);
}

static void
on_listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Sweep *sweep = user_data;
  GError *error = NULL;
  g_autofree char *prefixes = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error) || sweep->keys->len == 0)
    {
      sweep_end (sweep, error);
      return;
    }
  prefixes = prefix_array (sweep->keys);
  photos_store_pending_prefixes (sweep->app->store, prefixes, NULL, on_pending_known, sweep);
}

gboolean
photos_staging_sweep_busy (void)
{
  return g_atomic_int_get (&sweeping) != 0;
}

void
photos_staging_sweep (PhotosApp *app)
{
  Sweep *sweep;

  if (!g_atomic_int_compare_and_exchange (&sweeping, 0, 1))
    return;
  sweep = g_new0 (Sweep, 1);
  sweep->app = app;
  run_on_worker (sweep, list_in_thread, on_listed);
}
