#define G_LOG_DOMAIN "carrete-test-photos-jobs"

/* Thumbnails are made by a job in the `jobs` table, after the upload has
 * answered: by `serve` itself, or by separate `carrete-photos work`
 * processes.  Real PostgreSQL, real storage, real binaries: a worker is
 * killed mid-job and another finishes the job once the lease ends; a
 * decoder's verdict fails the job at once; a failure of the moment is
 * retried with back-off, up to the most attempts; a photo deleted with
 * its job queued or running leaves nothing behind, even when the worker
 * dies right after storing thumbnails the deletion had already removed. */

#include <signal.h>
#include <string.h>

#include "photos-fixture.h"

/* Quick polls and leases, for the processes of these tests. */
#define FAST "CARRETE_JOB_POLL=1", "CARRETE_JOB_LEASE=3", "CARRETE_JOB_BACKOFF=1"

/* ---- helpers ------------------------------------------------------------------ */

/* A `work` process whose decoder hangs until `timeout` seconds (one job at
 * a time): a job that stays running as long as a test needs. */
static CtService *
start_hanging_worker (PhotosStack *s, guint timeout, char **spool)
{
  g_autofree char *limit = g_strdup_printf ("CARRETE_DECODER_TIMEOUT=%u", timeout);

  return photos_stack_start_worker (
      s,
      (const char *const[]){ FAST, "CARRETE_DECODER_FAULT=hang", limit,
                             "CARRETE_JOB_CONCURRENCY=1", NULL },
      spool);
}

/* A `work` process whose decoder takes 3 s per image: time to delete the
 * photo between the job's fetch of the original and its store of the
 * thumbnails.  `job_fault`: a CARRETE_JOB_FAULT=… setting, or NULL. */
static CtService *
start_slow_worker (PhotosStack *s, const char *job_fault, char **spool)
{
  return photos_stack_start_worker (
      s, (const char *const[]){ FAST, "CARRETE_DECODER_FAULT=slow", job_fault, NULL }, spool);
}

static CtService *
start_api (PhotosStack *s)
{
  return photos_stack_start_instance (
      s, (const char *const[]){ "CARRETE_JOBS_IN_SERVE=false", NULL }, NULL);
}

/* A column of the job of a photo (by its opaque id), as text; NULL
 * without a job. */
static char *
job_column (PhotosStack *s, const char *photo_id, const char *column)
{
  g_autofree char *sql
      = g_strdup_printf ("SELECT %s::text FROM jobs WHERE photo_id = $1::bigint", column);

  return photos_query_photo (s, photo_id, sql);
}

static guint
job_attempts (PhotosStack *s, const char *photo_id)
{
  g_autofree char *text = job_column (s, photo_id, "attempts");

  g_assert_nonnull (text);
  return (guint) g_ascii_strtoull (text, NULL, 10);
}

/* Waits up to `seconds` for the photo's job to be in `state`. */
static void
await_job_state (PhotosStack *s, const char *photo_id, const char *state, guint seconds)
{
  for (guint i = 0; i < seconds * 20; i++)
    {
      g_autofree char *now = job_column (s, photo_id, "state");

      if (g_strcmp0 (now, state) == 0)
        return;
      g_usleep (50 * 1000);
    }
  g_error ("the job of photo %s is not %s after %u s", photo_id, state, seconds);
}

/* Waits up to `seconds` for the photo's row to be gone (a deletion that
 * a running job finishes: see store.c, delete_rows). */
static void
await_row_gone (PhotosStack *s, const char *photo_id, guint seconds)
{
  for (guint i = 0; i < seconds * 20; i++)
    {
      g_autofree char *state = photos_row_state (s, photo_id);

      if (state == NULL)
        return;
      g_usleep (50 * 1000);
    }
  g_error ("the row of photo %s is still there after %u s", photo_id, seconds);
}

