#define G_LOG_DOMAIN "carrete-web"

#include "pages.h"

#include <string.h>

#include "carrete-error.h"
#include "carrete-json-writer.h"

#include "web-api.h"
#include "web-form.h"
#include "web-upload.h"

/* The resumable upload of upload.js, for files over its threshold: the
 * photos service's resumable upload (README, "Resumable uploads") on behalf
 * of the signed-in visitor, whose tokens are in HttpOnly cookies the script
 * cannot read.
 *
 *   POST   /upload/resumable                  {name, folder_id, content_type, size}
 *   GET    /upload/resumable/{id}             (what the store holds: a reload resumes)
 *   PUT    /upload/resumable/{id}/parts/{n}   the part's bytes → {number, etag}
 *   POST   /upload/resumable/{id}/complete    {parts: [{number, etag}]} → the photo
 *   DELETE /upload/resumable/{id}
 *
 * The parts go through here rather than from the browser to the part URLs:
 * the pages' Content-Security-Policy lets scripts connect to this origin
 * only (connect-src falls back to default-src 'self'), MinIO's URLs are on
 * another origin, and neither MinIO nor carrete-photos is configured for
 * CORS (the browser would also have to read the ETag header across
 * origins).  Each part's body is spooled to disk as POST /upload's is
 * (never held in memory), a fresh URL for it is asked from photos, and the
 * spooled bytes are PUT there.  Every change needs the page's CSRF token in
 * the X-CSRF-Token header.  Answers are JSON: the service's own, or
 * {"message"} for the page to show, with the service's status. */

#define MAX_PARTS 10000

static void
respond_message (WebCtx *ctx, guint status, const char *message)
{
  GString *text = g_string_new (NULL);
  CarreteJsonWriter writer;

  carrete_json_writer_init (&writer, text);
  carrete_json_writer_begin_object (&writer);
  carrete_json_writer_member (&writer, "message");
  carrete_json_writer_string (&writer, message);
  carrete_json_writer_end_object (&writer);
  web_ctx_respond_json (ctx, status, text);
}

static void
respond_node (WebCtx *ctx, guint status, JsonNode *node)
{
  g_autofree char *text = json_to_string (node, FALSE);

  web_ctx_respond_json (ctx, status, g_string_new (text));
}

/* The service's answer as it is, or its problem as {"message"}. */
static void
respond_result (WebCtx *ctx, WebApiResult *result)
{
  g_autofree char *over_quota = web_api_quota_message (ctx, result);

  if (over_quota != NULL)
    respond_message (ctx, 413, over_quota);
  else if (result->status == 401)
    respond_message (ctx, 401, T (ctx, "Your session has ended. Sign in again."));
  else if (result->error == NULL && result->json != NULL)
    respond_node (ctx, result->status, result->json);
  else if (result->error == NULL)
    web_ctx_respond_json (ctx, 200, g_string_new ("{}")); /* DELETE's 204 */
  else if (web_api_unavailable (result))
    respond_message (ctx, result->status == 0 ? 503 : result->status,
                     T (ctx, "Uploads are unavailable right now. Please try again in a moment."));
  else
    respond_message (
        ctx, result->status,
        web_api_problem (result,
                         T (ctx, "The upload failed: check your connection and try again.")));
}

static void
on_result (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  respond_result (ctx, result);
}

/* The visitor is signed in and, for a change, sent the page's CSRF token;
 * the {id} of the path, when there is one, can be an upload id.  Answers
 * otherwise. */
static gboolean
check_request (WebCtx *ctx, gboolean change, const char **id)
{
  if (!web_ctx_has_session (ctx))
    {
      respond_message (ctx, 401, T (ctx, "Your session has ended. Sign in again."));
      return FALSE;
    }
  if (change && !web_ctx_csrf_ok (ctx, carrete_request_get_header (ctx->req, "X-CSRF-Token")))
    {
      respond_message (ctx, 403,
                       T (ctx, "The form did not carry a valid security token, so nothing was "
                               "changed. Go back, reload the page and try again."));
      return FALSE;
    }
  if (id != NULL)
    {
      *id = carrete_request_get_param (ctx->req, "id");
      if (*id == NULL || !web_form_id_is_plausible (*id))
        {
          respond_message (ctx, 404, T (ctx, "This upload does not exist (any more)."));
          return FALSE;
        }
    }
  return TRUE;
}

