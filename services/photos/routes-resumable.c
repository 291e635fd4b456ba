#define G_LOG_DOMAIN "carrete-photos-routes"

/* The routes of resumable uploads (POST /v1/photos/uploads with
 * `resumable`, then /v1/photos/uploads/{upload_id}…); the rules are in
 * resumable.c. */

#include "routes-private.h"

#include <string.h>

#include "carrete-error.h"
#include "resumable.h"

/* ---- writing an upload ------------------------------------------------------------------- */

static void
member_string (CarreteJsonWriter *writer, const char *name, const char *value)
{
  carrete_json_writer_member (writer, name);
  carrete_json_writer_string (writer, value);
}

/* Expiries are told in whole seconds. */
static void
member_expiry (CarreteJsonWriter *writer, gint64 time)
{
  carrete_json_writer_member (writer, "expires_at");
  carrete_json_writer_time (writer, time, CARRETE_TIME_SECONDS);
}

static void
member_int (CarreteJsonWriter *writer, const char *name, gint64 value)
{
  carrete_json_writer_member (writer, name);
  carrete_json_writer_int (writer, value);
}

/* The members every answer about an upload starts with. */
static void
write_upload_members (CarreteJsonWriter *writer, PhotosApp *app, const PhotosUploadRow *upload)
{
  g_autofree char *id = carrete_ids_encode (app->ids, CARRETE_ID_UPLOAD, upload->id);
  g_autofree char *folder
      = upload->folder_id != 0 ? carrete_ids_encode (app->ids, CARRETE_ID_FOLDER, upload->folder_id)
                               : NULL;

  member_string (writer, "upload_id", id);
  member_string (writer, "name", upload->name);
  member_string (writer, "folder_id", folder);
  member_string (writer, "content_type", upload->content_type);
  member_int (writer, "size", upload->size);
  member_int (writer, "part_size", upload->part_size);
  member_int (writer, "part_count", upload->part_count);
}

/* "parts": the URLs of parts from..to; FALSE (answered) when one cannot
 * be signed. */
static gboolean
write_part_urls (CarreteRequest *req, CarreteJsonWriter *writer, const PhotosUploadRow *upload,
                 guint from, guint to, gint64 now)
{
  carrete_json_writer_member (writer, "parts");
  carrete_json_writer_begin_array (writer);
  for (guint n = from; n <= to; n++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *url = photos_resumable_part_url (app_of (req), upload, n, now, &error);

      if (url == NULL)
        {
          carrete_request_respond_error (req, error);
          return FALSE;
        }
      carrete_json_writer_begin_object (writer);
      member_int (writer, "number", n);
      member_string (writer, "url", url);
      carrete_json_writer_end_object (writer);
    }
  carrete_json_writer_end_array (writer);
  return TRUE;
}

/* ---- POST /v1/photos/uploads {resumable: true} -------------------------------------------- */

static void
on_created (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (PhotosUploadRow) upload = photos_resumable_create_finish (result, &error);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  GString *text;
  CarreteJsonWriter writer;

  if (upload == NULL)
    {
      carrete_request_respond_error (req, error);
      return;
    }
  text = g_string_sized_new (4096);
  carrete_json_writer_init (&writer, text);
  carrete_json_writer_begin_object (&writer);
  write_upload_members (&writer, app_of (req), upload);
  if (!write_part_urls (req, &writer, upload, 1,
                        MIN (upload->part_count, PHOTOS_RESUMABLE_URL_BATCH), now))
    {
      g_string_free (text, TRUE);
      return;
    }
  member_expiry (&writer, upload->expires_at);
  carrete_json_writer_end_object (&writer);
  respond_json_text (req, 201, text);
}

void
start_resumable_upload (CarreteRequest *req, const char *name, gint64 folder_id, PhotosType type,
                        guint64 size)
{
  photos_resumable_create_async (app_of (req), carrete_request_get_caller (req)->id, folder_id,
                                 name, type, size, carrete_request_get_cancellable (req),
                                 on_created, req);
}

/* ---- GET /v1/photos/uploads/{upload_id} --------------------------------------------------- */

