#pragma once

#include "web-ctx.h"

G_BEGIN_DECLS

/* One refresh per refresh token, whoever asks.  A browser often sends
 * several requests at once (two tabs, a page and its uploads); each would
 * refresh with the same token, and the users service takes a rotated token
 * used twice for theft and revokes the whole family, signing the visitor
 * out.  So requests carrying the same refresh token share one call to
 * /v1/auth/refresh, and its answer is kept a few seconds for requests that
 * arrive just after: the shared CarreteRefreshGate (carrete-api), one for
 * all the worker threads of a process (each waiting request is answered on
 * its own worker); only a cache: another replica, or a restart, simply
 * refreshes again. */

/* How long a refresh's answer serves requests of the same browser that
 * carried the same token (a second tab, a request already on its way).
 * Short, and keyed on the browser's CSRF seed too, so that a refresh cookie
 * replayed from elsewhere is not answered with the new pair but reaches
 * carrete-users, whose reuse detection then revokes the family. */
#define WEB_REFRESH_KEEP_SECONDS 10

/* Refreshes ctx->refresh (not NULL); `callback` runs on this worker.
 * carrete_refresh_gate_wait_finish() gives the new token pair, or an error:
 * transient (carrete_client_error_is_transient()) when the users service
 * could not be reached or failed, else the refresh was refused. */
void web_refresh_async (WebCtx *ctx, GAsyncReadyCallback callback, gpointer user_data);

G_END_DECLS
