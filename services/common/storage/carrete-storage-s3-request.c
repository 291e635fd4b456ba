#define G_LOG_DOMAIN "carrete-storage-s3"

/* The s3 backend's requests: one path-style request (`endpoint/bucket/key`)
 * made with libcurl and signed by carrete-sigv4, and S3's answers mapped to
 * GErrors.
 *
 * - Connections are kept alive: finished easy handles go back to a small
 *   pool and keep their connection caches; a call takes any idle handle, so
 *   a handle is used by one thread at a time. */

#include <curl/curl.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "carrete-error.h"
#include "carrete-storage-s3-private.h"
#include "carrete-fd.h"

#define MAX_CONNECT_SECONDS 10
#define MAX_IDLE_HANDLES 8
/* Error documents and listing pages; a page of 1000 keys of 512 bytes is
 * well under this. */
#define MAX_MEMORY_BODY (4 * 1024 * 1024)

/* ---- Handle pool ----------------------------------------------------------- */

static CURL *
handle_take (S3Storage *s3)
{
  CURL *curl = NULL;

  g_mutex_lock (&s3->lock);
  if (s3->idle->len > 0)
    curl = g_ptr_array_steal_index_fast (s3->idle, s3->idle->len - 1);
  g_mutex_unlock (&s3->lock);
  if (curl == NULL)
    curl = curl_easy_init ();
  else
    curl_easy_reset (curl); /* options go, the connection cache stays */
  return curl;
}

static void
handle_give_back (S3Storage *s3, CURL *curl)
{
  g_mutex_lock (&s3->lock);
  if (s3->idle->len < MAX_IDLE_HANDLES)
    {
      g_ptr_array_add (s3->idle, curl);
      curl = NULL;
    }
  g_mutex_unlock (&s3->lock);
  if (curl != NULL)
    curl_easy_cleanup (curl);
}

/* ---- One request ------------------------------------------------------------- */

typedef struct
{
  CURL *curl;
  const S3Request *request;
  S3Response *response;
} Transfer;

void
_carrete_s3_response_clear (S3Response *response)
{
  if (response->body != NULL)
    g_string_free (response->body, TRUE);
  g_free (response->content_type);
  g_free (response->etag);
  memset (response, 0, sizeof *response);
}

/* The declared length is checked first, so an object that is too big is
 * refused before any of it is written. */
static gboolean
download_fits (Transfer *t, gsize more)
{
  curl_off_t declared = -1;

  curl_easy_getinfo (t->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &declared);
  if (declared > 0 && (guint64) declared > t->request->max_bytes)
    return FALSE;
  return t->response->received + more <= t->request->max_bytes;
}

static size_t
on_body (char *data, size_t size, size_t count, void *user_data)
{
  Transfer *t = user_data;
  gsize len = size * count;
  long status = 0;

  curl_easy_getinfo (t->curl, CURLINFO_RESPONSE_CODE, &status);
  if (status_is_success (status) && (t->request->download_fd >= 0 || t->request->digest != NULL))
    {
      if (!download_fits (t, len))
        {
          t->response->too_large = TRUE;
          return 0;
        }
      if (t->request->download_fd >= 0
          && (t->response->file_errno = carrete_fd_write_all (t->request->download_fd, data, len))
                 != 0)
        return 0;
      if (t->request->digest != NULL)
        carrete_digest_update (t->request->digest, data, len);
      t->response->received += len;
      return len;
    }
  if (t->response->body->len + len > MAX_MEMORY_BODY)
    {
      t->response->body_overflow = TRUE;
      return 0;
    }
  g_string_append_len (t->response->body, data, (gssize) len);
  return len;
}

static char *
header_value (const char *line, gsize len, const char *name)
{
  gsize name_len = strlen (name);

  if (len <= name_len || g_ascii_strncasecmp (line, name, name_len) != 0 || line[name_len] != ':')
    return NULL;
  return g_strstrip (g_strndup (line + name_len + 1, len - name_len - 1));
}

static void
replace_string (char **slot, char *value)
{
  g_free (*slot);
  *slot = value;
}

static size_t
on_header (char *data, size_t size, size_t count, void *user_data)
{
  Transfer *t = user_data;
  gsize len = size * count;
  char *value;

  /* A new status line (after a 100 Continue, say) starts a new set. */
  if (len >= 5 && strncmp (data, "HTTP/", 5) == 0)
    {
      g_clear_pointer (&t->response->content_type, g_free);
      g_clear_pointer (&t->response->etag, g_free);
    }
  else if ((value = header_value (data, len, "Content-Type")) != NULL)
    replace_string (&t->response->content_type, value);
  else if ((value = header_value (data, len, "ETag")) != NULL)
    replace_string (&t->response->etag, value);
  return len;
}

