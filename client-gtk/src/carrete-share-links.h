#pragma once

#include <adwaita.h>

#include "carrete-client-types.h"
#include "carrete-types.h"

G_BEGIN_DECLS

/* The Links half of the Share dialog: a new link (label, expiry, password,
 * downloads), its address shown once with a Copy button, and the folder's
 * links with their use count and last use, each with Revoke.  The server's
 * reason for refusing is shown in the section. */
#define CARRETE_TYPE_SHARE_LINKS (carrete_share_links_get_type ())
G_DECLARE_FINAL_TYPE (CarreteShareLinks, carrete_share_links, CARRETE, SHARE_LINKS, GtkBox)

/* The folder whose links it shows (the dialog's template makes it); loads
 * them at once. */
void carrete_share_links_set_folder (CarreteShareLinks *self, CarreteClient *client,
                                     const char *folder_id);

/* What the tests read and drive, in the same calls the widgets make. */
/* The new link's fields, as typed; `expires_days` is one of the choices
 * offered (0: never, 1, 7, 30, 365). */
void carrete_share_links_fill (CarreteShareLinks *self, const char *label, guint expires_days,
                               const char *password, gboolean allow_download);
/* Create Link. */
void carrete_share_links_submit (CarreteShareLinks *self);
/* Copy (the new link's address to the clipboard). */
void carrete_share_links_copy (CarreteShareLinks *self);
/* Revoke on the row of `share_id`. */
void carrete_share_links_revoke (CarreteShareLinks *self, const char *share_id);
/* TRUE while a call is under way. */
gboolean carrete_share_links_get_busy (CarreteShareLinks *self);
/* The links listed (CarreteShare). */
GListModel *carrete_share_links_get_shares (CarreteShareLinks *self);
/* The new link's address while it is shown, or NULL. */
const char *carrete_share_links_get_new_url (CarreteShareLinks *self);
/* The row's subtitle of `share_id` (uses, last use…), or NULL. */
const char *carrete_share_links_get_row_text (CarreteShareLinks *self, const char *share_id);
/* The error shown, or NULL. */
const char *carrete_share_links_get_error (CarreteShareLinks *self);

G_END_DECLS
