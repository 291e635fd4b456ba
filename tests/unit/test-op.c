#define G_LOG_DOMAIN "carrete-test-op"

#include "carrete-op.h"

/* An operation's state: it records when it is freed, which must be when
 * the task goes and not before. */
typedef struct
{
  gboolean *freed;
  int value;
} State;

static State *
state_new (gboolean *freed)
{
  State *state = g_new0 (State, 1);

  state->freed = freed;
  return state;
}

static void
state_free (gpointer data)
{
  State *state = data;

  *state->freed = TRUE;
  g_free (state);
}

static void
source_tag (void)
{
}

/* A returned task completes in an idle of the main context, which holds
 * it until then: run what is pending. */
static void
drain (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static void
on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* What the callback of a service receives: its state, its tag and the
 * request's cancellable, back from the task. */
static void
test_carries (void)
{
  gboolean freed = FALSE;
  State *state = state_new (&freed);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  GTask *task;
  GAsyncResult *result = NULL;
  g_autoptr (GError) error = NULL;

  state->value = 42;
  task = carrete_op_new (state, state_free, source_tag, cancellable, on_done, &result);
  g_assert_true (g_task_get_task_data (task) == state);
  g_assert_true (g_task_get_source_tag (task) == source_tag);
  g_assert_true (g_task_get_cancellable (task) == cancellable);
  g_assert_null (g_task_get_source_object (task));
  g_assert_true (g_async_result_is_tagged (G_ASYNC_RESULT (task), source_tag));

  g_task_return_int (task, 7);
  g_object_unref (task);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_task_get_task_data (G_TASK (result)) == state);
  g_assert_cmpint (((State *) g_task_get_task_data (G_TASK (result)))->value, ==, 42);
  g_assert_cmpint (g_task_propagate_int (G_TASK (result), &error), ==, 7);
  g_assert_no_error (error);
  g_assert_false (freed);

  g_object_unref (result);
  g_assert_true (freed);
}

/* Work that must finish once begun has no cancellable; state that is not
 * the operation's own (the service) is not freed with the task. */
static void
test_not_cancellable (void)
{
  int service = 0;
  g_autoptr (GTask) task = carrete_op_new (&service, NULL, source_tag, NULL, NULL, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_null (g_task_get_cancellable (task));
  g_assert_true (g_task_get_task_data (task) == &service);
  g_task_return_boolean (task, TRUE);
  g_assert_true (g_task_propagate_boolean (task, &error));
  g_assert_no_error (error);
  drain ();
}

/* A client that hung up: whatever the operation returned, its caller sees
 * G_IO_ERROR_CANCELLED (and the value returned is freed, not leaked). */
static void
test_cancelled (void)
{
  gboolean freed = FALSE;
  State *state = state_new (&freed);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  GTask *task;
  g_autoptr (GError) error = NULL;

  task = carrete_op_new (state, state_free, source_tag, cancellable, NULL, NULL);
  g_cancellable_cancel (cancellable);
  g_task_return_pointer (task, g_strdup ("late"), g_free);
  g_assert_null (g_task_propagate_pointer (task, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_object_unref (task);
  drain ();
  g_assert_true (freed);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/carrete/op/carries", test_carries);
  g_test_add_func ("/carrete/op/not-cancellable", test_not_cancellable);
  g_test_add_func ("/carrete/op/cancelled", test_cancelled);
  return g_test_run ();
}
