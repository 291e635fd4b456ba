#define G_LOG_DOMAIN "carrete-storage-s3"

/* The s3 backend: path-style requests (`endpoint/bucket/key`) made with
 * libcurl and signed by carrete-sigv4.
 *
 * - Connections are kept alive: finished easy handles go back to a small
 *   pool and keep their connection caches; a call takes any idle handle, so
 *   a handle is used by one thread at a time.
 * - PUT bodies are signed with their real SHA-256, computed in a first pass
 *   over the local file (cheap next to the network).  S3 then checks the
 *   bytes it received against the signature, so a file that changed between
 *   hashing and sending, or bytes damaged on the way, are refused instead of
 *   stored.  Bodies are always streamed from and to files, never held whole.
 * - Presigned URLs are signed for the public endpoint, since Host is
 *   signed. */

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "carrete-error.h"
#include "carrete-sha256.h"
#include "carrete-sigv4.h"
#include "carrete-storage-private.h"
#include "carrete-fd.h"

#define DEFAULT_TIMEOUT_SECONDS 30
#define MAX_CONNECT_SECONDS 10
#define MAX_IDLE_HANDLES 8
/* Error documents and listing pages; a page of 1000 keys of 512 bytes is
 * well under this. */
#define MAX_MEMORY_BODY (4 * 1024 * 1024)
#define HASH_CHUNK (64 * 1024)

typedef struct
{
  CarreteStorage parent;
  char *origin;        /* scheme://host[:port] the service talks to */
  char *host;          /* its Host header */
  char *public_origin; /* what clients reach, for presigning */
  char *bucket;
  char *region;
  char *access_key;
  char *secret_key;
  guint timeout;
  GMutex lock;
  GPtrArray *idle; /* CURL * */
} S3Storage;

static S3Storage *
s3_of (CarreteStorage *storage)
{
  g_assert (storage->kind == CARRETE_STORAGE_S3);
  return (S3Storage *) storage;
}

static CarreteSigv4Credentials
credentials_of (S3Storage *s3)
{
  return (CarreteSigv4Credentials) {
    .access_key = s3->access_key,
    .secret_key = s3->secret_key,
    .region = s3->region,
    .service = "s3",
  };
}

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
  const char *method;
  const char *key; /* NULL: the bucket itself */
  const CarreteSigv4Pair *query;
  gsize n_query;
  const char *content_type;
  /* PUT body: a file (upload_fd >= 0) or a small buffer. */
  int upload_fd;
  const char *upload_data;
  guint64 upload_size;
  const char *payload_hash; /* NULL: empty body */
  /* A 2xx body goes to download_fd when >= 0, at most max_bytes of it. */
  int download_fd;
  guint64 max_bytes;
  gboolean long_transfer; /* an object's bytes: a stall limit, no total limit */
  GCancellable *cancellable;
} S3Request;

typedef struct
{
  long status;
  GString *body; /* error documents, listings */
  char *content_type;
  char *etag;
  guint64 content_length; /* HEAD: the object's size */
  guint64 received;       /* bytes written to download_fd */
  guint64 sent;           /* bytes read from the upload buffer */
  gboolean too_large;
  gboolean body_overflow;
  int file_errno;
} S3Response;

typedef struct
{
  CURL *curl;
  const S3Request *request;
  S3Response *response;
} Transfer;

