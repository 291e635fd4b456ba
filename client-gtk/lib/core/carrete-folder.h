#pragma once

#include <json-glib/json-glib.h>

#include "carrete-api-types.h"

G_BEGIN_DECLS

#define CARRETE_TYPE_FOLDER (carrete_folder_get_type ())
G_DECLARE_FINAL_TYPE (CarreteFolder, carrete_folder, CARRETE, FOLDER, GObject)

CarreteFolder *carrete_folder_new_from_json (JsonObject *object, GError **error);

/* Read-only properties: id, owner-id, name, visibility ("private" or
 * "public"), role (the caller's: "owner", "contributor", "viewer", or NULL
 * for a stranger), tags (GStrv, never NULL), created-at, updated-at. */
const char *carrete_folder_get_id (CarreteFolder *self);
const char *carrete_folder_get_owner_id (CarreteFolder *self);
const char *carrete_folder_get_name (CarreteFolder *self);
const char *carrete_folder_get_visibility (CarreteFolder *self);
const char *carrete_folder_get_role (CarreteFolder *self);
const char *const *carrete_folder_get_tags (CarreteFolder *self);
GDateTime *carrete_folder_get_created_at (CarreteFolder *self);
GDateTime *carrete_folder_get_updated_at (CarreteFolder *self);

G_END_DECLS
