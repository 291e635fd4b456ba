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

/* The task's data: the code a 404 (no such account) fails with. */
static void
on_answer (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  CarreteError gone = GPOINTER_TO_INT (g_task_get_task_data (task));
  g_autoptr (JsonNode) root = NULL;
  JsonObject *profile;
  guint status = 0;

  /* Only a 404 says the account is gone: any other failure (a refused or
   * garbled answer included) leaves it unknown, and nothing is created. */
  if (carrete_service_client_call_finish (result, &status, &root, NULL) && status == 200)
    {
      profile = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
      g_task_return_pointer (
          task,
          g_strdup (profile != NULL
                        ? json_object_get_string_member_with_default (profile, "username", "")
                        : ""),
          g_free);
    }
  else if (status == 404)
    g_task_return_new_error (task, CARRETE_ERROR, gone,
                             gone == CARRETE_ERROR_NOT_FOUND ? "No such user."
                                                             : "This account no longer exists.");
  else
    g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                             "The users service cannot confirm the account right now.");
}

static void
ask_profile (CarreteAccounts *accounts, const char *user, const char *request_id, CarreteError gone,
             gpointer source_tag, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task
      = carrete_op_new (GINT_TO_POINTER (gone), NULL, source_tag, NULL, callback, user_data);
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  CarreteForward forward = { .request_id = request_id };

  if (accounts == NULL)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  escaped = g_uri_escape_string (user != NULL ? user : "", NULL, FALSE);
  path = g_strconcat ("/v1/users/", escaped, NULL);
  carrete_service_client_call_async (accounts->users, "GET", path, NULL, NULL, &forward, NULL,
                                     on_answer, g_steal_pointer (&task));
}

void
carrete_accounts_check_async (CarreteAccounts *accounts, const char *user, const char *request_id,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  ask_profile (accounts, user, request_id, CARRETE_ERROR_UNAUTHORIZED, carrete_accounts_check_async,
               callback, user_data);
}

gboolean
carrete_accounts_check_finish (GAsyncResult *result, GError **error)
{
  g_autofree char *username = NULL;

  return carrete_accounts_profile_finish (result, &username, error);
}

void
carrete_accounts_profile_async (CarreteAccounts *accounts, const char *user, const char *request_id,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  ask_profile (accounts, user, request_id, CARRETE_ERROR_NOT_FOUND, carrete_accounts_profile_async,
               callback, user_data);
}

gboolean
carrete_accounts_profile_finish (GAsyncResult *result, char **username, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  *username = g_task_propagate_pointer (G_TASK (result), error);
  return *username != NULL || !g_task_had_error (G_TASK (result));
}
