#include "carrete-source.h"

guint
carrete_source_attach (GSource *source)
{
  return g_source_attach (source, g_main_context_get_thread_default ());
}

static guint
add_timeout (GSource *source, gint priority, GSourceFunc func, gpointer data)
{
  guint id;

  g_source_set_priority (source, priority);
  g_source_set_callback (source, func, data, NULL);
  id = carrete_source_attach (source);
  g_source_unref (source);
  return id;
}

guint
carrete_timeout_add (guint interval_ms, GSourceFunc func, gpointer data)
{
  return add_timeout (g_timeout_source_new (interval_ms), G_PRIORITY_DEFAULT, func, data);
}

guint
carrete_timeout_add_seconds (guint seconds, GSourceFunc func, gpointer data)
{
  return add_timeout (g_timeout_source_new_seconds (seconds), G_PRIORITY_DEFAULT, func, data);
}

guint
carrete_timeout_add_full (gint priority, guint interval_ms, GSourceFunc func, gpointer data)
{
  return add_timeout (g_timeout_source_new (interval_ms), priority, func, data);
}

void
carrete_idle_add_on (GMainContext *context, GSourceFunc func, gpointer data, GDestroyNotify destroy,
                     const char *name)
{
  g_autoptr (GSource) idle = g_idle_source_new ();

  g_source_set_callback (idle, func, data, destroy);
  g_source_set_static_name (idle, name);
  g_source_attach (idle, context);
}

void
carrete_source_remove (guint id)
{
  GSource *source = g_main_context_find_source_by_id (g_main_context_get_thread_default (), id);

  if (source != NULL)
    g_source_destroy (source);
  else
    g_critical ("no source %u on this thread's main context", id);
}
