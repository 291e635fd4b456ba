#pragma once

/* carrete share: its two halves, links (cmd-share.c, which parses the
 * options) and members (cmd-share-members.c). */

#include "cli.h"

G_BEGIN_DECLS

/* `carrete share FOLDER --with USERNAME [--role ROLE]`. */
int cli_share_add_member (CarreteCommand *cli, CarreteFolder *folder, const char *username,
                          const char *role);
/* `carrete share FOLDER --remove USERNAME`. */
int cli_share_remove_member (CarreteCommand *cli, CarreteFolder *folder, const char *username);
/* `carrete share --members FOLDER`. */
int cli_share_list_members (CarreteCommand *cli, CarreteFolder *folder);

G_END_DECLS
