#define G_LOG_DOMAIN "carrete-db"

#include "carrete-db.h"

#include <string.h>

#include "carrete-db-private.h"
#include "carrete-error.h"
#include "carrete-source.h"

/* A connection attempt is dropped after this long without progress (each
 * step of the handshake starts the wait again): a server that says
 * nothing is given up on, but a handshake that is only slow is not cut
 * short.  Under load, and under a sanitizer's slow allocator, the client's
 * own SCRAM key derivation can take seconds of CPU; a deadline for the
 * whole handshake then failed every attempt after a database restart, and
 * the service never reconnected while the load lasted. */
#define CONNECT_TIMEOUT_SECONDS 5
/* A statement in flight may go this long past the statement timeout without
 * a byte from the server: a server that is there answers by then (with
 * 57014 at the latest), so the silence means the host or the network went
 * away without a word (a pod's address gone, a cable cut), and the
 * connection is dropped instead of waiting out TCP's retransmissions
 * (about 15 minutes). */
#define SILENCE_MARGIN_MS 3000
/* After a failed connection attempt, wait this long before the next one,
 * so that a refusing server is not hammered (and nothing recurses).  Short:
 * a server that is down refuses at once (a cheap attempt), and a longer
 * step would overshoot the moment it is back by up to that much. */
#define CONNECT_BACKOFF_MS 200
/* Queries waiting for a connection, at most; beyond it: 503. */
#define MAX_PENDING 1024

typedef enum
{
  CONN_CONNECTING,
  CONN_IDLE,
  CONN_PREPARING,
  CONN_EXECUTING,
} ConnState;

typedef struct _Conn Conn;

typedef struct
{
  const CarreteStatement *stmt;
  char **params; /* stmt->n_params entries; a NULL entry is SQL NULL */
  GTask *task;
  GCancellable *cancellable; /* or NULL */
  gulong cancelled_id;
  gboolean retried;
  gboolean executed; /* sent to the server: never run it twice */
} Query;

/* A GSource watching one libpq socket. */
typedef struct
{
  GSource source;
  gpointer tag;
  GIOCondition condition; /* watched now: modifying wakes the loop up */
  Conn *conn;
} ConnSource;

/* A cancel request on its way to the server (PQcancel blocks, so it runs
 * in a thread).  Its connection takes no new statement until it is back:
 * a late cancel must not hit the next caller's statement. */
typedef struct
{
  PGcancel *cancel;
  Conn *conn; /* cleared when the connection goes first */
} CancelRequest;

struct _Conn
{
  CarreteDb *db;
  PGconn *pg;
  ConnState state;
  ConnSource *watch;
  guint connect_timeout_id;
  guint silence_id;     /* the statement in flight's deadline for the server's next byte */
  GHashTable *prepared; /* statement names prepared on this connection */
  Query *query;         /* in flight, or NULL */
  PGresult *result;     /* first result of the statement in flight */
  CancelRequest *cancelling; /* a cancel request on its way, or NULL */
};

struct _CarreteDb
{
  GObject parent_instance;
  char *conninfo;
  char *options;
  char *application_name;
  guint pool_size;
  GPtrArray *conns; /* Conn */
  GQueue pending;   /* Query */
  GMainContext *context;     /* the thread's that made the pool: it runs the pool */
  guint silence_limit_ms;    /* statement timeout + SILENCE_MARGIN_MS */
  gint64 connect_not_before; /* monotonic µs; backoff after a failure */
  guint backoff_id;
  guint failed_attempts; /* connection attempts failed in a row */
};

G_DEFINE_FINAL_TYPE (CarreteDb, carrete_db, G_TYPE_OBJECT)

static void conn_advance (Conn *conn);
static void conn_drop (Conn *conn, GError *error);
static void pool_schedule (CarreteDb *db);

/* ---- queries ----------------------------------------------------------- */

static void
query_free (Query *query)
{
  /* Not g_strfreev: a NULL entry (SQL NULL) may come before others. */
  for (int i = 0; i < query->stmt->n_params; i++)
    g_free (query->params[i]);
  g_free (query->params);
  if (query->cancellable != NULL)
    g_cancellable_disconnect (query->cancellable, query->cancelled_id);
  g_clear_object (&query->cancellable);
  g_clear_object (&query->task);
  g_free (query);
}

