#define G_LOG_DOMAIN "carrete-web"

#include "web-form.h"

#include <libsoup/soup.h>
#include <string.h>

GHashTable *
web_form_parse (const char *body, gsize len)
{
  g_autofree char *text = g_strndup (body != NULL ? body : "", len);
  GHashTable *form;
  GHashTableIter iter;
  gpointer key, value;

  if (strlen (text) != len)
    return NULL; /* a NUL byte in the body */
  form = soup_form_decode (text);
  g_hash_table_iter_init (&iter, form);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_utf8_validate (key, -1, NULL) || !g_utf8_validate (value, -1, NULL))
      {
        g_hash_table_unref (form);
        return NULL;
      }
  return form;
}

const char *
web_form_get (GHashTable *form, const char *name, const char *fallback)
{
  const char *value = g_hash_table_lookup (form, name);

  return value != NULL ? value : fallback;
}

char *
web_form_dup_stripped (GHashTable *form, const char *name)
{
  return g_strstrip (g_strdup (web_form_get (form, name, "")));
}

JsonNode *
web_form_tags (const char *text)
{
  g_autoptr (JsonArray) tags = json_array_new ();
  g_auto (GStrv) pieces = g_strsplit (text != NULL ? text : "", ",", -1);
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; pieces[i] != NULL; i++)
    {
      char *tag = g_strstrip (pieces[i]);
      if (*tag != '\0')
        json_array_add_string_element (tags, tag);
    }
  json_node_set_array (node, tags);
  return node;
}

gboolean
web_form_next_is_safe (const char *next)
{
  if (next == NULL || next[0] != '/' || next[1] == '/' || next[1] == '\\')
    return FALSE;
  for (const char *p = next; *p != '\0'; p++)
    if ((guchar) *p < 0x21 || (guchar) *p > 0x7e || *p == '\\')
      return FALSE;
  return TRUE;
}

static int
digits_value (const char *text, gsize len)
{
  int value = 0;

  for (gsize i = 0; i < len; i++)
    value = value * 10 + (text[i] - '0');
  return value;
}

char *
web_form_day_to_rfc3339 (const char *day, gboolean end_of_day)
{
  int y, m, d;

  if (day == NULL || strlen (day) != 10 || day[4] != '-' || day[7] != '-')
    return NULL;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (day[i]))
      return NULL;
  y = digits_value (day, 4);
  m = digits_value (day + 5, 2);
  d = digits_value (day + 8, 2);
  if (y < 1 || m < 1 || m > 12 || d < 1 || !g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    return NULL;
  return g_strdup_printf ("%04d-%02d-%02dT%s", y, m, d, end_of_day ? "23:59:59Z" : "00:00:00Z");
}

gboolean
web_form_id_is_plausible (const char *id)
{
  gsize len = id != NULL ? strlen (id) : 0;

  if (len == 0 || len > 64)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (id[i]) && id[i] != '_')
      return FALSE;
  return TRUE;
}