/* A deletion a running job finished (within `seconds`): no row, no job,
 * and as many rows and objects as before the photo. */
static void
assert_deletion_finished (PhotosStack *s, const char *photo_id, guint seconds, guint rows,
                          guint objects)
{
  g_autofree char *job = NULL;

  await_row_gone (s, photo_id, seconds);
  job = job_column (s, photo_id, "state");
  g_assert_null (job);
  g_assert_cmpuint (photos_count_rows (s), ==, rows);
  g_assert_cmpuint (photos_count_objects (s), ==, objects);
}

/* The decoder children of `worker`, once its job has fetched the original
 * and started decoding (10 s at most). */
static GArray *
await_decoders (CtService *worker)
{
  GArray *decoders = NULL;

  for (guint i = 0; i < 100; i++)
    {
      g_clear_pointer (&decoders, g_array_unref);
      decoders = photos_decoder_children (worker);
      if (decoders->len > 0)
        break;
      g_usleep (100 * 1000);
    }
  g_assert_cmpuint (decoders->len, ==, 1);
  return decoders;
}

/* POST /v1/photos at `url`: 201, thumbnails pending; the photo's id. */
static char *
upload_pending (const char *url, PhotosUser *user, const char *name, GBytes *image)
{
  g_autofree char *auth = g_strconcat ("Authorization: Bearer ", user->token, NULL);
  g_autofree char *path = g_strconcat ("/v1/photos?name=", name, NULL);
  g_autoptr (CtResponse) r
      = ct_http_raw (url, "POST", path, (const char *const[]){ auth, NULL }, "image/jpeg", image);

  g_assert_cmpuint (r->status, ==, 201);
  g_assert_cmpstr (ct_response_string (r, "thumbnails"), ==, "pending");
  return g_strdup (ct_response_string (r, "id"));
}

static CtResponse *
get_photo (const char *url, PhotosUser *user, const char *id)
{
  g_autofree char *path = g_strconcat ("/v1/photos/", id, NULL);

  return ct_http (url, "GET", path, user->token, NULL);
}

/* The service answers a list at once (whatever jobs are doing). */
static void
assert_answers (const char *url, PhotosUser *user)
{
  gint64 asked = g_get_monotonic_time ();
  g_autoptr (CtResponse) list = ct_http (url, "GET", "/v1/photos", user->token, NULL);

  g_assert_cmpuint (list->status, ==, 200);
  g_assert_cmpint (g_get_monotonic_time () - asked, <, G_USEC_PER_SEC);
}

/* Ready: the size and date the image told, and thumbnails that download. */
static void
assert_ready (CtResponse *r, guint width, guint height, const char *taken_at)
{
  g_autoptr (CtResponse) small = NULL;
  g_autoptr (CtResponse) large = NULL;

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (ct_response_string (r, "thumbnails"), ==, "ready");
  g_assert_null (ct_response_string (r, "thumbnails_error"));
  g_assert_cmpint (json_object_get_int_member (ct_response_object (r), "width"), ==, width);
  g_assert_cmpint (json_object_get_int_member (ct_response_object (r), "height"), ==, height);
  g_assert_cmpstr (ct_response_string (r, "taken_at"), ==, taken_at);
  small = photos_fetch (ct_response_string (r, "thumbnail_url"), NULL);
  large = photos_fetch (ct_response_string (r, "preview_url"), NULL);
  g_assert_cmpuint (small->status, ==, 200);
  g_assert_cmpuint (large->status, ==, 200);
  g_assert_cmpstr (ct_response_header (small, "Content-Type"), ==, "image/jpeg");
}

