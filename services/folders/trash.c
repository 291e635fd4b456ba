#define G_LOG_DOMAIN "carrete-folders-trash"

#include "trash.h"

#include "app.h"
#include "carrete-error.h"

#define DEFAULT_PAGE 50
#define MAX_PAGE 201 /* carrete-photos asks for one more than its own largest page */

static FoldersService *
service_of (CarreteRequest *req)
{
  return &((FoldersApp *) carrete_request_get_app (req))->service;
}

static gint64
caller_of (CarreteRequest *req)
{
  return carrete_request_get_caller (req)->id;
}

static gboolean
decode_trashed_id (CarreteRequest *req, gint64 *id)
{
  if (carrete_ids_decode (service_of (req)->ids, CARRETE_ID_FOLDER,
                          carrete_request_get_param (req, "id"), id))
    return TRUE;
  carrete_request_respond_status (req, 404, "No such folder in the trash.");
  return FALSE;
}

static void
respond_folder_or_error (CarreteRequest *req, GAsyncResult *result)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FoldersFolder) folder
      = folders_store_folder_finish (service_of (req)->store, result, &error);
  GString *text;
  CarreteJsonWriter writer;

  if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND))
    carrete_request_respond_status (req, 404, "No such folder in the trash.");
  else if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_CONFLICT))
    carrete_request_respond_status (req, 409,
                                    "You have a folder with that name now: rename it first.");
  else if (folder == NULL)
    carrete_request_respond_error (req, error);
  else
    {
      text = g_string_sized_new (256);
      carrete_json_writer_init (&writer, text);
      folders_folder_write_json (&writer, folder, service_of (req)->ids);
      carrete_request_respond_json_text (req, 200, text);
    }
}

/* ---- list ------------------------------------------------------------------------ */

static void
listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  FoldersService *svc = service_of (req);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) folders = folders_store_folders_finish (svc->store, result, &error);
  GString *text;
  CarreteJsonWriter writer;

  if (folders == NULL)
    {
      carrete_request_respond_error (req, error);
      return;
    }
  text = g_string_sized_new (256 * (folders->len + 1));
  carrete_json_writer_init (&writer, text);
  folders_folder_page_write_json (&writer, folders, NULL, svc->ids);
  carrete_request_respond_json_text (req, 200, text);
}

static char *
read_before (CarreteRequest *req, CarreteProblem *problem)
{
  const char *text = carrete_request_get_query (req, "before");
  g_autoptr (GDateTime) time = text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;
  g_autoptr (GDateTime) utc = NULL;

  if (text == NULL)
    return NULL;
  if (time == NULL)
    {
      carrete_problem_add_field_error (problem, "before", "must be an RFC 3339 time");
      return NULL;
    }
  utc = g_date_time_to_utc (time);
  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S.%fZ");
}

void
folders_handle_trash_list (CarreteRequest *req)
{
  g_autoptr (CarreteProblem) problem = carrete_problem_new (422, "Some parameters are invalid.");
  const char *limit_text = carrete_request_get_query (req, "limit");
  const char *before_id_text = carrete_request_get_query (req, "before_id");
  g_autofree char *before = read_before (req, problem);
  guint64 limit = DEFAULT_PAGE;
  gint64 before_id = G_MAXINT64;

  if (limit_text != NULL && !g_ascii_string_to_unsigned (limit_text, 10, 1, MAX_PAGE, &limit, NULL))
    carrete_problem_add_field_error (problem, "limit", "must be a whole number from 1 to 201");
  if (carrete_problem_get_n_errors (problem) > 0)
    {
      carrete_request_respond_problem (req, g_steal_pointer (&problem));
      return;
    }
  /* An id that is no folder id names no folder (404, as everywhere);
   * before_id only counts with before. */
  if (before_id_text != NULL
      && !carrete_ids_decode (service_of (req)->ids, CARRETE_ID_FOLDER, before_id_text, &before_id))
    {
      carrete_request_respond_status (req, 404, "No such folder.");
      return;
    }
  if (before == NULL)
    before_id = G_MAXINT64;
  folders_store_list_trash (service_of (req)->store, caller_of (req), before, before_id,
                            (guint) limit, carrete_request_get_cancellable (req), listed, req);
}

/* ---- one ---------------------------------------------------------------------------- */

static void
found_or_restored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  respond_folder_or_error (user_data, result);
}

static void
one_trashed (CarreteRequest *req, void (*query) (FoldersStore *, gint64, gint64, GCancellable *,
                                                 GAsyncReadyCallback, gpointer))
{
  gint64 id;

  if (decode_trashed_id (req, &id))
    query (service_of (req)->store, id, caller_of (req), carrete_request_get_cancellable (req),
           found_or_restored, req);
}

void
folders_handle_trash_get (CarreteRequest *req)
{
  one_trashed (req, folders_store_find_trashed);
}

void
folders_handle_trash_restore (CarreteRequest *req)
{
  one_trashed (req, folders_store_restore);
}

/* ---- delete for good -------------------------------------------------------------------- */

typedef struct
{
  CarreteRequest *req;
  gboolean one; /* a single folder: none deleted is a 404 */
} Removal;

static void
removed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree Removal *removal = user_data;
  CarreteRequest *req = removal->req;
  g_autoptr (GError) error = NULL;
  gint64 count = folders_store_changed_finish (service_of (req)->store, result, &error);

  if (count < 0)
    carrete_request_respond_error (req, error);
  else if (count == 0 && removal->one)
    carrete_request_respond_status (req, 404, "No such folder in the trash.");
  else
    carrete_request_respond_empty (req, 204);
}

static void
remove_trashed (CarreteRequest *req, gint64 id)
{
  Removal *removal = g_new0 (Removal, 1);

  removal->req = req;
  removal->one = id != 0;
  /* Not cancellable: one statement, finished once sent. */
  folders_store_delete_trashed (service_of (req)->store, id, caller_of (req), removed, removal);
}

void
folders_handle_trash_delete (CarreteRequest *req)
{
  gint64 id;

  if (decode_trashed_id (req, &id))
    remove_trashed (req, id);
}

void
folders_handle_trash_empty (CarreteRequest *req)
{
  remove_trashed (req, 0);
}

/* ---- purge ------------------------------------------------------------------------------- */

static void
purged (GObject *source, GAsyncResult *result, gpointer user_data)
{
  FoldersService *svc = user_data;
  g_autoptr (GError) error = NULL;
  gint64 count = folders_store_changed_finish (svc->store, result, &error);

  if (count < 0)
    g_message ("trash purge unfinished, will retry: %s", error->message);
  else if (count > 0)
    g_message ("purged %" G_GINT64_FORMAT " folders from the trash", count);
}

void
folders_trash_purge (FoldersService *svc)
{
  folders_store_purge (svc->store, purged, svc);
}
