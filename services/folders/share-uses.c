#define G_LOG_DOMAIN "carrete-folders-share-uses"

/* Counting in memory trades a second of lag, and the uses of a worker
 * that dies uncleanly, for link holders' requests that read without an
 * UPDATE in front of them on their connection (tests/bench/bench-links.sh). */

#include "share-uses.h"

#include "carrete-source.h"
#include "shares-store.h"

/* A write at most this often: one statement for every link used since. */
#define FLUSH_INTERVAL_MS 1000

typedef struct
{
  gint64 n;       /* uses not written yet */
  gint64 last_us; /* the latest, real time in microseconds */
} Pending;

typedef struct _Flush Flush;

struct _FoldersShareUses
{
  CarreteDb *db;
  GHashTable *pending; /* gint64 * link id → Pending * */
  guint timer_id;      /* the next write, or 0 */
  Flush *flush;        /* the write under way, or NULL */
  gboolean stopping;   /* write at once: the worker is about to end */
  gboolean dropping;   /* warned about a full table already */
};

/* A write under way, with the counts it carries (kept for the next write
 * when it fails). */
struct _Flush
{
  FoldersShareUses *uses; /* NULL once freed: nothing to give the counts back to */
  GHashTable *batch;
};

static GHashTable *
pending_new (void)
{
  return g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
}

FoldersShareUses *
folders_share_uses_new (CarreteDb *db)
{
  FoldersShareUses *uses = g_new0 (FoldersShareUses, 1);

  uses->db = g_object_ref (db);
  uses->pending = pending_new ();
  return uses;
}

void
folders_share_uses_free (FoldersShareUses *uses)
{
  guint left = g_hash_table_size (uses->pending);

  if (left > 0)
    g_warning ("the uses of %u share links were never written", left);
  if (uses->flush != NULL)
    uses->flush->uses = NULL;
  g_clear_handle_id (&uses->timer_id, carrete_source_remove);
  g_hash_table_unref (uses->pending);
  g_object_unref (uses->db);
  g_free (uses);
}

/* Adds `n` uses, the latest at `last_us`, to a link's pending count; FALSE
 * when the table is full and the link not in it. */
static gboolean
add (FoldersShareUses *uses, gint64 share_id, gint64 n, gint64 last_us)
{
  Pending *p = g_hash_table_lookup (uses->pending, &share_id);

  if (p == NULL)
    {
      if (g_hash_table_size (uses->pending) >= FOLDERS_SHARE_USES_MAX_LINKS)
        return FALSE;
      p = g_new0 (Pending, 1);
      g_hash_table_insert (uses->pending, g_memdup2 (&share_id, sizeof share_id), p);
    }
  p->n += n;
  p->last_us = MAX (p->last_us, last_us);
  return TRUE;
}

static void
warn_dropped (FoldersShareUses *uses, gint64 n)
{
  if (uses->dropping)
    return;
  uses->dropping = TRUE;
  g_warning ("share link uses dropped: %" G_GINT64_FORMAT " waiting already for %d links",
             n, FOLDERS_SHARE_USES_MAX_LINKS);
}

/* PostgreSQL array literals of the ids, counts and times of `batch`. */
static void
batch_arrays (GHashTable *batch, char **ids, char **counts, char **times)
{
  GString *id_text = g_string_new ("{");
  GString *count_text = g_string_new ("{");
  GString *time_text = g_string_new ("{");
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, batch);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *sep = id_text->len > 1 ? "," : "";
      const Pending *p = value;

      g_string_append_printf (id_text, "%s%" G_GINT64_FORMAT, sep, *(gint64 *)key);
      g_string_append_printf (count_text, "%s%" G_GINT64_FORMAT, sep, p->n);
      g_string_append_printf (time_text, "%s%" G_GINT64_FORMAT, sep, p->last_us);
    }
  *ids = g_string_free (g_string_append_c (id_text, '}'), FALSE);
  *counts = g_string_free (g_string_append_c (count_text, '}'), FALSE);
  *times = g_string_free (g_string_append_c (time_text, '}'), FALSE);
}

static void flush_now (FoldersShareUses *uses);

static gboolean
on_timer (gpointer user_data)
{
  FoldersShareUses *uses = user_data;

  uses->timer_id = 0;
  flush_now (uses);
  return G_SOURCE_REMOVE;
}

static void
arm_timer (FoldersShareUses *uses)
{
  if (uses->timer_id == 0)
    uses->timer_id = carrete_timeout_add (FLUSH_INTERVAL_MS, on_timer, uses);
}

/* The next write, when something waits and none is under way: at once
 * when stopping, else on the timer. */
static void
schedule (FoldersShareUses *uses)
{
  if (uses->flush != NULL || g_hash_table_size (uses->pending) == 0)
    return;
  if (uses->stopping)
    flush_now (uses);
  else
    arm_timer (uses);
}

/* Gives a failed write's counts back, for the next one. */
static void
keep (FoldersShareUses *uses, GHashTable *batch)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, batch);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const Pending *p = value;

      if (!add (uses, *(gint64 *)key, p->n, p->last_us))
        warn_dropped (uses, p->n);
    }
}

static void
flushed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Flush *flush = user_data;
  FoldersShareUses *uses = flush->uses;
  g_autoptr (GError) error = NULL;

  if (carrete_db_count_finish (CARRETE_DB (source), result, &error) < 0)
    g_warning ("writing share link uses failed (kept for the next try): %s", error->message);
  if (uses != NULL)
    {
      uses->flush = NULL;
      if (error != NULL)
        {
          keep (uses, flush->batch);
          /* Not at once even when stopping: the database is in trouble. */
          arm_timer (uses);
        }
      else
        {
          uses->dropping = FALSE;
          schedule (uses);
        }
    }
  g_hash_table_unref (flush->batch);
  g_free (flush);
}

static void
flush_now (FoldersShareUses *uses)
{
  g_autofree char *ids = NULL;
  g_autofree char *counts = NULL;
  g_autofree char *times = NULL;
  Flush *flush;

  g_clear_handle_id (&uses->timer_id, carrete_source_remove);
  if (uses->flush != NULL || g_hash_table_size (uses->pending) == 0)
    return;
  flush = g_new0 (Flush, 1);
  flush->uses = uses;
  flush->batch = g_steal_pointer (&uses->pending);
  uses->pending = pending_new ();
  uses->flush = flush;
  batch_arrays (flush->batch, &ids, &counts, &times);
  folders_shares_store_add_uses (uses->db, ids, counts, times, flushed, flush);
}

void
folders_share_uses_note (FoldersShareUses *uses, gint64 share_id)
{
  if (!add (uses, share_id, 1, g_get_real_time ()))
    warn_dropped (uses, 1);
  schedule (uses);
}

void
folders_share_uses_stop (FoldersShareUses *uses)
{
  uses->stopping = TRUE;
  flush_now (uses);
}

gboolean
folders_share_uses_busy (FoldersShareUses *uses)
{
  return uses->flush != NULL || g_hash_table_size (uses->pending) > 0;
}