static void
query_fail (Query *query, GError *error)
{
  g_task_return_error (query->task, error);
  query_free (query);
}

static gboolean
query_is_cancelled (const Query *query)
{
  return g_cancellable_is_cancelled (query->cancellable);
}

static GError *
cancelled_error (void)
{
  return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The operation was cancelled.");
}

/* ---- the socket watch -------------------------------------------------- */

static gboolean
conn_source_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  ConnSource *cs = (ConnSource *) source;
  GIOCondition revents = g_source_query_unix_fd (source, cs->tag);

  if (revents != 0)
    conn_advance (cs->conn);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs conn_source_funcs = {
  .dispatch = conn_source_dispatch,
};

static void
conn_watch (Conn *conn, GIOCondition condition)
{
  int fd = PQsocket (conn->pg);

  if (conn->watch == NULL)
    {
      conn->watch = (ConnSource *) g_source_new (&conn_source_funcs, sizeof (ConnSource));
      conn->watch->conn = conn;
      g_source_set_static_name (&conn->watch->source, "carrete-db-connection");
      conn->watch->tag = g_source_add_unix_fd (&conn->watch->source, fd, condition);
      carrete_source_attach (&conn->watch->source);
    }
  else if (conn->watch->condition != condition)
    g_source_modify_unix_fd (&conn->watch->source, conn->watch->tag, condition);
  conn->watch->condition = condition;
}

static void
conn_unwatch (Conn *conn)
{
  if (conn->watch == NULL)
    return;
  g_source_destroy (&conn->watch->source);
  g_source_unref (&conn->watch->source);
  conn->watch = NULL;
}

/* ---- connection life cycle --------------------------------------------- */

static void
conn_free (Conn *conn)
{
  if (conn->cancelling != NULL)
    conn->cancelling->conn = NULL;
  conn_unwatch (conn);
  g_clear_handle_id (&conn->connect_timeout_id, carrete_source_remove);
  g_clear_handle_id (&conn->silence_id, carrete_source_remove);
  g_clear_pointer (&conn->result, PQclear);
  g_clear_pointer (&conn->pg, PQfinish);
  g_clear_pointer (&conn->prepared, g_hash_table_unref);
  g_free (conn);
}

static gboolean
pool_has_live_connection (CarreteDb *db)
{
  for (guint i = 0; i < db->conns->len; i++)
    if (((Conn *) g_ptr_array_index (db->conns, i))->state != CONN_CONNECTING)
      return TRUE;
  return FALSE;
}

/* Removes a broken connection.  Its query is retried once elsewhere only if
 * the server cannot have run it (it failed while preparing or sending);
 * otherwise it fails with 503, since running a statement twice could, for
 * example, rotate a refresh token twice.  A failed connection attempt
 * fails the waiting queries only when no live connection could serve them. */
static void
conn_drop (Conn *conn, GError *error)
{
  CarreteDb *db = conn->db;
  Query *query = g_steal_pointer (&conn->query);
  gboolean was_connecting = conn->state == CONN_CONNECTING;

  g_ptr_array_remove (db->conns, conn); /* frees conn */
  if (query != NULL && !query->retried && !query->executed)
    {
      query->retried = TRUE;
      g_queue_push_head (&db->pending, query);
      query = NULL;
    }
  if (was_connecting)
    {
      db->connect_not_before = g_get_monotonic_time () + CONNECT_BACKOFF_MS * 1000;
      db->failed_attempts++;
    }
  if (was_connecting && !pool_has_live_connection (db))
    while (!g_queue_is_empty (&db->pending))
      query_fail (g_queue_pop_head (&db->pending), g_error_copy (error));
  if (query != NULL)
    query_fail (query, g_error_copy (error));
  g_error_free (error);
  pool_schedule (db);
}

/* The pool keeps trying while the server is away: the first failure of a
 * run is a warning, the rest are debug messages, and the run's end says
 * how long it was. */
static void
conn_warn_attempt (Conn *conn, const char *what, const char *reason)
{
  if (conn->db->failed_attempts == 0)
    g_warning ("%s%s%s", what, reason != NULL ? ": " : "", reason != NULL ? reason : "");
  else
    g_debug ("%s%s%s", what, reason != NULL ? ": " : "", reason != NULL ? reason : "");
}

