#pragma once

#include <glib.h>

#include "carrete-keys.h"

G_BEGIN_DECLS

/* CSRF tokens bound to the browser: each browser gets a random seed in an
 * HttpOnly cookie, and every form carries HMAC-SHA256(key, seed).  Another
 * site can make the browser send the cookie but cannot read it, so it
 * cannot compute the token.  The key is derived from the installation's ID
 * key, so every replica accepts the others' tokens. */
typedef struct
{
  guint8 key[32];
} WebCsrf;

void web_csrf_init (WebCsrf *csrf, const CarreteIdKey *id_key);
/* A fresh random seed (base64url, cookie-safe). */
char *web_csrf_new_seed (void);
char *web_csrf_token (const WebCsrf *csrf, const char *seed);
/* Constant-time; FALSE when either is NULL or empty. */
gboolean web_csrf_check (const WebCsrf *csrf, const char *seed, const char *token);

G_END_DECLS
