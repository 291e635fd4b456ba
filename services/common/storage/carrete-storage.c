#define G_LOG_DOMAIN "carrete-storage"

#include "carrete-storage.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "carrete-error.h"
#include "carrete-sha256.h"
#include "carrete-storage-private.h"

#define MAX_KEY_BYTES 512
#define MAX_CONTENT_TYPE_BYTES 255

/* ---- Keys ------------------------------------------------------------------ */

static gboolean
is_key_char (char c)
{
  return g_ascii_isalnum (c) || c == '/' || c == '-' || c == '_' || c == '.';
}

/* A segment may not start with '.': that rules out "." and ".." and leaves
 * dot-names to the fs backend (temporary files, the .meta tree). */
static gboolean
segment_is_valid (const char *start, gsize len)
{
  return len > 0 && start[0] != '.';
}

static gboolean
chars_are_valid (const char *text, gsize *len)
{
  gsize n = 0;

  for (const char *p = text; *p != '\0'; p++, n++)
    if (n >= MAX_KEY_BYTES || !is_key_char (*p))
      return FALSE;
  *len = n;
  return TRUE;
}

/* Checks the segments that end in '/' (all of them when `last_complete`). */
static gboolean
segments_are_valid (const char *text, gboolean last_complete)
{
  const char *start = text;

  for (const char *slash = strchr (start, '/'); slash != NULL; slash = strchr (start, '/'))
    {
      if (!segment_is_valid (start, (gsize) (slash - start)))
        return FALSE;
      start = slash + 1;
    }
  return !last_complete || segment_is_valid (start, strlen (start));
}

gboolean
carrete_storage_key_is_valid (const char *key)
{
  gsize len = 0;

  if (key == NULL || !chars_are_valid (key, &len) || len == 0)
    return FALSE;
  return segments_are_valid (key, TRUE);
}

gboolean
carrete_storage_prefix_is_valid (const char *prefix)
{
  gsize len = 0;

  if (prefix == NULL || *prefix == '\0')
    return TRUE;
  return chars_are_valid (prefix, &len) && segments_are_valid (prefix, FALSE);
}

gboolean
carrete_storage_content_type_is_valid (const char *content_type)
{
  gsize len = 0;

  if (content_type == NULL)
    return FALSE;
  for (const char *p = content_type; *p != '\0'; p++, len++)
    if ((guchar) *p < 0x20 || (guchar) *p > 0x7e || len >= MAX_CONTENT_TYPE_BYTES)
      return FALSE;
  return len > 0;
}

void
carrete_storage_remove_partial (const char *path)
{
  if (g_unlink (path) != 0 && errno != ENOENT)
    g_warning ("could not remove the partial download %s: %s", path, g_strerror (errno));
}

/* ---- Argument checks ------------------------------------------------------- */

static gboolean
check_key (const char *key, GError **error)
{
  if (carrete_storage_key_is_valid (key))
    return TRUE;
  g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID, "invalid object key");
  return FALSE;
}

static gboolean
check_content_type (const char *content_type, gboolean required, GError **error)
{
  if ((content_type == NULL && !required) || carrete_storage_content_type_is_valid (content_type))
    return TRUE;
  g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID, "invalid content type");
  return FALSE;
}

static gboolean
check_ttl (guint ttl_seconds, GError **error)
{
  /* Seven days: S3's limit, kept for fs too so both behave alike. */
  if (ttl_seconds >= 1 && ttl_seconds <= 604800)
    return TRUE;
  g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID,
               "URL lifetime must be 1 s to 7 days, not %u s", ttl_seconds);
  return FALSE;
}

/* ---- Dispatch -------------------------------------------------------------- */

CarreteStorage *
carrete_storage_new (const CarreteStorageOptions *options, GError **error)
{
  g_return_val_if_fail (options != NULL, NULL);

  switch (options->kind)
    {
    case CARRETE_STORAGE_FS:
      return carrete_storage_fs_new (options, error);
    case CARRETE_STORAGE_S3:
      return carrete_storage_s3_new (options, error);
    default:
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG, "unknown storage kind");
      return NULL;
    }
}

