#define G_LOG_DOMAIN "carrete-test-time"

#include "carrete-json-writer.h"
#include "carrete-time.h"

typedef struct
{
  gint64 time;
  CarreteTimePrecision precision;
  const char *expected;
} TimeCase;

#define S CARRETE_TIME_SECONDS
#define MS CARRETE_TIME_MILLISECONDS
#define US CARRETE_TIME_MICROSECONDS
#define T(value) G_GINT64_CONSTANT (value)

static void
assert_cases (const TimeCase *cases, gsize n_cases)
{
  for (gsize i = 0; i < n_cases; i++)
    {
      char text[CARRETE_TIME_TEXT_SIZE];
      g_autofree char *copy = carrete_time_to_string (cases[i].time, cases[i].precision);

      g_assert_cmpstr (carrete_time_format (cases[i].time, cases[i].precision, text), ==,
                       cases[i].expected);
      g_assert_cmpstr (copy, ==, cases[i].expected);
    }
}

/* The JSON's milliseconds are cut off, not rounded, as PostgreSQL's
 * to_char(…, 'SS.MS') did when it wrote them (checked against PostgreSQL
 * 15; test-photos-read /photos/fs/list/exact-times compares with it
 * again).  A whole second still has its three digits. */
static void
test_milliseconds (void)
{
  static const TimeCase cases[] = {
    { T (1714564800123456), MS, "2024-05-01T12:00:00.123Z" },
    { T (1714564800999999), MS, "2024-05-01T12:00:00.999Z" },
    { T (1714564800000000), MS, "2024-05-01T12:00:00.000Z" },
    { 0, MS, "1970-01-01T00:00:00.000Z" },
  };

  assert_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_microseconds_and_seconds (void)
{
  static const TimeCase cases[] = {
    { T (1714564800123456), US, "2024-05-01T12:00:00.123456Z" },
    { T (1714564800000001), US, "2024-05-01T12:00:00.000001Z" },
    { T (1714564800000000), US, "2024-05-01T12:00:00.000000Z" },
    { T (1714564800999999), S, "2024-05-01T12:00:00Z" },
    { T (1709208000000000), S, "2024-02-29T12:00:00Z" },
  };

  assert_cases (cases, G_N_ELEMENTS (cases));
}

/* Before 1970 a time counts back from the epoch; its fraction is still
 * the part after the (earlier) whole second, as PostgreSQL writes it. */
static void
test_before_1970 (void)
{
  static const TimeCase cases[] = {
    { -1, US, "1969-12-31T23:59:59.999999Z" },
    { -1, MS, "1969-12-31T23:59:59.999Z" },
    { -1, S, "1969-12-31T23:59:59Z" },
    { -500000, MS, "1969-12-31T23:59:59.500Z" },
    { T (-618062399999500), MS, "1950-06-01T12:00:00.000Z" },
    { T (-618062399999500), US, "1950-06-01T12:00:00.000500Z" },
    { T (-2203891200000000), S, "1900-03-01T00:00:00Z" }, /* 1900 is no leap year */
    { T (-62135596800000000), MS, "0001-01-01T00:00:00.000Z" },
  };

  assert_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_far_future (void)
{
  static const TimeCase cases[] = {
    { T (253402300799999999), US, "9999-12-31T23:59:59.999999Z" },
    { T (253402300799999999), MS, "9999-12-31T23:59:59.999Z" },
    { T (4107542400000000), S, "2100-03-01T00:00:00Z" }, /* 2100 is no leap year */
    { T (951782400000000), S, "2000-02-29T00:00:00Z" },  /* 2000 is one */
  };

  assert_cases (cases, G_N_ELEMENTS (cases));
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
  g_assert_cmpstr (out->str, ==,
                   "{\"taken_at\":null,\"uploaded_at\":\"2024-05-01T12:00:00.123Z\"}");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/carrete/time/milliseconds", test_milliseconds);
  g_test_add_func ("/carrete/time/microseconds-and-seconds", test_microseconds_and_seconds);
  g_test_add_func ("/carrete/time/before-1970", test_before_1970);
  g_test_add_func ("/carrete/time/far-future", test_far_future);
  g_test_add_func ("/carrete/time/days-against-gdatetime", test_days_against_gdatetime);
  g_test_add_func ("/carrete/time/none", test_none);

  return g_test_run ();
}
