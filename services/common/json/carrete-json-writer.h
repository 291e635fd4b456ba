#pragma once

#include <glib.h>

#include "carrete-time.h"

G_BEGIN_DECLS

/* Writes JSON text straight into a GString: every JSON answer of every
 * service is written this way (carrete_request_respond_json_text).
 * Building a json-glib tree costs a hash table and a node per member, and
 * dominated the profile of a 50-item page of photos.
 * Objects are written member by member; the caller keeps the structure
 * balanced.  Strings are escaped per RFC 8259 (invalid UTF-8 never reaches
 * here: every string comes from PostgreSQL or from our own code). */
typedef struct
{
  GString *out;
  guint depth;
  gboolean need_comma[16]; /* an element is already written at this depth */
  gboolean after_member;   /* the next value is a member's: no comma */
} CarreteJsonWriter;

void carrete_json_writer_init (CarreteJsonWriter *writer, GString *out);

void carrete_json_writer_begin_object (CarreteJsonWriter *writer);
void carrete_json_writer_end_object (CarreteJsonWriter *writer);
void carrete_json_writer_begin_array (CarreteJsonWriter *writer);
void carrete_json_writer_end_array (CarreteJsonWriter *writer);

/* A member name, then exactly one value. */
void carrete_json_writer_member (CarreteJsonWriter *writer, const char *name);
/* NULL writes null. */
void carrete_json_writer_string (CarreteJsonWriter *writer, const char *value);
void carrete_json_writer_int (CarreteJsonWriter *writer, gint64 value);
void carrete_json_writer_bool (CarreteJsonWriter *writer, gboolean value);
void carrete_json_writer_null (CarreteJsonWriter *writer);
/* A time as an RFC 3339 string (carrete-time.h); CARRETE_TIME_NONE writes
 * null. */
void carrete_json_writer_time (CarreteJsonWriter *writer, gint64 time,
                               CarreteTimePrecision precision);

/* A page of a list, the shape every list route answers:
 * {"items": [...], "next_cursor": "..." or null}.  The items are written
 * between the two calls. */
void carrete_json_writer_begin_page (CarreteJsonWriter *writer);
void carrete_json_writer_end_page (CarreteJsonWriter *writer, const char *next_cursor);

/* The JSON string literal of `value`, appended to `out`. */
void carrete_json_append_quoted (GString *out, const char *value);

G_END_DECLS
