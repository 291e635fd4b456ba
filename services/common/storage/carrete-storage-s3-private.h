#pragma once

/* What the two halves of the s3 backend share: carrete-storage-s3-request.c
 * builds, signs and runs one request and maps S3's answers to GErrors;
 * carrete-storage-s3.c makes the storage operations out of them. */

#include <string.h>

#include "carrete-sigv4.h"
#include "carrete-storage-private.h"

G_BEGIN_DECLS

typedef struct
{
  CarreteStorage parent;
  /* Virtual-hosted, all three have the bucket in front of the host. */
  char *origin;        /* scheme://host[:port] the service talks to */
  char *host;          /* its Host header */
  char *public_origin; /* what clients reach, for presigning */
  char *bucket;
  gboolean virtual_hosted;
  char *region;
  char *access_key;
  char *secret_key;
  guint timeout;
  GMutex lock;
  GPtrArray *idle; /* CURL * */
} S3Storage;

static inline S3Storage *
s3_of (CarreteStorage *storage)
{
  g_assert (storage->kind == CARRETE_STORAGE_S3);
  return (S3Storage *) storage;
}

static inline CarreteSigv4Credentials
credentials_of (S3Storage *s3)
{
  return (CarreteSigv4Credentials) {
    .access_key = s3->access_key,
    .secret_key = s3->secret_key,
    .region = s3->region,
    .service = "s3",
  };
}

typedef struct
{
  const char *method;
  const char *key; /* NULL: the bucket itself */
  const CarreteSigv4Pair *query;
  gsize n_query;
  const char *content_type;
  const char *copy_source; /* CopyObject: "/bucket/key" (signed x-amz-copy-source) */
  /* PUT body: a file (upload_fd >= 0) or a small buffer. */
  int upload_fd;
  const char *upload_data;
  guint64 upload_size;
  const char *payload_hash; /* NULL: empty body */
  /* A 2xx body goes to download_fd when >= 0, and through `digest` when
   * not NULL, at most max_bytes of it. */
  int download_fd;
  CarreteDigest *digest;
  guint64 max_bytes;
  gboolean long_transfer; /* an object's bytes: a stall limit, no total limit */
  GCancellable *cancellable;
} S3Request;

typedef struct
{
  long status;
  GString *body; /* error documents, listings */
  char *content_type;
  char *etag;
  guint64 content_length; /* HEAD: the object's size */
  guint64 received;       /* bytes written to download_fd */
  guint64 sent;           /* bytes read from the upload buffer */
  gboolean too_large;
  gboolean body_overflow;
  int file_errno;
} S3Response;

/* Reads S3's listing documents as records: each `record` element (Part,
 * Upload) becomes a table of its children's texts; the root's other
 * children (IsTruncated, markers, UploadId) go to `top`. */
typedef struct
{
  const char *record;
  GString *text;
  GHashTable *current;
  GPtrArray *records; /* GHashTable * */
  GHashTable *top;
} S3Records;

/* The Code and Message of an error document (its root's children). */
static inline const char *
s3_error_message (const S3Records *r)
{
  return r->top != NULL ? g_hash_table_lookup (r->top, "Message") : NULL;
}

/* The one place where servers' error codes differ.  Garage (2.x) answers
 * a wrong signature and an unknown access key with the generic
 * AccessDenied, telling them apart only in its Message ("Forbidden:
 * Invalid signature", "Forbidden: No such key: <id>"), where AWS, MinIO
 * and versitygw say SignatureDoesNotMatch and InvalidAccessKeyId: Garage's
 * are read as those codes, so that a wrong secret is the configuration
 * error naming the settings on every server. */
static inline const char *
s3_error_code (const S3Records *r)
{
  const char *code = r->top != NULL ? g_hash_table_lookup (r->top, "Code") : NULL;
  const char *message = s3_error_message (r);

  if (g_strcmp0 (code, "AccessDenied") == 0 && message != NULL)
    {
      if (strstr (message, "Invalid signature") != NULL)
        return "SignatureDoesNotMatch";
      if (strstr (message, "No such key: ") != NULL)
        return "InvalidAccessKeyId";
    }
  return code;
}

