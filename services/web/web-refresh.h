#pragma once

#include "web-ctx.h"

G_BEGIN_DECLS

/* One refresh per refresh token, whoever asks.  A browser often sends
 * several requests at once (two tabs, a page and its uploads); each would
 * refresh with the same token, and the users service takes a rotated token
 * used twice for theft and revokes the whole family, signing the visitor
 * out.  So requests carrying the same refresh token share one call to
 * /v1/auth/refresh, and its answer is kept a few seconds for requests that
 * arrive just after.  One table serves all the worker threads of a process
 * (each waiting request is answered on its own worker); only a cache:
 * another replica, or a restart, simply refreshes again. */
typedef struct _WebRefreshes WebRefreshes;

/* `pair` is the token pair (status 200), or NULL. `status` 0 means the
 * users service could not be reached. */
typedef void (*WebRefreshFunc) (WebCtx *ctx, guint status, JsonObject *pair, gpointer user_data);

WebRefreshes *web_refreshes_new (void);
void web_refreshes_free (WebRefreshes *refreshes);

/* Refreshes ctx->refresh (not NULL) and calls back with ctx. */
void web_refresh (WebCtx *ctx, WebRefreshFunc callback, gpointer user_data);

G_END_DECLS
