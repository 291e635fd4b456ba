#define G_LOG_DOMAIN "carrete-folders-store"

#include "store.h"

#include "carrete-error.h"

struct _FoldersStore
{
  CarreteDb *db;
};

/* Column 7 is the exact creation time, the keyset cursor's key; 8 and 9
 * the trash times (NULL for a live folder); the last is the caller's role
 * (the parameter `caller`): owner, contributor, viewer or NULL.  Only live
 * folders are seen, changed or deleted by the statements below but the
 * trash's (002_trash.sql). */
#define FOLDER_BASE_COLUMNS                                                                   \
  "id, owner_id, name, visibility, array_to_json(tags)::text,"                                \
  " to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'),"             \
  " to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'),"             \
  " created_at::text AS sort_key,"                                                            \
  " to_char(trashed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'),"             \
  " to_char(purge_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
#define FOLDER_COLUMNS_FOR(caller)                                                            \
  FOLDER_BASE_COLUMNS ","                                                                     \
  " CASE WHEN owner_id = " caller " THEN 'owner' ELSE (SELECT m.role FROM folder_members m"    \
  "   WHERE m.folder_id = folders.id AND m.user_id = " caller ") END"
/* Rows written by their owner. */
#define FOLDER_COLUMNS FOLDER_COLUMNS_FOR ("owner_id")

static const CarreteStatement insert_folder = {
  "folders_insert",
  "INSERT INTO folders (owner_id, name, visibility, tags) VALUES ($1, $2, $3, $4::text[])"
  " RETURNING " FOLDER_COLUMNS,
  4,
};

static const CarreteStatement find_folder = {
  "folders_find",
  "SELECT " FOLDER_COLUMNS_FOR ("$2::bigint") " FROM folders WHERE id = $1 AND trashed_at IS NULL",
  2,
};

static const CarreteStatement update_folder = {
  "folders_update",
  "UPDATE folders SET name = coalesce($3, name), visibility = coalesce($4, visibility),"
  " tags = coalesce($5::text[], tags), updated_at = now()"
  " WHERE id = $1 AND owner_id = $2 AND trashed_at IS NULL RETURNING " FOLDER_COLUMNS,
  5,
};

static const CarreteStatement delete_folder = {
  "folders_delete",
  "DELETE FROM folders WHERE id = $1 AND owner_id = $2 AND trashed_at IS NULL",
  2,
};

/* An account goes: its folders (their members with them, by the foreign
 * key) and its memberships of other people's folders. */
static const CarreteStatement delete_owner = {
  "folders_delete_owner",
  "WITH memberships AS (DELETE FROM folder_members WHERE user_id = $1),"
  " links AS (DELETE FROM shares WHERE owner_id = $1)"
  " DELETE FROM folders WHERE owner_id = $1",
  1,
};

/* Every filter is optional: an absent one is NULL and, as the database
 * plans each execution for its values (see sql/folders/001_folders.sql),
 * folds away, leaving the predicates an index can serve.  $1 restricts to
 * one owner's folders, $2 adds everyone's public ones, $12 the folders
 * shared with the caller ($11, whose role each row carries). */
#define SEARCH_SQL                                                                            \
  "SELECT " FOLDER_COLUMNS_FOR ("$11::bigint") " FROM folders"                                 \
  " WHERE (($1::bigint IS NOT NULL AND owner_id = $1)"                                        \
  "        OR ($2::boolean AND visibility = 'public')"                                        \
  "        OR ($12::boolean AND id IN (SELECT folder_id FROM folder_members"                   \
  "                                     WHERE user_id = $11::bigint)))"                       \
  "   AND trashed_at IS NULL"                                                                 \
  "   AND ($3::text IS NULL OR name ILIKE '%' || $3 || '%')"                                  \
  "   AND ($4::text[] IS NULL OR tags @> $4)"                                                 \
  "   AND ($5::text[] IS NULL OR tags && $5)"                                                 \
  "   AND ($6::timestamptz IS NULL OR created_at >= $6)"                                      \
  "   AND ($7::timestamptz IS NULL OR created_at <= $7)"                                      \
  "   AND ($8::timestamptz IS NULL OR (created_at, id) < ($8, $9::bigint))"                   \
  " ORDER BY created_at DESC, id DESC LIMIT $10"

