#pragma once

#include <gio/gio.h>

#include "cascade.h"
#include "carrete-cursor.h"
#include "carrete-ids.h"
#include "carrete-jwt.h"
#include "carrete-throttle.h"
#include "carrete-workers.h"
#include "model.h"
#include "oidc-provider.h"
#include "carrete-password.h"
#include "store.h"

G_BEGIN_DECLS

/* The rules of the users service: registration, sessions (login, refresh
 * rotation with re-use detection, logout), login throttling and account
 * changes.  Every operation is async; errors are CARRETE_ERROR codes that
 * the routes render as problems. */
typedef struct
{
  UsersStore *store;
  CarreteWorkers *workers;
  CarreteIds *ids;
  CarreteCursorKey *cursors;
  CarreteJwt *jwt;
  UsersCascade *cascade;    /* NULL: no other services to clean up */
  UsersOidcProvider *oidc;  /* NULL: OpenID Connect sign-in is off */
  char *public_url;         /* CARRETE_PUBLIC_URL: the web's callback is allowed; may be NULL */
  gboolean password_login;  /* CARRETE_PASSWORD_LOGIN */
  CarreteHashParams hash_params;
  guint access_ttl;         /* seconds */
  guint refresh_ttl;        /* seconds */
  CarreteThrottle throttle; /* logins' and password checks' */
} UsersService;

#define USERS_ACCESS_TTL (15 * 60)
#define USERS_REFRESH_TTL (30 * 24 * 3600)

/* Finishes counting a password attempt (a login's, or a password
 * change's) and judges it against login's limits, per account and per
 * address.  FALSE when it may not go on: the store's error, or
 * CARRETE_ERROR_RATE_LIMITED ("Too many <what>; …") with *retry_after. */
gboolean users_service_attempt_counted (UsersService *svc, GAsyncResult *result, const char *what,
                                        guint *retry_after, GError **error);

void users_service_register_async (UsersService *svc, const char *username, const char *email,
                                   const char *password, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
/* On CARRETE_ERROR_CONFLICT, *conflict_field names the taken field. */
UsersUser *users_service_register_finish (GAsyncResult *result, const char **conflict_field,
                                          GError **error);

void users_service_login_async (UsersService *svc, const char *login, const char *password,
                                const char *client_address, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
/* On CARRETE_ERROR_RATE_LIMITED, *retry_after holds seconds to wait. */
UsersSession *users_service_login_finish (GAsyncResult *result, guint *retry_after,
                                          GError **error);

/* A new access/refresh pair for `user` (taken), who has proved who they
 * are some other way (OpenID Connect). */
void users_service_open_session_async (UsersService *svc, UsersUser *user,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data);
UsersSession *users_service_open_session_finish (GAsyncResult *result, GError **error);

void users_service_refresh_async (UsersService *svc, const char *refresh_token,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
UsersSession *users_service_refresh_finish (GAsyncResult *result, GError **error);

/* The task returns a boolean: carrete_request_answer_no_content answers it. */
void users_service_logout_async (UsersService *svc, const char *refresh_token,
                                 GAsyncReadyCallback callback, gpointer user_data);

void users_service_get_async (UsersService *svc, gint64 id, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data);
UsersUser *users_service_get_finish (GAsyncResult *result, GError **error);
/* The account of exactly that username (case-insensitive), NOT_FOUND for
 * none; finish with users_service_get_finish. */
void users_service_find_username_async (UsersService *svc, const char *username,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data);

/* `email`/`password` NULL leave them unchanged; a new password needs the
 * current one, whose checks are throttled as logins are (per account and
 * per `client_address`): CARRETE_ERROR_RATE_LIMITED with *retry_after. */
void users_service_update_async (UsersService *svc, gint64 id, const char *email,
                                 const char *password, const char *current_password,
                                 const char *client_address, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
UsersUser *users_service_update_finish (GAsyncResult *result, guint *retry_after, GError **error);

/* Deletes the account, after the user's photos and folders (see
 * cascade.h); `request_id` is forwarded to the other services.  Not
 * cancellable: a deletion that has begun is finished, never left half
 * done because the client hung up.  Logging out is not cancellable either.
 * The task returns a boolean: carrete_request_answer_no_content answers
 * it. */
void users_service_delete_async (UsersService *svc, gint64 id, const char *request_id,
                                 GAsyncReadyCallback callback, gpointer user_data);

/* `cursor` may be NULL (first page). */
void users_service_list_async (UsersService *svc, const char *cursor, guint limit,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data);
/* Returns the users; *next_cursor is NULL on the last page. */
GPtrArray *users_service_list_finish (GAsyncResult *result, char **next_cursor, GError **error);

/* Periodic clean-up of expired tokens and old throttling rows. */
void users_service_cleanup (UsersService *svc);

G_END_DECLS
