#define G_LOG_DOMAIN "carrete-photos-upload"

#include "upload.h"

#include "carrete-server.h"
#include "carrete-fd.h"
#include "carrete-source.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "carrete-error.h"
#include "carrete-sha256.h"
#include "model.h"
#include "multipart.h"
#include "upload-sink.h"

/* What a multipart body may carry beyond its file (boundaries, headers and
 * the other fields). */
#define FORM_OVERHEAD (64 * 1024)

struct _PhotosUpload
{
  char *spool_dir;
  guint64 max_bytes;
  guint64 least_file_bytes; /* what the body's length says the file has at least */
  PhotosMultipart *form;    /* NULL for a raw body */
  char *path;               /* the spool file, once created */
  int fd;
  guint64 size;
  CarreteSha256 *hash;
  char sha256[CARRETE_SHA256_HEX_LEN + 1];
  GByteArray *pending;      /* written in large blocks: fewer system calls */
  guint8 head[PHOTOS_SNIFF_BYTES];
  gsize head_len;
  GError *error;            /* the first problem; later bytes are dropped */
  gboolean finished;
  SoupServerMessage *msg; /* weak: the message owns the upload */
  gulong chunk_id;
  gboolean refuse_early; /* a problem is answered at once, not after the body */
  gboolean admitted;     /* the caller and a folder were checked before the body */
  gint64 admitted_folder_id;
  PhotosSink *sink;      /* streamed to storage instead of a spool file */
  char *object_prefix;   /* where the sink writes the original */
  gboolean sink_paused;  /* the sink asked for a pause and has not resumed */
  PhotosPhoto *row;      /* the pending row reserved at admission, until taken */
  PhotosUploadAbandonFunc abandon;
  gpointer abandon_data;
  /* Holding the body at a field (photos_upload_hold_at_field). */
  char *hold_field;
  PhotosUploadHoldFunc hold_func;
  gpointer hold_data;
  GDestroyNotify hold_notify;
  PhotosUploadHold *hold; /* under way: the body is paused */
  GByteArray *held;       /* file bytes that came meanwhile */
};

struct _PhotosUploadHold
{
  PhotosUpload *upload; /* NULL once the upload is freed */
  char *value;
};

#define WRITE_BLOCK (256 * 1024)

/* The bytes so far are of no use once the upload failed: give the disk
 * space back now rather than when the request is over. */
static void
discard_spool_file (PhotosUpload *upload)
{
  if (upload->fd >= 0)
    close (upload->fd);
  upload->fd = -1;
  if (upload->path != NULL)
    g_unlink (upload->path);
  g_clear_pointer (&upload->path, g_free);
}

static void
fail (PhotosUpload *upload, GError *error)
{
  if (upload->error == NULL)
    upload->error = error;
  else
    g_error_free (error);
  discard_spool_file (upload);
  /* What was sent is removed; later bytes are dropped. */
  g_clear_pointer (&upload->sink, photos_sink_free);
  if (upload->refuse_early && upload->msg != NULL)
    carrete_server_refuse_body (upload->msg, upload->error);
}

static gboolean
open_spool_file (PhotosUpload *upload, GError **error)
{
  g_autofree char *template = g_build_filename (upload->spool_dir, "upload-XXXXXX", NULL);

  upload->fd = g_mkstemp_full (template, O_RDWR | O_CLOEXEC, 0600);
  if (upload->fd < 0)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                   "Cannot create a spool file in %s: %s", upload->spool_dir, g_strerror (errno));
      return FALSE;
    }
  upload->path = g_steal_pointer (&template);
  return TRUE;
}

static gboolean
write_all (int fd, const guint8 *data, gsize len, GError **error)
{
  int errsv = carrete_fd_write_all (fd, data, len);

  if (errsv != 0)
    g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                 "Cannot write the upload to disk: %s", g_strerror (errsv));
  return errsv == 0;
}

