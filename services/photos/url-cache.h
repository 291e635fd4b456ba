#pragma once

#include "carrete-storage.h"

G_BEGIN_DECLS

/* Presigned GET URLs that stay the same for a while.
 *
 * The signing time is rounded down to a window (a quarter of the URL's
 * lifetime, at most 5 minutes), so every answer within one window hands
 * out the same URL for the same object.  Browsers and the desktop app then
 * find thumbnails in their caches across page loads, and the service signs
 * each URL once per window instead of once per request (a page of 50
 * thumbnails is 50 signatures).  A URL stays valid at least `ttl` minus
 * one window.  Main-loop only; bounded: the cache starts afresh with each
 * window and never holds more than `max_entries`. */
typedef struct _PhotosUrlCache PhotosUrlCache;

PhotosUrlCache *photos_url_cache_new (CarreteStorage *storage, guint ttl_seconds,
                                      guint max_entries);
void photos_url_cache_free (PhotosUrlCache *cache);

/* A presigned GET of `key`, answered as `content_type`; NULL on error. */
char *photos_url_cache_get (PhotosUrlCache *cache, const char *key, const char *content_type,
                            gint64 now);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhotosUrlCache, photos_url_cache_free)

G_END_DECLS
