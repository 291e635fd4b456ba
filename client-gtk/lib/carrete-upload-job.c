#define G_LOG_DOMAIN "carrete-upload-job"

#include "carrete-client-private.h"
#include "carrete-upload-private.h"

/* One upload run:
 *   query info (regular, non-empty) → open → sniff the first bytes →
 *   direct:   POST /v1/photos/uploads → PUT the file to the presigned URL
 *             (streamed from disk, progress from wrote-body-data) →
 *             POST /v1/photos/{id}/complete
 *   streamed: POST /v1/photos?name=…&folder_id=… with the file as body
 * Files over carrete_upload_resumable_threshold() go the resumable way
 * instead (carrete-upload-resumable.c), as does an upload that has a record
 * of a resumable upload begun earlier (it skips the sniffing: the server
 * has the type already).
 * The direct way falls back to the streamed one when the server does not
 * offer it (404/405/501), or when the file is no image the client can name
 * (the server's verdict is then the answer).  A failure after the pending
 * photo exists deletes it before finishing: nothing is left half-made. */

typedef struct
{
  CarreteClient *client;
  gboolean use_direct;
  GFileInputStream *stream;
  guint64 size;
  gint64 mtime_us;
  const char *content_type; /* static, or NULL when unknown */
  guint8 head[16];
  char *pending_id;
  char *upload_url;
  char *upload_content_type;
  SoupMessage *msg;
  gboolean refreshed;
  char *sent_token;
  GError *failure; /* kept while the pending photo is deleted */
} Job;

static void
job_free (Job *job)
{
  g_clear_object (&job->client);
  g_clear_object (&job->stream);
  g_free (job->pending_id);
  g_free (job->upload_url);
  g_free (job->upload_content_type);
  g_clear_object (&job->msg);
  g_free (job->sent_token);
  g_clear_error (&job->failure);
  g_free (job);
}

static CarreteUpload *
job_upload (GTask *task)
{
  return g_task_get_source_object (task);
}

static GCancellable *
job_cancellable (GTask *task)
{
  return _carrete_upload_get_cancellable (job_upload (task));
}

/* "Cannot upload “name”: reason" — a problem found before sending. */
static GError *
local_error (GTask *task, const char *reason)
{
  return g_error_new (CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_LOCAL_FILE,
                      "Cannot upload “%s”: %s", carrete_upload_get_name (job_upload (task)),
                      reason);
}

/* ---- finishing ---------------------------------------------------------------------------- */

static void
on_pending_deleted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Job *job = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (!carrete_client_delete_photo_finish (CARRETE_CLIENT (source), result, &error)
      && !g_error_matches (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_NOT_FOUND))
    g_warning ("could not remove the unfinished upload %s: %s", job->pending_id, error->message);
  g_task_return_error (task, g_steal_pointer (&job->failure));
}

/* Takes `error` and the task. */
static void
job_fail (GTask *task, GError *error)
{
  Job *job = g_task_get_task_data (task);

  if (job->pending_id == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  /* Not cancellable: the cleanup must run also (above all) after a cancel. */
  job->failure = error;
  carrete_client_delete_photo_async (job->client, job->pending_id, NULL, on_pending_deleted, task);
}

static void
job_succeed (GTask *task, JsonNode *node)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CarretePhoto) photo
      = carrete_json_read_model (node, (CarreteFromJson) carrete_photo_new_from_json, &error);

  if (photo == NULL)
    {
      job_fail (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&photo), g_object_unref);
  g_object_unref (task);
}

/* ---- the body ----------------------------------------------------------------------------- */

static void
on_wrote_body_data (SoupMessage *msg, guint chunk_size, gpointer user_data)
{
  _carrete_upload_add_sent (CARRETE_UPLOAD (user_data), chunk_size);
}

/* A message whose body is the file, from its first byte. */
/* Still streamed from disk, but through a 1 MiB buffer: libsoup reads the
 * body 8 KiB at a time, and each read of a local file is a hop to a worker
 * thread and back to the UI thread (some 40,000 for a drop of 200 photos).
 * Buffered, one hop fills 1 MiB and the reads in between are served from
 * memory.  The wrapper leaves the file open for a retry or the fallback. */
