#define G_LOG_DOMAIN "carrete-connection-guard"

#include "carrete-connection-guard.h"

#include <errno.h>
#include <sys/socket.h>

#include "carrete-source.h"

struct _CarreteConnectionGuard
{
  SoupServer *server;
  gulong handlers[4];
  guint idle_seconds;
  guint read_seconds;
  GHashTable *idle;      /* GSocket* → IdleWatch* */
  GHashTable *deadlines; /* SoupServerMessage* → ReadDeadline* */
};

/* ---- idle connections ------------------------------------------------------ */

typedef struct
{
  CarreteConnectionGuard *guard;
  GSocket *socket; /* a reference */
  GSource *readable;
  guint timeout_id;
} IdleWatch;

static void
idle_watch_free (gpointer data)
{
  IdleWatch *watch = data;

  if (watch->readable != NULL)
    {
      g_source_destroy (watch->readable);
      g_source_unref (watch->readable);
    }
  g_clear_handle_id (&watch->timeout_id, carrete_source_remove);
  g_object_unref (watch->socket);
  g_free (watch);
}

static void
close_socket (GSocket *socket)
{
  if (socket != NULL && !g_socket_is_closed (socket))
    g_socket_close (socket, NULL);
}

static void
idle_watch_end (IdleWatch *watch, gboolean close)
{
  if (close)
    close_socket (watch->socket);
  g_hash_table_remove (watch->guard->idle, watch->socket); /* frees watch */
}

/* Peeking leaves the bytes for libsoup: > 0 is the next request (libsoup
 * takes over), 0 is the peer's FIN, EAGAIN a spurious wake-up, any other
 * error a dead connection.  The GSocket API is used throughout, so a
 * descriptor number reused by a newer connection is never touched. */
static gboolean
on_idle_socket_event (GSocket *socket, GIOCondition condition, gpointer user_data)
{
  IdleWatch *watch = user_data;
  char byte;
  gssize n;

  if (g_socket_is_closed (socket))
    n = 1; /* libsoup closed it: nothing left to do */
  else
    {
      n = recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return G_SOURCE_CONTINUE;
    }
  g_source_unref (g_steal_pointer (&watch->readable));
  idle_watch_end (watch, n <= 0);
  return G_SOURCE_REMOVE;
}

static gboolean
on_idle_timeout (gpointer user_data)
{
  IdleWatch *watch = user_data;

  watch->timeout_id = 0;
  idle_watch_end (watch, TRUE);
  return G_SOURCE_REMOVE;
}

static void
on_request_finished (SoupServer *server, SoupServerMessage *msg, gpointer user_data)
{
  CarreteConnectionGuard *guard = user_data;
  GSocket *socket = soup_server_message_get_socket (msg);
  IdleWatch *watch;

  g_hash_table_remove (guard->deadlines, msg);
  if (socket == NULL || g_socket_is_closed (socket) || g_hash_table_contains (guard->idle, socket))
    return;
  watch = g_new0 (IdleWatch, 1);
  watch->guard = guard;
  watch->socket = g_object_ref (socket);
  watch->readable = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (watch->readable, G_SOURCE_FUNC (on_idle_socket_event), watch, NULL);
  g_source_set_static_name (watch->readable, "carrete-idle-connection");
  carrete_source_attach (watch->readable);
  watch->timeout_id = carrete_timeout_add_seconds (guard->idle_seconds, on_idle_timeout, watch);
  g_hash_table_insert (guard->idle, socket, watch);
}

/* ---- read deadlines -------------------------------------------------------- */

typedef struct
{
  CarreteConnectionGuard *guard;
  SoupServerMessage *msg; /* a reference, so the timer never sees a dead one */
  guint timeout_id;
  gulong disconnected_id;
  gulong chunk_id;          /* progress mode: a long body that keeps coming */
  gint64 last_progress_us;  /* monotonic time of the last chunk */
} ReadDeadline;

static void
read_deadline_free (gpointer data)
{
  ReadDeadline *deadline = data;

  g_clear_handle_id (&deadline->timeout_id, carrete_source_remove);
  g_clear_signal_handler (&deadline->disconnected_id, deadline->msg);
  g_clear_signal_handler (&deadline->chunk_id, deadline->msg);
  g_object_unref (deadline->msg);
  g_free (deadline);
}

/* A client that hangs up mid-request gets neither request-read nor
 * request-aborted, but its message says "disconnected": let it go now
 * rather than holding it until the timer. */
