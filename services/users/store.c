#define G_LOG_DOMAIN "carrete-users-store"

#include "store.h"

#include <stdlib.h>

#include "carrete-error.h"

struct _UsersStore
{
  CarreteDb *db;
};

#define USER_COLUMNS                                                                          \
  "id, username, email, password_hash, role,"                                                 \
  " to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'),"             \
  " to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

static const CarreteStatement insert_user = {
  "users_insert",
  "INSERT INTO users (username, email, password_hash) VALUES ($1, $2, $3) RETURNING " USER_COLUMNS,
  3,
};

static const CarreteStatement find_by_login = {
  "users_find_by_login",
  "SELECT " USER_COLUMNS " FROM users WHERE lower(username) = lower($1)"
  " UNION ALL SELECT " USER_COLUMNS " FROM users WHERE lower(email) = lower($1) LIMIT 1",
  1,
};

/* Exact, case-insensitive (the unique index's expression): no pattern, no
 * email, so it names one account or none and lists nothing. */
static const CarreteStatement find_by_username = {
  "users_find_by_username",
  "SELECT " USER_COLUMNS " FROM users WHERE lower(username) = lower($1)",
  1,
};

static const CarreteStatement find_by_id = {
  "users_find_by_id",
  "SELECT " USER_COLUMNS " FROM users WHERE id = $1",
  1,
};

static const CarreteStatement update_account = {
  "users_update_account",
  "WITH revoked AS (UPDATE refresh_tokens SET revoked_at = now()"
  "   WHERE $3::text IS NOT NULL AND user_id = $1 AND revoked_at IS NULL)"
  " UPDATE users SET email = coalesce($2, email), password_hash = coalesce($3, password_hash),"
  "   updated_at = now() WHERE id = $1 RETURNING " USER_COLUMNS,
  3,
};

static const CarreteStatement set_password_hash = {
  "users_set_password_hash",
  "UPDATE users SET password_hash = $2 WHERE id = $1",
  2,
};

static const CarreteStatement delete_user = {
  "users_delete",
  "DELETE FROM users WHERE id = $1",
  1,
};

static const CarreteStatement list_users = {
  "users_list",
  "SELECT " USER_COLUMNS " FROM users WHERE id > $1 ORDER BY id LIMIT $2",
  2,
};

static const CarreteStatement insert_refresh = {
  "users_refresh_insert",
  "INSERT INTO refresh_tokens (token_hash, user_id, family_id, expires_at)"
  " VALUES (decode($1, 'hex'), $2, gen_random_uuid(), now() + make_interval(secs => $3))",
  3,
};

static const CarreteStatement rotate_refresh = {
  "users_refresh_rotate",
  "WITH old AS (UPDATE refresh_tokens SET revoked_at = now()"
  "   WHERE token_hash = decode($1, 'hex') AND revoked_at IS NULL AND expires_at > now()"
  "   RETURNING user_id, family_id),"
  " issued AS (INSERT INTO refresh_tokens (token_hash, user_id, family_id, expires_at)"
  "   SELECT decode($2, 'hex'), user_id, family_id, now() + make_interval(secs => $3) FROM old"
  "   RETURNING user_id)"
  " SELECT " USER_COLUMNS " FROM users WHERE id = (SELECT user_id FROM issued)",
  3,
};

static const CarreteStatement revoke_family = {
  "users_refresh_revoke_family",
  "UPDATE refresh_tokens SET revoked_at = coalesce(revoked_at, now())"
  " WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = decode($1, 'hex'))",
  1,
};

/* Revoked tokens stay until they expire: re-use detection needs them. */
static const CarreteStatement cleanup = {
  "users_cleanup",
  "WITH t AS (DELETE FROM refresh_tokens WHERE expires_at < now() - interval '1 day'),"
  " DELETE FROM oidc_logins WHERE expires_at < now() - interval '1 hour'",
  0,
};

/* ---- OpenID Connect ------------------------------------------------------ */

static const CarreteStatement oidc_login_insert = {
  "users_oidc_login_insert",
  "INSERT INTO oidc_logins (state_hash, nonce, code_verifier, code_challenge, redirect_uri,"
  " expires_at) VALUES (decode($1, 'hex'), $2, $3, $4, $5, now() + make_interval(secs => $6))",
  6,
};

/* Taken whether or not it has expired: a state is good for one try. */
static const CarreteStatement oidc_login_take = {
  "users_oidc_login_take",
  "DELETE FROM oidc_logins WHERE state_hash = decode($1, 'hex')"
  " RETURNING nonce, code_verifier, code_challenge, redirect_uri, expires_at <= now()",
  1,
};

