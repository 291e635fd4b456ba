#pragma once

#include <json-glib/json-glib.h>

#include "carrete-api-types.h"

G_BEGIN_DECLS

#define CARRETE_TYPE_USER (carrete_user_get_type ())
G_DECLARE_FINAL_TYPE (CarreteUser, carrete_user, CARRETE, USER, GObject)

/* From the users service's JSON; PROTOCOL error when `id` or `username`
 * is missing. */
CarreteUser *carrete_user_new_from_json (JsonObject *object, GError **error);

/* Read-only properties: id, username, email, role, created-at, quota-bytes,
 * usage-bytes. */
const char *carrete_user_get_id (CarreteUser *self);
const char *carrete_user_get_username (CarreteUser *self);
const char *carrete_user_get_email (CarreteUser *self);
const char *carrete_user_get_role (CarreteUser *self);
GDateTime *carrete_user_get_created_at (CarreteUser *self);
/* The account's storage quota (0: no limit) and usage in bytes, as
 * /v1/users/me says them; -1 when the answer did not (a public profile, or
 * carrete-photos could not be asked).  Properties quota-bytes, usage-bytes. */
gint64 carrete_user_get_quota_bytes (CarreteUser *self);
gint64 carrete_user_get_usage_bytes (CarreteUser *self);

G_END_DECLS
