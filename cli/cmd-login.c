/* carrete login / carrete logout. */

#define G_LOG_DOMAIN "carrete-cli"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli-commands.h"
#include "cli-session.h"

/* Asks on the terminal; `echo` FALSE hides what is typed. */
static char *
prompt (const char *question, gboolean echo)
{
  FILE *tty = fopen ("/dev/tty", "r+");
  struct termios saved, quiet;
  gboolean hidden = FALSE;
  char *answer;

  if (tty == NULL)
    return NULL;
  fprintf (tty, "%s", question);
  fflush (tty);
  if (!echo && tcgetattr (fileno (tty), &saved) == 0)
    {
      quiet = saved;
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      hidden = tcsetattr (fileno (tty), TCSAFLUSH, &quiet) == 0;
    }
  answer = cli_read_line (tty);
  if (hidden)
    {
      tcsetattr (fileno (tty), TCSAFLUSH, &saved);
      fprintf (tty, "\n");
    }
  fclose (tty);
  return answer;
}

static int
print_login (CarreteCommand *cli, CliStore store, const char *keyring_error)
{
  g_autofree char *path = cli_session_path ();
  CarreteUser *user = carrete_client_get_user (cli->client);
  const char *username = user != NULL ? carrete_user_get_username (user) : "?";
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (JsonNode) root = NULL;

  if (!cli->json)
    {
      printf ("Logged in to %s as %s.\n", cli->server, username);
      if (store == CLI_STORE_KEYRING)
        printf ("The session is kept in the keyring (settings in %s).\n", path);
      else
        printf ("The session is kept in %s (mode 0600): no keyring%s%s.\n", path,
                keyring_error != NULL ? ": " : "", keyring_error != NULL ? keyring_error : "");
      return CLI_EXIT_OK;
    }
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  carrete_json_add_string (builder, "server", cli->server);
  carrete_json_add_string (builder, "username", username);
  carrete_json_add_string (builder, "store", store == CLI_STORE_KEYRING ? "keyring" : "file");
  carrete_json_add_string (builder, "path", path);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  cli_print_json (root);
  return CLI_EXIT_OK;
}

/* Where the user signs in at the provider: the default browser when there
 * is one; the address on standard error in any case (a server over SSH has
 * no browser, and scripts keep standard output for --json). */
static void
open_sign_in_page (const char *uri, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  fprintf (stderr, "To sign in, open this address in a web browser:\n%s\n", uri);
  fflush (stderr);
  if (g_getenv ("CARRETE_NO_BROWSER") == NULL
      && !g_app_info_launch_default_for_uri (uri, NULL, &error))
    g_debug ("no browser opened: %s", error->message);
}

/* --sso: the sign-in through the server's provider (RFC 8252's loopback
 * redirect, as carrete-desktop does it). */
static gboolean
login_with_provider (CarreteCommand *cli, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  carrete_client_sign_in_with_provider_async (cli->client, open_sign_in_page, NULL,
                                              cli->cancellable, cli_on_result, &result);
  CLI_AWAIT (result);
  return carrete_client_sign_in_with_provider_finish (cli->client, result, error);
}

/* The server of the last login when --server is not given. */
static char *
last_server (CliSession **session_out)
{
  g_autoptr (CliSession) session = cli_session_load (NULL);
  char *server = session != NULL ? g_strdup (session->entry->server_url) : NULL;

  *session_out = g_steal_pointer (&session);
  return server;
}

static int
save_and_print (CarreteCommand *cli)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *keyring_error = NULL;
  CliStore store;

  if (!cli_session_save (cli->client, TRUE, &store, &keyring_error, &error))
    return cli_error (cli, CLI_EXIT_FAILED, "logged in, but the session could not be kept: %s",
                      error->message);
  return print_login (cli, store, keyring_error);
}