/* Failed at once (one attempt) with `reason`, on the job and the photo. */
static void
assert_failed (PhotosStack *s, CtResponse *r, const char *reason)
{
  const char *id = ct_response_string (r, "id");
  g_autofree char *state = job_column (s, id, "state");
  g_autofree char *last_error = job_column (s, id, "last_error");

  g_test_message ("thumbnails_error: %s", ct_response_string (r, "thumbnails_error"));
  g_assert_cmpstr (ct_response_string (r, "thumbnails"), ==, "failed");
  g_assert_nonnull (strstr (ct_response_string (r, "thumbnails_error"), reason));
  g_assert_null (ct_response_string (r, "thumbnail_url"));
  g_assert_nonnull (ct_response_string (r, "url"));
  g_assert_cmpstr (state, ==, "failed");
  g_assert_nonnull (strstr (last_error, reason));
}

static void
kill_decoders (GArray *pids)
{
  for (guint i = 0; i < pids->len; i++)
    kill (g_array_index (pids, GPid, i), SIGKILL);
}

/* ---- tests ------------------------------------------------------------------------ */

/* serve runs jobs by default: 201 pending, then ready with what the
 * image says. */
static void
test_ready (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "jobready");
  g_autoptr (GBytes) jpeg = photos_make_jpeg (900, 600, 501, "2020:07:08 09:10:11", 0);
  g_autofree char *id = upload_pending (s->photos_url, ana, "ready.jpg", jpeg);
  g_autoptr (CtResponse) done = ct_await_thumbnails (s->photos_url, ana->token, id);
  g_autofree char *state = NULL;

  assert_ready (done, 900, 600, "2020-07-08T09:10:11.000Z");
  state = job_column (s, id, "state");
  g_assert_cmpstr (state, ==, "done");
  g_assert_cmpuint (job_attempts (s, id), ==, 1);
  photos_assert_consistent (s, NULL);
}

/* `work` answers its probes and nothing of the API. */
static void
test_work_command (PhotosStack *s)
{
  CtService *worker = photos_stack_start_worker (s, NULL, NULL);
  g_autoptr (CtResponse) health = ct_http (ct_service_url (worker), "GET", "/healthz", NULL, NULL);
  g_autoptr (CtResponse) ready = ct_http (ct_service_url (worker), "GET", "/readyz", NULL, NULL);
  g_autoptr (CtResponse) api = ct_http (ct_service_url (worker), "GET", "/v1/photos", NULL, NULL);

  g_assert_cmpuint (health->status, ==, 200);
  g_assert_cmpuint (ready->status, ==, 200);
  g_assert_cmpuint (api->status, ==, 404);
  ct_service_free (worker);
}

/* serve without jobs, and a worker killed (SIGKILL) in the middle of one:
 * the job stays claimed until its lease ends, then a new worker takes it
 * and finishes it. */
static void
test_worker_killed (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "jobkill");
  CtService *api = start_api (s);
  const char *url = ct_service_url (api);
  g_autofree char *slow_spool = NULL;
  g_autofree char *fresh_spool = NULL;
  CtService *slow = start_hanging_worker (s, 600, &slow_spool);
  g_autoptr (GBytes) jpeg = photos_make_jpeg (640, 480, 502, "2018:01:02 03:04:05", 0);
  g_autofree char *id = upload_pending (url, ana, "killed.jpg", jpeg);
  g_autoptr (GArray) decoders = NULL;
  g_autoptr (CtResponse) during = NULL;
  g_autoptr (CtResponse) done = NULL;
  CtService *fresh;

  await_job_state (s, id, "running", 10);
  /* The job is claimed before it fetches the original and starts its
   * decoder: wait for the child.  The decoder hangs; the worker dies with
   * it. */
  decoders = await_decoders (slow);
  ct_service_kill (slow);
  kill_decoders (decoders);
  during = get_photo (url, ana, id);
  g_assert_cmpstr (ct_response_string (during, "thumbnails"), ==, "pending");

  fresh = photos_stack_start_worker (s, (const char *const[]){ FAST, NULL }, &fresh_spool);
  done = ct_await_thumbnails (url, ana->token, id);
  assert_ready (done, 640, 480, "2018-01-02T03:04:05.000Z");
  g_assert_cmpuint (job_attempts (s, id), ==, 2);
  /* What the killed worker was writing is its spool's (a pod's emptyDir). */
  ct_remove_tree (slow_spool);
  photos_assert_consistent (s, fresh_spool);
  ct_service_free (fresh);
  ct_service_free (slow);
  ct_service_free (api);
}