static void
response_clear (S3Response *response)
{
  if (response->body != NULL)
    g_string_free (response->body, TRUE);
  g_free (response->content_type);
  g_free (response->etag);
  memset (response, 0, sizeof *response);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (S3Response, response_clear)

static gboolean
status_is_success (long status)
{
  return status >= 200 && status < 300;
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
  if (status_is_success (status) && t->request->download_fd >= 0)
    {
      if (!download_fits (t, len))
        {
          t->response->too_large = TRUE;
          return 0;
        }
      if ((t->response->file_errno = carrete_fd_write_all (t->request->download_fd, data, len)) != 0)
        return 0;
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
request_path (S3Storage *s3, const char *key)
{
  return key != NULL ? g_strdup_printf ("/%s/%s", s3->bucket, key)
                     : g_strdup_printf ("/%s", s3->bucket);
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
  const CarreteSigv4Pair type_header[] = { { "Content-Type", request->content_type } };
  const CarreteSigv4Request to_sign = {
    .method = request->method,
    .host = s3->host,
    .path = path,
    .query = request->query,
    .n_query = request->n_query,
    .headers = type_header,
    .n_headers = request->content_type != NULL ? 1 : 0,
    .payload_hash = request->payload_hash,
  };
  g_auto (CarreteSigv4Result) result = { 0 };
  struct curl_slist *headers = NULL;
  g_autofree char *authorization = NULL;
  g_autofree char *date = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *type = NULL;

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
static gboolean
s3_perform (S3Storage *s3, const S3Request *request, S3Response *response, GError **error)
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

/* Collects the few elements we read from error documents and listings.
 * GMarkup undoes the entity escaping (&amp;, &#38;, …) of the text. */
typedef struct
{
  GString *text;
  GPtrArray *keys; /* Contents/Key */
  char *code;
  char *message;
  char *is_truncated;
  char *next_token;
} XmlFields;

static void
xml_fields_clear (XmlFields *fields)
{
  if (fields->text != NULL)
    g_string_free (fields->text, TRUE);
  g_clear_pointer (&fields->keys, g_ptr_array_unref);
  g_clear_pointer (&fields->code, g_free);
  g_clear_pointer (&fields->message, g_free);
  g_clear_pointer (&fields->is_truncated, g_free);
  g_clear_pointer (&fields->next_token, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (XmlFields, xml_fields_clear)

static void
xml_start (GMarkupParseContext *context, const char *name, const char **attribute_names,
           const char **attribute_values, gpointer user_data, GError **error)
{
  XmlFields *fields = user_data;

  g_string_truncate (fields->text, 0);
}

static void
xml_text (GMarkupParseContext *context, const char *text, gsize len, gpointer user_data,
          GError **error)
{
  XmlFields *fields = user_data;

  g_string_append_len (fields->text, text, (gssize) len);
}

static void
xml_end (GMarkupParseContext *context, const char *name, gpointer user_data, GError **error)
{
  XmlFields *fields = user_data;
  const GSList *stack = g_markup_parse_context_get_element_stack (context);
  const char *parent = stack != NULL && stack->next != NULL ? stack->next->data : "";
  char **slot = NULL;

  if (strcmp (name, "Key") == 0 && strcmp (parent, "Contents") == 0)
    g_ptr_array_add (fields->keys, g_strdup (fields->text->str));
  else if (strcmp (name, "Code") == 0 && strcmp (parent, "Error") == 0)
    slot = &fields->code;
  else if (strcmp (name, "Message") == 0 && strcmp (parent, "Error") == 0)
    slot = &fields->message;
  else if (strcmp (name, "IsTruncated") == 0)
    slot = &fields->is_truncated;
  else if (strcmp (name, "NextContinuationToken") == 0)
    slot = &fields->next_token;
  if (slot != NULL)
    replace_string (slot, g_strdup (fields->text->str));
  g_string_truncate (fields->text, 0);
}

static gboolean
xml_parse (const GString *body, XmlFields *fields)
{
  static const GMarkupParser parser = { xml_start, xml_end, xml_text, NULL, NULL };
  GMarkupParseContext *context =
    g_markup_parse_context_new (&parser, G_MARKUP_PREFIX_ERROR_POSITION, fields, NULL);
  gboolean ok;

  fields->text = g_string_new (NULL);
  fields->keys = g_ptr_array_new_with_free_func (g_free);
  ok = g_markup_parse_context_parse (context, body->str, (gssize) body->len, NULL)
       && g_markup_parse_context_end_parse (context, NULL);
  g_markup_parse_context_free (context);
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

/* Maps a non-2xx answer to a GError.  A refused signature is a
 * configuration error, not an outage: say what to check. */
static gboolean
status_error (S3Storage *s3, const S3Response *response, const char *what, GError **error)
{
  g_auto (XmlFields) fields = { 0 };
  const char *code;

  if (response->body->len > 0)
    xml_parse (response->body, &fields);
  code = fields.code != NULL ? fields.code : "";
  if (response->status == 404)
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
                 response->status, code, fields.message != NULL ? fields.message : "");
  return FALSE;
}

/* ---- Operations ---------------------------------------------------------------- */

static const S3Request request_defaults = { .upload_fd = -1, .download_fd = -1 };

static gboolean
bucket_create (S3Storage *s3, GError **error)
{
  g_autofree char *body = NULL;
  char hash[crypto_hash_sha256_BYTES * 2 + 1];
  guint8 digest[crypto_hash_sha256_BYTES];
  S3Request request = request_defaults;
  g_auto (S3Response) response = { 0 };
  g_auto (XmlFields) fields = { 0 };

  /* us-east-1 is the default location, and AWS refuses it spelled out. */
  body = strcmp (s3->region, "us-east-1") == 0
           ? g_strdup ("")
           : g_strdup_printf ("<CreateBucketConfiguration><LocationConstraint>%s"
                              "</LocationConstraint></CreateBucketConfiguration>",
                              s3->region);
  crypto_hash_sha256 (digest, (const guint8 *) body, strlen (body));
  sodium_bin2hex (hash, sizeof hash, digest, sizeof digest);
  request.method = "PUT";
  request.upload_data = body;
  request.upload_size = strlen (body);
  request.payload_hash = hash;
  if (!s3_perform (s3, &request, &response, error))
    return FALSE;
  if (status_is_success (response.status))
    return TRUE;
  /* Created by another replica in the meantime. */
  if (response.status == 409 && xml_parse (response.body, &fields)
      && g_strcmp0 (fields.code, "BucketAlreadyOwnedByYou") == 0)
    return TRUE;
  return status_error (s3, &response, "creating the bucket", error);
}

static gboolean
s3_ensure_ready (CarreteStorage *storage, GError **error)
{
  S3Storage *s3 = s3_of (storage);
  S3Request request = request_defaults;
  g_auto (S3Response) response = { 0 };

  request.method = "HEAD";
  if (!s3_perform (s3, &request, &response, error))
    return FALSE;
  if (status_is_success (response.status))
    return TRUE;
  if (response.status == 404)
    return bucket_create (s3, error);
  return status_error (s3, &response, "checking the bucket", error);
}

/* The SHA-256 of the whole file, read in chunks; the file is left at its
 * start for the upload. */
static gboolean
hash_file (int fd, GCancellable *cancellable, char hex[crypto_hash_sha256_BYTES * 2 + 1],
           GError **error)
{
  g_autofree guint8 *buffer = g_malloc (HASH_CHUNK);
  g_autoptr (CarreteSha256) state = carrete_sha256_new ();
  gssize n;

  while ((n = read (fd, buffer, HASH_CHUNK)) != 0)
    {
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "storage: read: %s",
                       g_strerror (errno));
          return FALSE;
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      carrete_sha256_update (state, buffer, (gsize) n);
    }
  carrete_sha256_finish_hex (state, hex);
  if (lseek (fd, 0, SEEK_SET) != 0)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "storage: seek: %s",
                   g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

static gboolean
upload_fd (S3Storage *s3, const char *key, int fd, guint64 size, const char *content_type,
           const char *known_sha256, GCancellable *cancellable, GError **error)
{
  char hash[crypto_hash_sha256_BYTES * 2 + 1];
  S3Request request = request_defaults;
  g_auto (S3Response) response = { 0 };

  if (known_sha256 != NULL)
    g_strlcpy (hash, known_sha256, sizeof hash);
  else if (!hash_file (fd, cancellable, hash, error))
    return FALSE;
  request.method = "PUT";
  request.key = key;
  request.content_type = content_type;
  request.upload_fd = fd;
  request.upload_size = size;
  request.payload_hash = hash;
  request.long_transfer = TRUE;
  request.cancellable = cancellable;
  if (!s3_perform (s3, &request, &response, error))
    return FALSE;
  if (status_is_success (response.status))
    return TRUE;
  return status_error (s3, &response, key, error);
}

static gboolean
s3_put_file (CarreteStorage *storage, const char *key, const char *path, const char *content_type,
             const char *sha256_hex, GCancellable *cancellable, GError **error)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  struct stat st;
  gboolean ok;

  if (fd < 0)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "storage: cannot open %s: %s",
                   path, g_strerror (errno));
      return FALSE;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "storage: %s is not a file", path);
      return FALSE;
    }
  ok = upload_fd (s3_of (storage), key, fd, (guint64) st.st_size, content_type, sha256_hex,
                  cancellable, error);
  close (fd);
  return ok;
}

static gboolean
s3_get_to_file (CarreteStorage *storage, const char *key, const char *path, guint64 max_bytes,
                GCancellable *cancellable, GError **error)
{
  S3Storage *s3 = s3_of (storage);
  S3Request request = request_defaults;
  g_auto (S3Response) response = { 0 };
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  gboolean ok;

  if (fd < 0)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "storage: cannot create %s: %s",
                   path, g_strerror (errno));
      return FALSE;
    }
  request.method = "GET";
  request.key = key;
  request.download_fd = fd;
  request.max_bytes = max_bytes;
  request.long_transfer = TRUE;
  request.cancellable = cancellable;
  ok = s3_perform (s3, &request, &response, error);
  if (ok && !status_is_success (response.status))
    ok = status_error (s3, &response, key, error);
  if (close (fd) != 0 && ok)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "storage: cannot write %s: %s",
                   path, g_strerror (errno));
      ok = FALSE;
    }
  if (!ok)
    carrete_storage_remove_partial (path);
  return ok;
}

