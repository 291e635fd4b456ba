#define G_LOG_DOMAIN "carrete-upload-queue"

#include "carrete-upload-queue.h"
#include "carrete-client.h"
#include "carrete-upload-private.h"
#include "carrete-user.h"

struct _CarreteUploadQueue
{
  GObject parent_instance;
  CarreteClient *client;
  GPtrArray *uploads; /* CarreteUpload, in the order added */
  guint max_parallel;
  gboolean use_direct;
  guint n_active;
  char *records_loaded; /* "server\naccount" whose records were read */
  GCancellable *cancellable;
};

static void carrete_upload_queue_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CarreteUploadQueue, carrete_upload_queue, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      carrete_upload_queue_list_model_init))

enum
{
  PROP_0,
  PROP_CLIENT,
  PROP_MAX_PARALLEL,
  PROP_USE_DIRECT,
  PROP_N_ACTIVE,
  PROP_N_PENDING,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

enum { PHOTO_UPLOADED, UPLOAD_FINISHED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void pump (CarreteUploadQueue *self);

/* ---- GListModel ----------------------------------------------------------------------------- */

static GType
list_get_item_type (GListModel *model)
{
  return CARRETE_TYPE_UPLOAD;
}

static guint
list_get_n_items (GListModel *model)
{
  return CARRETE_UPLOAD_QUEUE (model)->uploads->len;
}

static gpointer
list_get_item (GListModel *model, guint position)
{
  CarreteUploadQueue *self = CARRETE_UPLOAD_QUEUE (model);

  if (position >= self->uploads->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->uploads, position));
}

static void
carrete_upload_queue_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = list_get_item_type;
  iface->get_n_items = list_get_n_items;
  iface->get_item = list_get_item;
}

/* ---- GObject -------------------------------------------------------------------------------- */

static void load_records (CarreteUploadQueue *self);

static void
on_signed_in_changed (CarreteClient *client, GParamSpec *pspec, gpointer user_data)
{
  load_records (CARRETE_UPLOAD_QUEUE (user_data));
  pump (CARRETE_UPLOAD_QUEUE (user_data));
}

static void
carrete_upload_queue_constructed (GObject *object)
{
  CarreteUploadQueue *self = CARRETE_UPLOAD_QUEUE (object);

  G_OBJECT_CLASS (carrete_upload_queue_parent_class)->constructed (object);
  g_signal_connect_object (self->client, "notify::signed-in", G_CALLBACK (on_signed_in_changed),
                           self, 0);
  g_signal_connect_object (self->client, "notify::user", G_CALLBACK (on_signed_in_changed), self,
                           0);
  load_records (self);
}

static void
carrete_upload_queue_dispose (GObject *object)
{
  CarreteUploadQueue *self = CARRETE_UPLOAD_QUEUE (object);

  /* Runs hold a reference on the queue; nothing runs once it is disposed.
   * Resumable uploads are left for the next run. */
  g_cancellable_cancel (self->cancellable);
  for (guint i = 0; i < self->uploads->len; i++)
    {
      CarreteUpload *upload = g_ptr_array_index (self->uploads, i);

      _carrete_upload_set_keep_on_cancel (upload, TRUE);
      g_cancellable_cancel (_carrete_upload_get_cancellable (upload));
    }
  G_OBJECT_CLASS (carrete_upload_queue_parent_class)->dispose (object);
}

static void
carrete_upload_queue_finalize (GObject *object)
{
  CarreteUploadQueue *self = CARRETE_UPLOAD_QUEUE (object);

  g_clear_object (&self->client);
  g_clear_pointer (&self->uploads, g_ptr_array_unref);
  g_free (self->records_loaded);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (carrete_upload_queue_parent_class)->finalize (object);
}