static void
on_status (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) parts = NULL;
  g_autoptr (PhotosUploadRow) upload = photos_resumable_status_finish (result, &parts, &error);
  GString *text;
  CarreteJsonWriter writer;

  if (upload == NULL)
    {
      carrete_request_respond_error (req, error);
      return;
    }
  text = g_string_sized_new (1024 + parts->len * 96);
  carrete_json_writer_init (&writer, text);
  carrete_json_writer_begin_object (&writer);
  write_upload_members (&writer, app_of (req), upload);
  member_expiry (&writer, upload->expires_at);
  carrete_json_writer_member (&writer, "parts_received");
  carrete_json_writer_begin_array (&writer);
  for (guint i = 0; i < parts->len; i++)
    {
      const CarreteUploadPart *part = parts->pdata[i];

      carrete_json_writer_begin_object (&writer);
      member_int (&writer, "number", part->number);
      member_int (&writer, "size", (gint64) part->size);
      member_string (&writer, "etag", part->etag);
      carrete_json_writer_end_object (&writer);
    }
  carrete_json_writer_end_array (&writer);
  carrete_json_writer_end_object (&writer);
  respond_json_text (req, 200, text);
}

void
handle_resumable_status (CarreteRequest *req)
{
  gint64 id;

  if (!carrete_request_decode_id (req, "upload_id", CARRETE_ID_UPLOAD, &id))
    return;
  photos_resumable_status_async (app_of (req), carrete_request_get_caller (req)->id, id,
                                 carrete_request_get_cancellable (req), on_status, req);
}

/* ---- POST /v1/photos/uploads/{upload_id}/parts?from=&to= ---------------------------------- */

/* A 1-based part number in the query; FALSE (answered) otherwise. */
static gboolean
query_part_number (CarreteRequest *req, const char *name, guint *value)
{
  const char *text = carrete_request_get_query (req, name);
  guint64 number = 0;

  if (text != NULL && *text != '\0' && strspn (text, "0123456789") == strlen (text)
      && g_ascii_string_to_unsigned (text, 10, 1, CARRETE_STORAGE_MAX_PARTS, &number, NULL))
    {
      *value = (guint) number;
      return TRUE;
    }
  carrete_request_respond_field (req, 400, name, "must be a part number (1 or more)");
  return FALSE;
}

typedef struct
{
  CarreteRequest *req;
  guint from;
  guint to;
} PartsOp;

static void
on_parts_upload_found (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree PartsOp *op = user_data;
  CarreteRequest *req = op->req;
  g_autoptr (GError) error = NULL;
  g_autoptr (PhotosUploadRow) upload = photos_resumable_find_finish (result, &error);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 expires = (now + app_of (req)->url_ttl) * G_USEC_PER_SEC;
  GString *text;
  CarreteJsonWriter writer;

  if (upload == NULL)
    {
      carrete_request_respond_error (req, error);
      return;
    }
  if (op->to > upload->part_count)
    {
      g_autofree char *detail
          = g_strdup_printf ("must be at most %u, the part count", upload->part_count);
      carrete_request_respond_field (req, 400, "to", detail);
      return;
    }
  text = g_string_sized_new (1024);
  carrete_json_writer_init (&writer, text);
  carrete_json_writer_begin_object (&writer);
  if (!write_part_urls (req, &writer, upload, op->from, op->to, now))
    {
      g_string_free (text, TRUE);
      return;
    }
  member_expiry (&writer, expires);
  carrete_json_writer_end_object (&writer);
  respond_json_text (req, 200, text);
}

void
handle_resumable_parts (CarreteRequest *req)
{
  PartsOp *op;
  gint64 id;
  guint from = 0, to = 0;

  if (!carrete_request_decode_id (req, "upload_id", CARRETE_ID_UPLOAD, &id)
      || !query_part_number (req, "from", &from) || !query_part_number (req, "to", &to))
    return;
  if (from > to)
    {
      carrete_request_respond_field (req, 400, "to", "must not be below from");
      return;
    }
  if (to - from >= PHOTOS_RESUMABLE_URL_BATCH)
    {
      carrete_request_respond_field (req, 400, "to",
                                     "at most 100 parts at a time (to - from < 100)");
      return;
    }
  op = g_new0 (PartsOp, 1);
  op->req = req;
  op->from = from;
  op->to = to;
  photos_resumable_find_async (app_of (req), carrete_request_get_caller (req)->id, id,
                               carrete_request_get_cancellable (req), on_parts_upload_found, op);
}

/* ---- POST /v1/photos/uploads/{upload_id}/complete ----------------------------------------- */

/* S3 and fs etags are quoted; a client that dropped the quotes means the
 * same part. */
static char *
quoted_etag (const char *etag)
{
  gsize len = strlen (etag);

  if (len >= 2 && etag[0] == '"' && etag[len - 1] == '"')
    return g_strdup (etag);
  return g_strdup_printf ("\"%s\"", etag);
}

