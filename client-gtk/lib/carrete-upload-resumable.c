#define G_LOG_DOMAIN "carrete-upload-resumable"

#include "carrete-client-private.h"
#include "carrete-slice-stream.h"
#include "carrete-upload-private.h"
#include "carrete-upload-record.h"

/* The resumable way of one upload run (the contract: README, "Resumable
 * uploads"):
 *   new:     POST /v1/photos/uploads {…, resumable: true} → record written
 *   resumed: the record's file unchanged? → GET /v1/photos/uploads/{id}
 *            (the parts the store has are not sent again)
 *   then:    PUT each missing part to its URL, PARTS_IN_FLIGHT at a time,
 *            each streamed from its own file handle; URLs renewed through
 *            /parts when a batch runs out or expires (a 403 says so) →
 *            POST …/complete → record removed.
 * A failure that a later run may get past (unreachable, 5xx, signed out, or
 * the app closing: the upload's keep-on-cancel) leaves the upload on the
 * server and its record on disk; any other failure, and a cancel, DELETEs
 * the upload and removes the record: nothing is left half-made. */

#define PARTS_IN_FLIGHT 2
#define URL_BATCH 100
#define PART_ATTEMPTS 3
/* A URL that expires sooner than this is renewed before it is used (see
 * url_usable). */
#define URL_MARGIN_US (30 * G_USEC_PER_SEC)
/* As the direct upload's body (carrete-upload-job.c): fewer hops to the
 * worker thread for the file's reads. */
#define BODY_BUFFER_BYTES (1024 * 1024)

typedef struct
{
  guint number;
  guint64 offset;
  guint64 length;
  char *url;
  gint64 url_fetched_us;
  gint64 url_expires_us; /* 0: not said (a 403 will say it) */
  char *etag;            /* once the store holds the part */
  guint64 sent;          /* by the current try, taken back when it fails */
  guint attempts;
  gboolean in_flight;
} Part;

typedef struct
{
  CarreteClient *client;
  guint64 size;
  gint64 mtime_us;
  const char *content_type;
  char *dir;
  CarreteUploadRecord *record;
  GArray *parts; /* Part, index = number - 1 */
  guint in_flight;
  gboolean fetching;
  /* This run's: cancelled with the upload's, and on the first failure so
   * that the other part in flight stops too. */
  GCancellable *cancellable;
  GCancellable *upload_cancellable;
  gulong cancel_handler;
  GError *failure;
  gboolean gone; /* the server no longer has the upload */
  CarretePhoto *photo;
} Run;

typedef struct
{
  GTask *task;
  guint index;
  SoupMessage *msg;
} PartCall;

static void
part_clear (Part *part)
{
  g_free (part->url);
  g_free (part->etag);
}

static void
run_free (Run *run)
{
  g_clear_object (&run->client);
  g_free (run->dir);
  g_clear_pointer (&run->record, carrete_upload_record_free);
  g_clear_pointer (&run->parts, g_array_unref);
  g_cancellable_disconnect (run->upload_cancellable, run->cancel_handler);
  g_clear_object (&run->upload_cancellable);
  g_clear_object (&run->cancellable);
  g_clear_error (&run->failure);
  g_clear_object (&run->photo);
  g_free (run);
}

static CarreteUpload *
run_upload (GTask *task)
{
  return g_task_get_source_object (task);
}

static Part *
run_part (Run *run, guint index)
{
  return &g_array_index (run->parts, Part, index);
}

static char *
upload_path (Run *run, const char *suffix)
{
  g_autofree char *escaped = g_uri_escape_string (run->record->upload_id, NULL, FALSE);

  return g_strconcat ("/v1/photos/uploads/", escaped, suffix, NULL);
}

static void pump (GTask *task);

/* Not cancellable: a record must be written or removed whole. */
static void
record_io_async (Run *run, gboolean save, GAsyncReadyCallback callback, gpointer user_data)
{
  if (save)
    carrete_upload_record_save_async (run->record, run->dir, callback, user_data);
  else
    carrete_upload_record_remove_async (run->dir, run->record->upload_id, callback, user_data);
}

