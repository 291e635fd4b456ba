#define G_LOG_DOMAIN "carrete-web"

#include "web-i18n.h"

#include <gio/gio.h>
#include <string.h>

#include "carrete-error.h"

#define PO_RESOURCE "/dev/carrete/web/po/%s.po"

static const char *const languages[] = { "en", "es" };

struct _WebI18n
{
  GHashTable *catalogues; /* lang → (msgid → msgstr) */
};

WebI18n *
web_i18n_new (void)
{
  WebI18n *i18n = g_new0 (WebI18n, 1);

  i18n->catalogues = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) g_hash_table_unref);
  return i18n;
}

void
web_i18n_free (WebI18n *i18n)
{
  if (i18n == NULL)
    return;
  g_hash_table_unref (i18n->catalogues);
  g_free (i18n);
}

/* One entry being read; `target` is where continuation lines go. */
typedef struct
{
  GString *msgid;
  GString *msgstr;
  GString *target;
  gboolean fuzzy;
  gboolean skip; /* msgctxt or plural forms: not used by carrete-web */
} PoEntry;

static void
entry_commit (PoEntry *entry, GHashTable *table)
{
  if (entry->msgid != NULL && entry->msgstr != NULL && entry->msgid->len > 0
      && entry->msgstr->len > 0 && !entry->fuzzy && !entry->skip)
    g_hash_table_replace (table, g_strdup (entry->msgid->str), g_strdup (entry->msgstr->str));
  if (entry->msgid != NULL)
    g_string_free (entry->msgid, TRUE);
  if (entry->msgstr != NULL)
    g_string_free (entry->msgstr, TRUE);
  *entry = (PoEntry) { 0 };
}

/* `"text"` → unescaped text appended to `out`. */
static gboolean
append_quoted (GString *out, const char *line)
{
  gsize len = strlen (line);
  g_autofree char *inner = NULL;
  g_autofree char *plain = NULL;

  if (len < 2 || line[0] != '"' || line[len - 1] != '"')
    return FALSE;
  inner = g_strndup (line + 1, len - 2);
  plain = g_strcompress (inner);
  g_string_append (out, plain);
  return TRUE;
}

static gboolean
parse_line (PoEntry *entry, GHashTable *table, char *line)
{
  g_strstrip (line);
  if (*line == '\0')
    return TRUE;
  if (line[0] == '#')
    {
      if (g_str_has_prefix (line, "#,") && strstr (line, "fuzzy") != NULL)
        {
          entry_commit (entry, table);
          entry->fuzzy = TRUE;
        }
      return TRUE;
    }
  if (g_str_has_prefix (line, "msgctxt "))
    {
      entry_commit (entry, table);
      entry->skip = TRUE;
      entry->target = NULL;
      return TRUE;
    }
  if (g_str_has_prefix (line, "msgid_plural ") || g_str_has_prefix (line, "msgstr["))
    {
      entry->skip = TRUE;
      entry->target = NULL;
      return TRUE;
    }
  if (g_str_has_prefix (line, "msgid "))
    {
      gboolean fuzzy = entry->fuzzy && entry->msgid == NULL;
      gboolean skip = entry->skip && entry->msgid == NULL;

      entry_commit (entry, table);
      entry->fuzzy = fuzzy;
      entry->skip = skip;
      entry->msgid = g_string_new (NULL);
      entry->target = entry->msgid;
      return append_quoted (entry->msgid, line + 6);
    }
  if (g_str_has_prefix (line, "msgstr "))
    {
      if (entry->msgid == NULL)
        return FALSE;
      entry->msgstr = g_string_new (NULL);
      entry->target = entry->msgstr;
      return append_quoted (entry->msgstr, line + 7);
    }
  if (line[0] == '"')
    return entry->target == NULL ? entry->skip : append_quoted (entry->target, line);
  return FALSE;
}

gboolean
web_i18n_add_po (WebI18n *i18n, const char *lang, const char *po, gsize len, GError **error)
{
  g_autofree char *text = g_strndup (po, len);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  PoEntry entry = { 0 };

  for (guint i = 0; lines[i] != NULL; i++)
    if (!parse_line (&entry, table, lines[i]))
      {
        entry_commit (&entry, table);
        g_hash_table_unref (table);
        g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG, "%s.po line %u is not valid",
                     lang, i + 1);
        return FALSE;
      }
  entry_commit (&entry, table);
  g_hash_table_replace (i18n->catalogues, g_strdup (lang), table);
  return TRUE;
}

gboolean
web_i18n_load_builtin (WebI18n *i18n, GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    {
      g_autofree char *path = g_strdup_printf (PO_RESOURCE, languages[i]);
      g_autoptr (GBytes) po = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
      gsize len = 0;
      const char *data;

      if (po == NULL)
        continue; /* English is the source language: no catalogue */
      data = g_bytes_get_data (po, &len);
      if (!web_i18n_add_po (i18n, languages[i], data, len, error))
        return FALSE;
    }
  return TRUE;
}

const char *
web_i18n_get (const WebI18n *i18n, const char *lang, const char *msgid)
{
  GHashTable *table = i18n != NULL ? g_hash_table_lookup (i18n->catalogues, lang) : NULL;
  const char *found = table != NULL ? g_hash_table_lookup (table, msgid) : NULL;

  return found != NULL ? found : msgid;
}

const char *
web_i18n_supported (const char *code)
{
  for (guint i = 0; code != NULL && i < G_N_ELEMENTS (languages); i++)
    if (g_ascii_strcasecmp (code, languages[i]) == 0)
      return languages[i];
  return NULL;
}

/* "es-ES,es;q=0.9,en;q=0.8" → the first supported primary tag.  Entries
 * are taken in the order sent; browsers send them by preference. */
static const char *
from_accept_language (const char *header)
{
  g_auto (GStrv) ranges = NULL;

  if (header == NULL)
    return NULL;
  ranges = g_strsplit (header, ",", -1);
  for (guint i = 0; ranges[i] != NULL; i++)
    {
      char *range = g_strstrip (ranges[i]);
      gsize primary = strcspn (range, "-;");
      g_autofree char *code = g_strndup (range, primary);
      const char *lang = web_i18n_supported (code);

      if (strstr (range, "q=0") != NULL && strstr (range, "q=0.") == NULL)
        continue; /* q=0: explicitly not wanted */
      if (lang != NULL)
        return lang;
    }
  return NULL;
}

const char *
web_i18n_pick (const char *query_lang, const char *cookie_lang, const char *accept_language)
{
  const char *lang;

  if ((lang = web_i18n_supported (query_lang)) != NULL)
    return lang;
  if ((lang = web_i18n_supported (cookie_lang)) != NULL)
    return lang;
  if ((lang = from_accept_language (accept_language)) != NULL)
    return lang;
  return "en";
}
