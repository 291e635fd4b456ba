/* carrete: the command-line client of a Carrete server (README "Command
 * line").  `carrete [--server URL] [--json] COMMAND [OPTIONS…]`. */

#define G_LOG_DOMAIN "carrete-cli"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cli-commands.h"

static const struct
{
  const char *name;
  CliCommandFunc run;
  const char *summary;
} commands[] = {
  { "login", cli_cmd_login, "Sign in and keep the session" },
  { "logout", cli_cmd_logout, "Sign out and forget the session" },
  { "folders", cli_cmd_folders, "List your folders" },
  { "ls", cli_cmd_ls, "List the photos of a folder, or all of yours" },
  { "import", cli_cmd_import, "Upload the images of a directory tree" },
  { "export", cli_cmd_export, "Download the originals of a folder" },
  { "share", cli_cmd_share, "Share a folder by link or with other accounts" },
};

static void
print_help (FILE *out)
{
  fprintf (out, "Usage: carrete [--server URL] [--json] COMMAND [OPTIONS…]\n\nCommands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-9s %s\n", commands[i].name, commands[i].summary);
  fprintf (out, "\n`carrete COMMAND --help` shows a command's options.\n"
                "Exit status: 0 ok, 1 some items failed, 2 usage, 3 not logged in or session "
                "expired, 4 server unreachable.\n");
}

static int
usage_error (const char *what, const char *arg)
{
  fprintf (stderr, "carrete: unknown %s “%s” (see carrete --help)\n", what, arg);
  return CLI_EXIT_USAGE;
}

static int
run_command (int argc, char **argv, int first, const char *server, gboolean json)
{
  CarreteCommand cli;
  int status;

  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (strcmp (commands[i].name, argv[first]) != 0)
        continue;
      cli_init (&cli, commands[i].name);
      cli.server_before = server;
      cli.json = json;
      status = commands[i].run (&cli, argc - first, argv + first);
      cli_clear (&cli);
      return status;
    }
  return usage_error ("command", argv[first]);
}

int
main (int argc, char **argv)
{
  const char *server = NULL;
  gboolean json = FALSE;
  int i;

  setlocale (LC_ALL, "");
  carrete_keyring_set_application ("carrete-cli");
  /* The options before the command: --server, --json, --help, --version. */
  for (i = 1; i < argc && argv[i][0] == '-'; i++)
    {
      if (strcmp (argv[i], "--help") == 0 || strcmp (argv[i], "-h") == 0)
        {
          print_help (stdout);
          return CLI_EXIT_OK;
        }
      if (strcmp (argv[i], "--version") == 0)
        {
          printf ("carrete %s\n", CARRETE_VERSION);
          return CLI_EXIT_OK;
        }
      if (strcmp (argv[i], "--json") == 0)
        json = TRUE;
      else if (strcmp (argv[i], "--server") == 0 && i + 1 < argc)
        server = argv[++i];
      else if (g_str_has_prefix (argv[i], "--server="))
        server = argv[i] + strlen ("--server=");
      else
        return usage_error ("option", argv[i]);
    }
  if (i == argc)
    {
      print_help (stderr);
      return CLI_EXIT_USAGE;
    }
  return run_command (argc, argv, i, server, json);
}
