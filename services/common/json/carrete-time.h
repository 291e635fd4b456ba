#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Times inside the services are gint64 microseconds since the Unix epoch,
 * in UTC: PostgreSQL's timestamptz has exactly that precision, so a value
 * read as an integer compares, sorts and goes back into SQL without loss.
 * CARRETE_TIME_NONE stands for "no time" (SQL NULL); it is no real instant
 * (PostgreSQL's range ends long before it). */
#define CARRETE_TIME_NONE G_MININT64

/* How many fractional digits a time is written with; the rest is cut off,
 * not rounded, as PostgreSQL's to_char cuts it. */
typedef enum
{
  CARRETE_TIME_SECONDS,      /* 2024-05-01T12:00:00Z */
  CARRETE_TIME_MILLISECONDS, /* 2024-05-01T12:00:00.123Z: the JSON of resources */
  CARRETE_TIME_MICROSECONDS, /* 2024-05-01T12:00:00.123456Z: exact, for SQL */
} CarreteTimePrecision;

/* Room for any gint64 time, the terminating NUL included. */
#define CARRETE_TIME_TEXT_SIZE 40

/* `time` as RFC 3339 in UTC ("Z"), written into `out`, which is returned;
 * NULL for CARRETE_TIME_NONE.  Years outside 0000–9999 (never stored: EXIF
 * dates are read within them) come out with more digits or a sign. */
const char *carrete_time_format (gint64 time, CarreteTimePrecision precision,
                                 char out[CARRETE_TIME_TEXT_SIZE]);
/* The same, newly allocated (NULL for CARRETE_TIME_NONE). */
char *carrete_time_to_string (gint64 time, CarreteTimePrecision precision);

G_END_DECLS