static char *
upload_path (const char *id, const char *suffix)
{
  g_autofree char *escaped = g_uri_escape_string (id, NULL, FALSE);

  return g_strconcat ("/v1/photos/uploads/", escaped, suffix, NULL);
}

/* The request's JSON object, or NULL after answering 400. */
static JsonNode *
read_body (WebCtx *ctx)
{
  GBytes *body = carrete_request_get_body (ctx->req);
  g_autoptr (JsonParser) parser = json_parser_new ();
  gsize size = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &size) : NULL;

  if (data == NULL || size == 0 || !json_parser_load_from_data (parser, data, (gssize) size, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      respond_message (ctx, 400, T (ctx, "The upload arrived empty or damaged. Please try again."));
      return NULL;
    }
  return json_node_ref (json_parser_get_root (parser));
}

void
pages_resumable_create (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);
  g_autoptr (JsonNode) body = NULL;
  JsonObject *object;

  if (!check_request (ctx, TRUE, NULL) || (body = read_body (ctx)) == NULL)
    return;
  /* The service checks the members; this only asks for the resumable way. */
  object = json_node_get_object (body);
  json_object_set_boolean_member (object, "resumable", TRUE);
  web_api_call (ctx, WEB_PHOTOS, "POST", "/v1/photos/uploads", body, on_result, NULL);
}

void
pages_resumable_status (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);
  g_autofree char *path = NULL;
  const char *id;

  if (!check_request (ctx, FALSE, &id))
    return;
  path = upload_path (id, "");
  web_api_call (ctx, WEB_PHOTOS, "GET", path, NULL, on_result, NULL);
}

void
pages_resumable_complete (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *path = NULL;
  const char *id;

  if (!check_request (ctx, TRUE, &id) || (body = read_body (ctx)) == NULL)
    return;
  path = upload_path (id, "/complete");
  web_api_call (ctx, WEB_PHOTOS, "POST", path, body, on_result, NULL);
}

void
pages_resumable_abort (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);
  g_autofree char *path = NULL;
  const char *id;

  if (!check_request (ctx, TRUE, &id))
    return;
  path = upload_path (id, "");
  web_api_call (ctx, WEB_PHOTOS, "DELETE", path, NULL, on_result, NULL);
}

/* ---- one part --------------------------------------------------------------------------- */

typedef struct
{
  WebCtx *ctx;
  GBytes *bytes; /* the spooled body, mapped */
  guint number;
  SoupMessage *msg;
} PartJob;

static void
part_job_free (PartJob *job)
{
  web_ctx_unref (job->ctx);
  g_bytes_unref (job->bytes);
  g_clear_object (&job->msg);
  g_free (job);
}

static void
on_part_stored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PartJob *job = user_data;
  WebCtx *ctx = job->ctx;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) answer
      = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  guint status = answer != NULL ? soup_message_get_status (job->msg) : 0;
  const char *etag
      = answer != NULL
            ? soup_message_headers_get_one (soup_message_get_response_headers (job->msg), "ETag")
            : NULL;

  if (SOUP_STATUS_IS_SUCCESSFUL (status) && etag != NULL)
    {
      GString *text = g_string_new (NULL);
      CarreteJsonWriter writer;

      carrete_json_writer_init (&writer, text);
      carrete_json_writer_begin_object (&writer);
      carrete_json_writer_member (&writer, "number");
      carrete_json_writer_int (&writer, job->number);
      carrete_json_writer_member (&writer, "etag");
      carrete_json_writer_string (&writer, etag);
      carrete_json_writer_end_object (&writer);
      web_ctx_respond_json (ctx, 200, text);
    }
  else
    {
      g_message ("part %u of a resumable upload: %s", job->number,
                 answer == NULL ? error->message : soup_message_get_reason_phrase (job->msg));
      /* The store refused the bytes (a wrong length) or could not be
       * reached: the script tries the part again. */
      respond_message (ctx, status == 400 || status == 413 ? 400 : 502,
                       T (ctx, "The upload failed: check your connection and try again."));
    }
  part_job_free (job);
}

