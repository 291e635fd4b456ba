/* carrete share: share links of a folder (create, list, revoke) and, with
 * cmd-share-members.c, its members.  One action per run; the options say
 * which (README "Command line"). */

#define G_LOG_DOMAIN "carrete-cli"

#include <errno.h>
#include <stdio.h>

#include "cli-commands.h"
#include "cli-listing.h"
#include "cmd-share.h"

#define NOT_GIVEN G_MININT

typedef struct
{
  char *label;
  int expires_in; /* days; NOT_GIVEN: not given (0 or less is the server's to refuse) */
  char *expires;
  char *password_file;
  gboolean password_stdin;
  gboolean no_download;
  gboolean list;
  char *revoke;
  char *with;
  char *role;
  char *remove;
  gboolean members;
} ShareOptions;

static void
share_options_clear (ShareOptions *options)
{
  g_free (options->label);
  g_free (options->expires);
  g_free (options->password_file);
  g_free (options->revoke);
  g_free (options->with);
  g_free (options->role);
  g_free (options->remove);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ShareOptions, share_options_clear)

/* ---- the link's settings ------------------------------------------------------------------ */

/* --expires DATE: "YYYY-MM-DD" (midnight UTC) or an RFC 3339 time. */
static GDateTime *
parse_date (const char *text)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  int year, month, day;
  char end;

  if (sscanf (text, "%4d-%2d-%2d%c", &year, &month, &day, &end) == 3)
    return g_date_time_new (utc, year, month, day, 0, 0, 0);
  return g_date_time_new_from_iso8601 (text, utc);
}

static int
read_expiry (CarreteCommand *cli, const ShareOptions *options, GDateTime **expires_at)
{
  if (options->expires_in != NOT_GIVEN && options->expires != NULL)
    return cli_error (cli, CLI_EXIT_USAGE, "give --expires-in or --expires, not both");
  if (options->expires_in != NOT_GIVEN)
    {
      g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

      *expires_at = g_date_time_add_days (now, options->expires_in);
    }
  else if (options->expires != NULL && (*expires_at = parse_date (options->expires)) == NULL)
    return cli_error (cli, CLI_EXIT_USAGE,
                      "--expires “%s” is not a date (YYYY-MM-DD or an RFC 3339 time)",
                      options->expires);
  return CLI_EXIT_OK;
}

/* The password's first line, from --password-file or standard input. */
static int
read_password (CarreteCommand *cli, const ShareOptions *options, char **password)
{
  FILE *in;

  if (options->password_file != NULL && options->password_stdin)
    return cli_error (cli, CLI_EXIT_USAGE, "give --password-file or --password-stdin, not both");
  if (options->password_stdin)
    in = stdin;
  else if (options->password_file == NULL)
    return CLI_EXIT_OK;
  else if ((in = fopen (options->password_file, "r")) == NULL)
    return cli_error (cli, CLI_EXIT_USAGE, "cannot read the password file “%s”: %s",
                      options->password_file, g_strerror (errno));
  *password = cli_read_line (in);
  if (in != stdin)
    fclose (in);
  if (*password == NULL || **password == '\0')
    return cli_error (cli, CLI_EXIT_USAGE, "the password is empty");
  return CLI_EXIT_OK;
}

/* ---- links -------------------------------------------------------------------------------- */

/* The members every link has; the new one's token and url are added by
 * create_link. */
static void
add_share_members (JsonBuilder *builder, CarreteShare *share)
{
  carrete_json_add_string (builder, "id", carrete_share_get_id (share));
  carrete_json_add_string (builder, "folder_id", carrete_share_get_folder_id (share));
  carrete_json_add_string (builder, "label", carrete_share_get_label (share));
  carrete_json_add_time (builder, "expires_at", carrete_share_get_expires_at (share));
  json_builder_set_member_name (builder, "has_password");
  json_builder_add_boolean_value (builder, carrete_share_get_has_password (share));
  json_builder_set_member_name (builder, "allow_download");
  json_builder_add_boolean_value (builder, carrete_share_get_allow_download (share));
  carrete_json_add_int (builder, "use_count", carrete_share_get_use_count (share));
  carrete_json_add_time (builder, "last_used_at", carrete_share_get_last_used_at (share));
  carrete_json_add_time (builder, "created_at", carrete_share_get_created_at (share));
}

