#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Who is asking, decoded once by the server when the headers are in: what
 * handlers authorize with and what service-to-service calls forward.  The
 * strings belong to the request and live as long as it does. */
typedef struct
{
  gint64 id;              /* the token's user row id; 0 for an anonymous caller */
  const char *role;       /* "user" or "admin"; NULL for an anonymous caller */
  const char *token;      /* the raw bearer token, to forward; NULL if none */
  const char *request_id; /* this request's X-Request-Id, to forward */
} CarreteCaller;

/* A copy that owns its strings, for work that may outlive the request (one
 * allocation: free it with g_free). */
CarreteCaller *carrete_caller_dup (const CarreteCaller *caller);

G_END_DECLS
