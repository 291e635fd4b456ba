#define G_LOG_DOMAIN "carrete-photos"

#include <malloc.h>
#include <sodium.h>
#include <stdio.h>

#include "app.h"
#include "backup.h"
#include "carrete-cli-db.h"
#include "carrete-config.h"
#include "carrete-db.h"
#include "carrete-error.h"
#include "carrete-migrate.h"
#include "carrete-server.h"
#include "carrete-service.h"
#include "carrete-service-keys.h"
#include "carrete-source.h"
#include "carrete-cpus.h"
#include "decoder.h"
#include "jobs.h"
#include "routes.h"
#include "service.h"

#define SWEEP_INTERVAL_SECONDS 60
#define DECODER_IDLE_SECONDS 60 /* an idle decoder child ends after this */
#define DRAIN_SECONDS 25
#define WORKER_QUEUE_LIMIT 256
#define FOLDERS_TIMEOUT_SECONDS 10
#define URL_CACHE_ENTRIES 20000

static const char usage[] =
  "Usage: carrete-photos [--help] [--version] COMMAND\n"
  "\n"
  "The Carrete photos service: uploads, thumbnails and presigned URLs.\n"
  "\n"
  "Commands:\n"
  "  serve     answer HTTP requests (needs a migrated database), and run\n"
  "            background jobs unless CARRETE_JOBS_IN_SERVE=false\n"
  "  work      run background jobs (thumbnails); HTTP only for /healthz,\n"
  "            /readyz and /metrics\n"
  "  migrate   apply the database migrations, create the S3 bucket, and exit\n"
  "  schema-version  print the schema version this build migrates to\n"
  "  backup-objects DIR   copy every ready photo's objects into DIR/objects\n"
  "            (scripts/backup.sh; CARRETE_BACKUP_SNAPSHOT reads the rows of\n"
  "            an exported snapshot) and list them in DIR/objects.json\n"
  "  backup-verify DIR    check a backup's manifest.json and every file's\n"
  "            SHA-256; print the schema versions and deleted photo ids\n"
  "  restore-objects DIR [DROPPED]  put a verified backup's objects into the\n"
  "            (empty) configured storage, but those of the photo ids listed\n"
  "            in the file DROPPED (rows scripts/restore.sh leaves out)\n"
  "  decode    (internal) decode one image in the child process serve starts\n"
  "\n"
  "Configuration comes from the environment or a .env file in the working\n"
  "directory: CARRETE_LISTEN (default 127.0.0.1:8082), CARRETE_DATABASE_URL,\n"
  "CARRETE_JWT_PUBLIC_KEY_FILE, CARRETE_ID_KEY_FILE, CARRETE_FOLDERS_URL,\n"
  "CARRETE_PUBLIC_URL, CARRETE_STORAGE (fs or s3), CARRETE_STORAGE_DIR,\n"
  "CARRETE_S3_ENDPOINT, CARRETE_S3_PUBLIC_ENDPOINT, CARRETE_S3_REGION,\n"
  "CARRETE_S3_BUCKET, CARRETE_S3_ACCESS_KEY, CARRETE_S3_SECRET_KEY,\n"
  "CARRETE_S3_ADDRESSING (path or virtual),\n"
  "CARRETE_MAX_UPLOAD_BYTES, CARRETE_URL_TTL; see the README for the rest.\n";

