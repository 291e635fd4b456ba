#define G_LOG_DOMAIN "carrete-storage-s3"

/* The s3 backend's multipart uploads: CreateMultipartUpload, UploadPart
 * (from memory, or presigned for a client with its Content-Length signed),
 * ListParts, CompleteMultipartUpload, AbortMultipartUpload and
 * ListMultipartUploads, made of the requests of
 * carrete-storage-s3-request.c. */

#include <string.h>

#include "carrete-error.h"
#include "carrete-sha256.h"
#include "carrete-storage-s3-private.h"

#define SHA256_HEX (CARRETE_SHA256_HEX_LEN + 1)

static const S3Request request_defaults = { .upload_fd = -1, .download_fd = -1 };

/* ---- Requests ----------------------------------------------------------------------- */

static gboolean
run (S3Storage *s3, S3Request *request, S3Response *response, const char *what, GError **error)
{
  if (!_carrete_s3_perform (s3, request, response, error))
    return FALSE;
  if (status_is_success (response->status))
    return TRUE;
  return _carrete_s3_status_error (s3, response, what, error);
}

char *
_carrete_s3_mp_create (CarreteStorage *storage, const char *key, const char *content_type,
                       GError **error)
{
  S3Storage *s3 = s3_of (storage);
  const CarreteSigv4Pair query[] = { { "uploads", "" } };
  S3Request request = request_defaults;
  g_auto (S3Response) response = { 0 };
  g_auto (S3Records) r = { 0 };
  const char *id;

  request.method = "POST";
  request.key = key;
  request.query = query;
  request.n_query = G_N_ELEMENTS (query);
  request.content_type = content_type;
  request.upload_data = "";
  if (!run (s3, &request, &response, key, error)
      || !_carrete_s3_records_parse (response.body, "-", &r, error))
    return NULL;
  id = g_hash_table_lookup (r.top, "UploadId");
  if (id == NULL || *id == '\0')
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "S3: no UploadId in the answer");
      return NULL;
    }
  return g_strdup (id);
}

char *
_carrete_s3_mp_upload_part (CarreteStorage *storage, const char *key, const char *upload_id,
                            guint number, const void *data, gsize len, GCancellable *cancellable,
                            GError **error)
{
  S3Storage *s3 = s3_of (storage);
  g_autofree char *number_text = g_strdup_printf ("%u", number);
  const CarreteSigv4Pair query[] = { { "partNumber", number_text }, { "uploadId", upload_id } };
  S3Request request = request_defaults;
  g_auto (S3Response) response = { 0 };
  char hash[SHA256_HEX];

  carrete_sha256_hex (data, len, hash);
  request.method = "PUT";
  request.key = key;
  request.query = query;
  request.n_query = G_N_ELEMENTS (query);
  request.upload_data = data != NULL ? data : "";
  request.upload_size = len;
  request.payload_hash = hash;
  request.long_transfer = TRUE;
  request.cancellable = cancellable;
  if (!run (s3, &request, &response, key, error))
    return NULL;
  if (response.etag == NULL)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "S3: no ETag for part %u", number);
      return NULL;
    }
  return g_steal_pointer (&response.etag);
}

char *
_carrete_s3_mp_presign_part (CarreteStorage *storage, const char *key, const char *upload_id,
                             guint number, guint64 length, gint64 now, guint ttl_seconds,
                             GError **error)
{
  S3Storage *s3 = s3_of (storage);
  const CarreteSigv4Credentials credentials = credentials_of (s3);
  g_autofree char *number_text = g_strdup_printf ("%u", number);
  g_autofree char *length_text = g_strdup_printf ("%" G_GUINT64_FORMAT, length);
  const CarreteSigv4Pair query[] = { { "partNumber", number_text }, { "uploadId", upload_id } };
  /* Signed, so S3 refuses a body of any other length. */
  const CarreteSigv4Pair headers[] = { { "Content-Length", length_text } };
  g_autofree char *path = request_path (s3, key);

  return carrete_sigv4_presign_with_query (&credentials, "PUT", s3->public_origin, path, query,
                                           G_N_ELEMENTS (query), ttl_seconds, now, headers,
                                           G_N_ELEMENTS (headers), error);
}

