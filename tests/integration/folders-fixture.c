#define G_LOG_DOMAIN "carrete-test-folders"

#include "folders-fixture.h"

static void
add_setting (GStrvBuilder *env, const char *name, const char *value)
{
  g_autofree char *entry = g_strconcat (name, "=", value, NULL);
  g_strv_builder_add (env, entry);
}

static void
migrate (const char *binary, char **env)
{
  g_autofree char *output = NULL;
  int status = ct_command (binary, (const char *const[]) { "migrate", NULL },
                           (const char *const *) env, &output);

  if (status != 0)
    g_error ("%s migrate failed:\n%s", binary, output);
}

static char **
folders_env (FoldersFixture *fixture, const char *photos_url)
{
  g_autoptr (GStrvBuilder) env = g_strv_builder_new ();
  CtKeys *keys = fixture->users->keys;

  add_setting (env, "CARRETE_DATABASE_URL", fixture->database_url);
  add_setting (env, "CARRETE_JWT_PUBLIC_KEY_FILE", keys->jwt_public);
  add_setting (env, "CARRETE_ID_KEY_FILE", keys->id_key);
  add_setting (env, "CARRETE_PHOTOS_URL", photos_url);
  return g_strv_builder_end (env);
}

static FoldersFixture *
start_users_and_database (void)
{
  FoldersFixture *fixture = g_new0 (FoldersFixture, 1);

  fixture->users = users_fixture_start ();
  fixture->database_url = ct_postgres_create_database (fixture->users->pg, "carrete_folders");
  fixture->binary = ct_build_path ("services/folders/carrete-folders");
  return fixture;
}

FoldersFixture *
folders_fixture_start (void)
{
  FoldersFixture *fixture = start_users_and_database ();
  g_autofree char *closed = g_strdup_printf ("http://127.0.0.1:%u", ct_free_port ());

  fixture->env = folders_env (fixture, closed);
  migrate (fixture->binary, fixture->env);
  fixture->service = ct_service_start (fixture->binary, (const char *const *) fixture->env);
  fixture->url = ct_service_url (fixture->service);
  return fixture;
}

/* carrete-photos is the lead's; its settings follow DESIGN.md (fs storage,
 * CARRETE_FOLDERS_URL, CARRETE_PUBLIC_URL for its own signed URLs). */
FoldersFixture *
folders_fixture_start_with_photos (void)
{
  FoldersFixture *fixture = start_users_and_database ();
  guint16 folders_port = ct_free_port ();
  guint16 photos_port = ct_free_port ();
  g_autofree char *folders_url = g_strdup_printf ("http://127.0.0.1:%u", folders_port);
  g_autofree char *photos_url = g_strdup_printf ("http://127.0.0.1:%u", photos_port);
  g_autoptr (GStrvBuilder) env = g_strv_builder_new ();
  CtKeys *keys = fixture->users->keys;

  fixture->photos_database_url = ct_postgres_create_database (fixture->users->pg, "carrete_photos");
  fixture->photos_binary = ct_build_path ("services/photos/carrete-photos");
  fixture->storage_dir = ct_make_tmpdir ("carrete-photos-XXXXXX");
  add_setting (env, "CARRETE_DATABASE_URL", fixture->photos_database_url);
  add_setting (env, "CARRETE_JWT_PUBLIC_KEY_FILE", keys->jwt_public);
  add_setting (env, "CARRETE_ID_KEY_FILE", keys->id_key);
  add_setting (env, "CARRETE_FOLDERS_URL", folders_url);
  add_setting (env, "CARRETE_PUBLIC_URL", photos_url);
  add_setting (env, "CARRETE_STORAGE", "fs");
  add_setting (env, "CARRETE_STORAGE_DIR", fixture->storage_dir);
  fixture->photos_env = g_strv_builder_end (env);
  migrate (fixture->photos_binary, fixture->photos_env);
  fixture->photos = ct_service_start_at (fixture->photos_binary,
                                         (const char *const *) fixture->photos_env, photos_port);
  fixture->photos_url = ct_service_url (fixture->photos);

  fixture->env = folders_env (fixture, photos_url);
  migrate (fixture->binary, fixture->env);
  fixture->service = ct_service_start_at (fixture->binary, (const char *const *) fixture->env,
                                          folders_port);
  fixture->url = ct_service_url (fixture->service);
  return fixture;
}

void
folders_fixture_free (FoldersFixture *fixture)
{
  ct_service_free (fixture->service);
  ct_service_free (fixture->photos);
  users_fixture_free (fixture->users);
  ct_remove_tree (fixture->storage_dir);
  g_free (fixture->storage_dir);
  g_free (fixture->database_url);
  g_free (fixture->binary);
  g_strfreev (fixture->env);
  g_free (fixture->photos_database_url);
  g_free (fixture->photos_binary);
  g_strfreev (fixture->photos_env);
  g_free (fixture);
}

char *
folders_new_user (FoldersFixture *fixture, const char *prefix, char **id)
{
  return users_new_user (fixture->users, prefix, NULL, id, NULL);
}

char *
folders_create (FoldersFixture *fixture, const char *token, const char *body)
{
  g_autoptr (CtResponse) response = ct_http (fixture->url, "POST", "/v1/folders", token, body);

  if (response->status != 201)
    g_error ("POST /v1/folders %s: %u %.*s", body, response->status,
             (int) g_bytes_get_size (response->body),
             (const char *) g_bytes_get_data (response->body, NULL));
  return g_strdup (ct_response_string (response, "id"));
}

char *
folders_sql (FoldersFixture *fixture, const char *sql, const char *param)
{
  return ct_postgres_query_param (fixture->users->pg, "carrete_folders", sql, param);
}
