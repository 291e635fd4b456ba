#define G_LOG_DOMAIN "carrete-photos-quota"

#include "quota-store.h"

#include "carrete-op.h"
#include "carrete-quota-error.h"
#include "model.h"

static const CarreteStatement usage_of = {
  "quota_usage_of",
  "SELECT coalesce((SELECT quota_bytes FROM quotas WHERE owner_id = $1), $2::bigint),"
  " coalesce((SELECT bytes FROM usage WHERE owner_id = $1), 0)",
  2,
};

static const CarreteStatement set_quota = {
  "quota_set",
  "INSERT INTO quotas (owner_id, quota_bytes) VALUES ($1, $2)"
  " ON CONFLICT (owner_id) DO UPDATE SET quota_bytes = EXCLUDED.quota_bytes, updated_at = now()",
  2,
};

/* After an account's photos are all gone: its usage is 0 unless an upload
 * came meanwhile, whose row keeps the usage row. */
static const CarreteStatement forget_owner = {
  "quota_forget_owner",
  "WITH quota AS (DELETE FROM quotas WHERE owner_id = $1)"
  " DELETE FROM usage WHERE owner_id = $1 AND bytes = 0",
  1,
};

typedef struct
{
  CarreteDb *db;
  gint64 owner_id;
  gint64 wanted;
  gint64 default_quota;
  CarreteDbRowFunc from_row;
  GDestroyNotify row_free;
  gboolean refused; /* the reserving statement said no: only the numbers are wanted */
} Admission;

/* `stmt` with two integer parameters: the owner and a number of bytes. */
static void
query_owner_bytes (CarreteDb *db, const CarreteStatement *stmt, gint64 owner_id, gint64 bytes,
                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  INT_TEXT (owner, owner_id);
  INT_TEXT (bytes_text, bytes);
  const char *params[] = { owner, bytes_text };

  carrete_db_query_async (db, stmt, params, cancellable, callback, user_data);
}

void
photos_quota_store_get (CarreteDb *db, gint64 owner_id, gint64 default_quota,
                        GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  query_owner_bytes (db, &usage_of, owner_id, default_quota, cancellable, callback, user_data);
}

gboolean
photos_quota_store_get_finish (CarreteDb *db, GAsyncResult *result, gint64 *quota_bytes,
                               gint64 *usage_bytes, GError **error)
{
  g_autoptr (PGresult) res = carrete_db_query_finish (db, result, error);

  if (res == NULL)
    return FALSE;
  *quota_bytes = photos_row_int (res, 0, 0);
  *usage_bytes = photos_row_int (res, 0, 1);
  return TRUE;
}

static gboolean
fits (gint64 quota_bytes, gint64 usage_bytes, gint64 wanted)
{
  return quota_bytes == 0 || usage_bytes + wanted <= quota_bytes;
}

/* ---- the early check ------------------------------------------------------------- */

static void
on_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Admission *a = g_task_get_task_data (task);
  GError *error = NULL;
  gint64 quota_bytes = 0, usage_bytes = 0;

  if (!photos_quota_store_get_finish (a->db, result, &quota_bytes, &usage_bytes, &error))
    g_task_return_error (task, error);
  else if (a->refused || !fits (quota_bytes, usage_bytes, a->wanted))
    g_task_return_error (task, carrete_quota_error_new (quota_bytes, usage_bytes, a->wanted));
  else
    g_task_return_boolean (task, TRUE);
}

static Admission *
admission_new (CarreteDb *db, gint64 owner_id, gint64 wanted, gint64 default_quota)
{
  Admission *a = g_new0 (Admission, 1);

  a->db = db;
  a->owner_id = owner_id;
  a->wanted = wanted;
  a->default_quota = default_quota;
  return a;
}

void
photos_quota_store_check (CarreteDb *db, gint64 owner_id, gint64 wanted, gint64 default_quota,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  Admission *a = admission_new (db, owner_id, wanted, default_quota);
  GTask *task = carrete_op_new (a, g_free, photos_quota_store_check, cancellable, callback,
                                user_data);

  photos_quota_store_get (db, owner_id, default_quota, cancellable, on_checked, task);
}

gboolean
photos_quota_store_check_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- setting --------------------------------------------------------------------- */

void
photos_quota_store_set (CarreteDb *db, gint64 owner_id, gint64 quota_bytes,
                        GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  query_owner_bytes (db, &set_quota, owner_id, quota_bytes, cancellable, callback, user_data);
}

void
photos_quota_store_forget (CarreteDb *db, gint64 owner_id, GAsyncReadyCallback callback,
                           gpointer user_data)
{
  carrete_db_query_id_async (db, &forget_owner, owner_id, NULL, callback, user_data);
}

/* ---- an admitted insert ---------------------------------------------------------- */

static void
on_inserted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Admission *a = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (PGresult) res = carrete_db_query_finish (a->db, result, &error);

  if (res == NULL)
    g_task_return_error (task, error);
  else if (PQntuples (res) > 0)
    g_task_return_pointer (task, a->from_row (res, 0), a->row_free);
  else
    {
      /* The numbers of the refusal, read after it: the usage may have
       * moved since, but it is what the account has now. */
      GTask *explaining = g_steal_pointer (&task);

      a->refused = TRUE;
      photos_quota_store_get (a->db, a->owner_id, a->default_quota,
                              g_task_get_cancellable (explaining), on_checked, explaining);
    }
}

void
photos_quota_store_insert (CarreteDb *db, const CarreteStatement *insert,
                           const char *const *params, CarreteDbRowFunc from_row,
                           GDestroyNotify row_free, gint64 owner_id, gint64 wanted,
                           gint64 default_quota, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  Admission *a = admission_new (db, owner_id, wanted, default_quota);
  GTask *task = carrete_op_new (a, g_free, photos_quota_store_insert, cancellable, callback,
                                user_data);

  a->from_row = from_row;
  a->row_free = row_free;
  carrete_db_query_async (db, insert, params, cancellable, on_inserted, task);
}

gpointer
photos_quota_store_insert_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
