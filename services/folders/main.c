#define G_LOG_DOMAIN "carrete-folders"

#include <sodium.h>
#include <stdio.h>

#include "app.h"
#include "carrete-cli-db.h"
#include "carrete-config.h"
#include "carrete-db.h"
#include "carrete-migrate.h"
#include "carrete-server.h"
#include "carrete-service.h"
#include "carrete-service-keys.h"
#include "carrete-source.h"
#include "routes.h"
#include "shares.h"
#include "trash.h"

#define DRAIN_SECONDS 25
/* A photos call slower than this answers 503; it stays under the drain. */
#define PHOTOS_TIMEOUT_SECONDS 20
/* How often the trash's expired folders are purged. */
#define PURGE_INTERVAL_SECONDS 60
/* Link passwords waiting for a hashing thread past this are refused (503). */
#define HASH_QUEUE_LIMIT 64

static const char usage[] =
  "Usage: carrete-folders [--help] [--version] COMMAND\n"
  "\n"
  "The Carrete folders service: named, tagged, private or public folders.\n"
  "\n"
  "Commands:\n"
  "  serve      answer HTTP requests (needs a migrated database)\n"
  "  migrate    apply the database migrations and exit\n"
  "  schema-version  print the schema version this build migrates to\n"
  "\n"
  "Configuration comes from the environment or a .env file in the working\n"
  "directory: CARRETE_LISTEN (default 127.0.0.1:8083), CARRETE_DATABASE_URL,\n"
  "CARRETE_JWT_PUBLIC_KEY_FILE, CARRETE_ID_KEY_FILE, CARRETE_PHOTOS_URL,\n"
  "CARRETE_JWT_ISSUER, CARRETE_JWT_AUDIENCE (both default \"carrete\").\n";

static const char *const serve_settings[] = {
  "CARRETE_LISTEN",
  "CARRETE_DATABASE_URL",
  "CARRETE_JWT_PUBLIC_KEY_FILE",
  "CARRETE_ID_KEY_FILE",
  "CARRETE_PHOTOS_URL",
  "CARRETE_USERS_URL",
  "CARRETE_JWT_ISSUER",
  "CARRETE_JWT_AUDIENCE",
  "CARRETE_TRASH_DAYS",
  "CARRETE_HASH_THREADS",
  "CARRETE_DB_POOL_SIZE",
  "CARRETE_STATEMENT_TIMEOUT_MS",
  "CARRETE_READ_TIMEOUT",
  "CARRETE_TRUST_FORWARDED_FOR",
  "CARRETE_WORKERS",
  NULL,
};
static const char *const serve_required[] = {
  "CARRETE_DATABASE_URL", "CARRETE_JWT_PUBLIC_KEY_FILE", "CARRETE_ID_KEY_FILE",
  "CARRETE_PHOTOS_URL", NULL,
};

static gboolean
build_service (FoldersService *svc, CarreteJwt **jwt, const CarreteConfig *config,
               GError **error)
{
  CarreteIdKey id_key;

  *jwt = carrete_service_load_keys (config, &id_key, error);
  if (*jwt == NULL)
    return FALSE;
  svc->ids = carrete_ids_new (&id_key);
  svc->cursors = carrete_cursor_key_new (&id_key);
  sodium_memzero (&id_key, sizeof id_key);
  svc->photos = folders_photos_new (config->photos_url, PHOTOS_TIMEOUT_SECONDS);
  svc->accounts = carrete_accounts_new (config->users_url);
  svc->trash_days = (guint) config->trash_days;
  svc->workers = carrete_workers_new ((guint) config->hash_threads, HASH_QUEUE_LIMIT);
  svc->hash_params = carrete_password_default_params ();
  svc->throttle = CARRETE_PASSWORD_THROTTLE;
  return TRUE;
}

static void
app_free (gpointer data)
{
  FoldersApp *app = data;
  FoldersService *svc = &app->service;

  g_clear_pointer (&svc->workers, carrete_workers_free);
  g_clear_pointer (&svc->photos, folders_photos_free);
  g_clear_pointer (&svc->accounts, carrete_accounts_free);
  g_clear_pointer (&svc->uses, folders_share_uses_free);
  g_clear_pointer (&svc->store, folders_store_free);
  g_clear_pointer (&svc->ids, carrete_ids_free);
  g_clear_pointer (&svc->cursors, carrete_cursor_key_free);
  g_clear_pointer (&app->jwt, carrete_jwt_free);
  g_clear_object (&app->db);
  g_free (app);
}

static gpointer
app_new (const CarreteConfig *config, GError **error)
{
  FoldersApp *app = g_new0 (FoldersApp, 1);

  if (build_service (&app->service, &app->jwt, config, error))
    return app;
  app_free (app);
  return NULL;
}

/* Defined below: app_start names the database pool after it. */
static const CarreteServiceSpec spec;

/* SIGTERM: the link uses counted in memory are written before the worker
 * ends, and the drain waits for them. */
static void
stop_uses (gpointer data)
{
  folders_share_uses_stop (((FoldersApp *)data)->service.uses);
}

static gboolean
uses_busy (gpointer data)
{
  return folders_share_uses_busy (((FoldersApp *)data)->service.uses);
}

static void
app_start (gpointer data, const CarreteConfig *config, CarreteServerOptions *options)
{
  FoldersApp *app = data;

  app->db = carrete_cli_open_db (&spec.cli, config, &app->schema_version);
  app->service.store = folders_store_new (app->db);
  app->service.uses = folders_share_uses_new (app->db);
  options->jwt = app->jwt;
  options->ids = app->service.ids;
  options->stopping = stop_uses;
  options->busy = uses_busy;
}

static gboolean
run_purge (gpointer user_data)
{
  FoldersApp *app = user_data;

  folders_trash_purge (&app->service);
  folders_shares_cleanup (&app->service);
  return G_SOURCE_CONTINUE;
}

/* Folders past their time in the trash go; their photos, trashed with them
 * and due at the same time, go with carrete-photos' sweeper. */
static void
app_running (gpointer data, GArray *source_ids)
{
  guint purge_id = carrete_timeout_add_seconds (PURGE_INTERVAL_SECONDS, run_purge, data);

  g_array_append_val (source_ids, purge_id);
  run_purge (data);
}

static const CarreteServiceSpec spec = {
  .cli = {
    .name = "folders",
    .default_listen = "127.0.0.1:8083",
    .resource_prefix = FOLDERS_RESOURCE_PREFIX,
    .usage = usage,
    .check_database_url = carrete_db_check_conninfo,
  },
  .settings = serve_settings,
  .required = serve_required,
  .database = &carrete_service_postgres,
  .routes = folders_routes,
  .openapi = TRUE,
  .drain_seconds = DRAIN_SECONDS,
  .app_new = app_new,
  .app_start = app_start,
  .app_running = app_running,
  .app_free = app_free,
};

int
main (int argc, char **argv)
{
  return carrete_service_main (&spec, argc, argv);
}

