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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/carrete/json-writer/structure", test_structure);
  g_test_add_func ("/carrete/json-writer/escaping", test_escaping);
  return g_test_run ();
}
