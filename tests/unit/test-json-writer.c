#define G_LOG_DOMAIN "carrete-test-json-writer"

#include <json-glib/json-glib.h>
#include <string.h>

#include "carrete-json-writer.h"

static void
test_structure (void)
{
  g_autoptr (GString) out = g_string_new (NULL);
  CarreteJsonWriter w;

  carrete_json_writer_init (&w, out);
  carrete_json_writer_begin_object (&w);
  carrete_json_writer_member (&w, "items");
  carrete_json_writer_begin_array (&w);
  carrete_json_writer_begin_object (&w);
  carrete_json_writer_member (&w, "a");
  carrete_json_writer_int (&w, -7);
  carrete_json_writer_member (&w, "b");
  carrete_json_writer_null (&w);
  carrete_json_writer_end_object (&w);
  carrete_json_writer_string (&w, "two");
  carrete_json_writer_begin_array (&w);
  carrete_json_writer_end_array (&w);
  carrete_json_writer_end_array (&w);
  carrete_json_writer_member (&w, "next");
  carrete_json_writer_string (&w, NULL);
  carrete_json_writer_end_object (&w);

  g_assert_cmpstr (out->str, ==, "{\"items\":[{\"a\":-7,\"b\":null},\"two\",[]],\"next\":null}");
}

/* Whatever a name may hold comes out as a JSON string that parses back to
 * the same text. */
static void
test_escaping (void)
{
  const char *tricky = "quote \" backslash \\ newline \n tab \t bell \a nul-free \x1f "
                       "</script> emoji 📷 separator \u2028 end";
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (JsonNode) parsed = NULL;
  g_autoptr (GError) error = NULL;
  CarreteJsonWriter w;

  carrete_json_writer_init (&w, out);
  carrete_json_writer_begin_object (&w);
  carrete_json_writer_member (&w, "name \"x\"");
  carrete_json_writer_string (&w, tricky);
  carrete_json_writer_end_object (&w);
  parsed = json_from_string (out->str, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (parsed), "name \"x\""),
                   ==, tricky);
  g_assert_null (strchr (out->str, '\n'));
  g_assert_null (strchr (out->str, '\a'));
}

/* Every control character, escapes back to back, at the very start and
 * end, and the empty string: plain runs are copied whole, so the edges of
 * a run are where a mistake would be. */
static void
test_escaping_edges (void)
{
  GString *all = g_string_new (NULL);
  g_autofree char *every_control = NULL;
  const char *cases[] = { "", "\"", "\\\\", "\n\n\t", "a\"", "\"a", "\x01plain\x1f", NULL };

  for (char c = 1; c < 0x20; c++)
    g_string_append_c (all, c);
  g_string_append (all, "\"\\");
  every_control = g_string_free (all, FALSE);
  for (int i = -1; i == -1 || cases[i] != NULL; i++)
    {
      const char *value = i < 0 ? every_control : cases[i];
      g_autoptr (GString) out = g_string_new (NULL);
      g_autoptr (JsonNode) parsed = NULL;
      g_autoptr (GError) error = NULL;

      carrete_json_append_quoted (out, value);
      parsed = json_from_string (out->str, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (json_node_get_string (parsed), ==, value);
      for (const char *p = out->str; *p != '\0'; p++)
        g_assert_cmpint ((unsigned char)*p, >=, 0x20);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/carrete/json-writer/structure", test_structure);
  g_test_add_func ("/carrete/json-writer/escaping", test_escaping);
  g_test_add_func ("/carrete/json-writer/escaping-edges", test_escaping_edges);
  return g_test_run ();
}