static void
on_message_disconnected (SoupServerMessage *msg, gpointer user_data)
{
  ReadDeadline *deadline = user_data;
  g_hash_table_remove (deadline->guard->deadlines, msg);
}

static gboolean
on_read_deadline (gpointer user_data)
{
  ReadDeadline *deadline = user_data;
  gint64 quiet_us = g_get_monotonic_time () - deadline->last_progress_us;
  gint64 limit_us = (gint64) deadline->guard->read_seconds * G_USEC_PER_SEC;

  deadline->timeout_id = 0;
  if (deadline->chunk_id != 0 && quiet_us < limit_us)
    {
      /* Still arriving: wait out the rest of a quiet period. */
      guint left_ms = (guint) ((limit_us - quiet_us) / 1000) + 1;
      deadline->timeout_id = carrete_timeout_add (left_ms, on_read_deadline, deadline);
      return G_SOURCE_REMOVE;
    }
  g_debug ("closing a connection that did not send a whole request in time");
  close_socket (soup_server_message_get_socket (deadline->msg));
  g_hash_table_remove (deadline->guard->deadlines, deadline->msg);
  return G_SOURCE_REMOVE;
}

/* A new request is starting: on a new connection before any byte, on a
 * kept-alive one when its first bytes arrive (pipelined ones included). */
static void
on_request_started (SoupServer *server, SoupServerMessage *msg, gpointer user_data)
{
  CarreteConnectionGuard *guard = user_data;
  GSocket *socket = soup_server_message_get_socket (msg);
  ReadDeadline *deadline;

  if (socket != NULL)
    g_hash_table_remove (guard->idle, socket); /* busy again */
  deadline = g_new0 (ReadDeadline, 1);
  deadline->guard = guard;
  deadline->msg = g_object_ref (msg);
  deadline->timeout_id = carrete_timeout_add_seconds (guard->read_seconds, on_read_deadline, deadline);
  deadline->disconnected_id = g_signal_connect (msg, "disconnected",
                                                G_CALLBACK (on_message_disconnected), deadline);
  g_hash_table_replace (guard->deadlines, msg, deadline);
}

static void
on_request_read_or_aborted (SoupServer *server, SoupServerMessage *msg, gpointer user_data)
{
  CarreteConnectionGuard *guard = user_data;
  g_hash_table_remove (guard->deadlines, msg);
}

static void
on_progress_chunk (SoupServerMessage *msg, GBytes *chunk, gpointer user_data)
{
  ReadDeadline *deadline = user_data;
  deadline->last_progress_us = g_get_monotonic_time ();
}

void
carrete_connection_guard_allow_long_body (CarreteConnectionGuard *guard, SoupServerMessage *msg)
{
  ReadDeadline *deadline = g_hash_table_lookup (guard->deadlines, msg);

  if (deadline == NULL || deadline->chunk_id != 0)
    return;
  deadline->last_progress_us = g_get_monotonic_time ();
  deadline->chunk_id = g_signal_connect (msg, "got-chunk", G_CALLBACK (on_progress_chunk),
                                         deadline);
}

/* ---- life cycle ---------------------------------------------------------- */

CarreteConnectionGuard *
carrete_connection_guard_new (SoupServer *server, guint idle_seconds, guint read_seconds)
{
  CarreteConnectionGuard *guard = g_new0 (CarreteConnectionGuard, 1);

  guard->server = server;
  guard->idle_seconds = idle_seconds;
  guard->read_seconds = read_seconds;
  guard->idle = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, idle_watch_free);
  guard->deadlines = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                            read_deadline_free);
  guard->handlers[0] = g_signal_connect (server, "request-started",
                                         G_CALLBACK (on_request_started), guard);
  guard->handlers[1] = g_signal_connect (server, "request-read",
                                         G_CALLBACK (on_request_read_or_aborted), guard);
  guard->handlers[2] = g_signal_connect (server, "request-aborted",
                                         G_CALLBACK (on_request_read_or_aborted), guard);
  guard->handlers[3] = g_signal_connect (server, "request-finished",
                                         G_CALLBACK (on_request_finished), guard);
  return guard;
}

void
carrete_connection_guard_free (CarreteConnectionGuard *guard)
{
  if (guard == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (guard->handlers); i++)
    g_signal_handler_disconnect (guard->server, guard->handlers[i]);
  g_hash_table_unref (guard->idle);
  g_hash_table_unref (guard->deadlines);
  g_free (guard);
}
