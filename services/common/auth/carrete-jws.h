#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Reading a compact JWS (RFC 7515) before and after its signature is
 * checked: our access tokens (carrete-jwt.h) and a provider's ID tokens
 * (carrete-id-token.h) alike. */

/* A strict base64url part of at most about `max` decoded bytes, or NULL. */
GBytes *carrete_jws_decode_part (const char *part, gsize len, gsize max);
/* A part that holds a JSON object, through the strict gate, or NULL. */
JsonObject *carrete_jws_decode_json_part (const char *part, gsize len, gsize max);
/* A member that is a string (or NULL), or a whole number. */
const char *carrete_jws_string_claim (JsonObject *object, const char *name);
gboolean carrete_jws_int_claim (JsonObject *object, const char *name, gint64 *value);
/* `aud` may be a string or an array of strings (RFC 7519 §4.1.3). */
gboolean carrete_jws_audience_matches (JsonObject *claims, const char *audience);

G_END_DECLS
