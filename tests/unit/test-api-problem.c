#define G_LOG_DOMAIN "carrete-test-api-problem"

/* The shared problem+json → CARRETE_CLIENT_ERROR mapping as carrete-web
 * uses it (carrete_client_error_new_from_answer, the problem text of a
 * page) and the lenient JSON readers; the desktop's side of the same
 * mapping is in client-gtk/tests/test-client-unit.c. */

#include "carrete-api.h"

static JsonNode *
parse (const char *text)
{
  g_autoptr (GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

static void
test_problem_text (void)
{
  g_autoptr (JsonNode) body
      = parse ("{\"title\":\"Unprocessable\",\"detail\":\"Some fields are wrong.\",\"errors\":["
               "{\"field\":\"name\",\"message\":\"is required\"},"
               "{\"message\":\"no field\"},"
               "{\"field\":\"tags[1]\",\"message\":\"is too long\"},"
               "{\"field\":\"nothing said\"}, 7]}");
  g_autoptr (GError) error = carrete_client_error_new_from_answer (422, body, NULL);

  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "Some fields are wrong.");
  g_assert_cmpstr (carrete_client_error_get_problem_text (error), ==,
                   "Some fields are wrong. name: is required no field tags[1]: is too long");
  g_assert_cmpstr (carrete_client_error_get_field (error), ==, "name");
  g_assert_cmpuint (carrete_client_error_get_status (error), ==, 422);
  g_assert_false (carrete_client_error_is_transient (error));
}

/* Without a detail the title leads; without either, the field messages
 * alone; with nothing to say, no text (the page says its own). */
static void
test_problem_text_fallbacks (void)
{
  static const struct
  {
    guint status;
    const char *body; /* NULL: no body */
    CarreteClientError code;
    const char *text;
    const char *message;
  } cases[] = {
    { 409, "{\"title\":\"Conflict\"}", CARRETE_CLIENT_ERROR_CONFLICT, "Conflict", "Conflict" },
    { 400, "{\"errors\":[{\"field\":\"email\",\"message\":\"is taken\"}]}",
      CARRETE_CLIENT_ERROR_INVALID, "email: is taken", "is taken" },
    { 403, "{}", CARRETE_CLIENT_ERROR_FORBIDDEN, NULL, NULL },
    { 404, "[1,2]", CARRETE_CLIENT_ERROR_NOT_FOUND, NULL, NULL },
    { 401, NULL, CARRETE_CLIENT_ERROR_UNAUTHORIZED, NULL, NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (JsonNode) body = cases[i].body != NULL ? parse (cases[i].body) : NULL;
      g_autoptr (GError) error = carrete_client_error_new_from_answer (cases[i].status, body, NULL);

      g_assert_error (error, CARRETE_CLIENT_ERROR, (gint) cases[i].code);
      g_assert_cmpstr (carrete_client_error_get_problem_text (error), ==, cases[i].text);
      if (cases[i].message != NULL)
        g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

/* The text travels with the error through g_error_copy (GTask, the gate). */
static void
test_problem_text_copied (void)
{
  g_autoptr (JsonNode) body = parse ("{\"detail\":\"No.\"}");
  g_autoptr (GError) error = carrete_client_error_new_from_answer (422, body, "7");
  g_autoptr (GError) copy = g_error_copy (error);

  g_assert_cmpstr (carrete_client_error_get_problem_text (copy), ==, "No.");
  g_assert_cmpuint (carrete_client_error_get_retry_after (copy), ==, 7);
}

static void
test_transient (void)
{
  g_autoptr (GError) server = carrete_client_error_new_from_answer (500, NULL, NULL);
  g_autoptr (GError) gateway = carrete_client_error_new_from_answer (503, NULL, NULL);
  g_autoptr (GError) refused = carrete_client_error_new_from_answer (401, NULL, NULL);
  g_autoptr (GError) other = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "x");

  g_assert_true (carrete_client_error_is_transient (server));
  g_assert_true (carrete_client_error_is_transient (gateway));
  g_assert_false (carrete_client_error_is_transient (refused));
  g_assert_false (carrete_client_error_is_transient (other));
  g_assert_false (carrete_client_error_is_transient (NULL));
}

static void
test_json_readers (void)
{
  g_autoptr (JsonNode) node
      = parse ("{\"s\":\"text\",\"n\":42,\"z\":null,\"t\":\"2026-11-28T10:00:00Z\"}");
  JsonObject *object = json_node_get_object (node);
  g_autoptr (GDateTime) time = carrete_json_get_time (object, "t");

  g_assert_cmpstr (carrete_json_get_string (object, "s"), ==, "text");
  g_assert_null (carrete_json_get_string (object, "n"));
  g_assert_null (carrete_json_get_string (object, "z"));
  g_assert_null (carrete_json_get_string (NULL, "s"));
  g_assert_cmpint (carrete_json_get_int (object, "n", -1), ==, 42);
  g_assert_cmpint (carrete_json_get_int (object, "s", -1), ==, -1);
  g_assert_cmpint (carrete_json_get_int (object, "missing", 9), ==, 9);
  g_assert_cmpint (carrete_json_get_int (NULL, "n", 3), ==, 3);
  g_assert_nonnull (time);
  g_assert_cmpint (g_date_time_get_hour (time), ==, 10);
  g_assert_null (carrete_json_get_time (object, "s"));
}

/* A list page: items become models, next_cursor is kept; an item that is
 * not the model fails the page. */
static void
test_pages (void)
{
  g_autoptr (JsonNode) photos = parse (
      "{\"items\":[{\"id\":\"p1\",\"name\":\"a.jpg\",\"width\":3}],\"next_cursor\":\"c2\"}");
  g_autoptr (JsonNode) folders
      = parse ("{\"items\":[{\"id\":\"f1\",\"name\":\"Trip\",\"tags\":[\"x\",1]}]}");
  g_autoptr (JsonNode) broken = parse ("{\"items\":[{\"name\":\"no id\"}]}");
  g_autoptr (JsonNode) none = parse ("{\"next_cursor\":\"c\"}");
  g_autoptr (GError) error = NULL;
  g_autoptr (CarretePhotoPage) photo_page
      = carrete_photo_page_new_from_json (json_node_get_object (photos), &error);
  g_autoptr (CarreteFolderPage) folder_page = NULL;
  CarreteFolder *folder;

  g_assert_no_error (error);
  g_assert_cmpuint (photo_page->items->len, ==, 1);
  g_assert_cmpstr (carrete_photo_get_id (g_ptr_array_index (photo_page->items, 0)), ==, "p1");
  g_assert_cmpint (carrete_photo_get_width (g_ptr_array_index (photo_page->items, 0)), ==, 3);
  g_assert_cmpstr (photo_page->next_cursor, ==, "c2");

  folder_page = carrete_folder_page_new_from_json (json_node_get_object (folders), &error);
  g_assert_no_error (error);
  folder = g_ptr_array_index (folder_page->items, 0);
  g_assert_cmpstr (carrete_folder_get_name (folder), ==, "Trip");
  g_assert_cmpstrv (carrete_folder_get_tags (folder), ((const char *const[]){ "x", NULL }));
  g_assert_null (folder_page->next_cursor);

  g_assert_null (carrete_photo_page_new_from_json (json_node_get_object (broken), &error));
  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_null (carrete_folder_page_new_from_json (json_node_get_object (none), &error));
  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_NOT_CARRETE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/api-problem/text", test_problem_text);
  g_test_add_func ("/api-problem/text-fallbacks", test_problem_text_fallbacks);
  g_test_add_func ("/api-problem/text-copied", test_problem_text_copied);
  g_test_add_func ("/api-problem/transient", test_transient);
  g_test_add_func ("/api-json/readers", test_json_readers);
  g_test_add_func ("/api-json/pages", test_pages);
  return g_test_run ();
}
