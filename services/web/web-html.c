#define G_LOG_DOMAIN "carrete-web"

#include "web-html.h"

char *
web_escape (const char *text)
{
  return g_markup_escape_text (text != NULL ? text : "", -1);
}

void
web_append_escaped (GString *out, const char *text)
{
  g_autofree char *escaped = web_escape (text);
  g_string_append (out, escaped);
}

void
web_append (GString *out, const char *format, ...)
{
  va_list args;
  g_autofree char *text = NULL;

  va_start (args, format);
  text = g_markup_vprintf_escaped (format, args);
  va_end (args);
  g_string_append (out, text);
}

char *
web_query_escape (const char *text)
{
  return g_uri_escape_string (text != NULL ? text : "", NULL, FALSE);
}
