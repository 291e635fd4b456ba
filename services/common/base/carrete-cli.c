#include "carrete-cli.h"

#include <locale.h>
#include <sodium.h>
#include <stdio.h>

#include "carrete-error.h"
#include "carrete-log.h"

int
carrete_cli_fail (const CarreteCli *cli, const char *message)
{
  g_auto (GStrv) lines = g_strsplit (message, "\n", -1);

  /* A message of several problems: each line says which program. */
  for (guint i = 0; lines[i] != NULL; i++)
    fprintf (stderr, "carrete-%s: %s\n", cli->name, lines[i]);
  return 1;
}

int
carrete_cli_fail_error (const CarreteCli *cli, const GError *error)
{
  carrete_cli_fail (cli, error->message);
  return g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG) ? 2 : 1;
}

gboolean
carrete_cli_load_config (const CarreteCli *cli, CarreteConfig *config, const char *const *used,
                         const char *const *required, GError **error)
{
  CarreteConfigSpec spec = { used, required, cli->default_listen, cli->check_database_url };
  return carrete_config_load (config, &spec, NULL, ".env", error);
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
