#define G_LOG_DOMAIN "carrete-test-service-answer"

#include <gio/gio.h>

#include "carrete-error.h"
#include "carrete-problem.h"
#include "carrete-service-answer.h"

/* ---- the query string ---------------------------------------------------------- */

static void
test_query_escaped (void)
{
  const CarreteQueryParam query[] = {
    { "tags", "a,b c+d&e=f" },
    { "match", "all" },
    { "q", "50%/ñ?#" },
    { NULL, NULL },
  };
  g_autofree char *path = carrete_service_path_with_query ("/v1/folders", query);

  g_assert_cmpstr (path, ==,
                   "/v1/folders?tags=a%2Cb%20c%2Bd%26e%3Df&match=all&q=50%25%2F%C3%B1%3F%23");
}

static void
test_query_absent_values (void)
{
  const CarreteQueryParam query[] = {
    { "cursor", NULL },
    { "owner_id", "us_1" },
    { "limit", NULL },
    { NULL, NULL },
  };
  const CarreteQueryParam nothing[] = { { "cursor", NULL }, { NULL, NULL } };
  g_autofree char *path = carrete_service_path_with_query ("/v1/photos", query);
  g_autofree char *bare = carrete_service_path_with_query ("/v1/photos", nothing);
  g_autofree char *none = carrete_service_path_with_query ("/v1/photos", NULL);

  g_assert_cmpstr (path, ==, "/v1/photos?owner_id=us_1");
  g_assert_cmpstr (bare, ==, "/v1/photos");
  g_assert_cmpstr (none, ==, "/v1/photos");
}

/* A path that carries a query already (carrete-web builds some) gets '&'. */
static void
test_query_appended (void)
{
  const CarreteQueryParam query[] = { { "cursor", "c 1" }, { NULL, NULL } };
  g_autofree char *path = carrete_service_path_with_query ("/v1/photos?folder_id=fo_1", query);

  g_assert_cmpstr (path, ==, "/v1/photos?folder_id=fo_1&cursor=c%201");
}

/* ---- statuses and problems ----------------------------------------------------- */

static void
test_codes (void)
{
  static const struct
  {
    guint status;
    CarreteError code;
  } cases[] = {
    { 400, CARRETE_ERROR_BAD_REQUEST },  { 401, CARRETE_ERROR_UNAUTHORIZED },
    { 403, CARRETE_ERROR_FORBIDDEN },    { 404, CARRETE_ERROR_NOT_FOUND },
    { 408, CARRETE_ERROR_UNAVAILABLE },  { 409, CARRETE_ERROR_CONFLICT },
    { 410, CARRETE_ERROR_GONE },         { 413, CARRETE_ERROR_TOO_LARGE },
    { 415, CARRETE_ERROR_UNSUPPORTED },  { 422, CARRETE_ERROR_INVALID },
    { 429, CARRETE_ERROR_RATE_LIMITED }, { 500, CARRETE_ERROR_UNAVAILABLE },
    { 502, CARRETE_ERROR_UNAVAILABLE },  { 503, CARRETE_ERROR_UNAVAILABLE },
    { 504, CARRETE_ERROR_UNAVAILABLE },  { 405, CARRETE_ERROR_FAILED },
    { 418, CARRETE_ERROR_FAILED },       { 302, CARRETE_ERROR_FAILED },
    { 100, CARRETE_ERROR_FAILED },       { 600, CARRETE_ERROR_FAILED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("status %u", cases[i].status);
      g_assert_cmpint (carrete_service_error_code (cases[i].status), ==, cases[i].code);
    }
}

/* Each code maps back to the status it came from, where it has one. */
static void
test_codes_round_trip (void)
{
  static const guint statuses[] = { 400, 401, 403, 404, 409, 410, 413, 415, 422, 429, 503 };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autoptr (GError) error = NULL;

      carrete_service_set_answer_error (statuses[i], NULL, &error);
      g_assert_cmpuint (carrete_error_http_status (error), ==, statuses[i]);
    }
}

static JsonNode *
problem (guint status, const char *detail)
{
  g_autoptr (CarreteProblem) p = carrete_problem_new (status, detail);
  g_autofree char *text = carrete_problem_to_json (p, "req-1");
  g_autoptr (GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

static void
test_detail_is_the_message (void)
{
  g_autoptr (JsonNode) body = problem (409, "A folder with this name exists.");
  g_autoptr (GError) error = NULL;

  carrete_service_set_answer_error (409, body, &error);
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFLICT);
  g_assert_cmpstr (error->message, ==, "A folder with this name exists.");
}

/* No problem, or one without a usable detail: the status is named. */
static void
test_no_detail (void)
{
  const char *bodies[] = {
    NULL, "[1,2]", "\"text\"", "{}", "{\"detail\":42}", "{\"detail\":\"\"}", "{\"detail\":null}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr (JsonNode) body = bodies[i] != NULL ? json_from_string (bodies[i], NULL) : NULL;
      g_autoptr (GError) error = NULL;

      g_test_message ("body %s", bodies[i] != NULL ? bodies[i] : "(none)");
      carrete_service_set_answer_error (404, body, &error);
      g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND);
      g_assert_cmpstr (error->message, ==, "A service this one relies on answered 404.");
    }
}

/* A 5xx's detail is about the other service's own troubles: not passed on. */
static void
test_unavailable_hides_detail (void)
{
  g_autoptr (JsonNode) body = problem (503, "The database cannot be reached.");
  g_autoptr (GError) error = NULL;

  carrete_service_set_answer_error (503, body, &error);
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE);
  g_assert_cmpstr (error->message, ==, "A service this one relies on answered 503.");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/carrete/service-answer/query/escaped", test_query_escaped);
  g_test_add_func ("/carrete/service-answer/query/absent-values", test_query_absent_values);
  g_test_add_func ("/carrete/service-answer/query/appended", test_query_appended);
  g_test_add_func ("/carrete/service-answer/codes", test_codes);
  g_test_add_func ("/carrete/service-answer/codes-round-trip", test_codes_round_trip);
  g_test_add_func ("/carrete/service-answer/detail", test_detail_is_the_message);
  g_test_add_func ("/carrete/service-answer/no-detail", test_no_detail);
  g_test_add_func ("/carrete/service-answer/unavailable-hides-detail",
                   test_unavailable_hides_detail);
  return g_test_run ();
}
