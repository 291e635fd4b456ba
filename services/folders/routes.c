#define G_LOG_DOMAIN "carrete-folders-routes"

#include "routes.h"

#include "app.h"
#include "carrete-error.h"
#include "carrete-readiness.h"
#include "routes-members.h"
#include "routes-shares.h"
#include "trash.h"
#include "validate.h"

#define DEFAULT_PAGE 50
#define MAX_PAGE 200
/* Raw items accepted in a body's tags before normalising (duplicates may
 * fold them to 20 or fewer); bounds the work per request. */
#define MAX_RAW_TAGS 100

static FoldersApp *
app_of (CarreteRequest *req)
{
  return carrete_request_get_app (req);
}

static FoldersService *
service_of (CarreteRequest *req)
{
  return &app_of (req)->service;
}

void
folders_respond_folder (CarreteRequest *req, guint status, const FoldersFolder *folder)
{
  GString *text = g_string_sized_new (256);
  CarreteJsonWriter writer;

  carrete_json_writer_init (&writer, text);
  folders_folder_write_json (&writer, folder, service_of (req)->ids);
  carrete_request_respond_json_text (req, status, text);
}

/* Answers a write: the folder, or the error (a name conflict names it). */
static void
respond_written (CarreteRequest *req, guint status, FoldersFolder *folder, const GError *error)
{
  if (folder != NULL)
    folders_respond_folder (req, status, folder);
  else if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_CONFLICT))
    carrete_request_respond_error_on_field (req, error, "name");
  else
    carrete_request_respond_error (req, error);
}

static const CarreteFieldSpec folder_specs[] = {
  { "name", CARRETE_FIELD_STRING, FALSE, 0, 0 },
  { "visibility", CARRETE_FIELD_STRING, FALSE, 0, 0 },
  { "tags", CARRETE_FIELD_STRING_ARRAY, FALSE, 0, MAX_RAW_TAGS },
};

/* The body's tags as a string vector (NULL when absent). */
static char **
body_tags (JsonObject *body, CarreteProblem *problem)
{
  JsonArray *array;
  g_autoptr (GPtrArray) items = g_ptr_array_new ();

  if (!json_object_has_member (body, "tags"))
    return NULL;
  array = json_object_get_array_member (body, "tags");
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_ptr_array_add (items, (gpointer) json_array_get_string_element (array, i));
  return folders_normalise_tags ("tags", (const char *const *) items->pdata, items->len, problem);
}

/* Validates and normalises the members present in `body` into `changes`;
 * FALSE when `problem` got an error. */
static gboolean
read_changes (JsonObject *body, FoldersChanges *changes, CarreteProblem *problem)
{
  if (carrete_json_body_get_string (body, "name") != NULL)
    changes->name = folders_validate_name (carrete_json_body_get_string (body, "name"), problem);
  if (carrete_json_body_get_string (body, "visibility") != NULL
      && folders_validate_visibility (carrete_json_body_get_string (body, "visibility"), problem))
    changes->visibility = g_strdup (carrete_json_body_get_string (body, "visibility"));
  changes->tags = body_tags (body, problem);
  return carrete_problem_get_n_errors (problem) == 0;
}

/* ---- create ----------------------------------------------------------------- */

static void
created (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (FoldersFolder) folder = folders_service_create_finish (result, &error);

  if (folder != NULL)
    {
      g_autofree char *id = carrete_ids_encode (service_of (req)->ids, CARRETE_ID_FOLDER,
                                                folder->id);
      g_autofree char *location = g_strdup_printf ("/v1/folders/%s", id);
      carrete_request_set_header (req, "Location", location);
    }
  respond_written (req, 201, folder, error);
}