/* A job that runs longer than its lease keeps it: its runner renews the
 * lease (every third of it), so a second worker polling the queue never
 * takes the job while the first still works on it.  Two workers, a lease
 * of 3 s, a decoder that hangs for 8 s: without renewals the second
 * worker would claim the job after 3 s (attempts 2, a second decoder). */
static void
test_lease_renewed (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "joblease");
  CtService *api = start_api (s);
  const char *url = ct_service_url (api);
  g_autofree char *spool_a = NULL;
  g_autofree char *spool_b = NULL;
  CtService *a = start_hanging_worker (s, 8, &spool_a);
  CtService *b = start_hanging_worker (s, 8, &spool_b);
  g_autoptr (GBytes) jpeg = photos_make_jpeg (320, 240, 503, NULL, 0);
  g_autofree char *id = upload_pending (url, ana, "long.jpg", jpeg);
  g_autofree char *error = NULL;

  await_job_state (s, id, "running", 10);
  /* Two leases and more. */
  g_usleep (7 * G_USEC_PER_SEC);
  g_assert_cmpuint (job_attempts (s, id), ==, 1);
  {
    g_autoptr (GArray) in_a = photos_decoder_children (a);
    g_autoptr (GArray) in_b = photos_decoder_children (b);

    g_assert_cmpuint (in_a->len + in_b->len, ==, 1);
  }
  assert_answers (url, ana);
  /* The hang ends the job as the decoder's verdict, on its first claim. */
  await_job_state (s, id, "failed", 20);
  g_assert_cmpuint (job_attempts (s, id), ==, 1);
  error = job_column (s, id, "last_error");
  g_assert_cmpstr (error, ==, "The image could not be decoded: the decoder did not finish within 8 s.");
  photos_assert_consistent (s, spool_a);
  photos_assert_consistent (s, spool_b);
  ct_service_free (b);
  ct_service_free (a);
  ct_service_free (api);
}

/* A crashing or hanging decoder fails the job at once (no retry), with
 * its reason on the photo; the service answers throughout. */
static void
test_decoder_verdict (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "jobverdict");
  CtService *api = start_api (s);
  const char *url = ct_service_url (api);
  const struct
  {
    const char *const *settings;
    const char *reason;
  } faults[] = {
    { (const char *const[]){ FAST, "CARRETE_DECODER_FAULT=crash", NULL },
      "the decoder crashed (signal 6, SIGABRT)" },
    { (const char *const[]){ FAST, "CARRETE_DECODER_FAULT=hang", "CARRETE_DECODER_TIMEOUT=2",
                             NULL },
      "the decoder did not finish within 2 s" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autofree char *spool = NULL;
      CtService *worker = photos_stack_start_worker (s, faults[i].settings, &spool);
      g_autoptr (GBytes) jpeg = photos_make_jpeg (320, 240, 510 + i, NULL, 0);
      g_autofree char *id = upload_pending (url, ana, "fault.jpg", jpeg);
      g_autoptr (CtResponse) done = NULL;

      await_job_state (s, id, "running", 10);
      assert_answers (url, ana);
      done = ct_await_thumbnails (url, ana->token, id);
      assert_failed (s, done, faults[i].reason);
      g_assert_cmpuint (job_attempts (s, id), ==, 1);
      assert_answers (url, ana);
      photos_assert_consistent (s, spool);
      ct_service_free (worker);
    }
  ct_service_free (api);
}

/* From now on the statement that makes thumbnails ready fails (a trigger
 * raises "test: not now"), until the trigger is dropped. */