/* The URL of the part (photos answers one for from=to=number). */
static const char *
part_url (WebApiResult *result)
{
  JsonObject *object = web_api_object (result);
  JsonNode *parts = object != NULL ? json_object_get_member (object, "parts") : NULL;
  JsonArray *array
      = parts != NULL && JSON_NODE_HOLDS_ARRAY (parts) ? json_node_get_array (parts) : NULL;
  JsonNode *first = array != NULL && json_array_get_length (array) == 1
                        ? json_array_get_element (array, 0)
                        : NULL;

  return first != NULL && JSON_NODE_HOLDS_OBJECT (first)
             ? carrete_json_get_string (json_node_get_object (first), "url")
             : NULL;
}

static void
on_part_url (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  PartJob *job = user_data;
  const char *url = result->error == NULL ? part_url (result) : NULL;
  g_autofree char *absolute = NULL;
  GInputStream *body;

  if (result->error != NULL)
    {
      respond_result (ctx, result);
      part_job_free (job);
      return;
    }
  /* fs storage may answer a URL on the photos service's own address. */
  absolute = url != NULL && url[0] == '/' ? g_strconcat (ctx->app->photos_url, url, NULL)
                                          : g_strdup (url);
  job->msg = absolute != NULL ? soup_message_new ("PUT", absolute) : NULL;
  if (job->msg == NULL)
    {
      respond_message (ctx, 502,
                       T (ctx, "Uploads are unavailable right now. Please try again in a moment."));
      part_job_free (job);
      return;
    }
  body = g_memory_input_stream_new_from_bytes (job->bytes);
  soup_message_set_request_body (job->msg, NULL, body, (gssize) g_bytes_get_size (job->bytes));
  g_object_unref (body);
  soup_session_send_and_read_async (ctx->app->session, job->msg, G_PRIORITY_DEFAULT,
                                    carrete_request_get_cancellable (ctx->req), on_part_stored,
                                    job);
}

void
pages_resumable_part (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);
  WebUploadSpool *spool = carrete_request_get_stream (req);
  const char *number_text = carrete_request_get_param (req, "number");
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *base = NULL;
  g_autofree char *path = NULL;
  guint64 number = 0;
  const char *id;
  PartJob *job;

  if (!check_request (ctx, TRUE, &id))
    return;
  if (number_text == NULL
      || !g_ascii_string_to_unsigned (number_text, 10, 1, MAX_PARTS, &number, NULL))
    {
      respond_message (ctx, 404, T (ctx, "This upload does not exist (any more)."));
      return;
    }
  if (spool == NULL || web_upload_spool_too_large (spool))
    {
      respond_message (ctx, 413, T (ctx, "This file is too large."));
      return;
    }
  if ((bytes = web_upload_spool_map (spool, &error)) == NULL)
    {
      /* The spool's disk, not the part, failed: worth a retry. */
      if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE))
        {
          g_warning ("upload spool: %s", error->message);
          respond_message (
              ctx, 503,
              T (ctx, "Uploads are unavailable right now. Please try again in a moment."));
        }
      else
        respond_message (ctx, 400,
                         T (ctx, "The upload arrived empty or damaged. Please try again."));
      return;
    }
  job = g_new0 (PartJob, 1);
  job->ctx = web_ctx_ref (ctx);
  job->bytes = g_steal_pointer (&bytes);
  job->number = (guint) number;
  base = upload_path (id, "/parts");
  path = g_strdup_printf ("%s?from=%u&to=%u", base, job->number, job->number);
  web_api_call (ctx, WEB_PHOTOS, "POST", path, NULL, on_part_url, job);
}
