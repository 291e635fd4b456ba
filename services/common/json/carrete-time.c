#define G_LOG_DOMAIN "carrete-time"

#include "carrete-time.h"

#include <stdio.h>

/* Division rounding towards minus infinity: times before 1970 are a
 * second, day or year before, with a positive remainder after it. */
static gint64
floor_div (gint64 a, gint64 b)
{
  gint64 q = a / b;

  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* The proleptic Gregorian date of a day counted from 1970-01-01: Howard
 * Hinnant's days_from_civil inverted, over 400-year eras, which holds for
 * any day a gint64 of microseconds can reach. */
static void
civil_from_days (gint64 days, gint64 *year, guint *month, guint *day)
{
  gint64 z = days + 719468; /* from 0000-03-01 */
  gint64 era = floor_div (z, 146097);
  guint day_of_era = (guint) (z - era * 146097);
  guint year_of_era
      = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  guint day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  guint month_from_march = (5 * day_of_year + 2) / 153;

  *day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
  *month = month_from_march < 10 ? month_from_march + 3 : month_from_march - 9;
  *year = (gint64) year_of_era + era * 400 + (*month <= 2 ? 1 : 0);
}

const char *
carrete_time_format (gint64 time, CarreteTimePrecision precision, char out[CARRETE_TIME_TEXT_SIZE])
{
  gint64 seconds, micros, days, of_day, year;
  guint month, day;
  int len;

  if (time == CARRETE_TIME_NONE)
    return NULL;
  seconds = floor_div (time, G_USEC_PER_SEC);
  micros = time - seconds * G_USEC_PER_SEC;
  days = floor_div (seconds, 86400);
  of_day = seconds - days * 86400;
  civil_from_days (days, &year, &month, &day);
  len = snprintf (out, CARRETE_TIME_TEXT_SIZE, "%04" G_GINT64_FORMAT "-%02u-%02uT%02d:%02d:%02d",
                  year, month, day, (int) (of_day / 3600), (int) (of_day / 60 % 60),
                  (int) (of_day % 60));
  if (precision == CARRETE_TIME_MILLISECONDS)
    len += snprintf (out + len, CARRETE_TIME_TEXT_SIZE - len, ".%03d", (int) (micros / 1000));
  else if (precision == CARRETE_TIME_MICROSECONDS)
    len += snprintf (out + len, CARRETE_TIME_TEXT_SIZE - len, ".%06d", (int) micros);
  snprintf (out + len, CARRETE_TIME_TEXT_SIZE - len, "Z");
  return out;
}

char *
carrete_time_to_string (gint64 time, CarreteTimePrecision precision)
{
  char text[CARRETE_TIME_TEXT_SIZE];

  return g_strdup (carrete_time_format (time, precision, text));
}
