#pragma once

#include "carrete-db.h"
#include "model.h"

G_BEGIN_DECLS

/* SQL for the users database, and nothing else: every function sends one
 * prepared statement through the async pool; the *_finish functions turn
 * the result into model values. */
typedef struct _UsersStore UsersStore;

UsersStore *users_store_new (CarreteDb *db);
void users_store_free (UsersStore *store);
/* For the statements kept elsewhere (carrete-throttle). */
CarreteDb *users_store_get_db (UsersStore *store);

void users_store_insert_user (UsersStore *store, const char *username, const char *email,
                              const char *password_hash, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data);
void users_store_find_by_login (UsersStore *store, const char *login, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
void users_store_find_by_username (UsersStore *store, const char *username,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
void users_store_find_by_id (UsersStore *store, gint64 id, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
/* NULL leaves a column unchanged; a new hash also revokes every refresh
 * token of the user, in the same statement. */
void users_store_update_account (UsersStore *store, gint64 id, const char *email,
                                 const char *password_hash, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
void users_store_set_password_hash (UsersStore *store, gint64 id, const char *password_hash,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data);
void users_store_delete_user (UsersStore *store, gint64 id, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data);
void users_store_list_users (UsersStore *store, gint64 after_id, guint limit,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data);

/* Refresh tokens, identified by the hex SHA-256 of the token. */
void users_store_insert_refresh (UsersStore *store, const char *token_hash, gint64 user_id,
                                 guint ttl_seconds, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
/* Revokes `old_hash` and issues `new_hash` in its family; the result holds
 * the user row, or no row when `old_hash` is unknown, spent or expired. */
void users_store_rotate_refresh (UsersStore *store, const char *old_hash, const char *new_hash,
                                 guint ttl_seconds, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
void users_store_revoke_family (UsersStore *store, const char *token_hash,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data);

/* Expired refresh tokens and sign-ins (the throttle's counters are
 * carrete_throttle_cleanup's). */
void users_store_cleanup (UsersStore *store, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data);

/* ---- OpenID Connect ---- */

/* Pending sign-ins and linked identities (sql/users/002_oidc.sql). */

/* A pending sign-in, as the callback takes it back. */
typedef struct
{
  char *nonce;
  char *code_verifier;  /* ours, or NULL when the client made the pair */
  char *code_challenge; /* the client's, or NULL */
  char *redirect_uri;
  gboolean expired;
} UsersOidcLogin;

void users_oidc_login_free (UsersOidcLogin *login);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UsersOidcLogin, users_oidc_login_free)

/* `state_hash` is hex.  Exactly one of `code_verifier` and `code_challenge`
 * is set. */
void users_store_oidc_login_insert (UsersStore *store, const char *state_hash, const char *nonce,
                                    const char *code_verifier, const char *code_challenge,
                                    const char *redirect_uri, guint ttl_seconds,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data);
/* Deletes the pending sign-in and returns it (once: a second take finds
 * nothing).  NOT_FOUND when there is none. */
void users_store_oidc_login_take (UsersStore *store, const char *state_hash,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
UsersOidcLogin *users_store_oidc_login_finish (UsersStore *store, GAsyncResult *result,
                                               GError **error);

/* The user linked to (issuer, subject): users_store_user_finish, NOT_FOUND
 * when none is. */
void users_store_oidc_find_user (UsersStore *store, const char *issuer, const char *subject,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data);
/* A new account without a password, linked to (issuer, subject), in one
 * statement: the first free name of `username`, `username`-2, … (cut to
 * fit 32 characters).  CONFLICT when the email (or the identity) is taken
 * meanwhile.  users_store_user_finish. */
void users_store_oidc_create_user (UsersStore *store, const char *username, const char *email,
                                   const char *issuer, const char *subject,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
/* Links (issuer, subject) to `user_id`; CONFLICT when it is linked
 * already.  users_store_count_finish. */
void users_store_oidc_link (UsersStore *store, gint64 user_id, const char *issuer,
                            const char *subject, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data);

/* Finishers.  users_store_user_finish fails with NOT_FOUND on no row. */
UsersUser *users_store_user_finish (UsersStore *store, GAsyncResult *result, GError **error);
GPtrArray *users_store_users_finish (UsersStore *store, GAsyncResult *result, GError **error);
/* Rows returned or affected, or -1 with `error` set. */
gint64 users_store_count_finish (UsersStore *store, GAsyncResult *result, GError **error);

G_END_DECLS
