#define G_LOG_DOMAIN "carrete-connection-guard"

#include "carrete-connection-guard.h"

#include <errno.h>
#include <sys/socket.h>

#include "carrete-source.h"

/* How often the guard looks at the connections it keeps an eye on.  One
 * timer per server instead of timers and socket watches per request: those
 * cost a busy server more than the requests' own work (each watch added or
 * removed wakes the main loop up).  Limits are therefore kept to within
 * this much. */
#define SWEEP_INTERVAL_MS 250

struct _CarreteConnectionGuard
{
  SoupServer *server;
  gulong handlers[4];
  gint64 idle_us;
  gint64 read_us;
  GHashTable *idle;      /* GSocket* (a reference) → monotonic µs when it went idle */
  GHashTable *deadlines; /* SoupServerMessage* → ReadDeadline* */
  GHashTable *working;   /* SoupServerMessage* → GCancellable* (references both) */
  guint sweep_id;
};

typedef struct
{
  SoupServerMessage *msg; /* a reference: the sweep never sees a dead one */
  gint64 since_us;        /* monotonic: the request's first byte, or the last body chunk */
  gulong chunk_id;        /* progress mode: a long body that keeps coming */
} ReadDeadline;

static void
close_socket (GSocket *socket)
{
  if (socket != NULL && !g_socket_is_closed (socket))
    g_socket_close (socket, NULL);
}

/* ---- the sweep ------------------------------------------------------------- */

/* Peeking leaves the bytes for libsoup: > 0 is the next request (libsoup
 * takes over), 0 is the peer's FIN, EAGAIN nothing yet, any other error a
 * dead connection.  The GSocket API is used throughout, so a descriptor
 * number reused by a newer connection is never touched. */
static gboolean
peer_has_gone (GSocket *socket)
{
  char byte;
  gssize n = recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);

  if (n < 0)
    return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
  return n == 0;
}

/* One kind of connection the guard watches: TRUE when the entry is done
 * with (and, where that is the rule, its connection closed or its work
 * cancelled), so that it leaves the table. */
typedef gboolean (*SettleFunc) (CarreteConnectionGuard *guard, gpointer key, gpointer value,
                                gint64 now);

static void
sweep_table (CarreteConnectionGuard *guard, GHashTable *table, SettleFunc settle, gint64 now)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (settle (guard, key, value, now))
      g_hash_table_iter_remove (&iter);
}

/* libsoup 3.2 never notices a keep-alive connection that the client closes
 * while idle: it is closed here, as is one idle for too long. */
static gboolean
settle_idle (CarreteConnectionGuard *guard, gpointer key, gpointer value, gint64 now)
{
  GSocket *socket = key;
  gint64 since = *(gint64 *)value;

  if (g_socket_is_closed (socket))
    return TRUE;
  if (now - since < guard->idle_us && !peer_has_gone (socket))
    return FALSE;
  close_socket (socket);
  return TRUE;
}

static gboolean
settle_deadline (CarreteConnectionGuard *guard, gpointer key, gpointer value, gint64 now)
{
  GSocket *socket = soup_server_message_get_socket (key);
  ReadDeadline *deadline = value;

  if (socket == NULL || g_socket_is_closed (socket))
    return TRUE; /* the client hung up */
  if (now - deadline->since_us < guard->read_us)
    return FALSE;
  g_debug ("closing a connection that did not send a whole request in time");
  close_socket (socket);
  return TRUE;
}

/* libsoup reads nothing from a connection while its request is paused, so
 * it would not notice the client leaving: the requests being worked on are
 * peeked at here.  Bytes are a pipelined next request, which proves
 * nothing; the end of the stream or an error is a hang-up. */
static gboolean
settle_working (CarreteConnectionGuard *guard, gpointer key, gpointer value, gint64 now)
{
  GSocket *socket = soup_server_message_get_socket (key);

  if (socket != NULL && !g_socket_is_closed (socket) && !peer_has_gone (socket))
    return FALSE;
  g_cancellable_cancel (value);
  return TRUE;
}

static gboolean
sweep (gpointer user_data)
{
  CarreteConnectionGuard *guard = user_data;
  gint64 now = g_get_monotonic_time ();

  sweep_table (guard, guard->idle, settle_idle, now);
  sweep_table (guard, guard->deadlines, settle_deadline, now);
  sweep_table (guard, guard->working, settle_working, now);
  if (g_hash_table_size (guard->idle) > 0 || g_hash_table_size (guard->deadlines) > 0
      || g_hash_table_size (guard->working) > 0)
    return G_SOURCE_CONTINUE;
  /* Nothing to watch: an idle server does not wake up. */
  guard->sweep_id = 0;
  return G_SOURCE_REMOVE;
}