/* ---- finishing --------------------------------------------------------------------------- */

/* Whether a later run may finish what this one could not. */
static gboolean
keep_for_later (GTask *task, const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return _carrete_upload_get_keep_on_cancel (run_upload (task));
  return carrete_client_error_is_transient (error)
         || g_error_matches (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNAUTHORIZED);
}

static void
on_record_removed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (!carrete_upload_record_io_finish (result, &error))
    g_warning ("could not remove the record of upload %s: %s", run->record->upload_id,
               error->message);
  _carrete_upload_set_record (run_upload (task), NULL);
  if (run->failure != NULL)
    g_task_return_error (task, g_steal_pointer (&run->failure));
  else
    g_task_return_pointer (task, g_steal_pointer (&run->photo), g_object_unref);
}

static void
on_aborted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = _carrete_client_call_finish (CARRETE_CLIENT (source), result, &error);

  if (error != NULL
      && !g_error_matches (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_NOT_FOUND))
    g_warning ("could not abort the unfinished upload %s: %s", run->record->upload_id,
               error->message);
  record_io_async (run, FALSE, on_record_removed, task);
}

/* Ends the run with run->failure once nothing is in flight any more. */
static void
finish_failure (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  g_autofree char *path = NULL;

  if (run->record == NULL || run->record->upload_id == NULL || keep_for_later (task, run->failure))
    {
      g_task_return_error (task, g_steal_pointer (&run->failure));
      g_object_unref (task);
      return;
    }
  if (run->gone)
    {
      record_io_async (run, FALSE, on_record_removed, task);
      return;
    }
  /* Not cancellable: the cleanup must run also (above all) after a cancel. */
  path = upload_path (run, "");
  _carrete_client_call_async (run->client, "DELETE", path, NULL, TRUE, NULL, on_aborted, task);
}

/* Takes `error`; the first failure stops the run. */
static void
run_fail (GTask *task, GError *error)
{
  Run *run = g_task_get_task_data (task);

  if (run->failure == NULL)
    {
      run->failure = error;
      g_cancellable_cancel (run->cancellable);
    }
  else
    g_error_free (error);
  pump (task);
}

/* ---- complete ---------------------------------------------------------------------------- */

static void
on_completed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (JsonNode) node = _carrete_client_call_finish (CARRETE_CLIENT (source), result, &error);

  run->fetching = FALSE;
  if (error == NULL)
    run->photo
        = carrete_json_read_model (node, (CarreteFromJson) carrete_photo_new_from_json, &error);
  if (error != NULL)
    {
      run_fail (task, error);
      return;
    }
  record_io_async (run, FALSE, on_record_removed, task);
}

static void
complete (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *path = upload_path (run, "/complete");

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "parts");
  json_builder_begin_array (builder);
  for (guint i = 0; i < run->parts->len; i++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "number");
      json_builder_add_int_value (builder, run_part (run, i)->number);
      json_builder_set_member_name (builder, "etag");
      json_builder_add_string_value (builder, run_part (run, i)->etag);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  _carrete_upload_set_state (run_upload (task), CARRETE_UPLOAD_COMPLETING);
  run->fetching = TRUE; /* nothing else starts meanwhile */
  _carrete_client_call_async (run->client, "POST", path, body, TRUE, run->cancellable, on_completed,
                              task);
}

/* ---- part URLs --------------------------------------------------------------------------- */

/* {parts: [{number, url}]} into the parts, each URL valid until `expires_us`. */
static gboolean
read_urls (Run *run, JsonObject *object, gint64 expires_us, GError **error)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, "parts") : NULL;
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error_literal (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_NOT_CARRETE,
                           "The server's answer to an upload is not Carrete's.");
      return FALSE;
    }
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;
      gint64 number = carrete_json_get_int (entry, "number", 0);
      const char *url = carrete_json_get_string (entry, "url");
      Part *part;

      if (number < 1 || number > run->parts->len || url == NULL)
        continue;
      part = run_part (run, (guint) number - 1);
      g_free (part->url);
      part->url = g_strdup (url);
      part->url_fetched_us = g_get_real_time ();
      part->url_expires_us = expires_us;
    }
  return TRUE;
}

