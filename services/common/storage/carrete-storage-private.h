#pragma once

#include "carrete-storage.h"

G_BEGIN_DECLS

/* What carrete_storage_digest gathers while an object goes by. */
typedef struct _CarreteDigest
{
  struct _CarreteSha256 *sha;
  guint8 *head;
  gsize head_size;
  guint64 size;
} CarreteDigest;

/* Feeds `len` more bytes of the object. */
void carrete_digest_update (CarreteDigest *digest, const void *data, gsize len);

/* What each backend implements.  The dispatcher (carrete-storage.c) has
 * already validated keys and arguments when these run. */
typedef struct
{
  void (*free) (CarreteStorage *storage);
  gboolean (*ensure_ready) (CarreteStorage *storage, GError **error);
  gboolean (*put_file) (CarreteStorage *storage, const char *key, const char *path,
                        const char *content_type, const char *sha256_hex,
                        GCancellable *cancellable, GError **error);
  gboolean (*get_to_file) (CarreteStorage *storage, const char *key, const char *path,
                           guint64 max_bytes, GCancellable *cancellable, GError **error);
  gboolean (*stat) (CarreteStorage *storage, const char *key, CarreteObjectInfo *info,
                    GError **error);
  /* `digest` fills a CarreteDigest (carrete-storage-private.h). */
  gboolean (*digest) (CarreteStorage *storage, const char *key, guint64 max_bytes,
                      struct _CarreteDigest *digest, GCancellable *cancellable, GError **error);
  gboolean (*copy) (CarreteStorage *storage, const char *from, const char *to,
                    GCancellable *cancellable, GError **error);
  gboolean (*delete) (CarreteStorage *storage, const char *key, GError **error);
  GPtrArray *(*list) (CarreteStorage *storage, const char *prefix, GError **error);
  char *(*presign) (CarreteStorage *storage, const char *method, const char *key, gint64 now,
                    guint ttl_seconds, const char *content_type, GError **error);
  /* Multipart: see carrete-storage.h.  `length` of presign_part is the
   * exact body length to bind. */
  char *(*mp_create) (CarreteStorage *storage, const char *key, const char *content_type,
                      GError **error);
  char *(*mp_upload_part) (CarreteStorage *storage, const char *key, const char *upload_id,
                           guint number, const void *data, gsize len, GCancellable *cancellable,
                           GError **error);
  char *(*mp_presign_part) (CarreteStorage *storage, const char *key, const char *upload_id,
                            guint number, guint64 length, gint64 now, guint ttl_seconds,
                            GError **error);
  GPtrArray *(*mp_list_parts) (CarreteStorage *storage, const char *key, const char *upload_id,
                               GError **error);
  gboolean (*mp_complete) (CarreteStorage *storage, const char *key, const char *upload_id,
                           const CarreteUploadPart *parts, guint n_parts, GCancellable *cancellable,
                           GError **error);
  gboolean (*mp_abort) (CarreteStorage *storage, const char *key, const char *upload_id,
                        GError **error);
  GPtrArray *(*mp_list_uploads) (CarreteStorage *storage, const char *prefix, GError **error);
  /* Streaming writes (carrete-storage-writer.c): the backend's state of
   * one object being written.  `writer_close` frees it, and removes what
   * was written unless the commit succeeded. */
  gpointer (*writer_open) (CarreteStorage *storage, const char *key, const char *content_type,
                           GError **error);
  gboolean (*writer_append) (CarreteStorage *storage, gpointer handle, guint number,
                             const void *data, gsize len, GCancellable *cancellable,
                             GError **error);
  gboolean (*writer_commit) (CarreteStorage *storage, gpointer handle, const void *data,
                             gsize len, const char *sha256_hex, GCancellable *cancellable,
                             GError **error);
  void (*writer_close) (CarreteStorage *storage, gpointer handle, gboolean committed);
} CarreteStorageBackend;

/* Each backend's struct starts with this. */
struct _CarreteStorage
{
  CarreteStorageKind kind;
  const CarreteStorageBackend *backend;
};

CarreteStorage *carrete_storage_fs_new (const CarreteStorageOptions *options, GError **error);
CarreteStorage *carrete_storage_s3_new (const CarreteStorageOptions *options, GError **error);

/* A prefix for listing: empty, or the start of a valid key.  Every complete
 * segment (followed by '/') obeys the key rules, so a prefix can never point
 * outside the store. */
gboolean carrete_storage_prefix_is_valid (const char *prefix);

/* A Content-Type value safe to sign and to send as a header: printable
 * ASCII, 1 to 255 bytes. */
gboolean carrete_storage_content_type_is_valid (const char *content_type);

/* Sorts CarreteUploadPart * by number. */
gint carrete_storage_compare_parts (gconstpointer a, gconstpointer b);

/* Removes a partly written download; keeps the first error. */
void carrete_storage_remove_partial (const char *path);

G_END_DECLS
