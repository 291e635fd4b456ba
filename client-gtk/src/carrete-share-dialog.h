#pragma once

#include <adwaita.h>

#include "carrete-client-types.h"
#include "carrete-share-links.h"
#include "carrete-share-members.h"
#include "carrete-types.h"

G_BEGIN_DECLS

/* Share Folder…: the owner's window over one folder's share links
 * (CarreteShareLinks) and members (CarreteShareMembers). */
#define CARRETE_TYPE_SHARE_DIALOG (carrete_share_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CarreteShareDialog, carrete_share_dialog, CARRETE, SHARE_DIALOG, AdwWindow)

CarreteShareDialog *carrete_share_dialog_new (GtkWindow *parent, CarreteClient *client,
                                              CarreteFolder *folder);

/* Its two sections, for the tests. */
CarreteShareLinks *carrete_share_dialog_get_links (CarreteShareDialog *self);
CarreteShareMembers *carrete_share_dialog_get_members (CarreteShareDialog *self);

G_END_DECLS
