#define G_LOG_DOMAIN "carrete-watcher"

#include <string.h>

#include "carrete-client-error.h"
#include "carrete-client.h"
#include "carrete-source.h"
#include "carrete-user.h"
#include "carrete-watch-delete.h"
#include "carrete-watch.h"
#include "carrete-watcher.h"

#define MAX_IN_FLIGHT 2
#define MAX_BACKOFF_S 60

/* A file to send: waiting, or in the queue. */
typedef struct
{
  CarreteWatchedFolder *folder;
  char *path;
  guint64 size;
  gint64 mtime_ns;
  char sha256[65];
  CarreteUpload *upload; /* once given to the queue */
} Candidate;

struct _CarreteWatcher
{
  GObject parent_instance;
  CarreteUploadQueue *queue;
  CarreteClient *client;
  char *dir;       /* state_dir/watched */
  char *list_file; /* the folders of this server and account */
  GListStore *folders;
  GPtrArray *watches;    /* Watch, while signed in */
  GHashTable *known;     /* path → Candidate */
  GQueue waiting;        /* Candidate (borrowed from known) */
  GHashTable *in_flight; /* CarreteUpload → Candidate (borrowed) */
  GHashTable *skipped;   /* paths read and found not to be images */
  GCancellable *cancellable; /* the deletions on the server */
  gboolean paused;
  gboolean offline;
  guint n_sent;
  guint backoff_s;
  guint retry_source;
};

G_DEFINE_FINAL_TYPE (CarreteWatcher, carrete_watcher, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_PAUSED,
  PROP_OFFLINE,
  PROP_N_FOLDERS,
  PROP_N_PENDING,
  PROP_N_SENT,
  PROP_N_SKIPPED,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static void
candidate_free (Candidate *candidate)
{
  g_clear_object (&candidate->folder);
  g_clear_object (&candidate->upload);
  g_free (candidate->path);
  g_free (candidate);
}

/* ---- what the folders found ------------------------------------------------------------ */

static CarreteWatch *
find_watch (CarreteWatcher *self, CarreteWatchedFolder *folder)
{
  for (guint i = 0; self->watches != NULL && i < self->watches->len; i++)
    {
      CarreteWatch *watch = g_ptr_array_index (self->watches, i);

      if (carrete_watch_get_folder (watch) == folder)
        return watch;
    }
  return NULL;
}

static void
notify_pending (CarreteWatcher *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);
}

gboolean
_carrete_watcher_is_known (CarreteWatcher *self, const char *path)
{
  return g_hash_table_contains (self->known, path);
}

void
_carrete_watcher_skipped (CarreteWatcher *self, const char *path)
{
  if (g_hash_table_add (self->skipped, g_strdup (path)))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SKIPPED]);
}

void
_carrete_watcher_found (CarreteWatcher *self, CarreteWatchedFolder *folder, const char *path,
                        guint64 size, gint64 mtime_ns, const char *sha256)
{
  Candidate *candidate;

  if (g_hash_table_contains (self->known, path))
    return;
  if (g_hash_table_size (self->known) == 0 && self->n_sent != 0)
    {
      /* A new batch: "uploading k of n" counts from here. */
      self->n_sent = 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SENT]);
    }
  candidate = g_new0 (Candidate, 1);
  candidate->folder = g_object_ref (folder);
  candidate->path = g_strdup (path);
  candidate->size = size;
  candidate->mtime_ns = mtime_ns;
  memcpy (candidate->sha256, sha256, sizeof candidate->sha256);
  g_hash_table_insert (self->known, candidate->path, candidate);
  g_queue_push_tail (&self->waiting, candidate);
  notify_pending (self);
}

