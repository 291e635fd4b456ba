#define G_LOG_DOMAIN "carrete-page"

#include "carrete-page.h"

/* The next cursor rides on the task beside its answer, the rows. */
#define NEXT_CURSOR "carrete-page-next-cursor"

void
carrete_page_return (GTask *task, GPtrArray *rows, guint limit, CarretePageCursorFunc cursor_of,
                     gpointer data)
{
  if (rows->len > limit)
    {
      g_ptr_array_set_size (rows, limit);
      g_object_set_data_full (G_OBJECT (task), NEXT_CURSOR,
                              cursor_of (g_ptr_array_index (rows, rows->len - 1), data), g_free);
    }
  g_task_return_pointer (task, rows, (GDestroyNotify) g_ptr_array_unref);
}

GPtrArray *
carrete_page_propagate (GAsyncResult *result, char **next_cursor, GError **error)
{
  GPtrArray *rows = g_task_propagate_pointer (G_TASK (result), error);

  if (rows != NULL)
    *next_cursor = g_object_steal_data (G_OBJECT (result), NEXT_CURSOR);
  return rows;
}
