#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Translations per request.  glibc's gettext is process-wide and needs the
 * locale installed (containers have none), so the shipped .po catalogues
 * (compiled into the binary as GResources) are read into hash tables at
 * start-up and looked up by the language each request asked for. */
typedef struct _WebI18n WebI18n;

WebI18n *web_i18n_new (void);
void web_i18n_free (WebI18n *i18n);

/* Adds the catalogue `po` (the text of a .po file) for `lang`.  Fuzzy and
 * untranslated entries are skipped. */
gboolean web_i18n_add_po (WebI18n *i18n, const char *lang, const char *po, gsize len,
                          GError **error);
/* Loads every language the binary ships (from its GResource). */
gboolean web_i18n_load_builtin (WebI18n *i18n, GError **error);

/* The translation of `msgid` into `lang`, or `msgid` itself. */
const char *web_i18n_get (const WebI18n *i18n, const char *lang, const char *msgid);

/* The language to answer in: a valid ?lang= wins, then the cookie, then the
 * first supported entry of Accept-Language, then English.  Returns a static
 * string ("en" or "es"). */
const char *web_i18n_pick (const char *query_lang, const char *cookie_lang,
                           const char *accept_language);
/* "en" or "es" for a supported code, else NULL. */
const char *web_i18n_supported (const char *code);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WebI18n, web_i18n_free)

G_END_DECLS