static gboolean
conn_connect_timed_out (gpointer user_data)
{
  Conn *conn = user_data;

  conn->connect_timeout_id = 0;
  conn_warn_attempt (conn, "connecting to the database timed out", NULL);
  conn_drop (conn, carrete_db_unavailable_error ());
  return G_SOURCE_REMOVE;
}

/* (Re)starts the wait for the attempt's next step. */
static void
conn_watch_connecting (Conn *conn, GIOCondition condition)
{
  g_clear_handle_id (&conn->connect_timeout_id, carrete_source_remove);
  conn->connect_timeout_id
      = carrete_timeout_add_seconds (CONNECT_TIMEOUT_SECONDS, conn_connect_timed_out, conn);
  conn_watch (conn, condition);
}

static Conn *
conn_start (CarreteDb *db)
{
  /* TCP keepalives notice a database host that vanished without a word. */
  const char *keywords[] = { "dbname", "options", "application_name", "keepalives",
                             "keepalives_idle", "keepalives_interval", "keepalives_count",
                             NULL };
  const char *values[] = { db->conninfo, db->options, db->application_name, "1", "30", "10",
                           "3", NULL };
  Conn *conn = g_new0 (Conn, 1);

  conn->db = db;
  conn->state = CONN_CONNECTING;
  conn->prepared = g_hash_table_new (g_str_hash, g_str_equal);
  conn->pg = PQconnectStartParams (keywords, values, 1);
  g_ptr_array_add (db->conns, conn);
  if (conn->pg == NULL || PQstatus (conn->pg) == CONNECTION_BAD || PQsocket (conn->pg) < 0)
    {
      conn_warn_attempt (conn, "cannot connect to the database",
                         conn->pg != NULL ? PQerrorMessage (conn->pg) : "out of memory");
      conn_drop (conn, carrete_db_unavailable_error ());
      return NULL;
    }
  conn_watch_connecting (conn, G_IO_OUT);
  return conn;
}

static void
conn_continue_connecting (Conn *conn)
{
  switch (PQconnectPoll (conn->pg))
    {
    case PGRES_POLLING_READING:
      conn_watch_connecting (conn, G_IO_IN);
      return;
    case PGRES_POLLING_WRITING:
      conn_watch_connecting (conn, G_IO_OUT);
      return;
    case PGRES_POLLING_OK:
      g_clear_handle_id (&conn->connect_timeout_id, carrete_source_remove);
      if (conn->db->failed_attempts > 0)
        g_message ("connected to the database again after %u failed attempts",
                   conn->db->failed_attempts);
      conn->db->failed_attempts = 0;
      PQsetnonblocking (conn->pg, 1);
      /* The socket may have changed during the handshake. */
      conn_unwatch (conn);
      conn->state = CONN_IDLE;
      conn_watch (conn, G_IO_IN);
      pool_schedule (conn->db);
      return;
    default:
      {
        g_autofree char *reason = g_strstrip (g_strdup (PQerrorMessage (conn->pg)));
        conn_warn_attempt (conn, "cannot connect to the database", reason);
        conn_drop (conn, carrete_db_unavailable_error ());
        return;
      }
    }
}

/* ---- running a statement ------------------------------------------------ */

static gboolean
conn_silence_expired (gpointer user_data)
{
  Conn *conn = user_data;

  conn->silence_id = 0;
  g_warning ("the database said nothing for %u ms during a statement: its connection is dropped",
             conn->db->silence_limit_ms);
  conn_drop (conn, carrete_db_unavailable_error ());
  return G_SOURCE_REMOVE;
}

/* (Re)starts the wait for the server's next byte while a statement is in
 * flight; stops it when none is. */
static void
conn_watch_silence (Conn *conn)
{
  g_clear_handle_id (&conn->silence_id, carrete_source_remove);
  if (conn->query != NULL)
    conn->silence_id = carrete_timeout_add (conn->db->silence_limit_ms, conn_silence_expired, conn);
}

static void
conn_flush (Conn *conn)
{
  int flushed = PQflush (conn->pg);

  if (flushed < 0)
    conn_drop (conn, carrete_db_unavailable_error ());
  else
    conn_watch (conn, flushed > 0 ? G_IO_IN | G_IO_OUT : G_IO_IN);
}

