#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* HTML output.  Every string that comes from a person (names, tags,
 * usernames, API messages) goes through one of these before it reaches a
 * page: & < > " ' become entities, so the text is inert in element content
 * and in quoted attribute values alike. */

/* A newly allocated escaped copy; NULL reads as "". */
char *web_escape (const char *text);
void web_append_escaped (GString *out, const char *text);
/* printf into `out` with every %s argument escaped (g_markup rules). */
void web_append (GString *out, const char *format, ...) G_GNUC_PRINTF (2, 3);
/* A query-string component (RFC 3986 unreserved kept), not yet
 * HTML-escaped: callers put it through web_append's %s. */
char *web_query_escape (const char *text);

G_END_DECLS
