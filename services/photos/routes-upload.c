#define G_LOG_DOMAIN "carrete-photos-routes"

/* The upload routes of carrete-photos, streamed and direct; the route
 * table and the other routes are in routes.c. */

#include "routes-private.h"

#include "carrete-error.h"
#include "carrete-op.h"
#include "carrete-json-body.h"
#include "quota-store.h"
#include "service.h"
#include "upload.h"
#include "validate.h"

#include <glib/gstdio.h>

/* A 409 for a duplicate names the photo that already has those bytes. */
void
respond_failure (CarreteRequest *req, const GError *error, const PhotosPhoto *duplicate)
{
  CarreteProblem *problem;
  g_autofree char *existing = NULL;

  if (duplicate == NULL)
    {
      carrete_request_respond_error (req, error);
      return;
    }
  problem = carrete_problem_new_from_error (error);
  existing = carrete_ids_encode (app_of (req)->ids, CARRETE_ID_PHOTO, duplicate->id);
  carrete_problem_set_member (problem, "existing_id", existing);
  carrete_request_respond_problem (req, problem);
}

/* ---- POST /v1/photos: streamed upload ------------------------------------------------ */

static gpointer
upload_begin (gpointer app_data, SoupServerMessage *msg, GHashTable *query)
{
  PhotosApp *app = app_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *type = soup_message_headers_get_one (headers, "Content-Type");
  gboolean form = type != NULL && g_ascii_strncasecmp (type, "multipart/form-data", 19) == 0;

  PhotosUpload *upload
      = photos_upload_new_for_message (msg, app->spool_dir, app->max_upload_bytes,
                                       form ? PHOTOS_UPLOAD_FORM : PHOTOS_UPLOAD_RAW, type);

  photos_upload_refuse_early (upload);
  {
    g_autofree char *prefix = photos_new_object_prefix ();
    photos_upload_stream_to (upload, app->storage, app->workers, prefix);
  }
  return upload;
}

/* Before the body: the caller's account and, when the query names one,
 * the folder (theirs?).  A folder named only in a multipart field is
 * checked when that field ends, if it comes before the file part (see
 * hold_at_folder_field); after the file, once the body is in. */
typedef struct
{
  PhotosUpload *upload; /* the request's: outlives the check */
  PhotosApp *app;
  GCancellable *cancellable; /* the request's: a hang-up ends the admission */
  gint64 owner_id;
  gint64 folder_id;
} Admission;

static void
admission_free (gpointer data)
{
  Admission *admission = data;

  g_clear_object (&admission->cancellable);
  g_free (admission);
}

/* What the check of a folder field needs, kept by the upload. */
typedef struct
{
  PhotosApp *app;
  CarreteCaller *caller; /* a copy: the check may outlive the request */
} FolderField;

static void
folder_field_free (gpointer data)
{
  FolderField *field = data;

  g_free (field->caller);
  g_free (field);
}

typedef struct
{
  PhotosUploadHold *hold;
  gint64 folder_id;
} FolderFieldCheck;

static void
on_folder_field_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree FolderFieldCheck *check = user_data;
  g_autoptr (GError) error = NULL;
  PhotosUpload *upload = photos_upload_hold_get_upload (check->hold);

  /* Allowed: handle_upload need not ask again once the body is in. */
  if (photos_service_check_folder_finish (result, &error) && upload != NULL)
    photos_upload_set_admitted_folder (upload, check->folder_id);
  photos_upload_hold_end (check->hold, error);
}

/* The form's folder_id, before its file: the same check (and answers) as
 * for ?folder_id=, while the body waits. */
static void
check_folder_field (PhotosUploadHold *hold, const char *value, gpointer user_data)
{
  FolderField *field = user_data;
  FolderFieldCheck *check;
  gint64 folder_id = 0;

  /* No folder: the account was checked before the body already. */
  if (*value == '\0')
    {
      photos_upload_hold_end (hold, NULL);
      return;
    }
  if (!carrete_ids_decode (field->app->ids, CARRETE_ID_FOLDER, value, &folder_id))
    {
      g_autoptr (GError) error
          = g_error_new_literal (CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND, "No such folder.");

      photos_upload_hold_end (hold, error);
      return;
    }
  check = g_new0 (FolderFieldCheck, 1);
  check->hold = hold;
  check->folder_id = folder_id;
  photos_service_check_folder_async (field->app, field->caller, check->folder_id, NULL,
                                     on_folder_field_checked, check);
}

/* The query's folder_id, even empty, wins over the form's (handle_upload):
 * only without one is the field worth holding the body for. */
