#pragma once

#include <json-glib/json-glib.h>

#include "carrete-api-types.h"

G_BEGIN_DECLS

#define CARRETE_TYPE_USER (carrete_user_get_type ())
G_DECLARE_FINAL_TYPE (CarreteUser, carrete_user, CARRETE, USER, GObject)

/* From the users service's JSON; PROTOCOL error when `id` or `username`
 * is missing. */
CarreteUser *carrete_user_new_from_json (JsonObject *object, GError **error);

/* Read-only properties: id, username, email, role, created-at. */
const char *carrete_user_get_id (CarreteUser *self);
const char *carrete_user_get_username (CarreteUser *self);
const char *carrete_user_get_email (CarreteUser *self);
const char *carrete_user_get_role (CarreteUser *self);
GDateTime *carrete_user_get_created_at (CarreteUser *self);

G_END_DECLS
