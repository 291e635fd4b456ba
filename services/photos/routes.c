#define G_LOG_DOMAIN "carrete-photos-routes"

#include "routes.h"

#include "app.h"
#include "carrete-error.h"
#include "carrete-json-body.h"
#include "carrete-readiness.h"
#include "imaging.h"
#include "service.h"
#include "storage-routes.h"
#include "upload.h"
#include "validate.h"

#include <glib/gstdio.h>
#include <string.h>

#define DEFAULT_PAGE 50
#define MAX_PAGE 200

static PhotosApp *
app_of (CarreteRequest *req)
{
  return carrete_request_get_app (req);
}

/* A folder id given by the client: "" or absent → 0 (no folder); one that
 * is not a folder id at all → 404, like a folder the caller cannot see. */
static gboolean
decode_folder (CarreteRequest *req, const char *text, gint64 *folder_id)
{
  *folder_id = 0;
  if (text == NULL || *text == '\0')
    return TRUE;
  if (carrete_ids_decode (app_of (req)->ids, CARRETE_ID_FOLDER, text, folder_id))
    return TRUE;
  carrete_request_respond_status (req, 404, "No such folder.");
  return FALSE;
}

/* Presigned addresses for a photo (all three, or only the thumbnail). */
static void
presign_urls (PhotosApp *app, const PhotosPhoto *photo, gboolean all, PhotosUrls *urls)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *small = photos_key_thumb (photo->object_prefix, PHOTOS_THUMB_SMALL);

  if (!g_str_equal (photo->state, "ready"))
    return;
  urls->thumbnail_url = photos_url_cache_get (app->urls, small, "image/jpeg", now);
  if (all)
    {
      g_autofree char *original = photos_key_original (photo->object_prefix);
      g_autofree char *large = photos_key_thumb (photo->object_prefix, PHOTOS_THUMB_LARGE);

      urls->url = photos_url_cache_get (app->urls, original, photo->content_type, now);
      urls->preview_url = photos_url_cache_get (app->urls, large, "image/jpeg", now);
    }
}

/* Takes `text`, JSON written with a CarreteJsonWriter.  Answers carry
 * presigned URLs: no cache may keep them. */
static void
respond_json_text (CarreteRequest *req, guint status, GString *text)
{
  g_autoptr (GBytes) body = g_string_free_to_bytes (text);

  carrete_request_set_header (req, "Cache-Control", "private, no-store");
  carrete_request_respond_bytes (req, status, "application/json", body);
}

static void
respond_photo (CarreteRequest *req, guint status, const PhotosPhoto *photo)
{
  PhotosApp *app = app_of (req);
  PhotosUrls urls = { 0 };
  GString *text = g_string_sized_new (1024);
  CarreteJsonWriter writer;

  presign_urls (app, photo, TRUE, &urls);
  carrete_json_writer_init (&writer, text);
  photos_photo_write_json (&writer, photo, &urls, app->ids);
  photos_urls_clear (&urls);
  respond_json_text (req, status, text);
}

/* A 409 for a duplicate names the photo that already has those bytes. */
static void
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
  goffset length = soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
                     ? soup_message_headers_get_content_length (headers)
                     : -1;
  PhotosUpload *upload = photos_upload_new (app->spool_dir, app->max_upload_bytes,
                                            form ? PHOTOS_UPLOAD_FORM : PHOTOS_UPLOAD_RAW, type,
                                            length);

  photos_upload_attach (upload, msg);
  return upload;
}

static const CarreteBodyStream upload_stream = {
  upload_begin, (GDestroyNotify) photos_upload_free,
  (GError * (*) (gpointer)) photos_upload_get_early_error,
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
  g_free (op->photo.spool_path);
  g_free ((char *) op->photo.sha256);
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
on_upload_folder_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  UploadOp *op = user_data;
  g_autoptr (GError) error = NULL;

  if (!photos_service_check_folder_finish (result, &error))
    {
      carrete_request_respond_error (op->req, error);
      g_unlink (op->photo.spool_path);
      upload_op_free (op);
      return;
    }
  op->photo.name = op->name;
  photos_service_ingest_async (app_of (op->req), &op->photo, on_ingested, op);
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
  g_autofree char *from_file = NULL;

  if (given == NULL)
    given = photos_upload_get_field (upload, "name");
  if (given != NULL)
    return photos_validate_name (given, message);
  from_file = photos_name_from_filename (photos_upload_get_filename (upload));
  return from_file != NULL ? g_steal_pointer (&from_file) : g_strdup ("Untitled");
}

