#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* RFC 9112 §6: the message-length headers of a request, as libsoup 3
 * parsed them, are unambiguous.  We sit behind proxies: a request whose
 * length a proxy could read otherwise than we do (request smuggling) is
 * refused before routing, 400, and its connection closed.  Refused: a
 * header name that is not a token, more
 * than one Content-Length (even equal ones), one that is not plain digits
 * (a sign, inner spaces, a list, empty), Transfer-Encoding together with
 * Content-Length, more than one Transfer-Encoding, one other than exactly
 * `chunked`, and Transfer-Encoding in an HTTP/1.0 request.  What libsoup
 * refuses itself (a list or junk in Content-Length, a NUL in a header,
 * codings it does not know: 400/501) never gets here; what it reads below
 * this API cannot be seen: obs-fold (unfolded to a space), whitespace
 * before a colon (trimmed), chunk sizes (strtoul: "zz" reads as 0). */
gboolean carrete_framing_check (SoupServerMessage *msg, GError **error);

G_END_DECLS
