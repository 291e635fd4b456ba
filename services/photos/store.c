#define G_LOG_DOMAIN "carrete-photos-store"

#include "store.h"

#include "carrete-error.h"
#include "quota-store.h"

#define MICROS(col) PHOTOS_SQL_MICROS (col)

#define PHOTO_COLUMNS_WITH(sort_time)                                                              \
  "id, owner_id, folder_id, name, object_prefix, content_type, size, encode(sha256, 'hex'),"       \
  " width, height, " MICROS ("taken_at") ", " MICROS ("uploaded_at") ", "                          \
  MICROS ("updated_at") ", state, " MICROS ("expires_at") ", " MICROS (sort_time)                  \
  ", thumbnails, thumbnails_error, coalesce(expires_at <= now(), false), "                      \
  MICROS ("trashed_at")
#define PHOTO_COLUMNS PHOTO_COLUMNS_WITH ("shot_at")

/* Which sort key a list statement orders by, which time its rows carry as
 * sort_time, and how the cursor's key is read back: a time travels as
 * RFC 3339 with microseconds (exact), a name as itself. */
static const struct
{
  const char *column;
  const char *time;      /* the column read as sort_time */
  const char *key_param; /* the cursor's key as a value of the column's type */
} sort_keys[] = {
  [PHOTOS_SORT_TAKEN_AT] = { "shot_at", "shot_at", "$8::timestamptz" },
  [PHOTOS_SORT_UPLOADED_AT] = { "uploaded_at", "uploaded_at", "$8::timestamptz" },
  [PHOTOS_SORT_NAME] = { "name", "shot_at", "$8::text" },
};

#define N_SORTS G_N_ELEMENTS (sort_keys)

struct _PhotosStore
{
  CarreteDb *db;
  /* [sort][descending][after][by_folder]: generated once from one template
   * so that every variant is a plain prepared statement whose keyset
   * condition the planner can use as an index bound. */
  CarreteStatement list[N_SORTS][2][2][2];
};

/* A new photo's row is its room in the account's quota (005_quotas.sql):
 * no row when $6 more bytes do not fit ($8 is the default quota). */
static const CarreteStatement insert_pending = {
  "photos_insert_pending",
  "INSERT INTO photos (owner_id, folder_id, name, object_prefix, content_type, size, expires_at)"
  " SELECT $1::bigint, $2::bigint, $3::text, $4::text, $5::text, $6::bigint,"
  "   now() + make_interval(secs => $7::integer)"
  " WHERE usage_admits($1::bigint, $6::bigint, $8::bigint)"
  " RETURNING " PHOTO_COLUMNS,
  8,
};

/* A streamed upload's row, reserved at admission with the fewest bytes its
 * body's length allowed, takes what the body turned out to be: its name,
 * folder, type and exact size, the difference admitted by the quota (no
 * row when it does not fit, or when the row is no longer pending). */
static const CarreteStatement settle_pending = {
  "photos_settle_pending",
  "UPDATE photos SET name = $2, folder_id = $3::bigint, content_type = $4, size = $5::bigint,"
  "   updated_at = now()"
  " WHERE id = $1 AND state = 'pending' AND usage_admits(owner_id, $5::bigint - size, $6::bigint)"
  " RETURNING " PHOTO_COLUMNS,
  6,
};

static const CarreteStatement insert_from_upload = {
  "photos_insert_from_upload",
  "WITH upload AS (DELETE FROM uploads WHERE id = $1 AND state = 'completing'"
  "   RETURNING owner_id, folder_id, name, object_prefix, content_type, size)"
  " INSERT INTO photos (owner_id, folder_id, name, object_prefix, content_type, size, expires_at)"
  " SELECT owner_id, folder_id, name, object_prefix, content_type, size,"
  "   now() + make_interval(secs => $2) FROM upload"
  " RETURNING " PHOTO_COLUMNS,
  2,
};

/* Ready, with its thumbnails job queued in the same statement: the photo
 * never exists without the job that makes its thumbnails. */
