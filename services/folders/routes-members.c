#define G_LOG_DOMAIN "carrete-folders-routes-members"

#include "routes-members.h"

#include "app.h"
#include "carrete-error.h"
#include "members.h"

static FoldersService *
service_of (CarreteRequest *req)
{
  return &((FoldersApp *) carrete_request_get_app (req))->service;
}

/* The folder and the account of the path; FALSE when one is answered as
 * missing (a malformed, forged or wrong-type id). */
static gboolean
read_ids (CarreteRequest *req, gint64 *folder_id, gint64 *user_id)
{
  return carrete_request_decode_id (req, "id", CARRETE_ID_FOLDER, folder_id)
         && (user_id == NULL
             || carrete_request_decode_id (req, "user_id", CARRETE_ID_USER, user_id));
}

/* ---- PUT ------------------------------------------------------------------ */

static void
member_put (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (FoldersMember) member = folders_members_put_finish (result, &error);
  GString *text;
  CarreteJsonWriter writer;

  if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_INVALID))
    {
      carrete_request_respond_error_on_field (req, error, "user_id");
      return;
    }
  if (member == NULL)
    {
      carrete_request_respond_error (req, error);
      return;
    }
  text = g_string_sized_new (256);
  carrete_json_writer_init (&writer, text);
  folders_member_write_json (&writer, member, service_of (req)->ids);
  carrete_request_respond_json_text (req, member->created ? 201 : 200, text);
}

void
folders_handle_members_put (CarreteRequest *req)
{
  static const CarreteFieldSpec specs[] = {
    { "role", CARRETE_FIELD_STRING, TRUE, 0, 0 },
  };
  g_autoptr (JsonObject) body = NULL;
  const char *role;
  gint64 folder_id, user_id;

  if (!read_ids (req, &folder_id, &user_id)
      || (body = carrete_request_parse_body (req, specs, G_N_ELEMENTS (specs))) == NULL)
    return;
  role = carrete_json_body_get_string (body, "role");
  if (!g_str_equal (role, "viewer") && !g_str_equal (role, "contributor"))
    {
      CarreteProblem *problem = carrete_problem_new (422, "role must be viewer or contributor.");
      carrete_problem_add_field_error (problem, "role", "must be viewer or contributor");
      carrete_request_respond_problem (req, problem);
      return;
    }
  folders_members_put_async (service_of (req), carrete_request_get_caller (req), folder_id, user_id,
                             role, carrete_request_get_cancellable (req), member_put, req);
}

/* ---- GET ------------------------------------------------------------------------ */

static void
members_listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *next_cursor = NULL;
  g_autoptr (GPtrArray) members = folders_members_list_finish (result, &next_cursor, &error);
  GString *text;
  CarreteJsonWriter writer;

  if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_INVALID))
    {
      carrete_request_respond_error_on_field (req, error, "cursor");
      return;
    }
  if (members == NULL)
    {
      carrete_request_respond_error (req, error);
      return;
    }
  text = g_string_sized_new (160 * (members->len + 1));
  carrete_json_writer_init (&writer, text);
  folders_member_page_write_json (&writer, members, next_cursor, service_of (req)->ids);
  carrete_request_respond_json_text (req, 200, text);
}

void
folders_handle_members_list (CarreteRequest *req)
{
  gint64 folder_id;
  guint limit;

  if (read_ids (req, &folder_id, NULL) && carrete_request_read_limit (req, &limit))
    folders_members_list_async (service_of (req), carrete_request_get_caller (req), folder_id,
                                carrete_request_get_query (req, "cursor"), limit,
                                carrete_request_get_cancellable (req), members_listed, req);
}

/* ---- DELETE -------------------------------------------------------------------------- */

void
folders_handle_members_delete (CarreteRequest *req)
{
  gint64 folder_id, user_id;

  if (read_ids (req, &folder_id, &user_id))
    folders_members_delete_async (service_of (req), carrete_request_get_caller (req), folder_id,
                                  user_id, carrete_request_get_cancellable (req),
                                  carrete_request_answer_no_content, req);
}
