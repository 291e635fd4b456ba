#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Refresh tokens: 32 random bytes, base64url (43 characters).  Only their
 * SHA-256 (hex) is stored, so a database leak yields no usable token. */
#define USERS_REFRESH_TOKEN_LEN 43

char *users_refresh_token_new (void);
gboolean users_refresh_token_is_well_formed (const char *token);
char *users_refresh_token_digest (const char *token);

G_END_DECLS