/* A number S3 wrote; FALSE for anything else. */
static gboolean
parse_number (const char *text, guint64 max, guint64 *value)
{
  guint64 v = 0;

  return text != NULL && g_ascii_string_to_unsigned (text, 10, 0, max, &v, NULL)
         && (*value = v, TRUE);
}

static gboolean
add_part (GPtrArray *parts, GHashTable *record, GError **error)
{
  const char *etag = g_hash_table_lookup (record, "ETag");
  guint64 number = 0, size = 0;
  CarreteUploadPart *part;

  if (!parse_number (g_hash_table_lookup (record, "PartNumber"), CARRETE_STORAGE_MAX_PARTS, &number)
      || !parse_number (g_hash_table_lookup (record, "Size"), G_MAXUINT64, &size) || etag == NULL)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "S3: unreadable part listing");
      return FALSE;
    }
  part = g_new0 (CarreteUploadPart, 1);
  part->number = (guint) number;
  part->size = size;
  part->etag = etag[0] == '"' ? g_strdup (etag) : g_strdup_printf ("\"%s\"", etag);
  g_ptr_array_add (parts, part);
  return TRUE;
}

/* The value of a truncated listing's next marker; NULL when it is the last
 * page (or says truncated without a marker, which would loop). */
static char *
next_marker (S3Records *r, const char *name, GError **error)
{
  const char *marker = g_hash_table_lookup (r->top, name);

  if (g_strcmp0 (g_hash_table_lookup (r->top, "IsTruncated"), "true") != 0)
    return NULL;
  if (marker == NULL || *marker == '\0')
    g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "S3: truncated listing without %s",
                 name);
  return marker != NULL && *marker != '\0' ? g_strdup (marker) : NULL;
}

static gboolean
list_parts_page (S3Storage *s3, const char *key, const char *upload_id, char **marker,
                 GPtrArray *parts, GError **error)
{
  const CarreteSigv4Pair query[] = {
    { "uploadId", upload_id },
    { "part-number-marker", *marker },
  };
  S3Request request = request_defaults;
  g_auto (S3Response) response = { 0 };
  g_auto (S3Records) r = { 0 };
  GError *local = NULL;

  request.method = "GET";
  request.key = key;
  request.query = query;
  request.n_query = *marker != NULL ? 2 : 1;
  if (!run (s3, &request, &response, key, error)
      || !_carrete_s3_records_parse (response.body, "Part", &r, error))
    return FALSE;
  for (guint i = 0; i < r.records->len; i++)
    if (!add_part (parts, r.records->pdata[i], error))
      return FALSE;
  g_clear_pointer (marker, g_free);
  *marker = next_marker (&r, "NextPartNumberMarker", &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  return TRUE;
}

GPtrArray *
_carrete_s3_mp_list_parts (CarreteStorage *storage, const char *key, const char *upload_id,
                           GError **error)
{
  S3Storage *s3 = s3_of (storage);
  g_autoptr (GPtrArray) parts
      = g_ptr_array_new_with_free_func ((GDestroyNotify) carrete_upload_part_free);
  g_autofree char *marker = NULL;

  do
    {
      if (!list_parts_page (s3, key, upload_id, &marker, parts, error))
        return NULL;
    }
  while (marker != NULL);
  return g_steal_pointer (&parts);
}

static char *
complete_body (const CarreteUploadPart *parts, guint n_parts)
{
  GString *body = g_string_new ("<CompleteMultipartUpload>");

  for (guint i = 0; i < n_parts; i++)
    {
      g_autofree char *etag = g_markup_escape_text (parts[i].etag, -1);

      g_string_append_printf (body, "<Part><PartNumber>%u</PartNumber><ETag>%s</ETag></Part>",
                              parts[i].number, etag);
    }
  g_string_append (body, "</CompleteMultipartUpload>");
  return g_string_free (body, FALSE);
}

/* Parts that do not fit are the client's mistake, not an outage. */
static gboolean
is_part_error (const char *code)
{
  return g_strcmp0 (code, "InvalidPart") == 0 || g_strcmp0 (code, "InvalidPartOrder") == 0
         || g_strcmp0 (code, "EntityTooSmall") == 0;
}

/* CompleteMultipartUpload may answer 200 and report its failure in the
 * body, so the body is read whatever the status. */
static gboolean
complete_answer (S3Storage *s3, const char *key, const S3Response *response, GError **error)
{
  g_auto (S3Records) fields = { 0 };

  if (response->body->len > 0)
    _carrete_s3_records_parse (response->body, NULL, &fields, NULL);
  if (status_is_success (response->status) && s3_error_code (&fields) == NULL)
    return TRUE;
  if (is_part_error (s3_error_code (&fields)))
    {
      g_set_error (
          error, CARRETE_ERROR, CARRETE_ERROR_INVALID, "S3: %s: %s", s3_error_code (&fields),
          s3_error_message (&fields) != NULL ? s3_error_message (&fields) : "the parts do not fit");
      return FALSE;
    }
  if (status_is_success (response->status))
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE, "S3: completing %s: %s", key,
                   s3_error_code (&fields));
      return FALSE;
    }
  return _carrete_s3_status_error (s3, response, key, error);
}

