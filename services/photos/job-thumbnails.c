#define G_LOG_DOMAIN "carrete-photos-jobs"

/* The thumbnails job: what an upload used to do before answering. */

#include "jobs.h"
#include "service-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <unistd.h>

#include "carrete-error.h"
#include "decoder.h"
#include "imaging.h"

typedef struct
{
  PhotosApp *app;
  CarreteWorkers *pool;
  PhotosJob *job; /* borrowed from the runner */
  char *spool_path;
  char *small_path;
  char *large_path;
  PhotosImageInfo info;
  gint64 thumbnails_size; /* both files' bytes: they count in the owner's quota */
  gboolean permanent;     /* the failure is the image's, not the moment's */
  gboolean remove_all;    /* its photo is being deleted, not trashed */
} ThumbnailsJob;

static void
thumbnails_job_free (gpointer data)
{
  ThumbnailsJob *t = data;

  photos_remove_spool_file (&t->spool_path);
  photos_remove_spool_file (&t->small_path);
  photos_remove_spool_file (&t->large_path);
  g_free (t);
}

static gboolean
fetch_original (ThumbnailsJob *t, GError **error)
{
  g_autofree char *key = photos_key_original (t->job->object_prefix);
  g_autoptr (GError) local = NULL;
  int fd;

  t->spool_path = g_build_filename (t->app->spool_dir, "job-XXXXXX", NULL);
  if ((fd = g_mkstemp (t->spool_path)) < 0)
    {
      g_clear_pointer (&t->spool_path, g_free);
      g_set_error_literal (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE, "No spool space.");
      return FALSE;
    }
  close (fd);
  if (carrete_storage_get_to_file (t->app->storage, key, t->spool_path, (guint64) t->job->size, NULL,
                                   &local))
    return TRUE;
  /* A ready photo always has its original: if it is gone, no retry brings
   * it back. */
  t->permanent = g_error_matches (local, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND);
  g_propagate_prefixed_error (error, g_steal_pointer (&local), "Cannot read the original: ");
  return FALSE;
}

/* The decoder's verdict (the image, or a child that crashed, hung or went
 * over its limits) is final; only a decoder that could not be started is
 * worth another try. */
static gboolean
decode (ThumbnailsJob *t, GError **error)
{
  PhotosType type = photos_type_from_mime (t->job->content_type);
  GError *local = NULL;

  t->small_path = g_strconcat (t->spool_path, ".small.jpg", NULL);
  t->large_path = g_strconcat (t->spool_path, ".large.jpg", NULL);
  if (photos_decoder_process (t->app->decoder, t->spool_path, type, t->app->max_pixels, &t->info,
                              t->small_path, t->large_path, &local))
    return TRUE;
  t->permanent = !g_error_matches (local, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE);
  g_propagate_error (error, local);
  return FALSE;
}

static gboolean
store_thumbnails (ThumbnailsJob *t, GError **error)
{
  CarreteStorage *storage = t->app->storage;
  g_autofree char *small = photos_key_thumb (t->job->object_prefix, PHOTOS_THUMB_SMALL);
  g_autofree char *large = photos_key_thumb (t->job->object_prefix, PHOTOS_THUMB_LARGE);

  GStatBuf small_stat, large_stat;

  if (g_stat (t->small_path, &small_stat) != 0 || g_stat (t->large_path, &large_stat) != 0)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "cannot stat the thumbnails: %s",
                   g_strerror (errno));
      return FALSE;
    }
  t->thumbnails_size = (gint64) small_stat.st_size + (gint64) large_stat.st_size;
  return carrete_storage_put_file (storage, small, t->small_path, "image/jpeg", NULL, error)
         && carrete_storage_put_file (storage, large, t->large_path, "image/jpeg", NULL, error);
}

#ifdef CARRETE_TEST_HOOKS
/* Test builds only: CARRETE_JOB_FAULT=kill-after-store, a SIGKILL of the
 * worker the moment its thumbnails are stored, before anything is recorded
 * (the worst moment: a deletion may have removed the photo's objects). */
static void
inject_fault (void)
{
  if (g_strcmp0 (g_getenv ("CARRETE_JOB_FAULT"), "kill-after-store") == 0)
    kill (getpid (), SIGKILL);
}
#endif

