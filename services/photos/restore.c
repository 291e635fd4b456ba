#define G_LOG_DOMAIN "carrete-photos-restore"

#include <json-glib/json-glib.h>
#include <string.h>

#include "backup-private.h"
#include "carrete-error.h"
#include "carrete-json-strict.h"

/* The manifest format this build reads and scripts/backup.sh writes. */
#define MANIFEST_FORMAT 1
#define MANIFEST_MAX_BYTES (256 * 1024 * 1024)

static const char *const databases[] = { "users", "folders", "photos", NULL };

static gboolean refuse (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
refuse (GError **error, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID, "the backup is not usable: %s",
               message);
  return FALSE;
}

static gboolean
is_sha256_hex (const char *value)
{
  if (value == NULL || strlen (value) != CARRETE_SHA256_HEX_LEN)
    return FALSE;
  for (const char *c = value; *c != '\0'; c++)
    if (!g_ascii_isxdigit (*c) || g_ascii_isupper (*c))
      return FALSE;
  return TRUE;
}

/* The member `name` of `object` if it has that type, else NULL. */
static JsonNode *
member (JsonObject *object, const char *name, GType type)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL)
    return NULL;
  if (type == JSON_TYPE_OBJECT || type == JSON_TYPE_ARRAY)
    return JSON_NODE_TYPE (node) == (type == JSON_TYPE_OBJECT ? JSON_NODE_OBJECT : JSON_NODE_ARRAY)
               ? node
               : NULL;
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type ? node : NULL;
}

/* The file `name` in `dir` must exist and hash to `sha256` (and be `size`
 * bytes long, unless size is negative). */
static gboolean
check_file (const char *dir, const char *name, const char *path, const char *sha256, gint64 size,
            GError **error)
{
  char hex[CARRETE_SHA256_HEX_LEN + 1];
  guint64 actual;
  g_autoptr (GError) local = NULL;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return refuse (error, "%s is missing from %s", name, dir);
  if (!backup_hash_path (path, hex, &actual, &local))
    return refuse (error, "%s", local->message);
  if (!g_str_equal (hex, sha256) || (size >= 0 && actual != (guint64) size))
    return refuse (error, "%s has changed since the backup (SHA-256 %s, the manifest says %s)",
                   name, hex, sha256);
  return TRUE;
}

/* "schema NAME VERSION" for each database, once its dump checks out. */
static gboolean
verify_databases (const char *dir, JsonObject *root, GString *summary, GError **error)
{
  JsonNode *node = member (root, "databases", JSON_TYPE_OBJECT);
  JsonObject *all = node != NULL ? json_node_get_object (node) : NULL;

  if (all == NULL)
    return refuse (error, "manifest.json has no \"databases\" object");
  for (guint i = 0; databases[i] != NULL; i++)
    {
      JsonNode *db_node = member (all, databases[i], JSON_TYPE_OBJECT);
      JsonObject *db = db_node != NULL ? json_node_get_object (db_node) : NULL;
      JsonNode *sha = member (db, "sha256", G_TYPE_STRING);
      JsonNode *version = member (db, "schema_version", G_TYPE_INT64);
      g_autofree char *name = g_strconcat (databases[i], ".dump", NULL);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (sha == NULL || version == NULL || !is_sha256_hex (json_node_get_string (sha))
          || json_node_get_int (version) <= 0)
        return refuse (error, "manifest.json: databases.%s needs sha256 and schema_version",
                       databases[i]);
      if (!check_file (dir, name, path, json_node_get_string (sha), -1, error))
        return FALSE;
      g_string_append_printf (summary, "schema %s %" G_GINT64_FORMAT "\n", databases[i],
                              json_node_get_int (version));
    }
  return TRUE;
}

static BackupObject *
object_from_json (JsonNode *node)
{
  JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonNode *photo_id = member (o, "photo_id", G_TYPE_INT64);
  JsonNode *key = member (o, "key", G_TYPE_STRING);
  JsonNode *sha = member (o, "sha256", G_TYPE_STRING);
  JsonNode *size = member (o, "size", G_TYPE_INT64);
  JsonNode *type = member (o, "content_type", G_TYPE_STRING);
  BackupObject *object;

  if (photo_id == NULL || key == NULL || sha == NULL || size == NULL || type == NULL
      || json_node_get_int (photo_id) <= 0
      || !carrete_storage_key_is_valid (json_node_get_string (key))
      || !is_sha256_hex (json_node_get_string (sha)) || json_node_get_int (size) < 0)
    return NULL;
  object = g_new0 (BackupObject, 1);
  object->photo_id = json_node_get_int (photo_id);
  object->key = g_strdup (json_node_get_string (key));
  object->sha256 = g_strdup (json_node_get_string (sha));
  object->size = (guint64) json_node_get_int (size);
  object->content_type = g_strdup (json_node_get_string (type));
  return object;
}

