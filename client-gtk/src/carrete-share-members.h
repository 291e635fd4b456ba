#pragma once

#include <adwaita.h>

#include "carrete-client-types.h"
#include "carrete-types.h"

G_BEGIN_DECLS

/* The Members half of the Share dialog: add an account by username with a
 * role (viewer or contributor), and the folder's members, each with its
 * role (changed in place) and Remove.  The server's reason for refusing
 * (an unknown username, yourself) is shown in the section. */
#define CARRETE_TYPE_SHARE_MEMBERS (carrete_share_members_get_type ())
G_DECLARE_FINAL_TYPE (CarreteShareMembers, carrete_share_members, CARRETE, SHARE_MEMBERS, GtkBox)

/* The folder whose members it shows (the dialog's template makes it);
 * loads them at once. */
void carrete_share_members_set_folder (CarreteShareMembers *self, CarreteClient *client,
                                       const char *folder_id);

/* What the tests read and drive, in the same calls the widgets make. */
/* The new member's fields, as typed; `role` "viewer" or "contributor". */
void carrete_share_members_fill (CarreteShareMembers *self, const char *username,
                                 const char *role);
/* Add. */
void carrete_share_members_submit (CarreteShareMembers *self);
/* Picks `role` in the row of `user_id` (which saves it). */
void carrete_share_members_set_role (CarreteShareMembers *self, const char *user_id,
                                     const char *role);
/* Remove on the row of `user_id`. */
void carrete_share_members_remove (CarreteShareMembers *self, const char *user_id);
gboolean carrete_share_members_get_busy (CarreteShareMembers *self);
/* The members listed (CarreteMember). */
GListModel *carrete_share_members_get_members (CarreteShareMembers *self);
/* The error shown, or NULL. */
const char *carrete_share_members_get_error (CarreteShareMembers *self);

G_END_DECLS
