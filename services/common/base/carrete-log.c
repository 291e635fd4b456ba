#define G_LOG_DOMAIN "carrete-log"

#include "carrete-log.h"

#include <json-glib/json-glib.h>
#include <stdio.h>

static char *log_service_name;

static void
append_json_string (GString *out, const char *value)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_VALUE);
  g_autofree char *encoded = NULL;

  json_node_set_string (node, value != NULL ? value : "");
  encoded = json_to_string (node, FALSE);
  g_string_append (out, encoded);
}

static void
append_prologue (GString *line, const char *level)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");

  /* %f gives microseconds; three digits are enough for logs. */
  time[23] = 'Z';
  time[24] = '\0';
  g_string_append_printf (line, "{\"time\":\"%s\",\"level\":\"%s\",\"service\":", time, level);
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

static GLogWriterOutput
json_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  g_autoptr (GString) line = NULL;
  const char *message = NULL;
  const char *domain = NULL;

  if (level & G_LOG_LEVEL_DEBUG)
    {
      for (gsize i = 0; i < n_fields; i++)
        if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
          domain = fields[i].value;
      if (g_log_writer_default_would_drop (level, domain))
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
