/* The S3 bucket: `carrete-photos migrate` makes it, and a bucket that is
 * missing at run time makes requests that need it answer 503, never 404
 * (real MinIO, real PostgreSQL, the real binaries). */

#include "photos-fixture.h"

#include "carrete-error.h"

/* The stack's photos settings with `extra` (KEY=VALUE, NULL-terminated)
 * on top; later settings win, as in photos_stack_start_instance. */
static char **
photos_env_with (PhotosStack *s, const char *const *extra)
{
  g_autoptr (GStrvBuilder) env = g_strv_builder_new ();

  g_strv_builder_addv (env, (const char **) s->photos_env);
  g_strv_builder_addv (env, (const char **) extra);
  return g_strv_builder_end (env);
}

static int
run_migrate (PhotosStack *s, const char *const *extra, char **output)
{
  g_auto (GStrv) env = photos_env_with (s, extra);

  return ct_command (s->photos_binary, (const char *const[]){ "migrate", NULL },
                     (const char *const *) env, output);
}

static CarreteStorage *
open_bucket (PhotosStack *s, const char *bucket)
{
  g_autoptr (GError) error = NULL;
  CarreteStorage *storage = carrete_storage_new (
      &(CarreteStorageOptions){
          .kind = CARRETE_STORAGE_S3,
          .endpoint = ct_s3_server_endpoint (s->minio),
          .region = "us-east-1",
          .bucket = bucket,
          .access_key = ct_s3_server_access_key (s->minio),
          .secret_key = ct_s3_server_secret_key (s->minio),
          .timeout_seconds = 10,
      },
      &error);

  g_assert_no_error (error);
  return storage;
}