/* Server differences: versitygw (posix backend, v1.8.0) makes
 * CompleteMultipartUpload idempotent: once an upload is completed, another
 * complete of it answers 200 as long as an object is at the key, where
 * MinIO answers NoSuchUpload.  The contract is NOT_FOUND for a completed
 * upload (a complete is claimed once, by the photos service's row), so the
 * upload must still be open: a one-part listing of it says so, on every
 * server (one small GET more per complete; the object writer, whose upload
 * nobody else can complete, skips it).  The README's
 * "Storage servers tested" lists this. */
static gboolean
upload_is_open (S3Storage *s3, const char *key, const char *upload_id, GCancellable *cancellable,
                GError **error)
{
  const CarreteSigv4Pair query[] = { { "max-parts", "1" }, { "uploadId", upload_id } };
  S3Request request = request_defaults;
  g_auto (S3Response) response = { 0 };

  request.method = "GET";
  request.key = key;
  request.query = query;
  request.n_query = G_N_ELEMENTS (query);
  request.cancellable = cancellable;
  return run (s3, &request, &response, key, error);
}

gboolean
_carrete_s3_mp_assemble (CarreteStorage *storage, const char *key, const char *upload_id,
                         const CarreteUploadPart *parts, guint n_parts, GCancellable *cancellable,
                         GError **error)
{
  S3Storage *s3 = s3_of (storage);
  const CarreteSigv4Pair query[] = { { "uploadId", upload_id } };
  g_autofree char *body = complete_body (parts, n_parts);
  char hash[SHA256_HEX];
  S3Request request = request_defaults;
  g_auto (S3Response) response = { 0 };

  carrete_sha256_hex (body, strlen (body), hash);
  request.method = "POST";
  request.key = key;
  request.query = query;
  request.n_query = G_N_ELEMENTS (query);
  request.content_type = "application/xml";
  request.upload_data = body;
  request.upload_size = strlen (body);
  request.payload_hash = hash;
  /* Assembling a big object takes S3 a while: no total limit. */
  request.long_transfer = TRUE;
  request.cancellable = cancellable;
  if (!_carrete_s3_perform (s3, &request, &response, error))
    return FALSE;
  return complete_answer (s3, key, &response, error);
}

