#pragma once

#include "cli.h"

G_BEGIN_DECLS

/* One function per subcommand; each parses its own options (argv[0] is the
 * command's name) and returns the exit status. */
int cli_cmd_login (CarreteCommand *cli, int argc, char **argv);
int cli_cmd_logout (CarreteCommand *cli, int argc, char **argv);
int cli_cmd_folders (CarreteCommand *cli, int argc, char **argv);
int cli_cmd_ls (CarreteCommand *cli, int argc, char **argv);
int cli_cmd_import (CarreteCommand *cli, int argc, char **argv);
int cli_cmd_export (CarreteCommand *cli, int argc, char **argv);
int cli_cmd_share (CarreteCommand *cli, int argc, char **argv);

G_END_DECLS
