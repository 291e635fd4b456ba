#define G_LOG_DOMAIN "carrete-photos-upload"

#include "upload-sink.h"

#include "carrete-error.h"
#include "carrete-op.h"

/* fs appends to one file: small parts are as fast and cost less memory. */
#define FS_PART_SIZE (1024 * 1024)
#define MIB (1024 * 1024)
/* Two part buffers, both of which may be on their way: a store takes a
 * part in about twice the time the next one takes to arrive over a local
 * network, so a second part in flight nearly doubles the rate, and the
 * memory stays at two parts. */
#define PART_BUFFERS 2

struct _PhotosSink
{
  int refs; /* the owner's, and the step under way on a worker */
  CarreteStorage *storage;
  CarreteWorkers *workers;
  char *key;
  char *content_type;
  gsize part_size;
  PhotosSinkFlow flow;
  gpointer owner;              /* NULL once the owner let go */
  GMutex writer_lock;          /* the first parts sent race to make it */
  CarreteObjectWriter *writer; /* then appended to by parts at once */
  gboolean committed;
  /* Invariant: `filling` is NULL or full, or `overflow` holds bytes, only
   * while every other buffer is on its way. */
  GByteArray *filling;
  GPtrArray *free_buffers;
  guint buffers;        /* made so far, at most PART_BUFFERS */
  guint in_flight;      /* parts on workers */
  guint parts_numbered; /* parts handed out, numbered from 1 */
  GByteArray *overflow; /* bytes that came while every buffer was busy */
  gboolean paused;
  GError *error;
  GTask *commit;        /* waiting for the part in flight */
  char *sha256;
};

static PhotosSink *
sink_ref (PhotosSink *sink)
{
  sink->refs++;
  return sink;
}

/* ---- letting go -------------------------------------------------------------------- */

typedef struct
{
  CarreteObjectWriter *writer;
} Leftover;

static void
leftover_free (gpointer data)
{
  Leftover *leftover = data;

  carrete_object_writer_free (leftover->writer);
  g_free (leftover);
}

static void
abort_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Leftover *leftover = data;

  g_clear_pointer (&leftover->writer, carrete_object_writer_free);
  g_task_return_boolean (task, TRUE);
}

/* An uncommitted writer aborts its multipart upload: a network call that
 * the main loop does not wait for. */
static void
discard_writer (PhotosSink *sink)
{
  Leftover *leftover;
  g_autoptr (GTask) task = NULL;

  if (sink->writer == NULL)
    return;
  if (sink->committed)
    {
      g_clear_pointer (&sink->writer, carrete_object_writer_free);
      return;
    }
  leftover = g_new0 (Leftover, 1);
  leftover->writer = g_steal_pointer (&sink->writer);
  task = g_task_new (NULL, NULL, NULL, NULL);
  g_task_set_source_tag (task, discard_writer);
  g_task_set_task_data (task, leftover, leftover_free);
  carrete_workers_run_task (sink->workers, task, abort_in_thread);
}

static void
sink_unref (PhotosSink *sink)
{
  if (--sink->refs > 0)
    return;
  g_assert (sink->commit == NULL);
  discard_writer (sink);
  g_free (sink->key);
  g_free (sink->content_type);
  g_clear_pointer (&sink->filling, g_byte_array_unref);
  g_clear_pointer (&sink->free_buffers, g_ptr_array_unref);
  g_clear_pointer (&sink->overflow, g_byte_array_unref);
  g_mutex_clear (&sink->writer_lock);
  g_clear_error (&sink->error);
  g_free (sink->sha256);
  g_free (sink);
}

void
photos_sink_free (PhotosSink *sink)
{
  if (sink == NULL)
    return;
  sink->owner = NULL;
  sink_unref (sink);
}

/* ---- flow control -------------------------------------------------------------------- */

static void
pause_body (PhotosSink *sink)
{
  if (sink->paused)
    return;
  sink->paused = TRUE;
  if (sink->owner != NULL)
    sink->flow.pause (sink->owner);
}

static void
resume_body (PhotosSink *sink)
{
  if (!sink->paused)
    return;
  sink->paused = FALSE;
  if (sink->owner != NULL)
    sink->flow.resume (sink->owner);
}

