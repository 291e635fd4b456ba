#pragma once

#include <gio/gio.h>

#include "carrete-workers.h"

G_BEGIN_DECLS

/* argon2id password hashes (libsodium crypto_pwhash_str): account
 * passwords and share-link passwords.  Hashing takes
 * tens of milliseconds and 64 MiB by design, so the async forms run on the
 * bounded worker pool, never on the main loop. */
typedef struct
{
  guint64 opslimit;
  gsize memlimit;
} CarreteHashParams;

/* libsodium's "interactive" argon2id parameters. */
CarreteHashParams carrete_password_default_params (void);

char *carrete_password_hash (const char *password, const CarreteHashParams *params, GError **error);
/* `hash` NULL verifies against a fixed dummy hash and fails, taking the same
 * time as a real check: unknown users and wrong passwords look alike. */
gboolean carrete_password_verify (const char *hash, const char *password,
                                  const CarreteHashParams *params);
gboolean carrete_password_needs_rehash (const char *hash, const CarreteHashParams *params);

void carrete_password_hash_async (CarreteWorkers *workers, const char *password,
                                  const CarreteHashParams *params, GAsyncReadyCallback callback,
                                  gpointer user_data);
char *carrete_password_hash_finish (GAsyncResult *result, GError **error);

void carrete_password_verify_async (CarreteWorkers *workers, const char *hash, const char *password,
                                    const CarreteHashParams *params, GAsyncReadyCallback callback,
                                    gpointer user_data);
/* Returns whether the password matched; *needs_rehash tells whether the
 * stored hash used other parameters. */
gboolean carrete_password_verify_finish (GAsyncResult *result, gboolean *needs_rehash,
                                         GError **error);

G_END_DECLS
