#define G_LOG_DOMAIN "carrete-photos-backup"

#include "backup-private.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "carrete-error.h"
#include "carrete-json-writer.h"
#include "carrete-migrate.h"
#include "imaging.h"
#include "model.h"

/* A thumbnail is a JPEG made by the thumbnails job. */
#define THUMB_TYPE "image/jpeg"
/* ---- Backup ----------------------------------------------------------------- */

/* Photos in the trash too: they may be restored until their purge. */
#define ROWS_SQL                                                                                   \
  "SELECT id, object_prefix, size, encode(sha256, 'hex'), content_type, thumbnails"                \
  " FROM photos WHERE state IN ('ready', 'trashed') ORDER BY id"

static gboolean
result_ok (PGresult *res, const char *what, GError **error)
{
  ExecStatusType status = PQresultStatus (res);

  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
    return TRUE;
  g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "%s: %s", what,
               g_strstrip (PQresultErrorMessage (res)));
  return FALSE;
}

static gboolean
exec_ok (PGconn *conn, const char *sql, const char *what, GError **error)
{
  g_autoptr (PGresult) res = PQexec (conn, sql);

  return result_ok (res, what, error);
}

/* The ready photos, read in `snapshot` when there is one. */
static PGresult *
read_rows (PGconn *conn, const char *snapshot, GError **error)
{
  g_autoptr (PGresult) res = NULL;

  if (!exec_ok (conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "begin", error))
    return NULL;
  if (snapshot != NULL)
    {
      g_autofree char *sql = NULL;
      char *quoted = PQescapeLiteral (conn, snapshot, strlen (snapshot));

      sql = g_strdup_printf ("SET TRANSACTION SNAPSHOT %s", quoted != NULL ? quoted : "''");
      PQfreemem (quoted);
      if (!exec_ok (conn, sql, "CARRETE_BACKUP_SNAPSHOT", error))
        return NULL;
    }
  res = PQexec (conn, ROWS_SQL);
  if (!result_ok (res, "reading the photos", error) || !exec_ok (conn, "COMMIT", "commit", error))
    return NULL;
  return g_steal_pointer (&res);
}

/* Whether photo `id` is gone now (no row, or being deleted): its missing
 * objects are then a delete acknowledged after the dump, not a loss. */
static gboolean
deleted_since (PGconn *live, const char *id, gboolean *deleted, GError **error)
{
  const char *params[] = { id };
  g_autoptr (PGresult) res = PQexecParams (live, "SELECT state FROM photos WHERE id = $1", 1, NULL,
                                           params, NULL, NULL, 0);

  if (!result_ok (res, "checking a photo", error))
    return FALSE;
  *deleted = PQntuples (res) == 0
             || (!g_str_equal (PQgetvalue (res, 0, 0), "ready")
                 && !g_str_equal (PQgetvalue (res, 0, 0), "trashed"));
  return TRUE;
}

typedef struct
{
  CarreteStorage *storage;
  PGconn *live;
  const char *dir;
  GPtrArray *objects; /* BackupObject */
  GArray *deleted;    /* gint64 */
} Backup;

/* Copies one object into DIR/objects/KEY and hashes the copy. */
static gboolean
fetch (Backup *b, gint64 photo_id, const char *key, const char *content_type, BackupObject **out,
       GError **error)
{
  g_autofree char *path = backup_object_path (b->dir, key);
  g_autofree char *parent = g_path_get_dirname (path);
  char hex[CARRETE_SHA256_HEX_LEN + 1];
  guint64 size;

  if (g_mkdir_with_parents (parent, 0700) != 0)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "%s: %s", parent,
                   g_strerror (errno));
      return FALSE;
    }
  if (!carrete_storage_get_to_file (b->storage, key, path, G_MAXUINT64, NULL, error)
      || !backup_hash_path (path, hex, &size, error))
    return FALSE;
  *out = g_new0 (BackupObject, 1);
  **out = (BackupObject) {
    photo_id, g_strdup (key), g_strdup (hex), size, g_strdup (content_type),
  };
  return TRUE;
}

/* A copied original must be what its row says was checked at upload. */
static gboolean
check_original (const BackupObject *object, PGresult *rows, int row, GError **error)
{
  gint64 size = g_ascii_strtoll (PQgetvalue (rows, row, 2), NULL, 10);
  const char *sha256 = PQgetvalue (rows, row, 3);

  if ((gint64) object->size == size
      && (PQgetisnull (rows, row, 3) || g_str_equal (object->sha256, sha256)))
    return TRUE;
  g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED,
               "the object %s in storage does not match its photo's row"
               " (size %" G_GUINT64_FORMAT ", SHA-256 %s; the row says %" G_GINT64_FORMAT ", %s)",
               object->key, object->size, object->sha256, size, sha256);
  return FALSE;
}

/* The keys of row `row`'s objects: the original, and the thumbnails once
 * its job made them (pending ones are made again by the restored job). */
