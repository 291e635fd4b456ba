#pragma once

/* Whole lists, every page followed, and finding a folder by name or id. */

#include "cli.h"

G_BEGIN_DECLS

/* Every folder of the signed-in user (CarreteFolder). */
GPtrArray *cli_list_all_folders (CarreteCommand *cli, GError **error);
/* Every photo of `folder_id` (NULL: all of the user's), CarretePhoto. */
GPtrArray *cli_list_all_photos (CarreteCommand *cli, const char *folder_id, GError **error);
/* Every link of the folder `folder_id` (CarreteShare). */
GPtrArray *cli_list_all_shares (CarreteCommand *cli, const char *folder_id, GError **error);
/* Every member of the folder `folder_id` (CarreteMember). */
GPtrArray *cli_list_all_members (CarreteCommand *cli, const char *folder_id, GError **error);
/* The folder whose id, else whose name, is `name_or_id`; NULL when none. */
CarreteFolder *cli_find_folder (GPtrArray *folders, const char *name_or_id);
/* cli_find_folder on the user's folders; prints what went wrong (an unknown
 * folder is CLI_EXIT_USAGE) and returns the exit code, else CLI_EXIT_OK. */
int cli_resolve_folder (CarreteCommand *cli, const char *name_or_id, CarreteFolder **folder);

G_END_DECLS