static const CarreteStatement mark_ready = {
  "photos_mark_ready",
  "WITH ready AS ("
  "  UPDATE photos SET state = 'ready', expires_at = NULL, content_type = $2, size = $3,"
  "    sha256 = decode($4, 'hex'), thumbnails = 'pending', thumbnails_error = NULL,"
  "    uploaded_at = now(), updated_at = now()"
  "  WHERE id = $1 AND state = 'pending' RETURNING *),"
  " job AS (INSERT INTO jobs (kind, photo_id) SELECT 'thumbnails', id FROM ready)"
  " SELECT " PHOTO_COLUMNS " FROM ready",
  4,
};

/* A direct upload's complete claims the pending row (004_completing.sql):
 * one complete at a time copies and checks its bytes. */
static const CarreteStatement claim_complete = {
  "photos_claim_complete",
  "UPDATE photos SET completing_until = now() + make_interval(secs => $2)"
  " WHERE id = $1 AND state = 'pending' AND coalesce(completing_until <= now(), true)",
  2,
};

static const CarreteStatement release_complete = {
  "photos_release_complete",
  "UPDATE photos SET completing_until = NULL WHERE id = $1 AND state = 'pending'",
  1,
};

/* Which of these staging prefixes still belong to a pending photo. */
static const CarreteStatement pending_prefixes = {
  "photos_pending_prefixes",
  "SELECT object_prefix FROM photos WHERE state = 'pending' AND object_prefix = ANY ($1::text[])",
  1,
};

static const CarreteStatement find_photo = {
  "photos_find",
  "SELECT " PHOTO_COLUMNS " FROM photos WHERE id = $1",
  1,
};

/* The database's clock decides whether a pending upload's URL has run out:
 * its row outlives the URL by $2 seconds of grace. */
static const CarreteStatement find_pending_upload = {
  "photos_find_pending_upload",
  "SELECT " PHOTO_COLUMNS ", coalesce(expires_at - make_interval(secs => $2) <= now(), false)"
  " FROM photos WHERE id = $1",
  2,
};

static const CarreteStatement find_duplicate = {
  "photos_find_duplicate",
  "SELECT " PHOTO_COLUMNS " FROM photos WHERE owner_id = $1 AND coalesce(folder_id, 0) = $2"
  " AND sha256 = decode($3, 'hex') AND state = 'ready' LIMIT 1",
  3,
};

static const CarreteStatement update_photo = {
  "photos_update",
  "UPDATE photos SET name = coalesce($2, name),"
  "   folder_id = CASE WHEN $3::boolean THEN nullif($4::bigint, 0) ELSE folder_id END,"
  "   updated_at = now()"
  " WHERE id = $1 AND state = 'ready' RETURNING " PHOTO_COLUMNS,
  4,
};

/* A deletion gets five minutes before the sweeper may take it over. */
#define CLAIM " SET state = 'deleting', expires_at = now() + interval '5 minutes'"

static const CarreteStatement begin_delete = {
  "photos_begin_delete",
  "UPDATE photos" CLAIM " WHERE id = $1 RETURNING " PHOTO_COLUMNS,
  1,
};

/* Rows another deletion has claimed are its own to finish (or a running
 * thumbnails job's, which keeps them: see delete_rows), never taken twice:
 * the batches end. */
static const CarreteStatement begin_delete_batch = {
  "photos_begin_delete_batch",
  "UPDATE photos" CLAIM " WHERE id IN (SELECT id FROM photos WHERE ($1::bigint = 0 OR owner_id = $1)"
  "   AND ($2::bigint = 0 OR folder_id = $2) AND state <> 'deleting'"
  "   ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)"
  " RETURNING " PHOTO_COLUMNS,
  3,
};

static const CarreteStatement begin_sweep = {
  "photos_begin_sweep",
  "UPDATE photos" CLAIM " WHERE id IN (SELECT id FROM photos WHERE state <> 'ready'"
  "   AND expires_at < now() ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED)"
  " RETURNING " PHOTO_COLUMNS,
  1,
};

