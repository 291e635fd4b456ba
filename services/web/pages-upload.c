#define G_LOG_DOMAIN "carrete-web"

#include "pages.h"

#include <string.h>

#include "carrete-error.h"

#include "web-api.h"
#include "web-form.h"
#include "web-html.h"
#include "web-layout.h"
#include "web-upload.h"
#include "web-widgets.h"

/* ---- the form ---------------------------------------------------------------------- */

typedef struct
{
  char *folder_id;
  char *error;
  guint status;
  CarreteFolderPage *folders; /* NULL when folders could not be listed */
  gboolean folders_unavailable;
} UploadForm;

static void
upload_form_free (UploadForm *form)
{
  g_free (form->folder_id);
  g_free (form->error);
  g_clear_pointer (&form->folders, carrete_folder_page_free);
  g_free (form);
}

/* How full the account is, above the form: a bar when it has a quota. */
static void
render_usage (WebCtx *ctx, GString *html, CarreteUser *me)
{
  gint64 quota = me != NULL ? carrete_user_get_quota_bytes (me) : -1;
  gint64 usage = me != NULL ? carrete_user_get_usage_bytes (me) : -1;
  g_autofree char *used = NULL;
  g_autofree char *limit = NULL;

  if (quota < 0 || usage < 0)
    return;
  used = g_format_size ((guint64) usage);
  if (quota == 0)
    {
      web_append (html, "<p id=\"usage\" class=\"usage\">%s %s</p>\n", T (ctx, "Storage used:"), used);
      return;
    }
  limit = g_format_size ((guint64) quota);
  web_append (html, "<p id=\"usage\" class=\"usage%s\"><label for=\"usage-bar\">%s %s / %s</label>"
              "<progress id=\"usage-bar\" max=\"%" G_GINT64_FORMAT "\" value=\"%" G_GINT64_FORMAT "\">"
              "</progress></p>\n",
              usage >= quota ? " usage-full" : "", T (ctx, "Storage used:"), used, limit, quota,
              MIN (usage, quota));
  if (usage >= quota)
    web_widgets_alert (html, T (ctx, "Your storage is full: delete photos, or ask an administrator for more room."));
}

static void
render_upload_form (WebCtx *ctx, GString *html, GPtrArray *folders, const char *folder_id)
{
  g_autofree char *limit = g_format_size (ctx->app->max_upload_bytes);

  /* data-*: the words upload.js shows, translated here. */
  web_append (html, "<form id=\"upload-form\" method=\"post\" action=\"/upload\" enctype=\"multipart/form-data\" class=\"card\""
              " data-done=\"%s\" data-failed=\"%s\" data-resume-ask=\"%s\" data-resumed=\"%s\" data-retrying=\"%s\""
              " data-resumable-bytes=\"%" G_GUINT64_FORMAT "\">"
              "<div id=\"drop-zone\" class=\"drop-zone\"><label for=\"file\">%s</label>"
              "<input id=\"file\" name=\"file\" type=\"file\" multiple accept=\"image/*\" required>"
              "<p class=\"hint\">%s %s</p></div>"
              "<label for=\"upload-folder\">%s</label><select id=\"upload-folder\" name=\"folder_id\">",
              T (ctx, "Uploaded: open it"), T (ctx, "The upload failed: check your connection and try again."),
              T (ctx, "An upload of {name} was interrupted. Resume it? (Cancel starts it again from the beginning.)"),
              T (ctx, "Resuming: the parts already sent are not sent again."),
              T (ctx, "The connection failed; trying again."), ctx->app->resumable_bytes,
              T (ctx, "Choose photos, or drop them here"),
              T (ctx, "JPEG, PNG, WebP, GIF or HEIC; each file up to"), limit, T (ctx, "Folder"));
  web_widgets_folder_options (ctx, html, folders, folder_id, TRUE);
  g_string_append (html, "</select>");
  web_layout_csrf_field (ctx, html);
  web_append (html, "<button type=\"submit\" class=\"btn btn-primary\">%s</button></form>"
              "<ul id=\"upload-queue\" class=\"upload-queue\" aria-live=\"polite\"></ul>\n",
              T (ctx, "Upload"));
}

/* The account (for its quota and usage), then the page; without it the
 * page comes all the same. */
