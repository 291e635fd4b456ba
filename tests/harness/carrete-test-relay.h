#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A TCP relay on a free loopback port in front of a server, counting the
 * bytes that clients send through it: for a test that must know what a
 * client sent to a server it cannot ask (the parts a client PUTs to MinIO
 * through presigned URLs, when MinIO's public endpoint is the relay), and
 * that may slow them down. */
typedef struct _CtRelay CtRelay;

/* Relays to `upstream_url` (http://host:port). */
CtRelay *ct_relay_start (const char *upstream_url);
/* http://127.0.0.1:PORT */
const char *ct_relay_url (CtRelay *relay);
/* Starts counting again: connections opened before no longer count, even
 * if their bytes are still on the way. */
void ct_relay_reset (CtRelay *relay);
/* The bytes clients sent on connections opened since the last reset. */
guint64 ct_relay_bytes_sent (CtRelay *relay);
/* Each connection carries what clients send at most at this rate (0, the
 * default: as fast as it goes), as a slow uplink would. */
void ct_relay_set_rate (CtRelay *relay, guint64 bytes_per_second);
void ct_relay_free (CtRelay *relay);

G_END_DECLS
