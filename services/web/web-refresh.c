#define G_LOG_DOMAIN "carrete-web"

#include "web-refresh.h"

#include "web-api.h"

/* How long a refresh's answer serves requests of the same browser that
 * carried the same token (a second tab, a request already on its way).
 * Short, and keyed on the browser's CSRF seed too, so that a refresh cookie
 * replayed from elsewhere is not answered with the new pair but reaches
 * carrete-users, whose reuse detection then revokes the family. */
#define KEEP_SECONDS 10

struct _WebRefreshes
{
  GMutex lock;         /* the workers share one table */
  GHashTable *entries; /* sha256(refresh token, CSRF seed) hex → Entry */
};

/* A request waiting for a refresh; it is answered, and freed, on its own
 * worker's main context. */
typedef struct
{
  WebCtx *ctx;
  WebRefreshFunc callback;
  gpointer user_data;
  GMainContext *context;
  guint status;   /* the answer, once there is one */
  JsonNode *pair; /* sealed: read by several workers */
} Waiter;

typedef struct
{
  GPtrArray *waiters; /* Waiter (not owned); NULL once answered */
  JsonNode *pair;
  guint status;
  gint64 answered_us;
} Entry;

static void
waiter_free (Waiter *waiter)
{
  web_ctx_unref (waiter->ctx);
  g_main_context_unref (waiter->context);
  g_clear_pointer (&waiter->pair, json_node_unref);
  g_free (waiter);
}

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_clear_pointer (&entry->waiters, g_ptr_array_unref);
  g_clear_pointer (&entry->pair, json_node_unref);
  g_free (entry);
}

WebRefreshes *
web_refreshes_new (void)
{
  WebRefreshes *refreshes = g_new0 (WebRefreshes, 1);

  g_mutex_init (&refreshes->lock);
  refreshes->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, entry_free);
  return refreshes;
}

void
web_refreshes_free (WebRefreshes *refreshes)
{
  if (refreshes == NULL)
    return;
  g_hash_table_unref (refreshes->entries);
  g_mutex_clear (&refreshes->lock);
  g_free (refreshes);
}

static gboolean
entry_is_stale (gpointer key, gpointer value, gpointer user_data)
{
  Entry *entry = value;
  gint64 now = *(gint64 *) user_data;

  return entry->waiters == NULL && now - entry->answered_us > KEEP_SECONDS * G_USEC_PER_SEC;
}

static gboolean
deliver (gpointer data)
{
  Waiter *waiter = data;
  JsonObject *pair = waiter->pair != NULL ? json_node_get_object (waiter->pair) : NULL;

  waiter->callback (waiter->ctx, waiter->status, pair, waiter->user_data);
  waiter_free (waiter);
  return G_SOURCE_REMOVE;
}

/* Gives `waiter` the entry's answer and runs its callback on its own
 * worker: at once when that is this thread, else through its context. */
static void
answer (Waiter *waiter, guint status, JsonNode *pair)
{
  waiter->status = status;
  waiter->pair = pair != NULL ? json_node_ref (pair) : NULL;
  if (waiter->context == g_main_context_get_thread_default ())
    deliver (waiter);
  else
    g_main_context_invoke (waiter->context, deliver, waiter);
}

static void
on_refreshed (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  g_autofree char *key = user_data;
  WebRefreshes *refreshes = ctx->app->refreshes;
  g_autoptr (GPtrArray) waiters = NULL;
  JsonObject *object = web_api_object (result);
  g_autoptr (JsonNode) pair = NULL;
  guint status = result->status;
  Entry *entry;

  if (status == 200 && web_json_string (object, "access_token") != NULL)
    {
      pair = json_node_ref (result->json);
      json_node_seal (pair);
    }
  else if (status != 401)
    status = status == 0 || status >= 500 ? 0 : status;
  g_mutex_lock (&refreshes->lock);
  entry = g_hash_table_lookup (refreshes->entries, key);
  g_assert (entry != NULL && entry->waiters != NULL);
  waiters = g_steal_pointer (&entry->waiters);
  entry->status = status;
  entry->pair = pair != NULL ? json_node_ref (pair) : NULL;
  entry->answered_us = g_get_monotonic_time ();
  /* An outage is not remembered: the next page tries again. */
  if (status == 0)
    g_hash_table_remove (refreshes->entries, key);
  g_mutex_unlock (&refreshes->lock);
  for (guint i = 0; i < waiters->len; i++)
    answer (g_ptr_array_index (waiters, i), status, pair);
}

static void
send_refresh (WebCtx *ctx, char *key)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "refresh_token");
  json_builder_add_string_value (builder, ctx->refresh);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  web_api_call (ctx, WEB_USERS, "POST", "/v1/auth/refresh", body, on_refreshed, key);
}

void
web_refresh (WebCtx *ctx, WebRefreshFunc callback, gpointer user_data)
{
  WebRefreshes *refreshes = ctx->app->refreshes;
  g_autofree char *keyed = g_strconcat (ctx->refresh, "\n", ctx->csrf_seed, NULL);
  g_autofree char *key = g_compute_checksum_for_string (G_CHECKSUM_SHA256, keyed, -1);
  gint64 now = g_get_monotonic_time ();
  Waiter *waiter = g_new0 (Waiter, 1);
  g_autoptr (JsonNode) pair = NULL;
  guint status = 0;
  gboolean answered = FALSE, first = FALSE;
  Entry *entry;

  waiter->ctx = web_ctx_ref (ctx);
  waiter->callback = callback;
  waiter->user_data = user_data;
  waiter->context = g_main_context_ref_thread_default ();
  g_mutex_lock (&refreshes->lock);
  g_hash_table_foreach_remove (refreshes->entries, entry_is_stale, &now);
  entry = g_hash_table_lookup (refreshes->entries, key);
  if (entry != NULL && entry->waiters == NULL)
    {
      answered = TRUE;
      status = entry->status;
      pair = entry->pair != NULL ? json_node_ref (entry->pair) : NULL;
    }
  else if (entry != NULL)
    g_ptr_array_add (entry->waiters, waiter);
  else
    {
      first = TRUE;
      entry = g_new0 (Entry, 1);
      entry->waiters = g_ptr_array_new ();
      g_ptr_array_add (entry->waiters, waiter);
      g_hash_table_insert (refreshes->entries, g_strdup (key), entry);
    }
  g_mutex_unlock (&refreshes->lock);
  if (answered)
    answer (waiter, status, pair);
  else if (first)
    send_refresh (ctx, g_steal_pointer (&key));
}