static const char *const serve_settings[] = {
  "CARRETE_LISTEN", "CARRETE_DATABASE_URL", "CARRETE_JWT_PUBLIC_KEY_FILE", "CARRETE_ID_KEY_FILE",
  "CARRETE_JWT_ISSUER", "CARRETE_JWT_AUDIENCE", "CARRETE_FOLDERS_URL", "CARRETE_PUBLIC_URL",
  "CARRETE_STORAGE", "CARRETE_STORAGE_DIR", "CARRETE_S3_ENDPOINT", "CARRETE_S3_PUBLIC_ENDPOINT",
  "CARRETE_S3_REGION", "CARRETE_S3_BUCKET", "CARRETE_S3_ACCESS_KEY", "CARRETE_S3_SECRET_KEY",
  "CARRETE_S3_ADDRESSING", "CARRETE_MAX_UPLOAD_BYTES", "CARRETE_URL_TTL", "CARRETE_UPLOAD_TTL", "CARRETE_DEFAULT_QUOTA_BYTES", "CARRETE_DB_POOL_SIZE",
  "CARRETE_STATEMENT_TIMEOUT_MS", "CARRETE_READ_TIMEOUT", "CARRETE_TRUST_FORWARDED_FOR", "CARRETE_WORKERS",
  "CARRETE_WORKER_THREADS", "CARRETE_SPOOL_DIR", "CARRETE_MAX_PIXELS", "CARRETE_USERS_URL",
  "CARRETE_DECODER_MEMORY_MB", "CARRETE_DECODER_CPU_SECONDS", "CARRETE_DECODER_TIMEOUT",
  "CARRETE_JOBS_IN_SERVE", "CARRETE_JOB_CONCURRENCY", "CARRETE_JOB_POLL", "CARRETE_JOB_LEASE",
  "CARRETE_JOB_MAX_ATTEMPTS", "CARRETE_JOB_BACKOFF", NULL,
};
static const char *const serve_required[] = {
  "CARRETE_DATABASE_URL", "CARRETE_JWT_PUBLIC_KEY_FILE", "CARRETE_ID_KEY_FILE",
  "CARRETE_FOLDERS_URL", NULL,
};

/* A setting that only one storage backend needs: a line for each one
 * missing, so that all of them are reported at once. */
static gboolean
require (const char *value, const char *name, const char *backend, GError **errors)
{
  if (value != NULL && *value != '\0')
    return TRUE;
  carrete_error_add_config_line (errors, "%s is required with CARRETE_STORAGE=%s", name, backend);
  return FALSE;
}

/* The s3 backend's options, from settings that live as long as `config`. */
static gboolean
s3_options (const CarreteConfig *config, CarreteStorageOptions *options, GError **error)
{
  /* `&`, not `&&`: each missing one gets its line. */
  if (!(require (config->s3_endpoint, "CARRETE_S3_ENDPOINT", "s3", error)
        & require (config->s3_access_key, "CARRETE_S3_ACCESS_KEY", "s3", error)
        & require (config->s3_secret_key, "CARRETE_S3_SECRET_KEY", "s3", error)))
    return FALSE;
  *options = (CarreteStorageOptions) {
    .kind = CARRETE_STORAGE_S3,
    .endpoint = config->s3_endpoint,
    .public_endpoint = config->s3_public_endpoint,
    .region = config->s3_region,
    .bucket = config->s3_bucket,
    .access_key = config->s3_access_key,
    .secret_key = config->s3_secret_key,
    .virtual_hosted = g_str_equal (config->s3_addressing, "virtual"),
  };
  return TRUE;
}

/* `url_key` signs fs URLs (32 bytes). */
static CarreteStorage *
open_storage (const CarreteConfig *config, const guint8 *url_key, GError **error)
{
  g_autofree char *public_url = NULL;
  CarreteStorageOptions s3;

  if (g_str_equal (config->storage, "fs"))
    {
      if (!require (config->storage_dir, "CARRETE_STORAGE_DIR", "fs", error))
        return NULL;
      /* Without a public address, URLs point at the address served. */
      public_url = g_strdup (config->public_url != NULL
                               ? config->public_url
                               : "http://127.0.0.1:8082");
      return carrete_storage_new (&(CarreteStorageOptions) {
          .kind = CARRETE_STORAGE_FS,
          .dir = config->storage_dir,
          .public_url = public_url,
          .url_key = url_key,
      }, error);
    }
  return s3_options (config, &s3, error) ? carrete_storage_new (&s3, error) : NULL;
}

/* One pool of decoder children for every worker of the process. */
static PhotosDecoder *decoder;
/* Whether this process runs background jobs, and how. */
static gboolean run_jobs;
static PhotosJobsOptions job_options;

