#pragma once

#include <gio/gio.h>

#include "app.h"
#include "job-store.h"

G_BEGIN_DECLS

/* The background jobs of carrete-photos (the `jobs` table): a runner takes
 * due jobs, up to `concurrency` at once, looking every `poll_seconds` and
 * at once when this process queued one (photos_jobs_wake).  One runner per
 * process, on the main context of the thread that made it (`serve`'s
 * first worker, or `work`'s).  A job that fails for now (storage or the
 * database down) is retried with back-off, up to `max_attempts`; a
 * decoder's verdict fails it at once.  A job whose runner dies keeps its
 * lease and is taken again when the lease ends. */
typedef struct _PhotosJobs PhotosJobs;

typedef struct
{
  guint concurrency;
  guint poll_seconds;
  guint lease_seconds;
  guint max_attempts;
  guint backoff_seconds;
} PhotosJobsOptions;

PhotosJobs *photos_jobs_new (PhotosApp *app, const PhotosJobsOptions *options);
/* Claims nothing more; the jobs under way go on (photos_jobs_busy). */
void photos_jobs_stop (PhotosJobs *jobs);
gboolean photos_jobs_busy (PhotosJobs *jobs);
void photos_jobs_free (PhotosJobs *jobs);

/* From any thread: a job was just queued; the process's runner, if it
 * has one, looks now rather than at its next poll. */
void photos_jobs_wake (void);

/* The thumbnails job (job-thumbnails.c): fetches the original, reads its
 * size and EXIF date and makes both thumbnails in the decoder, stores
 * them, and marks the photo's thumbnails ready.  A photo deleted
 * meanwhile ends it quietly, its thumbnails removed.  On failure,
 * `*permanent` says whether trying again could help. */
void photos_thumbnails_job_async (PhotosApp *app, PhotosJob *job, GAsyncReadyCallback callback,
                                  gpointer user_data);
gboolean photos_thumbnails_job_finish (GAsyncResult *result, gboolean *permanent, GError **error);

G_END_DECLS
