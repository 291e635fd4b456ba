#define G_LOG_DOMAIN "carrete-accounts"

#include "carrete-accounts.h"

#include "carrete-error.h"
#include "carrete-op.h"
#include "carrete-service-client.h"

#define ACCOUNTS_TIMEOUT_SECONDS 10

struct _CarreteAccounts
{
  CarreteServiceClient *users;
};

CarreteAccounts *
carrete_accounts_new (const char *users_url)
{
  CarreteAccounts *accounts;

  if (users_url == NULL || *users_url == '\0')
    return NULL;
  accounts = g_new0 (CarreteAccounts, 1);
  accounts->users = carrete_service_client_new (users_url, ACCOUNTS_TIMEOUT_SECONDS);
  return accounts;
}

void
carrete_accounts_free (CarreteAccounts *accounts)
{
  if (accounts == NULL)
    return;
  carrete_service_client_free (accounts->users);
  g_free (accounts);
}

static void
on_answer (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  guint status = 0;

  /* Only a 404 says the account is gone: any other failure (a refused or
   * garbled answer included) leaves it unknown, and nothing is created. */
  if (carrete_service_client_call_finish (result, &status, NULL, NULL) && status == 200)
    g_task_return_boolean (task, TRUE);
  else if (status == 404)
    g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_UNAUTHORIZED,
                             "This account no longer exists.");
  else
    g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                             "The users service cannot confirm the account right now.");
}

void
carrete_accounts_check_async (CarreteAccounts *accounts, const char *user, const char *request_id,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task
      = carrete_op_new (NULL, NULL, carrete_accounts_check_async, NULL, callback, user_data);
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  CarreteForward forward = { .request_id = request_id };

  if (accounts == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  escaped = g_uri_escape_string (user != NULL ? user : "", NULL, FALSE);
  path = g_strconcat ("/v1/users/", escaped, NULL);
  carrete_service_client_call_async (accounts->users, "GET", path, NULL, NULL, &forward, NULL,
                                     on_answer, g_steal_pointer (&task));
}

gboolean
carrete_accounts_check_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