static gboolean
build_app (PhotosApp *app, const CarreteConfig *config, GError **error)
{
  CarreteIdKey id_key;
  guint8 url_key[32];

  app->jwt = carrete_service_load_keys (config, &id_key, error);
  if (app->jwt == NULL)
    return FALSE;
  /* Its own context, so no other use of the ID key shares this key. */
  carrete_id_key_derive (&id_key, "carrete3", 1, url_key, sizeof url_key);
  app->storage = open_storage (config, url_key, error);
  sodium_memzero (url_key, sizeof url_key);
  app->ids = carrete_ids_new (&id_key);
  app->cursors = carrete_cursor_key_new (&id_key);
  sodium_memzero (&id_key, sizeof id_key);
  if (app->storage == NULL)
    return FALSE;
  app->spool_dir = g_strdup (config->spool_dir != NULL ? config->spool_dir : g_get_tmp_dir ());
  if (g_mkdir_with_parents (app->spool_dir, 0700) != 0)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG,
                   "CARRETE_SPOOL_DIR: cannot create %s", app->spool_dir);
      return FALSE;
    }
  app->decoder = decoder;
  app->workers = carrete_workers_new ((guint) config->worker_threads, WORKER_QUEUE_LIMIT);
  app->folders = folders_client_new (config->folders_url, app->ids, FOLDERS_TIMEOUT_SECONDS);
  app->accounts = carrete_accounts_new (config->users_url);
  app->max_upload_bytes = config->max_upload_bytes;
  app->max_pixels = config->max_pixels;
  app->url_ttl = (guint) config->url_ttl;
  app->upload_ttl = (guint) config->upload_ttl;
  app->default_quota_bytes = (gint64) config->default_quota_bytes;
  app->urls = photos_url_cache_new (app->storage, app->url_ttl, URL_CACHE_ENTRIES);
  return TRUE;
}

static void
app_free (gpointer data)
{
  PhotosApp *app = data;

  g_clear_pointer (&app->jobs, photos_jobs_free);
  /* Workers first: queued jobs finish and release their tasks. */
  g_clear_pointer (&app->workers, carrete_workers_free);
  g_clear_pointer (&app->folders, folders_client_free);
  g_clear_pointer (&app->accounts, carrete_accounts_free);
  g_clear_pointer (&app->store, photos_store_free);
  g_clear_pointer (&app->urls, photos_url_cache_free);
  g_clear_pointer (&app->storage, carrete_storage_free);
  g_clear_pointer (&app->ids, carrete_ids_free);
  g_clear_pointer (&app->cursors, carrete_cursor_key_free);
  g_clear_pointer (&app->spool_dir, g_free);
  g_clear_pointer (&app->jwt, carrete_jwt_free);
  g_clear_object (&app->db);
  g_free (app);
}

static gpointer
app_new (const CarreteConfig *config, GError **error)
{
  PhotosApp *app = g_new0 (PhotosApp, 1);

  if (build_app (app, config, error))
    return app;
  app_free (app);
  return NULL;
}

static gboolean
process_init (const CarreteConfig *config, GError **error)
{
  run_jobs = g_str_equal (config->command, "work") || config->jobs_in_serve;
  job_options = (PhotosJobsOptions) {
    .concurrency = config->job_concurrency != 0 ? (guint) config->job_concurrency
                                                : carrete_cpus_available (),
    .poll_seconds = (guint) config->job_poll,
    .lease_seconds = (guint) config->job_lease,
    .max_attempts = (guint) config->job_max_attempts,
    .backoff_seconds = (guint) config->job_backoff,
  };
  decoder = photos_decoder_new (config->decoder_memory_mb * 1024 * 1024,
                                (guint) config->decoder_cpu_seconds,
                                (guint) config->decoder_timeout, error);
  return decoder != NULL;
}

static void
process_shutdown (void)
{
  g_clear_pointer (&decoder, photos_decoder_free);
}

/* `migrate` also makes the bucket with CARRETE_STORAGE=s3: a missing
 * bucket at run time is then an outage (503), never something a request
 * creates.  It needs the storage settings, and no key files. */