static void
start_watch (CarreteWatcher *self, CarreteWatchedFolder *folder)
{
  CarreteUser *user = carrete_client_get_user (self->client);
  g_autoptr (GError) error = NULL;
  g_autofree char *destination
      = g_strdup_printf ("%s\n%s\n%s\n%s", carrete_client_get_server_url (self->client),
                         user != NULL ? carrete_user_get_id (user) : "",
                         carrete_watched_folder_get_folder_id (folder) != NULL
                             ? carrete_watched_folder_get_folder_id (folder)
                             : "",
                         carrete_watched_folder_get_path (folder));
  CarreteWatch *watch = carrete_watch_new (self, folder, self->dir, destination, &error);

  if (watch == NULL)
    g_warning ("watched folder %s: %s", carrete_watched_folder_get_path (folder), error->message);
  else
    g_ptr_array_add (self->watches, watch);
}

/* ---- the uploads ------------------------------------------------------------------------ */

/* An upload of this file that an earlier run left and the queue resumes. */
static CarreteUpload *
find_in_queue (CarreteWatcher *self, Candidate *candidate)
{
  GListModel *model = G_LIST_MODEL (self->queue);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (CarreteUpload) upload = g_list_model_get_item (model, i);
      g_autofree char *path = g_file_get_path (carrete_upload_get_file (upload));

      if (!carrete_upload_is_finished (upload) && g_strcmp0 (path, candidate->path) == 0
          && g_strcmp0 (carrete_upload_get_folder_id (upload),
                        carrete_watched_folder_get_folder_id (candidate->folder))
                 == 0
          && !g_hash_table_contains (self->in_flight, upload))
        return g_steal_pointer (&upload);
    }
  return NULL;
}

static void
send (CarreteWatcher *self, Candidate *candidate)
{
  if (candidate->upload != NULL)
    carrete_upload_queue_retry (self->queue, candidate->upload);
  else if ((candidate->upload = find_in_queue (self, candidate)) == NULL)
    {
      g_autoptr (GFile) file = g_file_new_for_path (candidate->path);

      candidate->upload = g_object_ref (carrete_upload_queue_add_file (
          self->queue, file, carrete_watched_folder_get_folder_id (candidate->folder)));
    }
  g_hash_table_insert (self->in_flight, candidate->upload, candidate);
}

void
_carrete_watcher_pump (CarreteWatcher *self)
{
  while (!self->paused && !self->offline && carrete_client_get_signed_in (self->client)
         && g_hash_table_size (self->in_flight) < MAX_IN_FLIGHT && self->waiting.length > 0)
    send (self, g_queue_pop_head (&self->waiting));
}

static void
set_offline (CarreteWatcher *self, gboolean offline)
{
  if (self->offline == offline)
    return;
  self->offline = offline;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFLINE]);
}

static gboolean
retry_cb (gpointer data)
{
  CarreteWatcher *self = data;

  self->retry_source = 0;
  set_offline (self, FALSE);
  for (guint i = 0; self->watches != NULL && i < self->watches->len; i++)
    carrete_watch_scan (g_ptr_array_index (self->watches, i));
  _carrete_watcher_pump (self);
  return G_SOURCE_REMOVE;
}

static void
sent (CarreteWatcher *self, Candidate *candidate)
{
  CarreteWatch *watch = find_watch (self, candidate->folder);
  g_autoptr (GError) error = NULL;

  if (watch != NULL
      && !carrete_watch_mark_sent (watch, candidate->path, candidate->size, candidate->mtime_ns,
                                   candidate->sha256, &error))
    g_warning ("%s", error->message);
  self->backoff_s = 0;
  self->n_sent++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SENT]);
}