static inline gboolean
status_is_success (long status)
{
  return status >= 200 && status < 300;
}

/* The path of `key` (NULL: the bucket itself): the bucket is its first
 * segment in path-style, and in the host (origin) when virtual-hosted. */
static inline char *
request_path (S3Storage *s3, const char *key)
{
  if (s3->virtual_hosted)
    return g_strconcat ("/", key, NULL);
  return key != NULL ? g_strdup_printf ("/%s/%s", s3->bucket, key)
                     : g_strdup_printf ("/%s", s3->bucket);
}

/* carrete-storage-s3-request.c */

void _carrete_s3_response_clear (S3Response *response);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (S3Response, _carrete_s3_response_clear)

void _carrete_s3_records_clear (S3Records *r);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (S3Records, _carrete_s3_records_clear)

gboolean _carrete_s3_perform (S3Storage *s3, const S3Request *request, S3Response *response,
                              GError **error);
/* Parses S3's XML (GMarkup undoes the entity escaping): `record` (NULL:
 * none) elements become tables in r->records, the root's other children
 * go to r->top.  FALSE, with an error when asked, for unreadable XML. */
gboolean _carrete_s3_records_parse (const GString *body, const char *record, S3Records *r,
                                    GError **error);
/* Always FALSE. */
/* Whether a 404 answer is about the bucket rather than a key. */
gboolean _carrete_s3_bucket_missing (S3Storage *s3, const S3Response *response);
gboolean _carrete_s3_status_error (S3Storage *s3, const S3Response *response, const char *what,
                                   GError **error);
/* The answer to a removal (DELETE): success, also when what was to be
 * removed is missing (removals are retried), unless the bucket is. */
gboolean _carrete_s3_removed (S3Storage *s3, const S3Response *response, const char *what,
                              GError **error);

/* carrete-storage-s3-multipart.c: the multipart entries of the backend. */

char *_carrete_s3_mp_create (CarreteStorage *storage, const char *key, const char *content_type,
                             GError **error);
char *_carrete_s3_mp_upload_part (CarreteStorage *storage, const char *key, const char *upload_id,
                                  guint number, const void *data, gsize len,
                                  GCancellable *cancellable, GError **error);
char *_carrete_s3_mp_presign_part (CarreteStorage *storage, const char *key, const char *upload_id,
                                   guint number, guint64 length, gint64 now, guint ttl_seconds,
                                   GError **error);
GPtrArray *_carrete_s3_mp_list_parts (CarreteStorage *storage, const char *key,
                                      const char *upload_id, GError **error);
gboolean _carrete_s3_mp_complete (CarreteStorage *storage, const char *key, const char *upload_id,
                                  const CarreteUploadPart *parts, guint n_parts,
                                  GCancellable *cancellable, GError **error);
/* The same without asking first whether the upload is open: for the
 * object writer, whose upload nobody else can complete. */
gboolean _carrete_s3_mp_assemble (CarreteStorage *storage, const char *key, const char *upload_id,
                                  const CarreteUploadPart *parts, guint n_parts,
                                  GCancellable *cancellable, GError **error);
gboolean _carrete_s3_mp_abort (CarreteStorage *storage, const char *key, const char *upload_id,
                               GError **error);
GPtrArray *_carrete_s3_mp_list_uploads (CarreteStorage *storage, const char *prefix,
                                        GError **error);

/* carrete-storage-s3-writer.c: the streaming writes of the backend. */

gpointer _carrete_s3_writer_open (CarreteStorage *storage, const char *key,
                                  const char *content_type, GError **error);
gboolean _carrete_s3_writer_append (CarreteStorage *storage, gpointer handle, guint number,
                                    const void *data, gsize len, GCancellable *cancellable,
                                    GError **error);
gboolean _carrete_s3_writer_commit (CarreteStorage *storage, gpointer handle, const void *data,
                                    gsize len, const char *sha256_hex, GCancellable *cancellable,
                                    GError **error);
void _carrete_s3_writer_close (CarreteStorage *storage, gpointer handle, gboolean committed);

G_END_DECLS
