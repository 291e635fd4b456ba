#define G_LOG_DOMAIN "carrete-json-strict"

#include "carrete-json-strict.h"

#include <string.h>

/* A strict RFC 8259 checker run before json-glib, which is lenient: it
 * takes single quotes, comments, hex numbers and trailing garbage such as a
 * second object.  The checker also bounds nesting (json-glib recurses, so a
 * deep body could exhaust the stack) and refuses \u0000, which C strings
 * would silently truncate.  Recursion depth is bounded by
 * CARRETE_JSON_STRICT_MAX_DEPTH. */
typedef struct
{
  const char *p;
  const char *end;
  guint depth;
  const char *reason;
} Scanner;

static gboolean scan_value (Scanner *s);

static gboolean
scan_fail (Scanner *s, const char *reason)
{
  if (s->reason == NULL)
    s->reason = reason;
  return FALSE;
}

static void
scan_space (Scanner *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
    s->p++;
}

static gboolean
scan_literal (Scanner *s, const char *word)
{
  gsize len = strlen (word);

  if ((gsize) (s->end - s->p) < len || memcmp (s->p, word, len) != 0)
    return scan_fail (s, "body is not valid JSON");
  s->p += len;
  return TRUE;
}

static gboolean
scan_digits (Scanner *s)
{
  const char *start = s->p;

  while (s->p < s->end && g_ascii_isdigit (*s->p))
    s->p++;
  return s->p > start || scan_fail (s, "body is not valid JSON: bad number");
}

static gboolean
scan_number (Scanner *s)
{
  if (*s->p == '-')
    s->p++;
  if (s->p < s->end && *s->p == '0')
    s->p++;
  else if (!scan_digits (s))
    return FALSE;
  if (s->p < s->end && *s->p == '.')
    {
      s->p++;
      if (!scan_digits (s))
        return FALSE;
    }
  if (s->p < s->end && (*s->p == 'e' || *s->p == 'E'))
    {
      s->p++;
      if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
        s->p++;
      if (!scan_digits (s))
        return FALSE;
    }
  return TRUE;
}

/* Reads the four hex digits of a \u escape (s->p at the 'u'). */
static gboolean
read_code_unit (Scanner *s, guint *unit)
{
  *unit = 0;
  if (s->end - s->p < 5 || *s->p != 'u')
    return FALSE;
  for (int i = 1; i <= 4; i++)
    {
      if (!g_ascii_isxdigit (s->p[i]))
        return FALSE;
      *unit = *unit * 16 + (guint) g_ascii_xdigit_value (s->p[i]);
    }
  s->p += 5;
  return TRUE;
}

/* UTF-16 escapes must form whole characters: a high surrogate needs a low
 * one right after it, and a low one may not stand alone.  (json-glib 1.6
 * leaks its buffer on a broken pair.) */
static gboolean
scan_unicode_escape (Scanner *s)
{
  guint unit, low;

  if (!read_code_unit (s, &unit))
    return scan_fail (s, "body is not valid JSON: bad escape");
  if (unit == 0)
    return scan_fail (s, "strings may not contain NUL characters");
  if (unit >= 0xDC00 && unit <= 0xDFFF)
    return scan_fail (s, "body is not valid JSON: unpaired surrogate");
  if (unit < 0xD800 || unit > 0xDBFF)
    return TRUE;
  if (s->end - s->p < 6 || s->p[0] != '\\')
    return scan_fail (s, "body is not valid JSON: unpaired surrogate");
  s->p++;
  if (!read_code_unit (s, &low) || low < 0xDC00 || low > 0xDFFF)
    return scan_fail (s, "body is not valid JSON: unpaired surrogate");
  return TRUE;
}

static gboolean
scan_escape (Scanner *s)
{
  if (s->p >= s->end)
    return scan_fail (s, "body is not valid JSON: unterminated string");
  if (strchr ("\"\\/bfnrt", *s->p) != NULL && *s->p != '\0')
    {
      s->p++;
      return TRUE;
    }
  return scan_unicode_escape (s);
}

static gboolean
scan_string (Scanner *s)
{
  s->p++; /* the opening quote */
  while (s->p < s->end)
    {
      guchar c = (guchar) *s->p++;
      if (c == '"')
        return TRUE;
      if (c < 0x20)
        return scan_fail (s, "body is not valid JSON: control character in a string");
      if (c == '\\' && !scan_escape (s))
        return FALSE;
    }
  return scan_fail (s, "body is not valid JSON: unterminated string");
}

/* Members of an object (`close` '}') or items of an array (']'). */
static gboolean
scan_container (Scanner *s, char close)
{
  if (++s->depth > CARRETE_JSON_STRICT_MAX_DEPTH)
    return scan_fail (s, "JSON is nested too deeply");
  s->p++;
  scan_space (s);
  if (s->p < s->end && *s->p == close)
    {
      s->p++;
      s->depth--;
      return TRUE;
    }
  for (;;)
    {
      if (close == '}')
        {
          if (s->p >= s->end || *s->p != '"' || !scan_string (s))
            return scan_fail (s, "body is not valid JSON: expected a member name");
          scan_space (s);
          if (s->p >= s->end || *s->p++ != ':')
            return scan_fail (s, "body is not valid JSON: expected ':'");
        }
      if (!scan_value (s))
        return FALSE;
      scan_space (s);
      if (s->p < s->end && *s->p == ',')
        {
          s->p++;
          scan_space (s);
          continue;
        }
      if (s->p < s->end && *s->p == close)
        {
          s->p++;
          s->depth--;
          return TRUE;
        }
      return scan_fail (s, "body is not valid JSON: expected ',' or a closing bracket");
    }
}

static gboolean
scan_value (Scanner *s)
{
  scan_space (s);
  if (s->p >= s->end)
    return scan_fail (s, "body is not valid JSON: unexpected end");
  switch (*s->p)
    {
    case '{':
      return scan_container (s, '}');
    case '[':
      return scan_container (s, ']');
    case '"':
      return scan_string (s);
    case 't':
      return scan_literal (s, "true");
    case 'f':
      return scan_literal (s, "false");
    case 'n':
      return scan_literal (s, "null");
    default:
      if (*s->p == '-' || g_ascii_isdigit (*s->p))
        return scan_number (s);
      return scan_fail (s, "body is not valid JSON");
    }
}

gboolean
carrete_json_strict_check (const char *data, gsize len, const char **reason)
{
  Scanner s = { data, data + len, 0, NULL };

  if (memchr (data, '\0', len) != NULL || !g_utf8_validate (data, (gssize) len, NULL))
    {
      *reason = "body is not valid UTF-8 text";
      return FALSE;
    }
  if (!scan_value (&s))
    {
      *reason = s.reason;
      return FALSE;
    }
  scan_space (&s);
  if (s.p != s.end)
    {
      *reason = "body is not valid JSON: more than one value";
      return FALSE;
    }
  return TRUE;
}

