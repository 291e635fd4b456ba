/* carrete import: the uploads, through the client library's upload queue
 * (direct presigned uploads, resumable ones above the library's threshold,
 * records of unfinished ones for the next run). */

#define G_LOG_DOMAIN "carrete-cli"

#include <stdio.h>
#include <sys/stat.h>

#include "carrete-source.h"
#include "carrete-upload-record.h"
#include "import-run.h"

#define PROGRESS_MS 250
#define RESUMED_GRACE_US (5 * G_USEC_PER_SEC)
#define STOP_GRACE_US (15 * G_USEC_PER_SEC)

typedef struct
{
  ImportRun *run;
  CarreteUploadQueue *queue;
  GHashTable *by_upload; /* CarreteUpload → ImportItem */
  guint queued;
  guint finished;
  guint resumed_expected;
  guint resumed_finished;
  gboolean stopping;
  gint64 started_us;
} Uploader;

static void
finish_resumed (Uploader *up, CarreteUpload *upload)
{
  g_autofree char *path = g_file_get_path (carrete_upload_get_file (upload));
  const GError *error = carrete_upload_get_error (upload);

  up->resumed_finished++;
  if (carrete_upload_get_state (upload) == CARRETE_UPLOAD_DONE)
    {
      CarretePhoto *photo = carrete_upload_get_photo (upload);
      struct stat st;

      up->run->uploaded++;
      if (path != NULL && stat (path, &st) == 0 && carrete_photo_get_sha256 (photo) != NULL)
        import_run_mark_uploaded (up->run, path, (guint64) st.st_size,
                                  (gint64) st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec,
                                  carrete_photo_get_sha256 (photo));
      import_run_report (up->run, "resumed", path, NULL);
    }
  else if (carrete_upload_get_existing_id (upload) != NULL)
    {
      up->run->already++;
      import_run_report (up->run, "exists", path, NULL);
    }
  else if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_ptr_array_add (up->run->failed, g_strdup_printf ("%s: %s", path, error->message));
      import_run_report (up->run, "failed", path, error->message);
    }
  else
    up->run->cancelled++;
}

static void
on_upload_finished (CarreteUploadQueue *queue, CarreteUpload *upload, gpointer data)
{
  Uploader *up = data;
  ImportItem *item = g_hash_table_lookup (up->by_upload, upload);
  const GError *error = carrete_upload_get_error (upload);

  if (item == NULL)
    {
      if (carrete_upload_get_resumed (upload))
        finish_resumed (up, upload);
      return;
    }
  up->finished++;
  if (carrete_upload_get_state (upload) == CARRETE_UPLOAD_DONE)
    {
      up->run->uploaded++;
      up->run->bytes_sent += item->file->size;
      import_run_mark_uploaded (up->run, item->file->path, item->file->size, item->file->mtime_ns,
                                item->sha256);
      import_run_report (up->run, "uploaded", item->file->path, NULL);
    }
  else if (carrete_upload_get_existing_id (upload) != NULL)
    {
      /* A 409 duplicate: the server has these bytes already. */
      up->run->already++;
      item->state = ITEM_ON_SERVER;
      import_run_mark_uploaded (up->run, item->file->path, item->file->size, item->file->mtime_ns,
                                item->sha256);
      import_run_report (up->run, "exists", item->file->path, NULL);
    }
  else if (carrete_upload_get_state (upload) == CARRETE_UPLOAD_CANCELLED
           || (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)))
    up->run->cancelled++;
  else
    {
      item->state = ITEM_FAILED;
      g_ptr_array_add (up->run->failed, g_strdup_printf ("%s: %s", item->file->path,
                                                         error != NULL ? error->message : "?"));
      import_run_report (up->run, "failed", item->file->path,
                         error != NULL ? error->message : NULL);
    }
}

static guint64
bytes_in_flight (Uploader *up)
{
  GListModel *model = G_LIST_MODEL (up->queue);
  guint64 bytes = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (CarreteUpload) upload = g_list_model_get_item (model, i);
      if (!carrete_upload_is_finished (upload))
        bytes += carrete_upload_get_bytes_sent (upload);
    }
  return bytes;
}

static gboolean
on_progress (gpointer data)
{
  Uploader *up = data;
  double seconds = (double) (g_get_monotonic_time () - up->started_us) / G_USEC_PER_SEC;
  double mb = (double) (up->run->bytes_sent + bytes_in_flight (up)) / 1e6;

  fprintf (stderr,
           "\r\033[K%u/%u files, %u uploaded, %u already there, %u failed, %.1f MB "
           "(%.1f MB/s)",
           up->finished, up->queued, up->run->uploaded, up->run->already, up->run->failed->len, mb,
           seconds > 0 ? mb / seconds : 0.0);
  return G_SOURCE_CONTINUE;
}

