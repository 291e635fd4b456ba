#pragma once

#include <json-glib/json-glib.h>

#include "carrete-ids.h"
#include "carrete-json-writer.h"

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
  /* Read from carrete-photos, which keeps them, when the answer shows them. */
  gboolean has_usage;
  gint64 quota_bytes; /* 0: no limit */
  gint64 usage_bytes;
} UsersUser;

void users_user_free (UsersUser *user);

/* The user as the API shows it: `full` adds email, role and times, and
 * quota_bytes and usage_bytes when `has_usage` (the public profile has only
 * id and username). */
void users_user_write_json (CarreteJsonWriter *writer, const UsersUser *user, const CarreteIds *ids,
                            gboolean full);
/* A page: {"items": [...], "next_cursor": ... or null}; `full` as above. */
void users_user_page_write_json (CarreteJsonWriter *writer, GPtrArray *users,
                                 const char *next_cursor, const CarreteIds *ids, gboolean full);

/* A freshly issued access/refresh pair. */
typedef struct
{
  char *access_token;
  guint expires_in;
  char *refresh_token;
  guint refresh_expires_in;
  UsersUser *user;
  char *id_token; /* the provider's, on an OpenID Connect sign-in; else NULL */
} UsersSession;

void users_session_free (UsersSession *session);
void users_session_write_json (CarreteJsonWriter *writer, const UsersSession *session,
                               const CarreteIds *ids);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UsersUser, users_user_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UsersSession, users_session_free)

G_END_DECLS
