/* carrete share, its members half: add an account by username with a role,
 * change it, remove it, list the members. */

#define G_LOG_DOMAIN "carrete-cli"

#include <stdio.h>

#include "cli-listing.h"
#include "cmd-share.h"

static void
member_to_json (JsonBuilder *builder, CarreteMember *member)
{
  json_builder_begin_object (builder);
  carrete_json_add_string (builder, "user_id", carrete_member_get_user_id (member));
  carrete_json_add_string (builder, "username", carrete_member_get_username (member));
  carrete_json_add_string (builder, "role", carrete_member_get_role (member));
  carrete_json_add_time (builder, "added_at", carrete_member_get_added_at (member));
  json_builder_end_object (builder);
}

static void
print_member_json (CarreteMember *member)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  member_to_json (builder, member);
  root = json_builder_get_root (builder);
  cli_print_json (root);
}

/* The account named `username`; prints why not and sets `*status`. */
static CarreteUser *
find_user (CarreteCommand *cli, const char *username, int *status)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  CarreteUser *user;

  carrete_client_find_user_async (cli->client, username, cli->cancellable, cli_on_result,
                                  &result);
  CLI_AWAIT (result);
  user = carrete_client_find_user_finish (cli->client, result, &error);
  if (user == NULL)
    {
      g_autofree char *what = g_strdup_printf ("finding “%s”", username);

      *status = cli_fail (cli, error, what);
    }
  return user;
}

int
cli_share_add_member (CarreteCommand *cli, CarreteFolder *folder, const char *username,
                      const char *role)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteUser) user = NULL;
  g_autoptr (CarreteMember) member = NULL;
  int status = CLI_EXIT_OK;

  if ((user = find_user (cli, username, &status)) == NULL)
    return status;
  carrete_client_put_member_async (cli->client, carrete_folder_get_id (folder),
                                   carrete_user_get_id (user), role, cli->cancellable,
                                   cli_on_result, &result);
  CLI_AWAIT (result);
  member = carrete_client_put_member_finish (cli->client, result, &error);
  if (member == NULL)
    return cli_fail (cli, error, "sharing the folder");
  if (cli->json)
    print_member_json (member);
  else
    printf ("%s is now a %s of “%s”.\n", carrete_user_get_username (user),
            carrete_member_get_role (member), carrete_folder_get_name (folder));
  return CLI_EXIT_OK;
}

int
cli_share_remove_member (CarreteCommand *cli, CarreteFolder *folder, const char *username)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteUser) user = NULL;
  int status = CLI_EXIT_OK;

  if ((user = find_user (cli, username, &status)) == NULL)
    return status;
  carrete_client_remove_member_async (cli->client, carrete_folder_get_id (folder),
                                      carrete_user_get_id (user), cli->cancellable,
                                      cli_on_result, &result);
  CLI_AWAIT (result);
  if (!carrete_client_remove_member_finish (cli->client, result, &error))
    return cli_fail (cli, error, "removing the member");
  if (!cli->json)
    printf ("“%s” is no longer shared with %s.\n", carrete_folder_get_name (folder),
            carrete_user_get_username (user));
  return CLI_EXIT_OK;
}

int
cli_share_list_members (CarreteCommand *cli, CarreteFolder *folder)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) members = cli_list_all_members (cli, carrete_folder_get_id (folder), &error);

  if (members == NULL)
    return cli_fail (cli, error, "listing the members");
  if (cli->json)
    {
      cli_print_json_array (members, (CliItemToJson) member_to_json);
      return CLI_EXIT_OK;
    }
  printf ("%-26s  %-12s  %-20s  %s\n", "USER ID", "ROLE", "ADDED", "USERNAME");
  for (guint i = 0; i < members->len; i++)
    {
      CarreteMember *member = g_ptr_array_index (members, i);
      g_autofree char *added = cli_format_time (carrete_member_get_added_at (member));
      const char *username = carrete_member_get_username (member);

      printf ("%-26s  %-12s  %-20s  %s\n", carrete_member_get_user_id (member),
              carrete_member_get_role (member), added != NULL ? added : "-",
              username != NULL ? username : "-");
    }
  return CLI_EXIT_OK;
}
