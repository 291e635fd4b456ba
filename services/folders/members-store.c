#define G_LOG_DOMAIN "carrete-folders-members-store"

#include "members-store.h"

#define MEMBER_COLUMNS                                                                             \
  "user_id, username, role,"                                                                       \
  " to_char(added_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'),"                    \
  " added_at::text"

/* `existing` is read before the upsert (one snapshot), so `created` tells
 * a new member from a changed one.  An unchanged role rewrites nothing the
 * member can see (added_at stays). */
static const CarreteStatement put_member = {
  "folders_members_put",
  "WITH existing AS (SELECT 1 FROM folder_members WHERE folder_id = $1 AND user_id = $3),"
  " written AS (INSERT INTO folder_members (folder_id, user_id, username, role, folder_created_at)"
  "   SELECT $1, $3, $4, $5, created_at FROM folders"
  "   WHERE id = $1 AND owner_id = $2 AND trashed_at IS NULL"
  "   ON CONFLICT (folder_id, user_id) DO UPDATE SET role = EXCLUDED.role,"
  "     username = coalesce(EXCLUDED.username, folder_members.username)"
  "   RETURNING " MEMBER_COLUMNS ")"
  " SELECT written.*, NOT EXISTS (SELECT 1 FROM existing) FROM written",
  5,
};

static const CarreteStatement delete_member = {
  "folders_members_delete",
  "DELETE FROM folder_members WHERE folder_id = $1 AND user_id = $3"
  " AND EXISTS (SELECT 1 FROM folders WHERE id = $1 AND owner_id = $2 AND trashed_at IS NULL)"
  " RETURNING " MEMBER_COLUMNS,
  3,
};

static const CarreteStatement list_members = {
  "folders_members_list",
  "SELECT " MEMBER_COLUMNS " FROM folder_members WHERE folder_id = $1"
  " AND ($2::timestamptz IS NULL OR (added_at, user_id) > ($2, $3::bigint))"
  " ORDER BY added_at, user_id LIMIT $4",
  4,
};

#define INT_TEXT(name, value)                                                                      \
  g_autofree char *name = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) (value))

void
folders_members_store_put (CarreteDb *db, gint64 folder_id, gint64 owner_id, gint64 user_id,
                           const char *username, const char *role, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  INT_TEXT (folder, folder_id);
  INT_TEXT (owner, owner_id);
  INT_TEXT (user, user_id);
  const char *params[] = { folder, owner, user, username, role };

  carrete_db_query_async (db, &put_member, params, cancellable, callback, user_data);
}

void
folders_members_store_delete (CarreteDb *db, gint64 folder_id, gint64 owner_id, gint64 user_id,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  INT_TEXT (folder, folder_id);
  INT_TEXT (owner, owner_id);
  INT_TEXT (user, user_id);
  const char *params[] = { folder, owner, user };

  carrete_db_query_async (db, &delete_member, params, cancellable, callback, user_data);
}

void
folders_members_store_list (CarreteDb *db, gint64 folder_id, const char *after_key,
                            gint64 after_user, guint limit, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  INT_TEXT (folder, folder_id);
  INT_TEXT (after, after_user);
  INT_TEXT (limit_text, limit);
  const char *params[] = { folder, after_key, after_key != NULL ? after : NULL, limit_text };

  carrete_db_query_async (db, &list_members, params, cancellable, callback, user_data);
}

static FoldersMember *
member_from_row (PGresult *res, int row)
{
  FoldersMember *member = g_new0 (FoldersMember, 1);

  member->user_id = g_ascii_strtoll (PQgetvalue (res, row, 0), NULL, 10);
  if (!PQgetisnull (res, row, 1))
    member->username = g_strdup (PQgetvalue (res, row, 1));
  member->role = g_strdup (PQgetvalue (res, row, 2));
  member->added_at = g_strdup (PQgetvalue (res, row, 3));
  member->sort_key = g_strdup (PQgetvalue (res, row, 4));
  member->created = PQnfields (res) > 5 && g_str_equal (PQgetvalue (res, row, 5), "t");
  return member;
}

FoldersMember *
folders_members_store_member_finish (CarreteDb *db, GAsyncResult *result, GError **error)
{
  return carrete_db_row_finish (db, result, (CarreteDbRowFunc) member_from_row, "No such member.",
                                error);
}

GPtrArray *
folders_members_store_members_finish (CarreteDb *db, GAsyncResult *result, GError **error)
{
  return carrete_db_rows_finish (db, result, (CarreteDbRowFunc) member_from_row,
                                 (GDestroyNotify) folders_member_free, error);
}