/* Every object listed, each file checked; "deleted ID..." into `summary`. */
static GPtrArray *
verify_objects (const char *dir, JsonObject *root, GString *summary, GError **error)
{
  JsonNode *node = member (root, "objects", JSON_TYPE_OBJECT);
  JsonObject *objects = node != NULL ? json_node_get_object (node) : NULL;
  JsonNode *items = member (objects, "items", JSON_TYPE_ARRAY);
  JsonNode *deleted = member (objects, "deleted_during_backup", JSON_TYPE_ARRAY);
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func (backup_object_free);

  if (items == NULL || deleted == NULL)
    return refuse (error, "manifest.json: \"objects\" needs items and deleted_during_backup"), NULL;
  g_string_append (summary, "deleted");
  for (guint i = 0; i < json_array_get_length (json_node_get_array (deleted)); i++)
    {
      JsonNode *id = json_array_get_element (json_node_get_array (deleted), i);

      if (!JSON_NODE_HOLDS_VALUE (id) || json_node_get_value_type (id) != G_TYPE_INT64)
        return refuse (error, "manifest.json: deleted_during_backup holds a non-integer"), NULL;
      g_string_append_printf (summary, " %" G_GINT64_FORMAT, json_node_get_int (id));
    }
  g_string_append_c (summary, '\n');
  for (guint i = 0; i < json_array_get_length (json_node_get_array (items)); i++)
    {
      BackupObject *object
          = object_from_json (json_array_get_element (json_node_get_array (items), i));
      g_autofree char *path = NULL;
      g_autofree char *name = NULL;

      if (object == NULL)
        return refuse (error, "manifest.json: objects.items[%u] is not a valid object", i), NULL;
      g_ptr_array_add (list, object);
      path = backup_object_path (dir, object->key);
      name = g_build_filename ("objects", object->key, NULL);
      if (!check_file (dir, name, path, object->sha256, (gint64) object->size, error))
        return NULL;
    }
  return g_steal_pointer (&list);
}

static JsonNode *
read_manifest (const char *dir, GError **error)
{
  g_autofree char *path = g_build_filename (dir, "manifest.json", NULL);
  g_autofree char *text = NULL;
  gsize len = 0;
  const char *reason = NULL;
  JsonNode *format;
  JsonNode *root;

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    return refuse (error, "%s is not a directory", dir), NULL;
  if (!g_file_get_contents (path, &text, &len, NULL))
    return refuse (error, "%s has no readable manifest.json", dir), NULL;
  if (len > MANIFEST_MAX_BYTES || !carrete_json_strict_check (text, len, &reason))
    return refuse (error, "manifest.json is not valid JSON (%s)", reason ? reason : "too large"),
           NULL;
  root = json_from_string (text, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_clear_pointer (&root, json_node_unref);
      return refuse (error, "manifest.json is not a JSON object"), NULL;
    }
  format = member (json_node_get_object (root), "format", G_TYPE_INT64);
  if (format == NULL || json_node_get_int (format) != MANIFEST_FORMAT)
    {
      json_node_unref (root);
      return refuse (error, "manifest.json is not of format %d", MANIFEST_FORMAT), NULL;
    }
  return root;
}

static GPtrArray *
verify (const char *dir, GString *summary, GError **error)
{
  g_autoptr (JsonNode) root = read_manifest (dir, error);

  if (root == NULL || !verify_databases (dir, json_node_get_object (root), summary, error))
    return NULL;
  return verify_objects (dir, json_node_get_object (root), summary, error);
}

gboolean
photos_backup_verify (const char *dir, GString *summary, GError **error)
{
  g_autoptr (GPtrArray) objects = verify (dir, summary, error);

  return objects != NULL;
}

/* The store must hold nothing: a restore never mixes with other photos. */
static gboolean
check_store_empty (CarreteStorage *storage, GError **error)
{
  g_autoptr (GPtrArray) keys = NULL;

  if (!carrete_storage_ensure_ready (storage, error)
      || (keys = carrete_storage_list (storage, NULL, error)) == NULL)
    return FALSE;
  if (keys->len == 0)
    return TRUE;
  g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFLICT,
               "the target storage is not empty (%u objects, e.g. %s): restore into an empty one",
               keys->len, (const char *) g_ptr_array_index (keys, 0));
  return FALSE;
}

GHashTable *
photos_restore_read_ids (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  g_auto (GStrv) words = NULL;
  g_autoptr (GHashTable) ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  if (!g_file_get_contents (path, &text, NULL, error))
    return NULL;
  words = g_strsplit_set (g_strstrip (text), " \t\n", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      guint64 id = 0;

      if (*words[i] == '\0')
        continue;
      if (!g_ascii_string_to_unsigned (words[i], 10, 1, G_MAXINT64, &id, NULL))
        {
          g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID, "%s: \"%s\" is not a photo id",
                       path, words[i]);
          return NULL;
        }
      g_hash_table_add (ids, g_memdup2 (&(gint64) { (gint64) id }, sizeof (gint64)));
    }
  return g_steal_pointer (&ids);
}

/* Puts the objects in `objects` not in `dropped`; FALSE (the objects it put
 * taken back) on the first failure. */
static gboolean
put_all (CarreteStorage *storage, const char *dir, GPtrArray *objects, GHashTable *dropped,
         GError **error)
{
  g_autoptr (GPtrArray) put = g_ptr_array_new ();

  for (guint i = 0; i < objects->len; i++)
    {
      BackupObject *o = g_ptr_array_index (objects, i);
      g_autofree char *path = backup_object_path (dir, o->key);

      if (dropped != NULL && g_hash_table_contains (dropped, &o->photo_id))
        continue;
      g_ptr_array_add (put, o->key);
      if (!carrete_storage_put_file_hashed (storage, o->key, path, o->content_type, o->sha256, NULL,
                                            error))
        {
          /* Nothing half-written: take back what went in (this one too,
           * which may have landed before the failure was seen). */
          for (guint j = 0; j < put->len; j++)
            carrete_storage_delete (storage, g_ptr_array_index (put, j), NULL);
          return FALSE;
        }
    }
  g_message ("restored %u objects (%u left out with their photos' rows)", put->len,
             objects->len - put->len);
  return TRUE;
}

gboolean
photos_restore_objects (CarreteStorage *storage, const char *dir, GHashTable *dropped,
                        GError **error)
{
  g_autoptr (GString) summary = g_string_new (NULL);
  g_autoptr (GPtrArray) objects = verify (dir, summary, error);

  return objects != NULL && check_store_empty (storage, error)
         && put_all (storage, dir, objects, dropped, error);
}