static void
hold_at_folder_field (PhotosUpload *upload, CarreteRequest *req, GHashTable *query)
{
  FolderField *field;

  if (query != NULL && g_hash_table_contains (query, "folder_id"))
    return;
  field = g_new0 (FolderField, 1);
  field->app = app_of (req);
  field->caller = carrete_caller_dup (carrete_request_get_caller (req));
  photos_upload_hold_at_field (upload, "folder_id", check_folder_field, field, folder_field_free);
}

static void
on_row_reserved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Admission *admission = g_task_get_task_data (task);
  GError *error = NULL;
  PhotosPhoto *row = photos_service_reserve_streamed_finish (result, &error);

  if (row == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  photos_upload_set_row (admission->upload, row, photos_service_abandon_streamed, admission->app);
  g_task_return_boolean (task, TRUE);
}

/* The folder is allowed; then the upload's pending row, before any byte
 * is stored, with room in the quota for the fewest bytes the body's
 * length allows (the exact size is admitted once it is known). */
static void
on_upload_admitted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Admission *admission = g_task_get_task_data (task);
  GError *error = NULL;

  if (!photos_service_check_folder_finish (result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  photos_upload_set_admitted_folder (admission->upload, admission->folder_id);
  photos_service_reserve_streamed_async (admission->app, admission->owner_id, admission->folder_id,
                                         photos_upload_get_object_prefix (admission->upload),
                                         photos_upload_get_least_size (admission->upload),
                                         admission->cancellable, on_row_reserved,
                                         g_steal_pointer (&task));
}

static void
upload_admit_async (gpointer stream, CarreteRequest *req, GHashTable *query,
                    GAsyncReadyCallback callback, gpointer user_data)
{
  PhotosApp *app = app_of (req);
  Admission *admission = g_new0 (Admission, 1);
  g_autoptr (GTask) task
      = carrete_op_new (admission, admission_free, upload_admit_async, NULL, callback, user_data);
  const char *folder = query != NULL ? g_hash_table_lookup (query, "folder_id") : NULL;

  admission->upload = stream;
  admission->app = app;
  admission->cancellable = g_object_ref (carrete_request_get_cancellable (req));
  admission->owner_id = carrete_request_get_caller (req)->id;
  hold_at_folder_field (stream, req, query);
  if (folder != NULL && *folder != '\0'
      && !carrete_ids_decode (app->ids, CARRETE_ID_FOLDER, folder, &admission->folder_id))
    {
      g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND, "No such folder.");
      return;
    }
  photos_service_check_folder_async (app, carrete_request_get_caller (req), admission->folder_id,
                                     NULL, on_upload_admitted, g_steal_pointer (&task));
}

static gboolean
upload_admit_finish (gpointer stream, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

const CarreteBodyStream upload_stream = {
  upload_begin,       photos_upload_stream_free, photos_upload_stream_refusal,
  upload_admit_async, upload_admit_finish,
};

typedef struct
{
  CarreteRequest *req;
  PhotosNewPhoto photo;
  char *name;
} UploadOp;

static void
upload_op_free (UploadOp *op)
{
  g_free (op->name);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UploadOp, upload_op_free)

static void
on_ingested (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (UploadOp) op = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (PhotosPhoto) duplicate = NULL;
  g_autoptr (PhotosPhoto) photo = photos_service_ingest_finish (result, &duplicate, &error);

  if (photo == NULL)
    respond_failure (op->req, error, duplicate);
  else
    respond_photo (op->req, 201, photo);
}

static void
start_ingest (UploadOp *op)
{
  op->photo.name = op->name;
  photos_service_ingest_async (app_of (op->req), &op->photo,
                               carrete_request_get_cancellable (op->req), on_ingested, op);
}

static void
on_upload_folder_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  UploadOp *op = user_data;
  g_autoptr (GError) error = NULL;

  if (!photos_service_check_folder_finish (result, &error))
    {
      carrete_request_respond_error (op->req, error);
      upload_op_free (op);
      return;
    }
  start_ingest (op);
}

/* A raw body must say it is an image (what it really is comes from the
 * bytes); anything else is refused before looking. */
static gboolean
declared_type_is_acceptable (CarreteRequest *req)
{
  const char *declared = carrete_request_get_header (req, "Content-Type");

  if (declared == NULL || g_ascii_strncasecmp (declared, "multipart/form-data", 19) == 0
      || photos_type_from_mime (declared) != PHOTOS_TYPE_UNKNOWN
      || g_ascii_strncasecmp (declared, "application/octet-stream", 24) == 0)
    return TRUE;
  carrete_request_respond_status (req, 415,
                                  "Send the image itself (image/jpeg, image/png, image/webp, "
                                  "image/gif or image/heic) or multipart/form-data with a file part.");
  return FALSE;
}

