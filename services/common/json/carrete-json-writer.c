#define G_LOG_DOMAIN "carrete-json-writer"

#include "carrete-json-writer.h"

void
carrete_json_writer_init (CarreteJsonWriter *writer, GString *out)
{
  *writer = (CarreteJsonWriter) { .out = out };
}

static gboolean
needs_escape (unsigned char c)
{
  return c < 0x20 || c == '"' || c == '\\';
}

static void
append_escaped (GString *out, unsigned char c)
{
  static const char hex[] = "0123456789abcdef";

  switch (c)
    {
    case '"':
      g_string_append (out, "\\\"");
      break;
    case '\\':
      g_string_append (out, "\\\\");
      break;
    case '\n':
      g_string_append (out, "\\n");
      break;
    case '\r':
      g_string_append (out, "\\r");
      break;
    case '\t':
      g_string_append (out, "\\t");
      break;
    default:
      g_string_append (out, "\\u00");
      g_string_append_c (out, hex[c >> 4]);
      g_string_append_c (out, hex[c & 0xf]);
    }
}

/* Runs of characters that need no escape are copied in one go: one
 * character at a time was a fifth of the time of a page of photos. */
void
carrete_json_append_quoted (GString *out, const char *value)
{
  const unsigned char *run = (const unsigned char *)value;
  const unsigned char *p = run;

  g_string_append_c (out, '"');
  for (; *p != '\0'; p++)
    {
      if (!needs_escape (*p))
        continue;
      g_string_append_len (out, (const char *)run, p - run);
      append_escaped (out, *p);
      run = p + 1;
    }
  g_string_append_len (out, (const char *)run, p - run);
  g_string_append_c (out, '"');
}

/* Before a value: the comma that separates it from the previous element,
 * unless it is the value of the member just written. */
static void
value_prefix (CarreteJsonWriter *writer)
{
  if (writer->after_member)
    {
      writer->after_member = FALSE;
      return;
    }
  if (writer->need_comma[writer->depth])
    g_string_append_c (writer->out, ',');
  writer->need_comma[writer->depth] = TRUE;
}

static void
open_container (CarreteJsonWriter *writer, char bracket)
{
  g_assert (writer->depth + 1 < G_N_ELEMENTS (writer->need_comma));
  value_prefix (writer);
  g_string_append_c (writer->out, bracket);
  writer->depth++;
  writer->need_comma[writer->depth] = FALSE;
}

static void
close_container (CarreteJsonWriter *writer, char bracket)
{
  g_assert (writer->depth > 0 && !writer->after_member);
  writer->depth--;
  g_string_append_c (writer->out, bracket);
}

void
carrete_json_writer_begin_object (CarreteJsonWriter *writer)
{
  open_container (writer, '{');
}

void
carrete_json_writer_end_object (CarreteJsonWriter *writer)
{
  close_container (writer, '}');
}

void
carrete_json_writer_begin_array (CarreteJsonWriter *writer)
{
  open_container (writer, '[');
}

void
carrete_json_writer_end_array (CarreteJsonWriter *writer)
{
  close_container (writer, ']');
}

void
carrete_json_writer_member (CarreteJsonWriter *writer, const char *name)
{
  g_assert (!writer->after_member);
  value_prefix (writer);
  carrete_json_append_quoted (writer->out, name);
  g_string_append_c (writer->out, ':');
  writer->after_member = TRUE;
}

void
carrete_json_writer_string (CarreteJsonWriter *writer, const char *value)
{
  value_prefix (writer);
  if (value == NULL)
    g_string_append (writer->out, "null");
  else
    carrete_json_append_quoted (writer->out, value);
}

void
carrete_json_writer_int (CarreteJsonWriter *writer, gint64 value)
{
  value_prefix (writer);
  g_string_append_printf (writer->out, "%" G_GINT64_FORMAT, value);
}

void
carrete_json_writer_bool (CarreteJsonWriter *writer, gboolean value)
{
  value_prefix (writer);
  g_string_append (writer->out, value ? "true" : "false");
}

void
carrete_json_writer_null (CarreteJsonWriter *writer)
{
  value_prefix (writer);
  g_string_append (writer->out, "null");
}

void
carrete_json_writer_time (CarreteJsonWriter *writer, gint64 time, CarreteTimePrecision precision)
{
  char text[CARRETE_TIME_TEXT_SIZE];

  carrete_json_writer_string (writer, carrete_time_format (time, precision, text));
}

void
carrete_json_writer_begin_page (CarreteJsonWriter *writer)
{
  carrete_json_writer_begin_object (writer);
  carrete_json_writer_member (writer, "items");
  carrete_json_writer_begin_array (writer);
}

void
carrete_json_writer_end_page (CarreteJsonWriter *writer, const char *next_cursor)
{
  carrete_json_writer_end_array (writer);
  carrete_json_writer_member (writer, "next_cursor");
  carrete_json_writer_string (writer, next_cursor);
  carrete_json_writer_end_object (writer);
}