#define BODY_BUFFER_BYTES (1024 * 1024)

static GInputStream *
body_stream (Job *job)
{
  g_autoptr (GInputStream) buffered =
      g_buffered_input_stream_new_sized (G_INPUT_STREAM (job->stream), BODY_BUFFER_BYTES);

  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (buffered), FALSE);
  return g_steal_pointer (&buffered);
}

static SoupMessage *
body_message (GTask *task, const char *method, const char *url, const char *content_type,
              GError **error)
{
  Job *job = g_task_get_task_data (task);
  g_autoptr (GInputStream) body = NULL;
  SoupMessage *msg;

  /* An lseek() on a local file: it does not wait for the disk. */
  if (!g_seekable_seek (G_SEEKABLE (job->stream), 0, G_SEEK_SET, job_cancellable (task), error))
    return NULL;
  msg = soup_message_new (method, url);
  if (msg == NULL)
    {
      g_set_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_PROTOCOL,
                   "The server gave an unusable upload address: %s", url);
      return NULL;
    }
  body = body_stream (job);
  soup_message_set_request_body (msg, content_type, body, (gssize) job->size);
  g_signal_connect_object (msg, "wrote-body-data", G_CALLBACK (on_wrote_body_data),
                           job_upload (task), 0);
  _carrete_upload_reset_progress (job_upload (task));
  _carrete_upload_set_state (job_upload (task), CARRETE_UPLOAD_UPLOADING);
  return msg;
}

/* ---- streamed ----------------------------------------------------------------------------- */

static void send_streamed (GTask *task);

static void
on_streamed_refreshed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!_carrete_client_refresh_finish (CARRETE_CLIENT (source), result, &error))
    job_fail (task, error);
  else
    send_streamed (task);
}

static void
on_streamed_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Job *job = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_autoptr (JsonParser) parser = json_parser_new ();
  guint status;

  if (bytes == NULL)
    {
      job_fail (task, _carrete_client_error_from_transport (error));
      return;
    }
  status = soup_message_get_status (job->msg);
  if (status == 401 && !job->refreshed)
    {
      job->refreshed = TRUE;
      _carrete_client_refresh_async (job->client, job->sent_token, job_cancellable (task),
                                     on_streamed_refreshed, task);
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      job_fail (task, _carrete_client_error_from_message (job->msg, bytes, CARRETE_RESPONSE_API));
      return;
    }
  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                   (gssize) g_bytes_get_size (bytes), NULL))
    {
      job_fail (task, g_error_new_literal (CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_NOT_CARRETE,
                                           "The server's answer to an upload is not Carrete's."));
      return;
    }
  job_succeed (task, json_parser_get_root (parser));
}

static void
send_streamed (GTask *task)
{
  Job *job = g_task_get_task_data (task);
  CarreteUpload *upload = job_upload (task);
  g_autoptr (GString) path = g_string_new ("/v1/photos");
  g_autofree char *url = NULL;
  g_autofree char *bearer = NULL;
  GError *error = NULL;

  if (_carrete_client_get_access_token (job->client) == NULL)
    {
      job_fail (task, g_error_new_literal (CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNAUTHORIZED,
                                           "You are signed out; please sign in."));
      return;
    }
  _carrete_query_append (path, "name", carrete_upload_get_name (upload));
  _carrete_query_append (path, "folder_id", carrete_upload_get_folder_id (upload));
  url = _carrete_client_build_url (job->client, path->str);
  g_clear_object (&job->msg);
  job->msg = body_message (task, "POST", url,
                           job->content_type != NULL ? job->content_type : "application/octet-stream",
                           &error);
  if (job->msg == NULL)
    {
      job_fail (task, error);
      return;
    }
  g_free (job->sent_token);
  job->sent_token = g_strdup (_carrete_client_get_access_token (job->client));
  bearer = g_strdup_printf ("Bearer %s", job->sent_token);
  soup_message_headers_replace (soup_message_get_request_headers (job->msg), "Authorization", bearer);
  soup_session_send_and_read_async (_carrete_client_get_session (job->client), job->msg,
                                    G_PRIORITY_DEFAULT, job_cancellable (task), on_streamed_sent, task);
}

/* ---- direct ------------------------------------------------------------------------------- */

