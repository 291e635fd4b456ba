#define G_LOG_DOMAIN "carrete-photos-routes"

#include "routes.h"
#include "routes-private.h"
#include "quota-store.h"

#include "app.h"
#include "carrete-error.h"
#include "carrete-json-body.h"
#include "carrete-op.h"
#include "carrete-readiness.h"
#include "imaging.h"
#include "service.h"
#include "storage-routes.h"
#include "trash.h"
#include "validate.h"

#include <string.h>

#define DEFAULT_PAGE 50
#define MAX_PAGE 200

/* A folder id given by the client: absent → 0 (no folder), and so is ""
 * in a query or form (an empty form field); one that is not a folder id
 * at all → 404, like a folder the caller cannot see. */
gboolean
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

/* A JSON body's folder_id: null or absent → 0 (no folder); a string must
 * be a folder id ("" is not one → 404, as the documents say). */
gboolean
decode_folder_member (CarreteRequest *req, JsonObject *body, gint64 *folder_id)
{
  const char *text = json_object_get_string_member_with_default (body, "folder_id", NULL);

  if (text != NULL && *text == '\0')
    {
      *folder_id = 0;
      carrete_request_respond_status (req, 404, "No such folder.");
      return FALSE;
    }
  return decode_folder (req, text, folder_id);
}

/* Presigned addresses for a photo (all three, or only the thumbnail); the
 * thumbnails' only once they are ready. */
void
presign_urls (PhotosApp *app, const PhotosPhoto *photo, gboolean all, PhotosUrls *urls)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gboolean thumbnails = photo->thumbnails == PHOTOS_THUMBNAILS_READY;

  if (photo->state != PHOTOS_STATE_READY && photo->state != PHOTOS_STATE_TRASHED)
    return;
  if (thumbnails)
    {
      g_autofree char *small = photos_key_thumb (photo->object_prefix, PHOTOS_THUMB_SMALL);
      urls->thumbnail_url = photos_url_cache_get (app->urls, small, "image/jpeg", now);
    }
  if (all)
    {
      g_autofree char *original = photos_key_original (photo->object_prefix);

      urls->url = photos_url_cache_get (app->urls, original, photo->content_type, now);
      if (thumbnails)
        {
          g_autofree char *large = photos_key_thumb (photo->object_prefix, PHOTOS_THUMB_LARGE);
          urls->preview_url = photos_url_cache_get (app->urls, large, "image/jpeg", now);
        }
    }
}

/* Takes `text`, JSON written with a CarreteJsonWriter.  Answers carry
 * presigned URLs: no cache may keep them. */
void
respond_json_text (CarreteRequest *req, guint status, GString *text)
{
  carrete_request_set_header (req, "Cache-Control", "private, no-store");
  carrete_request_respond_json_text (req, status, text);
}

/* A link without allow_download withholds the original: `url` is null. */
static void
respond_photo_as (CarreteRequest *req, guint status, const PhotosPhoto *photo,
                  gboolean original_withheld)
{
  PhotosApp *app = app_of (req);
  PhotosUrls urls = { 0 };
  GString *text = g_string_sized_new (1024);
  CarreteJsonWriter writer;

  presign_urls (app, photo, TRUE, &urls);
  if (original_withheld)
    g_clear_pointer (&urls.url, g_free);
  carrete_json_writer_init (&writer, text);
  photos_photo_write_json (&writer, photo, &urls, app->ids);
  photos_urls_clear (&urls);
  respond_json_text (req, status, text);
}

void
respond_photo (CarreteRequest *req, guint status, const PhotosPhoto *photo)
{
  respond_photo_as (req, status, photo, FALSE);
}

/* ---- share links ---------------------------------------------------------------------------- */

/* The request's share link headers, to forward to carrete-folders; FALSE
 * when it sends none.  Whoever sends one is its holder for this request,
 * signed in or not, so the bearer is not forwarded with it. */
static gboolean
link_of (CarreteRequest *req, CarreteForward *link)
{
  *link = (CarreteForward) {
    .request_id = carrete_request_get_request_id (req),
    .forwarded_for = carrete_request_get_client_address (req),
    .share = carrete_request_get_header (req, CARRETE_SHARE_HEADER),
    .share_password = carrete_request_get_header (req, CARRETE_SHARE_PASSWORD_HEADER),
  };
  return link->share != NULL;
}

