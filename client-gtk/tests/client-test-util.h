#pragma once

#include "carrete-client-lib.h"
#include "carrete-client-private.h"

G_BEGIN_DECLS

/* Waiting for an async call in a test: pass `&result` as user data with
 * ctu_on_result as callback, then ctu_await (&result). */
void ctu_on_result (GObject *source, GAsyncResult *result, gpointer user_data);
GAsyncResult *ctu_await (GAsyncResult **slot);
/* Spins the main context until `*flag` is TRUE or `seconds` pass. */
gboolean ctu_wait_for (gboolean *flag, guint seconds);

/* A client on the stack's three services (no gateway). */
CarreteClient *ctu_client_new (const char *users_url, const char *photos_url,
                               const char *folders_url);
/* Logs `client` in; asserts success. */
void ctu_login (CarreteClient *client, const char *username, const char *password);

/* Writes `bytes` to a new file under `dir`; returns its path. */
char *ctu_write_file (const char *dir, const char *name, GBytes *bytes);

/* The same under a unique name (a random prefix to `name`), as a GFile. */
GFile *ctu_unique_file (const char *dir, const char *name, GBytes *bytes);
/* Spins the main context until `upload` ends (at most 10 minutes); asserts
 * that it did. */
void ctu_wait_upload (CarreteUpload *upload);

G_END_DECLS
