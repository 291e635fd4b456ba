#define G_LOG_DOMAIN "carrete-db"

/* Shorthands over carrete_db_query_async and carrete_db_query_finish for
 * what the stores run most: a statement by id, results read row by row,
 * and statements run only for their effect. */

#include "carrete-db.h"

#include "carrete-error.h"

void
carrete_db_query_id_async (CarreteDb *db, const CarreteStatement *stmt, gint64 id,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  const char *params[] = { id_text };

  carrete_db_query_async (db, stmt, params, cancellable, callback, user_data);
}

gint64
carrete_db_count_finish (CarreteDb *db, GAsyncResult *result, GError **error)
{
  g_autoptr (PGresult) res = carrete_db_query_finish (db, result, error);

  if (res == NULL)
    return -1;
  if (PQresultStatus (res) == PGRES_TUPLES_OK)
    return PQntuples (res);
  return g_ascii_strtoll (PQcmdTuples (res), NULL, 10);
}

gpointer
carrete_db_row_finish (CarreteDb *db, GAsyncResult *result, CarreteDbRowFunc from_row,
                       const char *not_found, GError **error)
{
  g_autoptr (PGresult) res = carrete_db_query_finish (db, result, error);

  if (res == NULL)
    return NULL;
  if (PQntuples (res) == 0)
    {
      g_set_error_literal (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND, not_found);
      return NULL;
    }
  return from_row (res, 0);
}

GPtrArray *
carrete_db_rows_finish (CarreteDb *db, GAsyncResult *result, CarreteDbRowFunc from_row,
                        GDestroyNotify row_free, GError **error)
{
  g_autoptr (PGresult) res = carrete_db_query_finish (db, result, error);
  GPtrArray *rows;

  if (res == NULL)
    return NULL;
  rows = g_ptr_array_new_full (PQntuples (res), row_free);
  for (int row = 0; row < PQntuples (res); row++)
    g_ptr_array_add (rows, from_row (res, row));
  return rows;
}

void
carrete_db_answer_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (carrete_db_count_finish (CARRETE_DB (source), result, &error) < 0)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}
