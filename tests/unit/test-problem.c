#define G_LOG_DOMAIN "carrete-test-problem"

#include <gio/gio.h>
#include <string.h>

#include "carrete-error.h"
#include "carrete-problem.h"

static JsonObject *
render (const CarreteProblem *problem, const char *request_id, JsonNode **keep)
{
  g_autofree char *text = carrete_problem_to_json (problem, request_id);
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (text);
  *keep = json_from_string (text, &error);
  g_assert_no_error (error);
  g_assert_nonnull (*keep);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (*keep));
  return json_node_get_object (*keep);
}

static void
test_to_json (void)
{
  g_autoptr (CarreteProblem) problem = carrete_problem_new (422, "Some fields are wrong.");
  g_autoptr (JsonNode) node = NULL;
  JsonObject *object;
  JsonArray *errors;

  carrete_problem_add_field_error (problem, "username", "is taken");
  carrete_problem_add_field_error (problem, "email", "must be an email address");
  carrete_problem_add_field_error (problem, "tags[2]", "must be a string");
  g_assert_cmpuint (carrete_problem_get_n_errors (problem), ==, 3);
  g_assert_cmpuint (carrete_problem_get_status (problem), ==, 422);

  object = render (problem, "req-123", &node);
  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==,
                   "urn:carrete:problem:validation");
  g_assert_cmpstr (json_object_get_string_member (object, "title"), ==,
                   carrete_problem_title_for_status (422));
  g_assert_cmpint (json_object_get_int_member (object, "status"), ==, 422);
  g_assert_cmpstr (json_object_get_string_member (object, "detail"), ==, "Some fields are wrong.");
  g_assert_cmpstr (json_object_get_string_member (object, "request_id"), ==, "req-123");

  errors = json_object_get_array_member (object, "errors");
  g_assert_nonnull (errors);
  g_assert_cmpuint (json_array_get_length (errors), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (errors, 0), "field"),
                   ==, "username");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (errors, 0),
                                                  "message"),
                   ==, "is taken");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (errors, 1), "field"),
                   ==, "email");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (errors, 2), "field"),
                   ==, "tags[2]");
}

static void
test_minimal (void)
{
  g_autoptr (CarreteProblem) problem = carrete_problem_new (404, NULL);
  g_autoptr (JsonNode) node = NULL;
  JsonObject *object = render (problem, NULL, &node);

  g_assert_cmpint (json_object_get_int_member (object, "status"), ==, 404);
  g_assert_true (json_object_has_member (object, "title"));
  g_assert_true (json_object_has_member (object, "detail"));
  g_assert_false (json_object_has_member (object, "request_id"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "errors")), ==, 0);
}

/* An extension member (RFC 9457 §3.2) sits beside the standard ones. */
static void
test_extension_member (void)
{
  g_autoptr (CarreteProblem) problem = carrete_problem_new (409, "Already there.");
  g_autoptr (JsonNode) node = NULL;
  JsonObject *object;

  carrete_problem_set_member (problem, "existing_id", "ph_first");
  carrete_problem_set_member (problem, "existing_id", "ph_\"quoted\"");
  object = render (problem, NULL, &node);
  g_assert_cmpstr (json_object_get_string_member (object, "existing_id"), ==, "ph_\"quoted\"");
  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, "urn:carrete:problem:conflict");
  g_assert_cmpint (json_object_get_int_member (object, "status"), ==, 409);
}

/* Details written by the code must be escaped, not spliced into the JSON. */
static void
test_escaping (void)
{
  g_autoptr (CarreteProblem) problem = carrete_problem_new (400, "bad \"quote\"\n\\ </script>");
  g_autoptr (JsonNode) node = NULL;
  JsonObject *object;

  carrete_problem_add_field_error (problem, "na\"me", "ñ \x01");
  object = render (problem, "r", &node);
  g_assert_cmpstr (json_object_get_string_member (object, "detail"), ==,
                   "bad \"quote\"\n\\ </script>");
  g_assert_cmpstr (json_object_get_string_member (
                     json_array_get_object_element (json_object_get_array_member (object, "errors"), 0),
                     "field"),
                   ==, "na\"me");
}

