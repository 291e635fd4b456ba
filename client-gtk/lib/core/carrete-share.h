#pragma once

#include <json-glib/json-glib.h>

#include "carrete-api-types.h"

G_BEGIN_DECLS

/* A share link as its owner sees it (POST/GET/PATCH /v1/shares).  The
 * token and the page's URL are only in the answer to its creation. */
#define CARRETE_TYPE_SHARE (carrete_share_get_type ())
G_DECLARE_FINAL_TYPE (CarreteShare, carrete_share, CARRETE, SHARE, GObject)

/* PROTOCOL error when `id` is missing. */
CarreteShare *carrete_share_new_from_json (JsonObject *object, GError **error);

const char *carrete_share_get_id (CarreteShare *self);
/* What the link covers: one of the two is set. */
const char *carrete_share_get_folder_id (CarreteShare *self);
const char *carrete_share_get_photo_id (CarreteShare *self);
/* NULL except in the answer to the creation (shown once). */
const char *carrete_share_get_token (CarreteShare *self);
/* "/s/{token}", relative to the web address; NULL as the token. */
const char *carrete_share_get_url (CarreteShare *self);
/* NULL when it has none. */
const char *carrete_share_get_label (CarreteShare *self);
gboolean carrete_share_get_allow_download (CarreteShare *self);
gboolean carrete_share_get_has_password (CarreteShare *self);
/* NULL: never expires. */
GDateTime *carrete_share_get_expires_at (CarreteShare *self);
GDateTime *carrete_share_get_created_at (CarreteShare *self);
gint64 carrete_share_get_use_count (CarreteShare *self);
/* NULL until first used. */
GDateTime *carrete_share_get_last_used_at (CarreteShare *self);

/* Its page, CarreteSharePage, is in carrete-list-page.h. */

G_END_DECLS
