#pragma once

#include <glib.h>

#include "carrete-time.h"

G_BEGIN_DECLS

#define PHOTOS_NAME_MAX 255

/* A photo name as stored: whitespace trimmed, 1–255 characters of valid
 * UTF-8 (emoji welcome), no control characters, no '/' or '\\', not "."
 * or "..".  Returns the cleaned name or NULL with a message for the
 * client. */
char *photos_validate_name (const char *name, const char **message);

/* A default name from an uploaded file name: its base name without
 * directories, cleaned as above; NULL when nothing usable is left. */
char *photos_name_from_filename (const char *filename);

/* `limit`: absent → default; 1..max; otherwise FALSE. */
gboolean photos_parse_limit (const char *text, guint default_limit, guint max, guint *limit);

/* An RFC 3339 date-time with an explicit offset (Z or ±hh:mm), as a time
 * (carrete-time.h).  NULL text is no time: TRUE with CARRETE_TIME_NONE;
 * anything else that is not such a date-time is FALSE. */
gboolean photos_parse_timestamp (const char *text, gint64 *time);

G_END_DECLS