int
cli_cmd_login (CarreteCommand *cli, int argc, char **argv)
{
  g_autofree char *username = NULL;
  g_autofree char *users_url = NULL, *photos_url = NULL, *folders_url = NULL;
  gboolean password_stdin = FALSE;
  gboolean sso = FALSE;
  const GOptionEntry entries[] = {
    { "sso", 0, 0, G_OPTION_ARG_NONE, &sso,
      "Sign in through the server's identity provider, in a web browser", NULL },
    { "username", 'u', 0, G_OPTION_ARG_STRING, &username, "Username or email", "USER" },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
      "Read the password from the first line of standard input", NULL },
    { "users-url", 0, 0, G_OPTION_ARG_STRING, &users_url,
      "Address of carrete-users, for a server without a gateway", "URL" },
    { "photos-url", 0, 0, G_OPTION_ARG_STRING, &photos_url,
      "Address of carrete-photos, for a server without a gateway", "URL" },
    { "folders-url", 0, 0, G_OPTION_ARG_STRING, &folders_url,
      "Address of carrete-folders, for a server without a gateway", "URL" },
    { NULL },
  };
  g_autoptr (CliSession) previous = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  char *password = NULL;
  gboolean ok;

  if (!cli_parse (cli, NULL,
                  "Sign in to a Carrete server and keep the session in the keyring "
                  "(or, without one, in a 0600 file).",
                  entries, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (argc > 1)
    return cli_error (cli, CLI_EXIT_USAGE, "unexpected argument “%s”", argv[1]);
  if (cli->server == NULL)
    cli->server = last_server (&previous);
  if (cli->server == NULL)
    return cli_error (cli, CLI_EXIT_USAGE, "no server: pass --server URL");
  if (!g_str_has_prefix (cli->server, "http://") && !g_str_has_prefix (cli->server, "https://"))
    return cli_error (cli, CLI_EXIT_USAGE, "--server must be an http:// or https:// URL");
  if (sso && (username != NULL || password_stdin))
    return cli_error (cli, CLI_EXIT_USAGE, "--sso takes no --username or --password-stdin");
  if (sso)
    {
      cli->client = carrete_client_new (cli->server);
      carrete_client_set_service_urls (cli->client, users_url, photos_url, folders_url);
      if (!login_with_provider (cli, &error))
        return cli_fail (cli, error, "signing in through the provider");
      return save_and_print (cli);
    }
  if (username == NULL && previous != NULL)
    username = g_strdup (previous->entry->username);
  if (username == NULL && !password_stdin)
    username = prompt ("Username: ", TRUE);
  if (username == NULL || *username == '\0')
    return cli_error (cli, CLI_EXIT_USAGE, "no username: pass --username USER");
  if (password_stdin)
    password = cli_read_line (stdin);
  else
    password = prompt ("Password: ", FALSE);
  if (password == NULL)
    return cli_error (cli, CLI_EXIT_USAGE,
                      "no password: type it on a terminal or pass "
                      "--password-stdin");

  cli->client = carrete_client_new (cli->server);
  carrete_client_set_service_urls (cli->client, users_url, photos_url, folders_url);
  carrete_client_login_async (cli->client, username, password, cli->cancellable, cli_on_result,
                              &result);
  CLI_AWAIT (result);
  ok = carrete_client_login_finish (cli->client, result, &error);
  cli_forget_secret (password);
  if (!ok)
    return cli_fail (cli, error, "logging in");
  return save_and_print (cli);
}

int
cli_cmd_logout (CarreteCommand *cli, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) server_error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (CliSession) session = NULL;
  int status = CLI_EXIT_OK;

  if (!cli_parse (cli, NULL,
                  "Sign out: the server forgets the session, and so does this "
                  "computer.",
                  NULL, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (argc > 1)
    return cli_error (cli, CLI_EXIT_USAGE, "unexpected argument “%s”", argv[1]);
  session = cli_session_load (&error);
  if (session == NULL && error == NULL)
    {
      if (!cli->json)
        printf ("Not logged in.\n");
      return CLI_EXIT_OK;
    }
  g_clear_error (&error);
  /* Tell the server first (sign in, then log the new token out); the
   * session is forgotten here whatever it answers.  A token it refuses
   * is dead already. */
  if (session == NULL || !cli_restore (cli, session, &server_error))
    status = server_error != NULL ? cli_exit_code_for_error (server_error) : CLI_EXIT_OK;
  else
    {
      carrete_client_logout_async (cli->client, NULL, cli_on_result, &result);
      CLI_AWAIT (result);
      if (!carrete_client_logout_finish (cli->client, result, &server_error))
        status = cli_exit_code_for_error (server_error);
    }
  if (!cli_session_clear (&error))
    return cli_error (cli, CLI_EXIT_FAILED, "cannot forget the session: %s", error->message);
  if (status == CLI_EXIT_UNREACHABLE)
    return cli_error (cli, status,
                      "the session is forgotten here, but the server could not "
                      "be told (unreachable)");
  if (!cli->json)
    printf ("Logged out.\n");
  return CLI_EXIT_OK;
}
