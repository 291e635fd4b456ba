#define G_LOG_DOMAIN "carrete-test-refresh-gate"

/* CarreteRefreshGate (client-gtk/lib/core), the one refresh-once of
 * carrete-web and carrete-desktop: pure logic, no network.  The "refresh"
 * here is whatever the test answers by hand. */

#include "carrete-api.h"

typedef struct
{
  guint starts;
  char *last_key;
} Starter;

static void
count_start (CarreteRefreshGate *gate, const char *key, gpointer start_data)
{
  Starter *starter = start_data;

  starter->starts++;
  g_free (starter->last_key);
  starter->last_key = g_strdup (key);
}

/* What one waiter got, and where. */
typedef struct
{
  gboolean done;
  JsonNode *answer;
  GError *error;
  GThread *thread;
  GMainContext *context;
} Waited;

static void
waited_clear (Waited *waited)
{
  g_clear_pointer (&waited->answer, json_node_unref);
  g_clear_error (&waited->error);
}

static void
on_waited (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Waited *waited = user_data;

  gboolean ok = carrete_refresh_gate_wait_finish (result, &waited->answer, &waited->error);

  g_assert_true (ok == (waited->answer != NULL));
  waited->thread = g_thread_self ();
  waited->context = g_main_context_get_thread_default ();
  waited->done = TRUE;
}

static void
wait_for (CarreteRefreshGate *gate, const char *key, Starter *starter, Waited *waited)
{
  carrete_refresh_gate_wait_async (gate, key, count_start, starter, NULL, on_waited, waited);
}

static void
run_until_done (Waited *waited)
{
  while (!waited->done)
    g_main_context_iteration (NULL, TRUE);
}

static JsonNode *
token_pair (const char *access)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text
      = g_strdup_printf ("{\"access_token\":\"%s\",\"refresh_token\":\"r\"}", access);
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

static const char *
access_of (JsonNode *pair)
{
  return carrete_json_get_string (json_node_get_object (pair), "access_token");
}

static void
test_waiters_share_one_start (void)
{
  g_autoptr (CarreteRefreshGate) gate = carrete_refresh_gate_new (0);
  g_autoptr (JsonNode) pair = token_pair ("a1");
  g_autoptr (GError) refused
      = g_error_new_literal (CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNAUTHORIZED, "refused");
  Starter starter = { 0 };
  Waited first = { 0 }, second = { 0 }, other = { 0 };

  wait_for (gate, "token-1", &starter, &first);
  wait_for (gate, "token-1", &starter, &second);
  wait_for (gate, "token-2", &starter, &other);
  g_assert_cmpuint (starter.starts, ==, 2);
  g_assert_false (first.done || second.done || other.done);

  carrete_refresh_gate_answer (gate, "token-1", pair, NULL);
  run_until_done (&first);
  run_until_done (&second);
  g_assert_cmpstr (access_of (first.answer), ==, "a1");
  g_assert_cmpstr (access_of (second.answer), ==, "a1");
  g_assert_true (json_node_is_immutable (first.answer));
  g_assert_false (other.done);

  carrete_refresh_gate_answer (gate, "token-2", NULL, refused);
  run_until_done (&other);
  g_assert_error (other.error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (other.error->message, ==, "refused");
  waited_clear (&first);
  waited_clear (&second);
  waited_clear (&other);
  g_free (starter.last_key);
}

/* An answer serves callers that come within keep_seconds; with 0 (the
 * desktop) the next caller starts a new refresh. */
static void
test_keep_window (void)
{
  g_autoptr (CarreteRefreshGate) keeping = carrete_refresh_gate_new (10);
  g_autoptr (CarreteRefreshGate) forgetting = carrete_refresh_gate_new (0);
  g_autoptr (JsonNode) pair = token_pair ("a2");
  Starter kept_starter = { 0 }, forgot_starter = { 0 };
  Waited before = { 0 }, after = { 0 }, forgot_before = { 0 }, forgot_after = { 0 };

  wait_for (keeping, "k", &kept_starter, &before);
  carrete_refresh_gate_answer (keeping, "k", pair, NULL);
  run_until_done (&before);
  wait_for (keeping, "k", &kept_starter, &after);
  run_until_done (&after);
  g_assert_cmpuint (kept_starter.starts, ==, 1);
  g_assert_cmpstr (access_of (after.answer), ==, "a2");

  wait_for (forgetting, "k", &forgot_starter, &forgot_before);
  carrete_refresh_gate_answer (forgetting, "k", pair, NULL);
  run_until_done (&forgot_before);
  wait_for (forgetting, "k", &forgot_starter, &forgot_after);
  g_assert_cmpuint (forgot_starter.starts, ==, 2);
  g_assert_false (forgot_after.done);
  carrete_refresh_gate_answer (forgetting, "k", pair, NULL);
  run_until_done (&forgot_after);

  waited_clear (&before);
  waited_clear (&after);
  waited_clear (&forgot_before);
  waited_clear (&forgot_after);
  g_free (kept_starter.last_key);
  g_free (forgot_starter.last_key);
}

/* A refusal is kept like a pair; an outage (unreachable, 5xx) is not: the
 * next caller tries again. */
static void
test_failures_not_remembered (void)
{
  static const CarreteClientError transient[]
      = { CARRETE_CLIENT_ERROR_UNREACHABLE, CARRETE_CLIENT_ERROR_UNAVAILABLE,
          CARRETE_CLIENT_ERROR_SERVER };
  g_autoptr (CarreteRefreshGate) gate = carrete_refresh_gate_new (10);
  g_autoptr (GError) refused
      = g_error_new_literal (CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNAUTHORIZED, "refused");
  Starter starter = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (transient); i++)
    {
      g_autoptr (GError) outage = g_error_new_literal (CARRETE_CLIENT_ERROR, transient[i], "down");
      Waited waited = { 0 };

      wait_for (gate, "k", &starter, &waited);
      g_assert_cmpuint (starter.starts, ==, i + 1);
      carrete_refresh_gate_answer (gate, "k", NULL, outage);
      run_until_done (&waited);
      g_assert_error (waited.error, CARRETE_CLIENT_ERROR, (gint) transient[i]);
      waited_clear (&waited);
    }

  for (guint i = 0; i < 2; i++)
    {
      Waited waited = { 0 };

      wait_for (gate, "k", &starter, &waited);
      if (i == 0)
        carrete_refresh_gate_answer (gate, "k", NULL, refused);
      run_until_done (&waited);
      g_assert_error (waited.error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNAUTHORIZED);
      waited_clear (&waited);
    }
  g_assert_cmpuint (starter.starts, ==, G_N_ELEMENTS (transient) + 1);
  g_free (starter.last_key);
}

