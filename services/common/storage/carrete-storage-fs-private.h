#pragma once

/* What the two halves of the fs backend share: carrete-storage-fs.c (objects,
 * URLs) and carrete-storage-fs-multipart.c (multipart uploads). */

#include <sodium.h>
#include <sys/types.h>

#include "carrete-storage-private.h"

G_BEGIN_DECLS

typedef struct
{
  CarreteStorage parent;
  char *dir;
  char *meta_dir;
  char *public_url;
  guint8 url_key[crypto_auth_hmacsha256_KEYBYTES];
} FsStorage;

static inline FsStorage *
fs_of (CarreteStorage *storage)
{
  g_assert (storage->kind == CARRETE_STORAGE_FS);
  return (FsStorage *) storage;
}

typedef struct
{
  guint64 size;
  char sha256[crypto_hash_sha256_BYTES * 2 + 1];
} CopyResult;

/* carrete-storage-fs.c */

/* Always FALSE. */
gboolean _carrete_fs_set_io_error (GError **error, int errsv, const char *what, const char *path);
gboolean _carrete_fs_forbidden (GError **error, const char *why);
char *_carrete_fs_object_path (FsStorage *fs, const char *key);
/* Copies `in` to `out`, hashing; more than `max_bytes` → TOO_LARGE. */
gboolean _carrete_fs_copy_fd (int in, int out, guint64 max_bytes, GCancellable *cancellable,
                              CopyResult *result, GError **error);
/* A new temporary file beside `target` (its directory created). */
int _carrete_fs_open_temp_retrying (const char *target, char **temp_path, GError **error);
gboolean _carrete_fs_rename_into_place (const char *temp, const char *target, GError **error);
gboolean _carrete_fs_write_small_file (const char *target, const char *contents, GError **error);
/* The sidecar of `key`, naming the inode of the bytes it describes. */
gboolean _carrete_fs_write_meta (FsStorage *fs, const char *key, ino_t inode,
                                 const CopyResult *copy, const char *content_type, GError **error);
void _carrete_fs_prune_empty_parents (const char *root, const char *path);
gboolean _carrete_fs_parse_expires (const char *text, gint64 *expires);

/* carrete-storage-fs-multipart.c: the multipart entries of the backend. */

char *_carrete_fs_mp_create (CarreteStorage *storage, const char *key, const char *content_type,
                             GError **error);
char *_carrete_fs_mp_upload_part (CarreteStorage *storage, const char *key, const char *upload_id,
                                  guint number, const void *data, gsize len,
                                  GCancellable *cancellable, GError **error);
char *_carrete_fs_mp_presign_part (CarreteStorage *storage, const char *key, const char *upload_id,
                                   guint number, guint64 length, gint64 now, guint ttl_seconds,
                                   GError **error);
GPtrArray *_carrete_fs_mp_list_parts (CarreteStorage *storage, const char *key,
                                      const char *upload_id, GError **error);
gboolean _carrete_fs_mp_complete (CarreteStorage *storage, const char *key, const char *upload_id,
                                  const CarreteUploadPart *parts, guint n_parts,
                                  GCancellable *cancellable, GError **error);
gboolean _carrete_fs_mp_abort (CarreteStorage *storage, const char *key, const char *upload_id,
                               GError **error);
GPtrArray *_carrete_fs_mp_list_uploads (CarreteStorage *storage, const char *prefix,
                                        GError **error);

/* carrete-storage-fs-writer.c: the streaming writes of the backend. */

gpointer _carrete_fs_writer_open (CarreteStorage *storage, const char *key,
                                  const char *content_type, GError **error);
gboolean _carrete_fs_writer_append (CarreteStorage *storage, gpointer handle, guint number,
                                    const void *data, gsize len, GCancellable *cancellable,
                                    GError **error);
gboolean _carrete_fs_writer_commit (CarreteStorage *storage, gpointer handle, const void *data,
                                    gsize len, const char *sha256_hex, GCancellable *cancellable,
                                    GError **error);
void _carrete_fs_writer_close (CarreteStorage *storage, gpointer handle, gboolean committed);

G_END_DECLS
