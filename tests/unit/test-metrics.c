#define G_LOG_DOMAIN "carrete-test-metrics"

#include <stdlib.h>
#include <string.h>

#include "carrete-metrics.h"

/* Parses the exposition text into "name{labels}" -> value, checking that
 * every sample line is well-formed on the way. */
static GHashTable *
parse_samples (const char *text)
{
  GHashTable *samples = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

  g_assert_true (g_str_has_suffix (text, "\n"));
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      const char *space;
      double *value;
      char *end = NULL;
      char *key;

      if (*line == '\0' || *line == '#')
        continue;
      space = strrchr (line, ' ');
      g_assert_nonnull (space);
      value = g_new (double, 1);
      *value = g_ascii_strtod (space + 1, &end);
      g_assert_true (end != space + 1 && *end == '\0');
      key = g_strndup (line, (gsize) (space - line));
      /* Each series appears once. */
      g_assert_false (g_hash_table_contains (samples, key));
      g_hash_table_insert (samples, key, value);
    }
  return samples;
}

static double
sample (GHashTable *samples, const char *key)
{
  double *value = g_hash_table_lookup (samples, key);

  if (value == NULL)
    g_error ("no sample %s", key);
  return *value;
}

#define X_GET_200 "route=\"/x\",method=\"GET\",status=\"200\""
#define BUCKET(labels, le) "carrete_http_request_duration_seconds_bucket{" labels ",le=\"" le "\"}"

static void
test_counts_and_buckets (void)
{
  g_autoptr (CarreteMetrics) metrics = carrete_metrics_new ("users");
  g_autofree char *text = NULL;
  g_autoptr (GHashTable) samples = NULL;

  carrete_metrics_observe (metrics, "/x", "GET", 200, 0.003);
  carrete_metrics_observe (metrics, "/x", "GET", 200, 0.2);
  carrete_metrics_observe (metrics, "/x", "GET", 404, 0.0005);
  carrete_metrics_observe (metrics, "/v1/users/{id}", "DELETE", 204, 0.01);
  carrete_metrics_observe (metrics, "/y", "POST", 201, 12.0);

  text = carrete_metrics_render (metrics);
  g_assert_nonnull (strstr (text,
                            "carrete_http_requests_total{route=\"/x\",method=\"GET\",status=\"200\"} 2\n"));
  g_assert_nonnull (strstr (text,
                            "carrete_http_requests_total{route=\"/x\",method=\"GET\",status=\"404\"} 1\n"));
  g_assert_nonnull (strstr (text, "# TYPE carrete_http_requests_total counter\n"));
  g_assert_nonnull (strstr (text, "# TYPE carrete_http_request_duration_seconds histogram\n"));

  samples = parse_samples (text);
  g_assert_cmpfloat (sample (samples, "carrete_up"), ==, 1);
  g_assert_cmpfloat (sample (samples, "carrete_http_requests_total{route=\"/v1/users/{id}\","
                                      "method=\"DELETE\",status=\"204\"}"),
                     ==, 1);

  /* Buckets are cumulative: 0.003 falls in le=0.005, 0.2 in le=0.25. */
  g_assert_cmpfloat (sample (samples, BUCKET (X_GET_200, "0.001")), ==, 0);
  g_assert_cmpfloat (sample (samples, BUCKET (X_GET_200, "0.0025")), ==, 0);
  g_assert_cmpfloat (sample (samples, BUCKET (X_GET_200, "0.005")), ==, 1);
  g_assert_cmpfloat (sample (samples, BUCKET (X_GET_200, "0.1")), ==, 1);
  g_assert_cmpfloat (sample (samples, BUCKET (X_GET_200, "0.25")), ==, 2);
  g_assert_cmpfloat (sample (samples, BUCKET (X_GET_200, "5")), ==, 2);
  g_assert_cmpfloat (sample (samples, BUCKET (X_GET_200, "+Inf")), ==, 2);
  g_assert_cmpfloat (sample (samples,
                             "carrete_http_request_duration_seconds_count{" X_GET_200 "}"),
                     ==, 2);
  g_assert_cmpfloat_with_epsilon (
    sample (samples, "carrete_http_request_duration_seconds_sum{" X_GET_200 "}"), 0.203, 1e-6);

  /* Slower than the largest bucket: only +Inf counts it. */
  g_assert_cmpfloat (sample (samples, BUCKET ("route=\"/y\",method=\"POST\",status=\"201\"", "5")),
                     ==, 0);
  g_assert_cmpfloat (sample (samples,
                             BUCKET ("route=\"/y\",method=\"POST\",status=\"201\"", "+Inf")),
                     ==, 1);
}