/* The name: ?name=, else the form's name field, else the file's name. */
static char *
upload_name (CarreteRequest *req, PhotosUpload *upload, const char **message)
{
  const char *given = carrete_request_get_query (req, "name");
  const char *field = photos_upload_get_field (upload, "name");
  g_autofree char *from_file = NULL;

  /* The query's name wins, but the form's must still be a valid name (as
   * for folder_id in handle_upload). */
  if (given != NULL && field != NULL)
    {
      g_autofree char *checked = photos_validate_name (field, message);

      if (checked == NULL)
        return NULL;
    }
  if (given == NULL)
    given = field;
  if (given != NULL)
    return photos_validate_name (given, message);
  from_file = photos_name_from_filename (photos_upload_get_filename (upload));
  return from_file != NULL ? g_steal_pointer (&from_file) : g_strdup ("Untitled");
}

void
handle_upload (CarreteRequest *req)
{
  PhotosApp *app = app_of (req);
  PhotosUpload *upload = photos_upload_finish_request (req);
  g_autoptr (UploadOp) op = g_new0 (UploadOp, 1);
  const CarreteCaller *caller = carrete_request_get_caller (req);
  const char *message = NULL;
  const char *folder;
  gint64 admitted_folder = 0;
  gint64 ignored_folder;

  if (upload == NULL || !declared_type_is_acceptable (req))
    return;
  if (photos_upload_get_type (upload) == PHOTOS_TYPE_UNKNOWN)
    {
      carrete_request_respond_status (req, 415, PHOTOS_NOT_AN_IMAGE);
      return;
    }
  op->name = upload_name (req, upload, &message);
  if (op->name == NULL)
    {
      carrete_request_respond_field (req, 422, "name", message);
      return;
    }
  folder = carrete_request_get_query (req, "folder_id");
  if (folder == NULL)
    folder = photos_upload_get_field (upload, "folder_id");
  if (!decode_folder (req, folder, &op->photo.folder_id))
    return;
  /* The query's folder_id wins, but a form field that is no folder id at
   * all is still refused, as it would be alone: what the request says is
   * well-formed or not whichever part wins. */
  if (folder != photos_upload_get_field (upload, "folder_id")
      && !decode_folder (req, photos_upload_get_field (upload, "folder_id"), &ignored_folder))
    return;
  op->req = req;
  op->photo.owner_id = caller->id;
  op->photo.upload = upload;
  /* Checked before the body already (or when a folder_id field before
   * the file part ended), unless a field after the file named another. */
  if (photos_upload_get_admitted_folder (upload, &admitted_folder)
      && admitted_folder == op->photo.folder_id)
    {
      start_ingest (g_steal_pointer (&op));
      return;
    }
  {
    UploadOp *owned = g_steal_pointer (&op);
    photos_service_check_folder_async (app, caller, owned->photo.folder_id,
                                       carrete_request_get_cancellable (req),
                                       on_upload_folder_checked, owned);
  }
}

/* ---- POST /v1/photos/uploads and /complete: direct upload -------------------------------- */

static const CarreteFieldSpec direct_fields[] = {
  { "name", CARRETE_FIELD_STRING, TRUE, 1, 1024 },
  { "folder_id", CARRETE_FIELD_NULLABLE_STRING, FALSE, 0, 64 },
  { "content_type", CARRETE_FIELD_STRING, TRUE, 1, 64 },
  { "size", CARRETE_FIELD_INT, TRUE, 0, 0 },
  { "resumable", CARRETE_FIELD_BOOL, FALSE, 0, 0 },
};

typedef struct
{
  CarreteRequest *req;
  char *name;
  gint64 folder_id;
  PhotosType type;
  guint64 size;
  gboolean resumable; /* routes-resumable.c takes over once the folder is checked */
} DirectOp;

static void
direct_op_free (DirectOp *op)
{
  g_free (op->name);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DirectOp, direct_op_free)

static void
on_pending_created (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DirectOp) op = user_data;
  PhotosApp *app = app_of (op->req);
  g_autoptr (GError) error = NULL;
  g_autoptr (PhotosPhoto) photo = photos_service_create_pending_finish (result, &error);
  CarreteJsonWriter writer;
  GString *text;
  g_autofree char *key = NULL;
  g_autofree char *url = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (photo == NULL)
    {
      carrete_request_respond_error (op->req, error);
      return;
    }
  /* Never the original's key: complete copies the bytes there. */
  key = photos_key_staging (photo->object_prefix);
  url = carrete_storage_presign_put (app->storage, key, now, app->url_ttl, photo->content_type,
                                     &error);
  if (url == NULL)
    {
      carrete_request_respond_error (op->req, error);
      return;
    }
  text = g_string_sized_new (1024);
  carrete_json_writer_init (&writer, text);
  carrete_json_writer_begin_object (&writer);
  carrete_json_writer_member (&writer, "photo");
  photos_photo_write_json (&writer, photo, NULL, app->ids);
  carrete_json_writer_member (&writer, "upload_url");
  carrete_json_writer_string (&writer, url);
  carrete_json_writer_member (&writer, "upload_method");
  carrete_json_writer_string (&writer, "PUT");
  carrete_json_writer_member (&writer, "upload_headers");
  carrete_json_writer_begin_object (&writer);
  carrete_json_writer_member (&writer, "Content-Type");
  carrete_json_writer_string (&writer, photo->content_type);
  carrete_json_writer_end_object (&writer);
  carrete_json_writer_member (&writer, "expires_at");
  carrete_json_writer_time (&writer, (now + app->url_ttl) * G_USEC_PER_SEC, CARRETE_TIME_SECONDS);
  carrete_json_writer_end_object (&writer);
  respond_json_text (op->req, 201, text);
}

