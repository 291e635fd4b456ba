#define G_LOG_DOMAIN "carrete-keyring"

#include <string.h>

#include <libsecret/secret.h>

#include "carrete-keyring.h"
#include "carrete-client.h"

/* One item of schema org.carrete.Desktop.Session holds the session: the
 * secret is the refresh token (only a secret store may see it); the
 * addresses and the username are attributes, so that the sign-in page can
 * be filled before the keyring is asked for the secret. */

#define ATTR_APPLICATION "application"

/* Which program's session: carrete-desktop's by default; the command-line
 * client keeps its own (carrete_keyring_set_application) so that signing
 * in or out in one does not end the other's session. */
static char *application_name;

static const SecretSchema *
session_schema (void)
{
  static const SecretSchema schema = {
    "org.carrete.Desktop.Session",
    SECRET_SCHEMA_NONE,
    {
      { ATTR_APPLICATION, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "server-url", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "users-url", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "photos-url", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "folders-url", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "username", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

static GHashTable *
match_all (void)
{
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (attributes, ATTR_APPLICATION,
                       g_strdup (application_name != NULL ? application_name : "carrete-desktop"));
  return attributes;
}

void
carrete_keyring_set_application (const char *application)
{
  g_free (application_name);
  application_name = g_strdup (application);
}

CarreteKeyringEntry *
carrete_keyring_entry_new (void)
{
  return g_new0 (CarreteKeyringEntry, 1);
}

void
carrete_keyring_entry_free (CarreteKeyringEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->server_url);
  g_free (entry->users_url);
  g_free (entry->photos_url);
  g_free (entry->folders_url);
  g_free (entry->username);
  /* The token is a secret: do not leave it in freed memory. */
  if (entry->refresh_token != NULL)
    memset (entry->refresh_token, 0, strlen (entry->refresh_token));
  g_free (entry->refresh_token);
  g_free (entry);
}

CarreteKeyringEntry *
carrete_keyring_entry_new_from_client (CarreteClient *client)
{
  CarreteKeyringEntry *entry;
  CarreteUser *user;

  g_return_val_if_fail (CARRETE_IS_CLIENT (client), NULL);
  if (carrete_client_get_refresh_token (client) == NULL)
    return NULL;
  user = carrete_client_get_user (client);
  entry = carrete_keyring_entry_new ();
  entry->server_url = g_strdup (carrete_client_get_server_url (client));
  entry->users_url = g_strdup (carrete_client_get_service_url_override (client, CARRETE_SERVICE_USERS));
  entry->photos_url = g_strdup (carrete_client_get_service_url_override (client, CARRETE_SERVICE_PHOTOS));
  entry->folders_url = g_strdup (carrete_client_get_service_url_override (client, CARRETE_SERVICE_FOLDERS));
  entry->username = g_strdup (user != NULL ? carrete_user_get_username (user) : NULL);
  entry->refresh_token = g_strdup (carrete_client_get_refresh_token (client));
  return entry;
}

/* ---- store: forget the old session, then keep the new one -------------------------------- */

static void
on_stored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
add_attribute (GHashTable *attributes, const char *name, const char *value)
{
  if (value != NULL)
    g_hash_table_insert (attributes, (gpointer) name, g_strdup (value));
}

static void
on_old_cleared (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  const CarreteKeyringEntry *entry = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) attributes = NULL;
  g_autofree char *label = NULL;

  if (!secret_password_clear_finish (result, &error) && error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  attributes = match_all ();
  add_attribute (attributes, "server-url", entry->server_url);
  add_attribute (attributes, "users-url", entry->users_url);
  add_attribute (attributes, "photos-url", entry->photos_url);
  add_attribute (attributes, "folders-url", entry->folders_url);
  add_attribute (attributes, "username", entry->username);
  label = g_strdup_printf ("Carrete session of %s on %s",
                           entry->username != NULL ? entry->username : "?", entry->server_url);
  secret_password_storev (session_schema (), attributes, SECRET_COLLECTION_DEFAULT, label,
                          entry->refresh_token, g_task_get_cancellable (task), on_stored, task);
}

static CarreteKeyringEntry *
entry_copy (const CarreteKeyringEntry *entry)
{
  CarreteKeyringEntry *copy = carrete_keyring_entry_new ();

  copy->server_url = g_strdup (entry->server_url);
  copy->users_url = g_strdup (entry->users_url);
  copy->photos_url = g_strdup (entry->photos_url);
  copy->folders_url = g_strdup (entry->folders_url);
  copy->username = g_strdup (entry->username);
  copy->refresh_token = g_strdup (entry->refresh_token);
  return copy;
}

void
carrete_keyring_store_async (const CarreteKeyringEntry *entry, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;
  g_autoptr (GHashTable) attributes = match_all ();

  g_return_if_fail (entry != NULL);
  g_return_if_fail (entry->server_url != NULL && entry->refresh_token != NULL);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, carrete_keyring_store_async);
  g_task_set_task_data (task, entry_copy (entry), (GDestroyNotify) carrete_keyring_entry_free);
  secret_password_clearv (session_schema (), attributes, cancellable, on_old_cleared, task);
}

gboolean
carrete_keyring_store_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- lookup ----------------------------------------------------------------------------- */

static void
on_secret_retrieved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  CarreteKeyringEntry *entry = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  SecretValue *value = secret_retrievable_retrieve_secret_finish (SECRET_RETRIEVABLE (source),
                                                                  result, &error);

  if (value == NULL)
    {
      if (error != NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_pointer (task, NULL, NULL);
      return;
    }
  entry->refresh_token = g_strdup (secret_value_get_text (value));
  secret_value_unref (value);
  if (entry->refresh_token == NULL || entry->server_url == NULL)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  g_task_return_pointer (task, entry_copy (entry), (GDestroyNotify) carrete_keyring_entry_free);
}

static void
on_searched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  g_autoptr (GError) error = NULL;
  GList *items = secret_password_search_finish (result, &error);
  g_autoptr (GHashTable) attributes = NULL;
  CarreteKeyringEntry *entry;
  SecretRetrievable *item;

  if (items == NULL)
    {
      if (error != NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_pointer (task, NULL, NULL);
      g_object_unref (task);
      return;
    }
  item = g_object_ref (items->data);
  g_list_free_full (items, g_object_unref);
  attributes = secret_retrievable_get_attributes (item);
  entry = carrete_keyring_entry_new ();
  entry->server_url = g_strdup (g_hash_table_lookup (attributes, "server-url"));
  entry->users_url = g_strdup (g_hash_table_lookup (attributes, "users-url"));
  entry->photos_url = g_strdup (g_hash_table_lookup (attributes, "photos-url"));
  entry->folders_url = g_strdup (g_hash_table_lookup (attributes, "folders-url"));
  entry->username = g_strdup (g_hash_table_lookup (attributes, "username"));
  g_task_set_task_data (task, entry, (GDestroyNotify) carrete_keyring_entry_free);
  secret_retrievable_retrieve_secret (item, g_task_get_cancellable (task), on_secret_retrieved, task);
  g_object_unref (item);
}

void
carrete_keyring_lookup_async (GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr (GHashTable) attributes = match_all ();

  g_task_set_source_tag (task, carrete_keyring_lookup_async);
  secret_password_searchv (session_schema (), attributes,
                           SECRET_SEARCH_UNLOCK | SECRET_SEARCH_LOAD_SECRETS, cancellable,
                           on_searched, task);
}

CarreteKeyringEntry *
carrete_keyring_lookup_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- clear -------------------------------------------------------------------------------- */

static void
on_cleared (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  /* FALSE without error: there was nothing to forget. */
  if (!secret_password_clear_finish (result, &error) && error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
carrete_keyring_clear_async (GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr (GHashTable) attributes = match_all ();

  g_task_set_source_tag (task, carrete_keyring_clear_async);
  secret_password_clearv (session_schema (), attributes, cancellable, on_cleared, task);
}

gboolean
carrete_keyring_clear_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
