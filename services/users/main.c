#define G_LOG_DOMAIN "carrete-users"

#include <malloc.h>
#include <sodium.h>
#include <stdio.h>

#include "app.h"
#include "carrete-cli-db.h"
#include "carrete-config.h"
#include "carrete-error.h"
#include "carrete-keys.h"
#include "carrete-db.h"
#include "carrete-migrate.h"
#include "carrete-server.h"
#include "carrete-service.h"
#include "carrete-service-keys.h"
#include "carrete-source.h"
#include "roles.h"
#include "routes.h"

#define CLEANUP_INTERVAL_SECONDS (10 * 60)
#define DRAIN_SECONDS 25
#define HASH_QUEUE_LIMIT 64

static const char usage[] =
  "Usage: carrete-users [--help] [--version] COMMAND\n"
  "\n"
  "The Carrete users service: accounts, passwords and signed access tokens.\n"
  "\n"
  "Commands:\n"
  "  serve                     answer HTTP requests (needs a migrated database)\n"
  "  migrate                   apply the database migrations and exit\n"
  "  set-role USERNAME ROLE    make USERNAME an \"admin\" or a plain \"user\"\n"
  "  schema-version            print the schema version this build migrates to\n"
  "\n"
  "Configuration comes from the environment or a .env file in the working\n"
  "directory: CARRETE_LISTEN (default 127.0.0.1:8081), CARRETE_DATABASE_URL,\n"
  "CARRETE_JWT_PUBLIC_KEY_FILE, CARRETE_JWT_PRIVATE_KEY_FILE, CARRETE_ID_KEY_FILE,\n"
  "CARRETE_JWT_ISSUER, CARRETE_JWT_AUDIENCE (both default \"carrete\"),\n"
  "CARRETE_PHOTOS_URL and CARRETE_FOLDERS_URL (account deletion removes the\n"
  "user's photos and folders there), CARRETE_PUBLIC_URL (carrete-web's address),\n"
  "CARRETE_OIDC_ISSUER, CARRETE_OIDC_CLIENT_ID, CARRETE_OIDC_CLIENT_SECRET_FILE,\n"
  "CARRETE_OIDC_SCOPES (OpenID Connect sign-in) and CARRETE_PASSWORD_LOGIN.\n";

static const char *const serve_settings[] = {
  "CARRETE_LISTEN", "CARRETE_DATABASE_URL", "CARRETE_JWT_PUBLIC_KEY_FILE",
  "CARRETE_JWT_PRIVATE_KEY_FILE", "CARRETE_ID_KEY_FILE", "CARRETE_JWT_ISSUER",
  "CARRETE_JWT_AUDIENCE", "CARRETE_DB_POOL_SIZE", "CARRETE_STATEMENT_TIMEOUT_MS",
  "CARRETE_HASH_THREADS", "CARRETE_READ_TIMEOUT", "CARRETE_TRUST_FORWARDED_FOR", "CARRETE_WORKERS",
  "CARRETE_PHOTOS_URL", "CARRETE_FOLDERS_URL", "CARRETE_PUBLIC_URL", "CARRETE_OIDC_ISSUER",
  "CARRETE_OIDC_CLIENT_ID", "CARRETE_OIDC_CLIENT_SECRET_FILE", "CARRETE_OIDC_SCOPES",
  "CARRETE_PASSWORD_LOGIN", NULL,
};
static const char *const serve_required[] = {
  "CARRETE_DATABASE_URL", "CARRETE_JWT_PUBLIC_KEY_FILE", "CARRETE_JWT_PRIVATE_KEY_FILE",
  "CARRETE_ID_KEY_FILE", NULL,
};
static const char *const db_only[] = { "CARRETE_DATABASE_URL", NULL };

static gboolean
run_cleanup (gpointer user_data)
{
  users_service_cleanup (user_data);
  return G_SOURCE_CONTINUE;
}

/* The provider of CARRETE_OIDC_ISSUER, with the secret read from its file
 * (one line; surrounding white space is not part of it). */
static gboolean
build_oidc (UsersService *svc, const CarreteConfig *config, GError **error)
{
  g_autofree char *secret = NULL;
  gsize len = 0;

  if (config->oidc_issuer == NULL)
    return TRUE;
  if (!carrete_key_file_read (config->oidc_client_secret_file, &secret, &len, error))
    {
      g_prefix_error (error, "CARRETE_OIDC_CLIENT_SECRET_FILE: ");
      return FALSE;
    }
  g_strstrip (secret);
  svc->oidc = users_oidc_provider_new (config->oidc_issuer, config->oidc_client_id, secret,
                                       config->oidc_scopes);
  sodium_memzero (secret, len);
  return TRUE;
}

static gboolean
build_service (UsersService *svc, const CarreteConfig *config, GError **error)
{
  CarreteIdKey id_key;

  svc->jwt = carrete_service_load_keys (config, &id_key, error);
  if (svc->jwt == NULL)
    return FALSE;
  if (!carrete_jwt_load_private_key (svc->jwt, config->jwt_private_key_file, error))
    {
      sodium_memzero (&id_key, sizeof id_key);
      g_prefix_error (error, "CARRETE_JWT_PRIVATE_KEY_FILE: ");
      return FALSE;
    }
  svc->ids = carrete_ids_new (&id_key);
  svc->cascade = users_cascade_new (config->photos_url, config->folders_url, svc->jwt, svc->ids);
  svc->cursors = carrete_cursor_key_new (&id_key);
  sodium_memzero (&id_key, sizeof id_key);
  svc->workers = carrete_workers_new ((guint) config->hash_threads, HASH_QUEUE_LIMIT);
  svc->hash_params = carrete_password_default_params ();
  svc->access_ttl = USERS_ACCESS_TTL;
  svc->refresh_ttl = USERS_REFRESH_TTL;
  svc->throttle = CARRETE_PASSWORD_THROTTLE;
  svc->password_login = config->password_login;
  svc->public_url = g_strdup (config->public_url);
  return build_oidc (svc, config, error);
}

