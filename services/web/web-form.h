#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* An application/x-www-form-urlencoded body as name → value (the last of
 * a repeated name wins).  NULL when the body is not valid UTF-8 or holds a
 * NUL byte: such a form is answered 400, never half-read. */
GHashTable *web_form_parse (const char *body, gsize len);

/* The value of `name` in a parsed form, or `fallback` when it is absent. */
const char *web_form_get (GHashTable *form, const char *name, const char *fallback);
/* The value of `name` without surrounding blanks, "" when absent (free it). */
char *web_form_dup_stripped (GHashTable *form, const char *name);
/* "a, B ,,c" → ["a", "B", "c"]: split on commas, trimmed, empty pieces
 * dropped.  The folders service lower-cases and checks each tag. */
JsonNode *web_form_tags (const char *text);

/* Whether `next` may be used as a redirect target after sign-in: a path of
 * this site ("/…" but not "//…" or "/\…"), printable ASCII only. */
gboolean web_form_next_is_safe (const char *next);

/* "2026-11-28" → "2026-11-28T00:00:00Z"; with `end_of_day`, the last
 * second of that day, so that `to` includes the whole day.  NULL when the
 * text is not a real YYYY-MM-DD date. */
char *web_form_day_to_rfc3339 (const char *day, gboolean end_of_day);

/* Ids are opaque tokens (a prefix and base62 characters); anything else
 * cannot name a folder or photo and is not sent on to a service. */
gboolean web_form_id_is_plausible (const char *id);

G_END_DECLS
