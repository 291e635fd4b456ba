#define G_LOG_DOMAIN "carrete-op"

#include "carrete-op.h"

GTask *
carrete_op_new (gpointer state, GDestroyNotify state_free, gpointer source_tag,
                GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_task_data (task, state, state_free);
  g_task_set_source_tag (task, source_tag);
  return task;
}

void
carrete_op_return_ok (GTask *task, gboolean ok, GError *error)
{
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}
