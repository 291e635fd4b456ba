#pragma once

#include <gio/gio.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

/* A named statement; stores declare them as static constants and the pool
 * prepares each one lazily, once per connection. */
typedef struct
{
  const char *name;
  const char *sql;
  int n_params;
} CarreteStatement;

/* A small pool of non-blocking libpq connections driven by the GLib main
 * loop: connect with PQconnectStart/PQconnectPoll, send with
 * PQsendPrepare/PQsendQueryPrepared, read with PQconsumeInput/PQgetResult,
 * one GSource per connection watching its socket.  Queries wait in a FIFO
 * when every connection is busy.  A broken connection is dropped and
 * re-opened on demand, so the service recovers by itself when PostgreSQL
 * comes back. */
#define CARRETE_TYPE_DB (carrete_db_get_type ())
G_DECLARE_FINAL_TYPE (CarreteDb, carrete_db, CARRETE, DB, GObject)

/* TRUE when libpq can parse `conninfo` (a postgresql:// URL or key=value
 * string); the CarreteConfigCheck for CARRETE_DATABASE_URL.  The error,
 * CARRETE_ERROR_CONFIG, never quotes the string: it may hold a password. */
gboolean carrete_db_check_conninfo (const char *conninfo, GError **error);

CarreteDb *carrete_db_new (const char *conninfo, guint pool_size, guint statement_timeout_ms,
                           const char *application_name);

/* `params` holds `stmt->n_params` strings (NULL means SQL NULL).  The
 * result is PGRES_TUPLES_OK or PGRES_COMMAND_OK; anything else becomes a
 * CARRETE_ERROR: 23505 → CONFLICT, connection trouble → UNAVAILABLE,
 * statement timeout → TIMEOUT, data errors → INVALID, the rest FAILED. */
void carrete_db_query_async (CarreteDb *db, const CarreteStatement *stmt,
                             const char *const *params, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
/* The same for the many statements whose one parameter is an id. */
void carrete_db_query_id_async (CarreteDb *db, const CarreteStatement *stmt, gint64 id,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data);
PGresult *carrete_db_query_finish (CarreteDb *db, GAsyncResult *result, GError **error);

/* For a statement that is run for what it changes: the rows it returned,
 * when it returns rows (RETURNING, or a SELECT of a function), else the
 * rows it changed; -1 with `error` when it failed. */
gint64 carrete_db_count_finish (CarreteDb *db, GAsyncResult *result, GError **error);

/* Reads one row of a result into a model value. */
typedef gpointer (*CarreteDbRowFunc) (PGresult *res, int row);

/* The first row read with `from_row`, or NULL with `error`: the
 * statement's own, or CARRETE_ERROR_NOT_FOUND saying `not_found` when there
 * is no row. */
gpointer carrete_db_row_finish (CarreteDb *db, GAsyncResult *result, CarreteDbRowFunc from_row,
                                const char *not_found, GError **error);
/* Every row read with `from_row`, in an array that frees them with
 * `row_free`; NULL with `error` when the statement failed. */
GPtrArray *carrete_db_rows_finish (CarreteDb *db, GAsyncResult *result, CarreteDbRowFunc from_row,
                                   GDestroyNotify row_free, GError **error);

/* A GAsyncReadyCallback for a statement run only for its effect, whose user
 * data is the GTask of the operation it ends: the task answers TRUE (any
 * number of rows, none included), or the statement's error. */
void carrete_db_answer_done (GObject *source, GAsyncResult *result, gpointer user_data);

/* For CONFLICT errors: the violated constraint's name, or NULL. */
const char *carrete_db_error_get_constraint (const GError *error);

G_END_DECLS
