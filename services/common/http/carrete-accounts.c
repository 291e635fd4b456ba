#define G_LOG_DOMAIN "carrete-accounts"

#include "carrete-accounts.h"

#include <libsoup/soup.h>
#include <string.h>

#include "carrete-error.h"

#define ACCOUNTS_TIMEOUT_SECONDS 10

struct _CarreteAccounts
{
  SoupSession *session;
  char *users_url;
};

CarreteAccounts *
carrete_accounts_new (const char *users_url)
{
  CarreteAccounts *accounts;
  gsize len;

  if (users_url == NULL || *users_url == '\0')
    return NULL;
  accounts = g_new0 (CarreteAccounts, 1);
  /* No proxy lookup: it would cost GIO work on every request. */
  accounts->session = soup_session_new_with_options ("proxy-resolver", NULL, "timeout",
                                                     ACCOUNTS_TIMEOUT_SECONDS, NULL);
  accounts->users_url = g_strdup (users_url);
  len = strlen (accounts->users_url);
  while (len > 0 && accounts->users_url[len - 1] == '/')
    accounts->users_url[--len] = '\0';
  return accounts;
}

void
carrete_accounts_free (CarreteAccounts *accounts)
{
  if (accounts == NULL)
    return;
  soup_session_abort (accounts->session);
  g_object_unref (accounts->session);
  g_free (accounts->users_url);
  g_free (accounts);
}

static void
on_answer (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                               &error);
  guint status = soup_message_get_status (msg);

  if (body != NULL && status == 200)
    g_task_return_boolean (task, TRUE);
  else if (body != NULL && status == 404)
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
  GTask *task = g_task_new (NULL, NULL, callback, user_data);
  g_autofree char *escaped = NULL;
  g_autofree char *url = NULL;
  g_autoptr (SoupMessage) msg = NULL;

  if (accounts == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  escaped = g_uri_escape_string (user != NULL ? user : "", NULL, FALSE);
  url = g_strdup_printf ("%s/v1/users/%s", accounts->users_url, escaped);
  msg = soup_message_new ("GET", url);
  if (msg == NULL)
    {
      g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_FAILED, "Bad users URL.");
      g_object_unref (task);
      return;
    }
  if (request_id != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "X-Request-Id",
                                  request_id);
  soup_session_send_and_read_async (accounts->session, msg, G_PRIORITY_DEFAULT, NULL, on_answer,
                                    task);
}

gboolean
carrete_accounts_check_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
