#define G_LOG_DOMAIN "carrete-test-s3-harness"

#include "carrete-test-s3-server.h"
#include "carrete-test.h"

/* The harness piece the storage work builds on: real S3 servers that check
 * SigV4 signatures.  Signed requests are made with curl's --aws-sigv4. */
static int
curl_status (CtS3Server *server, const char *method, const char *path, const char *secret)
{
  g_autofree char *user = g_strdup_printf ("%s:%s", ct_s3_server_access_key (server), secret);
  g_autofree char *url = g_strconcat (ct_s3_server_endpoint (server), path, NULL);
  const char *argv[] = { "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", method,
                         "--aws-sigv4", "aws:amz:us-east-1:s3", "--user", user,
                         "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD", url, NULL };
  g_autofree char *out = ct_run (argv);
  return (int) g_ascii_strtoll (out, NULL, 10);
}

static void
test_checks_signatures (gconstpointer data)
{
  g_autofree char *unavailable = ct_s3_server_unavailable (GPOINTER_TO_INT (data));
  CtS3Server *server;
  const char *secret;

  if (unavailable != NULL)
    {
      g_test_skip (unavailable);
      return;
    }
  server = ct_s3_server_start (GPOINTER_TO_INT (data));
  secret = ct_s3_server_secret_key (server);

  g_assert_cmpint (curl_status (server, "PUT", "/carrete-test", secret), ==, 200);
  g_assert_cmpint (curl_status (server, "GET", "/carrete-test", secret), ==, 200);
  g_assert_cmpint (curl_status (server, "GET", "/carrete-test", "wrong-secret-key-0000"), ==, 403);
  ct_s3_server_stop (server);
  ct_s3_server_restart (server);
  /* Data survives a restart: the bucket is still there. */
  g_assert_cmpint (curl_status (server, "GET", "/carrete-test", secret), ==, 200);
  ct_s3_server_free (server);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/carrete/harness/minio/checks-signatures", GINT_TO_POINTER (CT_S3_MINIO),
                        test_checks_signatures);
  g_test_add_data_func ("/carrete/harness/versitygw/checks-signatures",
                        GINT_TO_POINTER (CT_S3_VERSITYGW), test_checks_signatures);
  g_test_add_data_func ("/carrete/harness/garage/checks-signatures",
                        GINT_TO_POINTER (CT_S3_GARAGE), test_checks_signatures);
  return g_test_run ();
}