/* For every series: bucket counts never decrease and +Inf equals _count. */
static void
test_histogram_consistent (void)
{
  g_autoptr (CarreteMetrics) metrics = carrete_metrics_new ("photos");
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GHashTable) samples = NULL;
  g_autofree char *previous_series = NULL;
  double previous = -1;
  guint n_inf = 0;

  for (guint i = 0; i < 500; i++)
    carrete_metrics_observe (metrics, i % 3 ? "/a" : "/b", "GET", i % 5 ? 200 : 500,
                             (double) g_test_rand_double_range (0, 8));
  text = carrete_metrics_render (metrics);
  samples = parse_samples (text);
  lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      const char *le;
      g_autofree char *series = NULL;
      double value;

      if (!g_str_has_prefix (line, "carrete_http_request_duration_seconds_bucket{"))
        continue;
      le = strstr (line, ",le=\"");
      g_assert_nonnull (le);
      series = g_strndup (line, (gsize) (le - line));
      value = g_ascii_strtod (strrchr (line, ' ') + 1, NULL);
      if (g_strcmp0 (series, previous_series) == 0)
        g_assert_cmpfloat (value, >=, previous);
      g_free (previous_series);
      previous_series = g_strdup (series);
      previous = value;

      if (g_str_has_prefix (le, ",le=\"+Inf\"}"))
        {
          const char *labels = series + strlen ("carrete_http_request_duration_seconds_bucket{");
          g_autofree char *count_key = g_strdup_printf (
            "carrete_http_request_duration_seconds_count{%s}", labels);
          g_autofree char *total_key = g_strdup_printf ("carrete_http_requests_total{%s}", labels);

          g_assert_cmpfloat (value, ==, sample (samples, count_key));
          g_assert_cmpfloat (value, ==, sample (samples, total_key));
          n_inf++;
        }
    }
  g_assert_cmpuint (n_inf, ==, 4);
  g_assert_cmpfloat (sample (samples, "carrete_http_requests_total{route=\"/b\",method=\"GET\","
                                      "status=\"500\"}")
                       + sample (samples, "carrete_http_requests_total{route=\"/b\",method=\"GET\","
                                          "status=\"200\"}")
                       + sample (samples, "carrete_http_requests_total{route=\"/a\",method=\"GET\","
                                          "status=\"500\"}")
                       + sample (samples, "carrete_http_requests_total{route=\"/a\",method=\"GET\","
                                          "status=\"200\"}"),
                     ==, 500);
}

static void
test_bucket_boundary (void)
{
  g_autoptr (CarreteMetrics) metrics = carrete_metrics_new ("users");
  g_autofree char *text = NULL;
  g_autoptr (GHashTable) samples = NULL;

  /* Prometheus buckets are "less than or equal". */
  carrete_metrics_observe (metrics, "/x", "GET", 200, 0.005);
  text = carrete_metrics_render (metrics);
  samples = parse_samples (text);
  g_assert_cmpfloat (sample (samples, BUCKET (X_GET_200, "0.0025")), ==, 0);
  g_assert_cmpfloat (sample (samples, BUCKET (X_GET_200, "0.005")), ==, 1);
}

static void
test_empty (void)
{
  g_autoptr (CarreteMetrics) metrics = carrete_metrics_new ("folders");
  g_autofree char *text = carrete_metrics_render (metrics);
  g_autoptr (GHashTable) samples = parse_samples (text);

  g_assert_cmpfloat (sample (samples, "carrete_up"), ==, 1);
  g_assert_null (strstr (text, "carrete_http_requests_total{"));
  g_assert_nonnull (strstr (text, "folders"));
}

/* Clients choose the method: unknown ones must not add series, and a quote
 * or brace in one must never reach the exposition text. */
static void
test_unknown_methods_bounded (void)
{
  g_autoptr (CarreteMetrics) metrics = carrete_metrics_new ("test");
  g_autofree char *text = NULL;

  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *method = g_strdup_printf ("FOO%u\"}", i);
      carrete_metrics_observe (metrics, "unmatched", method, 404, 0.001);
    }
  text = carrete_metrics_render (metrics);
  g_assert_nonnull (strstr (text,
                            "carrete_http_requests_total{route=\"unmatched\",method=\"OTHER\",status=\"404\"} 1000"));
  g_assert_null (strstr (text, "FOO"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/carrete/metrics/counts-and-buckets", test_counts_and_buckets);
  g_test_add_func ("/carrete/metrics/histogram-consistent", test_histogram_consistent);
  g_test_add_func ("/carrete/metrics/bucket-boundary", test_bucket_boundary);
  g_test_add_func ("/carrete/metrics/empty", test_empty);
  g_test_add_func ("/carrete/metrics/unknown-methods-bounded", test_unknown_methods_bounded);

  return g_test_run ();
}
