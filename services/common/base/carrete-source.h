#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Timers and watches on the calling thread's main context.  A service runs
 * one main context per worker thread (carrete-service.c), so the global
 * default context that g_timeout_add() and g_source_remove() use would be
 * another thread's, or nobody's. */

/* Attaches `source` to the thread-default main context; returns its id. */
guint carrete_source_attach (GSource *source);

guint carrete_timeout_add (guint interval_ms, GSourceFunc func, gpointer data);
guint carrete_timeout_add_seconds (guint seconds, GSourceFunc func, gpointer data);
/* Same, at `priority`. */
guint carrete_timeout_add_full (gint priority, guint interval_ms, GSourceFunc func, gpointer data);

/* Runs `func` (with `data`, released with `destroy`) once, soon, on
 * `context`, another thread's as a rule: for work that must not run where
 * the caller is, such as inside a cancellable's "cancelled" emission.
 * `name` is a string literal naming the source. */
void carrete_idle_add_on (GMainContext *context, GSourceFunc func, gpointer data,
                          GDestroyNotify destroy, const char *name);

/* Removes the source with this id from the thread-default main context
 * (for g_clear_handle_id). */
void carrete_source_remove (guint id);

G_END_DECLS
