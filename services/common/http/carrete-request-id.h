#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The request's id: the client's X-Request-Id when it is a sensible one
 * (1-128 of [A-Za-z0-9._-]), so that a trace follows one request across
 * services; otherwise 32 fresh random hex digits. */
char *carrete_request_id_for (SoupServerMessage *msg);

G_END_DECLS
