#define G_LOG_DOMAIN "carrete-workers"

#include "carrete-workers.h"

#include "carrete-error.h"

struct _CarreteWorkers
{
  GThreadPool *pool;
  guint max_queued;
};

typedef struct
{
  GTask *task;
  GTaskThreadFunc func;
} Job;

static void
run_job (gpointer data, gpointer user_data)
{
  Job *job = data;

  job->func (job->task, g_task_get_source_object (job->task), g_task_get_task_data (job->task),
             g_task_get_cancellable (job->task));
  g_object_unref (job->task);
  g_free (job);
}

CarreteWorkers *
carrete_workers_new (guint n_threads, guint max_queued)
{
  CarreteWorkers *workers = g_new0 (CarreteWorkers, 1);

  workers->pool = g_thread_pool_new (run_job, workers, (gint) n_threads, FALSE, NULL);
  workers->max_queued = max_queued;
  return workers;
}

void
carrete_workers_free (CarreteWorkers *workers)
{
  if (workers == NULL)
    return;
  /* Finish queued jobs: their tasks hold references the caller awaits. */
  g_thread_pool_free (workers->pool, FALSE, TRUE);
  g_free (workers);
}

guint
carrete_workers_get_queued (CarreteWorkers *workers)
{
  return g_thread_pool_unprocessed (workers->pool);
}

gboolean
carrete_workers_run (CarreteWorkers *workers, GTask *task, GTaskThreadFunc func, GError **error)
{
  Job *job;

  if (g_thread_pool_unprocessed (workers->pool) >= workers->max_queued)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                   "The server is busy; try again in a moment.");
      return FALSE;
    }
  job = g_new0 (Job, 1);
  job->task = g_object_ref (task);
  job->func = func;
  g_thread_pool_push (workers->pool, job, NULL);
  return TRUE;
}

void
carrete_workers_run_task (CarreteWorkers *workers, GTask *task, GTaskThreadFunc func)
{
  GError *error = NULL;

  if (!carrete_workers_run (workers, task, func, &error))
    g_task_return_error (task, error);
}