static gboolean
flush_pending (PhotosUpload *upload, GError **error)
{
  gboolean ok = upload->pending->len == 0
                || write_all (upload->fd, upload->pending->data, upload->pending->len, error);

  g_byte_array_set_size (upload->pending, 0);
  return ok;
}

/* The stored original's type is what its first bytes say. */
static void
set_sink_content_type (PhotosUpload *upload)
{
  PhotosType type = photos_sniff (upload->head, upload->head_len);

  if (type != PHOTOS_TYPE_UNKNOWN)
    photos_sink_set_content_type (upload->sink, photos_type_mime (type));
}

/* Bytes of the image itself, from a raw body or the `file` part. */
static gboolean
store_file_bytes (const guint8 *data, gsize len, gpointer user_data, GError **error)
{
  PhotosUpload *upload = user_data;
  gsize head_room = sizeof upload->head - upload->head_len;

  if (upload->size + len > upload->max_bytes)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_TOO_LARGE,
                   "The file is larger than the limit of %" G_GUINT64_FORMAT " bytes.",
                   upload->max_bytes);
      return FALSE;
    }
  if (upload->sink == NULL && upload->fd < 0 && !open_spool_file (upload, error))
    return FALSE;
  memcpy (upload->head + upload->head_len, data, MIN (head_room, len));
  upload->head_len += MIN (head_room, len);
  /* The type is known from the first bytes: no need for the rest to say
   * that it is not an image. */
  if (upload->refuse_early && head_room > 0 && upload->head_len == sizeof upload->head
      && photos_sniff (upload->head, upload->head_len) == PHOTOS_TYPE_UNKNOWN)
    {
      g_set_error_literal (error, CARRETE_ERROR, CARRETE_ERROR_UNSUPPORTED, PHOTOS_NOT_AN_IMAGE);
      return FALSE;
    }
  carrete_sha256_update (upload->hash, data, len);
  upload->size += len;
  if (upload->sink != NULL)
    {
      if (head_room > 0 && upload->head_len == sizeof upload->head)
        set_sink_content_type (upload);
      if (photos_sink_write (upload->sink, data, len))
        return TRUE;
      /* The sink's own error is already the upload's. */
      g_set_error_literal (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                           "The storage could not take the upload.");
      return FALSE;
    }
  g_byte_array_append (upload->pending, data, len);
  if (upload->pending->len < WRITE_BLOCK)
    return TRUE;
  return flush_pending (upload, error);
}

static gboolean
take_file_bytes (const guint8 *data, gsize len, gpointer user_data, GError **error)
{
  PhotosUpload *upload = user_data;

  /* Nothing is stored before the hold's check allows it; the body is
   * paused, so this is the rest of one chunk at most. */
  if (upload->hold != NULL)
    {
      g_byte_array_append (upload->held, data, len);
      return TRUE;
    }
  return store_file_bytes (data, len, upload, error);
}

void
photos_upload_feed (PhotosUpload *upload, const guint8 *data, gsize len)
{
  GError *error = NULL;

  if (upload->error != NULL || upload->finished || len == 0)
    return;
  if (upload->form != NULL ? !photos_multipart_feed (upload->form, data, len, &error)
                           : !take_file_bytes (data, len, upload, &error))
    fail (upload, error);
}

static void
on_got_chunk (SoupServerMessage *msg, GBytes *chunk, gpointer user_data)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (chunk, &len);

  photos_upload_feed (user_data, data, len);
}