static gboolean
read_listed_part (JsonNode *node, guint index, GArray *listed, char **problem)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonNode *number = object != NULL ? json_object_get_member (object, "number") : NULL;
  JsonNode *etag = object != NULL ? json_object_get_member (object, "etag") : NULL;
  PhotosListedPart part = { 0 };
  gint64 value;

  if (object == NULL || json_object_get_size (object) != 2 || number == NULL || etag == NULL
      || !carrete_json_node_is_integer (number) || !JSON_NODE_HOLDS_VALUE (etag)
      || json_node_get_value_type (etag) != G_TYPE_STRING || *json_node_get_string (etag) == '\0'
      || g_utf8_strlen (json_node_get_string (etag), -1) > 200)
    {
      *problem
          = g_strdup_printf ("parts[%u] must be {\"number\": <integer>, \"etag\": \"…\"}", index);
      return FALSE;
    }
  value = json_node_get_int (number);
  part.number = value >= 1 && value <= CARRETE_STORAGE_MAX_PARTS ? (guint) value : 0;
  if (part.number == 0)
    {
      *problem
          = g_strdup_printf ("parts[%u].number must be 1 to %u", index, CARRETE_STORAGE_MAX_PARTS);
      return FALSE;
    }
  part.etag = quoted_etag (json_node_get_string (etag));
  g_array_append_val (listed, part);
  return TRUE;
}

/* {"parts": [{"number", "etag"}, …]} → PhotosListedPart; NULL (answered
 * 400) otherwise. */
static GArray *
read_listed_parts (CarreteRequest *req)
{
  GBytes *body = carrete_request_get_body (req);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GArray) listed = g_array_new (FALSE, TRUE, sizeof (PhotosListedPart));
  g_autofree char *problem = NULL;
  JsonObject *root = NULL;
  JsonArray *parts = NULL;
  gsize len = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &len) : NULL;

  g_array_set_clear_func (listed, (GDestroyNotify) photos_listed_part_clear);
  if (data == NULL || !json_parser_load_from_data (parser, data, (gssize) len, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      carrete_request_respond_status (req, 400, "The body must be a JSON object.");
      return NULL;
    }
  root = json_node_get_object (json_parser_get_root (parser));
  if (json_object_get_size (root) == 1 && json_object_has_member (root, "parts")
      && JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "parts")))
    parts = json_object_get_array_member (root, "parts");
  if (parts == NULL || json_array_get_length (parts) == 0
      || json_array_get_length (parts) > CARRETE_STORAGE_MAX_PARTS)
    {
      carrete_request_respond_field (req, 400, "parts",
                                     "must be the only member: an array of 1 to 10000 parts");
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (parts); i++)
    if (!read_listed_part (json_array_get_element (parts, i), i, listed, &problem))
      {
        carrete_request_respond_field (req, 400, "parts", problem);
        return NULL;
      }
  return g_steal_pointer (&listed);
}

static void
on_resumable_completed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (PhotosPhoto) duplicate = NULL;
  guint bad_part = 0;
  g_autoptr (PhotosPhoto) photo
      = photos_resumable_complete_finish (result, &duplicate, &bad_part, &error);
  g_autoptr (CarreteProblem) problem = NULL;
  g_autofree char *number = NULL;

  if (photo != NULL)
    {
      respond_photo (req, 201, photo);
      return;
    }
  if (!g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_INVALID))
    {
      respond_failure (req, error, duplicate);
      return;
    }
  /* Parts that do not fit: 400 naming the part, the upload still open. */
  problem = carrete_problem_new (400, error->message);
  carrete_problem_add_field_error (problem, "parts", error->message);
  if (bad_part != 0)
    {
      number = g_strdup_printf ("%u", bad_part);
      carrete_problem_set_member (problem, "part", number);
    }
  carrete_request_respond_problem (req, g_steal_pointer (&problem));
}

void
handle_resumable_complete (CarreteRequest *req)
{
  GArray *listed;
  gint64 id;

  if (!carrete_request_decode_id (req, "upload_id", CARRETE_ID_UPLOAD, &id))
    return;
  listed = read_listed_parts (req);
  if (listed == NULL)
    return;
  photos_resumable_complete_async (app_of (req), carrete_request_get_caller (req), id, listed,
                                   carrete_request_get_cancellable (req), on_resumable_completed,
                                   req);
}

/* ---- DELETE /v1/photos/uploads/{upload_id} ------------------------------------------------ */

void
handle_resumable_abort (CarreteRequest *req)
{
  gint64 id;

  if (!carrete_request_decode_id (req, "upload_id", CARRETE_ID_UPLOAD, &id))
    return;
  photos_resumable_abort_async (app_of (req), carrete_request_get_caller (req)->id, id,
                                carrete_request_answer_no_content, req);
}