static void
handle_create (CarreteRequest *req)
{
  g_autoptr (JsonObject) body = NULL;
  g_autoptr (CarreteProblem) problem = carrete_problem_new (422, "Some fields are invalid.");
  g_auto (FoldersChanges) fields = { 0 };
  gint64 owner = carrete_request_get_caller (req)->id;

  if ((body = carrete_request_parse_body (req, folder_specs, G_N_ELEMENTS (folder_specs))) == NULL)
    return;
  if (!json_object_has_member (body, "name"))
    carrete_problem_add_field_error (problem, "name", "is required");
  if (!read_changes (body, &fields, problem))
    {
      carrete_request_respond_problem (req, g_steal_pointer (&problem));
      return;
    }
  if (fields.tags == NULL)
    fields.tags = g_new0 (char *, 1);
  folders_service_create_async (
      service_of (req), owner, fields.name,
      fields.visibility != NULL ? fields.visibility : "private", (const char *const *) fields.tags,
      carrete_request_get_request_id (req), carrete_request_get_cancellable (req), created, req);
}

/* ---- one folder ----------------------------------------------------------------- */

static void
got (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (FoldersFolder) folder = folders_service_get_finish (result, &error);

  if (folder == NULL)
    carrete_request_respond_error (req, error);
  else
    folders_respond_folder (req, 200, folder);
}

static void
handle_get (CarreteRequest *req)
{
  gint64 id;

  if (!carrete_request_decode_id (req, "id", CARRETE_ID_FOLDER, &id))
    return;
  if (carrete_request_get_header (req, CARRETE_SHARE_HEADER) != NULL)
    folders_handle_folder_by_link (req, id);
  else
    folders_service_get_async (service_of (req), carrete_request_get_caller (req)->id, id,
                               carrete_request_get_cancellable (req), got, req);
}

static void
updated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (FoldersFolder) folder = folders_service_update_finish (result, &error);

  respond_written (req, 200, folder, error);
}

static void
handle_patch (CarreteRequest *req)
{
  g_autoptr (JsonObject) body = NULL;
  g_autoptr (CarreteProblem) problem = NULL;
  g_auto (FoldersChanges) changes = { 0 };
  gint64 caller = carrete_request_get_caller (req)->id, id;

  if (!carrete_request_decode_id (req, "id", CARRETE_ID_FOLDER, &id)
      || (body = carrete_request_parse_body (req, folder_specs, G_N_ELEMENTS (folder_specs)))
             == NULL)
    return;
  if (json_object_get_size (body) == 0)
    {
      carrete_request_respond_status (req, 422, "Give at least one of name, visibility and tags.");
      return;
    }
  problem = carrete_problem_new (422, "Some fields are invalid.");
  if (!read_changes (body, &changes, problem))
    {
      carrete_request_respond_problem (req, g_steal_pointer (&problem));
      return;
    }
  folders_service_update_async (service_of (req), caller, id, &changes,
                                carrete_request_get_cancellable (req), updated, req);
}

static void
handle_delete (CarreteRequest *req)
{
  gboolean recursive;
  gboolean permanent;
  gint64 id;

  if (!carrete_request_decode_id (req, "id", CARRETE_ID_FOLDER, &id)
      || !carrete_request_query_flag (req, "recursive", &recursive)
      || !carrete_request_query_flag (req, "permanent", &permanent))
    return;
  folders_service_delete_async (service_of (req), carrete_request_get_caller (req), id, recursive,
                                permanent, carrete_request_answer_no_content, req);
}

/* ---- every folder of an owner (account deletion) ---------------------------------- */

static void
handle_delete_owner (CarreteRequest *req)
{
  const char *owner = carrete_request_get_query (req, "owner_id");
  gint64 caller = carrete_request_get_caller (req)->id;

  if (owner == NULL)
    {
      CarreteProblem *problem = carrete_problem_new (422, "Name the owner whose folders go.");
      carrete_problem_add_field_error (problem, "owner_id", "is required");
      carrete_request_respond_problem (req, problem);
      return;
    }
  /* Ids are canonical: the token's own id is the only accepted spelling. */
  if (!g_str_equal (owner, carrete_request_get_claims (req)->sub))
    {
      carrete_request_respond_status (req, 403, "Only the owner may delete all their folders.");
      return;
    }
  folders_service_delete_owner_async (service_of (req), caller, carrete_request_answer_no_content,
                                      req);
}

/* ---- search ---------------------------------------------------------------------- */