/* A row whose thumbnails job is running stays: the job may still store
 * thumbnails after this deletion removed the objects, and only the row
 * tells anyone they exist.  The job, once it has seen the row `deleting`,
 * removes every object of it and then the row (job-thumbnails.c); if it
 * dies first, the next claim of the job does, or the sweeper. */
static const CarreteStatement delete_rows = {
  "photos_delete_rows",
  "DELETE FROM photos p WHERE id = ANY ($1::bigint[]) AND state = 'deleting'"
  " AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.photo_id = p.id AND j.state = 'running')",
  1,
};

/* ---- the trash (006_trash.sql) ------------------------------------------------ */

/* Trash times are kept to the millisecond, as the API writes them, so that
 * a trash page's keyset (shared with carrete-folders') is exact. */
#define TRASH_NOW "date_trunc('milliseconds', now())"
#define TRASH_SET                                                                                  \
  " SET state = 'trashed', trashed_at = " TRASH_NOW ","                                            \
  "   expires_at = " TRASH_NOW " + make_interval(days => $3::integer)"

static const CarreteStatement trash_photo = {
  "photos_trash",
  "UPDATE photos" TRASH_SET ", trashed_with = NULL"
  " WHERE id = $1 AND owner_id = $2 AND state = 'ready' RETURNING " PHOTO_COLUMNS,
  3,
};

/* $1 = 0: every photo in the folder (its owner trashes it: members'
 * photos go to their own owners' trash). */
static const CarreteStatement trash_folder_photos = {
  "photos_trash_folder",
  "UPDATE photos" TRASH_SET ", trashed_with = $2"
  " WHERE ($1::bigint = 0 OR owner_id = $1) AND folder_id = $2 AND state = 'ready'",
  3,
};

/* Newest first; the keyset is (trashed_at, id) < ($2, $3). */
static const CarreteStatement list_trash = {
  "photos_list_trash",
  "SELECT " PHOTO_COLUMNS " FROM photos WHERE owner_id = $1 AND state = 'trashed'"
  " AND ($2::timestamptz IS NULL OR (trashed_at, id) < ($2, $3::bigint))"
  " ORDER BY trashed_at DESC, id DESC LIMIT $4",
  4,
};

static const CarreteStatement any_trashed = {
  "photos_any_trashed",
  "SELECT 1 FROM photos WHERE owner_id = $1 AND state = 'trashed' LIMIT 1",
  1,
};

/* Back to `ready` in `$3` (0: no folder).  A twin made meanwhile meets the
 * one-copy index (409).  A thumbnails job that ran while it was in the
 * trash parked itself (queued until `infinity`, job-store.c): woken.  The
 * wake matches the job in any due state and decides on its latest version
 * (a job that parked itself while this statement waited for the photo's
 * row was still `running` in its snapshot); a running job keeps its lease.
 * One is queued if none is there (a photo trashed before this rule). */
#define RESTORED_JOB                                                                               \
  " woken AS (UPDATE jobs SET run_after = CASE WHEN jobs.run_after = 'infinity' THEN now()"       \
  "     ELSE jobs.run_after END FROM r"                                                            \
  "   WHERE jobs.photo_id = r.id AND jobs.state IN ('queued', 'running')),"                       \
  " job AS (INSERT INTO jobs (kind, photo_id) SELECT 'thumbnails', r.id FROM r"                   \
  "   WHERE r.thumbnails = 'pending' AND NOT EXISTS (SELECT 1 FROM jobs j"                         \
  "     WHERE j.photo_id = r.id AND j.state IN ('queued', 'running')))"
#define RESTORE_SET                                                                                \
  " SET state = 'ready', trashed_at = NULL, trashed_with = NULL, expires_at = NULL"

static const CarreteStatement restore_photo = {
  "photos_restore",
  "WITH r AS (UPDATE photos" RESTORE_SET ", folder_id = nullif($3::bigint, 0), updated_at = now()"
  "   WHERE id = $1 AND owner_id = $2 AND state = 'trashed' RETURNING *),"
  RESTORED_JOB " SELECT " PHOTO_COLUMNS " FROM r",
  3,
};

