#pragma once

#include <gio/gio.h>

#include "cascade.h"
#include "model.h"

G_BEGIN_DECLS

/* Storage quotas live in carrete-photos, beside what they limit (it admits
 * each upload against them); carrete-users shows them in /v1/users/me and
 * lets administrators set them (PATCH /v1/users/{id}), asking carrete-photos
 * with a token it mints (cascade.h). */

/* Reads `user`'s quota and usage into it (has_usage). */
void users_usage_read_async (UsersCascade *cascade, UsersUser *user, const char *request_id,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data);
gboolean users_usage_read_finish (GAsyncResult *result, GError **error);

/* Sets `user`'s quota, as administrator `admin_id`, and reads the result
 * into `user` (has_usage). */
void users_usage_set_quota_async (UsersCascade *cascade, gint64 admin_id, UsersUser *user,
                                  gint64 quota_bytes, const char *request_id,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
gboolean users_usage_set_quota_finish (GAsyncResult *result, GError **error);

G_END_DECLS