static const CarreteStatement oidc_find_user = {
  "users_oidc_find_user",
  "SELECT " USER_COLUMNS " FROM users"
  " WHERE id = (SELECT user_id FROM oidc_identities WHERE issuer = $1 AND subject = $2)",
  2,
};

/* The first free name among $1, $1-2, … $1-999; "!" is no argon2 hash, so
 * no password ever matches it. */
static const CarreteStatement oidc_create_user = {
  "users_oidc_create_user",
  "WITH name AS (SELECT CASE WHEN n = 1 THEN $1 ELSE left($1, 32 - length(n::text) - 1) || '-' || n"
  "   END AS username FROM generate_series(1, 999) n"
  "   WHERE NOT EXISTS (SELECT 1 FROM users WHERE lower(username) = lower(CASE WHEN n = 1 THEN $1"
  "     ELSE left($1, 32 - length(n::text) - 1) || '-' || n END))"
  "   ORDER BY n LIMIT 1),"
  " created AS (INSERT INTO users (username, email, password_hash)"
  "   SELECT username, $2, '!' FROM name RETURNING *),"
  " linked AS (INSERT INTO oidc_identities (issuer, subject, user_id)"
  "   SELECT $3, $4, id FROM created)"
  " SELECT " USER_COLUMNS " FROM created",
  4,
};

static const CarreteStatement oidc_link = {
  "users_oidc_link",
  "INSERT INTO oidc_identities (issuer, subject, user_id) VALUES ($2, $3, $1)",
  3,
};

UsersStore *
users_store_new (CarreteDb *db)
{
  UsersStore *store = g_new0 (UsersStore, 1);
  store->db = g_object_ref (db);
  return store;
}

CarreteDb *
users_store_get_db (UsersStore *store)
{
  return store->db;
}

void
users_store_free (UsersStore *store)
{
  if (store == NULL)
    return;
  g_object_unref (store->db);
  g_free (store);
}

void
users_store_insert_user (UsersStore *store, const char *username, const char *email,
                         const char *password_hash, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  const char *params[] = { username, email, password_hash };
  carrete_db_query_async (store->db, &insert_user, params, cancellable, callback, user_data);
}

void
users_store_find_by_login (UsersStore *store, const char *login, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  const char *params[] = { login };
  carrete_db_query_async (store->db, &find_by_login, params, cancellable, callback, user_data);
}

void
users_store_find_by_username (UsersStore *store, const char *username, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  const char *params[] = { username };
  carrete_db_query_async (store->db, &find_by_username, params, cancellable, callback, user_data);
}

void
users_store_find_by_id (UsersStore *store, gint64 id, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  carrete_db_query_id_async (store->db, &find_by_id, id, cancellable, callback, user_data);
}

void
users_store_update_account (UsersStore *store, gint64 id, const char *email,
                            const char *password_hash, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  const char *params[] = { id_text, email, password_hash };
  carrete_db_query_async (store->db, &update_account, params, cancellable, callback, user_data);
}

void
users_store_set_password_hash (UsersStore *store, gint64 id, const char *password_hash,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  const char *params[] = { id_text, password_hash };
  carrete_db_query_async (store->db, &set_password_hash, params, cancellable, callback, user_data);
}

void
users_store_delete_user (UsersStore *store, gint64 id, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  carrete_db_query_id_async (store->db, &delete_user, id, cancellable, callback, user_data);
}

void
users_store_list_users (UsersStore *store, gint64 after_id, guint limit, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_autofree char *after_text = g_strdup_printf ("%" G_GINT64_FORMAT, after_id);
  g_autofree char *limit_text = g_strdup_printf ("%u", limit);
  const char *params[] = { after_text, limit_text };
  carrete_db_query_async (store->db, &list_users, params, cancellable, callback, user_data);
}

void
users_store_insert_refresh (UsersStore *store, const char *token_hash, gint64 user_id,
                            guint ttl_seconds, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, user_id);
  g_autofree char *ttl_text = g_strdup_printf ("%u", ttl_seconds);
  const char *params[] = { token_hash, id_text, ttl_text };
  carrete_db_query_async (store->db, &insert_refresh, params, cancellable, callback, user_data);
}

void
users_store_rotate_refresh (UsersStore *store, const char *old_hash, const char *new_hash,
                            guint ttl_seconds, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  g_autofree char *ttl_text = g_strdup_printf ("%u", ttl_seconds);
  const char *params[] = { old_hash, new_hash, ttl_text };
  carrete_db_query_async (store->db, &rotate_refresh, params, cancellable, callback, user_data);
}