void
carrete_storage_free (CarreteStorage *storage)
{
  if (storage != NULL)
    storage->backend->free (storage);
}

CarreteStorageKind
carrete_storage_get_kind (CarreteStorage *storage)
{
  return storage->kind;
}

gboolean
carrete_storage_ensure_ready (CarreteStorage *storage, GError **error)
{
  return storage->backend->ensure_ready (storage, error);
}

gboolean
carrete_storage_put_file (CarreteStorage *storage, const char *key, const char *path,
                          const char *content_type, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (path != NULL, FALSE);

  if (!check_key (key, error) || !check_content_type (content_type, FALSE, error))
    return FALSE;
  return storage->backend->put_file (storage, key, path, content_type, NULL, cancellable, error);
}

gboolean
carrete_storage_put_file_hashed (CarreteStorage *storage, const char *key, const char *path,
                                 const char *content_type, const char *sha256_hex,
                                 GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (path != NULL, FALSE);

  if (!check_key (key, error) || !check_content_type (content_type, FALSE, error))
    return FALSE;
  if (sha256_hex != NULL
      && (strlen (sha256_hex) != 64 || strspn (sha256_hex, "0123456789abcdef") != 64))
    sha256_hex = NULL; /* not a digest we can vouch for: let the backend hash */
  return storage->backend->put_file (storage, key, path, content_type, sha256_hex, cancellable,
                                     error);
}

gboolean
carrete_storage_get_to_file (CarreteStorage *storage, const char *key, const char *path,
                             guint64 max_bytes, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (path != NULL, FALSE);

  if (!check_key (key, error))
    return FALSE;
  return storage->backend->get_to_file (storage, key, path, max_bytes, cancellable, error);
}

void
carrete_digest_update (CarreteDigest *digest, const void *data, gsize len)
{
  if (digest->head != NULL && digest->size < digest->head_size)
    memcpy (digest->head + digest->size, data, MIN (len, digest->head_size - digest->size));
  carrete_sha256_update (digest->sha, data, len);
  digest->size += len;
}

gboolean
carrete_storage_digest (CarreteStorage *storage, const char *key, guint64 max_bytes, guint8 *head,
                        gsize head_size, char sha256_hex[65], guint64 *size,
                        GCancellable *cancellable, GError **error)
{
  g_autoptr (CarreteSha256) sha = carrete_sha256_new ();
  CarreteDigest digest = { sha, head, head_size, 0 };

  if (!check_key (key, error)
      || !storage->backend->digest (storage, key, max_bytes, &digest, cancellable, error))
    return FALSE;
  carrete_sha256_finish_hex (sha, sha256_hex);
  *size = digest.size;
  return TRUE;
}

gboolean
carrete_storage_stat (CarreteStorage *storage, const char *key, CarreteObjectInfo *info,
                      GError **error)
{
  g_return_val_if_fail (info != NULL, FALSE);

  memset (info, 0, sizeof *info);
  if (!check_key (key, error))
    return FALSE;
  return storage->backend->stat (storage, key, info, error);
}

void
carrete_object_info_clear (CarreteObjectInfo *info)
{
  g_clear_pointer (&info->content_type, g_free);
  g_clear_pointer (&info->etag, g_free);
  info->size = 0;
}

gboolean
carrete_storage_copy (CarreteStorage *storage, const char *from, const char *to,
                      GCancellable *cancellable, GError **error)
{
  if (!check_key (from, error) || !check_key (to, error))
    return FALSE;
  return storage->backend->copy (storage, from, to, cancellable, error);
}

gboolean
carrete_storage_delete (CarreteStorage *storage, const char *key, GError **error)
{
  if (!check_key (key, error))
    return FALSE;
  return storage->backend->delete (storage, key, error);
}

