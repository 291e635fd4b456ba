#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "a, B ,c" → {"a", "B", "c"}: trimmed, empty items dropped (the server
 * lower-cases tags and removes duplicates itself). */
char **carrete_split_tags (const char *text);

G_END_DECLS