/* The photos a folder's recursive delete trashed, back with their folder;
 * one whose twin was put in that folder meanwhile stays in the trash. */
static const CarreteStatement restore_folder_photos = {
  "photos_restore_folder",
  "WITH r AS (UPDATE photos p" RESTORE_SET
  "   WHERE owner_id = $1 AND trashed_with = $2 AND state = 'trashed'"
  "   AND NOT EXISTS (SELECT 1 FROM photos t WHERE t.owner_id = p.owner_id"
  "     AND t.folder_id = p.folder_id AND t.sha256 = p.sha256 AND t.state = 'ready')"
  "   RETURNING id, thumbnails),"
  RESTORED_JOB " SELECT count(*) FROM r",
  2,
};

static const CarreteStatement begin_delete_trashed = {
  "photos_begin_delete_trashed",
  "UPDATE photos" CLAIM " WHERE id = $1 AND owner_id = $2 AND state = 'trashed'"
  " RETURNING " PHOTO_COLUMNS,
  2,
};

/* A batch of an owner's trash: all of it ($2 = 0), or what a folder's
 * recursive delete put there. */
static const CarreteStatement begin_delete_trash_batch = {
  "photos_begin_delete_trash_batch",
  "UPDATE photos" CLAIM " WHERE id IN (SELECT id FROM photos WHERE owner_id = $1"
  "   AND state = 'trashed' AND ($2::bigint = 0 OR trashed_with = $2)"
  "   ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)"
  " RETURNING " PHOTO_COLUMNS,
  3,
};

/* ---- list statements ------------------------------------------------------ */

static char *
list_sql (PhotosSort sort, gboolean descending, gboolean after, gboolean by_folder)
{
  const char *column = sort_keys[sort].column;
  const char *dir = descending ? "DESC" : "ASC";
  g_autofree char *keyset = after ? g_strdup_printf (" AND (%s, id) %s (%s, $9)", column,
                                                     descending ? "<" : ">",
                                                     sort_keys[sort].key_param)
                                  : g_strdup (" AND $8::text IS NULL AND $9::bigint IS NULL");

  /* $2 is the folder when listing one; it is also checked when given with
   * the owner scope, so both variants take the same parameters. */
  return g_strdup_printf (
    "SELECT " PHOTO_COLUMNS_WITH ("%s") " FROM photos WHERE %s AND state = 'ready'"
    " AND ($2::bigint = 0 OR folder_id = $2)"
    " AND ($3::bigint[] IS NULL OR folder_id = ANY ($3))"
    " AND ($4::text IS NULL OR name ILIKE $4)"
    " AND ($5::timestamptz IS NULL OR shot_at >= $5)"
    " AND ($6::timestamptz IS NULL OR shot_at <= $6)"
    "%s ORDER BY %s %s, id %s LIMIT $7",
    sort_keys[sort].time,
    by_folder ? "folder_id = $2 AND ($1::bigint = 0 OR owner_id = $1)" : "owner_id = $1", keyset,
    column, dir, dir);
}

static void
build_list_statements (PhotosStore *store)
{
  for (guint s = 0; s < N_SORTS; s++)
    for (guint d = 0; d < 2; d++)
      for (guint a = 0; a < 2; a++)
        for (guint f = 0; f < 2; f++)
          {
            CarreteStatement *stmt = &store->list[s][d][a][f];

            stmt->name = g_strdup_printf ("photos_list_%u_%u_%u_%u", s, d, a, f);
            stmt->sql = list_sql (s, d, a, f);
            stmt->n_params = 9;
          }
}

PhotosStore *
photos_store_new (CarreteDb *db)
{
  PhotosStore *store = g_new0 (PhotosStore, 1);

  store->db = g_object_ref (db);
  build_list_statements (store);
  return store;
}