static void
conn_send (Conn *conn)
{
  const CarreteStatement *stmt = conn->query->stmt;
  int sent;

  if (!g_hash_table_contains (conn->prepared, stmt->name))
    {
      conn->state = CONN_PREPARING;
      sent = PQsendPrepare (conn->pg, stmt->name, stmt->sql, stmt->n_params, NULL);
    }
  else
    {
      conn->state = CONN_EXECUTING;
      sent = PQsendQueryPrepared (conn->pg, stmt->name, stmt->n_params,
                                  (const char *const *) conn->query->params, NULL, NULL, 0);
      conn->query->executed = sent != 0;
    }
  if (!sent)
    {
      conn_drop (conn, carrete_db_unavailable_error ());
      return;
    }
  conn_flush (conn);
}

static void
conn_start_query (Conn *conn, Query *query)
{
  conn->query = query;
  conn_watch_silence (conn);
  conn_send (conn);
}

/* Called when every result of the current step has been read.  The
 * connection's own bookkeeping is finished before the task completes: its
 * callback may start queries that land on this very connection. */
static void
conn_step_done (Conn *conn)
{
  g_autoptr (PGresult) result = g_steal_pointer (&conn->result);
  ExecStatusType status = result != NULL ? PQresultStatus (result) : PGRES_FATAL_ERROR;
  CarreteDb *db = conn->db;
  Query *query;

  if (conn->state == CONN_PREPARING && status == PGRES_COMMAND_OK)
    {
      g_hash_table_add (conn->prepared, (gpointer) conn->query->stmt->name);
      if (!query_is_cancelled (conn->query))
        {
          conn_send (conn);
          return;
        }
    }

  query = g_steal_pointer (&conn->query);
  g_clear_handle_id (&conn->silence_id, carrete_source_remove);
  conn->state = CONN_IDLE;
  conn_watch (conn, G_IO_IN);
  if (PQstatus (conn->pg) == CONNECTION_BAD)
    conn_drop (conn, carrete_db_unavailable_error ()); /* conn is gone from here on */

  g_object_ref (db);
  if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK)
    {
      g_task_return_pointer (query->task, g_steal_pointer (&result), (GDestroyNotify) PQclear);
      query_free (query);
    }
  else if (result == NULL)
    query_fail (query, carrete_db_unavailable_error ());
  else
    query_fail (query, query_is_cancelled (query)
                           /* 57014 after our cancel request: no time-out to report */
                           ? cancelled_error ()
                           : carrete_db_error_from_result (result));
  pool_schedule (db);
  g_object_unref (db);
}

static void
conn_read_results (Conn *conn)
{
  if (!PQconsumeInput (conn->pg))
    {
      conn_drop (conn, carrete_db_unavailable_error ());
      return;
    }
  conn_watch_silence (conn);
  while (!PQisBusy (conn->pg))
    {
      PGresult *res = PQgetResult (conn->pg);
      if (res == NULL)
        {
          conn_step_done (conn);
          return;
        }
      if (conn->result == NULL)
        conn->result = res;
      else
        PQclear (res);
    }
}

/* An idle connection became readable: either a notice, or the server
 * closing the session (restart, admin command).  Drop it now rather than
 * on the next query. */
static void
conn_check_idle (Conn *conn)
{
  if (!PQconsumeInput (conn->pg) || PQstatus (conn->pg) == CONNECTION_BAD)
    {
      g_message ("a database connection was closed by the server");
      conn_drop (conn, carrete_db_unavailable_error ());
    }
}

static void
conn_advance (Conn *conn)
{
  switch (conn->state)
    {
    case CONN_CONNECTING:
      conn_continue_connecting (conn);
      return;
    case CONN_IDLE:
      conn_check_idle (conn);
      return;
    case CONN_PREPARING:
    case CONN_EXECUTING:
      {
        int flushed = PQflush (conn->pg);
        if (flushed < 0)
          {
            conn_drop (conn, carrete_db_unavailable_error ());
            return;
          }
        /* Stop watching for writability once everything is out, or the
         * always-writable socket would spin the loop. */
        conn_watch (conn, flushed > 0 ? G_IO_IN | G_IO_OUT : G_IO_IN);
        conn_read_results (conn);
        return;
      }
    }
}

/* ---- the pool ----------------------------------------------------------- */

