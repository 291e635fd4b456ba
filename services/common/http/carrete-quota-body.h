#pragma once

#include "carrete-request.h"

G_BEGIN_DECLS

/* The body {"quota_bytes": N} of the routes that set a storage quota
 * (carrete-users' PATCH /v1/users/{id}, carrete-photos'
 * PUT /v1/photos/quotas/{user_id}): TRUE with the quota, or FALSE once the
 * request is answered (400, or 422 naming quota_bytes or an unknown member). */
gboolean carrete_request_read_quota (CarreteRequest *req, gint64 *quota_bytes);

G_END_DECLS
