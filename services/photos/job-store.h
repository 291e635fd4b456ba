#pragma once

#include "carrete-db.h"

G_BEGIN_DECLS

/* SQL for the jobs table, and nothing else (see store.h for the photos
 * table).  Times, leases and back-off are decided by the database's clock
 * (now()), never by a worker's. */

/* A claimed job, with what it needs of its photo. */
typedef struct
{
  gint64 id;
  char *kind; /* "thumbnails" */
  gint64 photo_id;
  guint attempts;      /* this claim included */
  char *object_prefix; /* the photo's; NULL when the photo is gone */
  char *content_type;
  gint64 size;
  char *photo_state; /* "ready", "trashed", "deleting", or NULL when gone */
} PhotosJob;

void photos_job_free (PhotosJob *job);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhotosJob, photos_job_free)

/* Takes one due job (queued and past run_after, or running past its
 * lease) for `lease_seconds`: state running, attempts + 1, in one
 * statement with FOR UPDATE SKIP LOCKED, so that workers never take the
 * same job.  The finisher gives NULL and no error when none is due. */
void photos_job_store_claim (CarreteDb *db, guint lease_seconds, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
PhotosJob *photos_job_store_claim_finish (CarreteDb *db, GAsyncResult *result, GError **error);

/* The lease of a job still running extended to `lease_seconds` from now,
 * while it is still this claim's (running, same attempts).
 * carrete_db_count_finish: 0 when another runner has taken it since. */
void photos_job_store_renew (CarreteDb *db, const PhotosJob *job, guint lease_seconds,
                             GAsyncReadyCallback callback, gpointer user_data);
/* A thumbnails job done: the photo gets its size, taken_at (unix seconds,
 * or -1), its thumbnails' bytes and thumbnails `ready`, and the job is
 * done, in one statement, while the photo is ready.  The finisher gives
 * "ready" then; otherwise the photo's state ("trashed", "deleting") or
 * "gone", and the job is left running for photos_job_store_abandon. */
void photos_job_store_finish_thumbnails (CarreteDb *db, const PhotosJob *job, guint width,
                                         guint height, gint64 taken_at, gint64 thumbnails_size,
                                         GAsyncReadyCallback callback, gpointer user_data);
char *photos_job_store_finish_thumbnails_finish (CarreteDb *db, GAsyncResult *result,
                                                 GError **error);
/* A job that can never succeed: it and its photo's thumbnails are
 * `failed` with `reason`.  This and retry change nothing when the photo is
 * no longer ready: the job stays running until its lease ends, and its
 * next claim removes what it stored. */
void photos_job_store_fail (CarreteDb *db, const PhotosJob *job, const char *reason,
                            GAsyncReadyCallback callback, gpointer user_data);
/* A job that failed for now: queued again after backoff_seconds × 2^(attempts − 1)
 * (at most an hour), or failed, photo included, once it has had
 * `max_attempts`.  carrete_db_count_finish: 1 when it will run again. */
void photos_job_store_retry (CarreteDb *db, const PhotosJob *job, const char *reason,
                             guint max_attempts, guint backoff_seconds,
                             GAsyncReadyCallback callback, gpointer user_data);
/* A job whose photo is no longer ready, once the job has removed what it
 * may have stored (`removed_all`: every object of a photo being deleted,
 * whose row then goes too): parked while the photo is in the trash (queued
 * until `infinity`; a restore wakes it), queued again when the photo was
 * restored meanwhile, removed otherwise.  carrete_db_count_finish. */
void photos_job_store_abandon (CarreteDb *db, const PhotosJob *job, gboolean removed_all,
                               GAsyncReadyCallback callback, gpointer user_data);

G_END_DECLS
