#define G_LOG_DOMAIN "carrete-storage"

/* The s3 backend's streaming writes: a body of one part is one PUT; a
 * longer one becomes a multipart upload, created with its first part, so
 * small objects cost one request as before. */

#include "carrete-storage-s3-private.h"

#include "carrete-error.h"

typedef struct
{
  char *key;
  char *content_type;
  char *upload_id; /* once the first part is sent */
  GArray *parts;   /* CarreteUploadPart, numbered from 1 */
} S3Writer;

static void
part_clear (gpointer data)
{
  CarreteUploadPart *part = data;

  g_free (part->etag);
}

gpointer
_carrete_s3_writer_open (CarreteStorage *storage, const char *key, const char *content_type,
                         GError **error)
{
  S3Writer *writer = g_new0 (S3Writer, 1);

  writer->key = g_strdup (key);
  writer->content_type = g_strdup (content_type);
  writer->parts = g_array_new (FALSE, TRUE, sizeof (CarreteUploadPart));
  g_array_set_clear_func (writer->parts, part_clear);
  return writer;
}

static gboolean
send_part (CarreteStorage *storage, S3Writer *writer, const void *data, gsize len,
           GCancellable *cancellable, GError **error)
{
  CarreteUploadPart part = { .number = writer->parts->len + 1, .size = len };

  if (writer->upload_id == NULL)
    {
      writer->upload_id
          = _carrete_s3_mp_create (storage, writer->key, writer->content_type, error);
      if (writer->upload_id == NULL)
        return FALSE;
    }
  part.etag = _carrete_s3_mp_upload_part (storage, writer->key, writer->upload_id, part.number,
                                          data, len, cancellable, error);
  if (part.etag == NULL)
    return FALSE;
  g_array_append_val (writer->parts, part);
  return TRUE;
}

gboolean
_carrete_s3_writer_append (CarreteStorage *storage, gpointer handle, const void *data, gsize len,
                           GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (len >= CARRETE_STORAGE_MIN_PART_SIZE, FALSE);

  return send_part (storage, handle, data, len, cancellable, error);
}

/* The whole object in one request; `sha256_hex` signs the payload. */
static gboolean
put_whole (CarreteStorage *storage, S3Writer *writer, const void *data, gsize len,
           const char *sha256_hex, GCancellable *cancellable, GError **error)
{
  S3Storage *s3 = s3_of (storage);
  S3Request request = { .upload_fd = -1, .download_fd = -1 };
  g_auto (S3Response) response = { 0 };

  request.method = "PUT";
  request.key = writer->key;
  request.content_type = writer->content_type;
  request.upload_data = data != NULL ? data : "";
  request.upload_size = len;
  request.payload_hash = sha256_hex;
  request.long_transfer = TRUE;
  request.cancellable = cancellable;
  if (!_carrete_s3_perform (s3, &request, &response, error))
    return FALSE;
  if (status_is_success (response.status))
    return TRUE;
  return _carrete_s3_status_error (s3, &response, writer->key, error);
}

gboolean
_carrete_s3_writer_commit (CarreteStorage *storage, gpointer handle, const void *data, gsize len,
                           const char *sha256_hex, GCancellable *cancellable, GError **error)
{
  S3Writer *writer = handle;

  if (writer->upload_id == NULL)
    return put_whole (storage, writer, data, len, sha256_hex, cancellable, error);
  if (len > 0 && !send_part (storage, writer, data, len, cancellable, error))
    return FALSE;
  return _carrete_s3_mp_complete (storage, writer->key, writer->upload_id,
                                  (const CarreteUploadPart *) (gpointer) writer->parts->data,
                                  writer->parts->len, cancellable, error);
}

void
_carrete_s3_writer_close (CarreteStorage *storage, gpointer handle, gboolean committed)
{
  S3Writer *writer = handle;
  g_autoptr (GError) error = NULL;

  /* Parts of an abandoned upload cost storage until they are aborted. */
  if (!committed && writer->upload_id != NULL
      && !_carrete_s3_mp_abort (storage, writer->key, writer->upload_id, &error))
    g_warning ("could not abort the upload of %s (the store's own expiry of unfinished "
               "uploads will): %s",
               writer->key, error->message);
  g_free (writer->key);
  g_free (writer->content_type);
  g_free (writer->upload_id);
  g_array_unref (writer->parts);
  g_free (writer);
}
