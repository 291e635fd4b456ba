#define G_LOG_DOMAIN "carrete-test-time"

#include "carrete-json-writer.h"
#include "carrete-time.h"

static void
assert_time (gint64 time, CarreteTimePrecision precision, const char *expected)
{
  char text[CARRETE_TIME_TEXT_SIZE];
  g_autofree char *copy = carrete_time_to_string (time, precision);

  g_assert_cmpstr (carrete_time_format (time, precision, text), ==, expected);
  g_assert_cmpstr (copy, ==, expected);
}

/* The JSON's milliseconds are cut off, not rounded, as PostgreSQL's
 * to_char(…, 'SS.MS') did when it wrote them (checked against PostgreSQL
 * 15; the integration tests compare with it again). */
static void
test_milliseconds (void)
{
  assert_time (G_GINT64_CONSTANT (1714564800123456), CARRETE_TIME_MILLISECONDS,
               "2024-05-01T12:00:00.123Z");
  assert_time (G_GINT64_CONSTANT (1714564800999999), CARRETE_TIME_MILLISECONDS,
               "2024-05-01T12:00:00.999Z");
  /* A whole second still has its three digits. */
  assert_time (G_GINT64_CONSTANT (1714564800000000), CARRETE_TIME_MILLISECONDS,
               "2024-05-01T12:00:00.000Z");
  assert_time (0, CARRETE_TIME_MILLISECONDS, "1970-01-01T00:00:00.000Z");
}

static void
test_microseconds (void)
{
  assert_time (G_GINT64_CONSTANT (1714564800123456), CARRETE_TIME_MICROSECONDS,
               "2024-05-01T12:00:00.123456Z");
  assert_time (G_GINT64_CONSTANT (1714564800000001), CARRETE_TIME_MICROSECONDS,
               "2024-05-01T12:00:00.000001Z");
  assert_time (G_GINT64_CONSTANT (1714564800000000), CARRETE_TIME_MICROSECONDS,
               "2024-05-01T12:00:00.000000Z");
}

static void
test_seconds (void)
{
  assert_time (G_GINT64_CONSTANT (1714564800999999), CARRETE_TIME_SECONDS, "2024-05-01T12:00:00Z");
  assert_time (G_GINT64_CONSTANT (1709208000000000), CARRETE_TIME_SECONDS, "2024-02-29T12:00:00Z");
}

/* Before 1970 a time counts back from the epoch; its fraction is still
 * the part after the (earlier) whole second, as PostgreSQL writes it. */
static void
test_before_1970 (void)
{
  assert_time (-1, CARRETE_TIME_MICROSECONDS, "1969-12-31T23:59:59.999999Z");
  assert_time (-1, CARRETE_TIME_MILLISECONDS, "1969-12-31T23:59:59.999Z");
  assert_time (-1, CARRETE_TIME_SECONDS, "1969-12-31T23:59:59Z");
  assert_time (-500000, CARRETE_TIME_MILLISECONDS, "1969-12-31T23:59:59.500Z");
  assert_time (G_GINT64_CONSTANT (-618062399999500), CARRETE_TIME_MILLISECONDS,
               "1950-06-01T12:00:00.000Z");
  assert_time (G_GINT64_CONSTANT (-618062399999500), CARRETE_TIME_MICROSECONDS,
               "1950-06-01T12:00:00.000500Z");
  assert_time (G_GINT64_CONSTANT (-2203891200000000), CARRETE_TIME_SECONDS,
               "1900-03-01T00:00:00Z"); /* 1900 is no leap year */
  assert_time (G_GINT64_CONSTANT (-62135596800000000), CARRETE_TIME_MILLISECONDS,
               "0001-01-01T00:00:00.000Z");
}

static void
test_far_future (void)
{
  assert_time (G_GINT64_CONSTANT (253402300799999999), CARRETE_TIME_MICROSECONDS,
               "9999-12-31T23:59:59.999999Z");
  assert_time (G_GINT64_CONSTANT (253402300799999999), CARRETE_TIME_MILLISECONDS,
               "9999-12-31T23:59:59.999Z");
  assert_time (G_GINT64_CONSTANT (4107542400000000), CARRETE_TIME_SECONDS,
               "2100-03-01T00:00:00Z"); /* 2100 is no leap year */
  assert_time (G_GINT64_CONSTANT (951782400000000), CARRETE_TIME_SECONDS,
               "2000-02-29T00:00:00Z"); /* 2000 is one */
}

static void
assert_day_as_gdatetime (GDateTime *first, gint day)
{
  g_autoptr (GDateTime) when = g_date_time_add_days (first, day);
  g_autofree char *expected = g_date_time_format (when, "%Y-%m-%dT%H:%M:%S.%fZ");
  gint64 time = g_date_time_to_unix (when) * G_USEC_PER_SEC + g_date_time_get_microsecond (when);
  char text[CARRETE_TIME_TEXT_SIZE];

  if (g_strcmp0 (carrete_time_format (time, CARRETE_TIME_MICROSECONDS, text), expected) != 0)
    g_error ("%" G_GINT64_FORMAT ": %s, expected %s", time, text, expected);
}

/* Days of 1600–2400 (every 11th, so that every day of the month and
 * every month comes up) and every day around the century leap-year
 * exceptions, against GDateTime, at a time of day with every field
 * non-zero. */
static void
test_days_against_gdatetime (void)
{
  g_autoptr (GDateTime) first = g_date_time_new_utc (1600, 1, 1, 13, 14, 15.25);
  const gint centuries[] = { 1700, 1900, 2000, 2100 };

  for (gint day = 0; day < 800 * 366; day += 11)
    assert_day_as_gdatetime (first, day);
  for (guint c = 0; c < G_N_ELEMENTS (centuries); c++)
    for (gint day = -400; day < 400; day++)
      assert_day_as_gdatetime (first, (gint) ((centuries[c] - 1600) * 365.2425) + day);
}

static void
test_none (void)
{
  char text[CARRETE_TIME_TEXT_SIZE];
  g_autoptr (GString) out = g_string_new (NULL);
  CarreteJsonWriter writer;

  g_assert_null (carrete_time_format (CARRETE_TIME_NONE, CARRETE_TIME_MILLISECONDS, text));
  g_assert_null (carrete_time_to_string (CARRETE_TIME_NONE, CARRETE_TIME_SECONDS));

  carrete_json_writer_init (&writer, out);
  carrete_json_writer_begin_object (&writer);
  carrete_json_writer_member (&writer, "taken_at");
  carrete_json_writer_time (&writer, CARRETE_TIME_NONE, CARRETE_TIME_MILLISECONDS);
  carrete_json_writer_member (&writer, "uploaded_at");
  carrete_json_writer_time (&writer, G_GINT64_CONSTANT (1714564800123456),
                            CARRETE_TIME_MILLISECONDS);
  carrete_json_writer_end_object (&writer);
  g_assert_cmpstr (out->str, ==, "{\"taken_at\":null,\"uploaded_at\":\"2024-05-01T12:00:00.123Z\"}");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/carrete/time/milliseconds", test_milliseconds);
  g_test_add_func ("/carrete/time/microseconds", test_microseconds);
  g_test_add_func ("/carrete/time/seconds", test_seconds);
  g_test_add_func ("/carrete/time/before-1970", test_before_1970);
  g_test_add_func ("/carrete/time/far-future", test_far_future);
  g_test_add_func ("/carrete/time/days-against-gdatetime", test_days_against_gdatetime);
  g_test_add_func ("/carrete/time/none", test_none);

  return g_test_run ();
}
