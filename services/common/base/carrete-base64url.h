#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* base64url without padding (RFC 4648 §5), as JWS, JWK, our cursors and
 * refresh tokens use it.  Decoding is strict: padding, other alphabets or
 * trailing garbage are refused (NULL). */
char *carrete_base64url_encode (const void *data, gsize len);
GBytes *carrete_base64url_decode (const char *text, gsize len);

G_END_DECLS