static void
searched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *next_cursor = NULL;
  g_autoptr (GPtrArray) folders = folders_service_search_finish (result, &next_cursor, &error);
  GString *text;
  CarreteJsonWriter writer;

  if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_INVALID))
    {
      carrete_request_respond_error_on_field (req, error, "cursor");
      return;
    }
  if (folders == NULL)
    {
      carrete_request_respond_error (req, error);
      return;
    }
  text = g_string_sized_new (256 * (folders->len + 1));
  carrete_json_writer_init (&writer, text);
  folders_folder_page_write_json (&writer, folders, next_cursor, service_of (req)->ids);
  carrete_request_respond_json_text (req, 200, text);
}

static void
read_limit (CarreteRequest *req, FoldersSearch *search, CarreteProblem *problem)
{
  const char *text = carrete_request_get_query (req, "limit");
  guint64 value = DEFAULT_PAGE;

  if (text != NULL && !g_ascii_string_to_unsigned (text, 10, 1, MAX_PAGE, &value, NULL))
    carrete_problem_add_field_error (problem, "limit", "must be a whole number from 1 to 200");
  search->limit = (guint) value;
}

/* Absent scope: the caller's own folders, or the public ones for an
 * anonymous caller.  An anonymous caller asking for "mine" or "shared"
 * gets 401 (neither exists without a token); "all" means everything they
 * may see: their own, those shared with them and the public ones. */
static gboolean
read_scope (CarreteRequest *req, gint64 caller, FoldersSearch *search, CarreteProblem *problem)
{
  const char *scope = carrete_request_get_query (req, "scope");

  if (scope == NULL)
    scope = caller != 0 ? "mine" : "public";
  if (caller == 0 && (g_str_equal (scope, "mine") || g_str_equal (scope, "shared")))
    {
      g_autofree char *detail = g_strdup_printf ("scope=%s needs a bearer token.", scope);
      carrete_request_respond_status (req, 401, detail);
      return FALSE;
    }
  search->caller_id = caller;
  if (caller == 0 && g_str_equal (scope, "all"))
    scope = "public";
  if (g_str_equal (scope, "mine"))
    search->owner_id = caller;
  else if (g_str_equal (scope, "public"))
    search->public_ones = TRUE;
  else if (g_str_equal (scope, "shared"))
    search->shared_ones = TRUE;
  else if (g_str_equal (scope, "all"))
    {
      search->owner_id = caller;
      search->public_ones = TRUE;
      search->shared_ones = caller != 0;
    }
  else
    carrete_problem_add_field_error (problem, "scope", "must be mine, public, shared or all");
  search->scope = g_strdup (scope);
  return TRUE;
}

static void
read_filters (CarreteRequest *req, FoldersSearch *search, CarreteProblem *problem)
{
  const char *q = carrete_request_get_query (req, "q");
  const char *tags = carrete_request_get_query (req, "tags");
  const char *match = carrete_request_get_query (req, "match");

  if (q != NULL && *q != '\0')
    {
      if (g_utf8_strlen (q, -1) > FOLDERS_NAME_MAX)
        carrete_problem_add_field_error (problem, "q", "must be at most 128 characters long");
      else
        search->q = g_strdup (q);
    }
  if (tags != NULL)
    search->tags = folders_parse_tag_list (tags, problem);
  if (match == NULL || g_str_equal (match, "all"))
    search->match = FOLDERS_MATCH_ALL;
  else if (g_str_equal (match, "any"))
    search->match = FOLDERS_MATCH_ANY;
  else
    carrete_problem_add_field_error (problem, "match", "must be all or any");
}

static char *
format_utc (GDateTime *time)
{
  g_autoptr (GDateTime) utc = g_date_time_to_utc (time);

  return g_date_time_format_iso8601 (utc);
}