static gboolean
s3_stat (CarreteStorage *storage, const char *key, CarreteObjectInfo *info, GError **error)
{
  S3Storage *s3 = s3_of (storage);
  S3Request request = request_defaults;
  g_auto (S3Response) response = { 0 };

  request.method = "HEAD";
  request.key = key;
  if (!s3_perform (s3, &request, &response, error))
    return FALSE;
  if (!status_is_success (response.status))
    return status_error (s3, &response, key, error);
  info->size = response.content_length;
  info->content_type = g_steal_pointer (&response.content_type);
  info->etag = g_steal_pointer (&response.etag);
  return TRUE;
}

static gboolean
s3_delete (CarreteStorage *storage, const char *key, GError **error)
{
  S3Storage *s3 = s3_of (storage);
  S3Request request = request_defaults;
  g_auto (S3Response) response = { 0 };

  request.method = "DELETE";
  request.key = key;
  if (!s3_perform (s3, &request, &response, error))
    return FALSE;
  /* S3 answers 204 for a missing key too; 404 would be an older store's way. */
  if (status_is_success (response.status) || response.status == 404)
    return TRUE;
  return status_error (s3, &response, key, error);
}

/* One ListObjectsV2 page; *token is replaced by the next page's token, or
 * NULL after the last page. */
