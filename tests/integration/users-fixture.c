#define G_LOG_DOMAIN "carrete-test-users"

#include "users-fixture.h"

#include <sodium.h>
#include <string.h>

UsersFixture *
users_fixture_start (void)
{
  return users_fixture_start_with (NULL);
}

UsersFixture *
users_fixture_start_with (const char *const *extra_env)
{
  UsersFixture *fixture = g_new0 (UsersFixture, 1);
  g_autoptr (GStrvBuilder) env = g_strv_builder_new ();
  g_autofree char *db = NULL, *pub = NULL, *priv = NULL, *id = NULL, *output = NULL;

  g_assert_cmpint (sodium_init (), >=, 0);
  fixture->pg = ct_postgres_start ();
  fixture->keys = ct_keys_new ();
  fixture->database_url = ct_postgres_create_database (fixture->pg, "carrete_users");
  fixture->binary = ct_build_path ("services/users/carrete-users");

  db = g_strconcat ("CARRETE_DATABASE_URL=", fixture->database_url, NULL);
  pub = g_strconcat ("CARRETE_JWT_PUBLIC_KEY_FILE=", fixture->keys->jwt_public, NULL);
  priv = g_strconcat ("CARRETE_JWT_PRIVATE_KEY_FILE=", fixture->keys->jwt_private, NULL);
  id = g_strconcat ("CARRETE_ID_KEY_FILE=", fixture->keys->id_key, NULL);
  g_strv_builder_add_many (env, db, pub, priv, id, NULL);
  if (extra_env != NULL)
    g_strv_builder_addv (env, (const char **) extra_env);
  fixture->env = g_strv_builder_end (env);

  g_assert_cmpint (ct_command (fixture->binary, (const char *const[]) { "migrate", NULL },
                               (const char *const *) fixture->env, &output),
                   ==, 0);
  fixture->service = ct_service_start (fixture->binary, (const char *const *) fixture->env);
  fixture->url = ct_service_url (fixture->service);
  return fixture;
}

void
users_fixture_free (UsersFixture *fixture)
{
  ct_service_free (fixture->service);
  ct_postgres_free (fixture->pg);
  ct_keys_free (fixture->keys);
  g_free (fixture->database_url);
  g_free (fixture->binary);
  g_strfreev (fixture->env);
  g_free (fixture);
}

char *
users_unique_name (const char *prefix)
{
  static guint counter = 0;
  return g_strdup_printf ("%s_%x%u", prefix, g_random_int_range (0, 0xffff), ++counter);
}

char *
users_register (UsersFixture *fixture, const char *username)
{
  g_autofree char *body = g_strdup_printf (
      "{\"username\":\"%s\",\"email\":\"%s@example.org\",\"password\":\"%s\"}", username,
      username, USERS_PASSWORD);
  g_autoptr (CtResponse) response = ct_http (fixture->url, "POST", "/v1/auth/register", NULL, body);

  g_assert_cmpuint (response->status, ==, 201);
  return g_strdup (ct_response_string (response, "id"));
}

char *
users_login_body (const char *username, const char *password)
{
  return g_strdup_printf ("{\"username\":\"%s\",\"password\":\"%s\"}", username, password);
}

char *
users_login (UsersFixture *fixture, const char *username, const char *password,
             char **refresh_token)
{
  g_autofree char *body = users_login_body (username, password);
  g_autoptr (CtResponse) response = ct_http (fixture->url, "POST", "/v1/auth/login", NULL, body);

  g_assert_cmpuint (response->status, ==, 200);
  if (refresh_token != NULL)
    *refresh_token = g_strdup (ct_response_string (response, "refresh_token"));
  return g_strdup (ct_response_string (response, "access_token"));
}

char *
users_new_user (UsersFixture *fixture, const char *prefix, char **name, char **id,
                char **refresh_token)
{
  g_autofree char *username = users_unique_name (prefix);
  g_autofree char *user_id = users_register (fixture, username);
  char *token = users_login (fixture, username, USERS_PASSWORD, refresh_token);

  if (name != NULL)
    *name = g_steal_pointer (&username);
  if (id != NULL)
    *id = g_steal_pointer (&user_id);
  return token;
}