static void
read_dates (CarreteRequest *req, FoldersSearch *search, CarreteProblem *problem)
{
  const char *from_text = carrete_request_get_query (req, "from");
  const char *to_text = carrete_request_get_query (req, "to");
  g_autoptr (GDateTime) from = from_text != NULL ? folders_parse_time ("from", from_text, problem)
                                                 : NULL;
  g_autoptr (GDateTime) to = to_text != NULL ? folders_parse_time ("to", to_text, problem) : NULL;

  if (from != NULL && to != NULL && g_date_time_compare (from, to) > 0)
    carrete_problem_add_field_error (problem, "from", "must not be after to");
  /* In UTC: RFC 3339 allows offsets up to ±23:59, PostgreSQL only ±15:59. */
  if (from != NULL)
    search->from = format_utc (from);
  if (to != NULL)
    search->to = format_utc (to);
}

static void
handle_search (CarreteRequest *req)
{
  g_auto (FoldersSearch) search = { 0 };
  g_autoptr (CarreteProblem) problem = carrete_problem_new (422, "Some search parameters are invalid.");
  gint64 caller = carrete_request_get_caller (req)->id;

  if (!read_scope (req, caller, &search, problem))
    return;
  read_limit (req, &search, problem);
  read_filters (req, &search, problem);
  read_dates (req, &search, problem);
  if (carrete_problem_get_n_errors (problem) > 0)
    {
      carrete_request_respond_problem (req, g_steal_pointer (&problem));
      return;
    }
  search.cursor = g_strdup (carrete_request_get_query (req, "cursor"));
  folders_service_search_async (service_of (req), &search, carrete_request_get_cancellable (req),
                                searched, req);
}

/* ---- readiness ---------------------------------------------------------------------- */

static void
handle_readyz (CarreteRequest *req)
{
  FoldersApp *app = app_of (req);

  carrete_readiness_check (req, app->db, app->schema_version, NULL);
}

static const CarreteRoute routes[] = {
  { "POST", "/v1/folders", handle_create, CARRETE_AUTH_REQUIRED },
  { "GET", "/v1/folders", handle_search, CARRETE_AUTH_OPTIONAL },
  { "DELETE", "/v1/folders", handle_delete_owner, CARRETE_AUTH_REQUIRED },
  { "GET", "/v1/folders/trash", folders_handle_trash_list, CARRETE_AUTH_REQUIRED },
  { "DELETE", "/v1/folders/trash", folders_handle_trash_empty, CARRETE_AUTH_REQUIRED },
  { "GET", "/v1/folders/trash/{id}", folders_handle_trash_get, CARRETE_AUTH_REQUIRED },
  { "DELETE", "/v1/folders/trash/{id}", folders_handle_trash_delete, CARRETE_AUTH_REQUIRED },
  { "POST", "/v1/folders/trash/{id}/restore", folders_handle_trash_restore, CARRETE_AUTH_REQUIRED },
  { "GET", "/v1/folders/{id}", handle_get, CARRETE_AUTH_OPTIONAL },
  { "PATCH", "/v1/folders/{id}", handle_patch, CARRETE_AUTH_REQUIRED },
  { "DELETE", "/v1/folders/{id}", handle_delete, CARRETE_AUTH_REQUIRED },
  { "GET", "/v1/folders/{id}/members", folders_handle_members_list, CARRETE_AUTH_REQUIRED },
  { "PUT", "/v1/folders/{id}/members/{user_id}", folders_handle_members_put,
    CARRETE_AUTH_REQUIRED },
  { "DELETE", "/v1/folders/{id}/members/{user_id}", folders_handle_members_delete,
    CARRETE_AUTH_REQUIRED },
  { "POST", "/v1/shares", folders_handle_shares_create, CARRETE_AUTH_REQUIRED },
  { "GET", "/v1/shares", folders_handle_shares_list, CARRETE_AUTH_REQUIRED },
  { "GET", "/v1/shares/current", folders_handle_shares_current, CARRETE_AUTH_OPTIONAL },
  { "PATCH", "/v1/shares/{id}", folders_handle_shares_patch, CARRETE_AUTH_REQUIRED },
  { "DELETE", "/v1/shares/{id}", folders_handle_shares_delete, CARRETE_AUTH_REQUIRED },
  { "GET", "/readyz", handle_readyz, CARRETE_AUTH_NONE },
};

const CarreteRoute *
folders_routes (guint *n_routes)
{
  *n_routes = G_N_ELEMENTS (routes);
  return routes;
}