PhotosUpload *
photos_upload_new (const char *spool_dir, guint64 max_bytes, PhotosUploadKind kind,
                   const char *content_type, goffset content_length)
{
  PhotosUpload *upload = g_new0 (PhotosUpload, 1);
  GError *error = NULL;

  upload->spool_dir = g_strdup (spool_dir);
  upload->max_bytes = max_bytes;
  upload->fd = -1;
  upload->hash = carrete_sha256_new ();
  upload->pending = g_byte_array_sized_new (WRITE_BLOCK);
  if (kind == PHOTOS_UPLOAD_FORM)
    {
      upload->form = photos_multipart_new (content_type, take_file_bytes, upload, &error);
      if (upload->form == NULL)
        fail (upload, error);
    }
  /* A multipart body carries a little more than the file: allow for it. */
  upload->least_file_bytes = 1;
  if (content_length > 0)
    upload->least_file_bytes = kind == PHOTOS_UPLOAD_FORM
                                   ? MAX ((guint64) content_length, FORM_OVERHEAD + 1) - FORM_OVERHEAD
                                   : (guint64) content_length;
  if (content_length >= 0
      && (guint64) content_length > max_bytes + (kind == PHOTOS_UPLOAD_FORM ? FORM_OVERHEAD : 0))
    fail (upload, g_error_new (CARRETE_ERROR, CARRETE_ERROR_TOO_LARGE,
                               "The file is larger than the limit of %" G_GUINT64_FORMAT " bytes.",
                               max_bytes));
  return upload;
}

GError *
photos_upload_get_early_error (PhotosUpload *upload)
{
  return upload->error != NULL ? g_error_copy (upload->error) : NULL;
}

void
photos_upload_stream_free (gpointer upload)
{
  photos_upload_free (upload);
}

GError *
photos_upload_stream_refusal (gpointer upload)
{
  return photos_upload_get_early_error (upload);
}

PhotosUpload *
photos_upload_new_for_message (SoupServerMessage *msg, const char *spool_dir, guint64 max_bytes,
                               PhotosUploadKind kind, const char *content_type)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset length = soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
                       ? soup_message_headers_get_content_length (headers)
                       : -1;
  PhotosUpload *upload = photos_upload_new (spool_dir, max_bytes, kind, content_type, length);

  /* The message owns the upload (as object data): a strong reference back
   * would be a cycle that keeps both, and the spool file, forever. */
  upload->msg = msg;
  g_object_add_weak_pointer (G_OBJECT (msg), (gpointer *) &upload->msg);
  upload->chunk_id = g_signal_connect (msg, "got-chunk", G_CALLBACK (on_got_chunk), upload);
  return upload;
}

void
photos_upload_free (PhotosUpload *upload)
{
  if (upload == NULL)
    return;
  /* A message being finalized has dropped its handlers and cleared the
   * weak pointer already. */
  if (upload->msg != NULL)
    {
      g_clear_signal_handler (&upload->chunk_id, upload->msg);
      g_object_remove_weak_pointer (G_OBJECT (upload->msg), (gpointer *) &upload->msg);
    }
  /* A check under way ends on a hold that knows the upload is gone. */
  if (upload->hold != NULL)
    upload->hold->upload = NULL;
  g_clear_pointer (&upload->held, g_byte_array_unref);
  if (upload->hold_notify != NULL)
    upload->hold_notify (upload->hold_data);
  g_free (upload->hold_field);
  discard_spool_file (upload);
  g_clear_pointer (&upload->sink, photos_sink_free);
  /* After the sink let go: what it sent is being aborted, and the row's
   * removal deletes whatever may be at its keys. */
  if (upload->row != NULL)
    upload->abandon (g_steal_pointer (&upload->row), upload->abandon_data);
  g_free (upload->object_prefix);
  g_clear_pointer (&upload->form, photos_multipart_free);
  g_clear_pointer (&upload->hash, carrete_sha256_free);
  g_clear_pointer (&upload->pending, g_byte_array_unref);
  g_clear_error (&upload->error);
  g_free (upload->spool_dir);
  g_free (upload);
}

gboolean
photos_upload_finish (PhotosUpload *upload, GError **error)
{
  GError *form_error = NULL;

  if (upload->error == NULL && upload->form != NULL && !upload->finished
      && !photos_multipart_finish (upload->form, &form_error))
    fail (upload, form_error);
  upload->finished = TRUE;
  if (upload->error != NULL)
    {
      g_propagate_error (error, g_error_copy (upload->error));
      return FALSE;
    }
  if (upload->size == 0)
    {
      g_set_error_literal (error, CARRETE_ERROR, CARRETE_ERROR_BAD_REQUEST,
                           "The upload is empty: send the image as the request body.");
      return FALSE;
    }
  carrete_sha256_finish_hex (upload->hash, upload->sha256);
  if (upload->sink != NULL)
    {
      set_sink_content_type (upload);
      return TRUE;
    }
  if (!flush_pending (upload, error))
    {
      discard_spool_file (upload);
      return FALSE;
    }
  if (upload->fd >= 0)
    {
      close (upload->fd);
      upload->fd = -1;
    }
  return TRUE;
}

