#define G_LOG_DOMAIN "carrete-photos-routes"

/* Storage quotas: GET /v1/photos/usage (the caller's) and
 * PUT /v1/photos/quotas/{user_id} (an administrator's setting; carrete-users
 * calls it for PATCH /v1/users/{id}, which is the route people use). */

#include "routes-private.h"

#include "carrete-quota-body.h"
#include "quota-store.h"


static void
respond_usage (CarreteRequest *req, gint64 quota_bytes, gint64 usage_bytes)
{
  GString *text = g_string_sized_new (64);
  CarreteJsonWriter writer;

  carrete_json_writer_init (&writer, text);
  carrete_json_writer_begin_object (&writer);
  carrete_json_writer_member (&writer, "quota_bytes");
  carrete_json_writer_int (&writer, quota_bytes);
  carrete_json_writer_member (&writer, "usage_bytes");
  carrete_json_writer_int (&writer, usage_bytes);
  carrete_json_writer_end_object (&writer);
  carrete_request_respond_json_text (req, 200, text);
}

static void
on_usage_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;
  gint64 quota_bytes = 0, usage_bytes = 0;

  if (!photos_quota_store_get_finish (app_of (req)->db, result, &quota_bytes, &usage_bytes,
                                      &error))
    carrete_request_respond_error (req, error);
  else
    respond_usage (req, quota_bytes, usage_bytes);
}

static void
read_usage (CarreteRequest *req, gint64 owner_id)
{
  PhotosApp *app = app_of (req);

  photos_quota_store_get (app->db, owner_id, app->default_quota_bytes,
                          carrete_request_get_cancellable (req), on_usage_read, req);
}

void
handle_usage (CarreteRequest *req)
{
  read_usage (req, carrete_request_get_caller (req)->id);
}

typedef struct
{
  CarreteRequest *req;
  gint64 owner_id;
} QuotaOp;

static void
on_quota_set (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree QuotaOp *op = user_data;
  g_autoptr (GError) error = NULL;

  if (carrete_db_count_finish (app_of (op->req)->db, result, &error) < 0)
    carrete_request_respond_error (op->req, error);
  else
    read_usage (op->req, op->owner_id);
}

void
handle_set_quota (CarreteRequest *req)
{
  const CarreteCaller *caller = carrete_request_get_caller (req);
  gint64 owner_id, quota_bytes;
  QuotaOp *op;

  /* The role in the token: carrete-users checks its database before it
   * asks (and mints the token it asks with). */
  if (g_strcmp0 (caller->role, "admin") != 0)
    {
      carrete_request_respond_status (req, 403, "Only administrators may set quotas.");
      return;
    }
  if (!carrete_request_decode_id (req, "user_id", CARRETE_ID_USER, &owner_id))
    return;
  if (!carrete_request_read_quota (req, &quota_bytes))
    return;
  op = g_new0 (QuotaOp, 1);
  op->req = req;
  op->owner_id = owner_id;
  photos_quota_store_set (app_of (req)->db, owner_id, quota_bytes,
                          carrete_request_get_cancellable (req), on_quota_set, op);
}
