#pragma once

#include "carrete-test.h"

G_BEGIN_DECLS

/* libsodium initialised, one private PostgreSQL, fresh keys, a migrated carrete_users database and
 * the real carrete-users binary on a free port. */
typedef struct
{
  CtPostgres *pg;
  CtKeys *keys;
  char *database_url;
  char *binary;
  char **env;
  CtService *service;
  const char *url;
} UsersFixture;

UsersFixture *users_fixture_start (void);
/* The same with more settings (KEY=VALUE, NULL-terminated) for the service. */
UsersFixture *users_fixture_start_with (const char *const *extra_env);
void users_fixture_free (UsersFixture *fixture);

/* A unique name for this test run, e.g. "ana_3f2a". */
char *users_unique_name (const char *prefix);
/* Registers `username` (password "correct horse battery") and returns its id. */
char *users_register (UsersFixture *fixture, const char *username);
/* The JSON body of a login: {"username": …, "password": …}. */
char *users_login_body (const char *username, const char *password);
/* Logs in; returns the access token and, if asked, the refresh token. */
char *users_login (UsersFixture *fixture, const char *username, const char *password,
                   char **refresh_token);
#define USERS_PASSWORD "correct horse battery"
/* Registers a user with a unique name after `prefix` and logs in; returns
 * the access token and, for each one asked, the name, the id and the
 * refresh token. */
char *users_new_user (UsersFixture *fixture, const char *prefix, char **name, char **id,
                      char **refresh_token);

G_END_DECLS