static Conn *
pool_find_idle (CarreteDb *db)
{
  for (guint i = 0; i < db->conns->len; i++)
    {
      Conn *conn = g_ptr_array_index (db->conns, i);
      if (conn->state == CONN_IDLE && conn->cancelling == NULL)
        return conn;
    }
  return NULL;
}

static guint
pool_count_connecting (CarreteDb *db)
{
  guint n = 0;

  for (guint i = 0; i < db->conns->len; i++)
    if (((Conn *) g_ptr_array_index (db->conns, i))->state == CONN_CONNECTING)
      n++;
  return n;
}

static gboolean
backoff_over (gpointer user_data)
{
  CarreteDb *db = user_data;

  db->backoff_id = 0;
  pool_schedule (db);
  return G_SOURCE_REMOVE;
}

/* How many connection attempts may be under way at once: one per waiting
 * query, and one even without a query while the pool has no connection
 * (it keeps one open, so that a new service answers /readyz without
 * opening one first, and one cut off by a database restart reconnects as
 * soon as the server is back, not at the next request).  Without a live
 * connection, one at a time: after a restart every process reconnects at
 * once, and under a slow allocator (ASan) each handshake costs a lot of
 * CPU (SCRAM's key derivation), so several at once would all finish late;
 * one finishes early, serves, and the others follow. */
static guint
pool_attempts_wanted (CarreteDb *db)
{
  guint waiting = g_queue_get_length (&db->pending);

  if (!pool_has_live_connection (db))
    return 1;
  return waiting;
}

/* Hands waiting queries to idle connections, opening connections (up to
 * the pool size) as pool_attempts_wanted says, except during the back-off
 * that follows a failed attempt. */
static void
pool_schedule (CarreteDb *db)
{
  Conn *conn;
  gint64 now;

  while (!g_queue_is_empty (&db->pending) && (conn = pool_find_idle (db)) != NULL)
    conn_start_query (conn, g_queue_pop_head (&db->pending));

  if (db->conns->len >= db->pool_size || pool_count_connecting (db) >= pool_attempts_wanted (db))
    return;
  now = g_get_monotonic_time ();
  if (now < db->connect_not_before)
    {
      if (db->backoff_id == 0)
        db->backoff_id = carrete_timeout_add ((guint) ((db->connect_not_before - now) / 1000) + 1,
                                        backoff_over, db);
      return;
    }
  conn_start (db);
}

/* ---- cancellation ------------------------------------------------------- */

static void
send_cancel_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *unused)
{
  CancelRequest *request = task_data;
  char reason[256];

  if (!PQcancel (request->cancel, reason, sizeof reason))
    g_debug ("the cancel request did not reach the server: %s", reason);
  g_task_return_boolean (task, TRUE);
}

static void
cancel_request_free (CancelRequest *request)
{
  PQfreeCancel (request->cancel);
  g_free (request);
}

static void
cancel_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CarreteDb) db = user_data;
  CancelRequest *request = g_task_get_task_data (G_TASK (result));

  if (request->conn != NULL)
    request->conn->cancelling = NULL;
  pool_schedule (db);
}

/* The statement keeps running until the server hears of it; its error
 * (57014) completes the query, whose task then reports the cancellation. */
static void
conn_send_cancel (Conn *conn)
{
  g_autoptr (GTask) task = g_task_new (NULL, NULL, cancel_sent, g_object_ref (conn->db));
  CancelRequest *request = g_new0 (CancelRequest, 1);

  request->cancel = PQgetCancel (conn->pg);
  request->conn = conn;
  if (request->cancel == NULL)
    {
      g_free (request);
      return;
    }
  conn->cancelling = request;
  g_task_set_source_tag (task, conn_send_cancel);
  g_task_set_task_data (task, request, (GDestroyNotify) cancel_request_free);
  g_task_run_in_thread (task, send_cancel_in_thread);
}

/* Runs in the pool's thread after a cancellable fired (its handler may run
 * in any thread, and must not complete a query: that disconnects it). */