static void
on_completed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  g_autoptr (JsonNode) node = _carrete_client_call_finish (CARRETE_CLIENT (source), result, &error);

  if (error != NULL)
    job_fail (task, error);
  else
    job_succeed (task, node);
}

static void
on_put (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Job *job = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  if (bytes == NULL)
    {
      job_fail (task, _carrete_client_error_from_transport (error));
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (job->msg)))
    {
      job_fail (task, _carrete_client_error_from_message (job->msg, bytes, 0));
      return;
    }
  _carrete_upload_set_state (job_upload (task), CARRETE_UPLOAD_COMPLETING);
  escaped = g_uri_escape_string (job->pending_id, NULL, FALSE);
  path = g_strdup_printf ("/v1/photos/%s/complete", escaped);
  _carrete_client_call_async (job->client, "POST", path, NULL, TRUE, job_cancellable (task),
                              on_completed, task);
}

static void
send_put (GTask *task)
{
  Job *job = g_task_get_task_data (task);
  GError *error = NULL;

  job->msg = body_message (task, "PUT", job->upload_url, job->upload_content_type, &error);
  if (job->msg == NULL)
    {
      job_fail (task, error);
      return;
    }
  /* The presigned URL carries its own signature: no bearer token. */
  soup_session_send_and_read_async (_carrete_client_get_session (job->client), job->msg,
                                    G_PRIORITY_DEFAULT, job_cancellable (task), on_put, task);
}

/* The server does not offer direct uploads (an older server, a proxy). */
static gboolean
direct_unavailable (const GError *error)
{
  guint status = carrete_client_error_get_status (error);

  return error->domain == CARRETE_CLIENT_ERROR && (status == 404 || status == 405 || status == 501);
}

static gboolean
read_created (Job *job, JsonNode *node, GError **error)
{
  JsonObject *object = _carrete_json_node_object (node, error);
  JsonNode *photo = object != NULL ? json_object_get_member (object, "photo") : NULL;
  JsonNode *headers = object != NULL ? json_object_get_member (object, "upload_headers") : NULL;
  const char *url = object != NULL ? carrete_json_get_string (object, "upload_url") : NULL;
  const char *id = photo != NULL && JSON_NODE_HOLDS_OBJECT (photo)
                       ? carrete_json_get_string (json_node_get_object (photo), "id")
                       : NULL;
  const char *type = headers != NULL && JSON_NODE_HOLDS_OBJECT (headers)
                         ? carrete_json_get_string (json_node_get_object (headers), "Content-Type")
                         : NULL;

  if (object == NULL)
    return FALSE;
  if (url == NULL || id == NULL)
    {
      g_set_error_literal (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_NOT_CARRETE,
                           "The server's answer to an upload is not Carrete's.");
      return FALSE;
    }
  job->pending_id = g_strdup (id);
  job->upload_url = g_strdup (url);
  job->upload_content_type = g_strdup (type != NULL ? type : job->content_type);
  return TRUE;
}

static void
on_upload_created (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Job *job = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (JsonNode) node = _carrete_client_call_finish (CARRETE_CLIENT (source), result, &error);

  if (error != NULL && direct_unavailable (error))
    {
      g_debug ("no direct uploads here (%s): streaming", error->message);
      g_error_free (error);
      send_streamed (task);
      return;
    }
  if (error != NULL || !read_created (job, node, &error))
    {
      job_fail (task, error);
      return;
    }
  send_put (task);
}

static void
create_upload (GTask *task)
{
  Job *job = g_task_get_task_data (task);
  CarreteUpload *upload = job_upload (task);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, carrete_upload_get_name (upload));
  if (carrete_upload_get_folder_id (upload) != NULL)
    {
      json_builder_set_member_name (builder, "folder_id");
      json_builder_add_string_value (builder, carrete_upload_get_folder_id (upload));
    }
  json_builder_set_member_name (builder, "content_type");
  json_builder_add_string_value (builder, job->content_type);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, (gint64) job->size);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  _carrete_upload_set_state (upload, CARRETE_UPLOAD_UPLOADING);
  _carrete_client_call_async (job->client, "POST", "/v1/photos/uploads", body, TRUE,
                              job_cancellable (task), on_upload_created, task);
}

