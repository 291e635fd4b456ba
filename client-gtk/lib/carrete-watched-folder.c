#define G_LOG_DOMAIN "carrete-watched-folder"

#include <errno.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "carrete-json.h"
#include "carrete-watched-folder.h"

struct _CarreteWatchedFolder
{
  GObject parent_instance;
  char *path;
  char *folder_id;
  char *folder_name;
  gboolean delete_on_server;
};

G_DEFINE_FINAL_TYPE (CarreteWatchedFolder, carrete_watched_folder, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_PATH,
  PROP_FOLDER_ID,
  PROP_FOLDER_NAME,
  PROP_DELETE_ON_SERVER,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static void
carrete_watched_folder_finalize (GObject *object)
{
  CarreteWatchedFolder *self = CARRETE_WATCHED_FOLDER (object);

  g_free (self->path);
  g_free (self->folder_id);
  g_free (self->folder_name);
  G_OBJECT_CLASS (carrete_watched_folder_parent_class)->finalize (object);
}

static void
carrete_watched_folder_get_property (GObject *object, guint prop_id, GValue *value,
                                     GParamSpec *pspec)
{
  CarreteWatchedFolder *self = CARRETE_WATCHED_FOLDER (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_FOLDER_ID:
      g_value_set_string (value, self->folder_id);
      break;
    case PROP_FOLDER_NAME:
      g_value_set_string (value, self->folder_name);
      break;
    case PROP_DELETE_ON_SERVER:
      g_value_set_boolean (value, self->delete_on_server);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
carrete_watched_folder_set_property (GObject *object, guint prop_id, const GValue *value,
                                     GParamSpec *pspec)
{
  CarreteWatchedFolder *self = CARRETE_WATCHED_FOLDER (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;
    case PROP_FOLDER_ID:
      self->folder_id = g_value_dup_string (value);
      break;
    case PROP_FOLDER_NAME:
      self->folder_name = g_value_dup_string (value);
      break;
    case PROP_DELETE_ON_SERVER:
      carrete_watched_folder_set_delete_on_server (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
carrete_watched_folder_class_init (CarreteWatchedFolderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags once = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = carrete_watched_folder_finalize;
  object_class->get_property = carrete_watched_folder_get_property;
  object_class->set_property = carrete_watched_folder_set_property;
  properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL, once);
  properties[PROP_FOLDER_ID] = g_param_spec_string ("folder-id", NULL, NULL, NULL, once);
  properties[PROP_FOLDER_NAME] = g_param_spec_string ("folder-name", NULL, NULL, NULL, once);
  properties[PROP_DELETE_ON_SERVER]
      = g_param_spec_boolean ("delete-on-server", NULL, NULL, FALSE,
                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
carrete_watched_folder_init (CarreteWatchedFolder *self)
{
}

CarreteWatchedFolder *
carrete_watched_folder_new (const char *path, const char *folder_id, const char *folder_name)
{
  g_return_val_if_fail (path != NULL && g_path_is_absolute (path), NULL);
  return g_object_new (CARRETE_TYPE_WATCHED_FOLDER, "path", path, "folder-id", folder_id,
                       "folder-name", folder_name, NULL);
}

const char *
carrete_watched_folder_get_path (CarreteWatchedFolder *self)
{
  return self->path;
}

const char *
carrete_watched_folder_get_folder_id (CarreteWatchedFolder *self)
{
  return self->folder_id;
}

const char *
carrete_watched_folder_get_folder_name (CarreteWatchedFolder *self)
{
  return self->folder_name;
}

gboolean
carrete_watched_folder_get_delete_on_server (CarreteWatchedFolder *self)
{
  return self->delete_on_server;
}

void
carrete_watched_folder_set_delete_on_server (CarreteWatchedFolder *self, gboolean value)
{
  value = !!value;
  if (self->delete_on_server == value)
    return;
  self->delete_on_server = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DELETE_ON_SERVER]);
}

/* ---- the list on disk -------------------------------------------------------------------- */

static CarreteWatchedFolder *
folder_from_json (JsonNode *node)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *path = object != NULL ? carrete_json_get_string (object, "path") : NULL;
  CarreteWatchedFolder *folder;

  if (path == NULL || !g_path_is_absolute (path))
    return NULL;
  folder = carrete_watched_folder_new (path, carrete_json_get_string (object, "folder_id"),
                                       carrete_json_get_string (object, "folder_name"));
  folder->delete_on_server = carrete_json_get_int (object, "delete_on_server", 0) != 0;
  return folder;
}

GPtrArray *
carrete_watched_folders_load (const char *file, GError **error)
{
  g_autoptr (GPtrArray) folders = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) local_error = NULL;
  JsonNode *root;

  if (!json_parser_load_from_file (parser, file, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&folders);
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", file);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: not a JSON array", file);
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (root)); i++)
    {
      CarreteWatchedFolder *folder
          = folder_from_json (json_array_get_element (json_node_get_array (root), i));

      if (folder != NULL)
        g_ptr_array_add (folders, folder);
    }
  return g_steal_pointer (&folders);
}

gboolean
carrete_watched_folders_save (GPtrArray *folders, const char *file, GError **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *dir = g_path_get_dirname (file);
  g_autofree char *data = NULL;
  gsize length = 0;

  json_builder_begin_array (builder);
  for (guint i = 0; i < folders->len; i++)
    {
      CarreteWatchedFolder *folder = g_ptr_array_index (folders, i);

      json_builder_begin_object (builder);
      carrete_json_add_string (builder, "path", folder->path);
      carrete_json_add_string (builder, "folder_id", folder->folder_id);
      carrete_json_add_string (builder, "folder_name", folder->folder_name);
      carrete_json_add_int (builder, "delete_on_server", folder->delete_on_server);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  data = json_generator_to_data (generator, &length);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "cannot create %s: %s",
                   dir, g_strerror (saved));
      return FALSE;
    }
  return g_file_set_contents_full (file, data, (gssize) length, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                   error);
}
