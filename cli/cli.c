#define G_LOG_DOMAIN "carrete-cli"

#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>

#include "carrete-source.h"
#include "cli-session.h"
#include "cli.h"

void
cli_init (CarreteCommand *cli, const char *command)
{
  memset (cli, 0, sizeof *cli);
  cli->command = command;
  cli->cancellable = g_cancellable_new ();
}

void
cli_clear (CarreteCommand *cli)
{
  g_clear_handle_id (&cli->sigint_id, carrete_source_remove);
  g_clear_handle_id (&cli->sigterm_id, carrete_source_remove);
  if (cli->client != NULL)
    g_signal_handlers_disconnect_by_data (cli->client, cli);
  g_clear_object (&cli->client);
  g_clear_object (&cli->cancellable);
  g_clear_pointer (&cli->server, g_free);
}

GOptionGroup *
cli_global_group (CarreteCommand *cli)
{
  const GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &cli->server,
      "The Carrete server (default: the one of the last login)", "URL" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json, "Print JSON, for scripts", NULL },
    { NULL },
  };
  GOptionGroup *group = g_option_group_new (
      "global", "Options of every command:", "Show the options of every command", NULL, NULL);

  g_option_group_add_entries (group, entries);
  return group;
}

gboolean
cli_parse (CarreteCommand *cli, const char *parameter_string, const char *summary,
           const GOptionEntry *entries, int *argc, char ***argv)
{
  g_autofree char *prog = g_strdup_printf ("carrete %s", cli->command);
  g_autoptr (GOptionContext) context = g_option_context_new (parameter_string);
  g_autoptr (GError) error = NULL;
  GOptionGroup *main_group = g_option_group_new (NULL, NULL, NULL, NULL, NULL);

  g_set_prgname (prog);
  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context,
                                    "Exit status: 0 ok, 1 some items failed, 2 usage, "
                                    "3 not logged in or session expired, 4 server unreachable.");
  if (entries != NULL)
    g_option_group_add_entries (main_group, entries);
  g_option_context_set_main_group (context, main_group);
  g_option_context_add_group (context, cli_global_group (cli));
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      cli_error (cli, CLI_EXIT_USAGE, "%s (see carrete %s --help)", error->message, cli->command);
      return FALSE;
    }
  if (cli->server == NULL)
    cli->server = g_strdup (cli->server_before);
  return TRUE;
}

int
cli_error (CarreteCommand *cli, int code, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  /* In order with what stdout said before, when both go to one file. */
  fflush (stdout);
  fprintf (stderr, "carrete %s: %s\n", cli->command, message);
  return code;
}

int
cli_exit_code_for_error (const GError *error)
{
  if (error->domain != CARRETE_CLIENT_ERROR)
    return CLI_EXIT_FAILED;
  switch (error->code)
    {
    case CARRETE_CLIENT_ERROR_INVALID_CREDENTIALS:
    case CARRETE_CLIENT_ERROR_UNAUTHORIZED:
      return CLI_EXIT_AUTH;
    case CARRETE_CLIENT_ERROR_UNREACHABLE:
    case CARRETE_CLIENT_ERROR_NOT_CARRETE:
      return CLI_EXIT_UNREACHABLE;
    default:
      return CLI_EXIT_FAILED;
    }
}

int
cli_fail (CarreteCommand *cli, const GError *error, const char *what)
{
  int code = cli_exit_code_for_error (error);

  if (code == CLI_EXIT_AUTH && error->code == CARRETE_CLIENT_ERROR_UNAUTHORIZED)
    return cli_error (cli, code, "%s: the session has expired: run carrete login", what);
  if (code == CLI_EXIT_UNREACHABLE)
    return cli_error (cli, code, "%s: the server cannot be reached: %s", what, error->message);
  /* The full text names the refused fields ("expires_at: must be in the
   * future") where the detail alone may not. */
  return cli_error (cli, code, "%s: %s", what, carrete_client_error_get_full_text (error));
}

void
cli_on_result (GObject *source, GAsyncResult *result, gpointer slot)
{
  *(GAsyncResult **) slot = g_object_ref (result);
}

static gboolean
on_signal (gpointer data)
{
  CarreteCommand *cli = data;

  fflush (stdout);
  if (!cli->interrupted)
    fprintf (stderr, "\ncarrete %s: interrupted; stopping\n", cli->command);
  cli->interrupted = TRUE;
  g_cancellable_cancel (cli->cancellable);
  return G_SOURCE_CONTINUE;
}