static void
make_thumbnails_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  ThumbnailsJob *t = data;
  GError *error = NULL;
  gboolean ok = fetch_original (t, &error) && decode (t, &error) && store_thumbnails (t, &error);

#ifdef CARRETE_TEST_HOOKS
  if (ok)
    inject_fault ();
#endif

  carrete_op_return_ok (task, ok, error);
}

/* ---- a photo no longer ready ---------------------------------------------------- */

/* Its photo was trashed, is being deleted or is gone, before this job began
 * or while it ran: what this job (or an earlier attempt of it, whose worker
 * died) may have stored belongs to no ready row.  A photo being deleted
 * loses every object, and then its row, which its deletion left to this
 * job (store.c, delete_rows); a trashed one only its thumbnails, as its row
 * says (thumbnails pending; a restore queues the job again). */
static void
remove_objects_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  ThumbnailsJob *t = data;
  GError *error = NULL;
  gboolean ok
      = photos_delete_objects (t->app->storage, t->job->object_prefix, !t->remove_all, &error);

  carrete_op_return_ok (task, ok, error);
}

static void
on_objects_removed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  ThumbnailsJob *t = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* The job stays running: when its lease ends, it is claimed again
       * and this is tried again; its photo's row stays meanwhile. */
      g_message ("job %" G_GINT64_FORMAT ": the objects of its %s photo are left to its next "
                 "claim: %s",
                 t->job->id, t->job->photo_state, error->message);
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  photos_job_store_abandon (t->app->db, t->job, t->remove_all, carrete_db_answer_done, task);
}

static void
abandon (GTask *task, const char *photo_state)
{
  ThumbnailsJob *t = g_task_get_task_data (task);

  if (photo_state != t->job->photo_state)
    {
      g_free (t->job->photo_state);
      t->job->photo_state = g_strdup (photo_state);
    }
  t->remove_all = photo_state == NULL || g_str_equal (photo_state, "deleting")
                  || g_str_equal (photo_state, "gone");
  if (t->job->object_prefix == NULL) /* the photo is gone, and its objects */
    photos_job_store_abandon (t->app->db, t->job, TRUE, carrete_db_answer_done, task);
  else
    run_step_on (t->pool, task, t, remove_objects_in_thread, on_objects_removed);
}

static void
on_finished (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  ThumbnailsJob *t = g_task_get_task_data (task);
  GError *error = NULL;
  g_autofree char *state = photos_job_store_finish_thumbnails_finish (t->app->db, result, &error);

  if (state == NULL)
    g_task_return_error (task, error);
  else if (!g_str_equal (state, "ready"))
    {
      g_message ("job %" G_GINT64_FORMAT ": its photo was %s meanwhile; thumbnails removed",
                 t->job->id, g_str_equal (state, "trashed") ? "trashed" : "deleted");
      abandon (task, state);
      return;
    }
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
on_made (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  ThumbnailsJob *t = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  photos_job_store_finish_thumbnails (t->app->db, t->job, t->info.width, t->info.height,
                                      t->info.taken_at, t->thumbnails_size, on_finished, task);
}

void
photos_thumbnails_job_async (PhotosApp *app, CarreteWorkers *pool, PhotosJob *job,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  ThumbnailsJob *t = g_new0 (ThumbnailsJob, 1);
  GTask *task = carrete_op_new (t, thumbnails_job_free, photos_thumbnails_job_async, NULL, callback,
                                user_data);

  t->app = app;
  t->pool = pool;
  t->job = job;
  if (g_strcmp0 (job->photo_state, "ready") != 0)
    {
      /* Nothing to make: only what an earlier attempt stored to remove. */
      abandon (task, job->photo_state);
      return;
    }
  run_step_on (pool, task, t, make_thumbnails_in_thread, on_made);
}

gboolean
photos_thumbnails_job_finish (GAsyncResult *result, gboolean *permanent, GError **error)
{
  ThumbnailsJob *t = g_task_get_task_data (G_TASK (result));

  *permanent = t->permanent;
  return g_task_propagate_boolean (G_TASK (result), error);
}
