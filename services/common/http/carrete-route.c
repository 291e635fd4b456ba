#define G_LOG_DOMAIN "carrete-server"

/* Route patterns: matching a path, and which of several matching patterns
 * is the most specific. */

#include "carrete-server.h"

#include <string.h>

#include "carrete-request-private.h"
#include "carrete-server-private.h"

static const char *
segment_end (const char *s)
{
  const char *slash = strchr (s, '/');
  return slash != NULL ? slash : s + strlen (s);
}

static gboolean
is_param_segment (const char *segment, gsize len)
{
  return len > 2 && segment[0] == '{' && segment[len - 1] == '}';
}

static gboolean
is_rest_segment (const char *segment, gsize len)
{
  return len > 3 && segment[len - 2] == '*';
}

/* Walks pattern and path one segment at a time; only a matched parameter
 * allocates. */
int
carrete_route_match (const char *pattern, const char *path, char **names, char **values)
{
  const char *p = pattern;
  const char *q = path;
  int n = 0;

  for (;;)
    {
      const char *p_end = segment_end (p);
      const char *q_end = segment_end (q);
      gsize p_len = (gsize)(p_end - p);
      gsize q_len = (gsize)(q_end - q);

      if (is_param_segment (p, p_len))
        {
          g_autofree char *raw = NULL;
          gboolean rest = is_rest_segment (p, p_len) && *p_end == '\0';

          if (q_len == 0 || n >= CARRETE_MAX_PATH_PARAMS)
            goto mismatch;
          if (rest)
            q_end = q + strlen (q), q_len = (gsize)(q_end - q);
          raw = g_strndup (q, q_len);
          names[n] = g_strndup (p + 1, p_len - (rest ? 3 : 2));
          values[n] = g_uri_unescape_string (raw, "/");
          n++;
          if (values[n - 1] == NULL)
            goto mismatch;
        }
      else if (p_len != q_len || memcmp (p, q, p_len) != 0)
        goto mismatch;

      if (*p_end == '\0' || *q_end == '\0')
        {
          if (*p_end != *q_end)
            goto mismatch; /* one has more segments */
          return n;
        }
      p = p_end + 1;
      q = q_end + 1;
    }

mismatch:
  for (int i = 0; i < n; i++)
    {
      g_clear_pointer (&names[i], g_free);
      g_clear_pointer (&values[i], g_free);
    }
  return -1;
}

/* carrete_route_match without keeping the values. */
gboolean
_carrete_route_matches (const char *pattern, const char *path)
{
  char *names[CARRETE_MAX_PATH_PARAMS] = { 0 };
  char *values[CARRETE_MAX_PATH_PARAMS] = { 0 };
  int n = carrete_route_match (pattern, path, names, values);

  for (int k = 0; k < n; k++)
    {
      g_free (names[k]);
      g_free (values[k]);
    }
  return n >= 0;
}

/* How specific a route pattern is, as a string that sorts the more
 * specific first: per segment, 'a' for a literal, 'b' for a template,
 * 'c' for a rest parameter ({name*}). */
char *
_carrete_route_rank (const char *pattern)
{
  g_auto (GStrv) segments = g_strsplit (pattern, "/", -1);
  GString *rank = g_string_new (NULL);

  for (guint i = 0; segments[i] != NULL; i++)
    {
      const char *segment = segments[i];

      if (*segment == '\0')
        continue;
      if (segment[0] != '{')
        g_string_append_c (rank, 'a');
      else if (g_str_has_suffix (segment, "*}"))
        g_string_append_c (rank, 'c');
      else
        g_string_append_c (rank, 'b');
    }
  return g_string_free (rank, FALSE);
}
