#pragma once

#include <gio/gio.h>

#include "carrete-id-token.h"

G_BEGIN_DECLS

/* The OpenID Connect provider as carrete-users sees it
 * (CARRETE_OIDC_ISSUER): its discovery document and its keys, fetched with
 * the services' HTTP client and cached, and the two calls of the
 * authorization code flow.  One per worker thread (the client is the
 * thread's).  Errors: CARRETE_ERROR_UNAVAILABLE when the provider cannot be
 * reached or answers nonsense (a 503, so that the user signs in with a
 * password meanwhile), CARRETE_ERROR_BAD_REQUEST when it refuses the code,
 * CARRETE_ERROR_UNAUTHORIZED when its ID token does not hold. */
typedef struct _UsersOidcProvider UsersOidcProvider;

/* `client_secret` is copied and wiped when freed. */
UsersOidcProvider *users_oidc_provider_new (const char *issuer, const char *client_id,
                                            const char *client_secret, const char *scopes);
void users_oidc_provider_free (UsersOidcProvider *provider);

/* Makes sure the discovery document is at hand (cached for an hour; a
 * failed refresh keeps the old one). */
void users_oidc_provider_discover_async (UsersOidcProvider *provider, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data);
gboolean users_oidc_provider_discover_finish (GAsyncResult *result, GError **error);

/* After a discovery: where to send the browser. */
char *users_oidc_provider_authorize_url (UsersOidcProvider *provider, const char *redirect_uri,
                                         const char *state, const char *nonce,
                                         const char *code_challenge);
/* After a discovery: where to send the browser to sign out at the
 * provider too (`id_token_hint` may be NULL), or NULL when its discovery
 * document has no end_session_endpoint. */
char *users_oidc_provider_end_session_url (UsersOidcProvider *provider, const char *id_token_hint,
                                           const char *post_logout_redirect_uri);
/* The issuer as the provider names itself (the `iss` of its tokens). */
const char *users_oidc_provider_issuer (UsersOidcProvider *provider);

/* Redeems `code` at the token endpoint and verifies the ID token it gives
 * (a `kid` not in the cached keys fetches them again, at most every ten
 * seconds). */
void users_oidc_provider_redeem_async (UsersOidcProvider *provider, const char *code,
                                       const char *redirect_uri, const char *code_verifier,
                                       const char *nonce, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
CarreteIdClaims *users_oidc_provider_redeem_finish (GAsyncResult *result, GError **error);

G_END_DECLS