static void
on_got_photo_by_link (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;
  guint retry_after = 0;
  g_autoptr (PhotosAccess) access = photos_service_get_by_link_finish (result, &retry_after, &error);

  if (access == NULL)
    carrete_request_respond_throttled_error (req, error, retry_after);
  else
    respond_photo_as (req, 200, access->photo, access->original_withheld);
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
  CarreteForward link;
  gint64 id;

  if (!carrete_request_decode_id (req, "id", CARRETE_ID_PHOTO, &id))
    return;
  if (link_of (req, &link))
    photos_service_get_by_link_async (app_of (req), id, &link,
                                      carrete_request_get_cancellable (req), on_got_photo_by_link,
                                      req);
  else
    photos_service_get_async (app_of (req), caller, id, carrete_request_get_cancellable (req),
                            on_got_photo, req);
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
  g_autoptr (JsonObject) body = NULL;
  g_autofree char *name = NULL;
  const char *message = NULL;
  const CarreteCaller *caller = carrete_request_get_caller (req);
  gboolean set_folder;
  gint64 folder_id = 0;
  gint64 id;

  if (!carrete_request_decode_id (req, "id", CARRETE_ID_PHOTO, &id))
    return;
  body = carrete_request_parse_body (req, patch_fields, G_N_ELEMENTS (patch_fields));
  if (body == NULL)
    return;
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
  if (set_folder && !decode_folder_member (req, body, &folder_id))
    return;
  photos_service_update_async (app_of (req), caller, id, name, set_folder, folder_id,
                               carrete_request_get_cancellable (req), on_patched, req);
}

/* ---- DELETE /v1/photos/{id} and DELETE /v1/photos?folder_id= | ?owner_id= ------------------- */

static void
handle_delete (CarreteRequest *req)
{
  const CarreteCaller *caller = carrete_request_get_caller (req);
  gboolean permanent;
  gint64 id;

  if (!carrete_request_decode_id (req, "id", CARRETE_ID_PHOTO, &id)
      || !carrete_request_query_flag (req, "permanent", &permanent))
    return;
  photos_service_delete_async (app_of (req), caller, id, permanent,
                               carrete_request_answer_no_content, req);
}

static void
on_account_forgotten (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;

  if (carrete_db_count_finish (app_of (req)->db, result, &error) < 0)
    carrete_request_respond_error (req, error);
  else
    carrete_request_respond_empty (req, 204);
}

/* Every photo of the account is gone: its quota goes too. */
static void
on_account_emptied (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    carrete_request_respond_error (req, error);
  else
    photos_quota_store_forget (app_of (req)->db, carrete_request_get_caller (req)->id,
                               on_account_forgotten, req);
}

/* ?folder_id= of a folder the caller owns (asked of carrete-folders, as
 * every time): every photo in it, its members' too, as deleting the folder
 * with its photos needs; of any other folder, only the caller's own photos
 * there.  With ?trash=true (a folder's recursive move to the trash) they go
 * to the trash instead, each into its owner's, marked as trashed with the
 * folder. */
static void
on_bulk_folder_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  PhotosApp *app = app_of (req);
  FoldersFolder folder = { 0 };
  g_autoptr (GError) error = NULL;
  gint64 owner_id = carrete_request_get_caller (req)->id;
  gint64 folder_id = 0;
  gboolean trash = FALSE;

  /* Decoded once already: the same answer again. */
  carrete_ids_decode (app->ids, CARRETE_ID_FOLDER, carrete_request_get_query (req, "folder_id"),
                      &folder_id);
  if (folders_client_get_finish (app->folders, result, &folder, &error))
    owner_id = folder.role == FOLDERS_ROLE_OWNER ? 0 : owner_id;
  else if (!g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND))
    {
      carrete_request_respond_error (req, error);
      return;
    }
  /* Checked once already (handle_delete_all): the same answer again. */
  carrete_request_query_flag (req, "trash", &trash);
  if (trash)
    photos_trash_folder_async (app, owner_id, folder_id, carrete_request_answer_no_content, req);
  else
    photos_service_delete_all_async (app, owner_id, folder_id, carrete_request_answer_no_content,
                                     req);
}

/* Bulk deletion: ?folder_id= as above; ?owner_id= must name the caller
 * (used for account deletion: its photos go at once, trash=true or not). */
