#define G_LOG_DOMAIN "carrete-photos-jobs"

/* The runner of background jobs: claims, runs, and records how each
 * ended.  See jobs.h. */

#include "jobs.h"

#include "carrete-error.h"
#include "carrete-source.h"

struct _PhotosJobs
{
  PhotosApp *app;
  PhotosJobsOptions options;
  GMainContext *context;
  CarreteWorkers *pool; /* one thread per job at once */
  guint running;     /* jobs under way, their outcome recorded included */
  gboolean claiming; /* a claim statement is in flight */
  gboolean woken;    /* a job was queued while it was */
  gboolean stopping;
  guint poll_id;
};

/* The process's runner, for photos_jobs_wake from any thread. */
static GMutex runner_lock;
static PhotosJobs *runner;

static void claim_next (PhotosJobs *jobs);

/* ---- one job ------------------------------------------------------------------ */

typedef struct
{
  PhotosJobs *jobs;
  PhotosJob *job;
  guint renew_id;
} Run;

/* ---- the lease, renewed while the job runs ----------------------------------- */

static void
on_renewed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree gint64 *job_id = user_data;
  g_autoptr (GError) error = NULL;
  gint64 renewed = carrete_db_count_finish (CARRETE_DB (source), result, &error);

  /* The run goes on either way: its outcome is recorded as usual, and a
   * second runner's would be the same. */
  if (renewed < 0)
    g_message ("job %" G_GINT64_FORMAT ": lease not renewed: %s", *job_id, error->message);
  else if (renewed == 0)
    g_message ("job %" G_GINT64_FORMAT ": lease lost, another runner has it", *job_id);
}

static gboolean
on_renew (gpointer user_data)
{
  Run *run = user_data;

  photos_job_store_renew (run->jobs->app->db, run->job, run->jobs->options.lease_seconds,
                          on_renewed, g_memdup2 (&run->job->id, sizeof run->job->id));
  return G_SOURCE_CONTINUE;
}

/* A third of the lease: two renewals may fail (a database restart) before
 * another runner may take the job. */
static void
keep_lease (Run *run)
{
  guint every = MAX (run->jobs->options.lease_seconds / 3, 1);

  run->renew_id = carrete_timeout_add_seconds (every, on_renew, run);
}

static void
run_end (Run *run)
{
  PhotosJobs *jobs = run->jobs;

  g_clear_handle_id (&run->renew_id, carrete_source_remove);
  photos_job_free (run->job);
  g_free (run);
  jobs->running--;
  claim_next (jobs);
}

static void
on_outcome_recorded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Run *run = user_data;
  g_autoptr (GError) error = NULL;

  /* Not recorded (the database is down): the lease ends, and the job is
   * taken again. */
  if (carrete_db_count_finish (run->jobs->app->db, result, &error) < 0)
    g_message ("job %" G_GINT64_FORMAT ": its outcome is not recorded, it will run again: %s",
               run->job->id, error->message);
  run_end (run);
}

static void
record_failure (Run *run, const GError *error, gboolean permanent)
{
  PhotosJobs *jobs = run->jobs;

  g_message ("job %" G_GINT64_FORMAT " (%s of photo %" G_GINT64_FORMAT ", attempt %u) %s: %s",
             run->job->id, run->job->kind, run->job->photo_id, run->job->attempts,
             permanent ? "failed" : "will be retried", error->message);
  if (permanent)
    photos_job_store_fail (jobs->app->db, run->job, error->message, on_outcome_recorded, run);
  else
    photos_job_store_retry (jobs->app->db, run->job, error->message, jobs->options.max_attempts,
                            jobs->options.backoff_seconds, on_outcome_recorded, run);
}

static void
on_job_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Run *run = user_data;
  g_autoptr (GError) error = NULL;
  gboolean permanent = FALSE;

  g_clear_handle_id (&run->renew_id, carrete_source_remove);
  if (photos_thumbnails_job_finish (result, &permanent, &error))
    {
      g_debug ("job %" G_GINT64_FORMAT " done", run->job->id);
      run_end (run);
      return;
    }
  record_failure (run, error, permanent);
}

