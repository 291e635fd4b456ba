#pragma once

#include <gio/gio.h>

#include "carrete-client-types.h"
#include "carrete-photo-query.h"

G_BEGIN_DECLS

#define CARRETE_TYPE_PHOTO_LIST (carrete_photo_list_get_type ())
G_DECLARE_FINAL_TYPE (CarretePhotoList, carrete_photo_list, CARRETE, PHOTO_LIST, GObject)

/* A GListModel of CarretePhoto that pages through GET /v1/photos.  Asking
 * for an item within "threshold" (default 50) of the end loads the next page
 * (one request at a time).  Changing the query empties the list and drops
 * answers to the old query.  A failure sets "error" and keeps the items;
 * the next load_more() tries again.
 *
 * Properties: client, query (CarretePhotoQuery, boxed), loading, has-more,
 * error (GError, boxed, NULL after a success), threshold. */
CarretePhotoList *carrete_photo_list_new (CarreteClient *client);

/* Copies `query` (NULL: all my photos; its cursor is ignored) and starts
 * over from the first page. */
void carrete_photo_list_set_query (CarretePhotoList *self, const CarretePhotoQuery *query);
const CarretePhotoQuery *carrete_photo_list_get_query (CarretePhotoList *self);
/* Loads the next page unless one is loading or there is none.  The first
 * call (or set_query()) loads the first page; until then the list is empty
 * and asks for nothing. */
void carrete_photo_list_load_more (CarretePhotoList *self);
/* Starts over from the first page with the same query. */
void carrete_photo_list_reload (CarretePhotoList *self);

gboolean carrete_photo_list_get_loading (CarretePhotoList *self);
gboolean carrete_photo_list_get_has_more (CarretePhotoList *self);
const GError *carrete_photo_list_get_error (CarretePhotoList *self);
guint carrete_photo_list_get_threshold (CarretePhotoList *self);
void carrete_photo_list_set_threshold (CarretePhotoList *self, guint threshold);

/* For the grid as uploads finish or photos are deleted: inserts `photo` at
 * the start (unless its id is already there) / removes the photo with `id`.
 * Returns TRUE when the list changed. */
gboolean carrete_photo_list_prepend (CarretePhotoList *self, CarretePhoto *photo);
gboolean carrete_photo_list_remove_id (CarretePhotoList *self, const char *photo_id);

G_END_DECLS
