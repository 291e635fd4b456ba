#define G_LOG_DOMAIN "carrete-server"

/* Requests answered before their body is read: a refusal known from the
 * headers, one decided half-way through the body, and the admission
 * checks a stream route runs while its body waits. */

#include "carrete-server-private.h"

#include "carrete-early-answer.h"
#include "carrete-request-private.h"
#include "carrete-source.h"

/* Answers before the body is read, on the connection taken from libsoup
 * (which would otherwise read the whole body first), and closes it.  The
 * message then never says "finished": what on_message_finished does for
 * every other request is done here. */
void
_carrete_server_refuse_early (CarreteServer *server, SoupServerMessage *msg, const GError *why)
{
  CarreteRequest *req = _carrete_server_pending_steal (g_object_steal_data (G_OBJECT (msg), PENDING_KEY));

  req->in_dispatch = TRUE; /* not paused: nothing to unpause */
  carrete_request_respond_error (req, why);
  _carrete_request_free (req);
  g_signal_handlers_disconnect_by_func (msg, _carrete_server_on_message_finished, server);
  carrete_connection_guard_forget (server->guard, msg);
  g_assert (server->in_flight > 0);
  server->in_flight--;
  carrete_early_answer_send (msg);
}

/* A refusal decided in the middle of the body. */
typedef struct
{
  CarreteServer *server;
  SoupServerMessage *msg; /* a reference */
  GError *why;
} Refusal;

static gboolean
refuse_now (gpointer data)
{
  Refusal *refusal = data;

  /* Still ours: not finished, not refused already. */
  if (g_object_get_data (G_OBJECT (refusal->msg), PENDING_KEY) != NULL)
    _carrete_server_refuse_early (refusal->server, refusal->msg, refusal->why);
  return G_SOURCE_REMOVE;
}

static void
refusal_free (gpointer data)
{
  Refusal *refusal = data;

  g_object_unref (refusal->msg);
  g_error_free (refusal->why);
  g_free (refusal);
}

void
carrete_server_refuse_body (SoupServerMessage *msg, const GError *why)
{
  CarreteServer *server = g_object_get_data (G_OBJECT (msg), SERVER_KEY);
  Refusal *refusal;

  /* Once dispatch has the request (the body is all in), its handler
   * answers: there is nothing left to refuse early. */
  if (server == NULL || g_object_get_data (G_OBJECT (msg), PENDING_KEY) == NULL
      || g_object_get_data (G_OBJECT (msg), REFUSING_KEY) != NULL)
    return;
  g_object_set_data (G_OBJECT (msg), REFUSING_KEY, GINT_TO_POINTER (TRUE));
  refusal = g_new0 (Refusal, 1);
  refusal->server = server;
  refusal->msg = g_object_ref (msg);
  refusal->why = g_error_copy (why);
  /* Read no more; answer once the chunk's handlers are done, because
   * taking the connection frees the message and the stream with it. */
  soup_server_message_pause (msg);
  carrete_idle_add_on (server->context, refuse_now, refusal, refusal_free, "carrete refuse body");
}

/* A body held back while the stream's admission checks run. */
typedef struct
{
  CarreteServer *server;
  SoupServerMessage *msg; /* a reference */
  const CarreteBodyStream *stream_type;
  gpointer stream;        /* the msg's; lives as long as the msg */
} Admission;

static void
on_admitted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Admission *admission = user_data;
  SoupServerMessage *msg = admission->msg;
  g_autoptr (GError) error = NULL;
  gboolean admitted = admission->stream_type->admit_finish (admission->stream, result, &error);

  /* The request may have ended meanwhile (the server shutting down). */
  if (g_object_get_data (G_OBJECT (msg), PENDING_KEY) != NULL)
    {
      if (admitted)
        soup_server_message_unpause (msg);
      else
        _carrete_server_refuse_early (admission->server, msg, error);
    }
  g_object_unref (msg);
  g_free (admission);
}

void
_carrete_server_admit_stream (CarreteServer *server, const Pending *pending,
                              SoupServerMessage *msg, GHashTable *query, gpointer stream)
{
  Admission *admission = g_new0 (Admission, 1);

  admission->server = server;
  admission->msg = g_object_ref (msg);
  admission->stream_type = pending->route->stream;
  admission->stream = stream;
  /* Paused in its early handler, libsoup reads nothing more of it. */
  soup_server_message_pause (msg);
  pending->route->stream->admit_async (stream, pending->req, query, on_admitted, admission);
}

