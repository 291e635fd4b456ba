/* carrete-web: the .po reader, language choice and the shipped Spanish. */
#include <string.h>

#include "web-i18n.h"

static const char sample[] =
  "# a comment\n"
  "msgid \"\"\n"
  "msgstr \"\"\n"
  "\"Content-Type: text/plain; charset=UTF-8\\n\"\n"
  "\n"
  "msgid \"Sign in\"\n"
  "msgstr \"Iniciar sesión\"\n"
  "\n"
  "#: pages-auth.c:1\n"
  "msgid \"\"\n"
  "\"A long \"\n"
  "\"message\"\n"
  "msgstr \"\"\n"
  "\"Un mensaje \\\"largo\\\"\"\n"
  "\n"
  "#, fuzzy\n"
  "msgid \"Guess\"\n"
  "msgstr \"Adivinanza\"\n"
  "\n"
  "msgid \"Untranslated\"\n"
  "msgstr \"\"\n"
  "\n"
  "msgctxt \"menu\"\n"
  "msgid \"Open\"\n"
  "msgstr \"Abrir\"\n"
  "\n"
  "msgid \"After\"\n"
  "msgstr \"Después\"\n";

static void
test_po (void)
{
  g_autoptr (WebI18n) i18n = web_i18n_new ();
  g_autoptr (GError) error = NULL;

  g_assert_true (web_i18n_add_po (i18n, "es", sample, strlen (sample), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (web_i18n_get (i18n, "es", "Sign in"), ==, "Iniciar sesión");
  g_assert_cmpstr (web_i18n_get (i18n, "es", "A long message"), ==, "Un mensaje \"largo\"");
  g_assert_cmpstr (web_i18n_get (i18n, "es", "Guess"), ==, "Guess");               /* fuzzy */
  g_assert_cmpstr (web_i18n_get (i18n, "es", "Untranslated"), ==, "Untranslated"); /* empty */
  g_assert_cmpstr (web_i18n_get (i18n, "es", "Open"), ==, "Open");                 /* context */
  g_assert_cmpstr (web_i18n_get (i18n, "es", "After"), ==, "Después");
  g_assert_cmpstr (web_i18n_get (i18n, "en", "Sign in"), ==, "Sign in");
  g_assert_cmpstr (web_i18n_get (i18n, "fr", "Sign in"), ==, "Sign in");
}

static void
test_po_refuses_garbage (void)
{
  g_autoptr (WebI18n) i18n = web_i18n_new ();
  g_autoptr (GError) error = NULL;
  const char *garbage = "msgid \"x\"\nthis is not a po file\n";

  g_assert_false (web_i18n_add_po (i18n, "es", garbage, strlen (garbage), &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "line 2"));
}

static void
test_pick (void)
{
  g_assert_cmpstr (web_i18n_pick ("es", "en", "en-US"), ==, "es");
  g_assert_cmpstr (web_i18n_pick ("xx", "es", "en-US"), ==, "es");
  g_assert_cmpstr (web_i18n_pick (NULL, NULL, "es-ES,es;q=0.9,en;q=0.8"), ==, "es");
  g_assert_cmpstr (web_i18n_pick (NULL, NULL, "fr-FR, es;q=0.5"), ==, "es");
  g_assert_cmpstr (web_i18n_pick (NULL, NULL, "de, fr"), ==, "en");
  g_assert_cmpstr (web_i18n_pick (NULL, NULL, "es;q=0, en"), ==, "en");
  g_assert_cmpstr (web_i18n_pick (NULL, "<script>", NULL), ==, "en");
  g_assert_cmpstr (web_i18n_pick (NULL, NULL, NULL), ==, "en");
}

static void
test_builtin_spanish (void)
{
  g_autoptr (WebI18n) i18n = web_i18n_new ();
  g_autoptr (GError) error = NULL;

  g_assert_true (web_i18n_load_builtin (i18n, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (web_i18n_get (i18n, "es", "Sign in"), ==, "Iniciar sesión");
  g_assert_cmpstr (web_i18n_get (i18n, "es", "This file is too large: the limit is {limit} per file."), ==,
                   "Este archivo es demasiado grande: el límite es {limit} por archivo.");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/carrete/web/i18n/po", test_po);
  g_test_add_func ("/carrete/web/i18n/po-garbage", test_po_refuses_garbage);
  g_test_add_func ("/carrete/web/i18n/pick", test_pick);
  g_test_add_func ("/carrete/web/i18n/builtin-spanish", test_builtin_spanish);
  return g_test_run ();
}