static void
handle_delete_all (CarreteRequest *req)
{
  PhotosApp *app = app_of (req);
  const char *folder = carrete_request_get_query (req, "folder_id");
  const char *owner = carrete_request_get_query (req, "owner_id");
  const CarreteCaller *caller = carrete_request_get_caller (req);
  gint64 folder_id = 0;
  gint64 owner_id = 0;
  gboolean trash;

  if (!carrete_request_query_flag (req, "trash", &trash))
    return;
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
  if (folder != NULL)
    folders_client_get_async (app->folders, folder_id, caller->token, caller->request_id,
                              on_bulk_folder_read, req);
  else
    photos_service_delete_all_async (app, caller->id, 0, on_account_emptied, req);
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
  char *filters;     /* digest of what selects rows: a cursor is bound to it */
  char **position;   /* decoded cursor fields */
  CarreteForward link; /* a share link's headers, when the request sends them */
} ListOp;

static void
list_op_free (ListOp *op)
{
  g_clear_pointer (&op->request.query.folder_ids, g_array_unref);
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
  PhotosQuery *query = &op->request.query;
  gboolean from_ok = photos_parse_timestamp (from, &query->from);

  if (!from_ok || !photos_parse_timestamp (to, &query->to))
    {
      carrete_request_respond_field (req, 422, from_ok ? "to" : "from",
                                     "must be an RFC 3339 date-time such as 2024-05-01T00:00:00Z");
      return FALSE;
    }
  if (query->from != CARRETE_TIME_NONE && query->to != CARRETE_TIME_NONE && query->from > query->to)
    {
      carrete_request_respond_field (req, 422, "from", "must not be after to");
      return FALSE;
    }
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
  if (tags != NULL && (*tags == '\0' || g_utf8_strlen (tags, -1) > 1024))
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

/* A cursor's key: the last row's name when sorted by name, else its
 * sort_time in microseconds.  Cursors written before times were integers
 * held the time as text: like any cursor that is not one of this listing,
 * they are refused. */
static gboolean
parse_cursor_key (const char *key, PhotosQuery *query)
{
  if (query->sort == PHOTOS_SORT_NAME)
    {
      query->after_name = key;
      return TRUE;
    }
  return g_ascii_string_to_signed (key, 10, G_MININT64 + 1, G_MAXINT64, &query->after_time, NULL);
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
      || !parse_cursor_key (op->position[1], &op->request.query)
      || !g_ascii_string_to_signed (op->position[2], 10, 1, G_MAXINT64, &op->request.query.after_id,
                                    NULL))
    {
      carrete_request_respond_field (req, 422, "cursor", "is not a cursor of this listing");
      return FALSE;
    }
  return TRUE;
}

static char *
next_cursor (CarreteRequest *req, ListOp *op, const PhotosPhoto *last)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, last->id);
  g_autofree char *time = g_strdup_printf ("%" G_GINT64_FORMAT, last->sort_time);
  const char *key = op->request.query.sort == PHOTOS_SORT_NAME ? last->name : time;
  const char *fields[] = { op->filters, key, id, NULL };

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
  carrete_json_writer_begin_page (&writer);
  for (guint i = 0; i < MIN (photos->len, limit); i++)
    {
      PhotosUrls urls = { 0 };
      const PhotosPhoto *photo = g_ptr_array_index (photos, i);

      presign_urls (app, photo, FALSE, &urls);
      photos_photo_write_json (&writer, photo, &urls, app->ids);
      photos_urls_clear (&urls);
    }
  carrete_json_writer_end_page (&writer, cursor);
  respond_json_text (req, 200, text);
}

static void
on_listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ListOp) op = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) photos = photos_service_list_finish (result, &error);

  if (photos == NULL)
    /* With the Retry-After carrete-folders gave a throttled link. */
    carrete_request_respond_throttled_error (op->req, error, op->request.retry_after);
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
  if (link_of (req, &op->link))
    op->request.link = &op->link;
  if (!decode_folder (req, carrete_request_get_query (req, "folder_id"), &op->request.query.folder_id)
      || !parse_sort (req, &op->request.query) || !parse_dates (req, op)
      || !parse_text_filters (req, op) || !parse_cursor (req, op))
    return;
  /* Tags select among the caller's own folders: a link has none (without
   * a folder_id, the listing's 404 says more). */
  if (op->request.link != NULL && op->request.tags != NULL && op->request.query.folder_id != 0)
    {
      carrete_request_respond_field (req, 422, "tags", "cannot be used with a share link");
      return;
    }
  {
    ListOp *owned = g_steal_pointer (&op);
    photos_service_list_async (app_of (req), caller, &owned->request,
                               carrete_request_get_cancellable (req), on_listed, owned);
  }
}

