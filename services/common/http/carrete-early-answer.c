#define G_LOG_DOMAIN "carrete-early-answer"

#include "carrete-early-answer.h"

#include <gio/gio.h>

#include "carrete-source.h"

/* The lingering close: at most this long, and this much, of what the
 * client keeps sending after its answer.  A client that reads its answer
 * early (curl, or any client that sent Expect: 100-continue) stops at
 * once; a simple one (libsoup's, a proxy's) writes the whole body before
 * it reads, and would see its write fail instead of the answer if the
 * connection closed under it: so uploads of an ordinary size are drained
 * to their end, and only a huge or endless one is cut off. */
#define LINGER_MS 15000
#define LINGER_BYTES (128 * 1024 * 1024)
#define DRAIN_CHUNK (64 * 1024)

typedef struct
{
  GIOStream *stream;
  GSocket *socket;
  GCancellable *cancellable; /* ends the linger */
  guint timeout_id;
  gsize drained;
} Linger;

static void
linger_end (Linger *linger)
{
  g_clear_handle_id (&linger->timeout_id, carrete_source_remove);
  g_io_stream_close (linger->stream, NULL, NULL);
  g_object_unref (linger->stream);
  g_object_unref (linger->cancellable);
  g_free (linger);
}

static gboolean
on_linger_timeout (gpointer data)
{
  Linger *linger = data;

  linger->timeout_id = 0;
  g_cancellable_cancel (linger->cancellable);
  return G_SOURCE_REMOVE;
}

static void drain_next (Linger *linger);

static void
on_drained (GObject *source, GAsyncResult *result, gpointer data)
{
  Linger *linger = data;
  g_autoptr (GBytes) bytes
      = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, NULL);
  gsize n = bytes != NULL ? g_bytes_get_size (bytes) : 0;

  linger->drained += n;
  /* The end, an error, the time-out, or enough: close. */
  if (n == 0 || linger->drained >= LINGER_BYTES)
    {
      linger_end (linger);
      return;
    }
  drain_next (linger);
}

static void
drain_next (Linger *linger)
{
  g_input_stream_read_bytes_async (g_io_stream_get_input_stream (linger->stream), DRAIN_CHUNK,
                                   G_PRIORITY_DEFAULT, linger->cancellable, on_drained, linger);
}

static void
on_written (GObject *source, GAsyncResult *result, gpointer data)
{
  Linger *linger = data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL)
      || linger->socket == NULL || !g_socket_shutdown (linger->socket, FALSE, TRUE, NULL))
    {
      linger_end (linger);
      return;
    }
  linger->timeout_id = carrete_timeout_add (LINGER_MS, on_linger_timeout, linger);
  drain_next (linger);
}

/* The answer as bytes on the wire: HTTP/1.1, its headers with a
 * Content-Length and Connection: close, its body. */
static GBytes *
serialize (SoupServerMessage *msg)
{
  guint status = soup_server_message_get_status (msg);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autoptr (GBytes) body = soup_message_body_flatten (soup_server_message_get_response_body (msg));
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = soup_date_time_to_string (now, SOUP_DATE_HTTP);
  GString *out = g_string_sized_new (512 + g_bytes_get_size (body));
  SoupMessageHeadersIter iter;
  const char *name, *value;

  g_string_append_printf (out, "HTTP/1.1 %u %s\r\nDate: %s\r\n", status,
                          soup_status_get_phrase (status), date);
  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    if (g_ascii_strcasecmp (name, "Content-Length") != 0
        && g_ascii_strcasecmp (name, "Connection") != 0 && g_ascii_strcasecmp (name, "Date") != 0)
      g_string_append_printf (out, "%s: %s\r\n", name, value);
  g_string_append_printf (out, "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                          g_bytes_get_size (body));
  g_string_append_len (out, g_bytes_get_data (body, NULL), (gssize) g_bytes_get_size (body));
  return g_string_free_to_bytes (out);
}

void
carrete_early_answer_send (SoupServerMessage *msg)
{
  g_autoptr (GBytes) wire = serialize (msg);
  GIOStream *stream = soup_server_message_steal_connection (msg);
  Linger *linger;

  if (stream == NULL)
    return; /* the connection is already gone */
  linger = g_new0 (Linger, 1);
  linger->stream = stream;
  /* libsoup keeps the connection's socket on the stream it hands over. */
  linger->socket = g_object_get_data (G_OBJECT (stream), "GSocket");
  linger->cancellable = g_cancellable_new ();
  g_output_stream_write_all_async (g_io_stream_get_output_stream (stream),
                                   g_bytes_get_data (wire, NULL), g_bytes_get_size (wire),
                                   G_PRIORITY_DEFAULT, NULL, on_written, linger);
  /* write_all_async copies nothing: the bytes must outlive the write. */
  g_object_set_data_full (G_OBJECT (stream), "carrete-early-answer", g_bytes_ref (wire),
                          (GDestroyNotify) g_bytes_unref);
}
