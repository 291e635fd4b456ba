#define G_LOG_DOMAIN "carrete-users-roles"

#include "roles.h"

#include <libpq-fe.h>

#include "carrete-db.h"
#include "carrete-error.h"
#include "carrete-migrate.h"

gboolean
users_set_role (const char *conninfo, const char *username, const char *role, GError **error)
{
  g_autoptr (PGconn) conn = NULL;
  g_autoptr (PGresult) res = NULL;
  const char *params[] = { username, role };

  if (!g_str_equal (role, "admin") && !g_str_equal (role, "user"))
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID, "role must be admin or user");
      return FALSE;
    }
  conn = carrete_migrate_connect (conninfo, "carrete-users-roles", error);
  if (conn == NULL)
    return FALSE;
  res = PQexecParams (conn,
                      "UPDATE users SET role = $2, updated_at = now() WHERE lower(username) = lower($1)",
                      2, NULL, params, NULL, NULL, 0);
  if (PQresultStatus (res) != PGRES_COMMAND_OK)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "%s", PQresultErrorMessage (res));
      return FALSE;
    }
  if (g_str_equal (PQcmdTuples (res), "0"))
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND, "no user named %s", username);
      return FALSE;
    }
  return TRUE;
}
