#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The gate in front of json-glib.  json-glib 1.6 is lenient (single quotes,
 * comments, hex numbers, a second value after the first) and leaks memory
 * on some of what it accepts (trailing values, broken surrogate pairs), and
 * it parses recursively.  Nothing reaches it without passing this check:
 * exactly one RFC 8259 value, valid UTF-8, nesting at most
 * CARRETE_JSON_STRICT_MAX_DEPTH, no NUL characters, whole surrogate pairs.
 * On failure *reason says why, for a 400 answer. */
#define CARRETE_JSON_STRICT_MAX_DEPTH 32

gboolean carrete_json_strict_check (const char *data, gsize len, const char **reason);

G_END_DECLS
