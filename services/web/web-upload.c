#define G_LOG_DOMAIN "carrete-web"

#include "web-upload.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "carrete-error.h"
#include "carrete-fd.h"
#include "web-cookies.h"

/* What an anonymous request may send: a login or registration form. */
#define ANONYMOUS_BODY_BYTES (64 * 1024)

struct _WebUploadSpool
{
  SoupServerMessage *msg; /* weak: the spool lives on the message, and the
                             message's finalization clears this first */
  gulong handler;
  int fd;
  guint64 limit;
  guint64 received;
  gboolean too_large;
  int write_errno;
};

static void
on_chunk (SoupServerMessage *msg, GBytes *chunk, gpointer user_data)
{
  WebUploadSpool *spool = user_data;
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (chunk, &len);

  if (spool->too_large || spool->write_errno != 0)
    return;
  spool->received += len;
  if (spool->received > spool->limit)
    {
      spool->too_large = TRUE;
      if (ftruncate (spool->fd, 0) != 0)
        g_message ("could not truncate an oversized upload: %s", g_strerror (errno));
      return;
    }
  spool->write_errno = carrete_fd_write_all (spool->fd, data, len);
}

static gboolean
has_credentials (SoupMessageHeaders *headers)
{
  const char *cookies = soup_message_headers_get_list (headers, "Cookie");

  return soup_message_headers_get_one (headers, "Authorization") != NULL
         || (cookies != NULL
             && (strstr (cookies, WEB_COOKIE_ACCESS "=") != NULL
                 || strstr (cookies, WEB_COOKIE_REFRESH "=") != NULL));
}

/* `limit`: what a signed-in caller may send. */
static gpointer
spool_begin_limited (WebApp *app, SoupServerMessage *msg, guint64 limit)
{
  WebUploadSpool *spool = g_new0 (WebUploadSpool, 1);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autofree char *template = g_build_filename (app->spool_dir, "carrete-web-upload-XXXXXX", NULL);

  spool->msg = msg;
  /* Only a signed-in caller (session cookie or bearer token) may make us
   * store a large body; an anonymous one gets room for a login's JSON, so
   * that strangers cannot fill the spool folder with slow uploads. */
  spool->limit = has_credentials (headers) ? limit : ANONYMOUS_BODY_BYTES;
  spool->fd = -1;
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
      && (guint64) soup_message_headers_get_content_length (headers) > spool->limit)
    spool->too_large = TRUE;
  else if ((spool->fd = g_mkstemp (template)) < 0)
    spool->write_errno = errno;
  else
    g_unlink (template); /* nothing is left behind, whatever happens next */
  g_object_add_weak_pointer (G_OBJECT (msg), (gpointer *) &spool->msg);
  spool->handler = g_signal_connect (msg, "got-chunk", G_CALLBACK (on_chunk), spool);
  return spool;
}

static gpointer
spool_begin (gpointer app_data, SoupServerMessage *msg, GHashTable *query)
{
  WebApp *app = app_data;

  return spool_begin_limited (app, msg, app->max_request_bytes);
}

/* A part of a resumable upload is the photos service's part size, 8 MiB
 * for any file up to 80 GB: more than one request of a small per-file
 * limit may carry. */
static gpointer
part_begin (gpointer app_data, SoupServerMessage *msg, GHashTable *query)
{
  WebApp *app = app_data;

  return spool_begin_limited (app, msg, MAX (app->max_request_bytes, WEB_UPLOAD_PART_BYTES));
}

static void
spool_free (gpointer data)
{
  WebUploadSpool *spool = data;

  /* Freed with the message's data, its handlers are gone and the weak
   * pointer already cleared; freed early (a refusal), both are live. */
  if (spool->msg != NULL)
    {
      g_clear_signal_handler (&spool->handler, spool->msg);
      g_object_remove_weak_pointer (G_OBJECT (spool->msg), (gpointer *) &spool->msg);
    }
  if (spool->fd >= 0)
    close (spool->fd);
  g_free (spool);
}

const CarreteBodyStream web_upload_stream = {
  .begin = spool_begin,
  .free = spool_free,
};

const CarreteBodyStream web_upload_part_stream = {
  .begin = part_begin,
  .free = spool_free,
};

gboolean
web_upload_spool_too_large (WebUploadSpool *spool)
{
  return spool->too_large;
}

gboolean
web_upload_spool_has_body (WebUploadSpool *spool)
{
  return spool->received > 0;
}

GBytes *
web_upload_spool_map (WebUploadSpool *spool, GError **error)
{
  g_autoptr (GMappedFile) mapped = NULL;

  if (spool->write_errno != 0)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                   "the upload could not be stored: %s", g_strerror (spool->write_errno));
      return NULL;
    }
  if (spool->received == 0)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_BAD_REQUEST, "the upload is empty");
      return NULL;
    }
  mapped = g_mapped_file_new_from_fd (spool->fd, FALSE, error);
  return mapped != NULL ? g_mapped_file_get_bytes (mapped) : NULL;
}