static void
on_upload_me (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  UploadForm *form = user_data;
  g_autoptr (GString) html = g_string_new (NULL);
  g_autoptr (CarreteUser) me = web_api_model (result, (CarreteFromJson) carrete_user_new_from_json);

  if (web_api_session_lost (ctx, result))
    {
      web_ctx_redirect_to_login (ctx);
      upload_form_free (form);
      return;
    }
  web_append (html, "<h1>%s</h1>\n", T (ctx, "Upload photos"));
  if (form->error != NULL)
    web_widgets_alert (html, form->error);
  render_usage (ctx, html, me);
  if (form->folders_unavailable)
    web_widgets_alert (html, T (ctx, "Folders are unavailable right now; you can still upload without a folder."));
  render_upload_form (ctx, html, form->folders != NULL ? form->folders->items : NULL,
                      form->folder_id);
  web_ctx_respond_html (ctx, form->status, T (ctx, "Upload photos"), html->str);
  upload_form_free (form);
}

/* Folders shared with the visitor as a contributor take uploads too. */
static void
on_upload_shared (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  UploadForm *form = user_data;
  g_autoptr (CarreteFolderPage) shared = web_api_folder_page (result);

  for (guint i = 0; shared != NULL && form->folders != NULL && i < shared->items->len; i++)
    {
      CarreteFolder *folder = g_ptr_array_index (shared->items, i);

      if (g_strcmp0 (carrete_folder_get_role (folder), "contributor") == 0)
        g_ptr_array_add (form->folders->items, g_object_ref (folder));
    }
  web_api_call (ctx, WEB_USERS, "GET", "/v1/users/me", NULL, on_upload_me, form);
}

static void
on_upload_folders (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  UploadForm *form = user_data;

  if (web_api_session_lost (ctx, result))
    {
      web_ctx_redirect_to_login (ctx);
      upload_form_free (form);
      return;
    }
  form->folders = web_api_folder_page (result);
  form->folders_unavailable = web_api_unavailable (result);
  web_api_call (ctx, WEB_FOLDERS, "GET", "/v1/folders?scope=shared&limit=200", NULL,
                on_upload_shared, form);
}

static void
show_upload_form (WebCtx *ctx, guint status, const char *folder_id, const char *error)
{
  UploadForm *form = g_new0 (UploadForm, 1);

  form->status = status;
  form->folder_id = g_strdup (folder_id);
  form->error = g_strdup (error);
  web_api_call (ctx, WEB_FOLDERS, "GET", "/v1/folders?scope=mine&limit=200", NULL,
                on_upload_folders, form);
}

void
pages_upload_get (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);

  if (!web_ctx_has_session (ctx))
    web_ctx_redirect_to_login (ctx);
  else
    show_upload_form (ctx, 200, carrete_request_get_query (req, "folder_id"), NULL);
}

/* ---- the post ------------------------------------------------------------------------ */

typedef struct
{
  char *file_name;
  GBytes *bytes;
  gboolean ok;
  char *photo_id;
  char *message;
  guint status;
} UploadFile;

typedef struct
{
  WebCtx *ctx;
  GBytes *body;          /* the mapped request body the parts slice */
  SoupMultipart *multipart;
  char *folder_id;
  GPtrArray *files;      /* UploadFile */
  guint next;
  gboolean wants_json;
  gboolean session_lost;
} UploadJob;

static void
upload_file_free (gpointer data)
{
  UploadFile *file = data;

  g_free (file->file_name);
  g_clear_pointer (&file->bytes, g_bytes_unref);
  g_free (file->photo_id);
  g_free (file->message);
  g_free (file);
}

static void
upload_job_free (UploadJob *job)
{
  g_ptr_array_unref (job->files);
  g_clear_pointer (&job->multipart, soup_multipart_free);
  g_clear_pointer (&job->body, g_bytes_unref);
  g_free (job->folder_id);
  web_ctx_unref (job->ctx);
  g_free (job);
}

static void
file_fail (UploadFile *file, guint status, const char *message)
{
  file->ok = FALSE;
  file->status = status;
  g_free (file->message);
  file->message = g_strdup (message);
}

/* The overall status: 200 when something was stored, else the failure
 * the files had in common (413 if all were too large, …). */
static guint
job_status (UploadJob *job)
{
  guint status = 0;

  for (guint i = 0; i < job->files->len; i++)
    {
      UploadFile *file = g_ptr_array_index (job->files, i);
      if (file->ok)
        return 200;
      if (status == 0)
        status = file->status;
      else if (status != file->status)
        status = 422;
    }
  return status != 0 ? status : 422;
}

