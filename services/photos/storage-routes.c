#define G_LOG_DOMAIN "carrete-photos-storage-routes"

#include "storage-routes.h"

#include <string.h>

#include "app.h"
#include "carrete-error.h"
#include "carrete-op.h"
#include "upload.h"

#include <glib/gstdio.h>

#define STORAGE_PREFIX "/v1/storage/"

static PhotosApp *
app_of (CarreteRequest *req)
{
  return carrete_request_get_app (req);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Only for the fs backend; with s3 there is nothing here. */
static gboolean
serving_files (CarreteRequest *req)
{
  if (carrete_storage_get_kind (app_of (req)->storage) == CARRETE_STORAGE_FS)
    return TRUE;
  carrete_request_respond_status (req, 404, "There is nothing at this address.");
  return FALSE;
}

static gboolean
url_is_valid (CarreteRequest *req, const char *method)
{
  g_autoptr (GError) error = NULL;

  if (carrete_storage_fs_verify (app_of (req)->storage, method, carrete_request_get_param (req, "key"),
                                 carrete_request_get_query_table (req), now_seconds (), &error))
    return TRUE;
  carrete_request_respond_status (req, 403, error->message);
  return FALSE;
}

/* ---- GET ------------------------------------------------------------------------------- */

static gboolean
etag_matches (const char *if_none_match, const char *etag)
{
  g_auto (GStrv) tags = NULL;
  g_autofree char *trimmed = NULL;

  if (if_none_match == NULL || etag == NULL)
    return FALSE;
  trimmed = g_strstrip (g_strdup (if_none_match));
  if (g_str_equal (trimmed, "*"))
    return TRUE;
  tags = g_strsplit (if_none_match, ",", -1);
  for (guint i = 0; tags[i] != NULL; i++)
    {
      const char *tag = g_strstrip (tags[i]);
      if (g_str_has_prefix (tag, "W/"))
        tag += 2;
      if (g_str_equal (tag, etag))
        return TRUE;
    }
  return FALSE;
}

static char *
cache_control (CarreteRequest *req)
{
  const char *expires = carrete_request_get_query (req, "expires");
  gint64 left = expires != NULL ? g_ascii_strtoll (expires, NULL, 10) - now_seconds () : 0;

  /* The object under a key never changes; the URL stops working at its
   * expiry, so caches may keep the bytes until then. */
  return g_strdup_printf ("private, max-age=%" G_GINT64_FORMAT, MAX (left, 0));
}

/* Answers a single byte range (206), or 416 for one outside the file. */
static void
respond_range (CarreteRequest *req, GBytes *whole, const char *content_type)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (carrete_request_get_message (req));
  gsize total = g_bytes_get_size (whole);
  SoupRange *ranges = NULL;
  int n = 0;
  g_autofree char *content_range = NULL;
  g_autoptr (GBytes) part = NULL;
  goffset start, end;

  /* libsoup 3.2 hands back a range that starts past the end as
   * "start-(total-1)" instead of refusing it: that is unsatisfiable too. */
  if (!soup_message_headers_get_ranges (headers, (goffset) total, &ranges, &n) || n != 1
      || total == 0 || ranges[0].start >= (goffset) total || ranges[0].start > ranges[0].end)
    {
      g_autofree char *unsatisfied = g_strdup_printf ("bytes */%zu", total);
      if (ranges != NULL)
        soup_message_headers_free_ranges (headers, ranges);
      if (n > 1)
        {
          /* Several ranges would need multipart/byteranges: send it all. */
          carrete_request_respond_bytes (req, 200, content_type, whole);
          return;
        }
      carrete_request_set_header (req, "Content-Range", unsatisfied);
      carrete_request_respond_status (req, 416, "The range is outside the file.");
      return;
    }
  start = ranges[0].start;
  end = ranges[0].end;
  soup_message_headers_free_ranges (headers, ranges);
  content_range = g_strdup_printf ("bytes %" G_GINT64_FORMAT "-%" G_GINT64_FORMAT "/%zu", start,
                                   end, total);
  part = g_bytes_new_from_bytes (whole, (gsize) start, (gsize) (end - start + 1));
  carrete_request_set_header (req, "Content-Range", content_range);
  carrete_request_respond_bytes (req, 206, content_type, part);
}