static size_t
on_read (char *buffer, size_t size, size_t count, void *user_data)
{
  Transfer *t = user_data;
  gsize want = size * count;

  if (t->request->upload_fd < 0)
    {
      gsize left = (gsize) (t->request->upload_size - t->response->sent);
      gsize n = MIN (want, left);

      memcpy (buffer, t->request->upload_data + t->response->sent, n);
      t->response->sent += n;
      return n;
    }
  for (;;)
    {
      gssize n = read (t->request->upload_fd, buffer, want);

      if (n >= 0)
        return (size_t) n;
      if (errno != EINTR)
        {
          t->response->file_errno = errno;
          return CURL_READFUNC_ABORT;
        }
    }
}

static int
on_progress (void *user_data, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
             curl_off_t ulnow)
{
  Transfer *t = user_data;

  return g_cancellable_is_cancelled (t->request->cancellable) ? 1 : 0;
}

static char *
request_url (S3Storage *s3, const char *path, const S3Request *request)
{
  g_autofree char *encoded_path = carrete_sigv4_uri_encode (path, TRUE);
  GString *url = g_string_new (s3->origin);

  g_string_append (url, encoded_path);
  for (gsize i = 0; i < request->n_query; i++)
    {
      g_autofree char *name = carrete_sigv4_uri_encode (request->query[i].name, FALSE);
      g_autofree char *value = carrete_sigv4_uri_encode (request->query[i].value, FALSE);

      g_string_append_printf (url, "%c%s=%s", i == 0 ? '?' : '&', name, value);
    }
  return g_string_free (url, FALSE);
}

/* The signed headers, plus "Expect:" to skip the 100-continue wait. */
static struct curl_slist *
signed_headers (S3Storage *s3, const char *path, const S3Request *request, GError **error)
{
  const CarreteSigv4Credentials credentials = credentials_of (s3);
  CarreteSigv4Pair extra[2];
  gsize n_extra = 0;
  CarreteSigv4Request to_sign = {
    .method = request->method,
    .host = s3->host,
    .path = path,
    .query = request->query,
    .n_query = request->n_query,
    .headers = extra,
    .payload_hash = request->payload_hash,
  };
  g_auto (CarreteSigv4Result) result = { 0 };
  struct curl_slist *headers = NULL;
  g_autofree char *authorization = NULL;
  g_autofree char *date = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *type = NULL;
  g_autofree char *copy = NULL;

  if (request->content_type != NULL)
    extra[n_extra++] = (CarreteSigv4Pair){ "Content-Type", request->content_type };
  if (request->copy_source != NULL)
    extra[n_extra++] = (CarreteSigv4Pair){ "x-amz-copy-source", request->copy_source };
  to_sign.n_headers = n_extra;
  if (!carrete_sigv4_sign (&credentials, &to_sign, g_get_real_time () / G_USEC_PER_SEC, &result,
                           error))
    return NULL;
  authorization = g_strconcat ("Authorization: ", result.authorization, NULL);
  date = g_strconcat ("x-amz-date: ", result.amz_date, NULL);
  hash = g_strconcat ("x-amz-content-sha256: ",
                      request->payload_hash ? request->payload_hash : CARRETE_SIGV4_EMPTY_SHA256,
                      NULL);
  headers = curl_slist_append (headers, authorization);
  headers = curl_slist_append (headers, date);
  headers = curl_slist_append (headers, hash);
  headers = curl_slist_append (headers, "Expect:");
  if (request->content_type != NULL)
    {
      type = g_strconcat ("Content-Type: ", request->content_type, NULL);
      headers = curl_slist_append (headers, type);
    }
  else if (strcmp (request->method, "POST") == 0)
    headers = curl_slist_append (headers, "Content-Type:"); /* not curl's form type */
  if (request->copy_source != NULL)
    {
      copy = g_strconcat ("x-amz-copy-source: ", request->copy_source, NULL);
      headers = curl_slist_append (headers, copy);
    }
  return headers;
}

static void
set_method (CURL *curl, const S3Request *request)
{
  if (strcmp (request->method, "HEAD") == 0)
    curl_easy_setopt (curl, CURLOPT_NOBODY, 1L);
  else if (strcmp (request->method, "PUT") == 0)
    {
      curl_easy_setopt (curl, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt (curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t) request->upload_size);
    }
  else if (strcmp (request->method, "POST") == 0)
    {
      /* The body comes from on_read, as for PUT. */
      curl_easy_setopt (curl, CURLOPT_POST, 1L);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) request->upload_size);
    }
  else if (strcmp (request->method, "GET") != 0)
    curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, request->method);
}

