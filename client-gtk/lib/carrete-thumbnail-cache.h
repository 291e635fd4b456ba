#pragma once

#include <gio/gio.h>

#include "carrete-client-types.h"

G_BEGIN_DECLS

#define CARRETE_TYPE_THUMBNAIL_CACHE (carrete_thumbnail_cache_get_type ())
G_DECLARE_FINAL_TYPE (CarreteThumbnailCache, carrete_thumbnail_cache, CARRETE, THUMBNAIL_CACHE,
                      GObject)

#define CARRETE_THUMBNAIL_CACHE_DEFAULT_MAX_BYTES (256 * 1024 * 1024)

/* A disk cache of thumbnail bytes, one file per key under `directory`
 * (NULL: g_get_user_cache_dir()/carrete/thumbnails), bounded to `max_bytes`
 * (0: the default): the least recently used files go first.  All file I/O
 * runs in worker threads.  Properties: directory, max-bytes, size (bytes
 * currently on disk, as counted by this object). */
CarreteThumbnailCache *carrete_thumbnail_cache_new (const char *directory, guint64 max_bytes);

const char *carrete_thumbnail_cache_get_directory (CarreteThumbnailCache *self);
guint64 carrete_thumbnail_cache_get_max_bytes (CarreteThumbnailCache *self);
guint64 carrete_thumbnail_cache_get_size (CarreteThumbnailCache *self);

/* The cache key of a photo's thumbnail: its id and sha256 (or updated-at),
 * so that new bytes under the same id miss. */
char *carrete_thumbnail_cache_key_for_photo (CarretePhoto *photo);

/* The stored bytes, or NULL without error when `key` is not cached. */
void carrete_thumbnail_cache_lookup_async (CarreteThumbnailCache *self, const char *key,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
GBytes *carrete_thumbnail_cache_lookup_finish (CarreteThumbnailCache *self, GAsyncResult *result,
                                               GError **error);

/* Writes atomically (temp file + rename), then trims to max-bytes. */
void carrete_thumbnail_cache_store_async (CarreteThumbnailCache *self, const char *key,
                                          GBytes *bytes, GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data);
gboolean carrete_thumbnail_cache_store_finish (CarreteThumbnailCache *self, GAsyncResult *result,
                                               GError **error);

/* The photo's thumbnail: from disk when cached, else fetched through
 * `client` (carrete_client_fetch_bytes_async) and stored.  An expired
 * presigned URL (403) is renewed once by asking for the photo again. */
void carrete_thumbnail_cache_fetch_async (CarreteThumbnailCache *self, CarreteClient *client,
                                          CarretePhoto *photo, GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data);
GBytes *carrete_thumbnail_cache_fetch_finish (CarreteThumbnailCache *self, GAsyncResult *result,
                                              GError **error);

/* Removes every cached file (sign out). */
void carrete_thumbnail_cache_clear_async (CarreteThumbnailCache *self, GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data);
gboolean carrete_thumbnail_cache_clear_finish (CarreteThumbnailCache *self, GAsyncResult *result,
                                               GError **error);

G_END_DECLS