static void
on_upload_finished (CarreteUploadQueue *queue, CarreteUpload *upload, gpointer user_data)
{
  CarreteWatcher *self = user_data;
  Candidate *candidate = g_hash_table_lookup (self->in_flight, upload);
  const GError *error = carrete_upload_get_error (upload);

  if (candidate == NULL)
    return;
  g_hash_table_remove (self->in_flight, upload);
  if (carrete_upload_get_state (upload) == CARRETE_UPLOAD_FAILED
      && carrete_client_error_is_transient (error))
    {
      /* The server is away: this file first when it is back. */
      g_queue_push_head (&self->waiting, candidate);
      set_offline (self, TRUE);
      self->backoff_s = CLAMP (self->backoff_s * 2, 1, MAX_BACKOFF_S);
      if (self->retry_source == 0)
        self->retry_source = carrete_timeout_add_seconds (self->backoff_s, retry_cb, self);
      return;
    }
  if (carrete_upload_get_state (upload) == CARRETE_UPLOAD_DONE
      || carrete_upload_get_existing_id (upload) != NULL)
    sent (self, candidate);
  else if (error != NULL)
    g_warning ("%s: %s", candidate->path, error->message);
  /* Cancelled or refused: the cache still says "not sent", so the next
   * full scan offers it again. */
  g_queue_remove (&self->waiting, candidate);
  g_hash_table_remove (self->known, candidate->path);
  notify_pending (self);
  _carrete_watcher_pump (self);
}

static void
on_deleted_remote (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = user_data;
  gboolean deleted = carrete_watch_delete_remote_finish (result, &error);

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("%s deleted here, not on the server: %s", path, error->message);
  else if (error == NULL)
    g_debug ("%s deleted here; %s", path, deleted ? "deleted on the server" : "not on the server");
}

void
_carrete_watcher_deleted (CarreteWatcher *self, CarreteWatchedFolder *folder, const char *path,
                          const char *sha256)
{
  carrete_watch_delete_remote_async (self->client, carrete_watched_folder_get_folder_id (folder),
                                     sha256, self->cancellable, on_deleted_remote, g_strdup (path));
}

/* ---- signed in or out ------------------------------------------------------------------- */

static void
stop_all (CarreteWatcher *self)
{
  GHashTableIter iter;
  gpointer value;

  g_clear_pointer (&self->watches, g_ptr_array_unref);
  g_clear_handle_id (&self->retry_source, carrete_source_remove);
  g_queue_clear (&self->waiting);
  g_hash_table_iter_init (&iter, self->known);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (!g_hash_table_contains (self->in_flight, ((Candidate *) value)->upload))
      g_hash_table_iter_remove (&iter);
  set_offline (self, FALSE);
  notify_pending (self);
}

static void
start_all (CarreteWatcher *self)
{
  stop_all (self);
  self->watches = g_ptr_array_new_with_free_func ((GDestroyNotify) carrete_watch_free);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->folders)); i++)
    {
      g_autoptr (CarreteWatchedFolder) folder
          = g_list_model_get_item (G_LIST_MODEL (self->folders), i);

      start_watch (self, folder);
    }
}

static void
on_signed_in (CarreteClient *client, GParamSpec *pspec, gpointer user_data)
{
  CarreteWatcher *self = user_data;

  if (carrete_client_get_signed_in (client))
    start_all (self);
  else
    stop_all (self);
}

/* ---- the list of folders ---------------------------------------------------------------- */

static char *
watched_dir (const char *state_dir)
{
  return state_dir != NULL ? g_build_filename (state_dir, "watched", NULL)
                           : g_build_filename (g_get_user_state_dir (), "carrete", "watched", NULL);
}

/* One list per server and account: a folder's target is that account's. */
char *
carrete_watcher_list_file (const char *state_dir, CarreteClient *client)
{
  CarreteUser *user = carrete_client_get_user (client);
  g_autofree char *dir = watched_dir (state_dir);
  g_autofree char *key = g_strdup_printf ("%s\n%s", carrete_client_get_server_url (client),
                                          user != NULL ? carrete_user_get_id (user) : "");
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
  g_autofree char *name = g_strdup_printf ("folders-%.32s.json", digest);

  return g_build_filename (dir, name, NULL);
}

static char *
list_file (CarreteWatcher *self)
{
  return g_strdup (self->list_file);
}

gboolean
carrete_watcher_save (CarreteWatcher *self, GError **error)
{
  g_autoptr (GPtrArray) folders = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *file = list_file (self);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->folders)); i++)
    g_ptr_array_add (folders, g_list_model_get_item (G_LIST_MODEL (self->folders), i));
  return carrete_watched_folders_save (folders, file, error);
}