gboolean
_carrete_s3_mp_complete (CarreteStorage *storage, const char *key, const char *upload_id,
                         const CarreteUploadPart *parts, guint n_parts, GCancellable *cancellable,
                         GError **error)
{
  return upload_is_open (s3_of (storage), key, upload_id, cancellable, error)
         && _carrete_s3_mp_assemble (storage, key, upload_id, parts, n_parts, cancellable, error);
}

gboolean
_carrete_s3_mp_abort (CarreteStorage *storage, const char *key, const char *upload_id,
                      GError **error)
{
  S3Storage *s3 = s3_of (storage);
  const CarreteSigv4Pair query[] = { { "uploadId", upload_id } };
  S3Request request = request_defaults;
  g_auto (S3Response) response = { 0 };

  request.method = "DELETE";
  request.key = key;
  request.query = query;
  request.n_query = G_N_ELEMENTS (query);
  if (!_carrete_s3_perform (s3, &request, &response, error))
    return FALSE;
  /* NoSuchUpload: already completed or aborted (aborts are retried). */
  return _carrete_s3_removed (s3, &response, key, error);
}

static gboolean
add_upload (GPtrArray *uploads, GHashTable *record)
{
  const char *key = g_hash_table_lookup (record, "Key");
  const char *id = g_hash_table_lookup (record, "UploadId");
  const char *initiated = g_hash_table_lookup (record, "Initiated");
  g_autoptr (GDateTime) when
      = initiated != NULL ? g_date_time_new_from_iso8601 (initiated, NULL) : NULL;
  CarreteUploadInfo *info;

  if (key == NULL || id == NULL || !carrete_storage_key_is_valid (key))
    return FALSE;
  info = g_new0 (CarreteUploadInfo, 1);
  info->key = g_strdup (key);
  info->upload_id = g_strdup (id);
  info->initiated = when != NULL ? g_date_time_to_unix (when) : 0;
  g_ptr_array_add (uploads, info);
  return TRUE;
}

static gboolean
list_uploads_page (S3Storage *s3, const char *prefix, char **key_marker, char **id_marker,
                   GPtrArray *uploads, GError **error)
{
  const CarreteSigv4Pair query[] = {
    { "uploads", "" },
    { "prefix", prefix },
    { "key-marker", *key_marker },
    { "upload-id-marker", *id_marker },
  };
  S3Request request = request_defaults;
  g_auto (S3Response) response = { 0 };
  g_auto (S3Records) r = { 0 };
  GError *local = NULL;

  request.method = "GET";
  request.query = query;
  request.n_query = *key_marker != NULL ? 4 : 2;
  if (!run (s3, &request, &response, "listing uploads", error)
      || !_carrete_s3_records_parse (response.body, "Upload", &r, error))
    return FALSE;
  for (guint i = 0; i < r.records->len; i++)
    add_upload (uploads, r.records->pdata[i]);
  g_clear_pointer (key_marker, g_free);
  g_clear_pointer (id_marker, g_free);
  *key_marker = next_marker (&r, "NextKeyMarker", &local);
  if (*key_marker != NULL)
    {
      const char *id = g_hash_table_lookup (r.top, "NextUploadIdMarker");
      *id_marker = g_strdup (id != NULL ? id : "");
    }
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  return TRUE;
}

GPtrArray *
_carrete_s3_mp_list_uploads (CarreteStorage *storage, const char *prefix, GError **error)
{
  S3Storage *s3 = s3_of (storage);
  g_autoptr (GPtrArray) uploads
      = g_ptr_array_new_with_free_func ((GDestroyNotify) carrete_upload_info_free);
  g_autofree char *key_marker = NULL;
  g_autofree char *id_marker = NULL;

  do
    {
      if (!list_uploads_page (s3, prefix, &key_marker, &id_marker, uploads, error))
        return NULL;
    }
  while (key_marker != NULL);
  return g_steal_pointer (&uploads);
}