static void
carrete_upload_queue_get_property (GObject *object, guint prop_id, GValue *value,
                                   GParamSpec *pspec)
{
  CarreteUploadQueue *self = CARRETE_UPLOAD_QUEUE (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_MAX_PARALLEL:
      g_value_set_uint (value, self->max_parallel);
      break;
    case PROP_USE_DIRECT:
      g_value_set_boolean (value, self->use_direct);
      break;
    case PROP_N_ACTIVE:
      g_value_set_uint (value, self->n_active);
      break;
    case PROP_N_PENDING:
      g_value_set_uint (value, carrete_upload_queue_get_n_pending (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
carrete_upload_queue_set_property (GObject *object, guint prop_id, const GValue *value,
                                   GParamSpec *pspec)
{
  CarreteUploadQueue *self = CARRETE_UPLOAD_QUEUE (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;
    case PROP_MAX_PARALLEL:
      carrete_upload_queue_set_max_parallel (self, g_value_get_uint (value));
      break;
    case PROP_USE_DIRECT:
      carrete_upload_queue_set_use_direct (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
carrete_upload_queue_class_init (CarreteUploadQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = carrete_upload_queue_constructed;
  object_class->dispose = carrete_upload_queue_dispose;
  object_class->finalize = carrete_upload_queue_finalize;
  object_class->get_property = carrete_upload_queue_get_property;
  object_class->set_property = carrete_upload_queue_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, CARRETE_TYPE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_PARALLEL] = g_param_spec_uint ("max-parallel", NULL, NULL, 1, 32, 3, rw);
  properties[PROP_USE_DIRECT] = g_param_spec_boolean ("use-direct", NULL, NULL, TRUE, rw);
  properties[PROP_N_ACTIVE] = g_param_spec_uint ("n-active", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_PENDING] = g_param_spec_uint ("n-pending", NULL, NULL, 0, G_MAXUINT, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PHOTO_UPLOADED] = g_signal_new ("photo-uploaded", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                          CARRETE_TYPE_UPLOAD, CARRETE_TYPE_PHOTO);
  signals[UPLOAD_FINISHED] = g_signal_new ("upload-finished", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                           CARRETE_TYPE_UPLOAD);
}

static void
carrete_upload_queue_init (CarreteUploadQueue *self)
{
  self->uploads = g_ptr_array_new_with_free_func (g_object_unref);
  self->max_parallel = 3;
  self->use_direct = TRUE;
  self->cancellable = g_cancellable_new ();
}

CarreteUploadQueue *
carrete_upload_queue_new (CarreteClient *client)
{
  g_return_val_if_fail (CARRETE_IS_CLIENT (client), NULL);
  return g_object_new (CARRETE_TYPE_UPLOAD_QUEUE, "client", client, NULL);
}

CarreteClient *
carrete_upload_queue_get_client (CarreteUploadQueue *self)
{
  g_return_val_if_fail (CARRETE_IS_UPLOAD_QUEUE (self), NULL);
  return self->client;
}

guint
carrete_upload_queue_get_max_parallel (CarreteUploadQueue *self)
{
  g_return_val_if_fail (CARRETE_IS_UPLOAD_QUEUE (self), 0);
  return self->max_parallel;
}

void
carrete_upload_queue_set_max_parallel (CarreteUploadQueue *self, guint max_parallel)
{
  g_return_if_fail (CARRETE_IS_UPLOAD_QUEUE (self));
  max_parallel = CLAMP (max_parallel, 1, 32);
  if (self->max_parallel == max_parallel)
    return;
  self->max_parallel = max_parallel;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_PARALLEL]);
  pump (self);
}

gboolean
carrete_upload_queue_get_use_direct (CarreteUploadQueue *self)
{
  g_return_val_if_fail (CARRETE_IS_UPLOAD_QUEUE (self), FALSE);
  return self->use_direct;
}

void
carrete_upload_queue_set_use_direct (CarreteUploadQueue *self, gboolean use_direct)
{
  g_return_if_fail (CARRETE_IS_UPLOAD_QUEUE (self));
  use_direct = !!use_direct;
  if (self->use_direct == use_direct)
    return;
  self->use_direct = use_direct;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USE_DIRECT]);
}

guint
carrete_upload_queue_get_n_active (CarreteUploadQueue *self)
{
  g_return_val_if_fail (CARRETE_IS_UPLOAD_QUEUE (self), 0);
  return self->n_active;
}

guint
carrete_upload_queue_get_n_pending (CarreteUploadQueue *self)
{
  guint n = 0;

  g_return_val_if_fail (CARRETE_IS_UPLOAD_QUEUE (self), 0);
  for (guint i = 0; i < self->uploads->len; i++)
    n += !carrete_upload_is_finished (g_ptr_array_index (self->uploads, i));
  return n;
}

/* ---- running -------------------------------------------------------------------------------- */

static void
notify_counts (CarreteUploadQueue *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ACTIVE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);
}

static void
on_run_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CarreteUploadQueue) self = user_data;
  CarreteUpload *upload = CARRETE_UPLOAD (source);
  g_autoptr (GError) error = NULL;
  g_autoptr (CarretePhoto) photo = _carrete_upload_run_finish (upload, result, &error);

  self->n_active--;
  if (photo != NULL)
    {
      _carrete_upload_succeed (upload, photo);
      g_signal_emit (self, signals[PHOTO_UPLOADED], 0, upload, photo);
    }
  else if (g_error_matches (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNAUTHORIZED)
           && !carrete_client_get_signed_in (self->client))
    {
      /* The session ended: keep the upload for after the next sign-in. */
      _carrete_upload_new_run (upload);
    }
  else
    _carrete_upload_fail (upload, g_steal_pointer (&error));
  if (carrete_upload_is_finished (upload))
    g_signal_emit (self, signals[UPLOAD_FINISHED], 0, upload);
  notify_counts (self);
  pump (self);
}

