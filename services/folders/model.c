#define G_LOG_DOMAIN "carrete-folders-model"

#include "model.h"

void
folders_folder_free (FoldersFolder *folder)
{
  if (folder == NULL)
    return;
  g_free (folder->name);
  g_free (folder->visibility);
  g_strfreev (folder->tags);
  g_free (folder->created_at);
  g_free (folder->updated_at);
  g_free (folder->sort_key);
  g_free (folder);
}

gboolean
folders_folder_is_public (const FoldersFolder *folder)
{
  return g_strcmp0 (folder->visibility, "public") == 0;
}

static void
add_string (JsonBuilder *builder, const char *name, const char *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
build_folder (JsonBuilder *builder, const FoldersFolder *folder, const CarreteIds *ids)
{
  g_autofree char *id = carrete_ids_encode (ids, CARRETE_ID_FOLDER, folder->id);
  g_autofree char *owner = carrete_ids_encode (ids, CARRETE_ID_USER, folder->owner_id);

  json_builder_begin_object (builder);
  add_string (builder, "id", id);
  add_string (builder, "owner_id", owner);
  add_string (builder, "name", folder->name);
  add_string (builder, "visibility", folder->visibility);
  json_builder_set_member_name (builder, "tags");
  json_builder_begin_array (builder);
  for (guint i = 0; folder->tags[i] != NULL; i++)
    json_builder_add_string_value (builder, folder->tags[i]);
  json_builder_end_array (builder);
  add_string (builder, "created_at", folder->created_at);
  add_string (builder, "updated_at", folder->updated_at);
  json_builder_end_object (builder);
}

JsonNode *
folders_folder_to_json (const FoldersFolder *folder, const CarreteIds *ids)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  build_folder (builder, folder, ids);
  return json_builder_get_root (builder);
}

JsonNode *
folders_folder_page_to_json (GPtrArray *folders, const char *next_cursor, const CarreteIds *ids)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  for (guint i = 0; i < folders->len; i++)
    build_folder (builder, g_ptr_array_index (folders, i), ids);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "next_cursor");
  if (next_cursor != NULL)
    json_builder_add_string_value (builder, next_cursor);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

void
folders_changes_clear (FoldersChanges *changes)
{
  g_clear_pointer (&changes->name, g_free);
  g_clear_pointer (&changes->visibility, g_free);
  g_clear_pointer (&changes->tags, g_strfreev);
}

void
folders_search_clear (FoldersSearch *search)
{
  g_clear_pointer (&search->scope, g_free);
  g_clear_pointer (&search->q, g_free);
  g_clear_pointer (&search->tags, g_strfreev);
  g_clear_pointer (&search->from, g_free);
  g_clear_pointer (&search->to, g_free);
  g_clear_pointer (&search->cursor, g_free);
}
