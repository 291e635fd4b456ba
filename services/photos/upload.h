#pragma once

#include <libsoup/soup.h>

#include "carrete-request.h"
#include "carrete-storage.h"
#include "carrete-workers.h"
#include "model.h"
#include "sniff.h"

G_BEGIN_DECLS

/* The body of a streamed upload (POST /v1/photos, and PUT of an fs
 * presigned URL) on its way to a spool file: written chunk by chunk as it
 * arrives, hashed (SHA-256) and sniffed on the way, never held in memory.
 * A raw body is the image itself; a multipart/form-data body carries it in
 * its `file` part.  The first problem (too big, malformed multipart, disk
 * full) is remembered and the rest of the body is dropped; it is reported
 * by photos_upload_finish.  Freeing the upload removes the spool file
 * unless the caller took it. */
typedef struct _PhotosUpload PhotosUpload;

typedef enum
{
  PHOTOS_UPLOAD_RAW,       /* the body is the file */
  PHOTOS_UPLOAD_FORM,      /* multipart/form-data with a `file` part */
} PhotosUploadKind;

/* `content_length` is -1 when the body is chunked.  Fails with
 * CARRETE_ERROR_TOO_LARGE (declared length over `max_bytes`) or
 * CARRETE_ERROR_BAD_REQUEST (unusable multipart Content-Type); the
 * route still has to read the body, so on failure the caller answers the
 * error once the body is in. */
PhotosUpload *photos_upload_new (const char *spool_dir, guint64 max_bytes, PhotosUploadKind kind,
                                 const char *content_type, goffset content_length);
void photos_upload_free (PhotosUpload *upload);

/* A problem known before any byte of the body (declared too large, an
 * unusable multipart Content-Type), or NULL.  Copied for the caller. */
GError *photos_upload_get_early_error (PhotosUpload *upload);

/* photos_upload_new for the request body of `msg`, with its declared
 * length (if any), consuming the body through "got-chunk". */
PhotosUpload *photos_upload_new_for_message (SoupServerMessage *msg, const char *spool_dir,
                                             guint64 max_bytes, PhotosUploadKind kind,
                                             const char *content_type);

/* The `free` and `refusal` of a CarreteBodyStream whose stream is an
 * upload. */
void photos_upload_stream_free (gpointer upload);
GError *photos_upload_stream_refusal (gpointer upload);

/* The upload of a stream route's request, finished; NULL once the
 * problem (no upload could be made, or it failed) is answered. */
PhotosUpload *photos_upload_finish_request (CarreteRequest *req);

/* For tests and the fuzzer: feed bytes directly. */
void photos_upload_feed (PhotosUpload *upload, const guint8 *data, gsize len);

/* After the whole body: FALSE with the first problem, or with
 * CARRETE_ERROR_BAD_REQUEST for an empty file. */
gboolean photos_upload_finish (PhotosUpload *upload, GError **error);

const char *photos_upload_get_path (PhotosUpload *upload);
/* The spool file now belongs to the caller, who must unlink it. */
char *photos_upload_steal_path (PhotosUpload *upload);
guint64 photos_upload_get_size (PhotosUpload *upload);
/* Before the body: the fewest bytes its file can have, from its length
 * (1 when the length is not announced); what the quota is checked with
 * before any byte is read. */
guint64 photos_upload_get_least_size (PhotosUpload *upload);
const char *photos_upload_get_sha256 (PhotosUpload *upload); /* hex, after finish */
PhotosType photos_upload_get_type (PhotosUpload *upload);    /* from the bytes */
/* Multipart only: a text field, and the file part's file name (or NULL). */
const char *photos_upload_get_field (PhotosUpload *upload, const char *name);
const char *photos_upload_get_filename (PhotosUpload *upload);

/* What every route says of a body that is no image. */
#define PHOTOS_NOT_AN_IMAGE "The file is not a JPEG, PNG, WebP, GIF or HEIC image."

/* From now on a problem with the body (over the limit, malformed, not an
 * image by its first bytes) is answered at once
 * (carrete_server_refuse_body) instead of once the whole body is in. */
void photos_upload_refuse_early (PhotosUpload *upload);

/* The caller's account and the folder (0: none) that were checked before
 * the body was read; FALSE when nothing was. */
void photos_upload_set_admitted_folder (PhotosUpload *upload, gint64 folder_id);
gboolean photos_upload_get_admitted_folder (PhotosUpload *upload, gint64 *folder_id);

/* A form's text field that decides, before the file, whether the rest of
 * the body is worth reading (the folder it goes to).  When `field` ends
 * before the file part begins, the body stops being read and `func` is
 * called (soon, from the main loop, never inside the chunk handler) with
 * the field's value; file bytes that came in the same chunk wait in
 * memory.  The check answers with photos_upload_hold_end.  A `field` after
 * the file part, or in a raw body, is not held.  `user_data` belongs to the
 * upload and is released with `notify` when the upload is freed: read it
 * during `func` only.  Call before any byte of the body. */
typedef struct _PhotosUploadHold PhotosUploadHold;
typedef void (*PhotosUploadHoldFunc) (PhotosUploadHold *hold, const char *value,
                                      gpointer user_data);
void photos_upload_hold_at_field (PhotosUpload *upload, const char *field,
                                  PhotosUploadHoldFunc func, gpointer user_data,
                                  GDestroyNotify notify);
/* The held upload, or NULL once its request is gone (the hold outlives it
 * only to be ended). */
PhotosUpload *photos_upload_hold_get_upload (PhotosUploadHold *hold);
/* Ends and frees `hold`.  With NULL the body is read on; with `refusal` the
 * request is refused at once (carrete_server_refuse_body): nothing more is
 * read and nothing of the file is stored. */
void photos_upload_hold_end (PhotosUploadHold *hold, const GError *refusal);

/* Streams the file's bytes to storage, as `<object_prefix>/original`,
 * instead of a spool file: call before any byte.  The body is paused while
 * storage is behind.  After photos_upload_finish, photos_upload_store_async
 * puts the object in place; until it succeeds, freeing the upload removes
 * what was sent, and after it the object is the caller's. */
void photos_upload_stream_to (PhotosUpload *upload, CarreteStorage *storage,
                              CarreteWorkers *workers, const char *object_prefix);
const char *photos_upload_get_object_prefix (PhotosUpload *upload);
void photos_upload_store_async (PhotosUpload *upload, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
gboolean photos_upload_store_finish (GAsyncResult *result, GError **error);

/* The `pending` row reserved at admission, before any byte is stored: it
 * names the object prefix, so a crash at any point leaves a row that the
 * sweeper of expired pending rows removes with its objects.  The upload
 * owns `row` until photos_upload_take_row; freed with the row still its
 * own (the request failed or was cut before the ingest took it), it hands
 * the row to `abandon`, which must remove it and what it names. */
typedef void (*PhotosUploadAbandonFunc) (PhotosPhoto *row, gpointer user_data);
void photos_upload_set_row (PhotosUpload *upload, PhotosPhoto *row, PhotosUploadAbandonFunc abandon,
                            gpointer user_data);
PhotosPhoto *photos_upload_take_row (PhotosUpload *upload);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhotosUpload, photos_upload_free)

G_END_DECLS