static const char *const migrate_settings[] = {
  "CARRETE_DATABASE_URL", "CARRETE_STORAGE", "CARRETE_S3_ENDPOINT", "CARRETE_S3_REGION",
  "CARRETE_S3_BUCKET", "CARRETE_S3_ACCESS_KEY", "CARRETE_S3_SECRET_KEY", "CARRETE_S3_ADDRESSING",
  NULL,
};
static const char *const migrate_required[] = { "CARRETE_DATABASE_URL", NULL };

static gboolean
create_bucket (const CarreteConfig *config, GError **error)
{
  g_autoptr (CarreteStorage) storage = NULL;
  CarreteStorageOptions s3;

  if (!g_str_equal (config->storage, "s3"))
    return TRUE;
  if (!s3_options (config, &s3, error))
    return FALSE;
  storage = carrete_storage_new (&s3, error);
  return storage != NULL && carrete_storage_ensure_ready (storage, error);
}

static int
migrate (const CarreteCli *cli)
{
  CarreteConfig config = { 0 };
  g_autoptr (GError) error = NULL;
  int status;

  /* Every setting is judged before the database is touched. */
  if (!carrete_cli_load_config (cli, &config, migrate_settings, migrate_required, &error))
    status = carrete_cli_fail_error (cli, error);
  else if ((status = carrete_cli_migrate (cli)) == 0 && !create_bucket (&config, &error))
    status = carrete_cli_fail_error (cli, error);
  carrete_config_clear (&config);
  return status;
}

static const CarreteServiceDatabase database = {
  .check_schema = carrete_cli_check_schema,
  .migrate = migrate,
  .schema_version = carrete_cli_schema_version,
};

static int
run_decoder (const CarreteCli *cli, char **args)
{
  return photos_decoder_child_main (args);
}

/* What the backup commands read: the database (backup-objects only) and
 * the storage. */
static const char *const backup_settings[] = {
  "CARRETE_DATABASE_URL", "CARRETE_STORAGE", "CARRETE_STORAGE_DIR", "CARRETE_S3_ENDPOINT",
  "CARRETE_S3_REGION", "CARRETE_S3_BUCKET", "CARRETE_S3_ACCESS_KEY", "CARRETE_S3_SECRET_KEY",
  "CARRETE_S3_ADDRESSING", NULL,
};
static const char *const backup_required[] = { "CARRETE_DATABASE_URL", NULL };
static const char *const no_settings[] = { NULL };
static const char *const restore_settings[] = {
  "CARRETE_STORAGE", "CARRETE_STORAGE_DIR", "CARRETE_S3_ENDPOINT", "CARRETE_S3_REGION",
  "CARRETE_S3_BUCKET", "CARRETE_S3_ACCESS_KEY", "CARRETE_S3_SECRET_KEY", "CARRETE_S3_ADDRESSING",
  NULL,
};

/* The storage of a backup command: fs URLs are never signed there, so
 * their key is a throw-away one and no key file is needed. */
static CarreteStorage *
open_command_storage (const CarreteCli *cli, CarreteConfig *config, const char *const *settings,
                      const char *const *required, GError **error)
{
  guint8 url_key[32];
  CarreteStorage *storage;

  if (!carrete_cli_load_config (cli, config, settings, required, error))
    return NULL;
  randombytes_buf (url_key, sizeof url_key);
  storage = open_storage (config, url_key, error);
  sodium_memzero (url_key, sizeof url_key);
  return storage;
}

static int
run_backup_objects (const CarreteCli *cli, char **args)
{
  CarreteConfig config = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteStorage) storage = NULL;
  /* The snapshot pg_dump read photos in (scripts/backup.sh exports it);
   * not a service setting, so it is read here. */
  const char *snapshot = g_getenv ("CARRETE_BACKUP_SNAPSHOT");
  int status = 0;

  storage = open_command_storage (cli, &config, backup_settings, backup_required, &error);
  if (storage == NULL
      || !photos_backup_objects (storage, config.database_url,
                                 snapshot != NULL && *snapshot != '\0' ? snapshot : NULL, args[0],
                                 &error))
    status = carrete_cli_fail_error (cli, error);
  carrete_config_clear (&config);
  return status;
}

static int
run_backup_verify (const CarreteCli *cli, char **args)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) summary = g_string_new (NULL);

  if (!photos_backup_verify (args[0], summary, &error))
    return carrete_cli_fail_error (cli, error);
  fputs (summary->str, stdout);
  return 0;
}