static void
set_limits (S3Storage *s3, CURL *curl, const S3Request *request)
{
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT, (long) MIN (s3->timeout, MAX_CONNECT_SECONDS));
  if (request->long_transfer)
    {
      /* Big objects on slow links may take long; a stalled one may not. */
      curl_easy_setopt (curl, CURLOPT_LOW_SPEED_LIMIT, 1024L);
      curl_easy_setopt (curl, CURLOPT_LOW_SPEED_TIME, (long) s3->timeout);
    }
  else
    curl_easy_setopt (curl, CURLOPT_TIMEOUT, (long) s3->timeout);
}

static void
set_options (S3Storage *s3, Transfer *t, const char *url, struct curl_slist *headers,
             char *errbuf)
{
  CURL *curl = t->curl;

  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, t);
  curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt (curl, CURLOPT_HEADERDATA, t);
  curl_easy_setopt (curl, CURLOPT_READFUNCTION, on_read);
  curl_easy_setopt (curl, CURLOPT_READDATA, t);
  curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, t);
  curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
  set_method (curl, t->request);
  set_limits (s3, curl, t->request);
}

static gboolean
transport_error (S3Storage *s3, const Transfer *t, CURLcode code, const char *errbuf,
                 GError **error)
{
  if (code == CURLE_ABORTED_BY_CALLBACK
      && g_cancellable_set_error_if_cancelled (t->request->cancellable, error))
    return FALSE;
  if (t->response->too_large)
    g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_TOO_LARGE,
                 "object larger than %" G_GUINT64_FORMAT " bytes", t->request->max_bytes);
  else if (t->response->file_errno != 0)
    g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "storage: local file: %s",
                 g_strerror (t->response->file_errno));
  else if (t->response->body_overflow)
    g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "S3: answer too large");
  else
    g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE, "S3 at %s unreachable: %s",
                 s3->origin, *errbuf != '\0' ? errbuf : curl_easy_strerror (code));
  return FALSE;
}

/* Runs the request.  TRUE means an HTTP answer arrived (any status);
 * FALSE is a transport failure, a local file error or cancellation. */
gboolean
_carrete_s3_perform (S3Storage *s3, const S3Request *request, S3Response *response,
                     GError **error)
{
  g_autofree char *path = request_path (s3, request->key);
  g_autofree char *url = request_url (s3, path, request);
  struct curl_slist *headers = NULL;
  char errbuf[CURL_ERROR_SIZE] = "";
  Transfer t = { NULL, request, response };
  CURLcode code;

  response->body = g_string_new (NULL);
  headers = signed_headers (s3, path, request, error);
  if (headers == NULL)
    return FALSE;
  t.curl = handle_take (s3);
  if (t.curl == NULL)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "curl_easy_init failed");
      curl_slist_free_all (headers);
      return FALSE;
    }
  set_options (s3, &t, url, headers, errbuf);
  code = curl_easy_perform (t.curl);
  curl_easy_getinfo (t.curl, CURLINFO_RESPONSE_CODE, &response->status);
  if (code == CURLE_OK && strcmp (request->method, "HEAD") == 0)
    {
      curl_off_t length = -1;
      curl_easy_getinfo (t.curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
      response->content_length = length > 0 ? (guint64) length : 0;
    }
  /* The options point at this stack frame: the handle forgets them. */
  curl_easy_reset (t.curl);
  handle_give_back (s3, t.curl);
  curl_slist_free_all (headers);
  if (code != CURLE_OK)
    return transport_error (s3, &t, code, errbuf, error);
  return TRUE;
}

/* ---- S3's XML ---------------------------------------------------------------------- */

static GHashTable *
text_table_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

void
_carrete_s3_records_clear (S3Records *r)
{
  if (r->text != NULL)
    g_string_free (r->text, TRUE);
  g_clear_pointer (&r->current, g_hash_table_unref);
  g_clear_pointer (&r->records, g_ptr_array_unref);
  g_clear_pointer (&r->top, g_hash_table_unref);
}

static void
records_start (GMarkupParseContext *context, const char *name, const char **attribute_names,
               const char **attribute_values, gpointer user_data, GError **error)
{
  S3Records *r = user_data;

  if (g_strcmp0 (name, r->record) == 0 && r->current == NULL)
    r->current = text_table_new ();
  g_string_truncate (r->text, 0);
}

static void
records_text (GMarkupParseContext *context, const char *text, gsize len, gpointer user_data,
              GError **error)
{
  S3Records *r = user_data;

  g_string_append_len (r->text, text, (gssize)len);
}

