#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Request counters and latency histograms by route, method and status, in
 * Prometheus text format.  Routes come from the route table and methods
 * from a fixed list (others count as OTHER), so the number of series is
 * bounded whatever clients send.  Safe from any thread: the worker threads
 * of a process share one. */
typedef struct _CarreteMetrics CarreteMetrics;

CarreteMetrics *carrete_metrics_new (const char *service_name);
void carrete_metrics_free (CarreteMetrics *metrics);

void carrete_metrics_observe (CarreteMetrics *metrics, const char *route, const char *method,
                              guint status, double seconds);
char *carrete_metrics_render (CarreteMetrics *metrics);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarreteMetrics, carrete_metrics_free)

G_END_DECLS