/* {"results": [], "message": …}: the script shows the message. */
/* Both answers are {"results": [...], ...}: opens the array. */
static void
begin_results (CarreteJsonWriter *writer, GString *text)
{
  carrete_json_writer_init (writer, text);
  carrete_json_writer_begin_object (writer);
  carrete_json_writer_member (writer, "results");
  carrete_json_writer_begin_array (writer);
}

static void
respond_json_message (WebCtx *ctx, guint status, const char *message)
{
  GString *text = g_string_new (NULL);
  CarreteJsonWriter writer;

  begin_results (&writer, text);
  carrete_json_writer_end_array (&writer);
  carrete_json_writer_member (&writer, "message");
  carrete_json_writer_string (&writer, message);
  carrete_json_writer_end_object (&writer);
  web_ctx_respond_json (ctx, status, text);
}

static void
respond_json_results (UploadJob *job)
{
  GString *text = g_string_new (NULL);
  CarreteJsonWriter writer;

  begin_results (&writer, text);
  for (guint i = 0; i < job->files->len; i++)
    {
      UploadFile *file = g_ptr_array_index (job->files, i);

      carrete_json_writer_begin_object (&writer);
      carrete_json_writer_member (&writer, "file");
      carrete_json_writer_string (&writer, file->file_name);
      carrete_json_writer_member (&writer, "ok");
      carrete_json_writer_bool (&writer, file->ok);
      carrete_json_writer_member (&writer, file->ok ? "photo_id" : "message");
      carrete_json_writer_string (&writer, file->ok ? file->photo_id : file->message);
      carrete_json_writer_end_object (&writer);
    }
  carrete_json_writer_end_array (&writer);
  carrete_json_writer_end_object (&writer);
  web_ctx_respond_json (job->ctx, job_status (job), text);
}

static void
respond_html_results (UploadJob *job)
{
  WebCtx *ctx = job->ctx;
  g_autoptr (GString) html = g_string_new (NULL);
  g_autofree char *back = g_strconcat ("/upload", job->folder_id != NULL ? "?folder_id=" : "",
                                       job->folder_id != NULL ? job->folder_id : "", NULL);
  g_autofree char *see = job->folder_id != NULL ? g_strconcat ("/folders/", job->folder_id, NULL)
                                                : g_strdup ("/");

  web_append (html, "<h1>%s</h1>\n<ul id=\"upload-results\" class=\"upload-results\">",
              T (ctx, "Upload results"));
  for (guint i = 0; i < job->files->len; i++)
    {
      UploadFile *file = g_ptr_array_index (job->files, i);

      if (file->ok)
        web_append (html, "<li class=\"upload-ok\"><a href=\"/photos/%s\">%s</a>: %s</li>",
                    file->photo_id, file->file_name, T (ctx, "uploaded."));
      else
        web_append (html, "<li class=\"upload-error\" role=\"alert\"><strong>%s</strong>: %s</li>",
                    file->file_name, file->message);
    }
  web_append (html, "</ul>\n<p><a class=\"btn btn-primary\" href=\"%s\">%s</a> <a href=\"%s\">%s</a></p>\n",
              back, T (ctx, "Upload more"), see, T (ctx, "See your photos"));
  web_ctx_respond_html (ctx, job_status (job), T (ctx, "Upload results"), html->str);
}

static void
job_finish (UploadJob *job)
{
  if (job->session_lost && job->wants_json)
    respond_json_message (job->ctx, 401, T (job->ctx, "Your session has ended. Sign in again."));
  else if (job->session_lost)
    web_ctx_redirect_to_login (job->ctx);
  else if (job->wants_json)
    respond_json_results (job);
  else
    respond_html_results (job);
  upload_job_free (job);
}

static void job_next (UploadJob *job);

static const char *
refusal_message (WebCtx *ctx, WebApiResult *result)
{
  switch (result->status)
    {
    case 409:
      return T (ctx, "This photo is already in that folder.");
    case 413:
      return T (ctx, "This file is too large.");
    case 415:
      return T (ctx, "This file is not an image Carrete can read (JPEG, PNG, WebP, GIF or HEIC).");
    case 404:
      return T (ctx, "The folder does not exist any more, or is not yours.");
    default:
      if (web_api_unavailable (result))
        return T (ctx, "Photos are unavailable right now. Please try again in a moment.");
      return web_api_problem (result, T (ctx, "This file could not be uploaded."));
    }
}

