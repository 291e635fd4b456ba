#define G_LOG_DOMAIN "carrete-upload-record"

#include <errno.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "carrete-json.h"
#include "carrete-upload-record.h"

guint64
carrete_upload_resumable_threshold (void)
{
  const char *text = g_getenv ("CARRETE_DESKTOP_RESUMABLE_BYTES");
  guint64 value = 0;

  if (text != NULL && g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT64, &value, NULL))
    return value;
  return CARRETE_UPLOAD_RESUMABLE_DEFAULT_BYTES;
}

/* ---- part planning ----------------------------------------------------------------------- */

guint
carrete_upload_plan_part_count (guint64 size, guint64 part_size)
{
  guint64 count;

  if (size == 0 || part_size == 0)
    return 0;
  count = size / part_size + (size % part_size != 0);
  return count > G_MAXUINT ? 0 : (guint) count;
}

gboolean
carrete_upload_plan_part (guint64 size, guint64 part_size, guint number, guint64 *offset,
                          guint64 *length)
{
  guint count = carrete_upload_plan_part_count (size, part_size);
  guint64 start;

  if (number == 0 || number > count)
    return FALSE;
  start = (guint64) (number - 1) * part_size;
  *offset = start;
  *length = MIN (part_size, size - start);
  return TRUE;
}

/* ---- the record -------------------------------------------------------------------------- */

CarreteUploadRecord *
carrete_upload_record_new (void)
{
  return g_new0 (CarreteUploadRecord, 1);
}

CarreteUploadRecord *
carrete_upload_record_copy (const CarreteUploadRecord *record)
{
  CarreteUploadRecord *copy = g_memdup2 (record, sizeof *record);

  copy->server = g_strdup (record->server);
  copy->account = g_strdup (record->account);
  copy->path = g_strdup (record->path);
  copy->folder_id = g_strdup (record->folder_id);
  copy->upload_id = g_strdup (record->upload_id);
  copy->expires_at = g_strdup (record->expires_at);
  return copy;
}

void
carrete_upload_record_free (CarreteUploadRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->server);
  g_free (record->account);
  g_free (record->path);
  g_free (record->folder_id);
  g_free (record->upload_id);
  g_free (record->expires_at);
  g_free (record);
}

char *
carrete_upload_record_to_json (const CarreteUploadRecord *record, gsize *length)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (builder);
  carrete_json_add_int (builder, "version", 1);
  carrete_json_add_string (builder, "server", record->server);
  carrete_json_add_string (builder, "account", record->account);
  carrete_json_add_string (builder, "path", record->path);
  carrete_json_add_string (builder, "folder_id", record->folder_id);
  carrete_json_add_int (builder, "size", (gint64) record->size);
  carrete_json_add_int (builder, "mtime_us", record->mtime_us);
  carrete_json_add_string (builder, "upload_id", record->upload_id);
  carrete_json_add_int (builder, "part_size", (gint64) record->part_size);
  carrete_json_add_int (builder, "part_count", record->part_count);
  carrete_json_add_string (builder, "expires_at", record->expires_at);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, length);
}

static gboolean
invalid (GError **error, const char *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Not an upload record: %s", what);
  return FALSE;
}

static gboolean
read_members (JsonObject *object, CarreteUploadRecord *record, GError **error)
{
  const char *strings[] = { "server", "account", "path", "upload_id", "expires_at" };
  gint64 size = carrete_json_get_int (object, "size", -1);
  gint64 part_size = carrete_json_get_int (object, "part_size", -1);
  gint64 part_count = carrete_json_get_int (object, "part_count", -1);

  for (gsize i = 0; i < G_N_ELEMENTS (strings); i++)
    if (carrete_json_get_string (object, strings[i]) == NULL)
      return invalid (error, strings[i]);
  if (size <= 0 || part_size <= 0 || part_count <= 0
      || !json_object_has_member (object, "mtime_us"))
    return invalid (error, "size, part_size, part_count or mtime_us");
  if (carrete_upload_plan_part_count ((guint64) size, (guint64) part_size) != part_count)
    return invalid (error, "part_count does not fit size and part_size");
  if (!g_path_is_absolute (carrete_json_get_string (object, "path")))
    return invalid (error, "path is not absolute");
  record->server = g_strdup (carrete_json_get_string (object, "server"));
  record->account = g_strdup (carrete_json_get_string (object, "account"));
  record->path = g_strdup (carrete_json_get_string (object, "path"));
  record->folder_id = g_strdup (carrete_json_get_string (object, "folder_id"));
  record->upload_id = g_strdup (carrete_json_get_string (object, "upload_id"));
  record->expires_at = g_strdup (carrete_json_get_string (object, "expires_at"));
  record->size = (guint64) size;
  record->mtime_us = carrete_json_get_int (object, "mtime_us", 0);
  record->part_size = (guint64) part_size;
  record->part_count = (guint) part_count;
  return TRUE;
}

