#define G_LOG_DOMAIN "carrete-folders-routes-shares"

#include "routes-shares.h"

#include "app.h"
#include "routes.h"
#include "carrete-error.h"
#include "shares.h"
#include "validate.h"

static FoldersService *
service_of (CarreteRequest *req)
{
  return &((FoldersApp *)carrete_request_get_app (req))->service;
}

static void
respond_share (CarreteRequest *req, guint status, const FoldersShare *share)
{
  GString *text = g_string_sized_new (512);
  CarreteJsonWriter writer;

  carrete_json_writer_init (&writer, text);
  folders_share_write_json (&writer, share, service_of (req)->ids);
  carrete_request_respond_json_text (req, status, text);
}

/* The link's fields in a body (present members only); FALSE when `problem`
 * got an error.  The strings are the caller's to free (`label`,
 * `expires_at` in `owned`). */
typedef struct
{
  char *label;
  char *expires_at;
} OwnedFields;

static void
owned_fields_clear (OwnedFields *owned)
{
  g_free (owned->label);
  g_free (owned->expires_at);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (OwnedFields, owned_fields_clear)

static gboolean
has_value (JsonObject *body, const char *name)
{
  return json_object_has_member (body, name) && !json_object_get_null_member (body, name);
}

static gboolean
read_fields (JsonObject *body, FoldersShareFields *fields, OwnedFields *owned,
             const char **password, CarreteProblem *problem)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  fields->set_label = json_object_has_member (body, "label");
  if (has_value (body, "label"))
    owned->label = folders_validate_label (carrete_json_body_get_string (body, "label"), problem);
  fields->label = owned->label;
  fields->set_expires = json_object_has_member (body, "expires_at");
  if (has_value (body, "expires_at"))
    owned->expires_at
        = folders_validate_expiry (carrete_json_body_get_string (body, "expires_at"), now, problem);
  fields->expires_at = owned->expires_at;
  fields->set_download = json_object_has_member (body, "allow_download");
  if (fields->set_download)
    fields->allow_download = json_object_get_boolean_member (body, "allow_download");
  fields->set_password = json_object_has_member (body, "password");
  *password = has_value (body, "password") ? carrete_json_body_get_string (body, "password") : NULL;
  if (*password != NULL)
    folders_validate_link_password (*password, problem);
  return carrete_problem_get_n_errors (problem) == 0;
}

/* folder_id or photo_id (exactly one, in the body or the query) decoded;
 * FALSE once answered. */
static gboolean
read_target (CarreteRequest *req, const char *folder, const char *photo, gint64 *folder_id,
             gint64 *photo_id)
{
  const CarreteIds *ids = service_of (req)->ids;

  *folder_id = *photo_id = 0;
  if ((folder == NULL) == (photo == NULL))
    {
      carrete_request_respond_field (req, 422, "folder_id",
                                     "give exactly one of folder_id and photo_id");
      return FALSE;
    }
  if (folder != NULL && !carrete_ids_decode (ids, CARRETE_ID_FOLDER, folder, folder_id))
    {
      carrete_request_respond_status (req, 404, "No such folder.");
      return FALSE;
    }
  if (photo != NULL && !carrete_ids_decode (ids, CARRETE_ID_PHOTO, photo, photo_id))
    {
      carrete_request_respond_status (req, 404, "No such photo.");
      return FALSE;
    }
  return TRUE;
}

static const CarreteFieldSpec share_specs[] = {
  { "folder_id", CARRETE_FIELD_STRING, FALSE, 0, 0 },
  { "photo_id", CARRETE_FIELD_STRING, FALSE, 0, 0 },
  { "allow_download", CARRETE_FIELD_BOOL, FALSE, 0, 0 },
  { "label", CARRETE_FIELD_NULLABLE_STRING, FALSE, 0, 0 },
  { "expires_at", CARRETE_FIELD_NULLABLE_STRING, FALSE, 0, 0 },
  { "password", CARRETE_FIELD_NULLABLE_STRING, FALSE, 0, 0 },
};

/* ---- POST ------------------------------------------------------------------ */

static void
created (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (FoldersShare) share = folders_shares_create_finish (result, &error);

  if (share == NULL)
    {
      carrete_request_respond_error (req, error);
      return;
    }
  {
    g_autofree char *id = carrete_ids_encode (service_of (req)->ids, CARRETE_ID_SHARE, share->id);
    g_autofree char *location = g_strconcat ("/v1/shares/", id, NULL);
    carrete_request_set_header (req, "Location", location);
  }
  respond_share (req, 201, share);
}

void
folders_handle_shares_create (CarreteRequest *req)
{
  g_autoptr (JsonObject) body = NULL;
  g_autoptr (CarreteProblem) problem = carrete_problem_new (422, "Some fields are invalid.");
  g_auto (OwnedFields) owned = { 0 };
  FoldersShareFields fields = { 0 };
  const char *password;
  gint64 folder_id, photo_id;

  if ((body = carrete_request_parse_body (req, share_specs, G_N_ELEMENTS (share_specs))) == NULL)
    return;
  if (!json_object_has_member (body, "allow_download"))
    carrete_problem_add_field_error (problem, "allow_download", "is required");
  if (!read_fields (body, &fields, &owned, &password, problem))
    {
      carrete_request_respond_problem (req, g_steal_pointer (&problem));
      return;
    }
  if (!read_target (req, carrete_json_body_get_string (body, "folder_id"),
                    carrete_json_body_get_string (body, "photo_id"), &folder_id, &photo_id))
    return;
  folders_shares_create_async (service_of (req), carrete_request_get_caller (req), folder_id,
                               photo_id, &fields, password, carrete_request_get_cancellable (req),
                               created, req);
}