static void
on_file_sent (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  UploadJob *job = user_data;
  UploadFile *file = g_ptr_array_index (job->files, job->next);
  g_autoptr (CarretePhoto) photo = web_api_photo (result);

  g_clear_pointer (&file->bytes, g_bytes_unref);
  if (result->status == 201 && photo != NULL)
    {
      file->ok = TRUE;
      file->photo_id = g_strdup (carrete_photo_get_id (photo));
    }
  else if (web_api_session_lost (ctx, result))
    {
      job->session_lost = TRUE;
      job_finish (job);
      return;
    }
  else
    {
      g_autofree char *over_quota = web_api_quota_message (ctx, result);

      file_fail (file, result->status == 0 ? 503 : result->status,
                 over_quota != NULL ? over_quota : refusal_message (ctx, result));
    }
  job->next++;
  job_next (job);
}

static void
job_next (UploadJob *job)
{
  WebCtx *ctx = job->ctx;
  UploadFile *file;
  g_autofree char *name = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *path = NULL;

  while (job->next < job->files->len)
    {
      file = g_ptr_array_index (job->files, job->next);
      if (file->bytes != NULL)
        break;
      job->next++; /* already refused here */
    }
  if (job->next >= job->files->len)
    {
      job_finish (job);
      return;
    }
  name = web_query_escape (file->file_name);
  folder = web_query_escape (job->folder_id);
  path = g_strdup_printf ("/v1/photos?name=%s%s%s", name, job->folder_id != NULL ? "&folder_id=" : "",
                          job->folder_id != NULL ? folder : "");
  web_api_send_bytes (ctx, WEB_PHOTOS, "POST", path, "application/octet-stream", file->bytes,
                      on_file_sent, job);
}

/* Each file is one call to carrete-photos: a cap keeps one request from
 * fanning out into thousands of them. */
#define MAX_FILES_PER_REQUEST 20

static void
respond_too_many (WebCtx *ctx, gboolean wants_json)
{
  g_autofree char *count = g_strdup_printf ("%d", MAX_FILES_PER_REQUEST);
  g_autofree char *message = web_ctx_t_replace (ctx, "You can send at most {count} files at once. "
                                                      "Send the others in another upload.", "{count}", count);

  if (wants_json)
    respond_json_message (ctx, 413, message);
  else
    web_ctx_respond_message (ctx, 413, N_("Too many files"), message);
}

static char *
part_text (GBytes *bytes)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);
  char *text = g_strndup (data, len);

  if (strlen (text) != len || !g_utf8_validate (text, -1, NULL))
    g_clear_pointer (&text, g_free);
  return text;
}

/* Reads the parts: the CSRF token and folder, and the files.  FALSE after
 * answering when the body is not a form this page sent. */
static gboolean
job_read_parts (UploadJob *job)
{
  WebCtx *ctx = job->ctx;
  g_autofree char *csrf = NULL;
  int n = soup_multipart_get_length (job->multipart);

  for (int i = 0; i < n; i++)
    {
      SoupMessageHeaders *headers = NULL;
      GBytes *bytes = NULL;
      g_autoptr (GHashTable) params = NULL;
      const char *name;

      if (!soup_multipart_get_part (job->multipart, i, &headers, &bytes)
          || !soup_message_headers_get_content_disposition (headers, NULL, &params))
        continue;
      name = g_hash_table_lookup (params, "name");
      if (g_strcmp0 (name, "csrf_token") == 0 && csrf == NULL)
        csrf = part_text (bytes);
      else if (g_strcmp0 (name, "folder_id") == 0 && job->folder_id == NULL)
        {
          g_autofree char *folder = part_text (bytes);
          if (folder != NULL && *folder != '\0')
            job->folder_id = g_steal_pointer (&folder);
        }
      else if (g_strcmp0 (name, "file") == 0)
        {
          const char *file_name = g_hash_table_lookup (params, "filename");
          UploadFile *file;

          if ((file_name == NULL || *file_name == '\0') && g_bytes_get_size (bytes) == 0)
            continue; /* the empty part of a file input left empty */
          file = g_new0 (UploadFile, 1);
          file->file_name = g_strdup (file_name != NULL && g_utf8_validate (file_name, -1, NULL)
                                          && *file_name != '\0' ? file_name : "photo");
          file->bytes = g_bytes_ref (bytes);
          g_ptr_array_add (job->files, file);
        }
    }
  if (!web_ctx_csrf_ok (ctx, csrf))
    {
      if (job->wants_json)
        respond_json_message (ctx, 403, T (ctx, "The form did not carry a valid security token, so nothing was "
                                                "changed. Go back, reload the page and try again."));
      else
        web_ctx_respond_message (ctx, 403, N_("This form has expired"),
                                 N_("The form did not carry a valid security token, so nothing was "
                                    "changed. Go back, reload the page and try again."));
      return FALSE;
    }
  if (job->files->len > MAX_FILES_PER_REQUEST)
    {
      respond_too_many (ctx, job->wants_json);
      return FALSE;
    }
  if (job->folder_id != NULL && !web_form_id_is_plausible (job->folder_id))
    {
      web_ctx_respond_not_found (ctx);
      return FALSE;
    }
  return TRUE;
}

