#define _GNU_SOURCE
#include "carrete-cpus.h"

#include <sched.h>

static guint
ceil_div (guint64 quota, guint64 period)
{
  return period == 0 ? 0 : (guint) MIN ((quota + period - 1) / period, G_MAXUINT);
}

guint
carrete_cpus_from_quota (const char *cpu_max, const char *cfs_quota, const char *cfs_period)
{
  guint64 quota, period;

  if (cpu_max != NULL)
    {
      g_autofree char *line = g_strstrip (g_strdup (cpu_max));
      g_auto (GStrv) fields = g_strsplit (line, " ", 2);
      guint n = 0;

      if (fields[0] != NULL && fields[1] != NULL
          && g_ascii_string_to_unsigned (fields[0], 10, 1, G_MAXUINT64, &quota, NULL)
          && g_ascii_string_to_unsigned (fields[1], 10, 1, G_MAXUINT64, &period, NULL))
        n = ceil_div (quota, period);
      return n;
    }
  if (cfs_quota != NULL && cfs_period != NULL)
    {
      g_autofree char *q = g_strstrip (g_strdup (cfs_quota));
      g_autofree char *p = g_strstrip (g_strdup (cfs_period));

      /* -1 (no quota) fails to parse as unsigned: no limit. */
      if (g_ascii_string_to_unsigned (q, 10, 1, G_MAXUINT64, &quota, NULL)
          && g_ascii_string_to_unsigned (p, 10, 1, G_MAXUINT64, &period, NULL))
        return ceil_div (quota, period);
    }
  return 0;
}

static char *
read_text (const char *path)
{
  char *text = NULL;

  return g_file_get_contents (path, &text, NULL, NULL) ? text : NULL;
}

guint
carrete_cpus_available (void)
{
  cpu_set_t set;
  guint n = 0, quota;
  g_autofree char *cpu_max = read_text ("/sys/fs/cgroup/cpu.max");
  g_autofree char *cfs_quota = read_text ("/sys/fs/cgroup/cpu/cpu.cfs_quota_us");
  g_autofree char *cfs_period = read_text ("/sys/fs/cgroup/cpu/cpu.cfs_period_us");

  if (sched_getaffinity (0, sizeof set, &set) == 0)
    n = (guint) CPU_COUNT (&set);
  if (n == 0)
    n = g_get_num_processors ();
  quota = carrete_cpus_from_quota (cpu_max, cfs_quota, cfs_period);
  if (quota > 0 && quota < n)
    n = quota;
  return MAX (n, 1);
}
