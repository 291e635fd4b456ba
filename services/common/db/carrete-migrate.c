#define G_LOG_DOMAIN "carrete-migrate"

#include "carrete-migrate.h"

#include <gio/gio.h>
#include <stdlib.h>
#include <string.h>

#include "carrete-error.h"

#define MIGRATION_LOCK_KEY "7134029117"

const CarreteStatement carrete_migrate_version_statement = {
  "carrete_schema_version",
  "SELECT coalesce(max(version), 0) FROM schema_migrations",
  0,
};

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static guint
version_of (const char *file_name)
{
  return (guint) strtoul (file_name, NULL, 10);
}

/* The migration files, sorted by name (and so by their zero-padded number). */
static GStrv
list_migrations (const char *resource_dir)
{
  g_auto (GStrv) names = g_resources_enumerate_children (resource_dir, G_RESOURCE_LOOKUP_FLAGS_NONE,
                                                         NULL);
  g_autoptr (GStrvBuilder) sql = g_strv_builder_new ();
  g_autoptr (GPtrArray) sorted = g_ptr_array_new ();

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    if (g_str_has_suffix (names[i], ".sql") && version_of (names[i]) > 0)
      g_ptr_array_add (sorted, names[i]);
  g_ptr_array_sort (sorted, compare_names);
  for (guint i = 0; i < sorted->len; i++)
    g_strv_builder_add (sql, g_ptr_array_index (sorted, i));
  return g_strv_builder_end (sql);
}

guint
carrete_migrate_latest_version (const char *resource_dir)
{
  g_auto (GStrv) files = list_migrations (resource_dir);
  guint n = g_strv_length (files);

  return n > 0 ? version_of (files[n - 1]) : 0;
}

PGconn *
carrete_migrate_connect (const char *conninfo, const char *app_name, GError **error)
{
  /* A blocking connect, at start-up or in a one-off command, where waiting
   * costs nothing but giving up fails the whole run: 5 s was too short for
   * the handshake (a fork and SCRAM) on a loaded host. */
  const char *keywords[] = { "dbname", "connect_timeout", "application_name", NULL };
  const char *values[] = { conninfo, "30", app_name, NULL };
  PGconn *conn = PQconnectdbParams (keywords, values, 1);

  if (PQstatus (conn) != CONNECTION_OK)
    {
      g_autofree char *reason = g_strstrip (g_strdup (PQerrorMessage (conn)));
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                   "cannot connect to the database: %s", reason);
      PQfinish (conn);
      return NULL;
    }
  return conn;
}

static gboolean
check_result (PGresult *res, const char *what, GError **error)
{
  ExecStatusType status = PQresultStatus (res);
  g_autofree char *reason = NULL;

  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
    return TRUE;
  reason = g_strstrip (g_strdup (PQresultErrorMessage (res)));
  g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "%s: %s", what, reason);
  return FALSE;
}

static gboolean
exec_ok (PGconn *conn, const char *sql, const char *what, GError **error)
{
  g_autoptr (PGresult) res = PQexec (conn, sql);
  return check_result (res, what, error);
}

static gboolean
record_version (PGconn *conn, const char *name, GError **error)
{
  g_autofree char *version = g_strdup_printf ("%u", version_of (name));
  const char *params[] = { version, name };
  g_autoptr (PGresult) res = PQexecParams (
      conn, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", 2, NULL, params,
      NULL, NULL, 0);

  return check_result (res, name, error);
}

/* Returns the applied version, or -1 when the bookkeeping table is absent. */
static gint64
current_version (PGconn *conn, GError **error)
{
  g_autoptr (PGresult) exists = PQexec (conn, "SELECT to_regclass('schema_migrations') IS NOT NULL");
  g_autoptr (PGresult) res = NULL;

  if (PQresultStatus (exists) != PGRES_TUPLES_OK)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "%s", PQresultErrorMessage (exists));
      return -2;
    }
  if (g_str_equal (PQgetvalue (exists, 0, 0), "f"))
    return -1;
  res = PQexec (conn, carrete_migrate_version_statement.sql);
  if (PQresultStatus (res) != PGRES_TUPLES_OK)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "%s", PQresultErrorMessage (res));
      return -2;
    }
  return g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10);
}

