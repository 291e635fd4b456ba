#define G_LOG_DOMAIN "carrete-cli"

#include <errno.h>
#include <glib/gstdio.h>

#include "cli-session.h"

#define GROUP "session"

void
cli_session_free (CliSession *session)
{
  if (session == NULL)
    return;
  carrete_keyring_entry_free (session->entry);
  g_free (session);
}

char *
cli_session_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "carrete", "cli-session.ini", NULL);
}

/* ---- the keyring, awaited ---------------------------------------------------------------- */

static CarreteKeyringEntry *
keyring_lookup (GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  carrete_keyring_lookup_async (NULL, cli_on_result, &result);
  CLI_AWAIT (result);
  return carrete_keyring_lookup_finish (result, error);
}

static gboolean
keyring_store (const CarreteKeyringEntry *entry, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  carrete_keyring_store_async (entry, NULL, cli_on_result, &result);
  CLI_AWAIT (result);
  return carrete_keyring_store_finish (result, error);
}

static gboolean
keyring_clear (GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  carrete_keyring_clear_async (NULL, cli_on_result, &result);
  CLI_AWAIT (result);
  return carrete_keyring_clear_finish (result, error);
}

/* ---- the file ---------------------------------------------------------------------------- */

static char *
key_file_get (GKeyFile *file, const char *key)
{
  g_autofree char *value = g_key_file_get_string (file, GROUP, key, NULL);

  return value != NULL && *value != '\0' ? g_steal_pointer (&value) : NULL;
}

CliSession *
cli_session_load (GError **error)
{
  g_autofree char *path = cli_session_path ();
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autoptr (GError) local_error = NULL;
  g_autoptr (CliSession) session = g_new0 (CliSession, 1);
  g_autofree char *store = NULL;

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return NULL;
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", path);
      return NULL;
    }
  store = key_file_get (file, "store");
  session->store = g_strcmp0 (store, "keyring") == 0 ? CLI_STORE_KEYRING : CLI_STORE_FILE;
  if (session->store == CLI_STORE_KEYRING)
    {
      session->entry = keyring_lookup (error);
      if (session->entry == NULL)
        return NULL;
    }
  else
    {
      session->entry = carrete_keyring_entry_new ();
      session->entry->server_url = key_file_get (file, "server");
      session->entry->users_url = key_file_get (file, "users-url");
      session->entry->photos_url = key_file_get (file, "photos-url");
      session->entry->folders_url = key_file_get (file, "folders-url");
      session->entry->username = key_file_get (file, "username");
      session->entry->refresh_token = key_file_get (file, "refresh-token");
    }
  if (session->entry->server_url == NULL || session->entry->refresh_token == NULL)
    return NULL;
  return g_steal_pointer (&session);
}

static void
key_file_set (GKeyFile *file, const char *key, const char *value)
{
  if (value != NULL)
    g_key_file_set_string (file, GROUP, key, value);
}

static gboolean
write_file (const CarreteKeyringEntry *entry, CliStore store, GError **error)
{
  g_autofree char *path = cli_session_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autofree char *data = NULL;
  gsize length = 0;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "cannot create %s: %s",
                   dir, g_strerror (saved));
      return FALSE;
    }
  key_file_set (file, "store", store == CLI_STORE_KEYRING ? "keyring" : "file");
  key_file_set (file, "server", entry->server_url);
  key_file_set (file, "users-url", entry->users_url);
  key_file_set (file, "photos-url", entry->photos_url);
  key_file_set (file, "folders-url", entry->folders_url);
  key_file_set (file, "username", entry->username);
  if (store == CLI_STORE_FILE)
    key_file_set (file, "refresh-token", entry->refresh_token);
  data = g_key_file_to_data (file, &length, NULL);
  /* Written whole and renamed into place, 0600 from the start: the token
   * is never readable by others, nor left half-written by a kill. */
  return g_file_set_contents_full (path, data, (gssize) length, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                   error);
}

gboolean
cli_session_save (CarreteClient *client, gboolean try_keyring, CliStore *store,
                  char **keyring_error, GError **error)
{
  g_autoptr (CarreteKeyringEntry) entry = carrete_keyring_entry_new_from_client (client);
  g_autoptr (GError) local_error = NULL;

  if (entry == NULL)
    return cli_session_clear (error);
  *store = CLI_STORE_FILE;
  if (try_keyring)
    {
      if (keyring_store (entry, &local_error))
        *store = CLI_STORE_KEYRING;
      else if (keyring_error != NULL)
        *keyring_error = g_strdup (local_error->message);
    }
  return write_file (entry, *store, error);
}

gboolean
cli_session_clear (GError **error)
{
  g_autofree char *path = cli_session_path ();
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autofree char *store = NULL;

  if (g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, NULL))
    store = key_file_get (file, "store");
  if (g_strcmp0 (store, "keyring") == 0 && !keyring_clear (error))
    return FALSE;
  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "cannot remove %s: %s",
                   path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

CarreteClient *
cli_session_new_client (const CliSession *session)
{
  CarreteClient *client = carrete_client_new (session->entry->server_url);

  carrete_client_set_service_urls (client, session->entry->users_url, session->entry->photos_url,
                                   session->entry->folders_url);
  return client;
}
