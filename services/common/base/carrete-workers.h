#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A bounded pool of threads for CPU-heavy work (password hashing) so that
 * the main loop never waits for it.  When the queue is full, submitting
 * fails with CARRETE_ERROR_UNAVAILABLE (answered as 503 + Retry-After)
 * instead of growing without bound. */
typedef struct _CarreteWorkers CarreteWorkers;

CarreteWorkers *carrete_workers_new (guint n_threads, guint max_queued);
void carrete_workers_free (CarreteWorkers *workers);

/* Runs `func` on a worker thread; it must return its result through the
 * GTask, which then completes on the task's main context. */
gboolean carrete_workers_run (CarreteWorkers *workers, GTask *task, GTaskThreadFunc func,
                              GError **error);
/* The same for a caller that only waits for the task: a full queue answers
 * the task with the error. */
void carrete_workers_run_task (CarreteWorkers *workers, GTask *task, GTaskThreadFunc func);

guint carrete_workers_get_queued (CarreteWorkers *workers);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarreteWorkers, carrete_workers_free)

G_END_DECLS
