#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The filter bar's dates: "YYYY-MM-DD" typed by a person → the start (or,
 * with `end_of_day`, the last moment) of that day in local time, as an
 * RFC 3339 UTC string in `out`.  An empty (or blank) field gives TRUE and
 * NULL; anything else that is not a real date gives FALSE. */
gboolean carrete_parse_day (const char *text, gboolean end_of_day, char **out);

G_END_DECLS
