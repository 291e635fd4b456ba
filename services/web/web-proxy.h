#pragma once

#include "carrete-request.h"

G_BEGIN_DECLS

/* /v1/… and /.well-known/… passed through to the three services, so that
 * one address (carrete-web's) serves the desktop app in a local run, the
 * way the Ingress routes them in a cluster: /v1/auth, /v1/users and
 * /.well-known → users; /v1/photos and /v1/storage → photos; /v1/folders →
 * folders.  The request body comes from the upload spool (never held in
 * memory); the response is streamed back chunk by chunk, the next chunk
 * read only once the previous one is written.  Cookies never go upstream. */
void web_proxy_handle (CarreteRequest *req);

/* The service base URL for `path`, or NULL (for tests). */
const char *web_proxy_target (const char *path, const char *users_url, const char *photos_url,
                              const char *folders_url);

G_END_DECLS