void
photos_store_free (PhotosStore *store)
{
  if (store == NULL)
    return;
  for (guint s = 0; s < N_SORTS; s++)
    for (guint d = 0; d < 2; d++)
      for (guint a = 0; a < 2; a++)
        for (guint f = 0; f < 2; f++)
          {
            g_free ((char *) store->list[s][d][a][f].name);
            g_free ((char *) store->list[s][d][a][f].sql);
          }
  g_object_unref (store->db);
  g_free (store);
}


static char *
folder_param (gint64 folder_id)
{
  return folder_id != 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, folder_id) : NULL;
}

void
photos_store_insert_pending (PhotosStore *store, gint64 owner_id, gint64 folder_id,
                             const char *name, const char *object_prefix, const char *content_type,
                             gint64 size, guint expires_in, gint64 default_quota,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  INT_TEXT (owner, owner_id);
  INT_TEXT (size_text, size);
  INT_TEXT (expires, expires_in);
  INT_TEXT (quota, default_quota);
  g_autofree char *folder = folder_param (folder_id);
  const char *params[]
      = { owner, folder, name, object_prefix, content_type, size_text, expires, quota };

  photos_quota_store_insert (store->db, &insert_pending, params,
                             (CarreteDbRowFunc) photos_photo_from_row,
                             (GDestroyNotify) photos_photo_free, owner_id, size, default_quota,
                             cancellable, callback, user_data);
}

PhotosPhoto *
photos_store_insert_pending_finish (GAsyncResult *result, GError **error)
{
  return photos_quota_store_insert_finish (result, error);
}

void
photos_store_settle_pending (PhotosStore *store, const PhotosPhoto *row, gint64 folder_id,
                             const char *name, const char *content_type, gint64 size,
                             gint64 default_quota, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  INT_TEXT (id_text, row->id);
  INT_TEXT (size_text, size);
  INT_TEXT (quota, default_quota);
  g_autofree char *folder = folder_param (folder_id);
  const char *params[] = { id_text, name, folder, content_type, size_text, quota };

  photos_quota_store_insert (store->db, &settle_pending, params,
                             (CarreteDbRowFunc) photos_photo_from_row,
                             (GDestroyNotify) photos_photo_free, row->owner_id, size - row->size,
                             default_quota, cancellable, callback, user_data);
}

void
photos_store_insert_from_upload (PhotosStore *store, gint64 upload_id, guint expires_in,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  INT_TEXT (id_text, upload_id);
  INT_TEXT (expires, expires_in);
  const char *params[] = { id_text, expires };

  carrete_db_query_async (store->db, &insert_from_upload, params, cancellable, callback, user_data);
}

void
photos_store_mark_ready (PhotosStore *store, gint64 id, const char *content_type, gint64 size,
                         const char *sha256_hex, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  INT_TEXT (id_text, id);
  INT_TEXT (size_text, size);
  const char *params[] = { id_text, content_type, size_text, sha256_hex };

  carrete_db_query_async (store->db, &mark_ready, params, cancellable, callback, user_data);
}

void
photos_store_claim_complete (PhotosStore *store, gint64 id, guint seconds,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  INT_TEXT (id_text, id);
  INT_TEXT (seconds_text, seconds);
  const char *params[] = { id_text, seconds_text };

  carrete_db_query_async (store->db, &claim_complete, params, cancellable, callback, user_data);
}

void
photos_store_release_complete (PhotosStore *store, gint64 id, GAsyncReadyCallback callback,
                               gpointer user_data)
{
  INT_TEXT (id_text, id);
  const char *params[] = { id_text };

  carrete_db_query_async (store->db, &release_complete, params, NULL, callback, user_data);
}

void
photos_store_pending_prefixes (PhotosStore *store, const char *prefixes_array,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data)
{
  const char *params[] = { prefixes_array };

  carrete_db_query_async (store->db, &pending_prefixes, params, cancellable, callback, user_data);
}

gint64
photos_store_changed_finish (PhotosStore *store, GAsyncResult *result, GError **error)
{
  return carrete_db_count_finish (store->db, result, error);
}

PGresult *
photos_store_result_finish (PhotosStore *store, GAsyncResult *result, GError **error)
{
  return carrete_db_query_finish (store->db, result, error);
}

