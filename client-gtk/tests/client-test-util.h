#pragma once

#include "carrete-client-lib.h"
#include "carrete-client-private.h"
#include "carrete-test.h"

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

/* `strings` sorted (byte order) and comma-joined, "" for none; the array
 * is left as it was.  Beside stack_photo_hashes(), to compare files'
 * SHA-256 with the server's. */
char *ctu_join_sorted (GPtrArray *strings);

/* The same under a unique name (a random prefix to `name`), as a GFile. */
GFile *ctu_unique_file (const char *dir, const char *name, GBytes *bytes);
/* Spins the main context until `upload` ends (at most 10 minutes); asserts
 * that it did. */
void ctu_wait_upload (CarreteUpload *upload);

/* ---- resumable uploads, as the server and the disk see them ---------------- */

/* GET /v1/photos/uploads/{upload_id} of the photos service at `photos_url`. */
CtResponse *ctu_upload_status (const char *photos_url, const char *token, const char *upload_id);
/* How many parts an answer of ctu_upload_status lists in parts_received. */
guint ctu_parts_received (CtResponse *status);
/* The records on disk (under $XDG_STATE_HOME) of the unfinished resumable
 * uploads of `account` (us_…) to the photos service at `photos_url`. */
GPtrArray *ctu_records (const char *photos_url, const char *account);
/* Waits (a minute at most) for a record on disk (under $XDG_STATE_HOME) of
 * an upload of `account` (us_…) to the photos service at `photos_url`, as
 * the app writes it before its first part; returns its upload id. */
char *ctu_wait_record (const char *photos_url, const char *account);
/* Polls the upload's status (asserting 200) until the store holds at least
 * `k` parts, a minute at most; returns how many it held last. */
guint ctu_wait_parts (const char *photos_url, const char *token, const char *upload_id, guint k);

G_END_DECLS
