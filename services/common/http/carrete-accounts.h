#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Whether an account still exists, asked of carrete-users
 * (GET {CARRETE_USERS_URL}/v1/users/{id}).  Access tokens live 15 minutes
 * and are checked by signature alone; before anything is created for a
 * user, the folders and photos services ask here, so a token that outlives
 * its deleted account cannot leave rows that belong to nobody.
 *
 * A NULL checker (no CARRETE_USERS_URL) lets everything through.  Errors:
 * CARRETE_ERROR_UNAUTHORIZED when the account is gone, UNAVAILABLE when
 * carrete-users cannot answer. */
typedef struct _CarreteAccounts CarreteAccounts;

CarreteAccounts *carrete_accounts_new (const char *users_url);
void carrete_accounts_free (CarreteAccounts *accounts);

/* `user` is the opaque id (the token's sub). */
void carrete_accounts_check_async (CarreteAccounts *accounts, const char *user,
                                   const char *request_id, GAsyncReadyCallback callback,
                                   gpointer user_data);
gboolean carrete_accounts_check_finish (GAsyncResult *result, GError **error);

/* The same question about another account (one a folder is shared with):
 * its username in *username (NULL when there is no checker), and
 * CARRETE_ERROR_NOT_FOUND when the account does not exist. */
void carrete_accounts_profile_async (CarreteAccounts *accounts, const char *user,
                                     const char *request_id, GAsyncReadyCallback callback,
                                     gpointer user_data);
gboolean carrete_accounts_profile_finish (GAsyncResult *result, char **username, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarreteAccounts, carrete_accounts_free)

G_END_DECLS
