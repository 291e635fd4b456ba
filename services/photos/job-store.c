#define G_LOG_DOMAIN "carrete-photos-store"

#include "job-store.h"

#include "model.h"

/* A claimed job's run_after is its lease's end: past it, the job is due
 * again (its worker died), by the same condition as a queued one. */
static const CarreteStatement claim = {
  "jobs_claim",
  "WITH claimed AS ("
  "  UPDATE jobs SET state = 'running', attempts = attempts + 1,"
  "    locked_until = now() + make_interval(secs => $1),"
  "    run_after = now() + make_interval(secs => $1), updated_at = now()"
  "  WHERE id = (SELECT id FROM jobs"
  "    WHERE state IN ('queued', 'running') AND run_after <= now()"
  "    ORDER BY run_after, id LIMIT 1 FOR UPDATE SKIP LOCKED)"
  "  RETURNING id, kind, photo_id, attempts)"
  " SELECT c.id, c.kind, c.photo_id, c.attempts, p.object_prefix, p.content_type, p.size, p.state"
  " FROM claimed c LEFT JOIN photos p ON p.id = c.photo_id",
  1,
};

/* The photo is updated, and the job done, only while the photo is ready:
 * otherwise the job stays running (so that a deletion keeps the row, see
 * store.c) until it has removed what it stored.  Answers the photo's state:
 * `ready` when updated, else the state it is in, or `gone`. */
static const CarreteStatement finish_thumbnails = {
  "jobs_finish_thumbnails",
  "WITH photo AS ("
  "  UPDATE photos SET width = $3, height = $4,"
  "    taken_at = CASE WHEN $5::bigint IS NULL THEN NULL ELSE to_timestamp($5::bigint) END,"
  "    thumbnails = 'ready', thumbnails_error = NULL, thumbnails_size = $6, updated_at = now()"
  "  WHERE id = $2 AND state = 'ready' RETURNING id),"
  " job AS (UPDATE jobs SET state = 'done', locked_until = NULL, last_error = NULL,"
  "    updated_at = now() WHERE id = $1 AND EXISTS (SELECT 1 FROM photo))"
  " SELECT coalesce((SELECT 'ready' FROM photo), (SELECT state FROM photos WHERE id = $2), 'gone')",
  6,
};

/* A job's outcome is recorded only while its photo is ready (fail, retry):
 * one whose photo went meanwhile stays running until its lease ends, and
 * the next claim removes what it may have stored (job-thumbnails.c). */
static const CarreteStatement fail = {
  "jobs_fail",
  "WITH photo AS ("
  "  UPDATE photos SET thumbnails = 'failed', thumbnails_error = $3, updated_at = now()"
  "  WHERE id = $2 AND state = 'ready' RETURNING id)"
  " UPDATE jobs SET state = 'failed', locked_until = NULL, last_error = $3, updated_at = now()"
  " WHERE id = $1 AND EXISTS (SELECT 1 FROM photo)",
  3,
};

static const CarreteStatement retry = {
  "jobs_retry",
  "WITH job AS ("
  "  UPDATE jobs SET state = CASE WHEN attempts >= $3 THEN 'failed' ELSE 'queued' END,"
  "    run_after = now() + make_interval(secs => least($4 * power(2, attempts - 1), 3600)),"
  "    locked_until = NULL, last_error = $2, updated_at = now()"
  "  WHERE id = $1 AND EXISTS (SELECT 1 FROM photos p"
  "    WHERE p.id = jobs.photo_id AND p.state = 'ready')"
  "  RETURNING photo_id, state),"
  " photo AS ("
  "  UPDATE photos SET thumbnails = 'failed', thumbnails_error = $2, updated_at = now()"
  "  FROM job WHERE photos.id = job.photo_id AND job.state = 'failed' AND photos.state = 'ready')"
  " SELECT 1 FROM job WHERE state = 'queued'",
  4,
};

static const CarreteStatement renew = {
  "jobs_renew",
  "UPDATE jobs SET locked_until = now() + make_interval(secs => $3),"
  "  run_after = now() + make_interval(secs => $3), updated_at = now()"
  " WHERE id = $1 AND state = 'running' AND attempts = $2",
  3,
};

/* The job of a photo that is no longer ready, once it has removed what it
 * may have stored ($3: every object of a photo being deleted, whose row
 * then goes, the job with it).  A trashed photo's job is parked (queued
 * until `infinity`: a restore wakes it, see store.c), a photo restored
 * meanwhile gets it queued again, and only a photo gone or going takes it
 * away.  The photo's row is locked first: its state is the latest, never
 * a restore's that committed while this statement ran, so a restore never
 * finds the job still there and then sees it vanish. */
