#pragma once

#include <gtk/gtk.h>

#include "carrete-client-types.h"
#include "carrete-types.h"

G_BEGIN_DECLS

/* Thumbnails for the grid: a bounded in-memory LRU of decoded textures in
 * front of the library's disk cache (XDG cache dir) in front of the network.
 * Bytes are decoded into textures in a worker thread so that a screenful of
 * thumbnails arriving at once does not stall the main loop. */
#define CARRETE_TYPE_THUMBNAIL_LOADER (carrete_thumbnail_loader_get_type ())
G_DECLARE_FINAL_TYPE (CarreteThumbnailLoader, carrete_thumbnail_loader, CARRETE, THUMBNAIL_LOADER,
                      GObject)

/* `cache_dir` NULL: the user's cache dir.  `memory_bytes` bounds the
 * decoded textures kept (width × height × 4 each). */
CarreteThumbnailLoader *carrete_thumbnail_loader_new (CarreteClient *client, const char *cache_dir,
                                                      gsize memory_bytes);

/* The texture when it is in memory (a new reference), else NULL. */
GdkTexture *carrete_thumbnail_loader_lookup (CarreteThumbnailLoader *self, CarretePhoto *photo);

void carrete_thumbnail_loader_load_async (CarreteThumbnailLoader *self, CarretePhoto *photo,
                                          GCancellable *cancellable, GAsyncReadyCallback callback,
                                          gpointer user_data);
GdkTexture *carrete_thumbnail_loader_load_finish (CarreteThumbnailLoader *self,
                                                  GAsyncResult *result, GError **error);

/* Forgets the in-memory textures and the files on disk (sign out). */
void carrete_thumbnail_loader_clear (CarreteThumbnailLoader *self);

CarreteTextureCache *carrete_thumbnail_loader_get_memory (CarreteThumbnailLoader *self);
/* How many textures were decoded so far (for the bench and tests). */
guint carrete_thumbnail_loader_get_n_decoded (CarreteThumbnailLoader *self);

G_END_DECLS