CarreteUploadRecord *
carrete_upload_record_from_json (const char *data, gssize length, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (CarreteUploadRecord) record = carrete_upload_record_new ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, data, length, NULL))
    {
      invalid (error, "not JSON");
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      invalid (error, "not a JSON object");
      return NULL;
    }
  if (!read_members (json_node_get_object (root), record, error))
    return NULL;
  return g_steal_pointer (&record);
}

gboolean
carrete_upload_record_matches_file (const CarreteUploadRecord *record, guint64 size,
                                    gint64 mtime_us)
{
  return record->size == size && record->mtime_us == mtime_us;
}

/* ---- on disk ----------------------------------------------------------------------------- */

char *
carrete_upload_record_dir (void)
{
  return g_build_filename (g_get_user_state_dir (), "carrete", "uploads", NULL);
}

/* The server's ids are [A-Za-z0-9_-]; anything else must not become a path. */
gboolean
carrete_upload_record_id_is_safe (const char *upload_id)
{
  if (upload_id == NULL || *upload_id == '\0' || strlen (upload_id) > 200)
    return FALSE;
  for (const char *p = upload_id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-')
      return FALSE;
  return TRUE;
}

GFile *
carrete_upload_record_file (const char *dir, const char *upload_id)
{
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;

  if (!carrete_upload_record_id_is_safe (upload_id))
    return NULL;
  name = g_strconcat (upload_id, ".json", NULL);
  path = g_build_filename (dir, name, NULL);
  return g_file_new_for_path (path);
}

static CarreteUploadRecord *
load_one (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  gsize length = 0;
  CarreteUploadRecord *record;

  if (!g_file_get_contents (path, &text, &length, &error)
      || (record = carrete_upload_record_from_json (text, (gssize) length, &error)) == NULL)
    {
      g_message ("skipping the upload record %s: %s", path, error->message);
      return NULL;
    }
  return record;
}

GPtrArray *
carrete_upload_records_load (const char *dir, const char *server, const char *account)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) carrete_upload_record_free);
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  if (handle == NULL)
    return records;
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      CarreteUploadRecord *record;

      if (!g_str_has_suffix (name, ".json"))
        continue;
      record = load_one (dir, name);
      if (record == NULL)
        continue;
      if (g_strcmp0 (record->server, server) == 0 && g_strcmp0 (record->account, account) == 0)
        g_ptr_array_add (records, record);
      else
        carrete_upload_record_free (record);
    }
  return records;
}

gboolean
carrete_upload_record_save (const CarreteUploadRecord *record, const char *dir,
                            GCancellable *cancellable, GError **error)
{
  g_autoptr (GFile) file = carrete_upload_record_file (dir, record->upload_id);
  g_autofree char *text = NULL;
  gsize length = 0;

  if (file == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "The server gave an unusable upload id.");
      return FALSE;
    }
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "Cannot make %s: %s", dir,
                   g_strerror (saved));
      return FALSE;
    }
  text = carrete_upload_record_to_json (record, &length);
  return g_file_replace_contents (file, text, length, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL,
                                  cancellable, error);
}

gboolean
carrete_upload_record_remove (const char *dir, const char *upload_id, GCancellable *cancellable,
                              GError **error)
{
  g_autoptr (GFile) file = carrete_upload_record_file (dir, upload_id);
  g_autoptr (GError) local = NULL;

  if (file == NULL || g_file_delete (file, cancellable, &local))
    return TRUE;
  if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

/* ---- the same in a worker thread --------------------------------------------------------- */

typedef struct
{
  CarreteUploadRecord *record; /* save it; NULL: remove upload_id's */
  char *dir;
  char *upload_id;
} RecordIo;

static void
record_io_free (RecordIo *io)
{
  g_clear_pointer (&io->record, carrete_upload_record_free);
  g_free (io->dir);
  g_free (io->upload_id);
  g_free (io);
}

static void
record_io_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  RecordIo *io = data;
  GError *error = NULL;
  gboolean ok = io->record != NULL
                    ? carrete_upload_record_save (io->record, io->dir, NULL, &error)
                    : carrete_upload_record_remove (io->dir, io->upload_id, NULL, &error);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
record_io_start (RecordIo *io, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, NULL, callback, user_data);

  g_task_set_source_tag (task, record_io_start);
  g_task_set_task_data (task, io, (GDestroyNotify) record_io_free);
  g_task_run_in_thread (task, record_io_thread);
}

void
carrete_upload_record_save_async (const CarreteUploadRecord *record, const char *dir,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  RecordIo *io = g_new0 (RecordIo, 1);

  io->record = carrete_upload_record_copy (record);
  io->dir = g_strdup (dir);
  record_io_start (io, callback, user_data);
}

void
carrete_upload_record_remove_async (const char *dir, const char *upload_id,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
  RecordIo *io = g_new0 (RecordIo, 1);

  io->dir = g_strdup (dir);
  io->upload_id = g_strdup (upload_id);
  record_io_start (io, callback, user_data);
}

gboolean
carrete_upload_record_io_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
