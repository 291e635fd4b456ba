#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Where photo bytes live: one interface, two backends.
 *
 *   s3  MinIO or any S3 (the contract suite runs on MinIO, versitygw and
 *       Garage): path-style (`endpoint/bucket/key`) or virtual-hosted
 *       (`bucket.endpoint/key`) requests signed with SigV4 (libcurl,
 *       connections kept alive), presigned GET/PUT URLs signed for the
 *       public endpoint.
 *   fs  a directory; "presigned" URLs point at the photos service itself
 *       (`<public_url>/v1/storage/<key>?expires=…[&content_type=…]&signature=…`),
 *       signed with an HMAC key derived from the ID key, and served by the
 *       photos service through carrete_storage_fs_* below.
 *
 * Every call blocks: run them on the worker pool, never on the main loop.
 * Calls are thread-safe.  Errors are CARRETE_ERROR codes:
 * CARRETE_ERROR_NOT_FOUND for a missing object, CARRETE_ERROR_UNAVAILABLE
 * when the store cannot be reached, times out or answers 5xx (→ 503),
 * CARRETE_ERROR_INVALID for a key (or content type, or URL lifetime) that
 * is not valid, CARRETE_ERROR_FAILED for a refused signature (a
 * configuration error: the message names the settings to check) and other
 * unexpected answers, G_IO_ERROR_CANCELLED when `cancellable` fired.
 *
 * Object keys are made by the photos service: ASCII letters, digits, '/',
 * '-', '_', '.', no empty segment, no segment starting with '.' (so no "."
 * or ".."; the fs backend keeps its own files under dot-names), at most 512
 * bytes.  The fs backend cannot hold both "a" and "a/b" (a file is not a
 * directory): such a put fails with CARRETE_ERROR_CONFLICT.
 * carrete_storage_key_is_valid() is the check both backends apply. */
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
  /* The bucket in the host name (`bucket.endpoint/key`, for the endpoint
   * and the public endpoint alike) instead of the path; the endpoints
   * must then name hosts, not IP addresses. */
  gboolean virtual_hosted;
  /* Per request, 0 = 30.  Object transfers (put, get) have no total limit
   * but fail when stalled (under 1 KiB/s) this long. */
  guint timeout_seconds;
} CarreteStorageOptions;

typedef struct
{
  guint64 size;
  char *content_type; /* may be NULL (fs: put without one) */
  char *etag;         /* quoted; may be NULL */
} CarreteObjectInfo;

CarreteStorage *carrete_storage_new (const CarreteStorageOptions *options, GError **error);
void carrete_storage_free (CarreteStorage *storage);
CarreteStorageKind carrete_storage_get_kind (CarreteStorage *storage);

gboolean carrete_storage_key_is_valid (const char *key);

/* Makes the store usable: the directory or the bucket exists (created if
 * missing).  Also the readiness probe. */
gboolean carrete_storage_ensure_ready (CarreteStorage *storage, GError **error);

/* Uploads the file at `path` as `key` (replacing any object there),
 * streamed.  Readers see the old object or the new one, never a mix.
 * `content_type` may be NULL. */
gboolean carrete_storage_put_file (CarreteStorage *storage, const char *key, const char *path,
                                   const char *content_type, GCancellable *cancellable,
                                   GError **error);

/* The same, for a file whose SHA-256 (lower-case hex) the caller already
 * computed while writing it: the s3 backend signs the payload with it
 * instead of reading the file a second time.  The file must not change. */
gboolean carrete_storage_put_file_hashed (CarreteStorage *storage, const char *key,
                                          const char *path, const char *content_type,
                                          const char *sha256_hex, GCancellable *cancellable,
                                          GError **error);

/* Downloads `key` into a new file at `path` (created or truncated),
 * streamed.  More than `max_bytes` → CARRETE_ERROR_TOO_LARGE.  On any
 * failure, no file is left at `path`. */
gboolean carrete_storage_get_to_file (CarreteStorage *storage, const char *key, const char *path,
                                      guint64 max_bytes, GCancellable *cancellable, GError **error);

/* Reads `key` through once without keeping it: its SHA-256 (lower-case
 * hex), its size, and its first `head_size` bytes (fewer for a smaller
 * object; `head` may be NULL).  More than `max_bytes` →
 * CARRETE_ERROR_TOO_LARGE. */
gboolean carrete_storage_digest (CarreteStorage *storage, const char *key, guint64 max_bytes,
                                 guint8 *head, gsize head_size, char sha256_hex[65],
                                 guint64 *size, GCancellable *cancellable, GError **error);

