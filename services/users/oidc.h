#pragma once

#include "service.h"

G_BEGIN_DECLS

/* OpenID Connect sign-in (README, "OpenID Connect"): the service must have
 * a provider (svc->oidc).  Errors are CARRETE_ERROR codes; on those that
 * concern one input, *field (may be NULL) names it. */

/* Records a new sign-in (state, nonce and a PKCE pair; `code_challenge`,
 * may be NULL, is the client's own) and returns the provider's URL to send
 * the browser to. */
void users_oidc_start_async (UsersService *svc, const char *redirect_uri,
                             const char *code_challenge, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
char *users_oidc_start_finish (GAsyncResult *result, GError **error);

/* Takes the sign-in `state` names back (once), redeems `code` and
 * verifies the ID token.  Then:
 * - `link_user_id` 0: signs in the account linked to the provider's
 *   subject, or creates one (verified email required; an email that an
 *   account already has is CONFLICT on "email");
 * - otherwise links the subject to that account (whose `password`, which
 *   must be given, is checked first) and returns its session. */
void users_oidc_callback_async (UsersService *svc, const char *code, const char *state,
                                const char *code_verifier, gint64 link_user_id,
                                const char *password, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
UsersSession *users_oidc_callback_finish (GAsyncResult *result, const char **field, GError **error);

G_END_DECLS
