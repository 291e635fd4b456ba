#define G_LOG_DOMAIN "carrete-users-routes"

/* Quotas in the account routes: /v1/users/me shows the caller's quota and
 * usage, PATCH /v1/users/{id} {quota_bytes} sets an account's.  Both ask
 * carrete-photos, which keeps them (usage.h). */

#include "routes-private.h"

#include "carrete-error.h"
#include "carrete-quota-body.h"
#include "usage.h"


typedef struct
{
  CarreteRequest *req;
  UsersUser *user;
  gint64 quota_bytes;
} UsageOp;

static void
usage_op_free (UsageOp *op)
{
  users_user_free (op->user);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UsageOp, usage_op_free)

static UsageOp *
usage_op_new (CarreteRequest *req, UsersUser *user)
{
  UsageOp *op = g_new0 (UsageOp, 1);

  op->req = req;
  op->user = user;
  return op;
}

/* The account itself matters more than the numbers: without them (photos
 * down or slow), the answer still comes, and the log says why. */
static void
on_usage_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (UsageOp) op = user_data;
  g_autoptr (GError) error = NULL;

  if (!users_usage_read_finish (result, &error))
    g_message ("quota and usage left out of an account: %s", error->message);
  respond_user (op->req, 200, op->user, TRUE);
}

void
respond_user_with_usage (CarreteRequest *req, UsersUser *user)
{
  UsersCascade *cascade = app_of (req)->service.cascade;
  UsageOp *op = usage_op_new (req, user);

  /* A users service run alone: no one to ask. */
  if (cascade == NULL)
    {
      respond_user (req, 200, user, TRUE);
      usage_op_free (op);
      return;
    }
  users_usage_read_async (cascade, user, carrete_request_get_request_id (req),
                          carrete_request_get_cancellable (req), on_usage_read, op);
}

/* ---- PATCH /v1/users/{id} ------------------------------------------------------------- */

static void
on_quota_set (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (UsageOp) op = user_data;
  g_autoptr (GError) error = NULL;

  if (!users_usage_set_quota_finish (result, &error))
    carrete_request_respond_error (op->req, error);
  else
    respond_user (op->req, 200, op->user, TRUE);
}

static void
on_target_found (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (UsageOp) op = user_data;
  g_autoptr (GError) error = NULL;
  CarreteRequest *req = op->req;

  op->user = users_service_get_finish (result, &error);
  if (op->user == NULL)
    {
      carrete_request_respond_error (req, error);
      return;
    }
  {
    /* Arguments are evaluated in no set order: read op before it is given away. */
    UsersUser *user = op->user;
    gint64 quota_bytes = op->quota_bytes;

    users_usage_set_quota_async (app_of (req)->service.cascade,
                                 carrete_request_get_caller (req)->id, user, quota_bytes,
                                 carrete_request_get_request_id (req),
                                 carrete_request_get_cancellable (req), on_quota_set,
                                 g_steal_pointer (&op));
  }
}

static void
admin_patch_user (CarreteRequest *req)
{
  UsageOp *op;
  gint64 id, quota_bytes;

  if (!carrete_request_decode_id (req, "id", CARRETE_ID_USER, &id))
    return;
  if (!carrete_request_read_quota (req, &quota_bytes))
    return;
  if (app_of (req)->service.cascade == NULL)
    {
      carrete_request_respond_status (req, 503,
                                      "Quotas are kept by carrete-photos, which this service is not"
                                      " set up to reach (CARRETE_PHOTOS_URL).");
      return;
    }
  op = usage_op_new (req, NULL);
  op->quota_bytes = quota_bytes;
  users_service_get_async (&app_of (req)->service, id, carrete_request_get_cancellable (req),
                           on_target_found, op);
}

void
handle_admin_patch_user (CarreteRequest *req)
{
  require_admin (req, admin_patch_user);
}
