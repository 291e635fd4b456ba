#pragma once

#include "carrete-client.h"

G_BEGIN_DECLS

/* Opens `uri` where the user signs in: the system browser in the app
 * (gtk_show_uri), a test's own browser in the tests. */
typedef void (*CarreteOpenUri) (const char *uri, gpointer user_data);

/* Signs in through the server's OpenID Connect provider, as a native app
 * does (RFC 8252): a one-shot listener on http://127.0.0.1:<free port>,
 * carrete-users' GET /v1/auth/oidc/start with that redirect and our own
 * PKCE challenge (RFC 7636), the provider's page handed to `open_uri`, and
 * the code it sends back to the listener redeemed with our verifier at
 * POST /v1/auth/oidc/callback.  Ends signed in, as login does.
 *
 * Errors: NOT_FOUND (the server has no provider), UNAVAILABLE (the provider
 * is down), FORBIDDEN (email not verified), CONFLICT (a password account
 * has that email: sign in with it and link), INVALID (the provider refused,
 * or 10 minutes passed, the life of a sign-in on the server), and
 * G_IO_ERROR_CANCELLED. */
void carrete_client_sign_in_with_provider_async (CarreteClient *self, CarreteOpenUri open_uri,
                                                 gpointer open_uri_data, GCancellable *cancellable,
                                                 GAsyncReadyCallback callback, gpointer user_data);
gboolean carrete_client_sign_in_with_provider_finish (CarreteClient *self, GAsyncResult *result,
                                                      GError **error);

G_END_DECLS
