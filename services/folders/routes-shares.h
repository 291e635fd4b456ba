#pragma once

#include "carrete-server.h"
/* CARRETE_SHARE_HEADER and CARRETE_SHARE_PASSWORD_HEADER, the headers a
 * link holder sends. */
#include "carrete-service-client.h"

G_BEGIN_DECLS

/* /v1/shares[/{id}] and /v1/shares/current (DESIGN.md, "Sharing" →
 * "Links"). */
void folders_handle_shares_create (CarreteRequest *req);
void folders_handle_shares_list (CarreteRequest *req);
void folders_handle_shares_patch (CarreteRequest *req);
void folders_handle_shares_delete (CarreteRequest *req);
void folders_handle_shares_current (CarreteRequest *req);

/* GET /v1/folders/{id} with X-Carrete-Share: the folder the link covers
 * (role "link", with allow_download), or the link's refusal. */
void folders_handle_folder_by_link (CarreteRequest *req, gint64 folder_id);

G_END_DECLS
