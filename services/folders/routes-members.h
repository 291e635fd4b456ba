#pragma once

#include "carrete-server.h"

G_BEGIN_DECLS

/* /v1/folders/{id}/members[/{user_id}] (DESIGN.md, "Sharing"). */
void folders_handle_members_put (CarreteRequest *req);
void folders_handle_members_list (CarreteRequest *req);
void folders_handle_members_delete (CarreteRequest *req);

G_END_DECLS
