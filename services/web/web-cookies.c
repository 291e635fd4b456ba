#define G_LOG_DOMAIN "carrete-web"

#include "web-cookies.h"

#include <string.h>

GHashTable *
web_cookies_parse (const char *header)
{
  GHashTable *cookies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto (GStrv) pairs = NULL;

  if (header == NULL)
    return cookies;
  pairs = g_strsplit (header, ";", -1);
  for (guint i = 0; pairs[i] != NULL; i++)
    {
      char *pair = g_strstrip (pairs[i]);
      const char *eq = strchr (pair, '=');
      g_autofree char *name = NULL;
      const char *value;

      if (eq == NULL || eq == pair)
        continue;
      name = g_strndup (pair, (gsize) (eq - pair));
      g_strstrip (name);
      value = eq + 1;
      if (!g_hash_table_contains (cookies, name))
        g_hash_table_insert (cookies, g_steal_pointer (&name), g_strdup (value));
    }
  return cookies;
}

/* RFC 6265 §4.1.1: no controls, whitespace, DQUOTE, comma, semicolon or
 * backslash, and ASCII only. */
gboolean
web_cookie_value_is_valid (const char *value)
{
  for (const char *p = value; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;
      if (c <= 0x20 || c >= 0x7f || c == '"' || c == ',' || c == ';' || c == '\\')
        return FALSE;
    }
  return TRUE;
}

char *
web_cookie_format (const char *name, const char *value, gint64 max_age, gboolean secure)
{
  return web_cookie_format_at (name, value, "/", max_age, secure);
}

char *
web_cookie_format_at (const char *name, const char *value, const char *path, gint64 max_age,
                      gboolean secure)
{
  GString *out;

  if (!web_cookie_value_is_valid (value) || !web_cookie_value_is_valid (path))
    return NULL;
  out = g_string_new (NULL);
  g_string_append_printf (out, "%s=%s; Path=%s; HttpOnly; SameSite=Lax", name, value, path);
  if (max_age >= 0)
    g_string_append_printf (out, "; Max-Age=%" G_GINT64_FORMAT, max_age);
  if (secure)
    g_string_append (out, "; Secure");
  return g_string_free (out, FALSE);
}