static gboolean
cancel_sweep (gpointer user_data)
{
  CarreteDb *db = user_data;
  GList *link = db->pending.head;

  while (link != NULL)
    {
      GList *next = link->next;
      Query *query = link->data;

      if (query_is_cancelled (query))
        {
          g_queue_delete_link (&db->pending, link);
          query_fail (query, cancelled_error ());
        }
      link = next;
    }
  for (guint i = 0; i < db->conns->len; i++)
    {
      Conn *conn = g_ptr_array_index (db->conns, i);

      /* Preparing can wait too (for a lock on a table it names). */
      if ((conn->state == CONN_PREPARING || conn->state == CONN_EXECUTING)
          && conn->cancelling == NULL && conn->query != NULL && query_is_cancelled (conn->query))
        conn_send_cancel (conn);
    }
  return G_SOURCE_REMOVE;
}

static void
on_query_cancelled (GCancellable *cancellable, gpointer user_data)
{
  CarreteDb *db = user_data;

  carrete_idle_add_on (db->context, cancel_sweep, g_object_ref (db), g_object_unref,
                       "carrete-db-cancel");
}

void
carrete_db_query_async (CarreteDb *db, const CarreteStatement *stmt, const char *const *params,
                        GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data)
{
  Query *query = g_new0 (Query, 1);

  query->stmt = stmt;
  query->params = g_new0 (char *, stmt->n_params + 1);
  for (int i = 0; i < stmt->n_params; i++)
    query->params[i] = g_strdup (params[i]);
  query->task = g_task_new (db, cancellable, callback, user_data);
  g_task_set_source_tag (query->task, carrete_db_query_async);
  g_task_set_name (query->task, stmt->name);
  if (cancellable != NULL)
    {
      query->cancellable = g_object_ref (cancellable);
      query->cancelled_id
          = g_cancellable_connect (cancellable, G_CALLBACK (on_query_cancelled), db, NULL);
    }

  if (g_queue_get_length (&db->pending) >= MAX_PENDING)
    {
      query_fail (query, g_error_new_literal (CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                                              "The database is overloaded; try again shortly."));
      return;
    }
  g_queue_push_tail (&db->pending, query);
  pool_schedule (db);
}

PGresult *
carrete_db_query_finish (CarreteDb *db, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, db), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
carrete_db_finalize (GObject *object)
{
  CarreteDb *db = CARRETE_DB (object);

  /* Queries hold a reference to the pool through their task, so none can
   * be pending here. */
  g_assert (g_queue_is_empty (&db->pending));
  g_clear_handle_id (&db->backoff_id, carrete_source_remove);
  g_ptr_array_unref (db->conns);
  g_main_context_unref (db->context);
  g_free (db->conninfo);
  g_free (db->options);
  g_free (db->application_name);
  G_OBJECT_CLASS (carrete_db_parent_class)->finalize (object);
}

static void
carrete_db_class_init (CarreteDbClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = carrete_db_finalize;
}

static void
carrete_db_init (CarreteDb *db)
{
  db->conns = g_ptr_array_new_with_free_func ((GDestroyNotify) conn_free);
  g_queue_init (&db->pending);
  db->context = g_main_context_ref_thread_default ();
}

gboolean
carrete_db_check_conninfo (const char *conninfo, GError **error)
{
  char *pq_error = NULL;
  PQconninfoOption *options = PQconninfoParse (conninfo, &pq_error);

  if (options == NULL)
    {
      /* libpq's reason may quote the URL, password included: not logged. */
      PQfreemem (pq_error);
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG,
                   "not a valid PostgreSQL URL or connection string");
      return FALSE;
    }
  PQconninfoFree (options);
  return TRUE;
}

CarreteDb *
carrete_db_new (const char *conninfo, guint pool_size, guint statement_timeout_ms,
                const char *application_name)
{
  CarreteDb *db = g_object_new (CARRETE_TYPE_DB, NULL);

  db->conninfo = g_strdup (conninfo);
  /* Every session gets a statement timeout and UTC, whatever the server's
   * defaults, so times render the same everywhere. */
  db->options = g_strdup_printf ("-c statement_timeout=%u -c TimeZone=UTC", statement_timeout_ms);
  db->silence_limit_ms = statement_timeout_ms + SILENCE_MARGIN_MS;
  db->application_name = g_strdup (application_name);
  db->pool_size = MAX (pool_size, 1);
  /* The first connection starts now (see pool_attempts_wanted); its
   * handshake goes on once the thread's loop runs. */
  pool_schedule (db);
  return db;
}
