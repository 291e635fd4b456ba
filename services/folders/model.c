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
  g_free (folder->trashed_at);
  g_free (folder->purge_at);
  g_free (folder->role);
  g_free (folder);
}

gboolean
folders_folder_is_public (const FoldersFolder *folder)
{
  return g_strcmp0 (folder->visibility, "public") == 0;
}

gboolean
folders_folder_is_visible (const FoldersFolder *folder)
{
  return folder->role != NULL || folders_folder_is_public (folder);
}

static void
write_string (CarreteJsonWriter *writer, const char *name, const char *value)
{
  carrete_json_writer_member (writer, name);
  carrete_json_writer_string (writer, value);
}

/* {"items": [...], "next_cursor": ...}, each item written by `write`. */
typedef void (*ItemWriter) (CarreteJsonWriter *writer, gconstpointer item, const CarreteIds *ids);

static void
write_page (CarreteJsonWriter *writer, GPtrArray *items, const char *next_cursor,
            const CarreteIds *ids, ItemWriter write)
{
  carrete_json_writer_begin_page (writer);
  for (guint i = 0; i < items->len; i++)
    write (writer, g_ptr_array_index (items, i), ids);
  carrete_json_writer_end_page (writer, next_cursor);
}

void
folders_folder_write_json (CarreteJsonWriter *writer, const FoldersFolder *folder,
                           const CarreteIds *ids)
{
  g_autofree char *id = carrete_ids_encode (ids, CARRETE_ID_FOLDER, folder->id);
  g_autofree char *owner = carrete_ids_encode (ids, CARRETE_ID_USER, folder->owner_id);

  carrete_json_writer_begin_object (writer);
  write_string (writer, "id", id);
  write_string (writer, "owner_id", owner);
  write_string (writer, "name", folder->name);
  write_string (writer, "visibility", folder->visibility);
  carrete_json_writer_member (writer, "tags");
  carrete_json_writer_begin_array (writer);
  for (guint i = 0; folder->tags[i] != NULL; i++)
    carrete_json_writer_string (writer, folder->tags[i]);
  carrete_json_writer_end_array (writer);
  write_string (writer, "created_at", folder->created_at);
  write_string (writer, "updated_at", folder->updated_at);
  if (folder->trashed_at != NULL)
    {
      write_string (writer, "trashed_at", folder->trashed_at);
      write_string (writer, "purge_at", folder->purge_at);
    }
  /* Absent for a stranger (a public folder, or an anonymous caller). */
  if (folder->role != NULL)
    write_string (writer, "role", folder->role);
  /* A link holder's: carrete-photos leaves out originals' URLs when false. */
  if (g_strcmp0 (folder->role, "link") == 0)
    {
      carrete_json_writer_member (writer, "allow_download");
      carrete_json_writer_bool (writer, folder->allow_download);
    }
  carrete_json_writer_end_object (writer);
}

void
folders_folder_page_write_json (CarreteJsonWriter *writer, GPtrArray *folders,
                                const char *next_cursor, const CarreteIds *ids)
{
  write_page (writer, folders, next_cursor, ids, (ItemWriter) folders_folder_write_json);
}

void
folders_member_free (FoldersMember *member)
{
  if (member == NULL)
    return;
  g_free (member->username);
  g_free (member->role);
  g_free (member->added_at);
  g_free (member->sort_key);
  g_free (member);
}

void
folders_member_write_json (CarreteJsonWriter *writer, const FoldersMember *member,
                           const CarreteIds *ids)
{
  g_autofree char *user = carrete_ids_encode (ids, CARRETE_ID_USER, member->user_id);

  carrete_json_writer_begin_object (writer);
  write_string (writer, "user_id", user);
  if (member->username != NULL)
    write_string (writer, "username", member->username);
  write_string (writer, "role", member->role);
  write_string (writer, "added_at", member->added_at);
  carrete_json_writer_end_object (writer);
}

void
folders_member_page_write_json (CarreteJsonWriter *writer, GPtrArray *members,
                                const char *next_cursor, const CarreteIds *ids)
{
  write_page (writer, members, next_cursor, ids, (ItemWriter) folders_member_write_json);
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

void
folders_share_free (FoldersShare *share)
{
  if (share == NULL)
    return;
  g_free (share->label);
  g_free (share->expires_at);
  g_free (share->created_at);
  g_free (share->sort_key);
  g_free (share->last_used_at);
  g_free (share->password_hash);
  g_free (share->token);
  g_free (share);
}

/* folder_id or photo_id, whichever the link covers. */
static void
write_target (CarreteJsonWriter *writer, const FoldersShare *share, const CarreteIds *ids)
{
  g_autofree char *target = share->folder_id != 0
                                ? carrete_ids_encode (ids, CARRETE_ID_FOLDER, share->folder_id)
                                : carrete_ids_encode (ids, CARRETE_ID_PHOTO, share->photo_id);

  write_string (writer, share->folder_id != 0 ? "folder_id" : "photo_id", target);
}

void
folders_share_write_json (CarreteJsonWriter *writer, const FoldersShare *share,
                          const CarreteIds *ids)
{
  g_autofree char *id = carrete_ids_encode (ids, CARRETE_ID_SHARE, share->id);

  carrete_json_writer_begin_object (writer);
  write_string (writer, "id", id);
  write_target (writer, share, ids);
  if (share->token != NULL)
    {
      g_autofree char *url = g_strconcat ("/s/", share->token, NULL);
      write_string (writer, "token", share->token);
      write_string (writer, "url", url);
    }
  carrete_json_writer_member (writer, "allow_download");
  carrete_json_writer_bool (writer, share->allow_download);
  write_string (writer, "label", share->label);
  write_string (writer, "expires_at", share->expires_at);
  carrete_json_writer_member (writer, "has_password");
  carrete_json_writer_bool (writer, share->password_hash != NULL);
  write_string (writer, "created_at", share->created_at);
  carrete_json_writer_member (writer, "use_count");
  carrete_json_writer_int (writer, share->use_count);
  write_string (writer, "last_used_at", share->last_used_at);
  carrete_json_writer_end_object (writer);
}

void
folders_share_page_write_json (CarreteJsonWriter *writer, GPtrArray *shares,
                               const char *next_cursor, const CarreteIds *ids)
{
  write_page (writer, shares, next_cursor, ids, (ItemWriter) folders_share_write_json);
}

void
folders_share_write_access_json (CarreteJsonWriter *writer, const FoldersShare *share,
                                 const CarreteIds *ids)
{
  carrete_json_writer_begin_object (writer);
  write_target (writer, share, ids);
  carrete_json_writer_member (writer, "allow_download");
  carrete_json_writer_bool (writer, share->allow_download);
  write_string (writer, "label", share->label);
  write_string (writer, "expires_at", share->expires_at);
  carrete_json_writer_end_object (writer);
}
