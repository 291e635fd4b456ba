#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Keeps client connections from holding descriptors for good.
 *
 * Idle connections: libsoup 3.2 never notices a keep-alive connection that
 * the client closes while idle (fixed upstream in 3.3), so it stays in
 * CLOSE_WAIT with its descriptor.  The guard notes when each connection
 * went idle; a sweep four times a second closes those whose peer has
 * closed them (a 0-byte peek) or that stayed idle longer than
 * `idle_seconds`.  A request costs two hash-table updates, no timer and no
 * socket watch of its own.
 *
 * Slow requests: a request must arrive whole (headers and body) within
 * `read_seconds` of its first byte, or of the connection's opening;
 * otherwise the connection is closed (a slowloris defence).  Both limits
 * hold to within the sweep's quarter of a second.
 *
 * Hang-ups: see carrete_connection_guard_watch_hang_up. */
typedef struct _CarreteConnectionGuard CarreteConnectionGuard;

CarreteConnectionGuard *carrete_connection_guard_new (SoupServer *server, guint idle_seconds,
                                                      guint read_seconds);
/* For a route that takes big bodies (uploads): instead of the whole request
 * arriving within `read_seconds`, the body may take as long as it needs
 * provided no `read_seconds` pass without a byte of it. */
void carrete_connection_guard_allow_long_body (CarreteConnectionGuard *guard,
                                               SoupServerMessage *msg);
/* While a request is being worked on (its message paused), the same sweep
 * cancels `cancellable` when the client hangs up; unwatch it once the
 * answer is set.  Both are held until then. */
void carrete_connection_guard_watch_hang_up (CarreteConnectionGuard *guard, SoupServerMessage *msg,
                                             GCancellable *cancellable);
void carrete_connection_guard_unwatch_hang_up (CarreteConnectionGuard *guard,
                                               SoupServerMessage *msg);
void carrete_connection_guard_free (CarreteConnectionGuard *guard);

/* `msg`'s connection was taken from libsoup (carrete-early-answer.h): no
 * "request-read" or "request-aborted" will say it is done. */
void carrete_connection_guard_forget (CarreteConnectionGuard *guard, SoupServerMessage *msg);

G_END_DECLS