static void
refuse_ready (PGconn *db)
{
  ct_postgres_exec (db, "CREATE TRIGGER test_refuse_ready BEFORE UPDATE ON photos FOR EACH ROW"
                        " WHEN (NEW.thumbnails = 'ready' AND OLD.thumbnails <> 'ready')"
                        " EXECUTE FUNCTION test_refuse_ready ()");
}

/* A statement that fails for a while (a trigger refuses the photo's
 * update): retried with back-off until it works; with too few attempts
 * allowed, the job and the photo's thumbnails fail with the last reason. */
static void
test_transient_retry (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "jobretry");
  CtService *api = start_api (s);
  const char *url = ct_service_url (api);
  PGconn *db = ct_postgres_connect (s->pg, "carrete_photos");
  g_autofree char *spool = NULL;
  CtService *worker = photos_stack_start_worker (
      s, (const char *const[]){ FAST, "CARRETE_JOB_MAX_ATTEMPTS=3", NULL }, &spool);
  g_autoptr (GBytes) first = photos_make_jpeg (320, 240, 520, NULL, 0);
  g_autoptr (GBytes) second = photos_make_jpeg (320, 240, 521, NULL, 0);
  g_autofree char *id = NULL;
  g_autofree char *last_error = NULL;
  g_autoptr (CtResponse) during = NULL;
  g_autoptr (CtResponse) done = NULL;
  g_autoptr (CtResponse) failed = NULL;

  ct_postgres_exec (db, "CREATE FUNCTION test_refuse_ready () RETURNS trigger LANGUAGE plpgsql"
                        " AS $$BEGIN RAISE EXCEPTION 'test: not now'; END$$");
  refuse_ready (db);
  id = upload_pending (url, ana, "retry.jpg", first);
  for (guint i = 0; i < 100 && job_attempts (s, id) < 2; i++)
    g_usleep (100 * 1000);
  g_assert_cmpuint (job_attempts (s, id), >=, 2);
  last_error = job_column (s, id, "last_error");
  g_assert_nonnull (strstr (last_error, "not now"));
  during = get_photo (url, ana, id);
  g_assert_cmpstr (ct_response_string (during, "thumbnails"), ==, "pending");
  ct_postgres_exec (db, "DROP TRIGGER test_refuse_ready ON photos");
  done = ct_await_thumbnails (url, ana->token, id);
  assert_ready (done, 320, 240, NULL);

  /* The most attempts: three, then failed. */
  refuse_ready (db);
  g_clear_pointer (&id, g_free);
  id = upload_pending (url, ana, "never.jpg", second);
  failed = ct_await_thumbnails (url, ana->token, id);
  assert_failed (s, failed, "not now");
  g_assert_cmpuint (job_attempts (s, id), ==, 3);
  ct_postgres_exec (db, "DROP TRIGGER test_refuse_ready ON photos");
  ct_postgres_exec (db, "DROP FUNCTION test_refuse_ready ()");
  PQfinish (db);
  photos_assert_consistent (s, spool);
  ct_service_free (worker);
  ct_service_free (api);
}

static void
delete_photo (const char *url, PhotosUser *user, const char *id)
{
  g_autofree char *path = g_strconcat ("/v1/photos/", id, "?permanent=true", NULL);
  g_autoptr (CtResponse) r = ct_http (url, "DELETE", path, user->token, NULL);

  g_assert_cmpuint (r->status, ==, 204);
}