static gboolean
apply_one (PGconn *conn, const char *resource_dir, const char *name, GError **error)
{
  g_autofree char *path = g_build_path ("/", resource_dir, name, NULL);
  g_autoptr (GBytes) sql = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  g_autofree char *text = NULL;
  g_autofree char *what = g_strdup_printf ("migration %s", name);

  if (sql == NULL)
    return FALSE;
  text = g_strndup (g_bytes_get_data (sql, NULL), g_bytes_get_size (sql));
  if (!exec_ok (conn, "BEGIN", what, error))
    return FALSE;
  if (!exec_ok (conn, text, what, error) || !record_version (conn, name, error)
      || !exec_ok (conn, "COMMIT", what, error))
    {
      g_autoptr (PGresult) rollback = PQexec (conn, "ROLLBACK");
      return FALSE;
    }
  g_message ("applied %s", name);
  return TRUE;
}

gboolean
carrete_migrate_run (const char *conninfo, const char *resource_dir, GError **error)
{
  g_autoptr (PGconn) conn = carrete_migrate_connect (conninfo, "carrete-migrate", error);
  g_auto (GStrv) files = NULL;
  gint64 version;
  gboolean ok = TRUE;

  if (conn == NULL)
    return FALSE;
  if (!exec_ok (conn, "SELECT pg_advisory_lock(" MIGRATION_LOCK_KEY ")", "lock", error)
      || !exec_ok (conn,
                   "CREATE TABLE IF NOT EXISTS schema_migrations ("
                   " version integer PRIMARY KEY, name text NOT NULL,"
                   " applied_at timestamptz NOT NULL DEFAULT now())",
                   "bookkeeping table", error))
    return FALSE;
  version = current_version (conn, error);
  if (version < -1)
    return FALSE;

  files = list_migrations (resource_dir);
  for (guint i = 0; ok && files[i] != NULL; i++)
    if ((gint64) version_of (files[i]) > version)
      ok = apply_one (conn, resource_dir, files[i], error);
  if (ok)
    g_message ("database is at version %u", carrete_migrate_latest_version (resource_dir));
  return ok;
}

gboolean
carrete_migrate_check (const char *conninfo, const char *resource_dir, GError **error)
{
  g_autoptr (PGconn) conn = carrete_migrate_connect (conninfo, "carrete-migrate", error);
  guint latest = carrete_migrate_latest_version (resource_dir);
  gint64 version;

  if (conn == NULL)
    return FALSE;
  version = current_version (conn, error);
  if (version < -1)
    return FALSE;
  if (version != (gint64) latest)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG,
                   "the database is at schema version %" G_GINT64_FORMAT
                   " but this build needs %u: run the migrate command first",
                   MAX (version, 0), latest);
      return FALSE;
    }
  return TRUE;
}

static void
ready_version_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  guint expected = GPOINTER_TO_UINT (g_task_get_task_data (task));
  GError *error = NULL;
  g_autoptr (PGresult) res = carrete_db_query_finish (CARRETE_DB (source), result, &error);
  guint64 version = 0;

  if (res == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  version = g_ascii_strtoull (PQgetvalue (res, 0, 0), NULL, 10);
  if (version != expected)
    g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                             "The database is at schema version %" G_GUINT64_FORMAT
                             ", this build needs %u: run the migrate command.",
                             version, expected);
  else
    g_task_return_boolean (task, TRUE);
}

void
carrete_migrate_ready_async (CarreteDb *db, guint version, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  GTask *task = g_task_new (db, NULL, callback, user_data);

  g_task_set_source_tag (task, carrete_migrate_ready_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (version), NULL);
  carrete_db_query_async (db, &carrete_migrate_version_statement, NULL, NULL, ready_version_loaded,
                          task);
}

gboolean
carrete_migrate_ready_finish (CarreteDb *db, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, db), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