PhotosUpload *
photos_upload_finish_request (CarreteRequest *req)
{
  PhotosUpload *upload = carrete_request_get_stream (req);
  g_autoptr (GError) error = NULL;

  if (upload == NULL)
    {
      carrete_request_respond_status (req, 400, "The upload could not be read.");
      return NULL;
    }
  if (!photos_upload_finish (upload, &error))
    {
      carrete_request_respond_error (req, error);
      return NULL;
    }
  return upload;
}

const char *
photos_upload_get_path (PhotosUpload *upload)
{
  return upload->path;
}

char *
photos_upload_steal_path (PhotosUpload *upload)
{
  return g_steal_pointer (&upload->path);
}

guint64
photos_upload_get_least_size (PhotosUpload *upload)
{
  return upload->least_file_bytes;
}

guint64
photos_upload_get_size (PhotosUpload *upload)
{
  return upload->size;
}

const char *
photos_upload_get_sha256 (PhotosUpload *upload)
{
  return upload->sha256;
}

PhotosType
photos_upload_get_type (PhotosUpload *upload)
{
  return photos_sniff (upload->head, upload->head_len);
}

const char *
photos_upload_get_field (PhotosUpload *upload, const char *name)
{
  return upload->form != NULL ? photos_multipart_get_field (upload->form, name) : NULL;
}

const char *
photos_upload_get_filename (PhotosUpload *upload)
{
  return upload->form != NULL ? photos_multipart_get_filename (upload->form) : NULL;
}

void
photos_upload_set_admitted_folder (PhotosUpload *upload, gint64 folder_id)
{
  upload->admitted = TRUE;
  upload->admitted_folder_id = folder_id;
}

gboolean
photos_upload_get_admitted_folder (PhotosUpload *upload, gint64 *folder_id)
{
  *folder_id = upload->admitted_folder_id;
  return upload->admitted;
}

void
photos_upload_refuse_early (PhotosUpload *upload)
{
  upload->refuse_early = TRUE;
}

/* ---- pausing the body -------------------------------------------------------------- */

/* The body is read on when neither the sink nor a hold wants it paused.
 * Not once the handler has the request (it pauses the message itself
 * until it answers), nor after an early refusal took the connection. */
static void
read_on (PhotosUpload *upload)
{
  if (upload->msg != NULL && !upload->finished && !upload->sink_paused && upload->hold == NULL
      && !(upload->refuse_early && upload->error != NULL))
    soup_server_message_unpause (upload->msg);
}

static void
hold_free (PhotosUploadHold *hold)
{
  g_free (hold->value);
  g_free (hold);
}

/* From the main loop: the check may answer at once without running inside
 * the chunk handler that is feeding the parser. */
static gboolean
start_hold (gpointer data)
{
  PhotosUploadHold *hold = data;
  PhotosUpload *upload = hold->upload;

  if (upload == NULL)
    hold_free (hold);
  else if (upload->error != NULL)
    photos_upload_hold_end (hold, NULL); /* refused already: nothing to check */
  else
    upload->hold_func (hold, hold->value, upload->hold_data);
  return G_SOURCE_REMOVE;
}