/* ---- GET (list) --------------------------------------------------------------- */

static void
listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *next_cursor = NULL;
  g_autoptr (GPtrArray) shares = folders_shares_list_finish (result, &next_cursor, &error);
  GString *text;
  CarreteJsonWriter writer;

  if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_INVALID))
    {
      carrete_request_respond_error_on_field (req, error, "cursor");
      return;
    }
  if (shares == NULL)
    {
      carrete_request_respond_error (req, error);
      return;
    }
  text = g_string_sized_new (320 * (shares->len + 1));
  carrete_json_writer_init (&writer, text);
  folders_share_page_write_json (&writer, shares, next_cursor, service_of (req)->ids);
  carrete_request_respond_json_text (req, 200, text);
}

void
folders_handle_shares_list (CarreteRequest *req)
{
  gint64 folder_id, photo_id;
  guint limit;

  if (read_target (req, carrete_request_get_query (req, "folder_id"),
                   carrete_request_get_query (req, "photo_id"), &folder_id, &photo_id)
      && carrete_request_read_limit (req, &limit))
    folders_shares_list_async (service_of (req), carrete_request_get_caller (req), folder_id,
                               photo_id, carrete_request_get_query (req, "cursor"), limit,
                               carrete_request_get_cancellable (req), listed, req);
}

/* ---- PATCH and DELETE ------------------------------------------------------------ */

static void
updated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (FoldersShare) share = folders_shares_update_finish (result, &error);

  if (share == NULL)
    carrete_request_respond_error (req, error);
  else
    respond_share (req, 200, share);
}

void
folders_handle_shares_patch (CarreteRequest *req)
{
  g_autoptr (JsonObject) body = NULL;
  g_autoptr (CarreteProblem) problem = NULL;
  g_auto (OwnedFields) owned = { 0 };
  FoldersShareFields fields = { 0 };
  const char *password;
  gint64 id;

  if (!carrete_request_decode_id (req, "id", CARRETE_ID_SHARE, &id)
      || (body = carrete_request_parse_body (req, share_specs + 2, G_N_ELEMENTS (share_specs) - 2))
             == NULL)
    return;
  if (json_object_get_size (body) == 0)
    {
      carrete_request_respond_status (
          req, 422, "Give at least one of allow_download, label, expires_at and password.");
      return;
    }
  problem = carrete_problem_new (422, "Some fields are invalid.");
  if (!read_fields (body, &fields, &owned, &password, problem))
    {
      carrete_request_respond_problem (req, g_steal_pointer (&problem));
      return;
    }
  folders_shares_update_async (service_of (req), carrete_request_get_caller (req), id, &fields,
                               password, carrete_request_get_cancellable (req), updated, req);
}

void
folders_handle_shares_delete (CarreteRequest *req)
{
  gint64 id;

  if (carrete_request_decode_id (req, "id", CARRETE_ID_SHARE, &id))
    folders_shares_delete_async (service_of (req), carrete_request_get_caller (req), id,
                                 carrete_request_get_cancellable (req),
                                 carrete_request_answer_no_content, req);
}

/* ---- GET /v1/shares/current (the link holder) --------------------------------------- */

static void
resolved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;
  guint retry_after = 0;
  g_autoptr (FoldersShare) share = folders_shares_resolve_finish (result, &retry_after, &error);
  GString *text;
  CarreteJsonWriter writer;

  if (share == NULL)
    {
      carrete_request_respond_throttled_error (req, error, retry_after);
      return;
    }
  text = g_string_sized_new (256);
  carrete_json_writer_init (&writer, text);
  folders_share_write_access_json (&writer, share, service_of (req)->ids);
  carrete_request_respond_json_text (req, 200, text);
}

void
folders_handle_shares_current (CarreteRequest *req)
{
  const char *token = carrete_request_get_header (req, CARRETE_SHARE_HEADER);

  if (token == NULL)
    {
      carrete_request_respond_status (req, 400, "Send the link's token in X-Carrete-Share.");
      return;
    }
  folders_shares_resolve_async (service_of (req), token,
                                carrete_request_get_header (req, CARRETE_SHARE_PASSWORD_HEADER),
                                carrete_request_get_client_address (req),
                                carrete_request_get_cancellable (req), resolved, req);
}

/* ---- GET /v1/folders/{id} for a link holder ------------------------------------------- */

static void
folder_by_link (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;
  guint retry_after = 0;
  g_autoptr (FoldersFolder) folder
      = folders_shares_get_folder_finish (result, &retry_after, &error);

  if (folder == NULL)
    carrete_request_respond_throttled_error (req, error, retry_after);
  else
    folders_respond_folder (req, 200, folder);
}

void
folders_handle_folder_by_link (CarreteRequest *req, gint64 folder_id)
{
  folders_shares_get_folder_async (service_of (req),
                                   carrete_request_get_header (req, CARRETE_SHARE_HEADER),
                                   carrete_request_get_header (req, CARRETE_SHARE_PASSWORD_HEADER),
                                   carrete_request_get_client_address (req), folder_id,
                                   carrete_request_get_cancellable (req), folder_by_link, req);
}
