#pragma once

#include "carrete-types.h"

G_BEGIN_DECLS

/* A bounded least-recently-used map from a key (a photo id) to an object
 * (a GdkTexture), bounded by the sum of the sizes the caller gives: the
 * gallery keeps at most a few screens of decoded thumbnails in memory while
 * the disk cache keeps the rest. */
#define CARRETE_TYPE_TEXTURE_CACHE (carrete_texture_cache_get_type ())
G_DECLARE_FINAL_TYPE (CarreteTextureCache, carrete_texture_cache, CARRETE, TEXTURE_CACHE, GObject)

CarreteTextureCache *carrete_texture_cache_new (gsize max_bytes);
/* A new reference, or NULL; a hit makes the entry the most recent. */
gpointer carrete_texture_cache_lookup (CarreteTextureCache *self, const char *key);
void carrete_texture_cache_insert (CarreteTextureCache *self, const char *key,
                                   gpointer object, gsize size);
void carrete_texture_cache_clear (CarreteTextureCache *self);
gsize carrete_texture_cache_get_size (CarreteTextureCache *self);
guint carrete_texture_cache_get_count (CarreteTextureCache *self);

G_END_DECLS
