#pragma once

#include <glib.h>
#include <sodium.h>

G_BEGIN_DECLS

/* The installation-wide ID key (CARRETE_ID_KEY_FILE): 32 random bytes stored
 * as 64 hex characters.  Every other symmetric secret is derived from it so
 * that an installation has a single secret to manage. */
#define CARRETE_ID_KEY_BYTES 32

typedef struct
{
  guint8 bytes[CARRETE_ID_KEY_BYTES];
} CarreteIdKey;

/* Reads a key file a setting names (the ID key, the JWT key pair); a
 * failure is CARRETE_ERROR_CONFIG, with GLib's message, which names the
 * file.  `length` may be NULL. */
gboolean carrete_key_file_read (const char *path, char **contents, gsize *length, GError **error);

gboolean carrete_id_key_load (const char *path, CarreteIdKey *key, GError **error);
gboolean carrete_id_key_parse (const char *text, CarreteIdKey *key, GError **error);

/* Derives a purpose-specific subkey (libsodium crypto_kdf).  `context` is
 * exactly 8 characters; `subkey_id` distinguishes keys within a context. */
void carrete_id_key_derive (const CarreteIdKey *key, const char context[8], guint64 subkey_id,
                            guint8 *out, gsize out_len);

/* Frees a secret string (a password, a refresh token, a hash) after
 * overwriting it, so that it does not linger in freed memory.  NULL is
 * fine. */
void carrete_secret_free (char *secret);

/* Whether two secret strings (a token, a PKCE verifier) are equal, in a
 * time that depends on their lengths only, never on where they first
 * differ.  NULL equals nothing. */
gboolean carrete_secret_equal (const char *a, const char *b);

G_END_DECLS
