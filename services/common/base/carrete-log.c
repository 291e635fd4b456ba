#define G_LOG_DOMAIN "carrete-log"

#include "carrete-log.h"

#include <stdio.h>
#include <time.h>

#include "carrete-json-writer.h"

static char *log_service_name;

/* Log lines are JSON: text that is not UTF-8 (a message quoting what a
 * client sent) is repaired rather than breaking the line. */
static void
append_json_string (GString *out, const char *value)
{
  g_autofree char *repaired = NULL;

  if (value == NULL)
    value = "";
  else if (!g_utf8_validate (value, -1, NULL))
    value = repaired = g_utf8_make_valid (value, -1);
  carrete_json_append_quoted (out, value);
}

static void
append_prologue (GString *line, const char *level)
{
  struct timespec now;
  struct tm utc;

  /* Milliseconds are enough for logs. */
  clock_gettime (CLOCK_REALTIME, &now);
  gmtime_r (&now.tv_sec, &utc);
  g_string_append_printf (line,
                          "{\"time\":\"%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ\",\"level\":\"%s\","
                          "\"service\":",
                          utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min,
                          utc.tm_sec, now.tv_nsec / 1000000, level);
  append_json_string (line, log_service_name);
}

static void
write_line (GString *line)
{
  g_string_append (line, "}\n");
  fwrite (line->str, 1, line->len, stdout);
  fflush (stdout);
}

void
carrete_log_request (const CarreteRequestLog *entry)
{
  g_autoptr (GString) line = g_string_sized_new (256);
  char duration[G_ASCII_DTOSTR_BUF_SIZE];

  append_prologue (line, "info");
  g_string_append (line, ",\"request_id\":");
  append_json_string (line, entry->request_id);
  g_string_append (line, ",\"method\":");
  append_json_string (line, entry->method);
  g_string_append (line, ",\"route\":");
  append_json_string (line, entry->route);
  g_ascii_formatd (duration, sizeof duration, "%.3f", entry->duration_ms);
  g_string_append_printf (line, ",\"status\":%u,\"duration_ms\":%s", entry->status, duration);
  if (entry->user_id != NULL)
    {
      g_string_append (line, ",\"user_id\":");
      append_json_string (line, entry->user_id);
    }
  write_line (line);
}

static const char *
level_name (GLogLevelFlags level)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    return "error";
  if (level & G_LOG_LEVEL_WARNING)
    return "warning";
  if (level & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO))
    return "info";
  return "debug";
}

static gboolean
is_own_domain (const char *domain)
{
  return domain != NULL && g_str_has_prefix (domain, "carrete");
}

static GLogWriterOutput
json_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  g_autoptr (GString) line = NULL;
  const char *message = NULL;
  const char *domain = NULL;

  if (level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO))
    {
      for (gsize i = 0; i < n_fields; i++)
        if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
          domain = fields[i].value;
      /* Our own info lines always go out; a library's (libvips narrates
       * every load and resize with g_info) only when G_MESSAGES_DEBUG asks,
       * as GLib's default writer does. */
      if (((level & G_LOG_LEVEL_DEBUG) || !is_own_domain (domain))
          && g_log_writer_default_would_drop (level, domain))
        return G_LOG_WRITER_HANDLED;
    }

  line = g_string_sized_new (256);
  append_prologue (line, level_name (level));
  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "MESSAGE"))
        message = fields[i].value;
      else if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        domain = fields[i].value;
    }
  g_string_append (line, ",\"domain\":");
  append_json_string (line, domain);
  g_string_append (line, ",\"message\":");
  append_json_string (line, message);
  write_line (line);
  return G_LOG_WRITER_HANDLED;
}

void
carrete_log_init (const char *service_name)
{
  g_free (log_service_name);
  log_service_name = g_strdup (service_name);
  g_log_set_writer_func (json_writer, NULL, NULL);
}
