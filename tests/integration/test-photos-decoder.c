/* Images are decoded in a child process, by the thumbnails job that an
 * upload queues: a decoder that crashes, spins or hangs fails that one
 * photo's thumbnails with a clear reason (the photo stays, its original
 * readable), and the service (a real carrete-photos on real PostgreSQL and
 * storage) answers throughout.  The
 * faults are real ones in the child (abort(), a busy loop, a blocked
 * wait), switched on by CARRETE_DECODER_FAULT, which only test builds
 * honour. */

#include "photos-fixture.h"

#include <signal.h>

static CtResponse *
upload_to (const char *url, PhotosUser *user, const char *name, GBytes *image)
{
  g_autofree char *auth = g_strconcat ("Authorization: Bearer ", user->token, NULL);
  g_autofree char *path = g_strconcat ("/v1/photos?name=", name, NULL);

  return ct_http_raw (url, "POST", path, (const char *const[]){ auth, NULL }, "image/jpeg", image);
}

/* An upload (201) whose thumbnails failed, with a reason that carries
 * `reason`: the photo and its original are kept, and nothing more
 * (no thumbnail); once deleted, nothing is left. */
static void
assert_refused (PhotosStack *s, const char *url, PhotosUser *user, CtResponse *r,
                const char *reason, guint rows, guint objects)
{
  g_autoptr (CtResponse) done = NULL;
  g_autoptr (CtResponse) deleted = NULL;
  g_autofree char *path = NULL;
  const char *detail;

  g_test_message ("status %u: %.*s", r->status, (int) g_bytes_get_size (r->body),
                  (const char *) g_bytes_get_data (r->body, NULL));
  g_assert_cmpuint (r->status, ==, 201);
  done = ct_await_thumbnails (url, user->token, ct_response_string (r, "id"));
  g_assert_cmpstr (ct_response_string (done, "thumbnails"), ==, "failed");
  g_assert_null (ct_response_string (done, "thumbnail_url"));
  detail = ct_response_string (done, "thumbnails_error");
  g_assert_nonnull (detail);
  g_test_message ("thumbnails_error: %s", detail);
  g_assert_nonnull (strstr (detail, "could not be decoded"));
  g_assert_nonnull (strstr (detail, reason));
  g_assert_cmpuint (photos_count_rows (s), ==, rows + 1);
  g_assert_cmpuint (photos_count_objects (s), ==, objects + 1);
  path = g_strconcat ("/v1/photos/", ct_response_string (r, "id"), "?permanent=true", NULL);
  deleted = ct_http (url, "DELETE", path, user->token, NULL);
  g_assert_cmpuint (deleted->status, ==, 204);
  g_assert_cmpuint (photos_count_rows (s), ==, rows);
  g_assert_cmpuint (photos_count_objects (s), ==, objects);
}

/* The instance still answers, and the healthy main instance still
 * decodes. */
static void
assert_service_goes_on (PhotosStack *s, const char *url, PhotosUser *user, guint seed)
{
  g_autoptr (CtResponse) list = ct_http (url, "GET", "/v1/photos", user->token, NULL);
  g_autoptr (GBytes) jpeg = photos_make_jpeg (320, 240, seed, NULL, 0);
  g_autofree char *id = NULL;
  g_autofree char *state = NULL;

  g_assert_cmpuint (list->status, ==, 200);
  id = photos_upload (s, user->token, "healthy.jpg", jpeg);
  state = photos_row_state (s, id);
  g_assert_cmpstr (state, ==, "ready");
}