/* ---- the trash ---- */

/* To the millisecond, as the API writes it: carrete-photos merges these
 * with its trashed photos on an exact keyset. */
#define TRASH_NOW "date_trunc('milliseconds', now())"

static const CarreteStatement trash_folder = {
  "folders_trash",
  "UPDATE folders SET trashed_at = " TRASH_NOW ","
  " purge_at = " TRASH_NOW " + make_interval(days => $3::integer)"
  " WHERE id = $1 AND owner_id = $2 AND trashed_at IS NULL",
  3,
};

/* Newest first, after the keyset position ($2, $3). */
static const CarreteStatement list_trash = {
  "folders_list_trash",
  "SELECT " FOLDER_COLUMNS " FROM folders WHERE owner_id = $1 AND trashed_at IS NOT NULL"
  " AND ($2::timestamptz IS NULL OR (trashed_at, id) < ($2, $3::bigint))"
  " ORDER BY trashed_at DESC, id DESC LIMIT $4",
  4,
};

static const CarreteStatement find_trashed = {
  "folders_find_trashed",
  "SELECT " FOLDER_COLUMNS " FROM folders WHERE id = $1 AND owner_id = $2"
  " AND trashed_at IS NOT NULL",
  2,
};

/* A live folder of the same name meets the unique index: 409. */
static const CarreteStatement restore_folder = {
  "folders_restore",
  "UPDATE folders SET trashed_at = NULL, purge_at = NULL, updated_at = now()"
  " WHERE id = $1 AND owner_id = $2 AND trashed_at IS NOT NULL RETURNING " FOLDER_COLUMNS,
  2,
};

/* One ($1) or all (NULL) of an owner's trashed folders. */
static const CarreteStatement delete_trashed = {
  "folders_delete_trashed",
  "DELETE FROM folders WHERE ($1::bigint IS NULL OR id = $1) AND owner_id = $2"
  " AND trashed_at IS NOT NULL",
  2,
};

static const CarreteStatement purge_folders = {
  "folders_purge",
  "DELETE FROM folders WHERE trashed_at IS NOT NULL AND purge_at <= now()",
  0,
};

static const CarreteStatement search_folders = { "folders_search", SEARCH_SQL, 12 };

/* scope=shared alone: the caller's memberships in the folders' order
 * (sql/folders/003_members.sql), each joined to its folder, with the same
 * filters; the index yields the page without sorting every shared folder. */
static const CarreteStatement search_shared = {
  "folders_search_shared",
  "SELECT " FOLDER_BASE_COLUMNS ", shared.role FROM folder_members shared"
  " JOIN folders ON folders.id = shared.folder_id"
  " WHERE shared.user_id = $1 AND folders.trashed_at IS NULL"
  "   AND ($2::text IS NULL OR name ILIKE '%' || $2 || '%')"
  "   AND ($3::text[] IS NULL OR tags @> $3)"
  "   AND ($4::text[] IS NULL OR tags && $4)"
  "   AND ($5::timestamptz IS NULL OR created_at >= $5)"
  "   AND ($6::timestamptz IS NULL OR created_at <= $6)"
  "   AND ($7::timestamptz IS NULL"
  "        OR (shared.folder_created_at, shared.folder_id) < ($7, $8::bigint))"
  " ORDER BY shared.folder_created_at DESC, shared.folder_id DESC LIMIT $9",
  9,
};

const char *
folders_store_search_sql (void)
{
  return SEARCH_SQL;
}

FoldersStore *
folders_store_new (CarreteDb *db)
{
  FoldersStore *store = g_new0 (FoldersStore, 1);
  store->db = g_object_ref (db);
  return store;
}

void
folders_store_free (FoldersStore *store)
{
  if (store == NULL)
    return;
  g_object_unref (store->db);
  g_free (store);
}

CarreteDb *
folders_store_get_db (FoldersStore *store)
{
  return store->db;
}

