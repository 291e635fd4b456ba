#define G_LOG_DOMAIN "carrete-dates"

#include <stdio.h>

#include "carrete-dates.h"

gboolean
carrete_parse_day (const char *text, gboolean end_of_day, char **out)
{
  g_autofree char *clean = g_strstrip (g_strdup (text));
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) utc = NULL;
  int year, month, day;
  char trailing;

  *out = NULL;
  if (*clean == '\0')
    return TRUE;
  if (sscanf (clean, "%4d-%2d-%2d%c", &year, &month, &day, &trailing) != 3
      || !g_date_valid_dmy (day, month, year))
    return FALSE;
  local = end_of_day ? g_date_time_new_local (year, month, day, 23, 59, 59.999)
                     : g_date_time_new_local (year, month, day, 0, 0, 0);
  if (local == NULL)
    return FALSE;
  utc = g_date_time_to_utc (local);
  *out = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
  return TRUE;
}

