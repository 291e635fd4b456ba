#pragma once

/* Driving the main loop from the desktop's UI tests, screenshot program and
 * bench: each runs the real widgets and waits for them. */

#include <glib.h>

G_BEGIN_DECLS

/* Iterates the default main context until `cond` holds; aborts the program,
 * naming the condition and the place, after `timeout_ms`. */
#define DESKTOP_WAIT_UNTIL(cond, timeout_ms) \
  G_STMT_START { \
    gint64 deadline_ = g_get_monotonic_time () + (gint64) (timeout_ms) * G_TIME_SPAN_MILLISECOND; \
    while (!(cond)) \
      { \
        if (g_get_monotonic_time () > deadline_) \
          g_error ("%s:%d: timed out waiting for %s", __FILE__, __LINE__, #cond); \
        g_main_context_iteration (NULL, TRUE); \
      } \
  } G_STMT_END

/* A source that keeps the loop waking, so that the waits above re-check
 * their condition even when nothing else happens (g_timeout_add (10, …)). */
static inline gboolean
desktop_test_tick (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop for `ms` milliseconds. */
static inline void
desktop_test_spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
}

G_END_DECLS
