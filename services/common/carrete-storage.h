#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Where photo bytes live: one interface, two backends.
 *
 *   s3  MinIO or any S3: path-style requests signed with SigV4 (libcurl),
 *       presigned GET/PUT URLs signed for the public endpoint.
 *   fs  a directory; "presigned" URLs point at the photos service itself
 *       (`<public_url>/v1/storage/<key>?expires=…&signature=…`), signed
 *       with an HMAC key derived from the ID key, and served by the photos
 *       service through carrete_storage_fs_* below.
 *
 * Every call blocks: run them on the worker pool, never on the main loop.
 * Calls are thread-safe.  Errors are CARRETE_ERROR codes:
 * CARRETE_ERROR_NOT_FOUND for a missing object, CARRETE_ERROR_UNAVAILABLE
 * when the store cannot be reached or answers 5xx (→ 503), and
 * CARRETE_ERROR_INVALID for a key that is not a valid object key.
 *
 * Object keys are made by the photos service: ASCII letters, digits, '/',
 * '-', '_', '.', no empty segment, no "." or ".." segment, at most 512
 * bytes.  carrete_storage_key_is_valid() is the check both backends apply. */
typedef struct _CarreteStorage CarreteStorage;

typedef enum
{
  CARRETE_STORAGE_FS,
  CARRETE_STORAGE_S3,
} CarreteStorageKind;

typedef struct
{
  CarreteStorageKind kind;
  /* fs */
  const char *dir;          /* created if missing */
  const char *public_url;   /* e.g. http://127.0.0.1:8082 (no trailing slash needed) */
  const guint8 *url_key;    /* 32 bytes, signs fs URLs */
  /* s3 */
  const char *endpoint;        /* http://minio:9000 — what the service talks to */
  const char *public_endpoint; /* what clients reach; NULL = endpoint */
  const char *region;
  const char *bucket;
  const char *access_key;
  const char *secret_key;
  guint timeout_seconds;       /* per request, 0 = 30 */
} CarreteStorageOptions;

typedef struct
{
  guint64 size;
  char *content_type; /* may be NULL */
  char *etag;         /* may be NULL */
} CarreteObjectInfo;

CarreteStorage *carrete_storage_new (const CarreteStorageOptions *options, GError **error);
void carrete_storage_free (CarreteStorage *storage);
CarreteStorageKind carrete_storage_get_kind (CarreteStorage *storage);

gboolean carrete_storage_key_is_valid (const char *key);

/* Makes the store usable: the directory or the bucket exists (created if
 * missing).  Also the readiness probe. */
gboolean carrete_storage_ensure_ready (CarreteStorage *storage, GError **error);

/* Uploads the file at `path` as `key` (replacing any object there). */
gboolean carrete_storage_put_file (CarreteStorage *storage, const char *key, const char *path,
                                   const char *content_type, GCancellable *cancellable,
                                   GError **error);

/* Downloads `key` into a new file at `path`.  More than `max_bytes` →
 * CARRETE_ERROR_TOO_LARGE and no file left behind. */
gboolean carrete_storage_get_to_file (CarreteStorage *storage, const char *key, const char *path,
                                      guint64 max_bytes, GCancellable *cancellable, GError **error);

/* Size, type and etag of `key`, or CARRETE_ERROR_NOT_FOUND. */
gboolean carrete_storage_stat (CarreteStorage *storage, const char *key, CarreteObjectInfo *info,
                               GError **error);
void carrete_object_info_clear (CarreteObjectInfo *info);

/* Removes `key`; a missing object is success (deletes are retried). */
gboolean carrete_storage_delete (CarreteStorage *storage, const char *key, GError **error);

/* Keys under `prefix` (for tests and clean-up), sorted.  Pages through the
 * whole listing. */
GPtrArray *carrete_storage_list (CarreteStorage *storage, const char *prefix, GError **error);

/* Presigned URLs valid for `ttl_seconds` from `now` (unix seconds).
 * A GET URL may carry a response content type and a download file name
 * (both may be NULL).  A PUT URL binds `content_type`: the client must send
 * exactly that Content-Type header. */
char *carrete_storage_presign_get (CarreteStorage *storage, const char *key, gint64 now,
                                   guint ttl_seconds, const char *response_content_type,
                                   GError **error);
char *carrete_storage_presign_put (CarreteStorage *storage, const char *key, gint64 now,
                                   guint ttl_seconds, const char *content_type, GError **error);

/* ---- fs backend: verifying its own URLs ---------------------------------
 * The photos service serves `/v1/storage/{key...}` for the fs backend.  It
 * asks here whether the query string of a request is a valid, unexpired
 * signature for (method, key); `query` maps names to values as libsoup
 * parsed them.  FALSE with CARRETE_ERROR_FORBIDDEN for a bad or missing
 * signature, a method mismatch or an expired URL (the message says which). */
gboolean carrete_storage_fs_verify (CarreteStorage *storage, const char *method, const char *key,
                                    GHashTable *query, gint64 now, GError **error);
/* The path of `key` on disk (the object may not exist). */
char *carrete_storage_fs_path (CarreteStorage *storage, const char *key);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarreteStorage, carrete_storage_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CarreteObjectInfo, carrete_object_info_clear)

G_END_DECLS
