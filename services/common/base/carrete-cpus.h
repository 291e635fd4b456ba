#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How many CPUs this process may really use: the CPUs in its affinity mask,
 * capped by the cgroup's CPU quota (rounded up), so that a pod limited to
 * one CPU on a large node counts one.  At least 1. */
guint carrete_cpus_available (void);

/* The quota part alone, from cpu.max (cgroup v2, "max 100000" or
 * "150000 100000") or cfs_quota_us and cfs_period_us (cgroup v1); 0 when
 * there is none.  Exposed for tests. */
guint carrete_cpus_from_quota (const char *cpu_max, const char *cfs_quota, const char *cfs_period);

G_END_DECLS
