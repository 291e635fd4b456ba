#include "carrete-cli.h"

#include <locale.h>
#include <sodium.h>
#include <stdio.h>

#include "carrete-error.h"
#include "carrete-log.h"
#include "carrete-migrate.h"

/* `migrate` needs the database and nothing else. */
static const char *const db_only[] = { "CARRETE_DATABASE_URL", NULL };

int
carrete_cli_fail (const CarreteCli *cli, const char *message)
{
  fprintf (stderr, "carrete-%s: %s\n", cli->name, message);
  return 1;
}

gboolean
carrete_cli_load_config (const CarreteCli *cli, CarreteConfig *config, const char *const *used,
                         const char *const *required, GError **error)
{
  CarreteConfigSpec spec = { used, required, cli->default_listen };
  return carrete_config_load (config, &spec, NULL, ".env", error);
}

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
    status = carrete_cli_fail (cli, error->message);
  carrete_config_clear (&config);
  return status;
}

int
carrete_cli_main_prologue (const CarreteCli *cli, int argc, char **argv)
{
  setlocale (LC_ALL, "");
  /* No command is a usage error (stderr, 2); asking for help is not. */
  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      fputs (cli->usage, argc < 2 ? stderr : stdout);
      return argc < 2 ? 2 : 0;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      printf ("carrete-%s %s\n", cli->name, CARRETE_VERSION);
      return 0;
    }
  if (sodium_init () < 0)
    return carrete_cli_fail (cli, "libsodium could not start");
  carrete_log_init (cli->name);
  return -1;
}

int
carrete_cli_unknown_command (const CarreteCli *cli, const char *command)
{
  fprintf (stderr, "carrete-%s: unknown command or wrong arguments: %s\n\n%s", cli->name, command,
           cli->usage);
  return 2;
}
