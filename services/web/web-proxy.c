#define G_LOG_DOMAIN "carrete-web"

#include "web-proxy.h"

#include <string.h>

#include "app.h"
#include "web-upload.h"

#define READ_CHUNK (64 * 1024)

static const struct
{
  const char *prefix;
  int service; /* 0 users, 1 photos, 2 folders */
} targets[] = {
  { "/v1/auth/", 0 }, { "/v1/users", 0 }, { "/.well-known/", 0 },
  { "/v1/photos", 1 }, { "/v1/storage/", 1 }, { "/v1/trash", 1 },
  { "/v1/folders", 2 }, { "/v1/shares", 2 },
};

/* Hop-by-hop headers (RFC 9110 §7.6.1) and what must not cross: the
 * browser's cookies stay here, lengths are recomputed by libsoup. */
static const char *const dropped_headers[] = {
  "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding",
  "Upgrade", "Host", "Content-Length", "Cookie", "Set-Cookie", "Expect",
  /* Credentials for a proxy, and forwarding claims the browser may not make
   * (X-Forwarded-For is set from the address carrete-web saw). */
  "Proxy-Authorization", "Forwarded", "X-Forwarded-For",
};

/* Headers carrete-web sets on every response; a service's own (say on a
 * stored object) must not loosen them on carrete-web's origin. */
static const char *const web_owned_headers[] = {
  "Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options",
  "Cross-Origin-Opener-Policy",
};

const char *
web_proxy_target (const char *path, const char *users_url, const char *photos_url,
                  const char *folders_url)
{
  const char *bases[] = { users_url, photos_url, folders_url };

  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      const char *prefix = targets[i].prefix;
      gsize len = strlen (prefix);

      /* "/v1/photos" matches "/v1/photos", "/v1/photos/…" and "/v1/photos?…",
       * not "/v1/photosx". */
      if (strncmp (path, prefix, len) == 0
          && (prefix[len - 1] == '/' || path[len] == '\0' || path[len] == '/'))
        return bases[targets[i].service];
    }
  return NULL;
}

static gboolean
header_is_dropped (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (dropped_headers); i++)
    if (g_ascii_strcasecmp (name, dropped_headers[i]) == 0)
      return TRUE;
  return FALSE;
}

typedef struct
{
  CarreteRequest *req;    /* until the status is answered */
  SoupServerMessage *msg; /* a reference */
  SoupMessage *upstream;
  GInputStream *in;
  GCancellable *cancellable;
  gulong wrote_id;
  gulong finished_id;
  char *what; /* "GET /v1/…" for log lines */
  gboolean client_gone; /* the message is finished: never unpause it again */
} Proxy;

static void
proxy_free (Proxy *proxy)
{
  g_clear_signal_handler (&proxy->wrote_id, proxy->msg);
  g_clear_signal_handler (&proxy->finished_id, proxy->msg);
  g_clear_object (&proxy->in);
  g_clear_object (&proxy->upstream);
  g_clear_object (&proxy->cancellable);
  g_clear_object (&proxy->msg);
  g_free (proxy->what);
  g_free (proxy);
}

static void
copy_request_header (const char *name, const char *value, gpointer user_data)
{
  if (!header_is_dropped (name))
    soup_message_headers_append (user_data, name, value);
}

