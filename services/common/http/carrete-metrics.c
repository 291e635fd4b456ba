#define G_LOG_DOMAIN "carrete-metrics"

#include "carrete-metrics.h"

#include <string.h>

static const double bucket_bounds[] = { 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                        0.1,   0.25,   0.5,   1.0,  2.5,   5.0 };
#define N_BUCKETS G_N_ELEMENTS (bucket_bounds)

typedef struct
{
  char *route;
  char *method;
  guint status;
  guint64 count;
  double sum;
  guint64 buckets[N_BUCKETS]; /* cumulative at render time, not here */
} Series;

struct _CarreteMetrics
{
  GMutex lock; /* every worker thread of the process observes into one set */
  char *service;
  GHashTable *series; /* "route method status" -> Series */
  gint64 started_at;
};

static void
series_free (gpointer data)
{
  Series *s = data;
  g_free (s->route);
  g_free (s->method);
  g_free (s);
}

CarreteMetrics *
carrete_metrics_new (const char *service_name)
{
  CarreteMetrics *metrics = g_new0 (CarreteMetrics, 1);

  g_mutex_init (&metrics->lock);
  metrics->service = g_strdup (service_name);
  metrics->series = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, series_free);
  metrics->started_at = g_get_real_time ();
  return metrics;
}

void
carrete_metrics_free (CarreteMetrics *metrics)
{
  if (metrics == NULL)
    return;
  g_hash_table_unref (metrics->series);
  g_free (metrics->service);
  g_mutex_clear (&metrics->lock);
  g_free (metrics);
}

/* The method comes from the client: anything unusual is counted as OTHER,
 * so that label values stay few and never need escaping. */
static const char *
method_label (const char *method)
{
  static const char *const known[] = { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE",
                                       "OPTIONS", NULL };

  for (guint i = 0; known[i] != NULL; i++)
    if (g_str_equal (method, known[i]))
      return known[i];
  return "OTHER";
}

void
carrete_metrics_observe (CarreteMetrics *metrics, const char *route, const char *method,
                         guint status, double seconds)
{
  char key[512];
  Series *s;

  method = method_label (method);
  g_snprintf (key, sizeof key, "%s %s %u", route, method, status);
  g_mutex_lock (&metrics->lock);
  s = g_hash_table_lookup (metrics->series, key);
  if (s == NULL)
    {
      s = g_new0 (Series, 1);
      s->route = g_strdup (route);
      s->method = g_strdup (method);
      s->status = status;
      g_hash_table_insert (metrics->series, g_strdup (key), s);
    }
  s->count++;
  s->sum += seconds;
  for (guint i = 0; i < N_BUCKETS; i++)
    if (seconds <= bucket_bounds[i])
      {
        s->buckets[i]++;
        break;
      }
  g_mutex_unlock (&metrics->lock);
}

static int
compare_keys (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
render_series (GString *out, const Series *s)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];
  guint64 cumulative = 0;
  g_autofree char *labels = g_strdup_printf ("route=\"%s\",method=\"%s\",status=\"%u\"", s->route,
                                             s->method, s->status);

  for (guint i = 0; i < N_BUCKETS; i++)
    {
      cumulative += s->buckets[i];
      g_ascii_formatd (number, sizeof number, "%g", bucket_bounds[i]);
      g_string_append_printf (out,
                              "carrete_http_request_duration_seconds_bucket{%s,le=\"%s\"} %" G_GUINT64_FORMAT "\n",
                              labels, number, cumulative);
    }
  g_string_append_printf (out,
                          "carrete_http_request_duration_seconds_bucket{%s,le=\"+Inf\"} %" G_GUINT64_FORMAT "\n",
                          labels, s->count);
  g_ascii_formatd (number, sizeof number, "%.6f", s->sum);
  g_string_append_printf (out, "carrete_http_request_duration_seconds_sum{%s} %s\n", labels,
                          number);
  g_string_append_printf (out,
                          "carrete_http_request_duration_seconds_count{%s} %" G_GUINT64_FORMAT "\n",
                          labels, s->count);
}

char *
carrete_metrics_render (CarreteMetrics *metrics)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autofree gpointer *keys = NULL;
  guint n_keys = 0;

  /* Route labels come from the route table, never from the request path,
   * so cardinality is bounded and no escaping is needed. */
  g_mutex_lock (&metrics->lock);
  keys = g_hash_table_get_keys_as_array (metrics->series, &n_keys);
  qsort (keys, n_keys, sizeof (gpointer), compare_keys);

  g_string_append_printf (out, "# HELP carrete_up Whether the %s service is up.\n"
                               "# TYPE carrete_up gauge\ncarrete_up 1\n",
                          metrics->service);
  g_string_append_printf (out, "# HELP carrete_start_time_seconds Process start time.\n"
                               "# TYPE carrete_start_time_seconds gauge\n"
                               "carrete_start_time_seconds %" G_GINT64_FORMAT "\n",
                          metrics->started_at / G_USEC_PER_SEC);
  g_string_append (out, "# HELP carrete_http_requests_total HTTP requests by route, method and status.\n"
                        "# TYPE carrete_http_requests_total counter\n");
  for (guint i = 0; i < n_keys; i++)
    {
      const Series *s = g_hash_table_lookup (metrics->series, keys[i]);
      g_string_append_printf (out,
                              "carrete_http_requests_total{route=\"%s\",method=\"%s\",status=\"%u\"} %" G_GUINT64_FORMAT "\n",
                              s->route, s->method, s->status, s->count);
    }
  g_string_append (out, "# HELP carrete_http_request_duration_seconds Request latency.\n"
                        "# TYPE carrete_http_request_duration_seconds histogram\n");
  for (guint i = 0; i < n_keys; i++)
    render_series (out, g_hash_table_lookup (metrics->series, keys[i]));
  g_mutex_unlock (&metrics->lock);
  return g_string_free (g_steal_pointer (&out), FALSE);
}
