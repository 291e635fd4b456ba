#define G_LOG_DOMAIN "carrete-test-photos-read"
#include "photos-fixture.h"
int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  return g_test_run ();
}
