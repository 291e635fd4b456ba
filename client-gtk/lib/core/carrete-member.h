#pragma once

#include <json-glib/json-glib.h>

#include "carrete-api-types.h"

G_BEGIN_DECLS

/* An account a folder is shared with (GET/PUT /v1/folders/{id}/members). */
#define CARRETE_TYPE_MEMBER (carrete_member_get_type ())
G_DECLARE_FINAL_TYPE (CarreteMember, carrete_member, CARRETE, MEMBER, GObject)

/* PROTOCOL error when `user_id` or `role` is missing. */
CarreteMember *carrete_member_new_from_json (JsonObject *object, GError **error);

const char *carrete_member_get_user_id (CarreteMember *self);
/* NULL when the folders service could not say it. */
const char *carrete_member_get_username (CarreteMember *self);
/* "viewer" or "contributor". */
const char *carrete_member_get_role (CarreteMember *self);
GDateTime *carrete_member_get_added_at (CarreteMember *self);

/* Its page, CarreteMemberPage, is in carrete-list-page.h. */

G_END_DECLS