static void
sink_fail (PhotosSink *sink, GError *error)
{
  if (sink->error != NULL)
    {
      g_error_free (error);
      return;
    }
  sink->error = error;
  /* The bytes are of no use any more. */
  if (sink->filling != NULL)
    g_byte_array_set_size (sink->filling, 0);
  g_byte_array_set_size (sink->overflow, 0);
  if (sink->owner != NULL)
    sink->flow.failed (sink->owner, sink->error);
  resume_body (sink);
}

/* ---- sending parts --------------------------------------------------------------------- */

static gboolean
ensure_writer (PhotosSink *sink, GError **error)
{
  gboolean ok;

  g_mutex_lock (&sink->writer_lock);
  if (sink->writer == NULL)
    sink->writer = carrete_object_writer_new (sink->storage, sink->key, sink->content_type, error);
  ok = sink->writer != NULL;
  g_mutex_unlock (&sink->writer_lock);
  return ok;
}

/* One numbered part on its way. */
typedef struct
{
  PhotosSink *sink;
  GByteArray *bytes;
  guint number;
} Part;

static void
part_free (gpointer data)
{
  Part *part = data;

  g_clear_pointer (&part->bytes, g_byte_array_unref);
  g_free (part);
}

static void
send_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Part *part = data;
  PhotosSink *sink = part->sink;
  GError *error = NULL;
  gboolean ok = ensure_writer (sink, &error)
                && carrete_object_writer_append (sink->writer, part->number, part->bytes->data,
                                                 part->bytes->len, NULL, &error);

  carrete_op_return_ok (task, ok, error);
}

static void on_part_sent (GObject *source, GAsyncResult *result, gpointer user_data);

static void
run_on_worker (PhotosSink *sink, gpointer data, GDestroyNotify free_data, GTaskThreadFunc func,
               GAsyncReadyCallback done)
{
  g_autoptr (GTask) step = g_task_new (NULL, NULL, done, sink_ref (sink));

  g_task_set_source_tag (step, run_on_worker);
  g_task_set_task_data (step, data, free_data);
  carrete_workers_run_task (sink->workers, step, func);
}

/* A free buffer, a new one while fewer than PART_BUFFERS exist, or NULL. */
static GByteArray *
take_buffer (PhotosSink *sink)
{
  if (sink->free_buffers->len > 0)
    return g_ptr_array_steal_index_fast (sink->free_buffers, sink->free_buffers->len - 1);
  if (sink->buffers == PART_BUFFERS)
    return NULL;
  sink->buffers++;
  return g_byte_array_sized_new (sink->part_size);
}

/* Sends the full part unless every buffer is on its way (FALSE then).
 * `filling` is NULL afterwards when no buffer is left to fill. */
static gboolean
send_full_part (PhotosSink *sink)
{
  Part *part;

  if (sink->in_flight == PART_BUFFERS)
    return FALSE;
  part = g_new0 (Part, 1);
  part->sink = sink;
  part->bytes = g_steal_pointer (&sink->filling);
  part->number = ++sink->parts_numbered;
  sink->in_flight++;
  sink->filling = take_buffer (sink);
  run_on_worker (sink, part, part_free, send_in_thread, on_part_sent);
  return TRUE;
}

/* Keeps what cannot be taken now, and stops the body. */
static void
hold_back (PhotosSink *sink, const guint8 *data, gsize len)
{
  g_byte_array_append (sink->overflow, data, len);
  pause_body (sink);
}

static void
take_bytes (PhotosSink *sink, const guint8 *data, gsize len)
{
  while (len > 0)
    {
      gsize n;

      if (sink->filling == NULL)
        {
          hold_back (sink, data, len);
          return;
        }
      n = MIN (sink->part_size - sink->filling->len, len);
      g_byte_array_append (sink->filling, data, n);
      data += n;
      len -= n;
      if (sink->filling->len == sink->part_size && !send_full_part (sink))
        {
          hold_back (sink, data, len);
          return;
        }
    }
  /* Every buffer is on its way: no room for the next bytes. */
  if (sink->filling == NULL)
    pause_body (sink);
}

gboolean
photos_sink_write (PhotosSink *sink, const guint8 *data, gsize len)
{
  if (sink->error != NULL)
    return FALSE;
  /* Bytes the connection had read before the pause took effect. */
  if (sink->overflow->len > 0)
    g_byte_array_append (sink->overflow, data, len);
  else
    take_bytes (sink, data, len);
  return TRUE;
}

