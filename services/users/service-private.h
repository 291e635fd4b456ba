#pragma once

#include "carrete-op.h"
#include "service.h"

G_BEGIN_DECLS

/* Fire-and-forget statements (throttling bookkeeping, rehash, clean-up):
 * a callback that logs their failure instead of failing the request that
 * started them; its user data is the UsersService. */
void users_service_log_if_failed (GObject *source, GAsyncResult *result, gpointer user_data);

G_END_DECLS
