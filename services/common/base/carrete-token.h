#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Secret tokens (carrete-users' refresh tokens, carrete-folders' share
 * links): 32 random bytes, base64url (43 characters).  Only their SHA-256
 * (hex) is stored, so a database leak yields no usable token; 256 bits of
 * entropy make a fast hash right (argon2id is for passwords). */
#define CARRETE_TOKEN_LEN 43

char *carrete_token_new (void);
gboolean carrete_token_is_well_formed (const char *token);
char *carrete_token_digest (const char *token);

G_END_DECLS