void
cli_catch_signals (CarreteCommand *cli)
{
  cli->sigint_id = g_unix_signal_add (SIGINT, on_signal, cli);
  cli->sigterm_id = g_unix_signal_add (SIGTERM, on_signal, cli);
}

void
cli_print_json (JsonNode *node)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  printf ("%s\n", text);
}

JsonBuilder *
cli_summary_begin (CarreteCommand *cli)
{
  JsonBuilder *builder;

  if (!cli->json)
    return NULL;
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  return builder;
}

void
cli_summary_end (CarreteCommand *cli, JsonBuilder *builder, GPtrArray *failed)
{
  g_autoptr (JsonNode) root = NULL;

  if (builder == NULL)
    {
      for (guint i = 0; i < failed->len; i++)
        fprintf (stderr, "failed: %s\n", (const char *) g_ptr_array_index (failed, i));
      return;
    }
  json_builder_set_member_name (builder, "interrupted");
  json_builder_add_boolean_value (builder, cli->interrupted);
  json_builder_set_member_name (builder, "failed");
  json_builder_begin_array (builder);
  for (guint i = 0; i < failed->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (failed, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  cli_print_json (root);
  g_object_unref (builder);
}

char *
cli_format_time (GDateTime *time)
{
  g_autoptr (GDateTime) utc = NULL;

  if (time == NULL)
    return NULL;
  utc = g_date_time_to_utc (time);
  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

/* ---- the session of a command ------------------------------------------------------------ */

static void
on_tokens_changed (CarreteClient *client, gpointer data)
{
  CarreteCommand *cli = data;
  g_autoptr (GError) error = NULL;
  CliStore used;

  /* A rotated refresh token must be kept at once: the old one is spent,
   * and using it again would revoke the session. */
  if (carrete_client_get_refresh_token (client) == NULL)
    return;
  if (!cli_session_save (client, cli->session_in_keyring, &used, NULL, &error))
    cli_error (cli, 0, "warning: the new session could not be kept: %s", error->message);
}

gboolean
cli_restore (CarreteCommand *cli, const CliSession *session, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  cli->client = cli_session_new_client (session);
  cli->session_in_keyring = session->store == CLI_STORE_KEYRING;
  g_signal_connect (cli->client, "tokens-changed", G_CALLBACK (on_tokens_changed), cli);
  carrete_client_restore_async (cli->client, session->entry->refresh_token, cli->cancellable,
                                cli_on_result, &result);
  CLI_AWAIT (result);
  return carrete_client_restore_finish (cli->client, result, error);
}

int
cli_connect (CarreteCommand *cli)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CliSession) session = cli_session_load (&error);

  if (error != NULL)
    return cli_error (cli, CLI_EXIT_AUTH, "cannot read the session: %s", error->message);
  if (session == NULL)
    return cli_error (cli, CLI_EXIT_AUTH, "not logged in: run carrete login --server URL");
  if (cli->server != NULL && g_strcmp0 (cli->server, session->entry->server_url) != 0)
    return cli_error (cli, CLI_EXIT_AUTH,
                      "not logged in to %s (the session is for %s): run "
                      "carrete login --server %s",
                      cli->server, session->entry->server_url, cli->server);
  if (!cli_restore (cli, session, &error))
    return cli_fail (cli, error, "signing in");
  return CLI_EXIT_OK;
}

char *
cli_read_line (FILE *in)
{
  g_autoptr (GString) line = g_string_new (NULL);
  int c;

  while ((c = fgetc (in)) != EOF && c != '\n')
    g_string_append_c (line, (char) c);
  if (c == EOF && line->len == 0)
    return NULL;
  if (line->len > 0 && line->str[line->len - 1] == '\r')
    g_string_truncate (line, line->len - 1);
  return g_string_free (g_steal_pointer (&line), FALSE);
}

void
cli_forget_secret (char *secret)
{
  if (secret != NULL)
    memset (secret, 0, strlen (secret));
  g_free (secret);
}

void
cli_print_json_array (GPtrArray *items, CliItemToJson to_json)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < items->len; i++)
    to_json (builder, g_ptr_array_index (items, i));
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  cli_print_json (root);
}
