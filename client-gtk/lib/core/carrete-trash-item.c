#define G_LOG_DOMAIN "carrete-trash-item"

#include "carrete-trash-item.h"
#include "carrete-api-private.h"

struct _CarreteTrashItem
{
  GObject parent_instance;
  char *id;
  gboolean folder;
  char *name;
  char *folder_id;
  char *thumbnail_url;
  GDateTime *trashed_at;
  GDateTime *purge_at;
};

G_DEFINE_FINAL_TYPE (CarreteTrashItem, carrete_trash_item, G_TYPE_OBJECT)

static void
carrete_trash_item_finalize (GObject *object)
{
  CarreteTrashItem *self = CARRETE_TRASH_ITEM (object);

  g_free (self->id);
  g_free (self->name);
  g_free (self->folder_id);
  g_free (self->thumbnail_url);
  g_clear_pointer (&self->trashed_at, g_date_time_unref);
  g_clear_pointer (&self->purge_at, g_date_time_unref);
  G_OBJECT_CLASS (carrete_trash_item_parent_class)->finalize (object);
}

static void
carrete_trash_item_class_init (CarreteTrashItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = carrete_trash_item_finalize;
}

static void
carrete_trash_item_init (CarreteTrashItem *self)
{
}

CarreteTrashItem *
carrete_trash_item_new_from_json (JsonObject *object, GError **error)
{
  static const char *const required[] = { "id", "kind", "name", NULL };
  CarreteTrashItem *self;

  if (!_carrete_json_require (object, required, "trash item", error))
    return NULL;
  self = g_object_new (CARRETE_TYPE_TRASH_ITEM, NULL);
  self->id = g_strdup (carrete_json_get_string (object, "id"));
  self->folder = g_strcmp0 (carrete_json_get_string (object, "kind"), "folder") == 0;
  self->name = g_strdup (carrete_json_get_string (object, "name"));
  self->folder_id = g_strdup (carrete_json_get_string (object, "folder_id"));
  self->thumbnail_url = g_strdup (carrete_json_get_string (object, "thumbnail_url"));
  self->trashed_at = carrete_json_get_time (object, "trashed_at");
  self->purge_at = carrete_json_get_time (object, "purge_at");
  return self;
}

const char *
carrete_trash_item_get_id (CarreteTrashItem *self)
{
  g_return_val_if_fail (CARRETE_IS_TRASH_ITEM (self), NULL);
  return self->id;
}

gboolean
carrete_trash_item_is_folder (CarreteTrashItem *self)
{
  g_return_val_if_fail (CARRETE_IS_TRASH_ITEM (self), FALSE);
  return self->folder;
}

const char *
carrete_trash_item_get_name (CarreteTrashItem *self)
{
  g_return_val_if_fail (CARRETE_IS_TRASH_ITEM (self), NULL);
  return self->name;
}

const char *
carrete_trash_item_get_folder_id (CarreteTrashItem *self)
{
  g_return_val_if_fail (CARRETE_IS_TRASH_ITEM (self), NULL);
  return self->folder_id;
}

const char *
carrete_trash_item_get_thumbnail_url (CarreteTrashItem *self)
{
  g_return_val_if_fail (CARRETE_IS_TRASH_ITEM (self), NULL);
  return self->thumbnail_url;
}

GDateTime *
carrete_trash_item_get_trashed_at (CarreteTrashItem *self)
{
  g_return_val_if_fail (CARRETE_IS_TRASH_ITEM (self), NULL);
  return self->trashed_at;
}

GDateTime *
carrete_trash_item_get_purge_at (CarreteTrashItem *self)
{
  g_return_val_if_fail (CARRETE_IS_TRASH_ITEM (self), NULL);
  return self->purge_at;
}