/* Size, type and etag of `key`, or CARRETE_ERROR_NOT_FOUND. */
gboolean carrete_storage_stat (CarreteStorage *storage, const char *key, CarreteObjectInfo *info,
                               GError **error);
void carrete_object_info_clear (CarreteObjectInfo *info);

/* Copies the object `from` to `to` inside the store (S3 CopyObject; fs a
 * staged copy renamed into place), its content type with it.  What `to`
 * holds afterwards is what `from` held at one moment: a put that replaces
 * `from` meanwhile never tears it.  A missing `from` is
 * CARRETE_ERROR_NOT_FOUND. */
gboolean carrete_storage_copy (CarreteStorage *storage, const char *from, const char *to,
                               GCancellable *cancellable, GError **error);

/* Removes `key`; a missing object is success (deletes are retried). */
gboolean carrete_storage_delete (CarreteStorage *storage, const char *key, GError **error);

/* Keys under `prefix` (NULL or "" for all; for tests and clean-up), sorted
 * by byte value.  Pages through the whole listing.  Objects whose names are
 * not valid keys (put there by something else) are left out. */
GPtrArray *carrete_storage_list (CarreteStorage *storage, const char *prefix, GError **error);

/* Presigned URLs valid for `ttl_seconds` (1 s to 7 days) from `now` (unix
 * seconds).  A GET URL may carry a response content type (may be NULL): the
 * type the object is served as.  A PUT URL binds `content_type` (required):
 * the client must send exactly that Content-Type header. */
char *carrete_storage_presign_get (CarreteStorage *storage, const char *key, gint64 now,
                                   guint ttl_seconds, const char *response_content_type,
                                   GError **error);
char *carrete_storage_presign_put (CarreteStorage *storage, const char *key, gint64 now,
                                   guint ttl_seconds, const char *content_type, GError **error);

/* ---- Multipart uploads ----------------------------------------------------
 * An object assembled from numbered parts (1 to 10000), sent in any order
 * and replaced when sent again; nothing is visible under `key` until
 * complete.  S3: CreateMultipartUpload and friends (every part but the last
 * must be at least 5 MiB there).  fs: a hidden directory
 * `dir/.uploads/<upload id>/` (dot-names are the backend's own) holding
 * one file per part; complete concatenates them into a temporary file
 * beside the object and renames it into place.
 *
 * Upload ids are the store's (opaque printable ASCII; fs: 32 hex digits).
 * A missing upload (unknown, completed, aborted, or not for `key`) is
 * CARRETE_ERROR_NOT_FOUND; a bad part number or upload id
 * CARRETE_ERROR_INVALID. */
#define CARRETE_STORAGE_MAX_PARTS 10000

typedef struct
{
  guint number;
  guint64 size;
  char *etag; /* quoted */
} CarreteUploadPart;

typedef struct
{
  char *key;
  char *upload_id;
  gint64 initiated; /* unix seconds */
} CarreteUploadInfo;

void carrete_upload_part_free (CarreteUploadPart *part);
void carrete_upload_info_free (CarreteUploadInfo *info);

/* Starts an upload to `key`; the object will have `content_type` (may be
 * NULL).  Returns the upload id. */
char *carrete_storage_multipart_create (CarreteStorage *storage, const char *key,
                                        const char *content_type, GError **error);

/* Sends part `number` from memory; returns its etag (quoted). */
char *carrete_storage_multipart_upload_part (CarreteStorage *storage, const char *key,
                                             const char *upload_id, guint number, const void *data,
                                             gsize len, GCancellable *cancellable, GError **error);

/* A URL a client PUTs part `number` to, valid `ttl_seconds` from `now`,
 * bound to exactly `length` bytes: s3 signs the Content-Length header into
 * the presigned UploadPart (S3 refuses a body of another length); fs signs
 * it into the URL and carrete_storage_fs_verify_part gives it back for the
 * service to check. */
char *carrete_storage_multipart_presign_part (CarreteStorage *storage, const char *key,
                                              const char *upload_id, guint number, guint64 length,
                                              gint64 now, guint ttl_seconds, GError **error);

/* The parts received so far (CarreteUploadPart *), sorted by number. */
GPtrArray *carrete_storage_multipart_list_parts (CarreteStorage *storage, const char *key,
                                                 const char *upload_id, GError **error);

/* Assembles `parts` (numbers ascending, each with the etag the store holds;
 * sizes are ignored) into the object `key` and ends the upload.  A part
 * that is missing or has another etag: CARRETE_ERROR_INVALID, and the
 * upload stays open. */
gboolean carrete_storage_multipart_complete (CarreteStorage *storage, const char *key,
                                             const char *upload_id, const CarreteUploadPart *parts,
                                             guint n_parts, GCancellable *cancellable,
                                             GError **error);

