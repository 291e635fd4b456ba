#pragma once

#include <glib.h>

#include "carrete-keys.h"

G_BEGIN_DECLS

/* A share link's password, kept in the visitor's browser between the
 * link's pages: the API wants it on every request
 * (X-Carrete-Share-Password) and carrete-web keeps no state of its own.
 * The cookie never holds it in clear: it is sealed with XChaCha20-Poly1305
 * under a key derived from the installation's ID key (every replica
 * opens the others' cookies), with the link's token as associated data, so
 * a cookie copied to another link's path opens nothing. */
typedef struct
{
  guint8 key[32];
} WebLinkSeal;

void web_link_seal_init (WebLinkSeal *seal, const CarreteIdKey *id_key);
/* base64url(nonce ‖ ciphertext): cookie-safe. */
char *web_link_seal (const WebLinkSeal *seal, const char *token, const char *password);
/* The password, or NULL for anything that was not sealed by this
 * installation for this token (free it with carrete_secret_free). */
char *web_link_unseal (const WebLinkSeal *seal, const char *token, const char *sealed);

G_END_DECLS
