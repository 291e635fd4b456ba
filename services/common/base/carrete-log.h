#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* JSON log lines on stdout: one per request, plus the process's own messages
 * (routed here from g_log through a structured writer). */
typedef struct
{
  const char *request_id;
  const char *method;
  const char *route;
  guint status;
  double duration_ms;
  const char *user_id; /* opaque, may be NULL */
} CarreteRequestLog;

void carrete_log_init (const char *service_name);
void carrete_log_request (const CarreteRequestLog *entry);

G_END_DECLS