/* Ends the upload and drops its parts; a missing upload is success. */
gboolean carrete_storage_multipart_abort (CarreteStorage *storage, const char *key,
                                          const char *upload_id, GError **error);

/* Unfinished uploads (CarreteUploadInfo *) to keys under `prefix` (NULL or
 * "" for all), for tests and clean-up.  MinIO lists only the uploads of
 * the key equal to `prefix`: pass a whole key for the same answer from
 * every store. */
GPtrArray *carrete_storage_multipart_list_uploads (CarreteStorage *storage, const char *prefix,
                                                   GError **error);

/* ---- Writing an object as its bytes arrive -----------------------------------
 * For a body that arrives in pieces and is never held whole: s3 sends it as
 * a multipart upload, one part per append (each at least
 * CARRETE_STORAGE_MIN_PART_SIZE, except the bytes given to commit), or as
 * one PUT when commit comes before any append; fs writes a temporary file
 * beside the object and renames it into place at commit.  Nothing is
 * visible under `key` before commit.  Calls block.  Appends of different
 * parts may run at once on different threads (a store takes parts in
 * parallel faster than one after another); new, commit and free come
 * alone.  Freeing a writer that was not committed removes what it wrote
 * (aborts the multipart upload, unlinks the temporary file). */
typedef struct _CarreteObjectWriter CarreteObjectWriter;

#define CARRETE_STORAGE_MIN_PART_SIZE (5u * 1024 * 1024)

CarreteObjectWriter *carrete_object_writer_new (CarreteStorage *storage, const char *key,
                                                const char *content_type, GError **error);
/* Part `number` (from 1, in the order of the bytes).  Every appended part
 * has the same length, so part n starts at byte (n - 1) * len whatever
 * order the parts arrive in. */
gboolean carrete_object_writer_append (CarreteObjectWriter *writer, guint number, const void *data,
                                       gsize len, GCancellable *cancellable, GError **error);
/* After every append returned: the bytes after the last part (`len` may
 * be 0), then the object is in place.
 * `sha256_hex` is the SHA-256 of every byte written, which the caller
 * computed on the way. */
gboolean carrete_object_writer_commit (CarreteObjectWriter *writer, const void *data, gsize len,
                                       const char *sha256_hex, GCancellable *cancellable,
                                       GError **error);
void carrete_object_writer_free (CarreteObjectWriter *writer);

/* ---- fs backend: verifying its own URLs ---------------------------------
 * The photos service serves `/v1/storage/{key...}` for the fs backend.  It
 * asks here whether the query string of a request is a valid, unexpired
 * signature for (method, key); `query` maps names to values as libsoup
 * parsed them.  FALSE with CARRETE_ERROR_FORBIDDEN for a bad or missing
 * signature, a method mismatch or an expired URL (the message says which).
 * HEAD is accepted on GET URLs.
 *
 * The signature also covers query["content_type"] when present.  On a GET
 * URL it is the type to answer with.  On a PUT URL it is the bound type, and
 * the service must refuse (403) a request whose Content-Type header is not
 * exactly query["content_type"]: this function sees only the URL. */
gboolean carrete_storage_fs_verify (CarreteStorage *storage, const char *method, const char *key,
                                    GHashTable *query, gint64 now, GError **error);
/* The same for a part URL (carrete_storage_multipart_presign_part): the
 * query also carries upload_id, part and length, all signed.  Gives back
 * the upload id (owned by `query`), part number and the bound length,
 * which the service must enforce (400 for a body of another length). */
gboolean carrete_storage_fs_verify_part (CarreteStorage *storage, const char *key,
                                         GHashTable *query, gint64 now, const char **upload_id,
                                         guint *number, guint64 *length, GError **error);
/* Writes part `number` of an fs upload from the file at `path` (copied to a
 * temporary file in the upload's directory, then renamed over the part):
 * returns its etag, the quoted SHA-256 hex of the bytes.  NOT_FOUND when
 * the upload is gone (completed or aborted) or is not for `key`. */
char *carrete_storage_fs_put_part (CarreteStorage *storage, const char *key, const char *upload_id,
                                   guint number, const char *path, GCancellable *cancellable,
                                   GError **error);
/* The path of `key` on disk (the object may not exist). */
char *carrete_storage_fs_path (CarreteStorage *storage, const char *key);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarreteStorage, carrete_storage_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CarreteObjectInfo, carrete_object_info_clear)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarreteUploadPart, carrete_upload_part_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarreteUploadInfo, carrete_upload_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarreteObjectWriter, carrete_object_writer_free)

G_END_DECLS
