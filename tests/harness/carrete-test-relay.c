#define G_LOG_DOMAIN "carrete-test-relay"

#include "carrete-test-relay.h"

#include <gio/gio.h>

#include "carrete-test.h"

#define RELAY_THREADS 16
#define RELAY_BUFFER_BYTES (64 * 1024)

/* Shared by the relay and its connection threads, which may outlive it. */
typedef struct
{
  GMutex lock;
  guint epoch;
  guint64 bytes;
  guint64 rate; /* bytes per second clients may send; 0: no limit */
  char *upstream_host;
  guint16 upstream_port;
} RelayCounts;

/* The listener accepts in a main context of its own, run by a thread of
 * its own: the test's thread blocks (in polls, in sync requests) while
 * clients connect. */
struct _CtRelay
{
  GMainContext *context;
  GMainLoop *loop;
  GThread *thread;
  GSocketService *service;
  RelayCounts *counts;
  char *url;
};

static void
relay_counts_clear (RelayCounts *counts)
{
  g_mutex_clear (&counts->lock);
  g_free (counts->upstream_host);
}

static void
relay_counts_release (RelayCounts *counts)
{
  g_atomic_rc_box_release_full (counts, (GDestroyNotify) relay_counts_clear);
}

static void
relay_counts_notify (gpointer counts, GClosure *closure)
{
  relay_counts_release (counts);
}

/* One direction of a connection: copies until either side ends, counting
 * into `counts` when not NULL (and the connection's epoch is current). */
typedef struct
{
  GIOStream *from;
  GIOStream *to;
  RelayCounts *counts;
  guint epoch;
} RelayPipe;

/* Counts `n` bytes a client sent, and holds them back as long as they
 * take at the relay's rate. */
static void
relay_pipe_count (RelayPipe *pipe, gsize n)
{
  guint64 rate;

  if (pipe->counts == NULL)
    return;
  g_mutex_lock (&pipe->counts->lock);
  if (pipe->counts->epoch == pipe->epoch)
    pipe->counts->bytes += n;
  rate = pipe->counts->rate;
  g_mutex_unlock (&pipe->counts->lock);
  if (rate > 0)
    g_usleep ((gulong) ((guint64) n * G_USEC_PER_SEC / rate));
}

static gpointer
relay_pipe_run (gpointer data)
{
  RelayPipe *pipe = data;
  GInputStream *in = g_io_stream_get_input_stream (pipe->from);
  GOutputStream *out = g_io_stream_get_output_stream (pipe->to);
  g_autofree char *buffer = g_malloc (RELAY_BUFFER_BYTES);
  gssize n;

  /* A killed client ends its side with an error or EOF: either ends this. */
  while ((n = g_input_stream_read (in, buffer, RELAY_BUFFER_BYTES, NULL, NULL)) > 0)
    {
      relay_pipe_count (pipe, (gsize) n);
      if (!g_output_stream_write_all (out, buffer, (gsize) n, NULL, NULL, NULL))
        break;
    }
  /* The other side sees the end (a half-close), as it would without us. */
  g_socket_shutdown (g_socket_connection_get_socket (G_SOCKET_CONNECTION (pipe->to)), FALSE, TRUE,
                     NULL);
  return NULL;
}

static gboolean
on_relay_run (GThreadedSocketService *service, GSocketConnection *client, GObject *source,
              gpointer data)
{
  RelayCounts *counts = data;
  g_autoptr (GSocketClient) connector = g_socket_client_new ();
  g_autoptr (GSocketConnection) upstream = NULL;
  g_autoptr (GError) error = NULL;
  RelayPipe up = { G_IO_STREAM (client), NULL, counts, 0 };
  RelayPipe down = { NULL, G_IO_STREAM (client), NULL, 0 };
  GThread *down_thread;

  upstream = g_socket_client_connect_to_host (connector, counts->upstream_host,
                                              counts->upstream_port, NULL, &error);
  if (upstream == NULL)
    {
      g_warning ("relay: cannot reach %s:%u: %s", counts->upstream_host, counts->upstream_port,
                 error->message);
      return TRUE;
    }
  g_mutex_lock (&counts->lock);
  up.epoch = counts->epoch;
  g_mutex_unlock (&counts->lock);
  up.to = G_IO_STREAM (upstream);
  down.from = G_IO_STREAM (upstream);
  down_thread = g_thread_new ("relay-down", relay_pipe_run, &down);
  relay_pipe_run (&up);
  g_thread_join (down_thread);
  g_io_stream_close (G_IO_STREAM (upstream), NULL, NULL);
  g_io_stream_close (G_IO_STREAM (client), NULL, NULL);
  return TRUE;
}