static void
on_urls (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (JsonNode) node = _carrete_client_call_finish (CARRETE_CLIENT (source), result, &error);
  JsonObject *object
      = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  g_autoptr (GDateTime) expires
      = object != NULL ? carrete_json_get_time (object, "expires_at") : NULL;

  run->fetching = FALSE;
  if (error == NULL)
    read_urls (run, object, expires != NULL ? g_date_time_to_unix (expires) * G_USEC_PER_SEC : 0,
               &error);
  if (error != NULL)
    {
      run_fail (task, error);
      return;
    }
  pump (task);
}

static void
fetch_urls (GTask *task, guint from)
{
  Run *run = g_task_get_task_data (task);
  guint to = MIN (from + URL_BATCH - 1, run->parts->len);
  g_autofree char *base = upload_path (run, "/parts");
  g_autoptr (GString) path = g_string_new (base);

  _carrete_query_append_uint (path, "from", from);
  _carrete_query_append_uint (path, "to", to);
  run->fetching = TRUE;
  _carrete_client_call_async (run->client, "POST", path->str, NULL, TRUE, run->cancellable, on_urls,
                              task);
}

/* A URL about to expire is renewed first; the margin is at most half the
 * URL's life, so that a server with short-lived URLs is not asked forever. */
static gboolean
url_usable (const Part *part)
{
  gint64 margin;

  if (part->url == NULL)
    return FALSE;
  if (part->url_expires_us == 0)
    return TRUE;
  margin = MIN (URL_MARGIN_US, (part->url_expires_us - part->url_fetched_us) / 2);
  return g_get_real_time () < part->url_expires_us - margin;
}

/* ---- parts ------------------------------------------------------------------------------- */

static void
part_call_free (PartCall *call)
{
  g_clear_object (&call->msg);
  g_free (call);
}

/* The part is no longer in flight; its bytes no longer count as sent. */
static void
part_settle (GTask *task, Part *part, gboolean sent)
{
  Run *run = g_task_get_task_data (task);

  part->in_flight = FALSE;
  run->in_flight--;
  if (!sent)
    _carrete_upload_take_back (run_upload (task), part->sent);
  part->sent = 0;
}

static void
on_part_wrote (SoupMessage *msg, guint chunk_size, gpointer user_data)
{
  PartCall *call = user_data;
  Run *run = g_task_get_task_data (call->task);

  run_part (run, call->index)->sent += chunk_size;
  _carrete_upload_add_sent (run_upload (call->task), chunk_size);
}

/* A try may go again: a refused (expired) URL — 403, or 400 from Garage,
 * which says "Date is too old" — a server error (and a connection cut
 * short, see on_part_put). */
static gboolean
part_may_retry (Part *part, guint status)
{
  return part->attempts < PART_ATTEMPTS && (status == 400 || status == 403 || status >= 500);
}

static void
on_part_put (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PartCall *call = user_data;
  g_autoptr (GTask) task = call->task;
  Run *run = g_task_get_task_data (task);
  Part *part = run_part (run, call->index);
  GError *error = NULL;
  g_autoptr (GBytes) bytes
      = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  guint status = bytes != NULL ? soup_message_get_status (call->msg) : 0;
  const char *etag
      = bytes != NULL
            ? soup_message_headers_get_one (soup_message_get_response_headers (call->msg), "ETag")
            : NULL;

  part_settle (task, part, bytes != NULL && SOUP_STATUS_IS_SUCCESSFUL (status) && etag != NULL);
  if (bytes == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      && part->attempts < PART_ATTEMPTS)
    {
      /* A store that refuses a URL may close the connection before it has
       * read the body (MinIO does, for an expired one): the client sees the
       * connection reset, not the 403.  Once more with a fresh URL. */
      g_debug ("part %u: %s, trying again with a fresh URL", part->number, error->message);
      g_clear_pointer (&part->url, g_free);
      pump (task);
    }
  else if (bytes == NULL)
    run_fail (task, _carrete_client_error_from_transport (error));
  else if (SOUP_STATUS_IS_SUCCESSFUL (status) && etag != NULL)
    {
      part->etag = g_strdup (etag);
      pump (task);
    }
  else if (SOUP_STATUS_IS_SUCCESSFUL (status))
    run_fail (task, g_error_new (CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_PROTOCOL,
                                 "The store answered part %u without an ETag.", part->number));
  else if (part_may_retry (part, status))
    {
      g_debug ("part %u: HTTP %u, trying again with a fresh URL", part->number, status);
      g_clear_pointer (&part->url, g_free);
      pump (task);
    }
  else
    run_fail (task, _carrete_client_error_from_message (call->msg, bytes, 0));
  g_clear_error (&error);
  part_call_free (call);
}