/* A waiter's cancellable does not stop the refresh the others wait for. */
static void
test_cancelled_waiter (void)
{
  g_autoptr (CarreteRefreshGate) gate = carrete_refresh_gate_new (0);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (JsonNode) pair = token_pair ("a3");
  Starter starter = { 0 };
  Waited cancelled = { 0 }, other = { 0 };

  carrete_refresh_gate_wait_async (gate, "k", count_start, &starter, cancellable, on_waited,
                                   &cancelled);
  wait_for (gate, "k", &starter, &other);
  g_cancellable_cancel (cancellable);
  carrete_refresh_gate_answer (gate, "k", pair, NULL);
  run_until_done (&cancelled);
  run_until_done (&other);
  g_assert_error (cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (access_of (other.answer), ==, "a3");
  g_assert_cmpuint (starter.starts, ==, 1);
  waited_clear (&cancelled);
  waited_clear (&other);
  g_free (starter.last_key);
}

/* ---- threads: carrete-web's workers share one gate ------------------------------------ */

typedef struct
{
  CarreteRefreshGate *gate;
  Starter *starter;
  Waited waited;
  GMainContext *context; /* the worker's own */
  GMutex lock;
  GCond cond;
  gboolean waiting;
} Worker;

static gpointer
worker_main (gpointer data)
{
  Worker *worker = data;

  g_main_context_push_thread_default (worker->context);
  wait_for (worker->gate, "shared", worker->starter, &worker->waited);
  g_mutex_lock (&worker->lock);
  worker->waiting = TRUE;
  g_cond_signal (&worker->cond);
  g_mutex_unlock (&worker->lock);
  while (!worker->waited.done)
    g_main_context_iteration (worker->context, TRUE);
  g_main_context_pop_thread_default (worker->context);
  return NULL;
}

/* The first waiter (this thread) starts; a worker thread joins; the answer
 * comes from a third thread; each waiter is answered on its own context
 * and thread. */
static gpointer
answer_main (gpointer data)
{
  CarreteRefreshGate *gate = data;
  g_autoptr (JsonNode) pair = token_pair ("a4");

  carrete_refresh_gate_answer (gate, "shared", pair, NULL);
  return NULL;
}

static void
test_answers_on_each_waiters_context (void)
{
  g_autoptr (CarreteRefreshGate) gate = carrete_refresh_gate_new (10);
  Starter starter = { 0 };
  Waited mine = { 0 };
  Worker worker = { 0 };
  GThread *thread, *answerer;

  wait_for (gate, "shared", &starter, &mine);
  g_assert_cmpuint (starter.starts, ==, 1);

  worker.gate = gate;
  worker.starter = &starter;
  worker.context = g_main_context_new ();
  g_mutex_init (&worker.lock);
  g_cond_init (&worker.cond);
  thread = g_thread_new ("worker", worker_main, &worker);
  g_mutex_lock (&worker.lock);
  while (!worker.waiting)
    g_cond_wait (&worker.cond, &worker.lock);
  g_mutex_unlock (&worker.lock);
  g_assert_cmpuint (starter.starts, ==, 1);

  answerer = g_thread_new ("answer", answer_main, gate);
  g_thread_join (answerer);
  g_thread_join (thread);
  run_until_done (&mine);

  g_assert_true (mine.thread == g_thread_self ());
  g_assert_true (mine.context == g_main_context_default () || mine.context == NULL);
  g_assert_true (worker.waited.thread == thread);
  g_assert_true (worker.waited.context == worker.context);
  g_assert_cmpstr (access_of (mine.answer), ==, "a4");
  g_assert_cmpstr (access_of (worker.waited.answer), ==, "a4");
  g_assert_cmpuint (starter.starts, ==, 1);

  waited_clear (&mine);
  waited_clear (&worker.waited);
  g_main_context_unref (worker.context);
  g_mutex_clear (&worker.lock);
  g_cond_clear (&worker.cond);
  g_free (starter.last_key);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/refresh-gate/waiters-share-one-start", test_waiters_share_one_start);
  g_test_add_func ("/refresh-gate/keep-window", test_keep_window);
  g_test_add_func ("/refresh-gate/failures-not-remembered", test_failures_not_remembered);
  g_test_add_func ("/refresh-gate/cancelled-waiter", test_cancelled_waiter);
  g_test_add_func ("/refresh-gate/answers-on-each-waiters-context",
                   test_answers_on_each_waiters_context);
  return g_test_run ();
}