static void
handle_upload (CarreteRequest *req)
{
  PhotosApp *app = app_of (req);
  PhotosUpload *upload = carrete_request_get_stream (req);
  g_autoptr (GError) error = NULL;
  g_autoptr (UploadOp) op = g_new0 (UploadOp, 1);
  const CarreteCaller *caller = carrete_request_get_caller (req);
  const char *message = NULL;
  const char *folder;

  if (upload == NULL)
    {
      carrete_request_respond_status (req, 400, "The upload could not be read.");
      return;
    }
  if (!photos_upload_finish (upload, &error))
    {
      carrete_request_respond_error (req, error);
      return;
    }
  if (!declared_type_is_acceptable (req))
    return;
  op->photo.type = photos_upload_get_type (upload);
  if (op->photo.type == PHOTOS_TYPE_UNKNOWN)
    {
      carrete_request_respond_status (req, 415, "The file is not a JPEG, PNG, WebP, GIF or HEIC image.");
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
  op->req = req;
  op->photo.owner_id = caller->id;
  op->photo.size = photos_upload_get_size (upload);
  op->photo.sha256 = g_strdup (photos_upload_get_sha256 (upload));
  op->photo.spool_path = photos_upload_steal_path (upload);
  {
    UploadOp *owned = g_steal_pointer (&op);
    photos_service_check_folder_async (app, caller, owned->photo.folder_id,
                                       on_upload_folder_checked, owned);
  }
}

/* ---- POST /v1/photos/uploads and /complete: direct upload -------------------------------- */

static const CarreteFieldSpec direct_fields[] = {
  { "name", CARRETE_FIELD_STRING, TRUE, 1, 1024 },
  { "folder_id", CARRETE_FIELD_NULLABLE_STRING, FALSE, 0, 64 },
  { "content_type", CARRETE_FIELD_STRING, TRUE, 1, 64 },
  { "size", CARRETE_FIELD_INT, TRUE, 0, 0 },
};

typedef struct
{
  CarreteRequest *req;
  char *name;
  gint64 folder_id;
  PhotosType type;
  guint64 size;
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
  g_autoptr (GDateTime) expires = NULL;
  CarreteJsonWriter writer;
  GString *text;
  g_autofree char *key = NULL;
  g_autofree char *url = NULL;
  g_autofree char *expires_text = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (photo == NULL)
    {
      carrete_request_respond_error (op->req, error);
      return;
    }
  key = photos_key_original (photo->object_prefix);
  url = carrete_storage_presign_put (app->storage, key, now, app->url_ttl, photo->content_type,
                                     &error);
  if (url == NULL)
    {
      carrete_request_respond_error (op->req, error);
      return;
    }
  expires = g_date_time_new_from_unix_utc (now + app->url_ttl);
  expires_text = g_date_time_format (expires, "%Y-%m-%dT%H:%M:%SZ");
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
  carrete_json_writer_string (&writer, expires_text);
  carrete_json_writer_end_object (&writer);
  respond_json_text (op->req, 201, text);
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
  {
    DirectOp *owned = g_steal_pointer (&op);
    photos_service_create_pending_async (app_of (owned->req),
                                         carrete_request_get_caller (owned->req)->id, owned->folder_id,
                                         owned->name, owned->type, owned->size,
                                         on_pending_created, owned);
  }
}

/* Validates the direct-upload body; answers and returns FALSE on a bad one. */
static gboolean
read_direct_body (CarreteRequest *req, DirectOp *op)
{
  PhotosApp *app = app_of (req);
  CarreteProblem *problem = NULL;
  g_autoptr (JsonObject) body = carrete_json_body_parse (carrete_request_get_body (req),
                                                         direct_fields,
                                                         G_N_ELEMENTS (direct_fields), &problem);
  const char *message = NULL;
  gint64 size;

  if (body == NULL)
    {
      carrete_request_respond_problem (req, problem);
      return FALSE;
    }
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
  return decode_folder (req, json_object_get_string_member_with_default (body, "folder_id", NULL),
                        &op->folder_id);
}

static void
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

static void
handle_complete (CarreteRequest *req)
{
  const CarreteCaller *caller = carrete_request_get_caller (req);
  gint64 id;

  if (!carrete_request_decode_id (req, "id", CARRETE_ID_PHOTO, &id))
    return;
  photos_service_complete_async (app_of (req), caller, id, on_completed, req);
}

/* ---- GET /v1/photos/{id} ------------------------------------------------------------------- */

static void
on_got_photo (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (PhotosAccess) access = photos_service_get_finish (result, &error);

  if (access == NULL)
    carrete_request_respond_error (req, error);
  else
    respond_photo (req, 200, access->photo);
}

static void
handle_get (CarreteRequest *req)
{
  const CarreteCaller *caller = carrete_request_get_caller (req);
  gint64 id;

  if (!carrete_request_decode_id (req, "id", CARRETE_ID_PHOTO, &id))
    return;
  photos_service_get_async (app_of (req), caller, id, on_got_photo, req);
}

/* ---- PATCH /v1/photos/{id} -------------------------------------------------------------------- */

static const CarreteFieldSpec patch_fields[] = {
  { "name", CARRETE_FIELD_STRING, FALSE, 1, 1024 },
  { "folder_id", CARRETE_FIELD_NULLABLE_STRING, FALSE, 0, 64 },
};

static void
on_patched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (PhotosPhoto) photo = photos_service_update_finish (result, &error);

  if (photo == NULL)
    carrete_request_respond_error (req, error);
  else
    respond_photo (req, 200, photo);
}

