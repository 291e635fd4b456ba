#define G_LOG_DOMAIN "carrete-test-minio-harness"

#include "carrete-test-minio.h"
#include "carrete-test.h"

/* The harness piece the storage work builds on: a real MinIO that checks
 * SigV4 signatures.  Signed requests are made with curl's --aws-sigv4. */
static int
curl_status (CtMinio *minio, const char *method, const char *path, const char *secret)
{
  g_autofree char *user = g_strdup_printf ("%s:%s", ct_minio_access_key (minio), secret);
  g_autofree char *url = g_strconcat (ct_minio_endpoint (minio), path, NULL);
  const char *argv[] = { "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", method,
                         "--aws-sigv4", "aws:amz:us-east-1:s3", "--user", user,
                         "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD", url, NULL };
  g_autofree char *out = ct_run (argv);
  return (int) g_ascii_strtoll (out, NULL, 10);
}

static void
test_minio_checks_signatures (void)
{
  CtMinio *minio = ct_minio_start ();

  g_assert_cmpint (curl_status (minio, "PUT", "/carrete-test", ct_minio_secret_key (minio)), ==, 200);
  g_assert_cmpint (curl_status (minio, "GET", "/carrete-test", ct_minio_secret_key (minio)), ==, 200);
  g_assert_cmpint (curl_status (minio, "GET", "/carrete-test", "wrong-secret-key-0000"), ==, 403);
  ct_minio_stop (minio);
  ct_minio_restart (minio);
  /* Data survives a restart: the bucket is still there. */
  g_assert_cmpint (curl_status (minio, "GET", "/carrete-test", ct_minio_secret_key (minio)), ==, 200);
  ct_minio_free (minio);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/carrete/harness/minio/checks-signatures", test_minio_checks_signatures);
  return g_test_run ();
}