static void
on_part_opened (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PartCall *call = user_data;
  GTask *task = call->task;
  Run *run = g_task_get_task_data (task);
  Part *part = run_part (run, call->index);
  g_autoptr (GError) error = NULL;
  g_autoptr (GFileInputStream) stream = g_file_read_finish (G_FILE (source), result, &error);
  g_autoptr (GInputStream) buffered = NULL;
  g_autoptr (GInputStream) body = NULL;

  /* An lseek() on a local file: it does not wait for the disk. */
  if (stream == NULL
      || !g_seekable_seek (G_SEEKABLE (stream), (goffset) part->offset, G_SEEK_SET, NULL, &error))
    {
      part_settle (task, part, FALSE);
      run_fail (task,
                g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                    ? g_steal_pointer (&error)
                    : g_error_new (CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_LOCAL_FILE,
                                   "Cannot upload “%s”: %s",
                                   carrete_upload_get_name (run_upload (task)), error->message));
      g_object_unref (task);
      part_call_free (call);
      return;
    }
  call->msg = soup_message_new ("PUT", part->url);
  if (call->msg == NULL)
    {
      part_settle (task, part, FALSE);
      run_fail (task, g_error_new (CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_PROTOCOL,
                                   "The server gave an unusable part address: %s", part->url));
      g_object_unref (task);
      part_call_free (call);
      return;
    }
  buffered = g_buffered_input_stream_new_sized (G_INPUT_STREAM (stream), BODY_BUFFER_BYTES);
  body = carrete_slice_stream_new (buffered, part->length);
  /* The URL carries its own signature, and binds the length: no bearer. */
  soup_message_set_request_body (call->msg, NULL, body, (gssize) part->length);
  g_signal_connect (call->msg, "wrote-body-data", G_CALLBACK (on_part_wrote), call);
  soup_session_send_and_read_async (_carrete_client_get_session (run->client), call->msg,
                                    G_PRIORITY_DEFAULT, run->cancellable, on_part_put, call);
}

static void
send_part (GTask *task, Part *part)
{
  Run *run = g_task_get_task_data (task);
  PartCall *call = g_new0 (PartCall, 1);

  call->task = g_object_ref (task);
  call->index = part->number - 1;
  part->in_flight = TRUE;
  part->attempts++;
  part->sent = 0;
  run->in_flight++;
  g_file_read_async (carrete_upload_get_file (run_upload (task)), G_PRIORITY_DEFAULT,
                     run->cancellable, on_part_opened, call);
}

static Part *
next_unsent (Run *run)
{
  for (guint i = 0; i < run->parts->len; i++)
    {
      Part *part = run_part (run, i);

      if (part->etag == NULL && !part->in_flight)
        return part;
    }
  return NULL;
}

/* Starts what may start; completes once every part is in the store; ends a
 * failed run once nothing is in flight. */
static void
pump (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  Part *part;

  if (run->failure == NULL && g_cancellable_is_cancelled (run->cancellable))
    run->failure = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
  if (run->failure != NULL)
    {
      if (run->in_flight == 0 && !run->fetching)
        finish_failure (task);
      return;
    }
  while (run->in_flight < PARTS_IN_FLIGHT && !run->fetching && (part = next_unsent (run)) != NULL)
    {
      if (!url_usable (part))
        {
          fetch_urls (task, part->number);
          break;
        }
      send_part (task, part);
    }
  if (run->in_flight == 0 && !run->fetching && next_unsent (run) == NULL)
    complete (task);
}

