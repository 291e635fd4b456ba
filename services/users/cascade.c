#define G_LOG_DOMAIN "carrete-users-cascade"

#include "cascade.h"

#include <libsoup/soup.h>
#include <string.h>

#include "carrete-error.h"

#define CASCADE_TOKEN_TTL 60
#define CASCADE_TIMEOUT_SECONDS 120

struct _UsersCascade
{
  SoupSession *session;
  char *photos_url;
  char *folders_url;
  CarreteJwt *jwt;       /* borrowed: signs the per-user tokens */
  const CarreteIds *ids;
};

static char *
without_trailing_slash (const char *url)
{
  char *copy = g_strdup (url);
  gsize len = strlen (copy);

  while (len > 0 && copy[len - 1] == '/')
    copy[--len] = '\0';
  return copy;
}

UsersCascade *
users_cascade_new (const char *photos_url, const char *folders_url, CarreteJwt *jwt,
                   const CarreteIds *ids)
{
  UsersCascade *cascade;

  if (photos_url == NULL || folders_url == NULL)
    return NULL;
  cascade = g_new0 (UsersCascade, 1);
  /* Deleting thousands of photos takes a while: allow for it. */
  cascade->session = soup_session_new_with_options ("proxy-resolver", NULL, "timeout",
                                                    CASCADE_TIMEOUT_SECONDS, NULL);
  cascade->photos_url = without_trailing_slash (photos_url);
  cascade->folders_url = without_trailing_slash (folders_url);
  cascade->jwt = jwt;
  cascade->ids = ids;
  return cascade;
}

void
users_cascade_free (UsersCascade *cascade)
{
  if (cascade == NULL)
    return;
  soup_session_abort (cascade->session);
  g_object_unref (cascade->session);
  g_free (cascade->photos_url);
  g_free (cascade->folders_url);
  g_free (cascade);
}

typedef struct
{
  UsersCascade *cascade;
  char *user;        /* opaque id */
  char *token;
  char *request_id;
  gboolean folders_done;
} Deletion;

static void
deletion_free (gpointer data)
{
  Deletion *d = data;

  g_free (d->user);
  g_free (d->token);
  g_free (d->request_id);
  g_free (d);
}

static void send_delete (GTask *task, const char *base_url, const char *what);

static void
on_deleted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Deletion *d = g_task_get_task_data (task);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                               &error);
  const char *what = d->folders_done ? "folders" : "photos";
  guint status = soup_message_get_status (msg);

  if (body == NULL || status != 204)
    {
      g_warning ("account deletion: the %s service answered %u%s%s", what, status,
                 error != NULL ? ": " : "", error != NULL ? error->message : "");
      g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                               "The %s of this account could not be deleted right now; "
                               "nothing else was deleted. Try again.", what);
      g_object_unref (task);
      return;
    }
  if (!d->folders_done)
    {
      /* Photos first: a folder is only removable once it is empty. */
      d->folders_done = TRUE;
      send_delete (task, d->cascade->folders_url, "folders");
      return;
    }
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
send_delete (GTask *task, const char *base_url, const char *what)
{
  Deletion *d = g_task_get_task_data (task);
  g_autofree char *url = g_strdup_printf ("%s/v1/%s?owner_id=%s", base_url, what, d->user);
  g_autofree char *auth = g_strconcat ("Bearer ", d->token, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("DELETE", url);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  soup_message_headers_replace (headers, "Authorization", auth);
  if (d->request_id != NULL)
    soup_message_headers_replace (headers, "X-Request-Id", d->request_id);
  soup_session_send_and_read_async (d->cascade->session, msg, G_PRIORITY_DEFAULT, NULL,
                                    on_deleted, task);
}

void
users_cascade_delete_async (UsersCascade *cascade, gint64 user_id, const char *request_id,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, NULL, callback, user_data);
  Deletion *d = g_new0 (Deletion, 1);
  GError *error = NULL;

  d->cascade = cascade;
  d->user = carrete_ids_encode (cascade->ids, CARRETE_ID_USER, user_id);
  d->request_id = g_strdup (request_id);
  g_task_set_task_data (task, d, deletion_free);
  d->token = carrete_jwt_sign (cascade->jwt, d->user, "user", g_get_real_time () / G_USEC_PER_SEC,
                               CASCADE_TOKEN_TTL, &error);
  if (d->token == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  send_delete (task, cascade->photos_url, "photos");
}

gboolean
users_cascade_delete_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