static void
handle_patch (CarreteRequest *req)
{
  CarreteProblem *problem = NULL;
  g_autoptr (JsonObject) body = NULL;
  g_autofree char *name = NULL;
  const char *message = NULL;
  const CarreteCaller *caller = carrete_request_get_caller (req);
  gboolean set_folder;
  gint64 folder_id = 0;
  gint64 id;

  if (!carrete_request_decode_id (req, "id", CARRETE_ID_PHOTO, &id))
    return;
  body = carrete_json_body_parse (carrete_request_get_body (req), patch_fields,
                                  G_N_ELEMENTS (patch_fields), &problem);
  if (body == NULL)
    {
      carrete_request_respond_problem (req, problem);
      return;
    }
  if (json_object_has_member (body, "name"))
    {
      name = photos_validate_name (json_object_get_string_member (body, "name"), &message);
      if (name == NULL)
        {
          carrete_request_respond_field (req, 422, "name", message);
          return;
        }
    }
  set_folder = json_object_has_member (body, "folder_id");
  if (set_folder
      && !decode_folder (req, json_object_get_string_member_with_default (body, "folder_id", NULL),
                         &folder_id))
    return;
  photos_service_update_async (app_of (req), caller, id, name, set_folder, folder_id, on_patched,
                               req);
}

/* ---- DELETE /v1/photos/{id} and DELETE /v1/photos?folder_id= | ?owner_id= ------------------- */

static void
on_deleted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;

  if (!photos_service_delete_finish (result, &error))
    carrete_request_respond_error (req, error);
  else
    carrete_request_respond_empty (req, 204);
}

static void
handle_delete (CarreteRequest *req)
{
  const CarreteCaller *caller = carrete_request_get_caller (req);
  gint64 id;

  if (!carrete_request_decode_id (req, "id", CARRETE_ID_PHOTO, &id))
    return;
  photos_service_delete_async (app_of (req), caller, id, on_deleted, req);
}

