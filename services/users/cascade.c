#define G_LOG_DOMAIN "carrete-users-cascade"

#include "cascade.h"

#include "carrete-error.h"
#include "carrete-op.h"
#include "carrete-service-client.h"

#define CASCADE_TOKEN_TTL 60
/* Deleting thousands of photos takes a while: allow for it. */
#define CASCADE_TIMEOUT_SECONDS 120
/* A quota read or set answers at once, or the page asking waits for nothing. */
#define QUICK_TIMEOUT_SECONDS 5

struct _UsersCascade
{
  CarreteServiceClient *photos;
  CarreteServiceClient *photos_quick; /* quota reads and settings */
  CarreteServiceClient *folders;
  CarreteJwt *jwt;       /* borrowed: signs the per-user tokens */
  const CarreteIds *ids;
};

UsersCascade *
users_cascade_new (const char *photos_url, const char *folders_url, CarreteJwt *jwt,
                   const CarreteIds *ids)
{
  UsersCascade *cascade;

  if (photos_url == NULL || folders_url == NULL)
    return NULL;
  cascade = g_new0 (UsersCascade, 1);
  cascade->photos = carrete_service_client_new (photos_url, CASCADE_TIMEOUT_SECONDS);
  cascade->photos_quick = carrete_service_client_new (photos_url, QUICK_TIMEOUT_SECONDS);
  cascade->folders = carrete_service_client_new (folders_url, CASCADE_TIMEOUT_SECONDS);
  cascade->jwt = jwt;
  cascade->ids = ids;
  return cascade;
}

void
users_cascade_free (UsersCascade *cascade)
{
  if (cascade == NULL)
    return;
  carrete_service_client_free (cascade->photos);
  carrete_service_client_free (cascade->photos_quick);
  carrete_service_client_free (cascade->folders);
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

static void send_delete (GTask *task, CarreteServiceClient *service, const char *path);

static void
on_deleted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Deletion *d = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  const char *what = d->folders_done ? "folders" : "photos";
  guint status = 0;

  /* Only 204 says everything is gone; a 404 or any other answer is a
   * failure here, so that the user row stays for the retry. */
  if (!carrete_service_client_call_finish (result, &status, NULL, &error) || status != 204)
    {
      g_warning ("account deletion: the %s service answered %u%s%s", what, status,
                 error != NULL ? ": " : "", error != NULL ? error->message : "");
      g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                               "The %s of this account could not be deleted right now; "
                               "nothing else was deleted. Try again.",
                               what);
      return;
    }
  if (!d->folders_done)
    {
      /* Photos first: a folder is only removable once it is empty. */
      d->folders_done = TRUE;
      send_delete (g_steal_pointer (&task), d->cascade->folders, "/v1/folders");
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
send_delete (GTask *task, CarreteServiceClient *service, const char *path)
{
  Deletion *d = g_task_get_task_data (task);
  const CarreteQueryParam query[] = { { "owner_id", d->user }, { NULL, NULL } };
  CarreteForward forward = { .bearer = d->token, .request_id = d->request_id };

  carrete_service_client_call_async (service, "DELETE", path, query, NULL, &forward, NULL,
                                     on_deleted, task);
}

CarreteServiceClient *
users_cascade_get_photos (UsersCascade *cascade)
{
  return cascade->photos_quick;
}

char *
users_cascade_encode_user (UsersCascade *cascade, gint64 user_id)
{
  return carrete_ids_encode (cascade->ids, CARRETE_ID_USER, user_id);
}

char *
users_cascade_mint_token (UsersCascade *cascade, gint64 user_id, const char *role, GError **error)
{
  g_autofree char *user = carrete_ids_encode (cascade->ids, CARRETE_ID_USER, user_id);

  return carrete_jwt_sign (cascade->jwt, user, role, g_get_real_time () / G_USEC_PER_SEC,
                           CASCADE_TOKEN_TTL, error);
}

void
users_cascade_delete_async (UsersCascade *cascade, gint64 user_id, const char *request_id,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  Deletion *d = g_new0 (Deletion, 1);
  g_autoptr (GTask) task
      = carrete_op_new (d, deletion_free, users_cascade_delete_async, NULL, callback, user_data);
  GError *error = NULL;

  d->cascade = cascade;
  d->user = carrete_ids_encode (cascade->ids, CARRETE_ID_USER, user_id);
  d->request_id = g_strdup (request_id);
  d->token = users_cascade_mint_token (cascade, user_id, "user", &error);
  if (d->token == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  send_delete (g_steal_pointer (&task), cascade->photos, "/v1/photos");
}

gboolean
users_cascade_delete_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
