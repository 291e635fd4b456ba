#define G_LOG_DOMAIN "carrete-test-photos-validate"

#include <string.h>

#include "carrete-time.h"
#include "validate.h"

static void
assert_name (const char *given, const char *expected)
{
  const char *message = NULL;
  g_autofree char *name = photos_validate_name (given, &message);

  if (expected == NULL)
    {
      if (name != NULL)
        g_error ("\"%s\" was accepted as \"%s\"", given, name);
      g_assert_nonnull (message);
    }
  else
    g_assert_cmpstr (name, ==, expected);
}

static void
test_names (void)
{
  g_autofree char *long_name = g_strnfill (1000, 'a');
  g_autofree char *longest = g_strnfill (255, 'b');
  g_autoptr (GString) emoji = g_string_new (NULL);

  assert_name ("Beach", "Beach");
  assert_name ("  Beach at noon \t", "Beach at noon");
  assert_name ("Fiesta 🎉 en la playa", "Fiesta 🎉 en la playa");
  assert_name (longest, longest);
  /* 255 emoji are 255 characters, not 255 bytes. */
  for (guint i = 0; i < 255; i++)
    g_string_append (emoji, "📷");
  assert_name (emoji->str, emoji->str);
  g_string_append (emoji, "📷");
  assert_name (emoji->str, NULL);
  assert_name (long_name, NULL);
  assert_name ("", NULL);
  assert_name ("   ", NULL);
  assert_name ("a/b", NULL);
  assert_name ("../etc/passwd", NULL);
  assert_name ("..", NULL);
  assert_name (".", NULL);
  assert_name ("a\\b", NULL);
  assert_name ("tab\tinside", NULL);
  assert_name ("line\nbreak", NULL);
  assert_name ("bell\a", NULL);
  assert_name ("\xff\xfe", NULL);   /* not UTF-8 */
  assert_name ("del\x7f", NULL);
  assert_name ("c1\xc2\x85", NULL); /* U+0085, a C1 control */
  assert_name ("ls\xe2\x80\xa8", NULL); /* U+2028 line separator */
  assert_name ("..hidden", "..hidden");
  assert_name (NULL, NULL);
}

static void
test_names_from_files (void)
{
  g_autofree char *a = photos_name_from_filename ("IMG_0001.JPG");
  g_autofree char *b = photos_name_from_filename ("/home/ana/Pictures/beach.jpg");
  g_autofree char *c = photos_name_from_filename ("C:\\Users\\ana\\beach.png");
  g_autofree char *d = photos_name_from_filename ("dir/");
  g_autofree char *e = photos_name_from_filename (NULL);

  g_assert_cmpstr (a, ==, "IMG_0001.JPG");
  g_assert_cmpstr (b, ==, "beach.jpg");
  g_assert_cmpstr (c, ==, "beach.png");
  g_assert_null (d);
  g_assert_null (e);
}

static void
test_limits (void)
{
  guint limit = 0;

  g_assert_true (photos_parse_limit (NULL, 50, 200, &limit));
  g_assert_cmpuint (limit, ==, 50);
  g_assert_true (photos_parse_limit ("1", 50, 200, &limit));
  g_assert_cmpuint (limit, ==, 1);
  g_assert_true (photos_parse_limit ("200", 50, 200, &limit));
  g_assert_cmpuint (limit, ==, 200);
  g_assert_false (photos_parse_limit ("0", 50, 200, &limit));
  g_assert_false (photos_parse_limit ("201", 50, 200, &limit));
  g_assert_false (photos_parse_limit ("100000", 50, 200, &limit));
  g_assert_false (photos_parse_limit ("-1", 50, 200, &limit));
  g_assert_false (photos_parse_limit ("ten", 50, 200, &limit));
  g_assert_false (photos_parse_limit ("", 50, 200, &limit));
  g_assert_false (photos_parse_limit ("5 ", 50, 200, &limit));
}

/* A parsed time is checked as the exact text it goes to SQL as. */
static void
assert_timestamp (const char *given, const char *expected)
{
  gint64 time = 0;
  g_autofree char *parsed = photos_parse_timestamp (given, &time)
                                ? carrete_time_to_string (time, CARRETE_TIME_MICROSECONDS)
                                : NULL;

  g_assert_cmpstr (parsed, ==, expected);
}

static void
test_timestamps (void)
{
  gint64 time = 0;

  assert_timestamp ("2024-05-01T00:00:00Z", "2024-05-01T00:00:00.000000Z");
  assert_timestamp ("2024-05-01T02:30:00+02:00", "2024-05-01T00:30:00.000000Z");
  assert_timestamp ("2024-05-01T00:00:00.123456Z", "2024-05-01T00:00:00.123456Z");
  assert_timestamp ("2024-05-01t00:00:00z", "2024-05-01T00:00:00.000000Z");
  assert_timestamp ("1950-06-01T12:00:00.5-01:00", "1950-06-01T13:00:00.500000Z");
  assert_timestamp ("2024-05-01", NULL);             /* a date alone */
  assert_timestamp ("2024-05-01T00:00:00", NULL);    /* no offset */
  assert_timestamp ("2024-05-01T00:00Z", NULL);      /* no seconds */
  assert_timestamp ("2024-W18-3T00:00:00Z", NULL);   /* ISO 8601 week date */
  assert_timestamp ("2024-13-01T00:00:00Z", NULL);
  assert_timestamp ("2024-02-30T00:00:00Z", NULL);
  assert_timestamp ("yesterday", NULL);
  assert_timestamp ("", NULL);
  g_assert_false (photos_parse_timestamp ("", &time));
  /* No text is no bound. */
  g_assert_true (photos_parse_timestamp (NULL, &time));
  g_assert_cmpint (time, ==, CARRETE_TIME_NONE);
  g_assert_true (photos_parse_timestamp ("2024-05-01T12:00:00.123456Z", &time));
  g_assert_cmpint (time, ==, G_GINT64_CONSTANT (1714564800123456));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/photos/validate/names", test_names);
  g_test_add_func ("/photos/validate/names-from-files", test_names_from_files);
  g_test_add_func ("/photos/validate/limits", test_limits);
  g_test_add_func ("/photos/validate/timestamps", test_timestamps);

  return g_test_run ();
}