/* A photo deleted with its job queued, or running: no job, no object. */
static void
test_delete_with_job (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "jobdelete");
  CtService *api = start_api (s);
  const char *url = ct_service_url (api);
  guint rows = photos_count_rows (s), objects = photos_count_objects (s);
  g_autoptr (GBytes) queued_jpeg = photos_make_jpeg (320, 240, 530, NULL, 0);
  g_autoptr (GBytes) running_jpeg = photos_make_jpeg (320, 240, 531, NULL, 0);
  g_autofree char *queued = upload_pending (url, ana, "queued.jpg", queued_jpeg);
  g_autofree char *running = NULL;
  g_autofree char *spool = NULL;
  g_autofree char *state = NULL;
  CtService *worker;

  /* Nobody runs jobs yet: it is queued. */
  state = job_column (s, queued, "state");
  g_assert_cmpstr (state, ==, "queued");
  delete_photo (url, ana, queued);
  g_clear_pointer (&state, g_free);
  state = job_column (s, queued, "state");
  g_assert_null (state);
  g_assert_cmpuint (photos_count_rows (s), ==, rows);
  g_assert_cmpuint (photos_count_objects (s), ==, objects);

  /* Running (its decoder hangs until the 3 s limit): the deletion removes
   * the objects but keeps the row, `deleting`, while the job may still
   * store thumbnails.  The job's failure is not recorded for a photo no
   * longer ready; once its lease ends, its next claim removes the photo's
   * objects, then the row and the job. */
  worker = start_hanging_worker (s, 3, &spool);
  running = upload_pending (url, ana, "running.jpg", running_jpeg);
  await_job_state (s, running, "running", 10);
  delete_photo (url, ana, running);
  g_clear_pointer (&state, g_free);
  state = photos_row_state (s, running);
  g_assert_cmpstr (state, ==, "deleting");
  g_assert_cmpuint (photos_count_objects (s), ==, objects);
  /* The decoder's limit (3 s), the lease (3 s), a poll (1 s). */
  assert_deletion_finished (s, running, 20, rows, objects);
  photos_assert_consistent (s, spool);
  ct_service_free (worker);
  ct_service_free (api);
}

/* A photo deleted while its (slow) decoder runs: the job stores the
 * thumbnails afterwards, finds the photo being deleted, and removes them,
 * then the row its deletion kept for it. */
static void
test_delete_before_store (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "jobgone");
  CtService *api = start_api (s);
  const char *url = ct_service_url (api);
  guint rows = photos_count_rows (s), objects = photos_count_objects (s);
  g_autofree char *spool = NULL;
  CtService *worker = start_slow_worker (s, NULL, &spool);
  g_autoptr (GBytes) jpeg = photos_make_jpeg (320, 240, 550, NULL, 0);
  g_autofree char *id = upload_pending (url, ana, "gone.jpg", jpeg);
  gboolean removed = FALSE;

  await_job_state (s, id, "running", 10);
  delete_photo (url, ana, id);
  g_assert_cmpuint (photos_count_objects (s), ==, objects);
  /* The decode ends 3 s after it began; then the PUTs, and their removal. */
  for (guint i = 0; i < 200 && !removed; i++)
    {
      g_autofree char *output = ct_service_output (worker);
      removed = strstr (output, "its photo was deleted meanwhile; thumbnails removed") != NULL;
      g_usleep (50 * 1000);
    }
  g_assert_true (removed);
  assert_deletion_finished (s, id, 10, rows, objects);
  photos_assert_consistent (s, spool);
  ct_service_free (worker);
  ct_service_free (api);
}

/* The race the chaos suite found: a job stores its thumbnails after a
 * deletion removed the photo's objects, and its worker is SIGKILLed
 * before it can remove them (CARRETE_JOB_FAULT=kill-after-store kills it
 * the moment both are stored).  The deletion kept the row (`deleting`)
 * because the job was running, so the thumbnails are not orphans: a bulk
 * deletion meanwhile skips the claimed row (and ends), and once the lease
 * is over a new worker's claim of the job removes every object of the
 * photo, then its row and the job. */
