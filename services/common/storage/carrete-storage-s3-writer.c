#define G_LOG_DOMAIN "carrete-storage"

/* The s3 backend's streaming writes: a body of one part is one PUT; a
 * longer one becomes a multipart upload, created with the first part that
 * is appended, so small objects cost one request as before.  Parts may be
 * sent at once from several threads: the lock guards the upload id and
 * the list of parts, never a request. */

#include "carrete-storage-s3-private.h"

#include "carrete-error.h"

typedef struct
{
  char *key;
  char *content_type;
  GMutex lock;
  char *upload_id; /* once the first part is sent */
  GArray *parts;   /* CarreteUploadPart at index number - 1; etag NULL: not sent */
  guint sent;      /* parts appended */
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

  g_mutex_init (&writer->lock);
  writer->key = g_strdup (key);
  writer->content_type = g_strdup (content_type);
  writer->parts = g_array_new (FALSE, TRUE, sizeof (CarreteUploadPart));
  g_array_set_clear_func (writer->parts, part_clear);
  return writer;
}

/* The upload's id, created by the first part to ask; the others wait. */
static char *
upload_id (CarreteStorage *storage, S3Writer *writer, GError **error)
{
  char *id;

  g_mutex_lock (&writer->lock);
  if (writer->upload_id == NULL)
    writer->upload_id = _carrete_s3_mp_create (storage, writer->key, writer->content_type, error);
  id = g_strdup (writer->upload_id);
  g_mutex_unlock (&writer->lock);
  return id;
}

static gboolean
send_part (CarreteStorage *storage, S3Writer *writer, guint number, const void *data, gsize len,
           GCancellable *cancellable, GError **error)
{
  g_autofree char *id = upload_id (storage, writer, error);
  char *etag;
  CarreteUploadPart *part;

  if (id == NULL)
    return FALSE;
  etag = _carrete_s3_mp_upload_part (storage, writer->key, id, number, data, len, cancellable,
                                     error);
  if (etag == NULL)
    return FALSE;
  g_mutex_lock (&writer->lock);
  if (writer->parts->len < number)
    g_array_set_size (writer->parts, number);
  part = &g_array_index (writer->parts, CarreteUploadPart, number - 1);
  g_free (part->etag);
  *part = (CarreteUploadPart){ .number = number, .size = len, .etag = etag };
  writer->sent++;
  g_mutex_unlock (&writer->lock);
  return TRUE;
}

gboolean
_carrete_s3_writer_append (CarreteStorage *storage, gpointer handle, guint number, const void *data,
                           gsize len, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (len >= CARRETE_STORAGE_MIN_PART_SIZE, FALSE);

  return send_part (storage, handle, number, data, len, cancellable, error);
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

  /* Every append returned: no lock needed. */
  if (writer->upload_id == NULL)
    return put_whole (storage, writer, data, len, sha256_hex, cancellable, error);
  g_return_val_if_fail (writer->sent == writer->parts->len, FALSE); /* no gaps */
  if (len > 0 && !send_part (storage, writer, writer->sent + 1, data, len, cancellable, error))
    return FALSE;
  return _carrete_s3_mp_assemble (storage, writer->key, writer->upload_id,
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
  g_mutex_clear (&writer->lock);
  g_free (writer);
}