/* ---- starting ---------------------------------------------------------------------------- */

static void
plan_parts (Run *run)
{
  run->parts = g_array_sized_new (FALSE, TRUE, sizeof (Part), run->record->part_count);
  g_array_set_clear_func (run->parts, (GDestroyNotify) part_clear);
  for (guint n = 1; n <= run->record->part_count; n++)
    {
      Part part = { .number = n };

      carrete_upload_plan_part (run->size, run->record->part_size, n, &part.offset, &part.length);
      g_array_append_val (run->parts, part);
    }
}

static void
on_record_saved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);
  GError *error = NULL;

  if (!carrete_upload_record_io_finish (result, &error))
    {
      /* Without its record the upload could not be resumed: not worth it. */
      run_fail (task, g_error_new (CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_LOCAL_FILE,
                                   "Cannot keep the state of the upload of “%s”: %s",
                                   carrete_upload_get_name (run_upload (task)), error->message));
      g_error_free (error);
      return;
    }
  _carrete_upload_set_record (run_upload (task), run->record);
  pump (task);
}

/* The created upload into run->record and the parts; FALSE for an answer
 * that is not the contract's. */
static gboolean
read_created (GTask *task, JsonNode *node, GError **error)
{
  Run *run = g_task_get_task_data (task);
  CarreteUpload *upload = run_upload (task);
  JsonObject *object = _carrete_json_node_object (node, error);
  const char *id = carrete_json_get_string (object, "upload_id");
  const char *expires_at = carrete_json_get_string (object, "expires_at");
  gint64 part_size = carrete_json_get_int (object, "part_size", 0);
  gint64 part_count = carrete_json_get_int (object, "part_count", 0);

  if (object == NULL)
    return FALSE;
  if (id == NULL || expires_at == NULL || part_size <= 0
      || carrete_upload_plan_part_count (run->size, (guint64) part_size) != part_count
      || !carrete_upload_record_id_is_safe (id))
    {
      g_set_error_literal (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_NOT_CARRETE,
                           "The server's answer to a resumable upload is not Carrete's.");
      return FALSE;
    }
  run->record = carrete_upload_record_new ();
  run->record->server
      = g_strdup (carrete_client_get_service_url (run->client, CARRETE_SERVICE_PHOTOS));
  run->record->account = g_strdup (carrete_user_get_id (carrete_client_get_user (run->client)));
  run->record->path = g_file_get_path (carrete_upload_get_file (upload));
  run->record->folder_id = g_strdup (carrete_upload_get_folder_id (upload));
  run->record->size = run->size;
  run->record->mtime_us = run->mtime_us;
  run->record->upload_id = g_strdup (id);
  run->record->part_size = (guint64) part_size;
  run->record->part_count = (guint) part_count;
  run->record->expires_at = g_strdup (expires_at);
  plan_parts (run);
  /* The first batch's expiry is not said: a 403 on a part renews it. */
  return read_urls (run, object, 0, error);
}

static void
on_created (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (JsonNode) node = _carrete_client_call_finish (CARRETE_CLIENT (source), result, &error);
  guint status = error != NULL ? carrete_client_error_get_status (error) : 0;

  if (error != NULL && error->domain == CARRETE_CLIENT_ERROR
      && (status == 404 || status == 405 || status == 501
          || g_strcmp0 (carrete_client_error_get_field (error), "resumable") == 0))
    {
      /* No resumable uploads here (an older server, which may also refuse
       * "resumable" as an unknown field): the caller goes the direct way. */
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "%s", error->message);
      g_error_free (error);
      g_object_unref (task);
      return;
    }
  if (error == NULL)
    read_created (task, node, &error);
  if (error != NULL)
    {
      run_fail (task, error);
      return;
    }
  record_io_async (run, TRUE, on_record_saved, task);
}

static void
create (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  CarreteUpload *upload = run_upload (task);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, carrete_upload_get_name (upload));
  json_builder_set_member_name (builder, "folder_id");
  if (carrete_upload_get_folder_id (upload) != NULL)
    json_builder_add_string_value (builder, carrete_upload_get_folder_id (upload));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "content_type");
  json_builder_add_string_value (builder, run->content_type);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, (gint64) run->size);
  json_builder_set_member_name (builder, "resumable");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  _carrete_upload_set_state (upload, CARRETE_UPLOAD_UPLOADING);
  _carrete_client_call_async (run->client, "POST", "/v1/photos/uploads", body, TRUE,
                              run->cancellable, on_created, task);
}

