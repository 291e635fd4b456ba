#define G_LOG_DOMAIN "carrete-refresh-gate"

#include "carrete-refresh-gate.h"

#include "carrete-client-error.h"

struct _CarreteRefreshGate
{
  GMutex lock;         /* the threads share one table */
  GHashTable *entries; /* key → Entry */
  gint64 keep_us;
};

/* A refresh in flight (waiters != NULL) or answered and kept. */
typedef struct
{
  GPtrArray *waiters; /* GTask, one per waiter; NULL once answered */
  JsonNode *answer;   /* sealed */
  GError *error;
  gint64 answered_us;
} Entry;

static void
entry_free (Entry *entry)
{
  g_clear_pointer (&entry->waiters, g_ptr_array_unref);
  g_clear_pointer (&entry->answer, json_node_unref);
  g_clear_error (&entry->error);
  g_free (entry);
}

CarreteRefreshGate *
carrete_refresh_gate_new (guint keep_seconds)
{
  CarreteRefreshGate *gate = g_new0 (CarreteRefreshGate, 1);

  g_mutex_init (&gate->lock);
  gate->entries
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) entry_free);
  gate->keep_us = (gint64) keep_seconds * G_USEC_PER_SEC;
  return gate;
}

void
carrete_refresh_gate_free (CarreteRefreshGate *gate)
{
  if (gate == NULL)
    return;
  g_hash_table_unref (gate->entries);
  g_mutex_clear (&gate->lock);
  g_free (gate);
}

static gboolean
entry_is_stale (gpointer key, gpointer value, gpointer user_data)
{
  Entry *entry = value;
  CarreteRefreshGate *gate = user_data;

  return entry->waiters == NULL && g_get_monotonic_time () - entry->answered_us >= gate->keep_us;
}

/* GTask answers on the context that was thread-default when the waiter
 * called, whichever thread this runs on. */
static void
return_answer (GTask *task, JsonNode *answer, const GError *error)
{
  if (answer != NULL)
    g_task_return_pointer (task, json_node_ref (answer), (GDestroyNotify) json_node_unref);
  else
    g_task_return_error (task, g_error_copy (error));
}

void
carrete_refresh_gate_wait_async (CarreteRefreshGate *gate, const char *key,
                                 CarreteRefreshStartFunc start, gpointer start_data,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr (JsonNode) answer = NULL;
  g_autoptr (GError) error = NULL;
  gboolean answered = FALSE, first = FALSE;
  Entry *entry;

  g_return_if_fail (gate != NULL && key != NULL && start != NULL);
  g_task_set_source_tag (task, carrete_refresh_gate_wait_async);
  g_mutex_lock (&gate->lock);
  g_hash_table_foreach_remove (gate->entries, entry_is_stale, gate);
  entry = g_hash_table_lookup (gate->entries, key);
  if (entry != NULL && entry->waiters == NULL)
    {
      answered = TRUE;
      answer = entry->answer != NULL ? json_node_ref (entry->answer) : NULL;
      error = entry->error != NULL ? g_error_copy (entry->error) : NULL;
    }
  else
    {
      first = entry == NULL;
      if (first)
        {
          entry = g_new0 (Entry, 1);
          entry->waiters = g_ptr_array_new_with_free_func (g_object_unref);
          g_hash_table_insert (gate->entries, g_strdup (key), entry);
        }
      g_ptr_array_add (entry->waiters, g_object_ref (task));
    }
  g_mutex_unlock (&gate->lock);
  if (answered)
    return_answer (task, answer, error);
  else if (first)
    start (gate, key, start_data);
}

gboolean
carrete_refresh_gate_wait_finish (GAsyncResult *result, JsonNode **answer, GError **error)
{
  g_autoptr (JsonNode) node = NULL;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == carrete_refresh_gate_wait_async,
                        FALSE);
  node = g_task_propagate_pointer (G_TASK (result), error);
  if (node == NULL)
    return FALSE;
  if (answer != NULL)
    *answer = g_steal_pointer (&node);
  return TRUE;
}

void
carrete_refresh_gate_answer (CarreteRefreshGate *gate, const char *key, JsonNode *answer,
                             const GError *error)
{
  g_autoptr (GPtrArray) waiters = NULL;
  Entry *entry;

  g_return_if_fail (gate != NULL && key != NULL);
  g_return_if_fail (answer != NULL || error != NULL);
  if (answer != NULL)
    json_node_seal (answer);
  g_mutex_lock (&gate->lock);
  entry = g_hash_table_lookup (gate->entries, key);
  if (entry == NULL || entry->waiters == NULL)
    {
      g_mutex_unlock (&gate->lock);
      g_critical ("no refresh of this key is in flight");
      return;
    }
  waiters = g_steal_pointer (&entry->waiters);
  entry->answer = answer != NULL ? json_node_ref (answer) : NULL;
  entry->error = answer == NULL ? g_error_copy (error) : NULL;
  entry->answered_us = g_get_monotonic_time ();
  /* An outage is not remembered: the next caller tries again. */
  if (gate->keep_us == 0 || (answer == NULL && carrete_client_error_is_transient (error)))
    g_hash_table_remove (gate->entries, key);
  g_mutex_unlock (&gate->lock);
  for (guint i = 0; i < waiters->len; i++)
    return_answer (g_ptr_array_index (waiters, i), answer, error);
}