/* TRUE when `a` is `b` or one holds the other: a file would have two
 * destinations. */
static gboolean
overlaps (const char *a, const char *b)
{
  gsize la = strlen (a), lb = strlen (b), shorter = MIN (la, lb);

  return strncmp (a, b, shorter) == 0
         && (la == lb || (la > lb ? a : b)[shorter] == G_DIR_SEPARATOR
             || (shorter > 0 && (la < lb ? a : b)[shorter - 1] == G_DIR_SEPARATOR));
}

gboolean
carrete_watcher_add (CarreteWatcher *self, CarreteWatchedFolder *folder, GError **error)
{
  const char *path = carrete_watched_folder_get_path (folder);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->folders));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CarreteWatchedFolder) other
          = g_list_model_get_item (G_LIST_MODEL (self->folders), i);

      if (overlaps (path, carrete_watched_folder_get_path (other)))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "%s is already watched as part of %s",
                       path, carrete_watched_folder_get_path (other));
          return FALSE;
        }
    }
  g_list_store_append (self->folders, folder);
  if (!carrete_watcher_save (self, error))
    {
      g_list_store_remove (self->folders, n);
      return FALSE;
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FOLDERS]);
  if (self->watches != NULL)
    start_watch (self, folder);
  return TRUE;
}

gboolean
carrete_watcher_remove (CarreteWatcher *self, CarreteWatchedFolder *folder, GError **error)
{
  g_autoptr (CarreteWatchedFolder) kept = g_object_ref (folder);
  CarreteWatch *watch = find_watch (self, folder);
  guint position = 0;
  GHashTableIter iter;
  gpointer value;

  if (!g_list_store_find (self->folders, folder, &position))
    return TRUE;
  g_list_store_remove (self->folders, position);
  if (!carrete_watcher_save (self, error))
    {
      g_list_store_insert (self->folders, position, folder);
      return FALSE;
    }
  if (watch != NULL)
    g_ptr_array_remove (self->watches, watch);
  /* What waited for this folder waits no more; what is in the queue ends
   * there. */
  g_hash_table_iter_init (&iter, self->known);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Candidate *candidate = value;

      if (candidate->folder != folder || g_hash_table_contains (self->in_flight, candidate->upload))
        continue;
      g_queue_remove (&self->waiting, candidate);
      g_hash_table_iter_remove (&iter);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FOLDERS]);
  notify_pending (self);
  return TRUE;
}

GListModel *
carrete_watcher_get_folders (CarreteWatcher *self)
{
  return G_LIST_MODEL (self->folders);
}

/* ---- properties ------------------------------------------------------------------------- */

gboolean
carrete_watcher_get_paused (CarreteWatcher *self)
{
  return self->paused;
}

void
carrete_watcher_set_paused (CarreteWatcher *self, gboolean paused)
{
  paused = !!paused;
  if (self->paused == paused)
    return;
  self->paused = paused;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
  _carrete_watcher_pump (self);
}

gboolean
carrete_watcher_get_offline (CarreteWatcher *self)
{
  return self->offline;
}

guint
carrete_watcher_get_n_pending (CarreteWatcher *self)
{
  return g_hash_table_size (self->known);
}

guint
carrete_watcher_get_n_sent (CarreteWatcher *self)
{
  return self->n_sent;
}

guint
carrete_watcher_get_n_skipped (CarreteWatcher *self)
{
  return g_hash_table_size (self->skipped);
}

