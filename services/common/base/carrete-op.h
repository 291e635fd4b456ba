#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The one pattern for an asynchronous operation of a service: its own
 * state struct, which rides on the GTask as task data and is freed with it;
 * a source tag (the public _async function); and the cancellable of the
 * request that started it (NULL for work that must finish once begun), so
 * that a client that hangs up stops the work.  Callbacks take the task
 * with g_autoptr (GTask) and read the state back with g_task_get_task_data. */
GTask *carrete_op_new (gpointer state, GDestroyNotify state_free, gpointer source_tag,
                       GCancellable *cancellable, GAsyncReadyCallback callback,
                       gpointer user_data);

/* Answers the task TRUE when `ok`, else with `error` (taken): the end of a
 * step whose only result is whether it worked.  Compute `ok` in a
 * statement of its own: arguments are evaluated in no set order. */
void carrete_op_return_ok (GTask *task, gboolean ok, GError *error);

G_END_DECLS
