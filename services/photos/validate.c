#define G_LOG_DOMAIN "carrete-photos-validate"

#include "validate.h"

#include <string.h>

static gboolean
has_forbidden_character (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '/' || c == '\\'
          || c == 0x2028 || c == 0x2029)
        return TRUE;
    }
  return FALSE;
}

char *
photos_validate_name (const char *name, const char **message)
{
  g_autofree char *trimmed = NULL;
  glong chars;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    {
      *message = "must be UTF-8 text";
      return NULL;
    }
  trimmed = g_strstrip (g_strdup (name));
  chars = g_utf8_strlen (trimmed, -1);
  if (chars == 0)
    *message = "must not be empty";
  else if (chars > PHOTOS_NAME_MAX)
    *message = "must be at most 255 characters";
  else if (has_forbidden_character (trimmed))
    *message = "must not contain '/', '\\' or control characters";
  else if (g_str_equal (trimmed, ".") || g_str_equal (trimmed, ".."))
    *message = "must not be \".\" or \"..\"";
  else
    return g_steal_pointer (&trimmed);
  return NULL;
}

char *
photos_name_from_filename (const char *filename)
{
  const char *base;
  const char *message;

  if (filename == NULL)
    return NULL;
  base = strrchr (filename, '/');
  base = base != NULL ? base + 1 : filename;
  if (strrchr (base, '\\') != NULL)
    base = strrchr (base, '\\') + 1;
  return photos_validate_name (base, &message);
}

gboolean
photos_parse_limit (const char *text, guint default_limit, guint max, guint *limit)
{
  guint64 value;

  if (text == NULL)
    {
      *limit = default_limit;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (text, 10, 1, max, &value, NULL))
    return FALSE;
  *limit = (guint) value;
  return TRUE;
}

gboolean
photos_parse_timestamp (const char *text, gint64 *time)
{
  g_autoptr (GDateTime) when = NULL;
  g_autofree char *upper = NULL;
  gsize len;

  *time = CARRETE_TIME_NONE;
  if (text == NULL)
    return TRUE;
  len = strlen (text);
  /* g_date_time_new_from_iso8601 also takes forms RFC 3339 does not
   * (week dates, no seconds, no offset with a default zone): insist on
   * YYYY-MM-DDTHH:MM:SS, then an optional fraction and an offset. */
  if (len < 20 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't')
      || text[13] != ':' || text[16] != ':')
    return FALSE;
  upper = g_ascii_strup (text, -1); /* RFC 3339 allows "t" and "z" */
  when = g_date_time_new_from_iso8601 (upper, NULL);
  if (when == NULL)
    return FALSE;
  *time = g_date_time_to_unix (when) * G_USEC_PER_SEC + g_date_time_get_microsecond (when);
  return TRUE;
}