static void
on_form_field (const char *name, const char *value, gboolean before_file, gpointer user_data)
{
  PhotosUpload *upload = user_data;
  PhotosUploadHold *hold;

  if (!before_file || upload->msg == NULL || upload->hold != NULL
      || strcmp (name, upload->hold_field) != 0)
    return;
  hold = g_new0 (PhotosUploadHold, 1);
  hold->upload = upload;
  hold->value = g_strdup (value);
  upload->hold = hold;
  upload->held = g_byte_array_new ();
  soup_server_message_pause (upload->msg);
  carrete_idle_add_on (g_main_context_get_thread_default (), start_hold, hold, NULL,
                       "photos upload hold");
}

void
photos_upload_hold_at_field (PhotosUpload *upload, const char *field, PhotosUploadHoldFunc func,
                             gpointer user_data, GDestroyNotify notify)
{
  g_return_if_fail (upload->hold_func == NULL && upload->size == 0);

  upload->hold_field = g_strdup (field);
  upload->hold_func = func;
  upload->hold_data = user_data;
  upload->hold_notify = notify;
  if (upload->form != NULL)
    photos_multipart_set_field_func (upload->form, on_form_field, upload);
}

PhotosUpload *
photos_upload_hold_get_upload (PhotosUploadHold *hold)
{
  return hold->upload;
}

void
photos_upload_hold_end (PhotosUploadHold *hold, const GError *refusal)
{
  PhotosUpload *upload = hold->upload;
  g_autoptr (GByteArray) held = NULL;
  GError *error = NULL;

  hold_free (hold);
  if (upload == NULL)
    return;
  upload->hold = NULL;
  held = g_steal_pointer (&upload->held);
  if (refusal != NULL)
    fail (upload, g_error_copy (refusal));
  else if (upload->error == NULL && held->len > 0
           && !store_file_bytes (held->data, held->len, upload, &error))
    fail (upload, error);
  /* An upload not refused early reads the rest to answer at its end. */
  read_on (upload);
}

/* ---- streaming to storage ------------------------------------------------------- */

static void
on_sink_pause (gpointer owner)
{
  PhotosUpload *upload = owner;

  upload->sink_paused = TRUE;
  if (upload->msg != NULL && !upload->finished)
    soup_server_message_pause (upload->msg);
}

static void
on_sink_resume (gpointer owner)
{
  PhotosUpload *upload = owner;

  upload->sink_paused = FALSE;
  read_on (upload);
}

static void
on_sink_failed (gpointer owner, const GError *error)
{
  PhotosUpload *upload = owner;
  GError *copy = g_error_copy (error);

  /* fail() lets go of the sink that is calling us: it holds a reference
   * of its own while it runs. */
  fail (upload, copy);
}

static const PhotosSinkFlow sink_flow = { on_sink_pause, on_sink_resume, on_sink_failed };

void
photos_upload_stream_to (PhotosUpload *upload, CarreteStorage *storage, CarreteWorkers *workers,
                         const char *object_prefix)
{
  g_autofree char *key = photos_key_original (object_prefix);

  g_return_if_fail (upload->size == 0 && upload->sink == NULL);

  upload->object_prefix = g_strdup (object_prefix);
  upload->sink = photos_sink_new (storage, workers, key,
                                  photos_sink_part_size (storage, upload->max_bytes), &sink_flow,
                                  upload);
}

const char *
photos_upload_get_object_prefix (PhotosUpload *upload)
{
  return upload->object_prefix;
}

void
photos_upload_store_async (PhotosUpload *upload, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (upload->finished && upload->error == NULL && upload->sink != NULL);

  photos_sink_commit_async (upload->sink, upload->sha256, cancellable, callback, user_data);
}

gboolean
photos_upload_store_finish (GAsyncResult *result, GError **error)
{
  return photos_sink_commit_finish (result, error);
}

void
photos_upload_set_row (PhotosUpload *upload, PhotosPhoto *row, PhotosUploadAbandonFunc abandon,
                       gpointer user_data)
{
  g_return_if_fail (upload->row == NULL && row != NULL && abandon != NULL);

  upload->row = row;
  upload->abandon = abandon;
  upload->abandon_data = user_data;
}

PhotosPhoto *
photos_upload_take_row (PhotosUpload *upload)
{
  return g_steal_pointer (&upload->row);
}
