#define G_LOG_DOMAIN "carrete-query-string"

#include "carrete-api-private.h"

/* Appends name=value to a path, '?' before the first parameter and '&'
 * after; the value is percent-encoded except RFC 3986's unreserved
 * characters, so that '&', '+', '#' or spaces in a search cannot change the
 * request's meaning. */
void
_carrete_query_append (GString *path, const char *name, const char *value)
{
  g_autofree char *escaped = NULL;

  if (value == NULL)
    return;
  escaped = g_uri_escape_string (value, NULL, FALSE);
  g_string_append_c (path, strchr (path->str, '?') == NULL ? '?' : '&');
  g_string_append (path, name);
  g_string_append_c (path, '=');
  g_string_append (path, escaped);
}

void
_carrete_query_append_tags (GString *path, const char *const *tags)
{
  g_autofree char *joined = NULL;

  if (tags == NULL || tags[0] == NULL)
    return;
  joined = g_strjoinv (",", (char **) tags);
  _carrete_query_append (path, "tags", joined);
}

void
_carrete_query_append_uint (GString *path, const char *name, guint value)
{
  g_autofree char *text = NULL;

  if (value == 0)
    return;
  text = g_strdup_printf ("%u", value);
  _carrete_query_append (path, name, text);
}