static void
test_migrate_creates (PhotosStack *s)
{
  g_autoptr (CarreteStorage) made = open_bucket (s, "carrete-made-by-migrate");
  g_autoptr (GError) error = NULL;
  CarreteObjectInfo info = { 0 };

  /* Before: the bucket is missing, and the storage says so. */
  g_assert_false (carrete_storage_stat (made, "nothing", &info, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE);
  g_clear_error (&error);
  for (guint i = 0; i < 2; i++) /* the second run finds it made */
    {
      g_autofree char *output = NULL;
      int status = run_migrate (
          s, (const char *const[]){ "CARRETE_S3_BUCKET=carrete-made-by-migrate", NULL }, &output);

      g_test_message ("migrate: %d %s", status, output);
      g_assert_cmpint (status, ==, 0);
    }
  /* After: a missing key in a bucket that exists. */
  g_assert_false (carrete_storage_stat (made, "nothing", &info, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND);
}

/* Bad storage settings for migrate: one line that names the problem. */
static void
test_migrate_bad_settings (PhotosStack *s)
{
  g_autofree char *closed
      = g_strdup_printf ("CARRETE_S3_ENDPOINT=http://127.0.0.1:%u", ct_free_port ());
  const struct
  {
    const char *setting;
    int status;
    const char *says;
  } cases[] = {
    { "CARRETE_S3_ENDPOINT=", 2, "CARRETE_S3_ENDPOINT" },
    { "CARRETE_S3_ENDPOINT=ftp://minio", 2, "CARRETE_S3_ENDPOINT" },
    { "CARRETE_S3_SECRET_KEY=", 2, "CARRETE_S3_SECRET_KEY" },
    { closed, 1, "carrete-photos:" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *output = NULL;
      int status = run_migrate (s, (const char *const[]){ cases[i].setting, NULL }, &output);

      g_test_message ("%s → %d: %s", cases[i].setting, status, output);
      g_assert_cmpint (status, ==, cases[i].status);
      g_assert_nonnull (strstr (output, cases[i].says));
    }
  /* Two bad settings at once: both reported, a line each, before the
   * database is touched. */
  {
    g_autofree char *output = NULL;
    int status = run_migrate (
        s, (const char *const[]){ "CARRETE_S3_ENDPOINT=ftp://minio", "CARRETE_S3_SECRET_KEY=", NULL },
        &output);

    g_test_message ("two bad settings → %d: %s", status, output);
    g_assert_cmpint (status, ==, 2);
    g_assert_nonnull (strstr (output, "carrete-photos: CARRETE_S3_ENDPOINT: "));
    g_assert_nonnull (strstr (output, "\ncarrete-photos: CARRETE_S3_SECRET_KEY: "));
  }
}

/* Rows a client can see: not being deleted. */
static guint
live_rows (PhotosStack *s)
{
  g_autofree char *count = ct_postgres_query (
      s->pg, "carrete_photos", "SELECT count(*) FROM photos WHERE state <> 'deleting'");

  return (guint) g_ascii_strtoull (count, NULL, 10);
}

/* An instance whose bucket is gone: uploads and deletions answer 503 and
 * change nothing; what needs no storage (the list) still answers. */
static void
test_missing_bucket_is_503 (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "nobucket");
  g_autoptr (GBytes) jpeg = photos_make_jpeg (320, 240, 401, NULL, 0);
  g_autoptr (GBytes) kept_jpeg = photos_make_jpeg (320, 240, 402, NULL, 0);
  g_autofree char *kept = photos_upload (s, ana->token, "kept.jpg", kept_jpeg);
  g_autofree char *kept_path = g_strconcat ("/v1/photos/", kept, "?permanent=true", NULL);
  g_autofree char *spool = NULL;
  CtService *gone = photos_stack_start_instance (
      s, (const char *const[]){ "CARRETE_S3_BUCKET=carrete-deleted-bucket", NULL }, &spool);
  const char *url = ct_service_url (gone);
  guint rows = live_rows (s), objects = photos_count_objects (s);

  {
    g_autofree char *auth = g_strconcat ("Authorization: Bearer ", ana->token, NULL);
    g_autoptr (CtResponse) r
        = ct_http_raw (url, "POST", "/v1/photos?name=lost.jpg", (const char *const[]){ auth, NULL },
                       "image/jpeg", jpeg);
    ct_assert_problem (r, 503, NULL);
  }
  {
    g_autoptr (CtResponse) r = ct_http (url, "DELETE", kept_path, ana->token, NULL);
    ct_assert_problem (r, 503, NULL);
  }
  {
    g_autoptr (CtResponse) r = ct_http (url, "GET", "/v1/photos", ana->token, NULL);
    g_assert_cmpuint (r->status, ==, 200);
  }
  /* The refused deletion leaves the row marked and every object in place;
   * a retry where the bucket exists finishes it. */
  {
    g_autofree char *state = photos_row_state (s, kept);
    g_assert_cmpstr (state, ==, "deleting");
  }
  /* The refused upload stored nothing; what it wrote is a `deleting` row
   * that nobody sees and the sweeper removes once storage answers. */
  g_assert_cmpuint (live_rows (s), ==, rows - 1);
  g_assert_cmpuint (photos_count_objects (s), ==, objects);
  {
    g_autoptr (CtResponse) r = ct_http (s->photos_url, "DELETE", kept_path, ana->token, NULL);
    g_assert_cmpuint (r->status, ==, 204);
  }
  g_assert_cmpuint (live_rows (s), ==, rows - 1);
  g_assert_cmpuint (photos_count_objects (s), ==, objects - 3);
  ct_service_free (gone);
  photos_assert_consistent (s, spool);
}

/* A wrong secret shows where an operator looks: /readyz answers 503 with
 * the reason (the chart's exec probe puts it in `kubectl describe`), the
 * log says it too, and the secret itself appears in neither. */
static void
test_wrong_secret_not_ready (PhotosStack *s)
{
  g_autofree char *spool = NULL;
  CtService *wrong = photos_stack_start_instance (
      s, (const char *const[]){ "CARRETE_S3_SECRET_KEY=not-the-secret-on-purpose", NULL }, &spool);
  g_autoptr (CtResponse) r = ct_http (ct_service_url (wrong), "GET", "/readyz", NULL, NULL);
  const char *detail;

  ct_assert_problem (r, 503, NULL);
  detail = ct_response_string (r, "detail");
  g_test_message ("readyz: %s", detail);
  g_assert_nonnull (strstr (detail, "refused our credentials"));
  g_assert_nonnull (strstr (detail, "CARRETE_S3_SECRET_KEY"));
  g_assert_null (strstr (detail, "not-the-secret-on-purpose"));
  ct_service_free (wrong);
}

static void
add_tests (void)
{
  photos_add_test ("bucket/migrate-creates", test_migrate_creates, FALSE, TRUE);
  photos_add_test ("bucket/migrate-bad-settings", test_migrate_bad_settings, FALSE, TRUE);
  photos_add_test ("bucket/missing-is-503", test_missing_bucket_is_503, FALSE, TRUE);
  photos_add_test ("bucket/wrong-secret-not-ready", test_wrong_secret_not_ready, FALSE, TRUE);
}

int
main (int argc, char **argv)
{
  return photos_test_main (argc, argv, add_tests);
}