/* A PostgreSQL array literal: every element quoted, `"` and `\` escaped. */
static char *
array_literal (const char *const *items)
{
  GString *out;

  if (items == NULL)
    return NULL;
  out = g_string_new ("{");
  for (guint i = 0; items[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, '"');
      for (const char *c = items[i]; *c != '\0'; c++)
        {
          if (*c == '"' || *c == '\\')
            g_string_append_c (out, '\\');
          g_string_append_c (out, *c);
        }
      g_string_append_c (out, '"');
    }
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

/* A LIKE pattern that matches `text` literally (backslash is LIKE's
 * default escape character). */
static char *
like_escape (const char *text)
{
  GString *out;

  if (text == NULL)
    return NULL;
  out = g_string_new (NULL);
  for (const char *c = text; *c != '\0'; c++)
    {
      if (*c == '%' || *c == '_' || *c == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *c);
    }
  return g_string_free (out, FALSE);
}

static char *
int_text (gint64 value)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, value);
}

void
folders_store_insert (FoldersStore *store, gint64 owner_id, const char *name,
                      const char *visibility, const char *const *tags, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  g_autofree char *owner_text = int_text (owner_id);
  g_autofree char *tags_text = array_literal (tags);
  const char *params[] = { owner_text, name, visibility, tags_text };
  carrete_db_query_async (store->db, &insert_folder, params, cancellable, callback, user_data);
}

void
folders_store_find (FoldersStore *store, gint64 id, gint64 caller_id, GCancellable *cancellable,
                    GAsyncReadyCallback callback, gpointer user_data)
{
  g_autofree char *id_text = int_text (id);
  g_autofree char *caller_text = caller_id > 0 ? int_text (caller_id) : NULL;
  const char *params[] = { id_text, caller_text };
  carrete_db_query_async (store->db, &find_folder, params, cancellable, callback, user_data);
}

void
folders_store_update (FoldersStore *store, gint64 id, gint64 owner_id,
                      const FoldersChanges *changes, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  g_autofree char *id_text = int_text (id);
  g_autofree char *owner_text = int_text (owner_id);
  g_autofree char *tags_text = array_literal ((const char *const *) changes->tags);
  const char *params[] = { id_text, owner_text, changes->name, changes->visibility, tags_text };
  carrete_db_query_async (store->db, &update_folder, params, cancellable, callback, user_data);
}

void
folders_store_delete (FoldersStore *store, gint64 id, gint64 owner_id, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  g_autofree char *id_text = int_text (id);
  g_autofree char *owner_text = int_text (owner_id);
  const char *params[] = { id_text, owner_text };
  carrete_db_query_async (store->db, &delete_folder, params, cancellable, callback, user_data);
}

void
folders_store_delete_owner (FoldersStore *store, gint64 owner_id, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  carrete_db_query_id_async (store->db, &delete_owner, owner_id, cancellable, callback, user_data);
}

void
folders_store_search (FoldersStore *store, const FoldersSearch *search, const char *after_key,
                      gint64 after_id, guint limit, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  g_autofree char *owner_text = search->owner_id > 0 ? int_text (search->owner_id) : NULL;
  g_autofree char *caller_text = search->caller_id > 0 ? int_text (search->caller_id) : NULL;
  g_autofree char *pattern = like_escape (search->q);
  g_autofree char *tags_text = array_literal ((const char *const *) search->tags);
  g_autofree char *after_id_text = after_key != NULL ? int_text (after_id) : NULL;
  g_autofree char *limit_text = g_strdup_printf ("%u", limit);
  gboolean all = search->match == FOLDERS_MATCH_ALL;
  const char *shared_params[] = {
    caller_text, pattern, all ? tags_text : NULL, all ? NULL : tags_text,
    search->from, search->to, after_key, after_id_text, limit_text,
  };
  const char *params[] = {
    owner_text, search->public_ones ? "true" : "false", pattern,
    all ? tags_text : NULL, all ? NULL : tags_text,
    search->from, search->to, after_key, after_id_text, limit_text,
    caller_text, search->shared_ones ? "true" : "false",
  };
  if (search->shared_ones && search->owner_id == 0 && !search->public_ones)
    carrete_db_query_async (store->db, &search_shared, shared_params, cancellable, callback,
                            user_data);
  else
    carrete_db_query_async (store->db, &search_folders, params, cancellable, callback, user_data);
}

/* ---- the trash ------------------------------------------------------------ */

