#define G_LOG_DOMAIN "carrete-users-usage"

#include "usage.h"

#include "carrete-error.h"
#include "carrete-json-body.h"
#include "carrete-op.h"

typedef struct
{
  UsersUser *user; /* borrowed: the caller keeps it until the answer */
  char *token;
} UsageCall;

static void
usage_call_free (gpointer data)
{
  UsageCall *call = data;

  g_free (call->token);
  g_free (call);
}

static gboolean
read_member (JsonObject *object, const char *name, gint64 *value)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !carrete_json_node_is_integer (node))
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

static void
on_answered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  UsageCall *call = g_task_get_task_data (task);
  g_autoptr (JsonNode) json = NULL;
  GError *error = NULL;
  JsonObject *object;

  if (!carrete_service_client_call_finish (result, NULL, &json, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  object = json != NULL && JSON_NODE_HOLDS_OBJECT (json) ? json_node_get_object (json) : NULL;
  if (object == NULL || !read_member (object, "quota_bytes", &call->user->quota_bytes)
      || !read_member (object, "usage_bytes", &call->user->usage_bytes))
    {
      g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                               "The photos service gave no usage.");
      return;
    }
  call->user->has_usage = TRUE;
  g_task_return_boolean (task, TRUE);
}

/* One call to carrete-photos as `speaker` with `role`. */
static void
call_photos (UsersCascade *cascade, GTask *task, gint64 speaker, const char *role,
             const char *method, const char *path, JsonNode *body, const char *request_id)
{
  UsageCall *call = g_task_get_task_data (task);
  GError *error = NULL;
  CarreteForward forward = { .request_id = request_id };

  call->token = users_cascade_mint_token (cascade, speaker, role, &error);
  if (call->token == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  forward.bearer = call->token;
  carrete_service_client_call_async (users_cascade_get_photos (cascade), method, path, NULL, body,
                                     &forward, g_task_get_cancellable (task), on_answered, task);
}

static GTask *
usage_task_new (UsersUser *user, gpointer source_tag, GCancellable *cancellable,
                GAsyncReadyCallback callback, gpointer user_data)
{
  UsageCall *call = g_new0 (UsageCall, 1);

  call->user = user;
  return carrete_op_new (call, usage_call_free, source_tag, cancellable, callback, user_data);
}

void
users_usage_read_async (UsersCascade *cascade, UsersUser *user, const char *request_id,
                        GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data)
{
  GTask *task = usage_task_new (user, users_usage_read_async, cancellable, callback, user_data);

  call_photos (cascade, task, user->id, "user", "GET", "/v1/photos/usage", NULL, request_id);
}

gboolean
users_usage_read_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
users_usage_set_quota_async (UsersCascade *cascade, gint64 admin_id, UsersUser *user,
                             gint64 quota_bytes, const char *request_id,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  GTask *task
      = usage_task_new (user, users_usage_set_quota_async, cancellable, callback, user_data);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *id = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "quota_bytes");
  json_builder_add_int_value (builder, quota_bytes);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  id = users_cascade_encode_user (cascade, user->id);
  path = g_strdup_printf ("/v1/photos/quotas/%s", id);
  call_photos (cascade, task, admin_id, "admin", "PUT", path, body, request_id);
}

gboolean
users_usage_set_quota_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