/* The parts the store already holds (of the right size) are not sent again. */
static void
read_received (GTask *task, JsonObject *object)
{
  Run *run = g_task_get_task_data (task);
  JsonNode *node = json_object_get_member (object, "parts_received");
  JsonArray *array
      = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;
      gint64 number = carrete_json_get_int (entry, "number", 0);
      gint64 size = carrete_json_get_int (entry, "size", -1);
      const char *etag = carrete_json_get_string (entry, "etag");
      Part *part;

      if (number < 1 || number > run->parts->len || etag == NULL)
        continue;
      part = run_part (run, (guint) number - 1);
      if (part->etag != NULL || size != (gint64) part->length)
        continue;
      part->etag = g_strdup (etag);
      _carrete_upload_add_sent (run_upload (task), part->length);
    }
}

static void
on_status (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (JsonNode) node = _carrete_client_call_finish (CARRETE_CLIENT (source), result, &error);
  JsonObject *object = error == NULL ? _carrete_json_node_object (node, &error) : NULL;

  if (g_error_matches (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_NOT_FOUND))
    {
      run->gone = TRUE;
      g_clear_error (&error);
      error = g_error_new (CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_NOT_FOUND,
                           "The unfinished upload of “%s” expired on the server; it was dropped.",
                           carrete_upload_get_name (run_upload (task)));
    }
  if (error != NULL)
    {
      run_fail (task, error);
      return;
    }
  read_received (task, object);
  pump (task);
}

static void
resume (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  g_autofree char *path = NULL;

  if (!carrete_upload_record_matches_file (run->record, run->size, run->mtime_us))
    {
      run_fail (task,
                g_error_new (
                    CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_LOCAL_FILE,
                    run->size == 0
                        ? "“%s” can no longer be read; its unfinished upload was dropped."
                        : "“%s” changed since its upload began; its unfinished upload was dropped.",
                    carrete_upload_get_name (run_upload (task))));
      return;
    }
  plan_parts (run);
  path = upload_path (run, "");
  _carrete_upload_set_state (run_upload (task), CARRETE_UPLOAD_UPLOADING);
  _carrete_client_call_async (run->client, "GET", path, NULL, TRUE, run->cancellable, on_status,
                              task);
}

static void
on_upload_cancelled (GCancellable *upload_cancellable, GCancellable *run_cancellable)
{
  g_cancellable_cancel (run_cancellable);
}

void
_carrete_upload_resumable_async (CarreteUpload *upload, CarreteClient *client, guint64 size,
                                 gint64 mtime_us, const char *content_type,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  GCancellable *upload_cancellable = _carrete_upload_get_cancellable (upload);
  GTask *task = g_task_new (upload, upload_cancellable, callback, user_data);
  Run *run = g_new0 (Run, 1);
  const CarreteUploadRecord *record = _carrete_upload_get_record (upload);

  g_task_set_source_tag (task, _carrete_upload_resumable_async);
  /* The run ends with its callback even when cancelled, after the cleanup. */
  g_task_set_check_cancellable (task, FALSE);
  run->client = g_object_ref (client);
  run->size = size;
  run->mtime_us = mtime_us;
  run->content_type = content_type;
  run->dir = carrete_upload_record_dir ();
  run->record = record != NULL ? carrete_upload_record_copy (record) : NULL;
  run->cancellable = g_cancellable_new ();
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);
  run->upload_cancellable = g_object_ref (upload_cancellable);
  run->cancel_handler = g_cancellable_connect (upload_cancellable, G_CALLBACK (on_upload_cancelled),
                                               g_object_ref (run->cancellable), g_object_unref);
  if (run->record != NULL)
    resume (task);
  else
    create (task);
}

CarretePhoto *
_carrete_upload_resumable_finish (CarreteUpload *upload, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, upload), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