void
folders_store_trash (FoldersStore *store, gint64 id, gint64 owner_id, guint days,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  g_autofree char *id_text = int_text (id);
  g_autofree char *owner_text = int_text (owner_id);
  g_autofree char *days_text = int_text (days);
  const char *params[] = { id_text, owner_text, days_text };
  carrete_db_query_async (store->db, &trash_folder, params, NULL, callback, user_data);
}

void
folders_store_list_trash (FoldersStore *store, gint64 owner_id, const char *before,
                          gint64 before_id, guint limit, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_autofree char *owner_text = int_text (owner_id);
  g_autofree char *id_text = int_text (before_id);
  g_autofree char *limit_text = int_text (limit);
  const char *params[] = { owner_text, before, id_text, limit_text };
  carrete_db_query_async (store->db, &list_trash, params, cancellable, callback, user_data);
}

static void
query_id_owner (FoldersStore *store, const CarreteStatement *stmt, gint64 id, gint64 owner_id,
                GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autofree char *id_text = id != 0 ? int_text (id) : NULL;
  g_autofree char *owner_text = int_text (owner_id);
  const char *params[] = { id_text, owner_text };
  carrete_db_query_async (store->db, stmt, params, cancellable, callback, user_data);
}

void
folders_store_find_trashed (FoldersStore *store, gint64 id, gint64 owner_id,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data)
{
  query_id_owner (store, &find_trashed, id, owner_id, cancellable, callback, user_data);
}

void
folders_store_restore (FoldersStore *store, gint64 id, gint64 owner_id, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  query_id_owner (store, &restore_folder, id, owner_id, cancellable, callback, user_data);
}

void
folders_store_delete_trashed (FoldersStore *store, gint64 id, gint64 owner_id,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  query_id_owner (store, &delete_trashed, id, owner_id, NULL, callback, user_data);
}

void
folders_store_purge (FoldersStore *store, GAsyncReadyCallback callback, gpointer user_data)
{
  carrete_db_query_async (store->db, &purge_folders, NULL, NULL, callback, user_data);
}

gint64
folders_store_changed_finish (FoldersStore *store, GAsyncResult *result, GError **error)
{
  return carrete_db_count_finish (store->db, result, error);
}

/* ---- results ------------------------------------------------------------ */

static char **
tags_from_json (const char *text)
{
  g_autoptr (JsonNode) node = json_from_string (text, NULL);
  g_autoptr (GStrvBuilder) tags = g_strv_builder_new ();
  JsonArray *array;

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        g_strv_builder_add (tags, json_array_get_string_element (array, i));
    }
  return g_strv_builder_end (tags);
}

static FoldersFolder *
folder_from_row (PGresult *res, int row)
{
  FoldersFolder *folder = g_new0 (FoldersFolder, 1);

  folder->id = g_ascii_strtoll (PQgetvalue (res, row, 0), NULL, 10);
  folder->owner_id = g_ascii_strtoll (PQgetvalue (res, row, 1), NULL, 10);
  folder->name = g_strdup (PQgetvalue (res, row, 2));
  folder->visibility = g_strdup (PQgetvalue (res, row, 3));
  folder->tags = tags_from_json (PQgetvalue (res, row, 4));
  folder->created_at = g_strdup (PQgetvalue (res, row, 5));
  folder->updated_at = g_strdup (PQgetvalue (res, row, 6));
  folder->sort_key = g_strdup (PQgetvalue (res, row, 7));
  folder->trashed_at = PQgetisnull (res, row, 8) ? NULL : g_strdup (PQgetvalue (res, row, 8));
  folder->purge_at = PQgetisnull (res, row, 9) ? NULL : g_strdup (PQgetvalue (res, row, 9));
  if (!PQgetisnull (res, row, 10))
    folder->role = g_strdup (PQgetvalue (res, row, 10));
  return folder;
}

FoldersFolder *
folders_store_folder_finish (FoldersStore *store, GAsyncResult *result, GError **error)
{
  return carrete_db_row_finish (store->db, result, (CarreteDbRowFunc) folder_from_row,
                                "No such folder.", error);
}

GPtrArray *
folders_store_folders_finish (FoldersStore *store, GAsyncResult *result, GError **error)
{
  return carrete_db_rows_finish (store->db, result, (CarreteDbRowFunc) folder_from_row,
                                 (GDestroyNotify) folders_folder_free, error);
}