static const CarreteStatement abandon = {
  "jobs_abandon",
  "WITH p AS (SELECT state FROM photos WHERE id = $2 FOR UPDATE),"
  " gone AS (DELETE FROM photos WHERE id = $2 AND state = 'deleting' AND $3::boolean"
  "   RETURNING id),"
  " kept AS (UPDATE jobs SET state = 'queued', attempts = 0, locked_until = NULL,"
  "   run_after = CASE p.state WHEN 'ready' THEN now() ELSE 'infinity' END, updated_at = now()"
  "   FROM p WHERE jobs.id = $1 AND p.state IN ('ready', 'trashed') RETURNING jobs.id)"
  " DELETE FROM jobs WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM gone)"
  " AND NOT EXISTS (SELECT 1 FROM kept)",
  3,
};

void
photos_job_free (PhotosJob *job)
{
  if (job == NULL)
    return;
  g_free (job->kind);
  g_free (job->object_prefix);
  g_free (job->content_type);
  g_free (job->photo_state);
  g_free (job);
}

void
photos_job_store_claim (CarreteDb *db, guint lease_seconds, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_autofree char *lease = g_strdup_printf ("%u", lease_seconds);
  const char *params[] = { lease };

  carrete_db_query_async (db, &claim, params, cancellable, callback, user_data);
}

PhotosJob *
photos_job_store_claim_finish (CarreteDb *db, GAsyncResult *result, GError **error)
{
  g_autoptr (PGresult) res = carrete_db_query_finish (db, result, error);
  PhotosJob *job;

  if (res == NULL || PQntuples (res) == 0)
    return NULL;
  job = g_new0 (PhotosJob, 1);
  job->id = photos_row_int (res, 0, 0);
  job->kind = photos_row_text (res, 0, 1);
  job->photo_id = photos_row_int (res, 0, 2);
  job->attempts = (guint) photos_row_int (res, 0, 3);
  job->object_prefix = photos_row_text (res, 0, 4);
  job->content_type = photos_row_text (res, 0, 5);
  job->size = photos_row_int (res, 0, 6);
  job->photo_state = photos_row_text (res, 0, 7);
  return job;
}

void
photos_job_store_renew (CarreteDb *db, const PhotosJob *job, guint lease_seconds,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  INT_TEXT (id, job->id);
  INT_TEXT (attempts, job->attempts);
  INT_TEXT (lease, lease_seconds);
  const char *params[] = { id, attempts, lease };

  carrete_db_query_async (db, &renew, params, NULL, callback, user_data);
}

void
photos_job_store_finish_thumbnails (CarreteDb *db, const PhotosJob *job, guint width, guint height,
                                    gint64 taken_at, gint64 thumbnails_size,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
  INT_TEXT (id, job->id);
  INT_TEXT (photo, job->photo_id);
  INT_TEXT (width_text, width);
  INT_TEXT (height_text, height);
  INT_TEXT (thumbnails_text, thumbnails_size);
  g_autofree char *taken = taken_at >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, taken_at) : NULL;
  const char *params[] = { id, photo, width_text, height_text, taken, thumbnails_text };

  carrete_db_query_async (db, &finish_thumbnails, params, NULL, callback, user_data);
}

char *
photos_job_store_finish_thumbnails_finish (CarreteDb *db, GAsyncResult *result, GError **error)
{
  g_autoptr (PGresult) res = carrete_db_query_finish (db, result, error);

  return res == NULL ? NULL : photos_row_text (res, 0, 0);
}

void
photos_job_store_fail (CarreteDb *db, const PhotosJob *job, const char *reason,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  INT_TEXT (id, job->id);
  INT_TEXT (photo, job->photo_id);
  const char *params[] = { id, photo, reason };

  carrete_db_query_async (db, &fail, params, NULL, callback, user_data);
}

void
photos_job_store_retry (CarreteDb *db, const PhotosJob *job, const char *reason, guint max_attempts,
                        guint backoff_seconds, GAsyncReadyCallback callback, gpointer user_data)
{
  INT_TEXT (id, job->id);
  INT_TEXT (max, max_attempts);
  INT_TEXT (backoff, backoff_seconds);
  const char *params[] = { id, reason, max, backoff };

  carrete_db_query_async (db, &retry, params, NULL, callback, user_data);
}

void
photos_job_store_abandon (CarreteDb *db, const PhotosJob *job, gboolean removed_all,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  INT_TEXT (id, job->id);
  INT_TEXT (photo, job->photo_id);
  const char *params[] = { id, photo, removed_all ? "true" : "false" };

  carrete_db_query_async (db, &abandon, params, NULL, callback, user_data);
}
