#define G_LOG_DOMAIN "carrete-folder"

#include "carrete-folder.h"
#include "carrete-api-private.h"

struct _CarreteFolder
{
  GObject parent_instance;
  char *id;
  char *owner_id;
  char *name;
  char *visibility;
  char *role;
  char **tags;
  GDateTime *created_at;
  GDateTime *updated_at;
};

G_DEFINE_FINAL_TYPE (CarreteFolder, carrete_folder, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_OWNER_ID,
  PROP_NAME,
  PROP_VISIBILITY,
  PROP_ROLE,
  PROP_TAGS,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static void
carrete_folder_finalize (GObject *object)
{
  CarreteFolder *self = CARRETE_FOLDER (object);

  g_free (self->id);
  g_free (self->owner_id);
  g_free (self->name);
  g_free (self->visibility);
  g_free (self->role);
  g_strfreev (self->tags);
  g_clear_pointer (&self->created_at, g_date_time_unref);
  g_clear_pointer (&self->updated_at, g_date_time_unref);
  G_OBJECT_CLASS (carrete_folder_parent_class)->finalize (object);
}

static void
carrete_folder_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CarreteFolder *self = CARRETE_FOLDER (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, self->id); break;
    case PROP_OWNER_ID: g_value_set_string (value, self->owner_id); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_VISIBILITY: g_value_set_string (value, self->visibility); break;
    case PROP_ROLE: g_value_set_string (value, self->role); break;
    case PROP_TAGS: g_value_set_boxed (value, self->tags); break;
    case PROP_CREATED_AT: g_value_set_boxed (value, self->created_at); break;
    case PROP_UPDATED_AT: g_value_set_boxed (value, self->updated_at); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
carrete_folder_class_init (CarreteFolderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = carrete_folder_finalize;
  object_class->get_property = carrete_folder_get_property;
  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_OWNER_ID] = g_param_spec_string ("owner-id", NULL, NULL, NULL, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_VISIBILITY] = g_param_spec_string ("visibility", NULL, NULL, NULL, flags);
  properties[PROP_ROLE] = g_param_spec_string ("role", NULL, NULL, NULL, flags);
  properties[PROP_TAGS] = g_param_spec_boxed ("tags", NULL, NULL, G_TYPE_STRV, flags);
  properties[PROP_CREATED_AT] = g_param_spec_boxed ("created-at", NULL, NULL, G_TYPE_DATE_TIME,
                                                    flags);
  properties[PROP_UPDATED_AT] = g_param_spec_boxed ("updated-at", NULL, NULL, G_TYPE_DATE_TIME,
                                                    flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
carrete_folder_init (CarreteFolder *self)
{
}

static char **
read_tags (JsonObject *object)
{
  JsonNode *node = json_object_get_member (object, "tags");
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (element));
        }
    }
  return g_strv_builder_end (builder);
}

CarreteFolder *
carrete_folder_new_from_json (JsonObject *object, GError **error)
{
  static const char *const required[] = { "id", "name", NULL };
  CarreteFolder *self;

  if (!_carrete_json_require (object, required, "folder", error))
    return NULL;
  self = g_object_new (CARRETE_TYPE_FOLDER, NULL);
  self->id = g_strdup (carrete_json_get_string (object, "id"));
  self->owner_id = g_strdup (carrete_json_get_string (object, "owner_id"));
  self->name = g_strdup (carrete_json_get_string (object, "name"));
  self->visibility = g_strdup (carrete_json_get_string (object, "visibility"));
  self->role = g_strdup (carrete_json_get_string (object, "role"));
  self->tags = read_tags (object);
  self->created_at = carrete_json_get_time (object, "created_at");
  self->updated_at = carrete_json_get_time (object, "updated_at");
  return self;
}

const char *
carrete_folder_get_id (CarreteFolder *self)
{
  g_return_val_if_fail (CARRETE_IS_FOLDER (self), NULL);
  return self->id;
}

const char *
carrete_folder_get_owner_id (CarreteFolder *self)
{
  g_return_val_if_fail (CARRETE_IS_FOLDER (self), NULL);
  return self->owner_id;
}

const char *
carrete_folder_get_name (CarreteFolder *self)
{
  g_return_val_if_fail (CARRETE_IS_FOLDER (self), NULL);
  return self->name;
}

const char *
carrete_folder_get_visibility (CarreteFolder *self)
{
  g_return_val_if_fail (CARRETE_IS_FOLDER (self), NULL);
  return self->visibility;
}

const char *
carrete_folder_get_role (CarreteFolder *self)
{
  g_return_val_if_fail (CARRETE_IS_FOLDER (self), NULL);
  return self->role;
}

const char *const *
carrete_folder_get_tags (CarreteFolder *self)
{
  g_return_val_if_fail (CARRETE_IS_FOLDER (self), NULL);
  return (const char *const *) self->tags;
}

GDateTime *
carrete_folder_get_created_at (CarreteFolder *self)
{
  g_return_val_if_fail (CARRETE_IS_FOLDER (self), NULL);
  return self->created_at;
}

GDateTime *
carrete_folder_get_updated_at (CarreteFolder *self)
{
  g_return_val_if_fail (CARRETE_IS_FOLDER (self), NULL);
  return self->updated_at;
}
