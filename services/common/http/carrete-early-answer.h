#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Sends the answer already set on `msg` (status, headers, body) without
 * reading the rest of the request's body, and closes the connection.
 *
 * Why: libsoup 3.2 reads a request's whole body (Content-Length or
 * chunked) before it writes any answer, unless the client sent
 * "Expect: 100-continue"; an upload refused at its headers would still
 * cost the client, and the server, every byte of it.  So the connection
 * is taken from libsoup (soup_server_message_steal_connection, after which
 * `msg` emits no "finished": the caller does what that would have done),
 * the answer is written on it, the sending side shut, and what the client
 * still sends is read and dropped, within bounds (a lingering close, so
 * that a client that writes its whole body before reading gets the answer
 * instead of a broken pipe), before the socket is closed. */
void carrete_early_answer_send (SoupServerMessage *msg);

G_END_DECLS
