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
