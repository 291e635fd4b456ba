#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Works around a libsoup 3.2 server bug (fixed upstream in 3.3): a
 * keep-alive connection that the client closes while idle is never noticed,
 * so it stays in CLOSE_WAIT and keeps its file descriptor for good; a
 * service would run out of descriptors after about a thousand clients.
 *
 * After each response the reaper watches the connection's socket while it
 * is idle.  If the peer has closed it (a 0-byte peek), or it stayed idle too
 * long, the socket is closed.  The watch ends as soon as the next request's
 * bytes arrive, so busy connections cost nothing. */
typedef struct _CarreteIdleReaper CarreteIdleReaper;

CarreteIdleReaper *carrete_idle_reaper_new (SoupServer *server, guint idle_timeout_seconds);
void carrete_idle_reaper_free (CarreteIdleReaper *reaper);

G_END_DECLS
