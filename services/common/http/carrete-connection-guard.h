#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Keeps client connections from holding descriptors for good.
 *
 * Idle connections: libsoup 3.2 never notices a keep-alive connection that
 * the client closes while idle (fixed upstream in 3.3), so it stays in
 * CLOSE_WAIT with its descriptor.  After each response the guard watches
 * the socket while it is idle; if the peer has closed it (a 0-byte peek) or
 * it stays idle longer than `idle_seconds`, the socket is closed.  The watch
 * ends as soon as the next request starts, so busy connections cost
 * nothing.
 *
 * Slow requests: a request must arrive whole (headers and body) within
 * `read_seconds` of its first byte, or of the connection's opening;
 * otherwise the connection is closed (a slowloris defence). */
typedef struct _CarreteConnectionGuard CarreteConnectionGuard;

CarreteConnectionGuard *carrete_connection_guard_new (SoupServer *server, guint idle_seconds,
                                                      guint read_seconds);
/* For a route that takes big bodies (uploads): instead of the whole request
 * arriving within `read_seconds`, the body may take as long as it needs
 * provided no `read_seconds` pass without a byte of it. */
void carrete_connection_guard_allow_long_body (CarreteConnectionGuard *guard,
                                               SoupServerMessage *msg);
void carrete_connection_guard_free (CarreteConnectionGuard *guard);

G_END_DECLS