static void
on_all_deleted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;

  if (!photos_service_delete_all_finish (result, &error))
    carrete_request_respond_error (req, error);
  else
    carrete_request_respond_empty (req, 204);
}

/* Bulk deletion is only ever of the caller's own photos: every photo in a
 * folder belongs to the folder's owner, so ?folder_id= deletes the
 * caller's photos there (none if it is not their folder); ?owner_id= must
 * name the caller (used for account deletion). */
static void
handle_delete_all (CarreteRequest *req)
{
  PhotosApp *app = app_of (req);
  const char *folder = carrete_request_get_query (req, "folder_id");
  const char *owner = carrete_request_get_query (req, "owner_id");
  const CarreteCaller *caller = carrete_request_get_caller (req);
  gint64 folder_id = 0;
  gint64 owner_id = 0;

  if ((folder == NULL) == (owner == NULL))
    {
      carrete_request_respond_status (req, 422, "Give exactly one of folder_id or owner_id.");
      return;
    }
  if (folder != NULL && !carrete_ids_decode (app->ids, CARRETE_ID_FOLDER, folder, &folder_id))
    {
      carrete_request_respond_status (req, 404, "No such folder.");
      return;
    }
  if (owner != NULL
      && (!carrete_ids_decode (app->ids, CARRETE_ID_USER, owner, &owner_id)
          || owner_id != caller->id))
    {
      carrete_request_respond_status (req, 403, "Only your own photos can be deleted.");
      return;
    }
  photos_service_delete_all_async (app, caller->id, folder_id, on_all_deleted, req);
}

/* ---- GET /v1/photos ---------------------------------------------------------------------------- */

static const char *const sort_names[] = {
  [PHOTOS_SORT_TAKEN_AT] = "taken_at",
  [PHOTOS_SORT_UPLOADED_AT] = "uploaded_at",
  [PHOTOS_SORT_NAME] = "name",
};

typedef struct
{
  CarreteRequest *req;
  PhotosListRequest request;
  char *from;
  char *to;
  char *filters;     /* digest of what selects rows: a cursor is bound to it */
  char **position;   /* decoded cursor fields */
} ListOp;

static void
list_op_free (ListOp *op)
{
  g_clear_pointer (&op->request.query.folder_ids, g_array_unref);
  g_free (op->from);
  g_free (op->to);
  g_free (op->filters);
  g_strfreev (op->position);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ListOp, list_op_free)

static gboolean
parse_sort (CarreteRequest *req, PhotosQuery *query)
{
  const char *sort = carrete_request_get_query (req, "sort");
  const char *order = carrete_request_get_query (req, "order");

  query->sort = PHOTOS_SORT_TAKEN_AT;
  for (guint i = 0; sort != NULL && i < G_N_ELEMENTS (sort_names); i++)
    if (g_str_equal (sort, sort_names[i]))
      query->sort = i, sort = NULL;
  if (sort != NULL)
    {
      carrete_request_respond_field (req, 422, "sort", "must be taken_at, uploaded_at or name");
      return FALSE;
    }
  /* Newest first for dates, A to Z for names, unless asked otherwise. */
  query->descending = query->sort != PHOTOS_SORT_NAME;
  if (order != NULL && !g_str_equal (order, "asc") && !g_str_equal (order, "desc"))
    {
      carrete_request_respond_field (req, 422, "order", "must be asc or desc");
      return FALSE;
    }
  if (order != NULL)
    query->descending = g_str_equal (order, "desc");
  return TRUE;
}

static gboolean
parse_dates (CarreteRequest *req, ListOp *op)
{
  const char *from = carrete_request_get_query (req, "from");
  const char *to = carrete_request_get_query (req, "to");

  op->from = photos_parse_timestamp (from);
  op->to = photos_parse_timestamp (to);
  if ((from != NULL && op->from == NULL) || (to != NULL && op->to == NULL))
    {
      carrete_request_respond_field (req, 422, op->from == NULL && from != NULL ? "from" : "to",
                     "must be an RFC 3339 date-time such as 2024-05-01T00:00:00Z");
      return FALSE;
    }
  if (op->from != NULL && op->to != NULL && strcmp (op->from, op->to) > 0)
    {
      carrete_request_respond_field (req, 422, "from", "must not be after to");
      return FALSE;
    }
  op->request.query.from = op->from;
  op->request.query.to = op->to;
  return TRUE;
}