static void
test_delete_worker_killed_after_store (PhotosStack *s)
{
  g_autofree char *dying_spool = NULL;
  g_autofree char *fresh_spool = NULL;
  CtService *dying = start_slow_worker (s, "CARRETE_JOB_FAULT=kill-after-store", &dying_spool);
  g_autoptr (PhotosUser) ana = photos_user_new (s, "jobrace");
  CtService *api = start_api (s);
  const char *url = ct_service_url (api);
  guint rows = photos_count_rows (s), objects = photos_count_objects (s);
  g_autoptr (GBytes) jpeg = photos_make_jpeg (320, 240, 560, NULL, 0);
  g_autofree char *id = upload_pending (url, ana, "race.jpg", jpeg);
  g_autofree char *bulk = g_strconcat ("/v1/photos?owner_id=", ana->id, NULL);
  g_autoptr (GArray) decoders = NULL;
  g_autofree char *state = NULL;
  g_autofree char *job = NULL;
  CtService *fresh;

  /* The original fetched, the decode under way (3 s): delete it. */
  await_job_state (s, id, "running", 10);
  decoders = await_decoders (dying);
  delete_photo (url, ana, id);
  g_assert_cmpuint (photos_count_objects (s), ==, objects);
  state = photos_row_state (s, id);
  g_assert_cmpstr (state, ==, "deleting");
  {
    g_autoptr (CtResponse) r = ct_http (url, "DELETE", bulk, ana->token, NULL);
    g_assert_cmpuint (r->status, ==, 204);
  }
  g_clear_pointer (&state, g_free);
  state = photos_row_state (s, id);
  g_assert_cmpstr (state, ==, "deleting");

  /* The decode ends; the worker stores both thumbnails and dies. */
  for (guint i = 0; i < 200 && photos_count_objects (s) != objects + 2; i++)
    g_usleep (50 * 1000);
  g_assert_cmpuint (photos_count_objects (s), ==, objects + 2);
  ct_service_kill (dying);
  g_clear_pointer (&state, g_free);
  state = photos_row_state (s, id);
  g_assert_cmpstr (state, ==, "deleting");
  job = job_column (s, id, "state");
  g_assert_cmpstr (job, ==, "running");

  /* The lease (3 s) ends; a new worker's claim finishes the deletion. */
  fresh = photos_stack_start_worker (s, (const char *const[]){ FAST, NULL }, &fresh_spool);
  assert_deletion_finished (s, id, 20, rows, objects);
  /* What the killed worker was writing is its spool's (a pod's emptyDir). */
  ct_remove_tree (dying_spool);
  photos_assert_consistent (s, fresh_spool);
  ct_service_free (fresh);
  ct_service_free (dying);
  ct_service_free (api);
}

/* A photo trashed while its (slow) decoder runs: the job stores the
 * thumbnails, finds the photo trashed, removes them (the trashed row says
 * pending: its original alone) and parks itself, queued until `infinity`;
 * a restore wakes it and the thumbnails are made. */
static void
test_trash_restore_with_job (PhotosStack *s)
{
  g_autofree char *spool = NULL;
  CtService *worker = start_slow_worker (s, NULL, &spool);
  g_autoptr (PhotosUser) ana = photos_user_new (s, "jobtrash");
  CtService *api = start_api (s);
  const char *url = ct_service_url (api);
  guint objects = photos_count_objects (s);
  g_autoptr (GBytes) jpeg = photos_make_jpeg (320, 240, 570, NULL, 0);
  g_autofree char *id = upload_pending (url, ana, "trashed.jpg", jpeg);
  g_autofree char *trash_path = g_strconcat ("/v1/photos/", id, NULL);
  g_autofree char *restore_path = g_strconcat ("/v1/trash/", id, "/restore", NULL);
  g_autoptr (GArray) decoders = NULL;
  g_autofree char *state = NULL;
  g_autofree char *parked = NULL;
  g_autoptr (CtResponse) done = NULL;

  await_job_state (s, id, "running", 10);
  decoders = await_decoders (worker);
  {
    g_autoptr (CtResponse) r = ct_http (url, "DELETE", trash_path, ana->token, NULL);
    g_assert_cmpuint (r->status, ==, 204);
  }
  state = photos_row_state (s, id);
  g_assert_cmpstr (state, ==, "trashed");
  /* The decode ends 3 s after it began; the job parks itself. */
  for (guint i = 0; i < 200; i++)
    {
      g_clear_pointer (&parked, g_free);
      parked = job_column (s, id, "(run_after = 'infinity' AND state = 'queued')");
      if (g_strcmp0 (parked, "true") == 0)
        break;
      g_usleep (50 * 1000);
    }
  g_assert_cmpstr (parked, ==, "true");
  g_assert_cmpuint (photos_count_objects (s), ==, objects + 1);
  photos_assert_consistent (s, spool);
  {
    g_autoptr (CtResponse) r = ct_http (url, "POST", restore_path, ana->token, NULL);
    g_assert_cmpuint (r->status, ==, 200);
  }
  done = ct_await_thumbnails (url, ana->token, id);
  assert_ready (done, 320, 240, NULL);
  g_assert_cmpuint (photos_count_objects (s), ==, objects + 3);
  photos_assert_consistent (s, spool);
  ct_service_free (worker);
  ct_service_free (api);
}