static gpointer
relay_accept_run (gpointer data)
{
  CtRelay *relay = data;

  g_main_context_push_thread_default (relay->context);
  g_main_loop_run (relay->loop);
  g_main_context_pop_thread_default (relay->context);
  return NULL;
}

CtRelay *
ct_relay_start (const char *upstream_url)
{
  CtRelay *relay = g_new0 (CtRelay, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (GUri) uri = g_uri_parse (upstream_url, G_URI_FLAGS_NONE, &error);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = NULL;
  guint16 port = ct_free_port ();

  g_assert_no_error (error);
  relay->counts = g_atomic_rc_box_new0 (RelayCounts);
  g_mutex_init (&relay->counts->lock);
  relay->counts->upstream_host = g_strdup (g_uri_get_host (uri));
  relay->counts->upstream_port = (guint16) g_uri_get_port (uri);
  relay->context = g_main_context_new ();
  relay->loop = g_main_loop_new (relay->context, FALSE);
  /* The service's accepts belong to the context that is the thread's
   * default when it starts. */
  g_main_context_push_thread_default (relay->context);
  relay->service = g_threaded_socket_service_new (RELAY_THREADS);
  address = g_inet_socket_address_new (loopback, port);
  g_socket_listener_add_address (G_SOCKET_LISTENER (relay->service), address,
                                 G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, NULL, &error);
  g_assert_no_error (error);
  g_signal_connect_data (relay->service, "run", G_CALLBACK (on_relay_run),
                         g_atomic_rc_box_acquire (relay->counts), relay_counts_notify, 0);
  g_socket_service_start (relay->service);
  g_main_context_pop_thread_default (relay->context);
  relay->thread = g_thread_new ("relay-accept", relay_accept_run, relay);
  relay->url = g_strdup_printf ("http://127.0.0.1:%u", port);
  return relay;
}

const char *
ct_relay_url (CtRelay *relay)
{
  return relay->url;
}

void
ct_relay_reset (CtRelay *relay)
{
  g_mutex_lock (&relay->counts->lock);
  relay->counts->epoch++;
  relay->counts->bytes = 0;
  g_mutex_unlock (&relay->counts->lock);
}

void
ct_relay_set_rate (CtRelay *relay, guint64 bytes_per_second)
{
  g_mutex_lock (&relay->counts->lock);
  relay->counts->rate = bytes_per_second;
  g_mutex_unlock (&relay->counts->lock);
}

guint64
ct_relay_bytes_sent (CtRelay *relay)
{
  guint64 bytes;

  g_mutex_lock (&relay->counts->lock);
  bytes = relay->counts->bytes;
  g_mutex_unlock (&relay->counts->lock);
  return bytes;
}

void
ct_relay_free (CtRelay *relay)
{
  if (relay == NULL)
    return;
  g_main_loop_quit (relay->loop);
  g_thread_join (relay->thread);
  g_main_context_push_thread_default (relay->context);
  g_socket_service_stop (relay->service);
  g_socket_listener_close (G_SOCKET_LISTENER (relay->service));
  /* Connections still running hold the service and the counts. */
  g_object_unref (relay->service);
  while (g_main_context_iteration (relay->context, FALSE))
    ;
  g_main_context_pop_thread_default (relay->context);
  g_main_loop_unref (relay->loop);
  g_main_context_unref (relay->context);
  relay_counts_release (relay->counts);
  g_free (relay->url);
  g_free (relay);
}