static void
on_resumable_room_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DirectOp) op = user_data;
  g_autoptr (GError) error = NULL;

  if (!photos_quota_store_check_finish (result, &error))
    carrete_request_respond_error (op->req, error);
  else
    start_resumable_upload (op->req, op->name, op->folder_id, op->type, op->size);
}

static void
on_direct_folder_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DirectOp) op = user_data;
  g_autoptr (GError) error = NULL;

  if (!photos_service_check_folder_finish (result, &error))
    {
      carrete_request_respond_error (op->req, error);
      return;
    }
  if (op->resumable)
    {
      DirectOp *owned = g_steal_pointer (&op);
      PhotosApp *app = app_of (owned->req);

      /* Before the store's multipart upload is made (the row checks again). */
      photos_quota_store_check (app->db, carrete_request_get_caller (owned->req)->id,
                                (gint64) owned->size, app->default_quota_bytes,
                                carrete_request_get_cancellable (owned->req),
                                on_resumable_room_checked, owned);
      return;
    }
  {
    DirectOp *owned = g_steal_pointer (&op);
    photos_service_create_pending_async (
        app_of (owned->req), carrete_request_get_caller (owned->req)->id, owned->folder_id,
        owned->name, owned->type, owned->size, carrete_request_get_cancellable (owned->req),
        on_pending_created, owned);
  }
}

/* Validates the direct-upload body; answers and returns FALSE on a bad one. */
static gboolean
read_direct_body (CarreteRequest *req, DirectOp *op)
{
  PhotosApp *app = app_of (req);
  g_autoptr (JsonObject) body
      = carrete_request_parse_body (req, direct_fields, G_N_ELEMENTS (direct_fields));
  const char *message = NULL;
  gint64 size;

  if (body == NULL)
    return FALSE;
  op->name = photos_validate_name (json_object_get_string_member (body, "name"), &message);
  if (op->name == NULL)
    {
      carrete_request_respond_field (req, 422, "name", message);
      return FALSE;
    }
  op->type = photos_type_from_mime (json_object_get_string_member (body, "content_type"));
  if (op->type == PHOTOS_TYPE_UNKNOWN)
    {
      carrete_request_respond_field (req, 422, "content_type",
                     "must be image/jpeg, image/png, image/webp, image/gif or image/heic");
      return FALSE;
    }
  size = json_object_get_int_member (body, "size");
  if (size <= 0 || (guint64) size > app->max_upload_bytes)
    {
      g_autofree char *limit = g_strdup_printf ("must be between 1 and %" G_GUINT64_FORMAT " bytes",
                                                app->max_upload_bytes);
      carrete_request_respond_field (req, size > 0 ? 413 : 422, "size", limit);
      return FALSE;
    }
  op->size = (guint64) size;
  op->resumable = json_object_get_boolean_member_with_default (body, "resumable", FALSE);
  return decode_folder_member (req, body, &op->folder_id);
}

void
handle_create_upload (CarreteRequest *req)
{
  g_autoptr (DirectOp) op = g_new0 (DirectOp, 1);
  const CarreteCaller *caller = carrete_request_get_caller (req);

  if (!read_direct_body (req, op))
    return;
  op->req = req;
  {
    DirectOp *owned = g_steal_pointer (&op);
    photos_service_check_folder_async (app_of (req), caller, owned->folder_id,
                                       carrete_request_get_cancellable (req),
                                       on_direct_folder_checked, owned);
  }
}

static void
on_completed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (PhotosPhoto) duplicate = NULL;
  g_autoptr (PhotosPhoto) photo = photos_service_complete_finish (result, &duplicate, &error);

  if (photo == NULL)
    respond_failure (req, error, duplicate);
  else
    respond_photo (req, 200, photo);
}

void
handle_complete (CarreteRequest *req)
{
  const CarreteCaller *caller = carrete_request_get_caller (req);
  gint64 id;

  if (!carrete_request_decode_id (req, "id", CARRETE_ID_PHOTO, &id))
    return;
  photos_service_complete_async (app_of (req), caller, id, carrete_request_get_cancellable (req),
                                 on_completed, req);
}