void
photos_store_find_pending_upload (PhotosStore *store, gint64 id, guint grace,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_autofree char *grace_text = g_strdup_printf ("%u", grace);
  const char *params[] = { id_text, grace_text };

  carrete_db_query_async (store->db, &find_pending_upload, params, cancellable, callback,
                          user_data);
}

void
photos_store_find (PhotosStore *store, gint64 id, GCancellable *cancellable,
                   GAsyncReadyCallback callback, gpointer user_data)
{
  carrete_db_query_id_async (store->db, &find_photo, id, cancellable, callback, user_data);
}

void
photos_store_find_duplicate (PhotosStore *store, gint64 owner_id, gint64 folder_id,
                             const char *sha256_hex, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  INT_TEXT (owner, owner_id);
  INT_TEXT (folder, folder_id);
  const char *params[] = { owner, folder, sha256_hex };

  carrete_db_query_async (store->db, &find_duplicate, params, cancellable, callback, user_data);
}

void
photos_store_update (PhotosStore *store, gint64 id, const char *name, gboolean set_folder,
                     gint64 folder_id, GCancellable *cancellable, GAsyncReadyCallback callback,
                     gpointer user_data)
{
  INT_TEXT (id_text, id);
  INT_TEXT (folder, folder_id);
  const char *params[] = { id_text, name, set_folder ? "true" : "false", folder };

  carrete_db_query_async (store->db, &update_photo, params, cancellable, callback, user_data);
}

void
photos_store_begin_delete (PhotosStore *store, gint64 id, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  carrete_db_query_id_async (store->db, &begin_delete, id, cancellable, callback, user_data);
}

void
photos_store_begin_delete_batch (PhotosStore *store, gint64 owner_id, gint64 folder_id, guint limit,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  INT_TEXT (owner, owner_id);
  INT_TEXT (folder, folder_id);
  INT_TEXT (limit_text, limit);
  const char *params[] = { owner, folder, limit_text };

  carrete_db_query_async (store->db, &begin_delete_batch, params, cancellable, callback, user_data);
}

void
photos_store_begin_sweep (PhotosStore *store, guint limit, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  INT_TEXT (limit_text, limit);
  const char *params[] = { limit_text };

  carrete_db_query_async (store->db, &begin_sweep, params, cancellable, callback, user_data);
}

char *
photos_store_id_array (GArray *ids)
{
  GString *text = g_string_new ("{");

  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (text, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "",
                            g_array_index (ids, gint64, i));
  g_string_append_c (text, '}');
  return g_string_free (text, FALSE);
}

void
photos_store_delete_rows (PhotosStore *store, GArray *ids, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_autofree char *array = photos_store_id_array (ids);
  const char *params[] = { array };

  carrete_db_query_async (store->db, &delete_rows, params, cancellable, callback, user_data);
}

/* `name ILIKE` pattern matching `text` anywhere, with its own wildcards
 * escaped. */
static char *
substring_pattern (const char *text)
{
  GString *pattern = g_string_new ("%");

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');
  return g_string_free (pattern, FALSE);
}

void
photos_store_list (PhotosStore *store, const PhotosQuery *query, GCancellable *cancellable,
                   GAsyncReadyCallback callback, gpointer user_data)
{
  gboolean after = query->after_id != 0;
  const CarreteStatement *stmt
    = &store->list[query->sort][query->descending ? 1 : 0][after ? 1 : 0][query->folder_id != 0];
  INT_TEXT (owner, query->owner_id);
  INT_TEXT (folder, query->folder_id);
  INT_TEXT (limit_text, query->limit);
  g_autofree char *folders
      = query->folder_ids != NULL ? photos_store_id_array (query->folder_ids) : NULL;
  g_autofree char *like = query->name_like != NULL ? substring_pattern (query->name_like) : NULL;
  g_autofree char *after_id = after ? g_strdup_printf ("%" G_GINT64_FORMAT, query->after_id) : NULL;
  g_autofree char *from = carrete_time_to_string (query->from, CARRETE_TIME_MICROSECONDS);
  g_autofree char *to = carrete_time_to_string (query->to, CARRETE_TIME_MICROSECONDS);
  g_autofree char *after_time
      = after && query->sort != PHOTOS_SORT_NAME
            ? carrete_time_to_string (query->after_time, CARRETE_TIME_MICROSECONDS)
            : NULL;
  const char *after_key = query->sort == PHOTOS_SORT_NAME ? query->after_name : after_time;
  const char *params[]
      = { owner, folder, folders, like, from, to, limit_text, after_key, after_id };

  carrete_db_query_async (store->db, stmt, params, cancellable, callback, user_data);
}