static int
run_restore_objects (const CarreteCli *cli, char **args)
{
  CarreteConfig config = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteStorage) storage = NULL;
  g_autoptr (GHashTable) dropped = NULL;
  int status = 0;

  if (args[1] != NULL && (dropped = photos_restore_read_ids (args[1], &error)) == NULL)
    return carrete_cli_fail_error (cli, error);
  storage = open_command_storage (cli, &config, restore_settings, no_settings, &error);
  if (storage == NULL || !photos_restore_objects (storage, args[0], dropped, &error))
    status = carrete_cli_fail_error (cli, error);
  carrete_config_clear (&config);
  return status;
}

static const CarreteServiceCommand commands[] = {
  { PHOTOS_DECODER_COMMAND, PHOTOS_DECODER_N_ARGS, run_decoder },
  { "backup-objects", 1, run_backup_objects },
  { "backup-verify", 1, run_backup_verify },
  { "restore-objects", 1, run_restore_objects },
  { "restore-objects", 2, run_restore_objects },
  { NULL, 0, NULL },
};

/* Defined below: app_start names the database pool after it. */
static const CarreteServiceSpec spec;

/* SIGTERM: no new job is claimed and no new sweep starts, and the drain
 * waits for those under way (a sweep cut short leaves its rows claimed as
 * `deleting` for minutes). */
static void
stop_background (gpointer data)
{
  PhotosApp *app = data;

  app->stopping = TRUE;
  if (app->jobs != NULL)
    photos_jobs_stop (app->jobs);
}

static gboolean
background_busy (gpointer data)
{
  PhotosApp *app = data;

  return (app->jobs != NULL && photos_jobs_busy (app->jobs)) || photos_service_sweep_busy ();
}

static void
app_start (gpointer data, const CarreteConfig *config, CarreteServerOptions *options)
{
  PhotosApp *app = data;

  app->db = carrete_cli_open_db (&spec.cli, config, &app->schema_version);
  app->store = photos_store_new (app->db);
  options->jwt = app->jwt;
  options->ids = app->ids;
  options->stopping = stop_background;
  options->busy = background_busy;
}

static gboolean
run_sweep (gpointer user_data)
{
  PhotosApp *app = user_data;

  photos_service_sweep (app);
  photos_decoder_trim (app->decoder, DECODER_IDLE_SECONDS);
  return G_SOURCE_CONTINUE;
}

static void
app_running (gpointer data, GArray *source_ids)
{
  guint sweep_id = carrete_timeout_add_seconds (SWEEP_INTERVAL_SECONDS, run_sweep, data);

  g_array_append_val (source_ids, sweep_id);
  photos_service_sweep (data);
  if (run_jobs)
    ((PhotosApp *) data)->jobs = photos_jobs_new (data, &job_options);
}

static char *
describe (const CarreteConfig *config)
{
  return g_strdup_printf (" (storage: %s)", config->storage);
}

static const CarreteServiceServeLike work = { "work", photos_work_routes };

static const CarreteServiceSpec spec = {
  .cli = {
    .name = "photos",
    .default_listen = "127.0.0.1:8082",
    .resource_prefix = PHOTOS_RESOURCE_PREFIX,
    .usage = usage,
    .check_database_url = carrete_db_check_conninfo,
  },
  .settings = serve_settings,
  .required = serve_required,
  .database = &database,
  .routes = photos_routes,
  .openapi = TRUE,
  .drain_seconds = DRAIN_SECONDS,
  .commands = commands,
  .serve_like = &work,
  .process_init = process_init,
  .process_shutdown = process_shutdown,
  .app_new = app_new,
  .app_start = app_start,
  .app_running = app_running,
  .describe = describe,
  .app_free = app_free,
};

int
main (int argc, char **argv)
{
  /* Storage work happens on several threads; with one malloc arena per
   * thread glibc keeps each thread's peak for good.  Two arenas keep a
   * long-running service near its working set. */
  mallopt (M_ARENA_MAX, 2);
  return carrete_service_main (&spec, argc, argv);
}
