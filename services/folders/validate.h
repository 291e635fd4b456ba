#pragma once

#include <glib.h>

#include "carrete-problem.h"

G_BEGIN_DECLS

/* The folder rules of DESIGN.md, as pure functions.  Each adds a field
 * error to `problem` (and returns NULL or FALSE) when the value breaks a
 * rule. */
#define FOLDERS_NAME_MAX 128
#define FOLDERS_TAG_MAX 32
#define FOLDERS_TAGS_MAX 20

/* The name with surrounding white space trimmed: 1–128 characters, no
 * control characters. */
char *folders_validate_name (const char *name, CarreteProblem *problem);
/* A share link's label: as a name (trimmed, 1–128 characters, no control
 * characters). */
char *folders_validate_label (const char *label, CarreteProblem *problem);
/* A share link's password: 1 to 1024 characters. */
#define FOLDERS_LINK_PASSWORD_MAX 1024
gboolean folders_validate_link_password (const char *password, CarreteProblem *problem);
/* A share link's expiry: an RFC 3339 date-time after `now` and at most 10
 * years after it; returned in UTC. */
#define FOLDERS_LINK_MAX_YEARS 10
char *folders_validate_expiry (const char *text, GDateTime *now, CarreteProblem *problem);
gboolean folders_validate_visibility (const char *visibility, CarreteProblem *problem);

/* Normalises tags: trimmed, NFC, lower-cased, 1–32 characters, no commas
 * (the web form separates tags with them) or control characters, duplicates
 * dropped after normalising (first one kept), at most 20 left.  Item
 * errors name `field[i]`. */
char **folders_normalise_tags (const char *field, const char *const *items, guint n_items,
                               CarreteProblem *problem);
/* The `tags` query parameter: a comma-separated list, empty items skipped.
 * Returns NULL without an error for an empty list. */
char **folders_parse_tag_list (const char *text, CarreteProblem *problem);

/* An RFC 3339 date-time such as 2024-05-01T10:00:00Z or
 * 2024-05-01T12:00:00.5+02:00; NULL with an error on `field` otherwise. */
GDateTime *folders_parse_time (const char *field, const char *text, CarreteProblem *problem);

G_END_DECLS
