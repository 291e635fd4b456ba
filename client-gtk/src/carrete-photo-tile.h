#pragma once

#include <gtk/gtk.h>

#include "carrete-client-types.h"
#include "carrete-types.h"

G_BEGIN_DECLS

/* One cell of the gallery grid: the photo's thumbnail, loaded when the cell
 * is bound and abandoned when it is recycled for another photo. */
#define CARRETE_TYPE_PHOTO_TILE (carrete_photo_tile_get_type ())
G_DECLARE_FINAL_TYPE (CarretePhotoTile, carrete_photo_tile, CARRETE, PHOTO_TILE, GtkWidget)

CarretePhotoTile *carrete_photo_tile_new (CarreteThumbnailLoader *loader);
/* NULL unbinds. */
void carrete_photo_tile_set_photo (CarretePhotoTile *self, CarretePhoto *photo);
CarretePhoto *carrete_photo_tile_get_photo (CarretePhotoTile *self);
/* TRUE once the thumbnail is shown. */
gboolean carrete_photo_tile_has_thumbnail (CarretePhotoTile *self);
/* TRUE when the service could not make this photo's thumbnail. */
gboolean carrete_photo_tile_has_no_preview (CarretePhotoTile *self);

G_END_DECLS