static gboolean
parse_text_filters (CarreteRequest *req, ListOp *op)
{
  const char *q = carrete_request_get_query (req, "q");
  const char *tags = carrete_request_get_query (req, "tags");
  const char *match = carrete_request_get_query (req, "match");

  if (q != NULL && (!g_utf8_validate (q, -1, NULL) || g_utf8_strlen (q, -1) > PHOTOS_NAME_MAX))
    {
      carrete_request_respond_field (req, 422, "q", "must be UTF-8 text of at most 255 characters");
      return FALSE;
    }
  if (match != NULL && !g_str_equal (match, "all") && !g_str_equal (match, "any"))
    {
      carrete_request_respond_field (req, 422, "match", "must be all or any");
      return FALSE;
    }
  if (tags != NULL && (*tags == '\0' || strlen (tags) > 1024))
    {
      carrete_request_respond_field (req, 422, "tags", "must be a comma-separated list of tags");
      return FALSE;
    }
  op->request.query.name_like = q != NULL && *q != '\0' ? q : NULL;
  op->request.tags = tags;
  op->request.match = match;
  return TRUE;
}

/* A digest of everything that selects rows, so that a cursor only
 * continues the listing it came from. */
static char *
filters_of (CarreteRequest *req)
{
  const char *names[] = { "folder_id", "q", "tags", "match", "from", "to", "sort", "order" };
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const char *value = carrete_request_get_query (req, names[i]);
      g_string_append_printf (text, "%s=%s;", names[i], value != NULL ? value : "");
    }
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text->str, text->len);
}

static gboolean
parse_cursor (CarreteRequest *req, ListOp *op)
{
  const char *cursor = carrete_request_get_query (req, "cursor");
  g_autoptr (GError) error = NULL;

  op->filters = filters_of (req);
  if (cursor == NULL)
    return TRUE;
  op->position = carrete_cursor_decode (app_of (req)->cursors, cursor, 3, &error);
  if (op->position == NULL || !g_str_equal (op->position[0], op->filters)
      || !g_ascii_string_to_signed (op->position[2], 10, 1, G_MAXINT64,
                                    &op->request.query.after_id, NULL))
    {
      carrete_request_respond_field (req, 422, "cursor", "is not a cursor of this listing");
      return FALSE;
    }
  op->request.query.after_key = op->position[1];
  return TRUE;
}

static char *
next_cursor (CarreteRequest *req, ListOp *op, const PhotosPhoto *last)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, last->id);
  const char *fields[] = { op->filters, last->sort_time, id, NULL };

  return carrete_cursor_encode (app_of (req)->cursors, fields);
}

static void
respond_page (CarreteRequest *req, ListOp *op, GPtrArray *photos)
{
  PhotosApp *app = app_of (req);
  g_autofree char *cursor = NULL;
  guint limit = op->request.query.limit - 1; /* one extra row was fetched */
  GString *text = g_string_sized_new (1024 * (limit + 1));
  CarreteJsonWriter writer;

  if (photos->len > limit)
    cursor = next_cursor (req, op, g_ptr_array_index (photos, limit - 1));
  carrete_json_writer_init (&writer, text);
  carrete_json_writer_begin_object (&writer);
  carrete_json_writer_member (&writer, "items");
  carrete_json_writer_begin_array (&writer);
  for (guint i = 0; i < MIN (photos->len, limit); i++)
    {
      PhotosUrls urls = { 0 };
      const PhotosPhoto *photo = g_ptr_array_index (photos, i);

      presign_urls (app, photo, FALSE, &urls);
      photos_photo_write_json (&writer, photo, &urls, app->ids);
      photos_urls_clear (&urls);
    }
  carrete_json_writer_end_array (&writer);
  carrete_json_writer_member (&writer, "next_cursor");
  carrete_json_writer_string (&writer, cursor);
  carrete_json_writer_end_object (&writer);
  respond_json_text (req, 200, text);
}

