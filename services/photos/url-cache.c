#define G_LOG_DOMAIN "carrete-photos-url-cache"

#include "url-cache.h"

#define MAX_WINDOW_SECONDS 300

struct _PhotosUrlCache
{
  CarreteStorage *storage; /* borrowed */
  guint ttl;
  guint window;
  guint max_entries;
  gint64 current_window;   /* start of the window the entries belong to */
  GHashTable *urls;        /* "content type\nkey" → URL */
};

PhotosUrlCache *
photos_url_cache_new (CarreteStorage *storage, guint ttl_seconds, guint max_entries)
{
  PhotosUrlCache *cache = g_new0 (PhotosUrlCache, 1);

  cache->storage = storage;
  cache->ttl = ttl_seconds;
  cache->window = CLAMP (ttl_seconds / 4, 1, MAX_WINDOW_SECONDS);
  cache->max_entries = max_entries;
  cache->current_window = -1;
  cache->urls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return cache;
}

void
photos_url_cache_free (PhotosUrlCache *cache)
{
  if (cache == NULL)
    return;
  g_hash_table_unref (cache->urls);
  g_free (cache);
}

char *
photos_url_cache_get (PhotosUrlCache *cache, const char *key, const char *content_type,
                      gint64 now)
{
  gint64 window_start = now - now % cache->window;
  g_autofree char *lookup = g_strconcat (content_type != NULL ? content_type : "", "\n", key, NULL);
  const char *known;
  char *url;

  if (window_start != cache->current_window || g_hash_table_size (cache->urls) >= cache->max_entries)
    {
      g_hash_table_remove_all (cache->urls);
      cache->current_window = window_start;
    }
  known = g_hash_table_lookup (cache->urls, lookup);
  if (known != NULL)
    return g_strdup (known);
  url = carrete_storage_presign_get (cache->storage, key, window_start, cache->ttl, content_type,
                                     NULL);
  if (url != NULL)
    g_hash_table_insert (cache->urls, g_steal_pointer (&lookup), g_strdup (url));
  return url;
}
