#pragma once

/* carrete, the command-line client: what every subcommand shares.  The
 * commands are written as straight-line code over the client library's
 * _async calls: each call is awaited by iterating the default main context
 * (CLI_AWAIT), so that the library's sources (HTTP, refresh, uploads) keep
 * running while a command waits. */

#include <stdio.h>

#include <gio/gio.h>

#include "carrete-client-lib.h"

G_BEGIN_DECLS

/* The exit codes (README "Command line"). */
typedef enum
{
  CLI_EXIT_OK = 0,
  CLI_EXIT_FAILED = 1,      /* some items failed, or the server refused */
  CLI_EXIT_USAGE = 2,       /* bad arguments, unknown command or folder */
  CLI_EXIT_AUTH = 3,        /* bad credentials, not logged in, session expired */
  CLI_EXIT_UNREACHABLE = 4, /* the server cannot be reached */
} CliExit;

typedef struct
{
  const char *command;       /* "import", for messages */
  char *server;              /* --server, NULL: the last login's */
  const char *server_before; /* --server given before the command */
  gboolean json;             /* --json */
  CarreteClient *client;
  GCancellable *cancellable; /* cancelled by SIGINT */
  gboolean interrupted;
  gboolean session_in_keyring; /* where a rotated token goes */
  guint sigint_id;
  guint sigterm_id;
} CarreteCommand;

typedef int (*CliCommandFunc) (CarreteCommand *cli, int argc, char **argv);

void cli_init (CarreteCommand *cli, const char *command);
void cli_clear (CarreteCommand *cli);

/* The options every subcommand takes (--server, --json), for its context. */
GOptionGroup *cli_global_group (CarreteCommand *cli);
/* Parses `argv` with `entries` and the global options; on a bad option
 * prints one line and returns FALSE (exit CLI_EXIT_USAGE). */
gboolean cli_parse (CarreteCommand *cli, const char *parameter_string, const char *summary,
                    const GOptionEntry *entries, int *argc, char ***argv);

/* One line "carrete CMD: …" on stderr; returns `code`. */
int cli_error (CarreteCommand *cli, int code, const char *format, ...) G_GNUC_PRINTF (3, 4);
/* The exit code for a failed call, and its line on stderr: `what` says what
 * was being done ("listing the folders"). */
int cli_fail (CarreteCommand *cli, const GError *error, const char *what);
int cli_exit_code_for_error (const GError *error);

/* Stores the result of an _async call in `*(GAsyncResult **) slot`. */
void cli_on_result (GObject *source, GAsyncResult *result, gpointer slot);
#define CLI_AWAIT(result)                                                                          \
  G_STMT_START                                                                                     \
  {                                                                                                \
    while ((result) == NULL)                                                                       \
      g_main_context_iteration (NULL, TRUE);                                                       \
  }                                                                                                \
  G_STMT_END

/* Ctrl-C / SIGTERM cancel cli->cancellable and set cli->interrupted. */
void cli_catch_signals (CarreteCommand *cli);

/* Prints `node` as pretty JSON on stdout. */
void cli_print_json (JsonNode *node);
/* Adds one item as a JSON object to `builder`. */
typedef void (*CliItemToJson) (JsonBuilder *builder, gpointer item);
/* Prints `items` as a JSON array on stdout, each through `to_json`. */
void cli_print_json_array (GPtrArray *items, CliItemToJson to_json);
/* The end of a command's summary: --json prints {…members added to
 * `builder`, "interrupted", "failed": [...]} on stdout, else the failures
 * go to stderr one per line.  `builder` is inside the object (NULL without
 * --json). */
JsonBuilder *cli_summary_begin (CarreteCommand *cli);
void cli_summary_end (CarreteCommand *cli, JsonBuilder *builder, GPtrArray *failed);

/* "2024-05-01T10:00:00Z" or NULL. */
char *cli_format_time (GDateTime *time);

/* One line of `in` without its newline (nor a '\r' before it), NULL at EOF. */
char *cli_read_line (FILE *in);
/* Overwrites a secret (a password read) before freeing it; NULL is fine. */
void cli_forget_secret (char *secret);

/* Signs in from the stored session (cli-session.h) and keeps the rotated
 * token; prints the error and returns its exit code, or CLI_EXIT_OK. */
int cli_connect (CarreteCommand *cli);

G_END_DECLS