static void
share_to_json (JsonBuilder *builder, CarreteShare *share)
{
  json_builder_begin_object (builder);
  add_share_members (builder, share);
  json_builder_end_object (builder);
}

static int
create_link (CarreteCommand *cli, CarreteFolder *folder, const ShareOptions *options)
{
  g_autoptr (GDateTime) expires_at = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteShare) share = NULL;
  g_autofree char *url = NULL;
  char *password = NULL;
  int status;

  if ((status = read_expiry (cli, options, &expires_at)) != CLI_EXIT_OK
      || (status = read_password (cli, options, &password)) != CLI_EXIT_OK)
    return status;
  carrete_client_create_share_async (cli->client, carrete_folder_get_id (folder), NULL,
                                     options->label, expires_at, password, !options->no_download,
                                     cli->cancellable, cli_on_result, &result);
  CLI_AWAIT (result);
  cli_forget_secret (password);
  share = carrete_client_create_share_finish (cli->client, result, &error);
  if (share == NULL)
    return cli_fail (cli, error, "creating the link");
  url = carrete_client_share_page_url (cli->client, share);
  if (cli->json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();
      g_autoptr (JsonNode) root = NULL;

      json_builder_begin_object (builder);
      add_share_members (builder, share);
      carrete_json_add_string (builder, "token", carrete_share_get_token (share));
      carrete_json_add_string (builder, "url", url);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      cli_print_json (root);
    }
  else
    {
      printf ("%s\n", url);
      fprintf (stderr, "Link %s created; its address is shown only this once.\n",
               carrete_share_get_id (share));
    }
  return CLI_EXIT_OK;
}

static int
list_links (CarreteCommand *cli, CarreteFolder *folder)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) shares = cli_list_all_shares (cli, carrete_folder_get_id (folder), &error);

  if (shares == NULL)
    return cli_fail (cli, error, "listing the links");
  if (cli->json)
    {
      cli_print_json_array (shares, (CliItemToJson) share_to_json);
      return CLI_EXIT_OK;
    }
  printf ("%-16s  %-20s  %-8s  %-8s  %6s  %-20s  %s\n", "ID", "EXPIRES", "PASSWORD", "DOWNLOAD",
          "USES", "LAST USE", "LABEL");
  for (guint i = 0; i < shares->len; i++)
    {
      CarreteShare *share = g_ptr_array_index (shares, i);
      g_autofree char *expires = cli_format_time (carrete_share_get_expires_at (share));
      g_autofree char *used = cli_format_time (carrete_share_get_last_used_at (share));
      const char *label = carrete_share_get_label (share);

      printf ("%-16s  %-20s  %-8s  %-8s  %6" G_GINT64_FORMAT "  %-20s  %s\n",
              carrete_share_get_id (share), expires != NULL ? expires : "never",
              carrete_share_get_has_password (share) ? "yes" : "no",
              carrete_share_get_allow_download (share) ? "yes" : "no",
              carrete_share_get_use_count (share), used != NULL ? used : "-",
              label != NULL ? label : "-");
    }
  return CLI_EXIT_OK;
}

static int
revoke_link (CarreteCommand *cli, const char *share_id)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  carrete_client_revoke_share_async (cli->client, share_id, cli->cancellable, cli_on_result,
                                     &result);
  CLI_AWAIT (result);
  if (!carrete_client_revoke_share_finish (cli->client, result, &error))
    return cli_fail (cli, error, "revoking the link");
  if (!cli->json)
    printf ("Link %s revoked.\n", share_id);
  return CLI_EXIT_OK;
}

/* ---- the command -------------------------------------------------------------------------- */