static gboolean
list_page (S3Storage *s3, const char *prefix, char **token, GPtrArray *keys, GError **error)
{
  const CarreteSigv4Pair query[] = {
    { "list-type", "2" },
    { "prefix", prefix },
    { "continuation-token", *token },
  };
  S3Request request = request_defaults;
  g_auto (S3Response) response = { 0 };
  g_auto (XmlFields) fields = { 0 };

  request.method = "GET";
  request.query = query;
  request.n_query = *token != NULL ? 3 : 2;
  if (!s3_perform (s3, &request, &response, error))
    return FALSE;
  if (!status_is_success (response.status))
    return status_error (s3, &response, "listing", error);
  if (!xml_parse (response.body, &fields))
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "S3: unreadable listing");
      return FALSE;
    }
  for (guint i = 0; i < fields.keys->len; i++)
    if (carrete_storage_key_is_valid (fields.keys->pdata[i]))
      g_ptr_array_add (keys, g_strdup (fields.keys->pdata[i]));
  g_clear_pointer (token, g_free);
  if (g_strcmp0 (fields.is_truncated, "true") != 0)
    return TRUE;
  if (fields.next_token == NULL || *fields.next_token == '\0')
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED,
                   "S3: truncated listing without a continuation token");
      return FALSE;
    }
  *token = g_steal_pointer (&fields.next_token);
  return TRUE;
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static GPtrArray *
s3_list (CarreteStorage *storage, const char *prefix, GError **error)
{
  S3Storage *s3 = s3_of (storage);
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *token = NULL;

  do
    {
      if (!list_page (s3, prefix, &token, keys, error))
        return NULL;
    }
  while (token != NULL);
  g_ptr_array_sort (keys, compare_strings);
  return g_steal_pointer (&keys);
}

static char *
s3_presign (CarreteStorage *storage, const char *method, const char *key, gint64 now,
            guint ttl_seconds, const char *content_type, GError **error)
{
  S3Storage *s3 = s3_of (storage);
  const CarreteSigv4Credentials credentials = credentials_of (s3);
  const CarreteSigv4Pair type[] = { { "Content-Type", content_type } };
  const CarreteSigv4Pair response_type[] = { { "response-content-type", content_type } };
  gboolean put = strcmp (method, "PUT") == 0;
  g_autofree char *path = request_path (s3, key);

  /* PUT binds the type as a signed header the client must send; GET asks S3
   * to answer with that type. */
  return carrete_sigv4_presign_with_query (
    &credentials, method, s3->public_origin, path, response_type,
    !put && content_type != NULL ? 1 : 0, ttl_seconds, now, type,
    put && content_type != NULL ? 1 : 0, error);
}

/* ---- Life cycle ------------------------------------------------------------------ */