static void
records_end (GMarkupParseContext *context, const char *name, gpointer user_data, GError **error)
{
  S3Records *r = user_data;
  const GSList *stack = g_markup_parse_context_get_element_stack (context);
  guint depth = g_slist_length ((GSList *)stack);

  if (g_strcmp0 (name, r->record) == 0 && r->current != NULL)
    g_ptr_array_add (r->records, g_steal_pointer (&r->current));
  else if (r->current != NULL)
    g_hash_table_replace (r->current, g_strdup (name), g_strdup (r->text->str));
  else if (depth == 2)
    g_hash_table_replace (r->top, g_strdup (name), g_strdup (r->text->str));
  g_string_truncate (r->text, 0);
}

gboolean
_carrete_s3_records_parse (const GString *body, const char *record, S3Records *r, GError **error)
{
  static const GMarkupParser parser = { records_start, records_end, records_text, NULL, NULL };
  GMarkupParseContext *context;
  gboolean ok;

  r->record = record;
  r->text = g_string_new (NULL);
  r->records = g_ptr_array_new_with_free_func ((GDestroyNotify)g_hash_table_unref);
  r->top = text_table_new ();
  context = g_markup_parse_context_new (&parser, 0, r, NULL);
  ok = g_markup_parse_context_parse (context, body->str, (gssize) body->len, NULL)
       && g_markup_parse_context_end_parse (context, NULL);
  g_markup_parse_context_free (context);
  if (!ok)
    g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "S3: unreadable answer");
  return ok;
}

/* ---- Answers to errors ---------------------------------------------------------- */

static gboolean
is_credentials_error (const char *code)
{
  return g_strcmp0 (code, "SignatureDoesNotMatch") == 0
         || g_strcmp0 (code, "InvalidAccessKeyId") == 0
         || g_strcmp0 (code, "AuthorizationHeaderMalformed") == 0
         || g_strcmp0 (code, "RequestTimeTooSkewed") == 0;
}

gboolean
_carrete_s3_bucket_missing (S3Storage *s3, const S3Response *response)
{
  g_auto (S3Records) fields = { 0 };
  g_auto (S3Response) bucket = { 0 };
  S3Request head = { .method = "HEAD", .upload_fd = -1, .download_fd = -1 };

  if (response->status != 404)
    return FALSE;
  if (response->body->len > 0 && _carrete_s3_records_parse (response->body, NULL, &fields, NULL)
      && s3_error_code (&fields) != NULL)
    return g_str_equal (s3_error_code (&fields), "NoSuchBucket");
  /* A HEAD's 404 has no body to tell a missing key from a missing bucket:
   * ask about the bucket (only on this error path). */
  return _carrete_s3_perform (s3, &head, &bucket, NULL) && bucket.status == 404;
}

/* Maps a non-2xx answer to a GError.  A refused signature is a
 * configuration error, not an outage: say what to check.  A missing bucket
 * is an outage of the installation (503), never a missing object (404). */
gboolean
_carrete_s3_status_error (S3Storage *s3, const S3Response *response, const char *what,
                          GError **error)
{
  g_auto (S3Records) fields = { 0 };
  const char *code;

  if (response->body->len > 0)
    _carrete_s3_records_parse (response->body, NULL, &fields, NULL);
  code = s3_error_code (&fields) != NULL ? s3_error_code (&fields) : "";
  if (_carrete_s3_bucket_missing (s3, response))
    g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                 "S3: %s: the bucket \"%s\" does not exist (carrete-photos migrate creates it)",
                 what, s3->bucket);
  else if (response->status == 404)
    g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND, "S3: %s: not found (%s)", what,
                 code);
  else if (response->status >= 500)
    g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE, "S3: %s: %ld %s", what,
                 response->status, code);
  else if (is_credentials_error (code) || (response->status == 403 && *code == '\0'))
    g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED,
                 "S3 at %s refused our credentials (%s, HTTP %ld): check CARRETE_S3_ACCESS_KEY, "
                 "CARRETE_S3_SECRET_KEY, CARRETE_S3_REGION and the clock",
                 s3->origin, *code != '\0' ? code : "access denied", response->status);
  else
    g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "S3: %s: HTTP %ld %s %s", what,
                 response->status, code,
                 s3_error_message (&fields) != NULL ? s3_error_message (&fields) : "");
  return FALSE;
}

gboolean
_carrete_s3_removed (S3Storage *s3, const S3Response *response, const char *what, GError **error)
{
  if (status_is_success (response->status)
      || (response->status == 404 && !_carrete_s3_bucket_missing (s3, response)))
    return TRUE;
  return _carrete_s3_status_error (s3, response, what, error);
}