static void
test_types (void)
{
  const struct
  {
    guint status;
    const char *type;
  } cases[] = {
    { 400, "urn:carrete:problem:bad-request" },
    { 401, "urn:carrete:problem:unauthorized" },
    { 403, "urn:carrete:problem:forbidden" },
    { 404, "urn:carrete:problem:not-found" },
    { 409, "urn:carrete:problem:conflict" },
    { 422, "urn:carrete:problem:validation" },
    { 429, "urn:carrete:problem:rate-limited" },
    { 500, "urn:carrete:problem:internal" },
    { 503, "urn:carrete:problem:unavailable" },
  };
  g_autoptr (GHashTable) titles = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *title = carrete_problem_title_for_status (cases[i].status);
      g_autoptr (CarreteProblem) problem = carrete_problem_new (cases[i].status, "d");
      g_autoptr (JsonNode) node = NULL;
      JsonObject *object = render (problem, NULL, &node);

      g_assert_cmpstr (carrete_problem_type_for_status (cases[i].status), ==, cases[i].type);
      g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, cases[i].type);
      g_assert_nonnull (title);
      g_assert_cmpstr (json_object_get_string_member (object, "title"), ==, title);
      /* Each status has its own title. */
      g_assert_false (g_hash_table_contains (titles, title));
      g_hash_table_add (titles, (gpointer) title);
    }

  /* The returned strings stay valid and stable. */
  g_assert_true (carrete_problem_type_for_status (404) == carrete_problem_type_for_status (404));
  /* Unknown server errors still read as server errors. */
  g_assert_cmpstr (carrete_problem_type_for_status (599), ==, "urn:carrete:problem:internal");
  g_assert_true (g_str_has_prefix (carrete_problem_type_for_status (418), "urn:carrete:problem:"));
}

static void
test_error_status (void)
{
  const struct
  {
    CarreteError code;
    guint status;
  } cases[] = {
    { CARRETE_ERROR_INVALID, 422 },     { CARRETE_ERROR_BAD_REQUEST, 400 },
    { CARRETE_ERROR_UNAUTHORIZED, 401 }, { CARRETE_ERROR_FORBIDDEN, 403 },
    { CARRETE_ERROR_NOT_FOUND, 404 },   { CARRETE_ERROR_CONFLICT, 409 },
    { CARRETE_ERROR_TOO_LARGE, 413 },   { CARRETE_ERROR_RATE_LIMITED, 429 },
    { CARRETE_ERROR_UNAVAILABLE, 503 }, { CARRETE_ERROR_TIMEOUT, 503 },
    { CARRETE_ERROR_FAILED, 500 },      { CARRETE_ERROR_CONFIG, 500 },
    { CARRETE_ERROR_UNSUPPORTED, 415 }, { CARRETE_ERROR_GONE, 410 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = g_error_new_literal (CARRETE_ERROR, cases[i].code, "x");
      g_assert_cmpuint (carrete_error_http_status (error), ==, cases[i].status);
    }
  {
    g_autoptr (GError) foreign = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "x");
    g_autoptr (GError) out_of_range = g_error_new_literal (CARRETE_ERROR, 999, "x");

    g_assert_cmpuint (carrete_error_http_status (foreign), ==, 500);
    g_assert_cmpuint (carrete_error_http_status (out_of_range), ==, 500);
    g_assert_cmpuint (carrete_error_http_status (NULL), ==, 500);
  }
}

static void
test_from_error (void)
{
  const char *secret = "connection to 10.0.0.5 failed: password authentication for carrete_rw";
  const struct
  {
    GQuark domain;
    int code;
    guint status;
    gboolean shows_message;
  } cases[] = {
    { CARRETE_ERROR, CARRETE_ERROR_FAILED, 500, FALSE },
    { CARRETE_ERROR, CARRETE_ERROR_CONFIG, 500, FALSE },
    { G_IO_ERROR, G_IO_ERROR_FAILED, 500, FALSE },
    { CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND, 404, TRUE },
    { CARRETE_ERROR, CARRETE_ERROR_CONFLICT, 409, TRUE },
    { CARRETE_ERROR, CARRETE_ERROR_INVALID, 422, TRUE },
    { CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE, 503, TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = g_error_new_literal (cases[i].domain, cases[i].code, secret);
      g_autoptr (CarreteProblem) problem = carrete_problem_new_from_error (error);
      g_autofree char *text = carrete_problem_to_json (problem, "req");
      g_autoptr (JsonNode) node = NULL;
      JsonObject *object = render (problem, "req", &node);

      g_assert_cmpuint (carrete_problem_get_status (problem), ==, cases[i].status);
      g_assert_cmpint (json_object_get_int_member (object, "status"), ==, cases[i].status);
      if (cases[i].shows_message)
        g_assert_cmpstr (json_object_get_string_member (object, "detail"), ==, secret);
      else
        {
          g_assert_null (strstr (text, "10.0.0.5"));
          g_assert_null (strstr (text, "carrete_rw"));
          g_assert_cmpstr (json_object_get_string_member (object, "detail"), !=, "");
        }
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/carrete/problem/to-json", test_to_json);
  g_test_add_func ("/carrete/problem/minimal", test_minimal);
  g_test_add_func ("/carrete/problem/extension-member", test_extension_member);
  g_test_add_func ("/carrete/problem/escaping", test_escaping);
  g_test_add_func ("/carrete/problem/types", test_types);
  g_test_add_func ("/carrete/problem/error-status", test_error_status);
  g_test_add_func ("/carrete/problem/from-error", test_from_error);

  return g_test_run ();
}
