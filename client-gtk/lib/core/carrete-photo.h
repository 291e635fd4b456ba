#pragma once

#include <json-glib/json-glib.h>

#include "carrete-api-types.h"

G_BEGIN_DECLS

#define CARRETE_TYPE_PHOTO (carrete_photo_get_type ())
G_DECLARE_FINAL_TYPE (CarretePhoto, carrete_photo, CARRETE, PHOTO, GObject)

CarretePhoto *carrete_photo_new_from_json (JsonObject *object, GError **error);

/* Read-only properties: id, owner-id, folder-id (NULL outside folders),
 * name, content-type, size, width, height (0 until ready), sha256, state
 * ("pending" or "ready"), taken-at (NULL without EXIF), uploaded-at,
 * updated-at, url, thumbnail-url (256 px), preview-url (1280 px).  The URLs
 * are presigned and expire (CARRETE_URL_TTL on the server). */
const char *carrete_photo_get_id (CarretePhoto *self);
const char *carrete_photo_get_owner_id (CarretePhoto *self);
const char *carrete_photo_get_folder_id (CarretePhoto *self);
const char *carrete_photo_get_name (CarretePhoto *self);
const char *carrete_photo_get_content_type (CarretePhoto *self);
gint64 carrete_photo_get_size (CarretePhoto *self);
int carrete_photo_get_width (CarretePhoto *self);
int carrete_photo_get_height (CarretePhoto *self);
const char *carrete_photo_get_sha256 (CarretePhoto *self);
const char *carrete_photo_get_state (CarretePhoto *self);
GDateTime *carrete_photo_get_taken_at (CarretePhoto *self);
GDateTime *carrete_photo_get_uploaded_at (CarretePhoto *self);
GDateTime *carrete_photo_get_updated_at (CarretePhoto *self);
const char *carrete_photo_get_url (CarretePhoto *self);
const char *carrete_photo_get_thumbnail_url (CarretePhoto *self);
const char *carrete_photo_get_preview_url (CarretePhoto *self);
const char *carrete_photo_get_thumbnails (CarretePhoto *self);

G_END_DECLS