void
photos_handle_storage_get (CarreteRequest *req)
{
  PhotosApp *app = app_of (req);
  const char *key = carrete_request_get_param (req, "key");
  const char *signed_type = carrete_request_get_query (req, "content_type");
  g_auto (CarreteObjectInfo) info = { 0 };
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *cache = NULL;
  g_autoptr (GMappedFile) file = NULL;
  g_autoptr (GBytes) bytes = NULL;
  const char *content_type;

  if (!serving_files (req) || !url_is_valid (req, "GET"))
    return;
  /* Local disk: a stat and a map are cheap enough for the main loop. */
  if (!carrete_storage_stat (app->storage, key, &info, &error))
    {
      carrete_request_respond_error (req, error);
      return;
    }
  content_type = signed_type != NULL ? signed_type
                 : info.content_type != NULL ? info.content_type : "application/octet-stream";
  cache = cache_control (req);
  carrete_request_set_header (req, "Cache-Control", cache);
  carrete_request_set_header (req, "Accept-Ranges", "bytes");
  carrete_request_set_header (req, "X-Content-Type-Options", "nosniff");
  if (info.etag != NULL)
    carrete_request_set_header (req, "ETag", info.etag);
  if (etag_matches (carrete_request_get_header (req, "If-None-Match"), info.etag))
    {
      carrete_request_respond_empty (req, 304);
      return;
    }
  path = carrete_storage_fs_path (app->storage, key);
  file = info.size > 0 ? g_mapped_file_new (path, FALSE, &error) : NULL;
  if (info.size > 0 && file == NULL)
    {
      carrete_request_respond_status (req, 404, "No such object.");
      return;
    }
  bytes = file != NULL ? g_mapped_file_get_bytes (file) : g_bytes_new_static ("", 0);
  if (carrete_request_get_header (req, "Range") != NULL)
    respond_range (req, bytes, content_type);
  else
    carrete_request_respond_bytes (req, 200, content_type, bytes);
}

/* ---- PUT ------------------------------------------------------------------------------- */

/* The key a PUT is for, from the raw path (the route has not run yet). */
static char *
key_of_message (SoupServerMessage *msg)
{
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));

  if (!g_str_has_prefix (path, STORAGE_PREFIX))
    return NULL;
  return g_uri_unescape_string (path + strlen (STORAGE_PREFIX), "/");
}

static gboolean
content_type_is_signed (const char *given, GHashTable *query)
{
  const char *signed_type = query != NULL ? g_hash_table_lookup (query, "content_type") : NULL;

  return signed_type == NULL || g_strcmp0 (given, signed_type) == 0;
}

/* A part of a resumable upload (its URL carries upload_id): only a body
 * that declares the signed length (or none, chunked) gets a spool file,
 * and it may not grow past that length. */
static gpointer
part_put_begin (PhotosApp *app, SoupServerMessage *msg, const char *key, GHashTable *query)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset declared = soup_message_headers_get_content_length (headers);
  gboolean sized = soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH;
  const char *upload_id = NULL;
  guint number = 0;
  guint64 length = 0;

  if (!carrete_storage_fs_verify_part (app->storage, key, query, now_seconds (), &upload_id,
                                       &number, &length, NULL)
      || (sized && (guint64) declared != length))
    return NULL;
  return photos_upload_new_for_message (msg, app->spool_dir, length, PHOTOS_UPLOAD_RAW, NULL);
}

static gboolean
is_part_url (GHashTable *query)
{
  return query != NULL && g_hash_table_contains (query, "upload_id");
}

/* Only a correctly signed PUT gets a spool file; anything else is read
 * and dropped, and the handler explains. */
static gpointer
storage_put_begin (gpointer app_data, SoupServerMessage *msg, GHashTable *query)
{
  PhotosApp *app = app_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autofree char *key = key_of_message (msg);

  if (carrete_storage_get_kind (app->storage) != CARRETE_STORAGE_FS || key == NULL)
    return NULL;
  if (is_part_url (query))
    return part_put_begin (app, msg, key, query);
  if (!carrete_storage_fs_verify (app->storage, "PUT", key, query, now_seconds (), NULL)
      || !content_type_is_signed (soup_message_headers_get_one (headers, "Content-Type"), query))
    return NULL;
  return photos_upload_new_for_message (msg, app->spool_dir, app->max_upload_bytes,
                                        PHOTOS_UPLOAD_RAW, NULL);
}

const CarreteBodyStream photos_storage_put_stream = {
  storage_put_begin,
  photos_upload_stream_free,
  photos_upload_stream_refusal,
};

typedef struct
{
  PhotosApp *app;
  char *key;
  char *path;
  char *content_type;
} StoredPut;

static void
stored_put_free (gpointer data)
{
  StoredPut *put = data;

  if (put->path != NULL)
    g_unlink (put->path);
  g_free (put->path);
  g_free (put->key);
  g_free (put->content_type);
  g_free (put);
}

static void
put_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  StoredPut *put = data;
  GError *error = NULL;
  gboolean ok = carrete_storage_put_file (put->app->storage, put->key, put->path, put->content_type,
                                          NULL, &error);

  carrete_op_return_ok (task, ok, error);
}