static CarreteUpload *
next_queued (CarreteUploadQueue *self)
{
  for (guint i = 0; i < self->uploads->len; i++)
    {
      CarreteUpload *upload = g_ptr_array_index (self->uploads, i);

      if (carrete_upload_get_state (upload) == CARRETE_UPLOAD_QUEUED
          && !g_cancellable_is_cancelled (_carrete_upload_get_cancellable (upload)))
        return upload;
    }
  return NULL;
}

static void
pump (CarreteUploadQueue *self)
{
  CarreteUpload *upload;
  gboolean started = FALSE;

  if (!carrete_client_get_signed_in (self->client))
    return;
  while (self->n_active < self->max_parallel && (upload = next_queued (self)) != NULL)
    {
      self->n_active++;
      started = TRUE;
      _carrete_upload_set_state (upload, CARRETE_UPLOAD_UPLOADING);
      _carrete_upload_run_async (upload, self->client, self->use_direct, on_run_done,
                                 g_object_ref (self));
    }
  if (started)
    notify_counts (self);
}

CarreteUpload *
carrete_upload_queue_add_file (CarreteUploadQueue *self, GFile *file, const char *folder_id)
{
  CarreteUpload *upload;

  g_return_val_if_fail (CARRETE_IS_UPLOAD_QUEUE (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);
  upload = carrete_upload_new (file, folder_id);
  g_ptr_array_add (self->uploads, upload);
  g_list_model_items_changed (G_LIST_MODEL (self), self->uploads->len - 1, 0, 1);
  notify_counts (self);
  pump (self);
  return upload;
}

void
carrete_upload_queue_cancel (CarreteUploadQueue *self, CarreteUpload *upload)
{
  CarreteUploadState state;

  g_return_if_fail (CARRETE_IS_UPLOAD_QUEUE (self));
  g_return_if_fail (CARRETE_IS_UPLOAD (upload));
  state = carrete_upload_get_state (upload);
  if (carrete_upload_is_finished (upload))
    return;
  if (state == CARRETE_UPLOAD_QUEUED)
    {
      /* Not running: it ends here. */
      _carrete_upload_fail (upload, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                         "Cancelled"));
      g_signal_emit (self, signals[UPLOAD_FINISHED], 0, upload);
      notify_counts (self);
      return;
    }
  /* Running: the run ends as CANCELLED once the server side is clean. */
  g_cancellable_cancel (_carrete_upload_get_cancellable (upload));
}

void
carrete_upload_queue_cancel_all (CarreteUploadQueue *self)
{
  g_autoptr (GPtrArray) uploads = NULL;

  g_return_if_fail (CARRETE_IS_UPLOAD_QUEUE (self));
  /* A copy: cancelling emits signals whose handlers may change the list. */
  uploads = g_ptr_array_new_full (self->uploads->len, g_object_unref);
  for (guint i = 0; i < self->uploads->len; i++)
    g_ptr_array_add (uploads, g_object_ref (g_ptr_array_index (self->uploads, i)));
  for (guint i = 0; i < uploads->len; i++)
    carrete_upload_queue_cancel (self, g_ptr_array_index (uploads, i));
}

void
carrete_upload_queue_suspend_all (CarreteUploadQueue *self)
{
  g_return_if_fail (CARRETE_IS_UPLOAD_QUEUE (self));
  for (guint i = 0; i < self->uploads->len; i++)
    {
      CarreteUpload *upload = g_ptr_array_index (self->uploads, i);

      if (carrete_upload_get_state (upload) == CARRETE_UPLOAD_QUEUED
          || carrete_upload_is_finished (upload))
        continue;
      _carrete_upload_set_keep_on_cancel (upload, TRUE);
      g_cancellable_cancel (_carrete_upload_get_cancellable (upload));
    }
}