static void
ensure_sweeping (CarreteConnectionGuard *guard)
{
  if (guard->sweep_id == 0)
    guard->sweep_id = carrete_timeout_add (SWEEP_INTERVAL_MS, sweep, guard);
}

/* ---- request life cycle ---------------------------------------------------- */

static void
read_deadline_free (gpointer data)
{
  ReadDeadline *deadline = data;

  g_clear_signal_handler (&deadline->chunk_id, deadline->msg);
  g_object_unref (deadline->msg);
  g_free (deadline);
}

/* A new request is starting: on a new connection before any byte, on a
 * kept-alive one when its first bytes arrive (pipelined ones included). */
static void
on_request_started (SoupServer *server, SoupServerMessage *msg, gpointer user_data)
{
  CarreteConnectionGuard *guard = user_data;
  GSocket *socket = soup_server_message_get_socket (msg);
  ReadDeadline *deadline = g_new0 (ReadDeadline, 1);

  if (socket != NULL)
    g_hash_table_remove (guard->idle, socket); /* busy again */
  deadline->msg = g_object_ref (msg);
  deadline->since_us = g_get_monotonic_time ();
  g_hash_table_replace (guard->deadlines, msg, deadline);
  ensure_sweeping (guard);
}

static void
on_request_read_or_aborted (SoupServer *server, SoupServerMessage *msg, gpointer user_data)
{
  CarreteConnectionGuard *guard = user_data;

  g_hash_table_remove (guard->deadlines, msg);
}

static void
on_request_finished (SoupServer *server, SoupServerMessage *msg, gpointer user_data)
{
  CarreteConnectionGuard *guard = user_data;
  GSocket *socket = soup_server_message_get_socket (msg);
  gint64 *since;

  g_hash_table_remove (guard->deadlines, msg);
  if (socket == NULL || g_socket_is_closed (socket) || g_hash_table_contains (guard->idle, socket))
    return;
  since = g_new (gint64, 1);
  *since = g_get_monotonic_time ();
  g_hash_table_insert (guard->idle, g_object_ref (socket), since);
  ensure_sweeping (guard);
}

static void
on_progress_chunk (SoupServerMessage *msg, GBytes *chunk, gpointer user_data)
{
  ReadDeadline *deadline = user_data;

  deadline->since_us = g_get_monotonic_time ();
}

void
carrete_connection_guard_allow_long_body (CarreteConnectionGuard *guard, SoupServerMessage *msg)
{
  ReadDeadline *deadline = g_hash_table_lookup (guard->deadlines, msg);

  if (deadline == NULL || deadline->chunk_id != 0)
    return;
  deadline->since_us = g_get_monotonic_time ();
  deadline->chunk_id = g_signal_connect (msg, "got-chunk", G_CALLBACK (on_progress_chunk),
                                         deadline);
}

void
carrete_connection_guard_watch_hang_up (CarreteConnectionGuard *guard, SoupServerMessage *msg,
                                        GCancellable *cancellable)
{
  g_hash_table_replace (guard->working, g_object_ref (msg), g_object_ref (cancellable));
  ensure_sweeping (guard);
}

void
carrete_connection_guard_unwatch_hang_up (CarreteConnectionGuard *guard, SoupServerMessage *msg)
{
  g_hash_table_remove (guard->working, msg);
}

void
carrete_connection_guard_forget (CarreteConnectionGuard *guard, SoupServerMessage *msg)
{
  g_hash_table_remove (guard->deadlines, msg);
  g_hash_table_remove (guard->working, msg);
}

/* ---- life cycle ---------------------------------------------------------- */

CarreteConnectionGuard *
carrete_connection_guard_new (SoupServer *server, guint idle_seconds, guint read_seconds)
{
  CarreteConnectionGuard *guard = g_new0 (CarreteConnectionGuard, 1);

  guard->server = server;
  guard->idle_us = (gint64)idle_seconds * G_USEC_PER_SEC;
  guard->read_us = (gint64)read_seconds * G_USEC_PER_SEC;
  guard->idle = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref, g_free);
  guard->deadlines = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                            read_deadline_free);
  guard->working
      = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref, g_object_unref);
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
  g_clear_handle_id (&guard->sweep_id, carrete_source_remove);
  g_hash_table_unref (guard->idle);
  g_hash_table_unref (guard->deadlines);
  g_hash_table_unref (guard->working);
  g_free (guard);
}