static void
start_job (PhotosJobs *jobs, PhotosJob *job)
{
  Run *run = g_new0 (Run, 1);

  run->jobs = jobs;
  run->job = job;
  jobs->running++;
  /* Claimed once more after its lease ran out, every time: the runner that
   * had it died with it (or took longer than its lease), and so would this one.
   * A job whose photo is no longer ready still cleans up (job-thumbnails.c). */
  if (job->attempts > jobs->options.max_attempts && g_strcmp0 (job->photo_state, "ready") == 0)
    {
      g_autoptr (GError) error = g_error_new (
          CARRETE_ERROR, CARRETE_ERROR_FAILED,
          "Gave up after %u attempts: each ended without an outcome.", jobs->options.max_attempts);
      record_failure (run, error, TRUE);
      return;
    }
  keep_lease (run);
  photos_thumbnails_job_async (jobs->app, jobs->pool, job, on_job_done, run);
}

/* ---- claiming ------------------------------------------------------------------- */

static void
on_claimed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PhotosJobs *jobs = user_data;
  g_autoptr (GError) error = NULL;
  PhotosJob *job = photos_job_store_claim_finish (jobs->app->db, result, &error);
  gboolean woken = jobs->woken;

  jobs->claiming = FALSE;
  jobs->woken = FALSE;
  if (job != NULL)
    start_job (jobs, job);
  else if (error != NULL)
    {
      /* The next poll tries again. */
      g_debug ("no job claimed: %s", error->message);
      return;
    }
  else if (!woken)
    return; /* nothing due: until the next poll or wake */
  claim_next (jobs);
}

static void
claim_next (PhotosJobs *jobs)
{
  if (jobs->stopping || jobs->running >= jobs->options.concurrency)
    return;
  if (jobs->claiming)
    {
      jobs->woken = TRUE;
      return;
    }
  jobs->claiming = TRUE;
  photos_job_store_claim (jobs->app->db, jobs->options.lease_seconds, NULL, on_claimed, jobs);
}

static gboolean
on_poll (gpointer user_data)
{
  claim_next (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_wake (gpointer user_data)
{
  claim_next (user_data);
  return G_SOURCE_REMOVE;
}

void
photos_jobs_wake (void)
{
  g_mutex_lock (&runner_lock);
  if (runner != NULL)
    carrete_idle_add_on (runner->context, on_wake, runner, NULL, "photos-jobs-wake");
  g_mutex_unlock (&runner_lock);
}

/* ---- the runner ------------------------------------------------------------------- */

PhotosJobs *
photos_jobs_new (PhotosApp *app, const PhotosJobsOptions *options)
{
  PhotosJobs *jobs = g_new0 (PhotosJobs, 1);

  jobs->app = app;
  jobs->options = *options;
  jobs->context = g_main_context_ref_thread_default ();
  jobs->pool = carrete_workers_new (options->concurrency, options->concurrency);
  jobs->poll_id = carrete_timeout_add_seconds (options->poll_seconds, on_poll, jobs);
  g_mutex_lock (&runner_lock);
  g_assert (runner == NULL);
  runner = jobs;
  g_mutex_unlock (&runner_lock);
  claim_next (jobs);
  return jobs;
}

void
photos_jobs_stop (PhotosJobs *jobs)
{
  if (jobs->stopping)
    return;
  jobs->stopping = TRUE;
  g_clear_handle_id (&jobs->poll_id, carrete_source_remove);
  g_message ("jobs: claiming no more, finishing %u under way", jobs->running);
}

gboolean
photos_jobs_busy (PhotosJobs *jobs)
{
  return jobs->claiming || jobs->running > 0;
}

void
photos_jobs_free (PhotosJobs *jobs)
{
  if (jobs == NULL)
    return;
  g_mutex_lock (&runner_lock);
  runner = NULL;
  g_mutex_unlock (&runner_lock);
  photos_jobs_stop (jobs);
  /* Past the drain's deadline: they keep their leases, and another
   * runner takes them when the leases end. */
  if (photos_jobs_busy (jobs))
    g_warning ("jobs: %u left to their leases", jobs->running);
  /* Waits for the blocking steps under way (a decode ends within
   * CARRETE_DECODER_TIMEOUT). */
  carrete_workers_free (jobs->pool);
  g_main_context_unref (jobs->context);
  g_free (jobs);
}