/* ---- resumable --------------------------------------------------------------------------- */

static void
on_resumable_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  g_autoptr (CarretePhoto) photo
      = _carrete_upload_resumable_finish (CARRETE_UPLOAD (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    {
      g_debug ("no resumable uploads here (%s): the direct way", error->message);
      g_error_free (error);
      create_upload (task);
      return;
    }
  if (photo == NULL)
    {
      job_fail (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&photo), g_object_unref);
  g_object_unref (task);
}

static void
send_resumable (GTask *task)
{
  Job *job = g_task_get_task_data (task);

  _carrete_upload_resumable_async (job_upload (task), job->client, job->size, job->mtime_us,
                                   job->content_type, on_resumable_done, task);
}

/* ---- local checks ------------------------------------------------------------------------- */

static void
on_head_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Job *job = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  gsize n = 0;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (source), result, &n, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        job_fail (task, g_steal_pointer (&error));
      else
        job_fail (task, local_error (task, error->message));
      return;
    }
  job->content_type = carrete_sniff_image_type (job->head, n);
  if (job->use_direct && job->content_type != NULL
      && job->size > carrete_upload_resumable_threshold ())
    send_resumable (task);
  else if (job->use_direct && job->content_type != NULL)
    create_upload (task);
  else
    send_streamed (task);
}

static void
on_opened (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Job *job = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  job->stream = g_file_read_finish (G_FILE (source), result, &error);
  if (job->stream == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        job_fail (task, g_steal_pointer (&error));
      else
        job_fail (task, local_error (task, error->message));
      return;
    }
  g_input_stream_read_all_async (G_INPUT_STREAM (job->stream), job->head, sizeof job->head,
                                 G_PRIORITY_DEFAULT, job_cancellable (task), on_head_read, task);
}

static gint64
modified_us (GFileInfo *info)
{
  g_autoptr (GDateTime) modified = g_file_info_get_modification_date_time (info);

  return modified != NULL ? g_date_time_to_unix (modified) * G_USEC_PER_SEC
                                + g_date_time_get_microsecond (modified)
                          : 0;
}

static void
on_info (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Job *job = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GFileInfo) info = g_file_query_info_finish (G_FILE (source), result, &error);

  if (info == NULL && _carrete_upload_get_record (job_upload (task)) != NULL
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* A resumed upload's file is gone: the resumable run drops the upload
       * (size 0 matches no record). */
      send_resumable (task);
      return;
    }
  if (info == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        job_fail (task, g_steal_pointer (&error));
      else
        job_fail (task, local_error (task, error->message));
      return;
    }
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      job_fail (task, local_error (task, g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY
                                           ? "it is a folder, not a file."
                                           : "it is not a regular file."));
      return;
    }
  if (g_file_info_get_size (info) <= 0)
    {
      job_fail (task, local_error (task, "the file is empty."));
      return;
    }
  job->size = (guint64) g_file_info_get_size (info);
  job->mtime_us = modified_us (info);
  _carrete_upload_set_total (job_upload (task), job->size);
  if (_carrete_upload_get_record (job_upload (task)) != NULL)
    {
      send_resumable (task);
      return;
    }
  g_file_read_async (G_FILE (source), G_PRIORITY_DEFAULT, job_cancellable (task), on_opened, task);
}

void
_carrete_upload_run_async (CarreteUpload *upload, CarreteClient *client, gboolean use_direct,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (upload, _carrete_upload_get_cancellable (upload), callback, user_data);
  Job *job = g_new0 (Job, 1);

  g_task_set_source_tag (task, _carrete_upload_run_async);
  /* The run ends with the task's callback even when cancelled, after the
   * cleanup: no check_cancellable shortcut. */
  g_task_set_check_cancellable (task, FALSE);
  job->client = g_object_ref (client);
  job->use_direct = use_direct;
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_file_query_info_async (carrete_upload_get_file (upload),
                           G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE
                                                          "," G_FILE_ATTRIBUTE_TIME_MODIFIED
                                                          "," G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC,
                           G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT,
                           _carrete_upload_get_cancellable (upload), on_info, task);
}

CarretePhoto *
_carrete_upload_run_finish (CarreteUpload *upload, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, upload), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