static GPtrArray *
row_keys (PGresult *rows, int row)
{
  const char *prefix = PQgetvalue (rows, row, 1);
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (keys, photos_key_original (prefix));
  if (g_str_equal (PQgetvalue (rows, row, 5), "ready"))
    {
      g_ptr_array_add (keys, photos_key_thumb (prefix, PHOTOS_THUMB_SMALL));
      g_ptr_array_add (keys, photos_key_thumb (prefix, PHOTOS_THUMB_LARGE));
    }
  return keys;
}

/* Copies row `row`'s objects; a photo deleted since the dump is recorded. */
static gboolean
backup_row (Backup *b, PGresult *rows, int row, GError **error)
{
  g_autoptr (GPtrArray) keys = row_keys (rows, row);
  g_autoptr (GPtrArray) copied = g_ptr_array_new_with_free_func (backup_object_free);
  const char *id = PQgetvalue (rows, row, 0);
  g_autoptr (GError) local = NULL;
  gboolean deleted = FALSE;

  for (guint i = 0; i < keys->len && local == NULL; i++)
    {
      const char *type = i == 0 ? PQgetvalue (rows, row, 4) : THUMB_TYPE;
      BackupObject *object = NULL;

      if (fetch (b, g_ascii_strtoll (id, NULL, 10), g_ptr_array_index (keys, i), type, &object,
                 &local))
        g_ptr_array_add (copied, object);
    }
  if (local == NULL)
    {
      if (!check_original (g_ptr_array_index (copied, 0), rows, row, error))
        return FALSE;
      g_ptr_array_extend_and_steal (b->objects, g_steal_pointer (&copied));
      return TRUE;
    }
  if (!g_error_matches (local, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local), "photo %s: ", id);
      return FALSE;
    }
  if (!deleted_since (b->live, id, &deleted, error))
    return FALSE;
  if (!deleted)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED,
                   "photo %s is ready but storage lacks an object of it: %s", id, local->message);
      return FALSE;
    }
  for (guint i = 0; i < keys->len; i++)
    {
      g_autofree char *path = backup_object_path (b->dir, g_ptr_array_index (keys, i));
      g_unlink (path);
    }
  g_array_append_val (b->deleted, (gint64) { g_ascii_strtoll (id, NULL, 10) });
  g_message ("photo %s was deleted during the backup", id);
  return TRUE;
}

static gboolean
write_objects_json (Backup *b, guint n_photos, GError **error)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autofree char *path = g_build_filename (b->dir, "objects.json", NULL);
  CarreteJsonWriter w;

  carrete_json_writer_init (&w, out);
  carrete_json_writer_begin_object (&w);
  carrete_json_writer_member (&w, "photos");
  carrete_json_writer_int (&w, n_photos);
  carrete_json_writer_member (&w, "deleted_during_backup");
  carrete_json_writer_begin_array (&w);
  for (guint i = 0; i < b->deleted->len; i++)
    carrete_json_writer_int (&w, g_array_index (b->deleted, gint64, i));
  carrete_json_writer_end_array (&w);
  carrete_json_writer_member (&w, "items");
  carrete_json_writer_begin_array (&w);
  for (guint i = 0; i < b->objects->len; i++)
    {
      BackupObject *o = g_ptr_array_index (b->objects, i);

      carrete_json_writer_begin_object (&w);
      carrete_json_writer_member (&w, "photo_id");
      carrete_json_writer_int (&w, o->photo_id);
      carrete_json_writer_member (&w, "key");
      carrete_json_writer_string (&w, o->key);
      carrete_json_writer_member (&w, "sha256");
      carrete_json_writer_string (&w, o->sha256);
      carrete_json_writer_member (&w, "size");
      carrete_json_writer_int (&w, (gint64) o->size);
      carrete_json_writer_member (&w, "content_type");
      carrete_json_writer_string (&w, o->content_type);
      carrete_json_writer_end_object (&w);
    }
  carrete_json_writer_end_array (&w);
  carrete_json_writer_end_object (&w);
  g_string_append_c (out, '\n');
  return g_file_set_contents (path, out->str, (gssize)out->len, error);
}

gboolean
photos_backup_objects (CarreteStorage *storage, const char *conninfo, const char *snapshot,
                       const char *dir, GError **error)
{
  g_autoptr (PGconn) conn = carrete_migrate_connect (conninfo, "carrete-photos-backup", error);
  g_autoptr (PGconn) live = NULL;
  g_autoptr (PGresult) rows = NULL;
  g_autoptr (GPtrArray) objects = g_ptr_array_new_with_free_func (backup_object_free);
  g_autoptr (GArray) deleted = g_array_new (FALSE, FALSE, sizeof (gint64));
  Backup b = { storage, NULL, dir, objects, deleted };

  if (conn == NULL || (rows = read_rows (conn, snapshot, error)) == NULL)
    return FALSE;
  live = carrete_migrate_connect (conninfo, "carrete-photos-backup", error);
  if (live == NULL)
    return FALSE;
  b.live = live;
  for (int row = 0; row < PQntuples (rows); row++)
    if (!backup_row (&b, rows, row, error))
      return FALSE;
  g_message ("copied %u objects of %d photos (%u deleted during the backup)", objects->len,
             PQntuples (rows), deleted->len);
  return write_objects_json (&b, (guint)PQntuples (rows), error);
}
