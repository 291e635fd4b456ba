#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The pure rules of OpenID Connect sign-in (README, "OpenID Connect"). */

/* Where the provider may send the browser back with a code:
 * - carrete-web's callback, `public_url` + "/login/oidc/callback" exactly
 *   (when CARRETE_PUBLIC_URL is set);
 * - a loopback address over plain http, any port and path, no query or
 *   fragment (a native app's redirect, RFC 8252 §7.3): http://127.0.0.1:PORT/…
 *   or http://[::1]:PORT/….
 * FALSE with *reason for anything else. */
gboolean users_oidc_redirect_allowed (const char *redirect_uri, const char *public_url,
                                      const char **reason);

/* Where the provider may send the browser after signing it out:
 * carrete-web's sign-in page, `public_url` + "/login" exactly.  FALSE
 * with *reason for anything else (always without CARRETE_PUBLIC_URL). */
gboolean users_oidc_logout_redirect_allowed (const char *redirect_uri, const char *public_url,
                                             const char **reason);

/* A PKCE verifier or challenge of ours: 43 base64url characters. */
gboolean users_oidc_pkce_well_formed (const char *text);
/* A client's PKCE verifier: 43 to 128 of [A-Za-z0-9-._~] (RFC 7636 §4.1). */
gboolean users_oidc_pkce_verifier_well_formed (const char *text);
/* The S256 challenge of a verifier: base64url(SHA-256(verifier)). */
char *users_oidc_pkce_challenge (const char *verifier);

/* A username for a first sign-in: `preferred_username`, else the part of
 * `email` before '@', else "user", with every character outside
 * [A-Za-z0-9_.-] made '_', cut to 32 characters and padded to 3.  The
 * store then makes it unique. */
char *users_oidc_username (const char *preferred_username, const char *email);

G_END_DECLS
