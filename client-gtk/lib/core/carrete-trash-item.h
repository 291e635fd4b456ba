#pragma once

#include <json-glib/json-glib.h>

#include "carrete-api-types.h"

G_BEGIN_DECLS

/* One item of GET /v1/trash: a trashed photo or folder. */
#define CARRETE_TYPE_TRASH_ITEM (carrete_trash_item_get_type ())
G_DECLARE_FINAL_TYPE (CarreteTrashItem, carrete_trash_item, CARRETE, TRASH_ITEM, GObject)

CarreteTrashItem *carrete_trash_item_new_from_json (JsonObject *object, GError **error);

const char *carrete_trash_item_get_id (CarreteTrashItem *self);
/* TRUE for a folder, FALSE for a photo (the id's kind). */
gboolean carrete_trash_item_is_folder (CarreteTrashItem *self);
const char *carrete_trash_item_get_name (CarreteTrashItem *self);
/* Photos: the folder it goes back to, or NULL. */
const char *carrete_trash_item_get_folder_id (CarreteTrashItem *self);
/* Photos: a presigned URL of the small thumbnail, or NULL. */
const char *carrete_trash_item_get_thumbnail_url (CarreteTrashItem *self);
GDateTime *carrete_trash_item_get_trashed_at (CarreteTrashItem *self);
/* When it is deleted for good unless restored first. */
GDateTime *carrete_trash_item_get_purge_at (CarreteTrashItem *self);

/* Its page, CarreteTrashPage, is in carrete-list-page.h. */

G_END_DECLS