GPtrArray *
carrete_storage_list (CarreteStorage *storage, const char *prefix, GError **error)
{
  if (!carrete_storage_prefix_is_valid (prefix))
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID, "invalid key prefix");
      return NULL;
    }
  return storage->backend->list (storage, prefix != NULL ? prefix : "", error);
}

char *
carrete_storage_presign_get (CarreteStorage *storage, const char *key, gint64 now,
                             guint ttl_seconds, const char *response_content_type, GError **error)
{
  if (!check_key (key, error) || !check_ttl (ttl_seconds, error)
      || !check_content_type (response_content_type, FALSE, error))
    return NULL;
  return storage->backend->presign (storage, "GET", key, now, ttl_seconds, response_content_type,
                                    error);
}

char *
carrete_storage_presign_put (CarreteStorage *storage, const char *key, gint64 now,
                             guint ttl_seconds, const char *content_type, GError **error)
{
  if (!check_key (key, error) || !check_ttl (ttl_seconds, error)
      || !check_content_type (content_type, TRUE, error))
    return NULL;
  return storage->backend->presign (storage, "PUT", key, now, ttl_seconds, content_type, error);
}

/* ---- Multipart uploads --------------------------------------------------------- */

#define MAX_UPLOAD_ID_BYTES 1024

void
carrete_upload_part_free (CarreteUploadPart *part)
{
  if (part == NULL)
    return;
  g_free (part->etag);
  g_free (part);
}

void
carrete_upload_info_free (CarreteUploadInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->key);
  g_free (info->upload_id);
  g_free (info);
}

gint
carrete_storage_compare_parts (gconstpointer a, gconstpointer b)
{
  const CarreteUploadPart *x = *(const CarreteUploadPart *const *)a;
  const CarreteUploadPart *y = *(const CarreteUploadPart *const *)b;

  return x->number < y->number ? -1 : x->number > y->number;
}

/* Upload ids are the store's own; they go into URLs and query strings, so
 * only printable ASCII without spaces is accepted. */
static gboolean
check_upload (const char *key, const char *upload_id, GError **error)
{
  gsize len = 0;

  if (!check_key (key, error))
    return FALSE;
  for (const char *p = upload_id; p != NULL && *p != '\0'; p++, len++)
    if ((guchar) *p <= 0x20 || (guchar) *p > 0x7e || len >= MAX_UPLOAD_ID_BYTES)
      {
        len = 0;
        break;
      }
  if (len > 0)
    return TRUE;
  g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID, "invalid upload id");
  return FALSE;
}

static gboolean
check_part_number (guint number, GError **error)
{
  if (number >= 1 && number <= CARRETE_STORAGE_MAX_PARTS)
    return TRUE;
  g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID, "part number %u is not 1 to %u", number,
               CARRETE_STORAGE_MAX_PARTS);
  return FALSE;
}

char *
carrete_storage_multipart_create (CarreteStorage *storage, const char *key,
                                  const char *content_type, GError **error)
{
  if (!check_key (key, error) || !check_content_type (content_type, FALSE, error))
    return NULL;
  return storage->backend->mp_create (storage, key, content_type, error);
}

char *
carrete_storage_multipart_upload_part (CarreteStorage *storage, const char *key,
                                       const char *upload_id, guint number, const void *data,
                                       gsize len, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (!check_upload (key, upload_id, error) || !check_part_number (number, error))
    return NULL;
  return storage->backend->mp_upload_part (storage, key, upload_id, number, data, len, cancellable,
                                           error);
}

char *
carrete_storage_multipart_presign_part (CarreteStorage *storage, const char *key,
                                        const char *upload_id, guint number, guint64 length,
                                        gint64 now, guint ttl_seconds, GError **error)
{
  if (!check_upload (key, upload_id, error) || !check_part_number (number, error)
      || !check_ttl (ttl_seconds, error))
    return NULL;
  return storage->backend->mp_presign_part (storage, key, upload_id, number, length, now,
                                            ttl_seconds, error);
}

