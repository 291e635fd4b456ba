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
  GHashTable *entries; /* sha256(refresh token, CSRF seed) hex → Entry */
};

typedef struct
{
  WebCtx *ctx;
  WebRefreshFunc callback;
  gpointer user_data;
} Waiter;

typedef struct
{
  GPtrArray *waiters; /* Waiter; NULL once answered */
  JsonNode *pair;
  guint status;
  gint64 answered_us;
} Entry;

static void
waiter_free (gpointer data)
{
  Waiter *waiter = data;

  web_ctx_unref (waiter->ctx);
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

  refreshes->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, entry_free);
  return refreshes;
}

void
web_refreshes_free (WebRefreshes *refreshes)
{
  if (refreshes == NULL)
    return;
  g_hash_table_unref (refreshes->entries);
  g_free (refreshes);
}

static gboolean
entry_is_stale (gpointer key, gpointer value, gpointer user_data)
{
  Entry *entry = value;
  gint64 now = *(gint64 *) user_data;

  return entry->waiters == NULL && now - entry->answered_us > KEEP_SECONDS * G_USEC_PER_SEC;
}

static void
answer (Waiter *waiter, Entry *entry)
{
  JsonObject *pair = entry->pair != NULL ? json_node_get_object (entry->pair) : NULL;

  waiter->callback (waiter->ctx, entry->status, pair, waiter->user_data);
}

static void
on_refreshed (WebCtx *ctx, WebApiResult *result, gpointer user_data)
{
  g_autofree char *key = user_data;
  WebRefreshes *refreshes = ctx->app->refreshes;
  Entry *entry = g_hash_table_lookup (refreshes->entries, key);
  g_autoptr (GPtrArray) waiters = NULL;
  JsonObject *pair = web_api_object (result);

  g_assert (entry != NULL && entry->waiters != NULL);
  waiters = g_steal_pointer (&entry->waiters);
  entry->status = result->status;
  entry->answered_us = g_get_monotonic_time ();
  if (result->status == 200 && web_json_string (pair, "access_token") != NULL)
    entry->pair = json_node_ref (result->json);
  else if (result->status != 401)
    entry->status = result->status == 0 || result->status >= 500 ? 0 : result->status;
  for (guint i = 0; i < waiters->len; i++)
    answer (g_ptr_array_index (waiters, i), entry);
  /* An outage is not remembered: the next page tries again. */
  if (entry->status == 0)
    g_hash_table_remove (refreshes->entries, key);
}

void
web_refresh (WebCtx *ctx, WebRefreshFunc callback, gpointer user_data)
{
  WebRefreshes *refreshes = ctx->app->refreshes;
  g_autofree char *keyed = g_strconcat (ctx->refresh, "\n", ctx->csrf_seed, NULL);
  g_autofree char *key = g_compute_checksum_for_string (G_CHECKSUM_SHA256, keyed, -1);
  gint64 now = g_get_monotonic_time ();
  Entry *entry;
  Waiter *waiter = g_new0 (Waiter, 1);
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (JsonNode) body = NULL;

  waiter->ctx = web_ctx_ref (ctx);
  waiter->callback = callback;
  waiter->user_data = user_data;
  g_hash_table_foreach_remove (refreshes->entries, entry_is_stale, &now);
  entry = g_hash_table_lookup (refreshes->entries, key);
  if (entry != NULL && entry->waiters == NULL)
    {
      answer (waiter, entry);
      waiter_free (waiter);
      return;
    }
  if (entry != NULL)
    {
      g_ptr_array_add (entry->waiters, waiter);
      return;
    }
  entry = g_new0 (Entry, 1);
  entry->waiters = g_ptr_array_new_with_free_func (waiter_free);
  g_ptr_array_add (entry->waiters, waiter);
  g_hash_table_insert (refreshes->entries, g_strdup (key), entry);
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "refresh_token");
  json_builder_add_string_value (builder, ctx->refresh);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  web_api_call (ctx, WEB_USERS, "POST", "/v1/auth/refresh", body, on_refreshed, g_steal_pointer (&key));
}