void
carrete_upload_queue_retry (CarreteUploadQueue *self, CarreteUpload *upload)
{
  CarreteUploadState state;

  g_return_if_fail (CARRETE_IS_UPLOAD_QUEUE (self));
  g_return_if_fail (CARRETE_IS_UPLOAD (upload));
  state = carrete_upload_get_state (upload);
  if (state != CARRETE_UPLOAD_FAILED && state != CARRETE_UPLOAD_CANCELLED)
    return;
  _carrete_upload_new_run (upload);
  notify_counts (self);
  pump (self);
}

void
carrete_upload_queue_clear_finished (CarreteUploadQueue *self)
{
  g_return_if_fail (CARRETE_IS_UPLOAD_QUEUE (self));
  for (guint i = self->uploads->len; i-- > 0;)
    {
      CarreteUploadState state = carrete_upload_get_state (g_ptr_array_index (self->uploads, i));

      if (state == CARRETE_UPLOAD_DONE || state == CARRETE_UPLOAD_CANCELLED)
        {
          g_ptr_array_remove_index (self->uploads, i);
          g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 0);
        }
    }
  notify_counts (self);
}

/* ---- resumable uploads of earlier runs ------------------------------------------------------ */

typedef struct
{
  char *dir;
  char *server;
  char *account;
} RecordScan;

static void
record_scan_free (RecordScan *scan)
{
  g_free (scan->dir);
  g_free (scan->server);
  g_free (scan->account);
  g_free (scan);
}

static void
record_scan_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  RecordScan *scan = data;

  g_task_return_pointer (task, carrete_upload_records_load (scan->dir, scan->server, scan->account),
                         (GDestroyNotify) g_ptr_array_unref);
}

static gboolean
has_upload_id (CarreteUploadQueue *self, const char *upload_id)
{
  for (guint i = 0; i < self->uploads->len; i++)
    {
      const CarreteUploadRecord *record
          = _carrete_upload_get_record (g_ptr_array_index (self->uploads, i));

      if (record != NULL && g_strcmp0 (record->upload_id, upload_id) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
weak_ref_free (GWeakRef *ref)
{
  g_weak_ref_clear (ref);
  g_free (ref);
}

static void
on_records_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GWeakRef *ref = user_data;
  g_autoptr (CarreteUploadQueue) self = g_weak_ref_get (ref);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) records = g_task_propagate_pointer (G_TASK (result), &error);
  guint added = 0;

  weak_ref_free (ref);
  if (records == NULL || self == NULL || g_cancellable_is_cancelled (self->cancellable))
    return; /* the queue is gone */
  for (guint i = 0; i < records->len; i++)
    {
      const CarreteUploadRecord *record = g_ptr_array_index (records, i);

      if (has_upload_id (self, record->upload_id))
        continue;
      g_debug ("resuming upload %s of %s", record->upload_id, record->path);
      g_ptr_array_add (self->uploads, _carrete_upload_new_resumed (record));
      added++;
    }
  if (added == 0)
    return;
  g_list_model_items_changed (G_LIST_MODEL (self), self->uploads->len - added, 0, added);
  notify_counts (self);
  pump (self);
}

/* Once signed in, the unfinished resumable uploads this account left on
 * this server (records on disk) join the queue, once per account. */
static void
load_records (CarreteUploadQueue *self)
{
  CarreteUser *user = carrete_client_get_user (self->client);
  const char *server = carrete_client_get_service_url (self->client, CARRETE_SERVICE_PHOTOS);
  g_autofree char *key = NULL;
  g_autoptr (GTask) task = NULL;
  GWeakRef *ref;
  RecordScan *scan;

  if (!carrete_client_get_signed_in (self->client) || user == NULL
      || carrete_user_get_id (user) == NULL)
    return;
  key = g_strconcat (server, "\n", carrete_user_get_id (user), NULL);
  if (g_strcmp0 (key, self->records_loaded) == 0)
    return;
  g_free (self->records_loaded);
  self->records_loaded = g_steal_pointer (&key);
  scan = g_new0 (RecordScan, 1);
  scan->dir = carrete_upload_record_dir ();
  scan->server = g_strdup (server);
  scan->account = g_strdup (carrete_user_get_id (user));
  /* Not holding the queue: it may go meanwhile. */
  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, self);
  task = g_task_new (NULL, NULL, on_records_loaded, ref);
  g_task_set_source_tag (task, load_records);
  g_task_set_task_data (task, scan, (GDestroyNotify) record_scan_free);
  g_task_run_in_thread (task, record_scan_thread);
}
