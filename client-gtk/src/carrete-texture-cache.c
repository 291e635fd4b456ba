#define G_LOG_DOMAIN "carrete-texture-cache"

#include "carrete-texture-cache.h"

typedef struct
{
  char *key;
  GObject *object;
  gsize size;
} Entry;

struct _CarreteTextureCache
{
  GObject parent_instance;
  gsize max_bytes;
  gsize size;
  GQueue lru;         /* of Entry*, most recent at the head */
  GHashTable *by_key; /* key → GList link in lru */
};

G_DEFINE_FINAL_TYPE (CarreteTextureCache, carrete_texture_cache, G_TYPE_OBJECT)

static void
entry_free (Entry *entry)
{
  g_free (entry->key);
  g_object_unref (entry->object);
  g_free (entry);
}

static void
remove_link (CarreteTextureCache *self, GList *link)
{
  Entry *entry = link->data;

  g_hash_table_remove (self->by_key, entry->key);
  g_queue_delete_link (&self->lru, link);
  self->size -= entry->size;
  entry_free (entry);
}

static void
evict (CarreteTextureCache *self)
{
  /* The newest entry stays even when it alone is over the bound. */
  while (self->size > self->max_bytes && self->lru.length > 1)
    remove_link (self, self->lru.tail);
}

static void
carrete_texture_cache_finalize (GObject *object)
{
  CarreteTextureCache *self = CARRETE_TEXTURE_CACHE (object);

  carrete_texture_cache_clear (self);
  g_hash_table_unref (self->by_key);
  G_OBJECT_CLASS (carrete_texture_cache_parent_class)->finalize (object);
}

static void
carrete_texture_cache_class_init (CarreteTextureCacheClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = carrete_texture_cache_finalize;
}

static void
carrete_texture_cache_init (CarreteTextureCache *self)
{
  g_queue_init (&self->lru);
  self->by_key = g_hash_table_new (g_str_hash, g_str_equal);
}

CarreteTextureCache *
carrete_texture_cache_new (gsize max_bytes)
{
  CarreteTextureCache *self = g_object_new (CARRETE_TYPE_TEXTURE_CACHE, NULL);

  self->max_bytes = max_bytes;
  return self;
}

gpointer
carrete_texture_cache_lookup (CarreteTextureCache *self, const char *key)
{
  GList *link;

  g_return_val_if_fail (CARRETE_IS_TEXTURE_CACHE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  link = g_hash_table_lookup (self->by_key, key);
  if (link == NULL)
    return NULL;
  g_queue_unlink (&self->lru, link);
  g_queue_push_head_link (&self->lru, link);
  return g_object_ref (((Entry *) link->data)->object);
}

void
carrete_texture_cache_insert (CarreteTextureCache *self, const char *key,
                              gpointer object, gsize size)
{
  GList *link;
  Entry *entry;

  g_return_if_fail (CARRETE_IS_TEXTURE_CACHE (self));
  g_return_if_fail (key != NULL);
  g_return_if_fail (G_IS_OBJECT (object));

  link = g_hash_table_lookup (self->by_key, key);
  if (link != NULL)
    remove_link (self, link);

  entry = g_new0 (Entry, 1);
  entry->key = g_strdup (key);
  entry->object = g_object_ref (object);
  entry->size = size;
  g_queue_push_head (&self->lru, entry);
  g_hash_table_insert (self->by_key, entry->key, self->lru.head);
  self->size += size;
  evict (self);
}

void
carrete_texture_cache_clear (CarreteTextureCache *self)
{
  g_return_if_fail (CARRETE_IS_TEXTURE_CACHE (self));

  while (self->lru.head != NULL)
    remove_link (self, self->lru.head);
}

gsize
carrete_texture_cache_get_size (CarreteTextureCache *self)
{
  g_return_val_if_fail (CARRETE_IS_TEXTURE_CACHE (self), 0);
  return self->size;
}

guint
carrete_texture_cache_get_count (CarreteTextureCache *self)
{
  g_return_val_if_fail (CARRETE_IS_TEXTURE_CACHE (self), 0);
  return self->lru.length;
}