/* ---- GET /readyz ------------------------------------------------------------------------------- */

static void
storage_ready_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  PhotosApp *app = data;
  GError *error = NULL;
  gboolean ok = carrete_storage_ensure_ready (app->storage, &error);

  carrete_op_return_ok (task, ok, error);
}

static void
on_storage_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* The reason goes to the log and to the probe, for whoever runs the
       * service (`kubectl describe pod` shows what an exec probe printed).
       * /readyz is not routed by the Ingress, and storage errors name the
       * endpoint and S3's error code, never a key. */
      g_autofree char *detail = g_strdup_printf ("The storage is not ready: %s", error->message);

      g_warning ("not ready: storage: %s", error->message);
      carrete_request_respond_status (req, 503, detail);
      return;
    }
  carrete_readiness_respond_ready (req);
}

/* Once the database is ready: the storage too (off the main loop). */
static void
check_storage (CarreteRequest *req)
{
  PhotosApp *app = app_of (req);
  /* No cancellable: the worker runs its check to the end either way. */
  g_autoptr (GTask) task = carrete_op_new (app, NULL, check_storage, NULL, on_storage_ready, req);

  carrete_workers_run_task (app->workers, task, storage_ready_in_thread);
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
  { "GET", "/v1/photos/usage", handle_usage, CARRETE_AUTH_REQUIRED },
  { "PUT", "/v1/photos/quotas/{user_id}", handle_set_quota, CARRETE_AUTH_REQUIRED },
  { "GET", "/v1/photos/uploads/{upload_id}", handle_resumable_status, CARRETE_AUTH_REQUIRED },
  { "DELETE", "/v1/photos/uploads/{upload_id}", handle_resumable_abort, CARRETE_AUTH_REQUIRED },
  { "POST", "/v1/photos/uploads/{upload_id}/parts", handle_resumable_parts, CARRETE_AUTH_REQUIRED },
  { "POST", "/v1/photos/uploads/{upload_id}/complete", handle_resumable_complete,
    CARRETE_AUTH_REQUIRED },
  { "GET", "/v1/photos/{id}", handle_get, CARRETE_AUTH_OPTIONAL },
  { "PATCH", "/v1/photos/{id}", handle_patch, CARRETE_AUTH_REQUIRED },
  { "DELETE", "/v1/photos/{id}", handle_delete, CARRETE_AUTH_REQUIRED },
  { "POST", "/v1/photos/{id}/complete", handle_complete, CARRETE_AUTH_REQUIRED },
  { "GET", "/v1/trash", photos_handle_trash_list, CARRETE_AUTH_REQUIRED },
  { "DELETE", "/v1/trash", photos_handle_trash_empty, CARRETE_AUTH_REQUIRED },
  { "POST", "/v1/trash/{id}/restore", photos_handle_trash_restore, CARRETE_AUTH_REQUIRED },
  { "DELETE", "/v1/trash/{id}", photos_handle_trash_delete, CARRETE_AUTH_REQUIRED },
  { "GET", "/v1/storage/{key*}", photos_handle_storage_get, CARRETE_AUTH_NONE },
  { "PUT", "/v1/storage/{key*}", photos_handle_storage_put, CARRETE_AUTH_NONE,
    &photos_storage_put_stream },
  { "GET", "/readyz", handle_readyz, CARRETE_AUTH_NONE },
};

/* `carrete-photos work`: its probes, nothing of the API. */
static const CarreteRoute work_routes[] = {
  { "GET", "/readyz", handle_readyz, CARRETE_AUTH_NONE },
};

const CarreteRoute *
photos_work_routes (guint *n_routes)
{
  *n_routes = G_N_ELEMENTS (work_routes);
  return work_routes;
}

const CarreteRoute *
photos_routes (guint *n_routes)
{
  *n_routes = G_N_ELEMENTS (routes);
  return routes;
}