/* The files an earlier run's resumable uploads are finishing: the queue
 * resumes them itself once signed in, so they are not queued again. */
static GHashTable *
resuming_paths (Uploader *up)
{
  CarreteClient *client = up->run->cli->client;
  g_autofree char *dir = carrete_upload_record_dir ();
  CarreteUser *user = carrete_client_get_user (client);
  g_autoptr (GPtrArray) records = NULL;
  GHashTable *paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (user == NULL)
    return paths;
  records = carrete_upload_records_load (
      dir, carrete_client_get_service_url (client, CARRETE_SERVICE_PHOTOS),
      carrete_user_get_id (user));
  for (guint i = 0; records != NULL && i < records->len; i++)
    {
      const CarreteUploadRecord *record = g_ptr_array_index (records, i);
      g_hash_table_add (paths, g_strdup (record->path));
    }
  up->resumed_expected = records != NULL ? records->len : 0;
  return paths;
}

static void
queue_items (Uploader *up)
{
  g_autoptr (GHashTable) resuming = resuming_paths (up);

  for (guint i = 0; i < up->run->items->len; i++)
    {
      ImportItem *item = g_ptr_array_index (up->run->items, i);
      g_autoptr (GFile) file = NULL;
      CarreteUpload *upload;

      if (item->state != ITEM_UPLOAD)
        continue;
      if (g_hash_table_contains (resuming, item->file->path))
        {
          item->state = ITEM_RESUMING;
          continue;
        }
      file = g_file_new_for_path (item->file->path);
      upload = carrete_upload_queue_add_file (up->queue, file, up->run->folder_id);
      g_hash_table_insert (up->by_upload, upload, item);
      up->queued++;
    }
}

/* Ctrl-C: nothing more starts; the running uploads stop (a resumable one
 * stays on the server and on disk for the next run, any other is undone). */
static void
stop (Uploader *up)
{
  GHashTableIter iter;
  gpointer upload;

  up->stopping = TRUE;
  g_hash_table_iter_init (&iter, up->by_upload);
  while (g_hash_table_iter_next (&iter, &upload, NULL))
    if (carrete_upload_get_state (upload) == CARRETE_UPLOAD_QUEUED)
      carrete_upload_queue_cancel (up->queue, upload);
  carrete_upload_queue_suspend_all (up->queue);
}

static gboolean
done (Uploader *up, gint64 *mine_done_us)
{
  gint64 now = g_get_monotonic_time ();

  if (up->stopping)
    return carrete_upload_queue_get_n_active (up->queue) == 0 || now > *mine_done_us;
  if (up->finished < up->queued)
    return FALSE;
  if (*mine_done_us == 0)
    *mine_done_us = now;
  /* The queue reads the records in a worker thread: give the resumed
   * uploads a moment to join, then wait for what is pending. */
  if (up->resumed_finished < up->resumed_expected && now - *mine_done_us < RESUMED_GRACE_US)
    return FALSE;
  return carrete_upload_queue_get_n_pending (up->queue) == 0;
}

static gboolean
on_tick (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

void
import_run_upload (ImportRun *run, guint jobs)
{
  Uploader up = { run };
  g_autoptr (CarreteUploadQueue) queue = carrete_upload_queue_new (run->cli->client);
  g_autoptr (GHashTable) by_upload = g_hash_table_new (NULL, NULL);
  guint progress_id = 0, tick_id;
  gint64 mine_done_us = 0;

  up.queue = queue;
  up.by_upload = by_upload;
  up.started_us = g_get_monotonic_time ();
  carrete_upload_queue_set_max_parallel (queue, jobs);
  g_signal_connect (queue, "upload-finished", G_CALLBACK (on_upload_finished), &up);
  queue_items (&up);
  if (run->tty)
    progress_id = carrete_timeout_add (PROGRESS_MS, on_progress, &up);
  /* Wakes the loop so that the grace periods are checked. */
  tick_id = carrete_timeout_add (100, on_tick, NULL);
  while (!done (&up, &mine_done_us))
    {
      if (run->cli->interrupted && !up.stopping)
        {
          stop (&up);
          mine_done_us = g_get_monotonic_time () + STOP_GRACE_US;
        }
      g_main_context_iteration (NULL, TRUE);
    }
  if (progress_id != 0)
    {
      on_progress (&up);
      fprintf (stderr, "\n");
      carrete_source_remove (progress_id);
    }
  carrete_source_remove (tick_id);
  g_signal_handlers_disconnect_by_data (queue, &up);
  /* Disposing of the queue leaves any resumable upload still running for
   * the next run (carrete_upload_queue_suspend_all). */
}
