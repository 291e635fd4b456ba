#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define WEB_COOKIE_ACCESS "carrete_access"
#define WEB_COOKIE_REFRESH "carrete_refresh"
#define WEB_COOKIE_USER "carrete_user"
#define WEB_COOKIE_CSRF "carrete_csrf"
#define WEB_COOKIE_LANG "carrete_lang"
/* The `state` of an OpenID Connect sign-in under way: the callback must
 * come back to the browser that started it. */
/* A share link's password, sealed (web-link-seal.h), under the link's
 * own path. */
#define WEB_COOKIE_LINK "carrete_link"
#define WEB_COOKIE_OIDC_STATE "carrete_oidc_state"
/* Set beside the state when the sign-in links the provider to an account
 * (pages-oidc-link.c) instead of signing in. */
#define WEB_COOKIE_OIDC_LINK "carrete_oidc_link"
/* The provider's ID token of a session that came from it: the
 * id_token_hint of the sign-out at the provider. */
#define WEB_COOKIE_OIDC_ID_TOKEN "carrete_oidc_id"

/* The Cookie request header as name → value (the first of a repeated name
 * wins; pairs without '=' are skipped).  Never NULL. */
GHashTable *web_cookies_parse (const char *header);

/* A Set-Cookie value: HttpOnly, SameSite=Lax, Path=/, Secure when asked.
 * `max_age` < 0 makes a session cookie, 0 deletes it.  NULL when `value`
 * holds a character a cookie may not carry (RFC 6265 cookie-octet). */
char *web_cookie_format (const char *name, const char *value, gint64 max_age, gboolean secure);
/* The same, sent back only under `path` (a share link's pages). */
char *web_cookie_format_at (const char *name, const char *value, const char *path,
                            gint64 max_age, gboolean secure);

gboolean web_cookie_value_is_valid (const char *value);

G_END_DECLS