static void
drain_overflow (PhotosSink *sink)
{
  g_autoptr (GByteArray) waiting = sink->overflow;

  sink->overflow = g_byte_array_new ();
  take_bytes (sink, waiting->data, waiting->len);
}

static void commit_now (PhotosSink *sink);

static void
on_part_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PhotosSink *sink = user_data;
  Part *part = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  sink->in_flight--;
  g_byte_array_set_size (part->bytes, 0);
  g_ptr_array_add (sink->free_buffers, g_steal_pointer (&part->bytes));
  if (sink->filling == NULL)
    sink->filling = take_buffer (sink);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    sink_fail (sink, error);
  else
    {
      if (sink->filling->len == sink->part_size)
        send_full_part (sink);
      drain_overflow (sink);
      if (sink->overflow->len == 0 && sink->filling != NULL)
        resume_body (sink);
    }
  if (sink->commit != NULL && sink->in_flight == 0)
    commit_now (sink);
  sink_unref (sink);
}

/* ---- commit ------------------------------------------------------------------------- */

/* No part is on its way: nothing else touches the writer. */
static void
commit_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  PhotosSink *sink = data;
  GTask *commit = sink->commit;
  GError *error = NULL;
  gboolean ok = ensure_writer (sink, &error)
                && carrete_object_writer_commit (sink->writer, sink->filling->data,
                                                 sink->filling->len, sink->sha256,
                                                 g_task_get_cancellable (commit), &error);

  carrete_op_return_ok (task, ok, error);
}

static void
on_committed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PhotosSink *sink = user_data;
  GTask *commit = g_steal_pointer (&sink->commit);
  GError *error = NULL;

  sink->committed = g_task_propagate_boolean (G_TASK (result), &error);
  carrete_op_return_ok (commit, sink->committed, error);
  g_object_unref (commit);
  sink_unref (sink);
}

static void
commit_now (PhotosSink *sink)
{
  if (sink->error != NULL)
    {
      GTask *commit = g_steal_pointer (&sink->commit);

      g_task_return_error (commit, g_error_copy (sink->error));
      g_object_unref (commit);
      return;
    }
  /* No part is on its way, so every byte is in `filling`. */
  g_assert (sink->overflow->len == 0 && sink->filling->len < sink->part_size);
  run_on_worker (sink, sink, NULL, commit_in_thread, on_committed);
}

void
photos_sink_commit_async (PhotosSink *sink, const char *sha256_hex, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = carrete_op_new (NULL, NULL, photos_sink_commit_async, cancellable, callback,
                                user_data);

  g_return_if_fail (sink->commit == NULL && !sink->committed);

  g_free (sink->sha256);
  sink->sha256 = g_strdup (sha256_hex);
  sink->commit = task;
  if (sink->in_flight == 0)
    commit_now (sink);
}

gboolean
photos_sink_commit_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- making one --------------------------------------------------------------------- */

gsize
photos_sink_part_size (CarreteStorage *storage, guint64 max_bytes)
{
  guint64 per_part;

  if (carrete_storage_get_kind (storage) == CARRETE_STORAGE_FS)
    return FS_PART_SIZE;
  /* S3 allows 10,000 parts: bigger parts only for limits past 50 GB. */
  per_part = (max_bytes + CARRETE_STORAGE_MAX_PARTS - 1) / CARRETE_STORAGE_MAX_PARTS;
  per_part = (per_part + MIB - 1) / MIB * MIB;
  return (gsize) MAX (per_part, (guint64) CARRETE_STORAGE_MIN_PART_SIZE);
}

void
photos_sink_set_content_type (PhotosSink *sink, const char *content_type)
{
  g_free (sink->content_type);
  sink->content_type = g_strdup (content_type);
}

PhotosSink *
photos_sink_new (CarreteStorage *storage, CarreteWorkers *workers, const char *key,
                 gsize part_size, const PhotosSinkFlow *flow, gpointer owner)
{
  PhotosSink *sink = g_new0 (PhotosSink, 1);

  sink->refs = 1;
  sink->storage = storage;
  sink->workers = workers;
  sink->key = g_strdup (key);
  sink->part_size = part_size;
  sink->flow = *flow;
  sink->owner = owner;
  g_mutex_init (&sink->writer_lock);
  sink->free_buffers = g_ptr_array_new_with_free_func ((GDestroyNotify)g_byte_array_unref);
  sink->filling = take_buffer (sink);
  sink->overflow = g_byte_array_new ();
  return sink;
}
