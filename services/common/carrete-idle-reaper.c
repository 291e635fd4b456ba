#define G_LOG_DOMAIN "carrete-idle-reaper"

#include "carrete-idle-reaper.h"

#include <errno.h>
#include <sys/socket.h>

struct _CarreteIdleReaper
{
  SoupServer *server;
  gulong finished_handler;
  guint idle_timeout_seconds;
  GHashTable *watches; /* GSocket* → Watch* */
};

typedef struct
{
  CarreteIdleReaper *reaper;
  GSocket *socket; /* a reference */
  GSource *readable;
  guint timeout_id;
} Watch;

static void
watch_free (gpointer data)
{
  Watch *watch = data;

  if (watch->readable != NULL)
    {
      g_source_destroy (watch->readable);
      g_source_unref (watch->readable);
    }
  g_clear_handle_id (&watch->timeout_id, g_source_remove);
  g_object_unref (watch->socket);
  g_free (watch);
}

static void
watch_end (Watch *watch, gboolean close_socket)
{
  if (close_socket && !g_socket_is_closed (watch->socket))
    g_socket_close (watch->socket, NULL);
  /* Frees the watch. */
  g_hash_table_remove (watch->reaper->watches, watch->socket);
}

/* Peeking leaves the bytes for libsoup: > 0 is the next request (libsoup
 * takes over, the watch ends), 0 is the peer's FIN, < 0 with EAGAIN is a
 * spurious wake-up, any other error a dead connection. */
static gboolean
on_socket_event (GSocket *socket, GIOCondition condition, gpointer user_data)
{
  Watch *watch = user_data;
  char byte;
  gssize n;

  if (g_socket_is_closed (socket))
    {
      watch->readable = NULL; /* returning REMOVE destroys it */
      watch_end (watch, FALSE);
      return G_SOURCE_REMOVE;
    }
  n = recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return G_SOURCE_CONTINUE;
  g_source_unref (g_steal_pointer (&watch->readable));
  watch_end (watch, n <= 0);
  return G_SOURCE_REMOVE;
}

static gboolean
on_idle_timeout (gpointer user_data)
{
  Watch *watch = user_data;

  watch->timeout_id = 0;
  watch_end (watch, TRUE);
  return G_SOURCE_REMOVE;
}

static void
on_request_finished (SoupServer *server, SoupServerMessage *msg, gpointer user_data)
{
  CarreteIdleReaper *reaper = user_data;
  GSocket *socket = soup_server_message_get_socket (msg);
  Watch *watch;

  if (socket == NULL || g_socket_is_closed (socket)
      || g_hash_table_contains (reaper->watches, socket))
    return;
  watch = g_new0 (Watch, 1);
  watch->reaper = reaper;
  watch->socket = g_object_ref (socket);
  watch->readable = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (watch->readable, G_SOURCE_FUNC (on_socket_event), watch, NULL);
  g_source_set_static_name (watch->readable, "carrete-idle-reaper");
  g_source_attach (watch->readable, NULL);
  watch->timeout_id = g_timeout_add_seconds (reaper->idle_timeout_seconds, on_idle_timeout, watch);
  g_hash_table_insert (reaper->watches, socket, watch);
}

CarreteIdleReaper *
carrete_idle_reaper_new (SoupServer *server, guint idle_timeout_seconds)
{
  CarreteIdleReaper *reaper = g_new0 (CarreteIdleReaper, 1);

  reaper->server = server;
  reaper->idle_timeout_seconds = idle_timeout_seconds;
  reaper->watches = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, watch_free);
  reaper->finished_handler = g_signal_connect (server, "request-finished",
                                               G_CALLBACK (on_request_finished), reaper);
  return reaper;
}

void
carrete_idle_reaper_free (CarreteIdleReaper *reaper)
{
  if (reaper == NULL)
    return;
  g_signal_handler_disconnect (reaper->server, reaper->finished_handler);
  g_hash_table_unref (reaper->watches);
  g_free (reaper);
}
