#pragma once

#include <glib.h>

#include "carrete-config.h"

G_BEGIN_DECLS

/* What tells the services' command lines apart; each main.c keeps its own
 * usage text and settings lists and hands them over here. */
typedef struct
{
  const char *name;            /* "users": the program is carrete-users */
  const char *default_listen;  /* CARRETE_LISTEN when unset */
  const char *resource_prefix; /* GResource folder holding sql/ */
  const char *usage;           /* the --help text */
  /* Judges CARRETE_DATABASE_URL: carrete_db_check_conninfo for a service
   * with a database, else NULL (see CarreteConfigSpec). */
  CarreteConfigCheck check_database_url;
} CarreteCli;

/* Prints "carrete-NAME: message" on stderr; returns the exit status 1. */
int carrete_cli_fail (const CarreteCli *cli, const char *message);

/* The same for `error`, with the exit status that says whose fault it is:
 * 2 for a bad or missing setting (CARRETE_ERROR_CONFIG: fix the settings,
 * a restart will not help), 1 for anything else. */
int carrete_cli_fail_error (const CarreteCli *cli, const GError *error);

/* The environment (and ./.env) with the service's default listen address. */
gboolean carrete_cli_load_config (const CarreteCli *cli, CarreteConfig *config,
                                  const char *const *used, const char *const *required,
                                  GError **error);

/* Handles no command, --help/-h and --version, then starts libsodium and
 * the log.  Returns -1 when main() goes on with argv[1], else the exit
 * status. */
int carrete_cli_main_prologue (const CarreteCli *cli, int argc, char **argv);

/* The answer to a command main() does not know; returns the exit status 2. */
int carrete_cli_unknown_command (const CarreteCli *cli, const char *command);

G_END_DECLS
