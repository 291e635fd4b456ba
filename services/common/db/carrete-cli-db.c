#include "carrete-cli-db.h"

#include "carrete-error.h"
#include "carrete-migrate.h"

/* `migrate` needs the database and nothing else. */
static const char *const db_only[] = { "CARRETE_DATABASE_URL", NULL };

static char *
sql_dir (const CarreteCli *cli)
{
  return g_strconcat (cli->resource_prefix, "/sql", NULL);
}

int
carrete_cli_check_schema (const CarreteCli *cli, const CarreteConfig *config)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = sql_dir (cli);

  if (carrete_migrate_check (config->database_url, dir, &error))
    return 0;
  if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE))
    {
      /* Start anyway: /readyz answers 503 until the database is back. */
      g_warning ("%s; starting without it", error->message);
      return 0;
    }
  return carrete_cli_fail (cli, error->message);
}

int
carrete_cli_migrate (const CarreteCli *cli)
{
  CarreteConfig config = { 0 };
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = sql_dir (cli);
  int status = 0;

  if (!carrete_cli_load_config (cli, &config, db_only, db_only, &error)
      || !carrete_migrate_run (config.database_url, dir, &error))
    status = carrete_cli_fail_error (cli, error);
  carrete_config_clear (&config);
  return status;
}

int
carrete_cli_schema_version (const CarreteCli *cli)
{
  g_autofree char *dir = sql_dir (cli);

  g_print ("%u\n", carrete_migrate_latest_version (dir));
  return 0;
}

CarreteDb *
carrete_cli_open_db (const CarreteCli *cli, const CarreteConfig *config, guint *schema_version)
{
  g_autofree char *dir = sql_dir (cli);
  g_autofree char *app_name = g_strconcat ("carrete-", cli->name, NULL);

  *schema_version = carrete_migrate_latest_version (dir);
  return carrete_db_new (config->database_url, (guint) config->db_pool_size,
                         (guint) config->statement_timeout_ms, app_name);
}

const CarreteServiceDatabase carrete_service_postgres = {
  .check_schema = carrete_cli_check_schema,
  .migrate = carrete_cli_migrate,
  .schema_version = carrete_cli_schema_version,
};
