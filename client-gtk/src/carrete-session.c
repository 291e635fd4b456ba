#define G_LOG_DOMAIN "carrete-session"

#include "carrete-client-lib.h"
#include "carrete-session.h"

struct _CarreteSession
{
  GObject parent_instance;

  CarreteClient *client; /* NULL while signed out */
};

enum
{
  EXPIRED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CarreteSession, carrete_session, G_TYPE_OBJECT)

/* ---- the keyring's copy ------------------------------------------------------- */

static void
stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  /* Without a keyring the app still works; it just asks again next time. */
  if (!carrete_keyring_store_finish (result, &error))
    g_message ("Could not keep the session in the keyring: %s", error->message);
}

static void
store (CarreteSession *self)
{
  g_autoptr(CarreteKeyringEntry) entry = NULL;

  if (self->client == NULL)
    return;
  entry = carrete_keyring_entry_new_from_client (self->client);
  if (entry != NULL)
    carrete_keyring_store_async (entry, NULL, stored_cb, NULL);
}

static void
cleared_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!carrete_keyring_clear_finish (result, &error))
    g_message ("Could not remove the session from the keyring: %s", error->message);
}

static void
forget_stored (void)
{
  carrete_keyring_clear_async (NULL, cleared_cb, NULL);
}

/* ---- the client ------------------------------------------------------------------ */

static void
on_session_expired (CarreteSession *self)
{
  forget_stored ();
  g_signal_emit (self, signals[EXPIRED], 0);
}

CarreteClient *
carrete_session_get_client (CarreteSession *self)
{
  g_return_val_if_fail (CARRETE_IS_SESSION (self), NULL);
  return self->client;
}

void
carrete_session_end (CarreteSession *self)
{
  g_return_if_fail (CARRETE_IS_SESSION (self));

  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
}

gboolean
carrete_session_begin (CarreteSession *self, CarreteClient *client)
{
  gboolean is_new;

  g_return_val_if_fail (CARRETE_IS_SESSION (self), FALSE);
  g_return_val_if_fail (CARRETE_IS_CLIENT (client), FALSE);

  is_new = client != self->client;
  if (is_new)
    {
      carrete_session_end (self);
      self->client = g_object_ref (client);
      g_signal_connect_swapped (client, "session-expired", G_CALLBACK (on_session_expired), self);
      g_signal_connect_swapped (client, "tokens-changed", G_CALLBACK (store), self);
    }
  store (self);
  return is_new;
}

static void
logged_out_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  /* The tokens are forgotten either way; the server may just not know yet. */
  if (!carrete_client_logout_finish (CARRETE_CLIENT (source), result, &error))
    g_message ("Signed out locally; the server was not told: %s", error->message);
}

void
carrete_session_sign_out (CarreteSession *self)
{
  g_return_if_fail (CARRETE_IS_SESSION (self));

  if (self->client == NULL)
    return;
  carrete_client_logout_async (self->client, NULL, logged_out_cb, NULL);
  forget_stored ();
  carrete_session_end (self);
}

/* ---- restore from the keyring ---------------------------------------------------- */

typedef struct
{
  CarreteKeyringEntry *stored;
  CarreteClient *client;
} Restore;

static void
restore_free (Restore *restore)
{
  carrete_keyring_entry_free (restore->stored);
  g_clear_object (&restore->client);
  g_free (restore);
}

static void
restored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  CarreteClient *client = CARRETE_CLIENT (source);

  if (!carrete_client_restore_finish (client, result, &error))
    {
      /* The server will not take this token again: do not offer it next time. */
      if (g_error_matches (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNAUTHORIZED))
        forget_stored ();
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_object_ref (client), g_object_unref);
}

static void
looked_up_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  Restore *restore = g_task_get_task_data (task);
  CarreteKeyringEntry *entry;

  restore->stored = carrete_keyring_lookup_finish (result, &error);
  entry = restore->stored;
  if (entry == NULL)
    {
      /* No keyring is like an empty one: the user signs in by hand. */
      if (error != NULL)
        g_message ("No keyring: %s", error->message);
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  restore->client = carrete_client_new (entry->server_url);
  if (entry->users_url != NULL || entry->photos_url != NULL || entry->folders_url != NULL)
    carrete_client_set_service_urls (restore->client, entry->users_url, entry->photos_url,
                                     entry->folders_url);
  carrete_client_restore_async (restore->client, entry->refresh_token,
                                g_task_get_cancellable (task), restored_cb, g_object_ref (task));
}

void
carrete_session_restore_async (CarreteSession *self, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;

  g_return_if_fail (CARRETE_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, carrete_session_restore_async);
  g_task_set_task_data (task, g_new0 (Restore, 1), (GDestroyNotify) restore_free);
  carrete_keyring_lookup_async (cancellable, looked_up_cb, task);
}

CarreteClient *
carrete_session_restore_finish (CarreteSession *self, GAsyncResult *result,
                                CarreteKeyringEntry **stored, GError **error)
{
  Restore *restore;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == carrete_session_restore_async,
                        NULL);

  restore = g_task_get_task_data (G_TASK (result));
  if (stored != NULL)
    *stored = g_steal_pointer (&restore->stored);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- lifecycle ---------------------------------------------------------------------- */

static void
carrete_session_dispose (GObject *object)
{
  carrete_session_end (CARRETE_SESSION (object));
  G_OBJECT_CLASS (carrete_session_parent_class)->dispose (object);
}

static void
carrete_session_class_init (CarreteSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = carrete_session_dispose;

  signals[EXPIRED] = g_signal_new ("expired", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);
}

static void
carrete_session_init (CarreteSession *self)
{
}

CarreteSession *
carrete_session_new (void)
{
  return g_object_new (CARRETE_TYPE_SESSION, NULL);
}