static void
test_crash (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "crash");
  g_autofree char *spool = NULL;
  CtService *faulty = photos_stack_start_instance (
      s, (const char *const[]){ "CARRETE_DECODER_FAULT=crash", NULL }, &spool);
  g_autoptr (GBytes) jpeg = photos_make_jpeg (320, 240, 301, NULL, 0);
  guint rows = photos_count_rows (s), objects = photos_count_objects (s);

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (CtResponse) r = upload_to (ct_service_url (faulty), ana, "crash.jpg", jpeg);
      assert_refused (s, ct_service_url (faulty), ana, r, "the decoder crashed (signal 6, SIGABRT)",
                      rows, objects);
    }
  assert_service_goes_on (s, ct_service_url (faulty), ana, 302);
  photos_assert_consistent (s, spool);
  ct_service_free (faulty);
}

static void
test_cpu_limit (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "spin");
  g_autofree char *spool = NULL;
  CtService *faulty = photos_stack_start_instance (
      s,
      (const char *const[]){ "CARRETE_DECODER_FAULT=spin", "CARRETE_DECODER_CPU_SECONDS=1",
                             "CARRETE_DECODER_TIMEOUT=60", NULL },
      &spool);
  g_autoptr (GBytes) jpeg = photos_make_jpeg (320, 240, 311, NULL, 0);
  guint rows = photos_count_rows (s), objects = photos_count_objects (s);
  g_autoptr (CtResponse) r = upload_to (ct_service_url (faulty), ana, "spin.jpg", jpeg);

  assert_refused (s, ct_service_url (faulty), ana, r, "the decoder used more than 1 s of CPU time",
                  rows, objects);
  assert_service_goes_on (s, ct_service_url (faulty), ana, 312);
  photos_assert_consistent (s, spool);
  ct_service_free (faulty);
}

/* A decoder that blocks forever is killed at the wall-time limit; while it
 * hangs, the same instance answers other requests at once. */
static void
test_hang (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "hang");
  g_autofree char *spool = NULL;
  CtService *faulty = photos_stack_start_instance (
      s, (const char *const[]){ "CARRETE_DECODER_FAULT=hang", "CARRETE_DECODER_TIMEOUT=3", NULL },
      &spool);
  const char *url = ct_service_url (faulty);
  g_autoptr (GBytes) jpeg = photos_make_jpeg (320, 240, 321, NULL, 0);
  guint rows = photos_count_rows (s), objects = photos_count_objects (s);
  gint64 started = g_get_monotonic_time ();
  g_autoptr (CtResponse) upload = upload_to (url, ana, "hang.jpg", jpeg);
  g_autofree char *path = g_strconcat ("/v1/photos/", ct_response_string (upload, "id"), NULL);

  /* Past the job's start, well inside the decoder's 3 s. */
  g_usleep (G_USEC_PER_SEC);
  {
    gint64 asked = g_get_monotonic_time ();
    g_autoptr (CtResponse) list = ct_http (url, "GET", "/v1/photos", ana->token, NULL);
    g_autoptr (CtResponse) photo = ct_http (url, "GET", path, ana->token, NULL);
    g_assert_cmpuint (list->status, ==, 200);
    g_assert_cmpint (g_get_monotonic_time () - asked, <, G_USEC_PER_SEC);
    g_assert_cmpstr (ct_response_string (photo, "thumbnails"), ==, "pending");
  }
  assert_refused (s, url, ana, upload, "the decoder did not finish within 3 s", rows, objects);
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 3 * G_USEC_PER_SEC);
  assert_service_goes_on (s, url, ana, 322);
  photos_assert_consistent (s, spool);
  ct_service_free (faulty);
}

/* A decoder child reads hostile files: it must not hold the service's
 * settings (database URL, key files, storage secrets). */
static void
assert_no_settings (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/environ", pid);
  g_autofree char *environ_text = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &environ_text, &length, NULL));
  g_assert_cmpuint (length, >, 0);
  for (const char *v = environ_text; v < environ_text + length; v += strlen (v) + 1)
    if (g_str_has_prefix (v, "CARRETE_"))
      g_assert_true (g_str_has_prefix (v, "CARRETE_DECODER_"));
}

/* Children are kept and reused, one image at a time each; a child killed
 * from outside while idle is replaced without failing the next upload. */