GPtrArray *
carrete_storage_multipart_list_parts (CarreteStorage *storage, const char *key,
                                      const char *upload_id, GError **error)
{
  GPtrArray *parts;

  if (!check_upload (key, upload_id, error))
    return NULL;
  parts = storage->backend->mp_list_parts (storage, key, upload_id, error);
  if (parts != NULL)
    g_ptr_array_sort (parts, carrete_storage_compare_parts);
  return parts;
}

gboolean
carrete_storage_multipart_complete (CarreteStorage *storage, const char *key, const char *upload_id,
                                    const CarreteUploadPart *parts, guint n_parts,
                                    GCancellable *cancellable, GError **error)
{
  if (!check_upload (key, upload_id, error))
    return FALSE;
  if (n_parts == 0)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID, "no parts to assemble");
      return FALSE;
    }
  for (guint i = 0; i < n_parts; i++)
    {
      if (!check_part_number (parts[i].number, error))
        return FALSE;
      if (parts[i].etag == NULL || (i > 0 && parts[i].number <= parts[i - 1].number))
        {
          g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID,
                       "parts must be in ascending order, each with its etag");
          return FALSE;
        }
    }
  return storage->backend->mp_complete (storage, key, upload_id, parts, n_parts, cancellable,
                                        error);
}

gboolean
carrete_storage_multipart_abort (CarreteStorage *storage, const char *key, const char *upload_id,
                                 GError **error)
{
  if (!check_upload (key, upload_id, error))
    return FALSE;
  return storage->backend->mp_abort (storage, key, upload_id, error);
}

GPtrArray *
carrete_storage_multipart_list_uploads (CarreteStorage *storage, const char *prefix, GError **error)
{
  if (!carrete_storage_prefix_is_valid (prefix))
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID, "invalid key prefix");
      return NULL;
    }
  return storage->backend->mp_list_uploads (storage, prefix != NULL ? prefix : "", error);
}

/* ---- Writing an object as its bytes arrive ---------------------------------- */

struct _CarreteObjectWriter
{
  CarreteStorage *storage;
  gpointer handle; /* the backend's */
  gboolean committed;
};

CarreteObjectWriter *
carrete_object_writer_new (CarreteStorage *storage, const char *key, const char *content_type,
                           GError **error)
{
  CarreteObjectWriter *writer;
  gpointer handle;

  if (!check_key (key, error) || !check_content_type (content_type, FALSE, error))
    return NULL;
  handle = storage->backend->writer_open (storage, key, content_type, error);
  if (handle == NULL)
    return NULL;
  writer = g_new0 (CarreteObjectWriter, 1);
  writer->storage = storage;
  writer->handle = handle;
  return writer;
}

gboolean
carrete_object_writer_append (CarreteObjectWriter *writer, guint number, const void *data,
                              gsize len, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (!writer->committed, FALSE);
  g_return_val_if_fail (number >= 1 && number <= CARRETE_STORAGE_MAX_PARTS && len > 0, FALSE);

  return writer->storage->backend->writer_append (writer->storage, writer->handle, number, data,
                                                  len, cancellable, error);
}

gboolean
carrete_object_writer_commit (CarreteObjectWriter *writer, const void *data, gsize len,
                              const char *sha256_hex, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (!writer->committed, FALSE);
  g_return_val_if_fail (sha256_hex != NULL && strlen (sha256_hex) == 64, FALSE);

  writer->committed = writer->storage->backend->writer_commit (
    writer->storage, writer->handle, data, len, sha256_hex, cancellable, error);
  return writer->committed;
}

void
carrete_object_writer_free (CarreteObjectWriter *writer)
{
  if (writer == NULL)
    return;
  writer->storage->backend->writer_close (writer->storage, writer->handle, writer->committed);
  g_free (writer);
}