static void
on_listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ListOp) op = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) photos = photos_service_list_finish (result, &error);

  if (photos == NULL)
    carrete_request_respond_error (op->req, error);
  else
    respond_page (op->req, op, photos);
}

static void
handle_list (CarreteRequest *req)
{
  g_autoptr (ListOp) op = g_new0 (ListOp, 1);
  const CarreteCaller *caller = carrete_request_get_caller (req);
  guint limit;

  if (!photos_parse_limit (carrete_request_get_query (req, "limit"), DEFAULT_PAGE, MAX_PAGE, &limit))
    {
      carrete_request_respond_field (req, 422, "limit", "must be a whole number from 1 to 200");
      return;
    }
  op->req = req;
  op->request.query.limit = limit + 1;
  if (!decode_folder (req, carrete_request_get_query (req, "folder_id"), &op->request.query.folder_id)
      || !parse_sort (req, &op->request.query) || !parse_dates (req, op)
      || !parse_text_filters (req, op) || !parse_cursor (req, op))
    return;
  {
    ListOp *owned = g_steal_pointer (&op);
    photos_service_list_async (app_of (req), caller, &owned->request, on_listed, owned);
  }
}

/* ---- GET /readyz ------------------------------------------------------------------------------- */

static void
storage_ready_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  PhotosApp *app = data;
  GError *error = NULL;

  if (!carrete_storage_ensure_ready (app->storage, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_storage_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* The reason goes to the log, for whoever runs the service. */
      g_warning ("not ready: storage: %s", error->message);
      carrete_request_respond_status (req, 503, "The storage cannot be reached.");
      return;
    }
  carrete_readiness_respond_ready (req);
}

/* Once the database is ready: the storage too (off the main loop). */
static void
check_storage (CarreteRequest *req)
{
  PhotosApp *app = app_of (req);
  g_autoptr (GError) error = NULL;
  g_autoptr (GTask) task = NULL;

  task = g_task_new (NULL, NULL, on_storage_ready, req);
  g_task_set_task_data (task, app, NULL);
  if (!carrete_workers_run (app->workers, task, storage_ready_in_thread, &error))
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
handle_readyz (CarreteRequest *req)
{
  PhotosApp *app = app_of (req);

  carrete_readiness_check (req, app->db, app->schema_version, check_storage);
}

static const CarreteRoute routes[] = {
  { "POST", "/v1/photos", handle_upload, CARRETE_AUTH_REQUIRED, &upload_stream },
  { "GET", "/v1/photos", handle_list, CARRETE_AUTH_OPTIONAL },
  { "DELETE", "/v1/photos", handle_delete_all, CARRETE_AUTH_REQUIRED },
  { "POST", "/v1/photos/uploads", handle_create_upload, CARRETE_AUTH_REQUIRED },
  { "GET", "/v1/photos/{id}", handle_get, CARRETE_AUTH_OPTIONAL },
  { "PATCH", "/v1/photos/{id}", handle_patch, CARRETE_AUTH_REQUIRED },
  { "DELETE", "/v1/photos/{id}", handle_delete, CARRETE_AUTH_REQUIRED },
  { "POST", "/v1/photos/{id}/complete", handle_complete, CARRETE_AUTH_REQUIRED },
  { "GET", "/v1/storage/{key*}", photos_handle_storage_get, CARRETE_AUTH_NONE },
  { "PUT", "/v1/storage/{key*}", photos_handle_storage_put, CARRETE_AUTH_NONE,
    &photos_storage_put_stream },
  { "GET", "/readyz", handle_readyz, CARRETE_AUTH_NONE },
};

const CarreteRoute *
photos_routes (guint *n_routes)
{
  *n_routes = G_N_ELEMENTS (routes);
  return routes;
}