static void
on_put_stored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  StoredPut *put = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  g_auto (CarreteObjectInfo) info = { 0 };

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      carrete_request_respond_error (req, error);
      return;
    }
  if (carrete_storage_stat (put->app->storage, put->key, &info, NULL) && info.etag != NULL)
    carrete_request_set_header (req, "ETag", info.etag);
  carrete_request_respond_empty (req, 200);
}

/* ---- PUT of a part of a resumable upload --------------------------------------------- */

typedef struct
{
  PhotosApp *app;
  char *key;
  char *upload_id;
  guint number;
  char *path;
  char *etag;
} StoredPart;

static void
stored_part_free (gpointer data)
{
  StoredPart *part = data;

  if (part->path != NULL)
    g_unlink (part->path);
  g_free (part->path);
  g_free (part->key);
  g_free (part->upload_id);
  g_free (part->etag);
  g_free (part);
}

static void
put_part_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  StoredPart *part = data;
  GError *error = NULL;

  part->etag = carrete_storage_fs_put_part (part->app->storage, part->key, part->upload_id,
                                            part->number, part->path, NULL, &error);
  if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND))
    {
      g_clear_error (&error);
      error = g_error_new_literal (CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND,
                                   "This upload is gone (completed or aborted).");
    }
  carrete_op_return_ok (task, part->etag != NULL, error);
}

static void
on_part_stored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  StoredPart *part = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      carrete_request_respond_error (req, error);
      return;
    }
  carrete_request_set_header (req, "ETag", part->etag);
  carrete_request_respond_empty (req, 200);
}

/* A body of another length than the URL binds: 413 for more, 400 for
 * less. */
static void
respond_wrong_length (CarreteRequest *req, guint64 given, guint64 length)
{
  g_autofree char *detail = g_strdup_printf ("This part must be exactly %" G_GUINT64_FORMAT
                                             " bytes, not %" G_GUINT64_FORMAT ".",
                                             length, given);

  carrete_request_respond_status (req, given > length ? 413 : 400, detail);
}

static void
handle_part_put (CarreteRequest *req)
{
  PhotosApp *app = app_of (req);
  const char *key = carrete_request_get_param (req, "key");
  SoupMessageHeaders *headers
      = soup_server_message_get_request_headers (carrete_request_get_message (req));
  g_autoptr (GError) error = NULL;
  g_autoptr (GTask) task = NULL;
  const char *upload_id = NULL;
  guint number = 0;
  guint64 length = 0;
  PhotosUpload *upload;
  StoredPart *part;

  if (!carrete_storage_fs_verify_part (app->storage, key, carrete_request_get_query_table (req),
                                       now_seconds (), &upload_id, &number, &length, &error))
    {
      carrete_request_respond_status (req, 403, error->message);
      return;
    }
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
      && (guint64) soup_message_headers_get_content_length (headers) != length)
    {
      respond_wrong_length (req, (guint64) soup_message_headers_get_content_length (headers),
                            length);
      return;
    }
  upload = photos_upload_finish_request (req);
  if (upload == NULL)
    return;
  if (photos_upload_get_size (upload) != length)
    {
      respond_wrong_length (req, photos_upload_get_size (upload), length);
      return;
    }
  part = g_new0 (StoredPart, 1);
  part->app = app;
  part->key = g_strdup (key);
  part->upload_id = g_strdup (upload_id);
  part->number = number;
  part->path = photos_upload_steal_path (upload);
  /* No cancellable: the worker writes the part to the end either way. */
  task = carrete_op_new (part, stored_part_free, handle_part_put, NULL, on_part_stored, req);
  carrete_workers_run_task (app->workers, task, put_part_in_thread);
}

void
photos_handle_storage_put (CarreteRequest *req)
{
  PhotosApp *app = app_of (req);
  const char *given_type = carrete_request_get_header (req, "Content-Type");
  PhotosUpload *upload;
  g_autoptr (GTask) task = NULL;
  StoredPut *put;

  if (!serving_files (req))
    return;
  if (is_part_url (carrete_request_get_query_table (req)))
    {
      handle_part_put (req);
      return;
    }
  if (!url_is_valid (req, "PUT"))
    return;
  if (!content_type_is_signed (given_type, carrete_request_get_query_table (req)))
    {
      carrete_request_respond_status (req, 403, "The Content-Type differs from the signed one.");
      return;
    }
  upload = photos_upload_finish_request (req);
  if (upload == NULL)
    return;
  put = g_new0 (StoredPut, 1);
  put->app = app;
  put->key = g_strdup (carrete_request_get_param (req, "key"));
  put->path = photos_upload_steal_path (upload);
  put->content_type = g_strdup (given_type != NULL ? given_type : "application/octet-stream");
  /* No cancellable: the worker writes the object to the end either way. */
  task = carrete_op_new (put, stored_put_free, photos_handle_storage_put, NULL, on_put_stored, req);
  carrete_workers_run_task (app->workers, task, put_in_thread);
}
