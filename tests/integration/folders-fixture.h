#pragma once

#include "users-fixture.h"

G_BEGIN_DECLS

/* The users fixture (PostgreSQL, keys, carrete-users) plus a migrated
 * carrete_folders database and the real carrete-folders binary.  Without
 * photos, CARRETE_PHOTOS_URL points at a closed port, so every call to the
 * photos service fails as "unreachable".  With photos, the real
 * carrete-photos runs too (its own database, fs storage), each service
 * knowing the other's address. */
typedef struct
{
  UsersFixture *users;
  char *database_url;
  char *binary;
  char **env;
  CtService *service;
  const char *url;
  char *photos_database_url;
  char *photos_binary;
  char **photos_env;
  char *storage_dir;
  CtService *photos;
  const char *photos_url;
} FoldersFixture;

FoldersFixture *folders_fixture_start (void);
FoldersFixture *folders_fixture_start_with_photos (void);
void folders_fixture_free (FoldersFixture *fixture);

/* Registers and logs in a new user; returns the access token and, if
 * asked, the user's id. */
char *folders_new_user (FoldersFixture *fixture, const char *prefix, char **id);

/* POST /v1/folders with `body`; asserts 201 and returns the new id. */
char *folders_create (FoldersFixture *fixture, const char *token, const char *body);

/* A query against carrete_folders as superuser; the first column of the
 * first row, or NULL. */
char *folders_sql (FoldersFixture *fixture, const char *sql, const char *param);

G_END_DECLS