/* The options that do not go with the chosen action: a usage error. */
static int
check_options (CarreteCommand *cli, const ShareOptions *o, int argc, char **argv)
{
  int actions = (o->list ? 1 : 0) + (o->revoke != NULL) + (o->with != NULL)
                + (o->remove != NULL) + (o->members ? 1 : 0);
  gboolean link_settings = o->label != NULL || o->expires_in != NOT_GIVEN || o->expires != NULL
                           || o->password_file != NULL || o->password_stdin || o->no_download;

  if (actions > 1)
    return cli_error (cli, CLI_EXIT_USAGE,
                      "give one of --list, --revoke, --with, --remove, --members");
  if (actions > 0 && link_settings)
    return cli_error (cli, CLI_EXIT_USAGE, "the link's settings go only with a new link");
  if (o->role != NULL && o->with == NULL)
    return cli_error (cli, CLI_EXIT_USAGE, "--role goes with --with USERNAME");
  if (o->role != NULL && g_strcmp0 (o->role, "viewer") != 0
      && g_strcmp0 (o->role, "contributor") != 0)
    return cli_error (cli, CLI_EXIT_USAGE, "--role must be viewer or contributor, not “%s”",
                      o->role);
  if (o->revoke != NULL && argc > 1)
    return cli_error (cli, CLI_EXIT_USAGE, "--revoke LINK_ID takes no FOLDER");
  if (o->revoke == NULL && argc < 2)
    return cli_error (cli, CLI_EXIT_USAGE, "missing FOLDER");
  if (argc > 2)
    return cli_error (cli, CLI_EXIT_USAGE, "unexpected argument “%s”", argv[2]);
  return CLI_EXIT_OK;
}

static int
run_action (CarreteCommand *cli, const ShareOptions *options, const char *folder_name)
{
  g_autoptr (CarreteFolder) folder = NULL;
  int status;

  if ((status = cli_connect (cli)) != CLI_EXIT_OK)
    return status;
  if (options->revoke != NULL)
    return revoke_link (cli, options->revoke);
  if ((status = cli_resolve_folder (cli, folder_name, &folder)) != CLI_EXIT_OK)
    return status;
  if (options->list)
    return list_links (cli, folder);
  if (options->members)
    return cli_share_list_members (cli, folder);
  if (options->with != NULL)
    return cli_share_add_member (cli, folder, options->with,
                                 options->role != NULL ? options->role : "viewer");
  if (options->remove != NULL)
    return cli_share_remove_member (cli, folder, options->remove);
  return create_link (cli, folder, options);
}

int
cli_cmd_share (CarreteCommand *cli, int argc, char **argv)
{
  g_auto (ShareOptions) o = { .expires_in = NOT_GIVEN };
  const GOptionEntry entries[] = {
    { "label", 0, 0, G_OPTION_ARG_STRING, &o.label, "A new link's label", "LABEL" },
    { "expires-in", 0, 0, G_OPTION_ARG_INT, &o.expires_in, "A new link expires in DAYS days",
      "DAYS" },
    { "expires", 0, 0, G_OPTION_ARG_STRING, &o.expires,
      "A new link expires at DATE (YYYY-MM-DD, midnight UTC, or an RFC 3339 time)", "DATE" },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &o.password_file,
      "A new link asks for the password on the first line of FILE", "FILE" },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &o.password_stdin,
      "A new link asks for the password on the first line of standard input", NULL },
    { "no-download", 0, 0, G_OPTION_ARG_NONE, &o.no_download,
      "A new link shows the photos but does not let them be downloaded", NULL },
    { "list", 0, 0, G_OPTION_ARG_NONE, &o.list, "List FOLDER's links", NULL },
    { "revoke", 0, 0, G_OPTION_ARG_STRING, &o.revoke, "Revoke the link LINK_ID", "LINK_ID" },
    { "with", 0, 0, G_OPTION_ARG_STRING, &o.with,
      "Share FOLDER with the account USERNAME (or change its role)", "USERNAME" },
    { "role", 0, 0, G_OPTION_ARG_STRING, &o.role,
      "With --with: viewer (the default) or contributor", "ROLE" },
    { "remove", 0, 0, G_OPTION_ARG_STRING, &o.remove, "Stop sharing FOLDER with USERNAME",
      "USERNAME" },
    { "members", 0, 0, G_OPTION_ARG_NONE, &o.members, "List the accounts FOLDER is shared with",
      NULL },
    { NULL },
  };
  int status;

  if (!cli_parse (cli, "[FOLDER]",
                  "Share FOLDER (a name or an id) by link, printing the link's address (shown "
                  "only once); or list or revoke its links; or share it with other accounts.",
                  entries, &argc, &argv))
    return CLI_EXIT_USAGE;
  if ((status = check_options (cli, &o, argc, argv)) != CLI_EXIT_OK)
    return status;
  return run_action (cli, &o, argc > 1 ? argv[1] : NULL);
}