/* SIGTERM: the worker claims nothing more, records the outcome of the job
 * under way, and exits 0 (ct_service_free checks). */
static void
test_sigterm (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "jobterm");
  CtService *api = start_api (s);
  const char *url = ct_service_url (api);
  g_autofree char *spool = NULL;
  CtService *worker = start_hanging_worker (s, 2, &spool);
  g_autoptr (GBytes) busy_jpeg = photos_make_jpeg (320, 240, 540, NULL, 0);
  g_autoptr (GBytes) later_jpeg = photos_make_jpeg (320, 240, 541, NULL, 0);
  g_autofree char *busy = upload_pending (url, ana, "busy.jpg", busy_jpeg);
  g_autofree char *later = NULL;
  g_autofree char *state = NULL;
  g_autofree char *later_state = NULL;

  await_job_state (s, busy, "running", 10);
  later = upload_pending (url, ana, "later.jpg", later_jpeg);
  g_assert_cmpuint (job_attempts (s, later), ==, 0);
  ct_service_free (worker);
  state = job_column (s, busy, "state");
  g_assert_cmpstr (state, ==, "failed");
  /* Not claimed while stopping: still queued, never tried. */
  later_state = job_column (s, later, "state");
  g_assert_cmpstr (later_state, ==, "queued");
  g_assert_cmpuint (job_attempts (s, later), ==, 0);
  photos_assert_consistent (s, spool);
  delete_photo (url, ana, later);
  ct_service_free (api);
}

static void
add_tests (void)
{
  photos_add_test ("jobs/ready", test_ready, TRUE, TRUE);
  photos_add_test ("jobs/work-command", test_work_command, TRUE, FALSE);
  photos_add_test ("jobs/worker-killed", test_worker_killed, TRUE, TRUE);
  photos_add_test ("jobs/decoder-verdict", test_decoder_verdict, TRUE, FALSE);
  photos_add_test ("jobs/lease-renewed", test_lease_renewed, TRUE, FALSE);
  photos_add_test ("jobs/transient-retry", test_transient_retry, TRUE, TRUE);
  photos_add_test ("jobs/delete-with-job", test_delete_with_job, TRUE, TRUE);
  photos_add_test ("jobs/delete-before-store", test_delete_before_store, TRUE, TRUE);
  photos_add_test ("jobs/delete-worker-killed-after-store", test_delete_worker_killed_after_store,
                   TRUE, TRUE);
  photos_add_test ("jobs/trash-restore-with-job", test_trash_restore_with_job, TRUE, FALSE);
  photos_add_test ("jobs/sigterm", test_sigterm, TRUE, FALSE);
}

int
main (int argc, char **argv)
{
  return photos_test_main (argc, argv, add_tests);
}
