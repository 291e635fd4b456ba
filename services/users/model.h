#pragma once

#include <json-glib/json-glib.h>

#include "carrete-ids.h"

G_BEGIN_DECLS

/* A user row.  `password_hash` is filled only where the service needs it
 * and never rendered. */
typedef struct
{
  gint64 id;
  char *username;
  char *email;
  char *password_hash;
  char *role;
  char *created_at; /* RFC 3339, UTC */
  char *updated_at;
} UsersUser;

void users_user_free (UsersUser *user);

JsonNode *users_user_to_json (const UsersUser *user, const CarreteIds *ids);
JsonNode *users_user_to_public_json (const UsersUser *user, const CarreteIds *ids);
JsonNode *users_user_page_to_json (GPtrArray *users, const char *next_cursor,
                                   const CarreteIds *ids);

/* A freshly issued access/refresh pair. */
typedef struct
{
  char *access_token;
  guint expires_in;
  char *refresh_token;
  guint refresh_expires_in;
  UsersUser *user;
} UsersSession;

void users_session_free (UsersSession *session);
JsonNode *users_session_to_json (const UsersSession *session, const CarreteIds *ids);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UsersUser, users_user_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UsersSession, users_session_free)

G_END_DECLS
