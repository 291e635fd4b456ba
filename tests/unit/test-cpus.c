#define G_LOG_DOMAIN "carrete-test-cpus"

#include "carrete-cpus.h"

/* cgroup v2's cpu.max: "QUOTA PERIOD", or "max PERIOD" for no limit. */
static void
test_cgroup_v2 (void)
{
  g_assert_cmpuint (carrete_cpus_from_quota ("max 100000\n", NULL, NULL), ==, 0);
  g_assert_cmpuint (carrete_cpus_from_quota ("100000 100000\n", NULL, NULL), ==, 1);
  g_assert_cmpuint (carrete_cpus_from_quota ("150000 100000\n", NULL, NULL), ==, 2);
  g_assert_cmpuint (carrete_cpus_from_quota ("50000 100000", NULL, NULL), ==, 1);
  g_assert_cmpuint (carrete_cpus_from_quota ("400000 100000", NULL, NULL), ==, 4);
  /* Garbage is no limit, never zero CPUs. */
  g_assert_cmpuint (carrete_cpus_from_quota ("", NULL, NULL), ==, 0);
  g_assert_cmpuint (carrete_cpus_from_quota ("abc def", NULL, NULL), ==, 0);
  g_assert_cmpuint (carrete_cpus_from_quota ("100000 0", NULL, NULL), ==, 0);
}

/* cgroup v1: cpu.cfs_quota_us is -1 without a limit. */
static void
test_cgroup_v1 (void)
{
  g_assert_cmpuint (carrete_cpus_from_quota (NULL, "-1\n", "100000\n"), ==, 0);
  g_assert_cmpuint (carrete_cpus_from_quota (NULL, "100000\n", "100000\n"), ==, 1);
  g_assert_cmpuint (carrete_cpus_from_quota (NULL, "250000\n", "100000\n"), ==, 3);
  g_assert_cmpuint (carrete_cpus_from_quota (NULL, NULL, NULL), ==, 0);
  g_assert_cmpuint (carrete_cpus_from_quota (NULL, "100000", NULL), ==, 0);
}

static void
test_available (void)
{
  guint n = carrete_cpus_available ();

  g_assert_cmpuint (n, >=, 1);
  g_assert_cmpuint (n, <=, g_get_num_processors ());
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/carrete/cpus/cgroup-v2", test_cgroup_v2);
  g_test_add_func ("/carrete/cpus/cgroup-v1", test_cgroup_v1);
  g_test_add_func ("/carrete/cpus/available", test_available);
  return g_test_run ();
}
