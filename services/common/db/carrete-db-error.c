#define G_LOG_DOMAIN "carrete-db"

/* What a failed statement or connection becomes for the services: a
 * CarreteError whose code says how to answer (503, 409, 422...). */

#include "carrete-db-private.h"

#include "carrete-error.h"

GError *
carrete_db_unavailable_error (void)
{
  return g_error_new_literal (CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                              "The database is unavailable; try again shortly.");
}

static int
error_code_for_sqlstate (const char *state)
{
  if (state == NULL)
    return CARRETE_ERROR_UNAVAILABLE;
  if (g_str_equal (state, "23505"))
    return CARRETE_ERROR_CONFLICT;
  if (g_str_equal (state, "57014"))
    return CARRETE_ERROR_TIMEOUT;
  if (g_str_has_prefix (state, "08") || g_str_has_prefix (state, "57P")
      || g_str_has_prefix (state, "53") || g_str_equal (state, "42P01"))
    return CARRETE_ERROR_UNAVAILABLE; /* 42P01: schema missing, i.e. not migrated */
  if (g_str_has_prefix (state, "22"))
    return CARRETE_ERROR_INVALID;
  return CARRETE_ERROR_FAILED;
}

/* CONFLICT errors carry the constraint name as their message so that the
 * service can say which field collided. */
GError *
carrete_db_error_from_result (const PGresult *res)
{
  const char *state = PQresultErrorField (res, PG_DIAG_SQLSTATE);
  const char *constraint = PQresultErrorField (res, PG_DIAG_CONSTRAINT_NAME);
  int code = error_code_for_sqlstate (state);
  g_autofree char *message = g_strstrip (g_strdup (PQresultErrorMessage (res)));

  switch (code)
    {
    case CARRETE_ERROR_CONFLICT:
      return g_error_new (CARRETE_ERROR, code, "%s", constraint != NULL ? constraint : "");
    case CARRETE_ERROR_INVALID:
      return g_error_new (CARRETE_ERROR, code, "%s", message);
    case CARRETE_ERROR_TIMEOUT:
      g_warning ("statement timed out: %s", message);
      return g_error_new_literal (CARRETE_ERROR, code, "The database took too long to answer.");
    case CARRETE_ERROR_UNAVAILABLE:
      g_warning ("database unavailable (%s): %s", state != NULL ? state : "-", message);
      return carrete_db_unavailable_error ();
    default:
      g_warning ("query failed (%s): %s", state, message);
      return g_error_new (CARRETE_ERROR, code, "database: %s", message);
    }
}

const char *
carrete_db_error_get_constraint (const GError *error)
{
  if (!g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_CONFLICT) || *error->message == '\0')
    return NULL;
  return error->message;
}