void
users_store_revoke_family (UsersStore *store, const char *token_hash, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  const char *params[] = { token_hash };
  carrete_db_query_async (store->db, &revoke_family, params, cancellable, callback, user_data);
}

void
users_store_cleanup (UsersStore *store, GCancellable *cancellable, GAsyncReadyCallback callback,
                     gpointer user_data)
{
  carrete_db_query_async (store->db, &cleanup, NULL, cancellable, callback, user_data);
}

void
users_store_oidc_login_insert (UsersStore *store, const char *state_hash, const char *nonce,
                               const char *code_verifier, const char *code_challenge,
                               const char *redirect_uri, guint ttl_seconds,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_autofree char *ttl_text = g_strdup_printf ("%u", ttl_seconds);
  const char *params[]
      = { state_hash, nonce, code_verifier, code_challenge, redirect_uri, ttl_text };
  carrete_db_query_async (store->db, &oidc_login_insert, params, cancellable, callback, user_data);
}

void
users_store_oidc_login_take (UsersStore *store, const char *state_hash, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  const char *params[] = { state_hash };
  carrete_db_query_async (store->db, &oidc_login_take, params, cancellable, callback, user_data);
}

void
users_store_oidc_find_user (UsersStore *store, const char *issuer, const char *subject,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data)
{
  const char *params[] = { issuer, subject };
  carrete_db_query_async (store->db, &oidc_find_user, params, cancellable, callback, user_data);
}

void
users_store_oidc_create_user (UsersStore *store, const char *username, const char *email,
                              const char *issuer, const char *subject, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  const char *params[] = { username, email, issuer, subject };
  carrete_db_query_async (store->db, &oidc_create_user, params, cancellable, callback, user_data);
}

void
users_store_oidc_link (UsersStore *store, gint64 user_id, const char *issuer, const char *subject,
                       GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, user_id);
  const char *params[] = { id_text, issuer, subject };
  carrete_db_query_async (store->db, &oidc_link, params, cancellable, callback, user_data);
}

/* ---- results ------------------------------------------------------------ */

static UsersUser *
user_from_row (PGresult *res, int row)
{
  UsersUser *user = g_new0 (UsersUser, 1);

  user->id = g_ascii_strtoll (PQgetvalue (res, row, 0), NULL, 10);
  user->username = g_strdup (PQgetvalue (res, row, 1));
  user->email = g_strdup (PQgetvalue (res, row, 2));
  user->password_hash = g_strdup (PQgetvalue (res, row, 3));
  user->role = g_strdup (PQgetvalue (res, row, 4));
  user->created_at = g_strdup (PQgetvalue (res, row, 5));
  user->updated_at = g_strdup (PQgetvalue (res, row, 6));
  return user;
}

UsersUser *
users_store_user_finish (UsersStore *store, GAsyncResult *result, GError **error)
{
  return carrete_db_row_finish (store->db, result, (CarreteDbRowFunc) user_from_row,
                                "No such user.", error);
}

GPtrArray *
users_store_users_finish (UsersStore *store, GAsyncResult *result, GError **error)
{
  return carrete_db_rows_finish (store->db, result, (CarreteDbRowFunc) user_from_row,
                                 (GDestroyNotify) users_user_free, error);
}

gint64
users_store_count_finish (UsersStore *store, GAsyncResult *result, GError **error)
{
  return carrete_db_count_finish (store->db, result, error);
}

static gpointer
oidc_login_from_row (PGresult *res, int row)
{
  UsersOidcLogin *login = g_new0 (UsersOidcLogin, 1);

  login->nonce = g_strdup (PQgetvalue (res, row, 0));
  if (!PQgetisnull (res, row, 1))
    login->code_verifier = g_strdup (PQgetvalue (res, row, 1));
  if (!PQgetisnull (res, row, 2))
    login->code_challenge = g_strdup (PQgetvalue (res, row, 2));
  login->redirect_uri = g_strdup (PQgetvalue (res, row, 3));
  login->expired = g_str_equal (PQgetvalue (res, row, 4), "t");
  return login;
}

UsersOidcLogin *
users_store_oidc_login_finish (UsersStore *store, GAsyncResult *result, GError **error)
{
  return carrete_db_row_finish (store->db, result, oidc_login_from_row,
                                "This sign-in is unknown or was already used.", error);
}

void
users_oidc_login_free (UsersOidcLogin *login)
{
  if (login == NULL)
    return;
  g_free (login->nonce);
  g_free (login->code_verifier);
  g_free (login->code_challenge);
  g_free (login->redirect_uri);
  g_free (login);
}