/* Files refused before they reach the photos service. */
static void
job_check_files (UploadJob *job)
{
  for (guint i = 0; i < job->files->len; i++)
    {
      UploadFile *file = g_ptr_array_index (job->files, i);
      gsize size = g_bytes_get_size (file->bytes);

      if (size == 0)
        file_fail (file, 422, T (job->ctx, "This file is empty."));
      else if (size > job->ctx->app->max_upload_bytes)
        {
          g_autofree char *limit = g_format_size (job->ctx->app->max_upload_bytes);
          g_autofree char *message = web_ctx_t_replace (job->ctx, "This file is too large: the limit is {limit} per file.", "{limit}", limit);
          file_fail (file, 413, message);
        }
      else
        continue;
      g_clear_pointer (&file->bytes, g_bytes_unref);
    }
}

static void
respond_too_large (WebCtx *ctx, gboolean wants_json)
{
  g_autofree char *limit = g_format_size (ctx->app->max_request_bytes);
  g_autofree char *message = web_ctx_t_replace (ctx, "These files are too large to send at once (the limit is {limit}). "
                                                      "Send fewer or smaller files.", "{limit}", limit);

  if (wants_json)
    {
      respond_json_message (ctx, 413, message);
      return;
    }
  web_ctx_respond_message (ctx, 413, N_("Too large"), message);
}

void
pages_upload_post (CarreteRequest *req)
{
  g_autoptr (WebCtx) ctx = web_ctx_new (req);
  WebUploadSpool *spool = carrete_request_get_stream (req);
  const char *accept = carrete_request_get_header (req, "Accept");
  gboolean wants_json = accept != NULL && strstr (accept, "application/json") != NULL;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (carrete_request_get_message (req));
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = NULL;
  UploadJob *job;

  if (spool == NULL || web_upload_spool_too_large (spool))
    {
      respond_too_large (ctx, wants_json);
      return;
    }
  if ((body = web_upload_spool_map (spool, &error)) == NULL)
    {
      if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE))
        {
          g_warning ("upload spool: %s", error->message);
          web_ctx_respond_message (ctx, 503, N_("Unavailable"),
                                   N_("Uploads are unavailable right now. Please try again in a moment."));
        }
      else
        web_ctx_respond_message (ctx, 400, N_("This form could not be read"),
                                 N_("The upload arrived empty or damaged. Please try again."));
      return;
    }
  job = g_new0 (UploadJob, 1);
  job->ctx = web_ctx_ref (ctx);
  job->body = g_steal_pointer (&body);
  job->wants_json = wants_json;
  job->files = g_ptr_array_new_with_free_func (upload_file_free);
  job->multipart = soup_multipart_new_from_message (headers, job->body);
  if (job->multipart == NULL)
    web_ctx_respond_message (ctx, 400, N_("This form could not be read"),
                             N_("The upload arrived empty or damaged. Please try again."));
  else if (!job_read_parts (job))
    ; /* answered */
  else if (!web_ctx_has_session (ctx))
    {
      job->session_lost = TRUE;
      job_finish (job);
      return;
    }
  else if (job->files->len == 0)
    show_upload_form (ctx, 422, job->folder_id, T (ctx, "Choose at least one photo to upload."));
  else
    {
      job_check_files (job);
      job_next (job);
      return;
    }
  upload_job_free (job);
}
