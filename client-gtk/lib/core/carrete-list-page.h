#pragma once

#include <json-glib/json-glib.h>

#include "carrete-api-types.h"
#include "carrete-json.h"

G_BEGIN_DECLS

/* One page of a list the services answer, {items: [...], next_cursor}:
 * GET /v1/photos (CarretePhotoPage, items are CarretePhoto) and
 * GET /v1/folders (CarreteFolderPage, items are CarreteFolder) and
 * GET /v1/trash (CarreteTrashPage, items are CarreteTrashItem),
 * GET /v1/shares (CarreteSharePage, of CarreteShare) and
 * GET /v1/folders/{id}/members (CarreteMemberPage, of CarreteMember). */
struct _CarreteListPage
{
  GPtrArray *items;  /* the models, owned */
  char *next_cursor; /* NULL on the last page */
};

/* From the service's JSON: NOT_CARRETE when `items` is missing, PROTOCOL
 * when one of them is not an object, else `item_from_json`'s error. */
CarreteListPage *carrete_list_page_new_from_json (JsonObject *object,
                                                  CarreteFromJson item_from_json, GError **error);
void carrete_list_page_free (CarreteListPage *page);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarreteListPage, carrete_list_page_free)

/* One page of GET /v1/photos, of CarretePhoto. */
CarretePhotoPage *carrete_photo_page_new_from_json (JsonObject *object, GError **error);
#define carrete_photo_page_free carrete_list_page_free
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarretePhotoPage, carrete_list_page_free)

/* One page of GET /v1/folders, of CarreteFolder. */
CarreteFolderPage *carrete_folder_page_new_from_json (JsonObject *object, GError **error);
#define carrete_folder_page_free carrete_list_page_free
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarreteFolderPage, carrete_list_page_free)

/* One page of GET /v1/trash, of CarreteTrashItem. */
CarreteTrashPage *carrete_trash_page_new_from_json (JsonObject *object, GError **error);
#define carrete_trash_page_free carrete_list_page_free
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarreteTrashPage, carrete_list_page_free)

/* One page of GET /v1/shares, of CarreteShare. */
CarreteSharePage *carrete_share_page_new_from_json (JsonObject *object, GError **error);
#define carrete_share_page_free carrete_list_page_free
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarreteSharePage, carrete_list_page_free)

/* One page of GET /v1/folders/{id}/members, of CarreteMember. */
CarreteMemberPage *carrete_member_page_new_from_json (JsonObject *object, GError **error);
#define carrete_member_page_free carrete_list_page_free
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarreteMemberPage, carrete_list_page_free)

G_END_DECLS