static void
app_free (gpointer data)
{
  UsersApp *app = data;
  UsersService *svc = &app->service;

  /* Workers first: queued jobs finish and release their tasks. */
  g_clear_pointer (&svc->workers, carrete_workers_free);
  g_clear_pointer (&svc->cascade, users_cascade_free);
  g_clear_pointer (&svc->oidc, users_oidc_provider_free);
  g_clear_pointer (&svc->public_url, g_free);
  g_clear_pointer (&svc->store, users_store_free);
  g_clear_pointer (&svc->ids, carrete_ids_free);
  g_clear_pointer (&svc->cursors, carrete_cursor_key_free);
  g_clear_pointer (&svc->jwt, carrete_jwt_free);
  g_clear_object (&app->db);
  g_free (app);
}

/* Once per process, not once per worker. */
static gboolean
process_init (const CarreteConfig *config, GError **error)
{
  g_auto (GStrv) scopes = NULL;

  if (config->oidc_issuer != NULL)
    {
      if (config->oidc_client_id == NULL || *config->oidc_client_id == '\0')
        carrete_error_add_config_line (error,
                                       "CARRETE_OIDC_CLIENT_ID: required with CARRETE_OIDC_ISSUER");
      if (config->oidc_client_secret_file == NULL)
        carrete_error_add_config_line (
            error, "CARRETE_OIDC_CLIENT_SECRET_FILE: required with CARRETE_OIDC_ISSUER");
      scopes = g_strsplit (config->oidc_scopes, " ", -1);
      if (!g_strv_contains ((const char *const *) scopes, "openid"))
        carrete_error_add_config_line (error, "CARRETE_OIDC_SCOPES: must include \"openid\"");
    }
  if (!config->password_login && config->oidc_issuer == NULL)
    carrete_error_add_config_line (error, "CARRETE_PASSWORD_LOGIN: false leaves no way to sign in "
                                          "without CARRETE_OIDC_ISSUER");
  if (error != NULL && *error != NULL)
    return FALSE;
  if (config->photos_url == NULL || config->folders_url == NULL)
    g_warning ("CARRETE_PHOTOS_URL or CARRETE_FOLDERS_URL is not set: deleting an account will "
               "not delete its photos and folders");
  return TRUE;
}

static gpointer
app_new (const CarreteConfig *config, GError **error)
{
  UsersApp *app = g_new0 (UsersApp, 1);

  if (build_service (&app->service, config, error))
    return app;
  app_free (app);
  return NULL;
}

/* Defined below: app_start names the database pool after it. */
static const CarreteServiceSpec spec;

static void
app_start (gpointer data, const CarreteConfig *config, CarreteServerOptions *options)
{
  UsersApp *app = data;

  app->db = carrete_cli_open_db (&spec.cli, config, &app->schema_version);
  app->service.store = users_store_new (app->db);
  options->jwt = app->service.jwt;
  options->ids = app->service.ids;
}

static void
app_running (gpointer data, GArray *source_ids)
{
  UsersApp *app = data;
  guint cleanup_id;

  cleanup_id = carrete_timeout_add_seconds (CLEANUP_INTERVAL_SECONDS, run_cleanup, &app->service);
  g_array_append_val (source_ids, cleanup_id);
}

static int
set_role (const CarreteCli *cli, char **args)
{
  CarreteConfig config = { 0 };
  g_autoptr (GError) error = NULL;
  int status = 0;

  if (!carrete_cli_load_config (cli, &config, db_only, db_only, &error)
      || !users_set_role (config.database_url, args[0], args[1], &error))
    status = carrete_cli_fail_error (cli, error);
  else
    printf ("%s is now %s\n", args[0], args[1]);
  carrete_config_clear (&config);
  return status;
}

static const CarreteServiceCommand commands[] = {
  { "set-role", 2, set_role },
  { NULL },
};

static const CarreteServiceSpec spec = {
  .cli = {
    .name = "users",
    .default_listen = "127.0.0.1:8081",
    .resource_prefix = USERS_RESOURCE_PREFIX,
    .usage = usage,
    .check_database_url = carrete_db_check_conninfo,
  },
  .settings = serve_settings,
  .required = serve_required,
  .database = &carrete_service_postgres,
  .routes = users_routes,
  .openapi = TRUE,
  .commands = commands,
  .drain_seconds = DRAIN_SECONDS,
  .process_init = process_init,
  .app_new = app_new,
  .app_start = app_start,
  .app_running = app_running,
  .app_free = app_free,
};

int
main (int argc, char **argv)
{
  /* Each argon2id hash borrows 64 MiB.  A fixed mmap threshold makes glibc
   * hand such blocks back to the system when freed, instead of raising the
   * threshold and keeping them in the heap for good. */
  mallopt (M_MMAP_THRESHOLD, 1024 * 1024);
  return carrete_service_main (&spec, argc, argv);
}