static void
s3_free (CarreteStorage *storage)
{
  S3Storage *s3 = s3_of (storage);

  g_ptr_array_unref (s3->idle);
  g_mutex_clear (&s3->lock);
  if (s3->secret_key != NULL)
    sodium_memzero (s3->secret_key, strlen (s3->secret_key));
  g_free (s3->origin);
  g_free (s3->host);
  g_free (s3->public_origin);
  g_free (s3->bucket);
  g_free (s3->region);
  g_free (s3->access_key);
  g_free (s3->secret_key);
  g_free (s3);
}

static const CarreteStorageBackend s3_backend = {
  .free = s3_free,
  .ensure_ready = s3_ensure_ready,
  .put_file = s3_put_file,
  .get_to_file = s3_get_to_file,
  .stat = s3_stat,
  .delete = s3_delete,
  .list = s3_list,
  .presign = s3_presign,
};

static void
curl_init_once (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      /* Not thread-safe itself, and never undone: libcurl stays usable for
       * the life of the process. */
      curl_global_init (CURL_GLOBAL_DEFAULT);
      g_once_init_leave (&done, 1);
    }
}

/* S3's rules: 3-63 characters, lower-case letters, digits, '.', '-',
 * starting and ending with a letter or digit. */
static gboolean
bucket_is_valid (const char *bucket)
{
  gsize len = bucket != NULL ? strlen (bucket) : 0;

  if (len < 3 || len > 63 || !g_ascii_isalnum (bucket[0]) || !g_ascii_isalnum (bucket[len - 1]))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_islower (bucket[i]) && !g_ascii_isdigit (bucket[i]) && bucket[i] != '.'
        && bucket[i] != '-')
      return FALSE;
  return TRUE;
}

static gboolean
config_error (GError **error, const char *setting, const char *why)
{
  g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG, "%s: %s", setting, why);
  return FALSE;
}

static gboolean
options_valid (const CarreteStorageOptions *options, GError **error)
{
  if (!bucket_is_valid (options->bucket))
    return config_error (error, "CARRETE_S3_BUCKET",
                         "3-63 lower-case letters, digits, '.' or '-'");
  if (options->access_key == NULL || *options->access_key == '\0'
      || strchr (options->access_key, '/') != NULL)
    return config_error (error, "CARRETE_S3_ACCESS_KEY", "missing or invalid");
  if (options->secret_key == NULL || *options->secret_key == '\0')
    return config_error (error, "CARRETE_S3_SECRET_KEY", "missing");
  if (options->region != NULL && (*options->region == '\0' || strchr (options->region, '/')))
    return config_error (error, "CARRETE_S3_REGION", "invalid");
  return TRUE;
}

static gboolean
parse_endpoints (const CarreteStorageOptions *options, S3Storage *s3, GError **error)
{
  g_autofree char *public_host = NULL;
  const char *public_endpoint =
    options->public_endpoint != NULL ? options->public_endpoint : options->endpoint;

  if (!carrete_sigv4_endpoint_host (options->endpoint, &s3->origin, &s3->host, NULL))
    return config_error (error, "CARRETE_S3_ENDPOINT", "must be http(s)://host[:port]");
  if (!carrete_sigv4_endpoint_host (public_endpoint, &s3->public_origin, &public_host, NULL))
    return config_error (error, "CARRETE_S3_PUBLIC_ENDPOINT", "must be http(s)://host[:port]");
  return TRUE;
}

CarreteStorage *
carrete_storage_s3_new (const CarreteStorageOptions *options, GError **error)
{
  S3Storage *s3;

  if (!options_valid (options, error))
    return NULL;
  s3 = g_new0 (S3Storage, 1);
  s3->parent.kind = CARRETE_STORAGE_S3;
  s3->parent.backend = &s3_backend;
  g_mutex_init (&s3->lock);
  s3->idle = g_ptr_array_new_with_free_func ((GDestroyNotify) curl_easy_cleanup);
  if (!parse_endpoints (options, s3, error))
    {
      s3_free (&s3->parent);
      return NULL;
    }
  s3->bucket = g_strdup (options->bucket);
  s3->region = g_strdup (options->region != NULL ? options->region : "us-east-1");
  s3->access_key = g_strdup (options->access_key);
  s3->secret_key = g_strdup (options->secret_key);
  s3->timeout = options->timeout_seconds > 0 ? options->timeout_seconds : DEFAULT_TIMEOUT_SECONDS;
  curl_init_once ();
  return &s3->parent;
}