static void
carrete_watcher_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CarreteWatcher *self = CARRETE_WATCHER (object);

  switch (prop_id)
    {
    case PROP_PAUSED:
      g_value_set_boolean (value, self->paused);
      break;
    case PROP_OFFLINE:
      g_value_set_boolean (value, self->offline);
      break;
    case PROP_N_FOLDERS:
      g_value_set_uint (value, g_list_model_get_n_items (G_LIST_MODEL (self->folders)));
      break;
    case PROP_N_PENDING:
      g_value_set_uint (value, carrete_watcher_get_n_pending (self));
      break;
    case PROP_N_SENT:
      g_value_set_uint (value, self->n_sent);
      break;
    case PROP_N_SKIPPED:
      g_value_set_uint (value, carrete_watcher_get_n_skipped (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
carrete_watcher_set_property (GObject *object, guint prop_id, const GValue *value,
                              GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_PAUSED:
      carrete_watcher_set_paused (CARRETE_WATCHER (object), g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
carrete_watcher_dispose (GObject *object)
{
  CarreteWatcher *self = CARRETE_WATCHER (object);

  if (self->queue != NULL)
    g_signal_handlers_disconnect_by_data (self->queue, self);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_cancellable_cancel (self->cancellable);
  stop_all (self);
  g_hash_table_remove_all (self->in_flight);
  g_hash_table_remove_all (self->known);
  g_clear_object (&self->queue);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (carrete_watcher_parent_class)->dispose (object);
}

static void
carrete_watcher_finalize (GObject *object)
{
  CarreteWatcher *self = CARRETE_WATCHER (object);

  g_clear_pointer (&self->known, g_hash_table_unref);
  g_clear_pointer (&self->in_flight, g_hash_table_unref);
  g_clear_pointer (&self->skipped, g_hash_table_unref);
  g_clear_object (&self->folders);
  g_clear_object (&self->cancellable);
  g_free (self->dir);
  g_free (self->list_file);
  G_OBJECT_CLASS (carrete_watcher_parent_class)->finalize (object);
}

static void
carrete_watcher_class_init (CarreteWatcherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = carrete_watcher_dispose;
  object_class->finalize = carrete_watcher_finalize;
  object_class->get_property = carrete_watcher_get_property;
  object_class->set_property = carrete_watcher_set_property;
  properties[PROP_PAUSED]
      = g_param_spec_boolean ("paused", NULL, NULL, FALSE,
                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OFFLINE] = g_param_spec_boolean ("offline", NULL, NULL, FALSE, ro);
  properties[PROP_N_FOLDERS] = g_param_spec_uint ("n-folders", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_PENDING] = g_param_spec_uint ("n-pending", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_SENT] = g_param_spec_uint ("n-sent", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_SKIPPED] = g_param_spec_uint ("n-skipped", NULL, NULL, 0, G_MAXUINT, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
carrete_watcher_init (CarreteWatcher *self)
{
  self->folders = g_list_store_new (CARRETE_TYPE_WATCHED_FOLDER);
  self->known
      = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) candidate_free);
  self->in_flight = g_hash_table_new (NULL, NULL);
  self->skipped = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&self->waiting);
  self->cancellable = g_cancellable_new ();
}

CarreteWatcher *
carrete_watcher_new (CarreteUploadQueue *queue, const char *state_dir)
{
  CarreteWatcher *self = g_object_new (CARRETE_TYPE_WATCHER, NULL);
  g_autoptr (GPtrArray) folders = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *file = NULL;

  self->queue = g_object_ref (queue);
  self->client = g_object_ref (carrete_upload_queue_get_client (queue));
  self->dir = watched_dir (state_dir);
  self->list_file = carrete_watcher_list_file (state_dir, self->client);
  file = list_file (self);
  folders = carrete_watched_folders_load (file, &error);
  if (folders == NULL)
    g_warning ("%s", error->message);
  for (guint i = 0; folders != NULL && i < folders->len; i++)
    g_list_store_append (self->folders, g_ptr_array_index (folders, i));
  g_signal_connect (self->queue, "upload-finished", G_CALLBACK (on_upload_finished), self);
  g_signal_connect (self->client, "notify::signed-in", G_CALLBACK (on_signed_in), self);
  if (carrete_client_get_signed_in (self->client))
    start_all (self);
  return self;
}