static void
test_pool (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "pool");
  g_autofree char *spool = NULL;
  CtService *instance = photos_stack_start_instance (s, NULL, &spool);
  g_autoptr (GArray) first = NULL;
  g_autoptr (GArray) after_kill = NULL;

  for (guint i = 0; i < 4; i++)
    {
      g_autoptr (GBytes) jpeg = photos_make_jpeg (320, 240, 330 + i, NULL, 0);
      g_autoptr (CtResponse) r = upload_to (ct_service_url (instance), ana, "pool.jpg", jpeg);
      g_autoptr (CtResponse) done = NULL;
      g_assert_cmpuint (r->status, ==, 201);
      done = ct_await_thumbnails (ct_service_url (instance), ana->token,
                                  ct_response_string (r, "id"));
      g_assert_cmpstr (ct_response_string (done, "thumbnails"), ==, "ready");
    }
  first = photos_decoder_children (instance);
  g_assert_cmpuint (first->len, ==, 1);
  assert_no_settings (g_array_index (first, GPid, 0));
  g_assert_cmpint (kill (g_array_index (first, GPid, 0), SIGKILL), ==, 0);
  {
    g_autoptr (GBytes) jpeg = photos_make_jpeg (320, 240, 339, NULL, 0);
    g_autoptr (CtResponse) r = upload_to (ct_service_url (instance), ana, "again.jpg", jpeg);
    g_autoptr (CtResponse) done = NULL;
    g_assert_cmpuint (r->status, ==, 201);
    done
        = ct_await_thumbnails (ct_service_url (instance), ana->token, ct_response_string (r, "id"));
    g_assert_cmpstr (ct_response_string (done, "thumbnails"), ==, "ready");
  }
  after_kill = photos_decoder_children (instance);
  g_assert_cmpuint (after_kill->len, ==, 1);
  g_assert_cmpint (g_array_index (after_kill, GPid, 0), !=, g_array_index (first, GPid, 0));
  photos_assert_consistent (s, spool);
  ct_service_free (instance);
}

/* Bad limits stop the service at start-up with one line naming them. */
static void
test_bad_limits (PhotosStack *s)
{
  const char *const bad[] = {
    "CARRETE_DECODER_MEMORY_MB=0",    "CARRETE_DECODER_MEMORY_MB=abc",
    "CARRETE_DECODER_CPU_SECONDS=0",  "CARRETE_DECODER_CPU_SECONDS=-3",
    "CARRETE_DECODER_TIMEOUT=100000", "CARRETE_DECODER_TIMEOUT=",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *name = g_strndup (bad[i], strchr (bad[i], '=') - bad[i]);
      g_autoptr (GPtrArray) env = g_ptr_array_new ();
      g_autofree char *output = NULL;
      int status;

      for (char **e = s->photos_env; *e != NULL; e++)
        g_ptr_array_add (env, *e);
      g_ptr_array_add (env, (gpointer) bad[i]);
      g_ptr_array_add (env, NULL);
      status = ct_command (s->photos_binary, (const char *const[]){ "serve", NULL },
                           (const char *const *) env->pdata, &output);
      g_test_message ("%s → %d: %s", bad[i], status, output);
      g_assert_cmpint (status, ==, 2);
      g_assert_nonnull (strstr (output, name));
    }
}

static void
add_tests (void)
{
  photos_add_test ("decoder/crash", test_crash, TRUE, TRUE);
  photos_add_test ("decoder/cpu-limit", test_cpu_limit, TRUE, FALSE);
  photos_add_test ("decoder/hang", test_hang, TRUE, FALSE);
  photos_add_test ("decoder/pool", test_pool, TRUE, FALSE);
  photos_add_test ("decoder/bad-limits", test_bad_limits, TRUE, FALSE);
}

int
main (int argc, char **argv)
{
  return photos_test_main (argc, argv, add_tests);
}