static gboolean
header_is_web_owned (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (web_owned_headers); i++)
    if (g_ascii_strcasecmp (name, web_owned_headers[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
copy_response_header (const char *name, const char *value, gpointer user_data)
{
  if (!header_is_dropped (name) && !header_is_web_owned (name))
    soup_message_headers_replace (user_data, name, value);
}

static void
end_body (Proxy *proxy)
{
  if (!proxy->client_gone)
    {
      soup_message_body_complete (soup_server_message_get_response_body (proxy->msg));
      soup_server_message_unpause (proxy->msg);
    }
  proxy_free (proxy);
}

static void
on_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Proxy *proxy = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);

  if (chunk == NULL)
    {
      /* The status is sent already: a cut body is all that can tell. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("%s: the service's answer broke off: %s", proxy->what, error->message);
      end_body (proxy);
      return;
    }
  if (g_bytes_get_size (chunk) == 0 || proxy->client_gone)
    {
      end_body (proxy);
      return;
    }
  soup_message_body_append_bytes (soup_server_message_get_response_body (proxy->msg), chunk);
  soup_server_message_unpause (proxy->msg);
  /* The next read starts once this chunk is written (on_wrote_chunk). */
}

static void
read_next (Proxy *proxy)
{
  g_input_stream_read_bytes_async (proxy->in, READ_CHUNK, G_PRIORITY_DEFAULT, proxy->cancellable,
                                   on_read, proxy);
}

static void
on_wrote_chunk (SoupServerMessage *msg, guint chunk_size, gpointer user_data)
{
  read_next (user_data);
}

static void
on_client_gone (SoupServerMessage *msg, gpointer user_data)
{
  Proxy *proxy = user_data;

  proxy->client_gone = TRUE;
  g_cancellable_cancel (proxy->cancellable);
}

static gboolean
has_no_body (SoupServerMessage *msg, guint status)
{
  return status == 204 || status == 304 || (status >= 100 && status < 200)
         || g_str_equal (soup_server_message_get_method (msg), "HEAD");
}

static void
on_upstream_headers (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Proxy *proxy = user_data;
  CarreteRequest *req = g_steal_pointer (&proxy->req);
  g_autoptr (GError) error = NULL;
  SoupMessageHeaders *out = soup_server_message_get_response_headers (proxy->msg);
  SoupMessageHeaders *in;
  goffset length;
  guint status;

  proxy->in = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (proxy->in == NULL)
    {
      g_message ("%s: %s", proxy->what, error->message);
      proxy_free (proxy);
      carrete_request_respond_status (req, 503, "The service behind this address is unavailable.");
      return;
    }
  status = soup_message_get_status (proxy->upstream);
  in = soup_message_get_response_headers (proxy->upstream);
  soup_message_headers_foreach (in, copy_response_header, out);
  length = soup_message_headers_get_content_length (in);
  if (has_no_body (proxy->msg, status))
    {
      carrete_request_respond_empty (req, status);
      proxy_free (proxy);
      return;
    }
  if (soup_message_headers_get_encoding (in) == SOUP_ENCODING_CONTENT_LENGTH)
    soup_message_headers_set_content_length (out, length);
  else
    soup_message_headers_set_encoding (out, SOUP_ENCODING_CHUNKED);
  soup_message_body_set_accumulate (soup_server_message_get_response_body (proxy->msg), FALSE);
  proxy->wrote_id = g_signal_connect (proxy->msg, "wrote-chunk", G_CALLBACK (on_wrote_chunk), proxy);
  proxy->finished_id = g_signal_connect (proxy->msg, "finished", G_CALLBACK (on_client_gone), proxy);
  /* Logs, counts and unpauses: the headers go out, the body follows. */
  carrete_request_respond_empty (req, status);
  read_next (proxy);
}

void
web_proxy_handle (CarreteRequest *req)
{
  WebApp *app = carrete_request_get_app (req);
  SoupServerMessage *msg = carrete_request_get_message (req);
  GUri *uri = soup_server_message_get_uri (msg);
  const char *path = g_uri_get_path (uri);
  const char *query = g_uri_get_query (uri);
  const char *base = web_proxy_target (path, app->users_url, app->photos_url, app->folders_url);
  WebUploadSpool *spool = carrete_request_get_stream (req);
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  Proxy *proxy;

  if (base == NULL)
    {
      carrete_request_respond_status (req, 404, "There is nothing at this address.");
      return;
    }
  if (spool != NULL && web_upload_spool_too_large (spool))
    {
      carrete_request_set_header (req, "Connection", "close");
      carrete_request_respond_status (req, 413, "The request body is too large.");
      return;
    }
  if (spool != NULL && web_upload_spool_has_body (spool)
      && (body = web_upload_spool_map (spool, &error)) == NULL)
    {
      g_warning ("proxy spool: %s", error->message);
      carrete_request_respond_status (req, 503, "The request body could not be stored.");
      return;
    }
  url = g_strconcat (base, path, query != NULL ? "?" : "", query != NULL ? query : "", NULL);
  proxy = g_new0 (Proxy, 1);
  proxy->msg = g_object_ref (msg);
  proxy->cancellable = g_cancellable_new ();
  proxy->what = g_strdup_printf ("%s %s", soup_server_message_get_method (msg), path);
  proxy->upstream = soup_message_new (soup_server_message_get_method (msg), url);
  if (proxy->upstream == NULL)
    {
      proxy_free (proxy);
      carrete_request_respond_status (req, 400, "This address cannot be passed on.");
      return;
    }
  soup_message_headers_foreach (request_headers, copy_request_header,
                                soup_message_get_request_headers (proxy->upstream));
  soup_message_headers_replace (soup_message_get_request_headers (proxy->upstream), "X-Request-Id",
                                carrete_request_get_request_id (req));
  soup_message_headers_replace (soup_message_get_request_headers (proxy->upstream), "X-Forwarded-For",
                                carrete_request_get_client_address (req));
  /* The whole Content-Type as the client sent it: the media type alone
   * would drop its parameters, a multipart body's boundary among them. */
  if (body != NULL)
    soup_message_set_request_body_from_bytes (
        proxy->upstream, soup_message_headers_get_one (request_headers, "Content-Type"), body);
  proxy->req = req;
  soup_session_send_async (app->session, proxy->upstream, G_PRIORITY_DEFAULT, proxy->cancellable,
                           on_upstream_headers, proxy);
}
