#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Resumable uploads: the pure part (no network).
 *
 * A CarreteUploadRecord is what carrete-desktop keeps on disk about one
 * unfinished resumable upload, so that a run of the app after a crash or a
 * close can finish it: one small JSON file per upload under
 * $XDG_STATE_HOME/carrete/uploads/<upload_id>.json, written before the
 * first part is sent and removed once the upload is completed or aborted. */

/* Files of at least this size go the resumable way:
 * $CARRETE_DESKTOP_RESUMABLE_BYTES when set (tests lower it), else 16 MiB. */
#define CARRETE_UPLOAD_RESUMABLE_DEFAULT_BYTES (16 * 1024 * 1024)
guint64 carrete_upload_resumable_threshold (void);

/* ---- part planning (the contract's arithmetic) ----------------------------------------------- */

/* ceil(size / part_size); 0 when either is 0. */
guint carrete_upload_plan_part_count (guint64 size, guint64 part_size);
/* The byte range of part `number` (1-based): every part is `part_size`
 * bytes except the last (the rest).  FALSE when `number` is out of range. */
gboolean carrete_upload_plan_part (guint64 size, guint64 part_size, guint number, guint64 *offset,
                                   guint64 *length);

/* ---- the record ------------------------------------------------------------------------------ */

typedef struct
{
  char *server;    /* the photos service's base URL */
  char *account;   /* the user's id */
  char *path;      /* the local file, absolute */
  char *folder_id; /* NULL: no folder */
  guint64 size;    /* the file's size and modification time when it began: */
  gint64 mtime_us; /* a file changed since cannot be resumed */
  char *upload_id;
  guint64 part_size;
  guint part_count;
  char *expires_at; /* RFC 3339, the server's */
} CarreteUploadRecord;

CarreteUploadRecord *carrete_upload_record_new (void);
CarreteUploadRecord *carrete_upload_record_copy (const CarreteUploadRecord *record);
void carrete_upload_record_free (CarreteUploadRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarreteUploadRecord, carrete_upload_record_free)

/* The JSON of the file (NUL-terminated). */
char *carrete_upload_record_to_json (const CarreteUploadRecord *record, gsize *length);
/* NULL with G_IO_ERROR_INVALID_DATA when the text is no record (every
 * member present and sane: part_count is what size and part_size give). */
CarreteUploadRecord *carrete_upload_record_from_json (const char *data, gssize length,
                                                      GError **error);
/* Whether `size` and `mtime_us` (the file now) are what the record saw. */
gboolean carrete_upload_record_matches_file (const CarreteUploadRecord *record, guint64 size,
                                             gint64 mtime_us);

/* $XDG_STATE_HOME/carrete/uploads */
char *carrete_upload_record_dir (void);
/* Whether `upload_id` may name a file (the server's ids are [A-Za-z0-9_-]). */
gboolean carrete_upload_record_id_is_safe (const char *upload_id);
/* <dir>/<upload_id>.json; NULL for an upload id that is no safe file name. */
GFile *carrete_upload_record_file (const char *dir, const char *upload_id);

/* The records in `dir` of `server` and `account` (other files are skipped,
 * unreadable ones with a message).  Blocking: call it from a worker thread. */
GPtrArray *carrete_upload_records_load (const char *dir, const char *server, const char *account);

/* Writes (atomically: a temporary file renamed over) and removes a record
 * file; the directory is made when missing.  Blocking as well. */
gboolean carrete_upload_record_save (const CarreteUploadRecord *record, const char *dir,
                                     GCancellable *cancellable, GError **error);
/* A missing file is no error. */
gboolean carrete_upload_record_remove (const char *dir, const char *upload_id,
                                       GCancellable *cancellable, GError **error);

/* The same two in a worker thread (not cancellable: a record is written
 * or removed whole); both finish with _io_finish. */
void carrete_upload_record_save_async (const CarreteUploadRecord *record, const char *dir,
                                       GAsyncReadyCallback callback, gpointer user_data);
void carrete_upload_record_remove_async (const char *dir, const char *upload_id,
                                         GAsyncReadyCallback callback, gpointer user_data);
gboolean carrete_upload_record_io_finish (GAsyncResult *result, GError **error);

G_END_DECLS