/* ---- the trash -------------------------------------------------------------- */

/* The trash's statements take two ids ($1, $2) and maybe a number ($3). */
static void
query_two_ids (PhotosStore *store, const CarreteStatement *stmt, gint64 first, gint64 second,
               gint64 third, GCancellable *cancellable, GAsyncReadyCallback callback,
               gpointer user_data)
{
  INT_TEXT (first_text, first);
  INT_TEXT (second_text, second);
  INT_TEXT (third_text, third);
  const char *params[] = { first_text, second_text, third_text };

  carrete_db_query_async (store->db, stmt, params, cancellable, callback, user_data);
}

void
photos_store_trash (PhotosStore *store, gint64 id, gint64 owner_id, guint days,
                    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  query_two_ids (store, &trash_photo, id, owner_id, days, cancellable, callback, user_data);
}

void
photos_store_trash_folder (PhotosStore *store, gint64 owner_id, gint64 folder_id, guint days,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data)
{
  query_two_ids (store, &trash_folder_photos, owner_id, folder_id, days, cancellable, callback,
                 user_data);
}

void
photos_store_list_trash (PhotosStore *store, gint64 owner_id, gint64 before_time,
                         gint64 before_id, guint limit, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  INT_TEXT (owner, owner_id);
  INT_TEXT (id_text, before_id);
  INT_TEXT (limit_text, limit);
  g_autofree char *time_text = carrete_time_to_string (before_time, CARRETE_TIME_MICROSECONDS);
  const char *params[] = { owner, time_text, id_text, limit_text };

  carrete_db_query_async (store->db, &list_trash, params, cancellable, callback, user_data);
}

void
photos_store_any_trashed (PhotosStore *store, gint64 owner_id, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  carrete_db_query_id_async (store->db, &any_trashed, owner_id, cancellable, callback, user_data);
}

void
photos_store_restore (PhotosStore *store, gint64 id, gint64 owner_id, gint64 folder_id,
                      GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  query_two_ids (store, &restore_photo, id, owner_id, folder_id, cancellable, callback, user_data);
}

void
photos_store_restore_folder (PhotosStore *store, gint64 owner_id, gint64 folder_id,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  query_two_ids (store, &restore_folder_photos, owner_id, folder_id, 0, cancellable, callback,
                 user_data);
}

void
photos_store_begin_delete_trashed (PhotosStore *store, gint64 id, gint64 owner_id,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  query_two_ids (store, &begin_delete_trashed, id, owner_id, 0, cancellable, callback, user_data);
}

void
photos_store_begin_delete_trash_batch (PhotosStore *store, gint64 owner_id, gint64 trashed_with,
                                       guint limit, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data)
{
  query_two_ids (store, &begin_delete_trash_batch, owner_id, trashed_with, limit, cancellable,
                 callback, user_data);
}

/* ---- finishers ------------------------------------------------------------ */

PhotosPhoto *
photos_store_photo_finish (PhotosStore *store, GAsyncResult *result, GError **error)
{
  return carrete_db_row_finish (store->db, result, (CarreteDbRowFunc) photos_photo_from_row,
                                "No such photo.", error);
}

GPtrArray *
photos_store_photos_finish (PhotosStore *store, GAsyncResult *result, GError **error)
{
  return carrete_db_rows_finish (store->db, result, (CarreteDbRowFunc) photos_photo_from_row,
                                 (GDestroyNotify) photos_photo_free, error);
}
