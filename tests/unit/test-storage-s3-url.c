#define G_LOG_DOMAIN "carrete-test-storage-s3-url"

#include <string.h>

#include "carrete-error.h"
#include "carrete-storage.h"

/* Presigned S3 URLs through the storage layer's own code path, signed for
 * the public endpoint.  AWS's published presign example is virtual-hosted
 * (examplebucket.s3.amazonaws.com/test.txt): the virtual-hosted case must
 * give its very URL; the same request path-style was signed
 * by an independent implementation (Python hmac/hashlib, which first
 * reproduced AWS's aeeed9bb… value) and pinned here.  The raw signer has its
 * own tests against AWS's vectors (test-sigv4). */

#define EXAMPLE_TIME G_GINT64_CONSTANT (1369353600) /* 20130524T000000Z */
#define CREDENTIAL "AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"

static CarreteStorage *
example_storage_addressed (const char *public_endpoint, gboolean virtual_hosted)
{
  const CarreteStorageOptions options = {
    .kind = CARRETE_STORAGE_S3,
    .endpoint = "http://minio.internal:9000",
    .public_endpoint = public_endpoint,
    .region = "us-east-1",
    .bucket = "examplebucket",
    .access_key = "AKIAIOSFODNN7EXAMPLE",
    .secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    .virtual_hosted = virtual_hosted,
  };
  g_autoptr (GError) error = NULL;
  CarreteStorage *storage = carrete_storage_new (&options, &error);

  g_assert_no_error (error);
  return storage;
}

static CarreteStorage *
example_storage (const char *public_endpoint)
{
  return example_storage_addressed (public_endpoint, FALSE);
}

static void
test_presigned_get (void)
{
  g_autoptr (CarreteStorage) storage = example_storage ("https://s3.amazonaws.com");
  g_autoptr (GError) error = NULL;
  g_autofree char *url =
    carrete_storage_presign_get (storage, "test.txt", EXAMPLE_TIME, 86400, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (carrete_storage_get_kind (storage), ==, CARRETE_STORAGE_S3);
  /* Signed for the public host, not the internal one. */
  g_assert_cmpstr (url, ==,
                   "https://s3.amazonaws.com/examplebucket/test.txt"
                   "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" CREDENTIAL
                   "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                   "&X-Amz-Signature="
                   "733255ef022bec3f2a8701cd61d4b371f3f28c9f193a1f02279211d48d5193d7");
}

static void
test_presigned_get_response_type (void)
{
  g_autoptr (CarreteStorage) storage = example_storage ("https://s3.amazonaws.com");
  g_autoptr (GError) error = NULL;
  g_autofree char *url = carrete_storage_presign_get (storage, "test.txt", EXAMPLE_TIME, 86400,
                                                      "image/jpeg", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (url, ==,
                   "https://s3.amazonaws.com/examplebucket/test.txt"
                   "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" CREDENTIAL
                   "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                   "&response-content-type=image%2Fjpeg&X-Amz-Signature="
                   "b98c9a2b0c45788f1750122f3010955ebd8d7506e379325aad87dd0b6634a35f");
}

static void
test_presigned_put_binds_type (void)
{
  g_autoptr (CarreteStorage) storage = example_storage ("https://s3.amazonaws.com");
  g_autoptr (GError) error = NULL;
  g_autofree char *url = carrete_storage_presign_put (storage, "photos/a.jpg", EXAMPLE_TIME, 900,
                                                      "image/jpeg", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (url, ==,
                   "https://s3.amazonaws.com/examplebucket/photos/a.jpg"
                   "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" CREDENTIAL
                   "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=900"
                   "&X-Amz-SignedHeaders=content-type%3Bhost&X-Amz-Signature="
                   "3f8d1f08b98de5a07cd36872e7880309128b619584712e7af52e42f41047bd81");
}

/* A part URL signs partNumber, uploadId and the Content-Length header:
 * S3 refuses a body of another length (checked against MinIO in
 * test-storage-contract).  Pinned with Python's hmac/hashlib. */
static void
test_presigned_part_binds_length (void)
{
  g_autoptr (CarreteStorage) storage = example_storage ("https://s3.amazonaws.com");
  g_autoptr (GError) error = NULL;
  g_autofree char *url = carrete_storage_multipart_presign_part (
      storage, "photos/a.jpg", "abc.def-1~x", 3, 8388608, EXAMPLE_TIME, 900, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (url, ==,
                   "https://s3.amazonaws.com/examplebucket/photos/a.jpg"
                   "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" CREDENTIAL
                   "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=900"
                   "&X-Amz-SignedHeaders=content-length%3Bhost&partNumber=3&uploadId=abc.def-1~x"
                   "&X-Amz-Signature="
                   "e84f8980619c5df21539a0bde6b0fef807bfc8306fcbb401f47a9514c0492c55");
  /* Part numbers are 1 to 10000; an upload id is printable. */
  g_assert_null (carrete_storage_multipart_presign_part (storage, "photos/a.jpg", "abc", 0, 1,
                                                         EXAMPLE_TIME, 900, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (carrete_storage_multipart_presign_part (storage, "photos/a.jpg", "a b", 1, 1,
                                                         EXAMPLE_TIME, 900, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID);
}

static void
test_public_endpoint_defaults_to_endpoint (void)
{
  g_autoptr (CarreteStorage) storage = example_storage (NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *url =
    carrete_storage_presign_get (storage, "test.txt", EXAMPLE_TIME, 60, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (url, "http://minio.internal:9000/examplebucket/test.txt?"));
}

static void
test_expiry_limits (void)
{
  g_autoptr (CarreteStorage) storage = example_storage (NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *longest =
    carrete_storage_presign_get (storage, "test.txt", EXAMPLE_TIME, 604800, NULL, &error);
  char *too_long;

  g_assert_no_error (error);
  g_assert_nonnull (strstr (longest, "X-Amz-Expires=604800&"));
  too_long = carrete_storage_presign_get (storage, "test.txt", EXAMPLE_TIME, 604801, NULL, &error);
  g_assert_null (too_long);
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID);
}

static void
assert_config_error (const CarreteStorageOptions *options, const char *setting)
{
  g_autoptr (GError) error = NULL;

  g_assert_null (carrete_storage_new (options, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, setting));
}

static void
test_bad_options (void)
{
  const CarreteStorageOptions good = {
    .kind = CARRETE_STORAGE_S3,
    .endpoint = "http://127.0.0.1:9000",
    .region = "us-east-1",
    .bucket = "carrete",
    .access_key = "key",
    .secret_key = "secret",
  };
  CarreteStorageOptions options;

  options = good, options.endpoint = "http://127.0.0.1:9000/path";
  assert_config_error (&options, "CARRETE_S3_ENDPOINT");
  options = good, options.endpoint = NULL;
  assert_config_error (&options, "CARRETE_S3_ENDPOINT");
  options = good, options.public_endpoint = "minio:9000";
  assert_config_error (&options, "CARRETE_S3_PUBLIC_ENDPOINT");
  options = good, options.bucket = "Upper_Case";
  assert_config_error (&options, "CARRETE_S3_BUCKET");
  options = good, options.bucket = "ab";
  assert_config_error (&options, "CARRETE_S3_BUCKET");
  options = good, options.access_key = "";
  assert_config_error (&options, "CARRETE_S3_ACCESS_KEY");
  options = good, options.secret_key = NULL;
  assert_config_error (&options, "CARRETE_S3_SECRET_KEY");
  options = good, options.region = "us/east";
  assert_config_error (&options, "CARRETE_S3_REGION");
  /* Pasted with a line break or a space: refused at start, not left to
   * fail later as a signature mismatch. */
  options = good, options.access_key = "AKIA EXAMPLE";
  assert_config_error (&options, "CARRETE_S3_ACCESS_KEY");
  options = good, options.secret_key = "secret\n";
  assert_config_error (&options, "CARRETE_S3_SECRET_KEY");
  options = good, options.region = "us east 1";
  assert_config_error (&options, "CARRETE_S3_REGION");
  options = good, options.region = "";
  assert_config_error (&options, "CARRETE_S3_REGION");
  /* Virtual-hosted: the bucket goes in front of a host name, which an IP
   * address cannot take. */
  options = good, options.virtual_hosted = TRUE;
  assert_config_error (&options, "CARRETE_S3_ENDPOINT");
  options = good, options.virtual_hosted = TRUE, options.endpoint = "http://[::1]:9000";
  assert_config_error (&options, "CARRETE_S3_ENDPOINT");
  options = good, options.virtual_hosted = TRUE, options.endpoint = "http://minio:9000",
  options.public_endpoint = "https://192.0.2.1";
  assert_config_error (&options, "CARRETE_S3_PUBLIC_ENDPOINT");
}

/* Every bad setting in one go, a line each; the secret itself is never
 * quoted. */
static void
test_bad_options_all_reported (void)
{
  const CarreteStorageOptions options = {
    .kind = CARRETE_STORAGE_S3,
    .endpoint = "https://s3.example.org/my-bucket",
    .public_endpoint = "s3.example.org",
    .region = "eu west",
    .bucket = "My_Bucket",
    .access_key = "",
    .secret_key = "very secret\n",
  };
  const char *settings[] = { "CARRETE_S3_BUCKET", "CARRETE_S3_ACCESS_KEY", "CARRETE_S3_SECRET_KEY",
                             "CARRETE_S3_REGION", "CARRETE_S3_ENDPOINT",
                             "CARRETE_S3_PUBLIC_ENDPOINT" };
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = NULL;

  g_assert_null (carrete_storage_new (&options, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG);
  lines = g_strsplit (error->message, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, G_N_ELEMENTS (settings));
  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    {
      g_autofree char *prefix = g_strconcat (settings[i], ": ", NULL);
      if (!g_str_has_prefix (lines[i], prefix))
        g_error ("line %u should be about %s: %s", i, settings[i], lines[i]);
    }
  g_assert_null (strstr (error->message, "very secret"));
}

/* What the README shows for AWS S3, Cloudflare R2, Backblaze B2 and Garage
 * is accepted as written. */
static void
test_provider_examples (void)
{
  const CarreteStorageOptions examples[] = {
    { .kind = CARRETE_STORAGE_S3, .endpoint = "https://s3.eu-west-1.amazonaws.com",
      .region = "eu-west-1", .bucket = "carrete-photos", .access_key = "AKIAIOSFODNN7EXAMPLE",
      .secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
    { .kind = CARRETE_STORAGE_S3, .endpoint = "https://0123456789abcdef.r2.cloudflarestorage.com",
      .region = "auto", .bucket = "carrete-photos", .access_key = "key", .secret_key = "secret" },
    { .kind = CARRETE_STORAGE_S3, .endpoint = "https://s3.us-west-004.backblazeb2.com",
      .region = "us-west-004", .bucket = "carrete-photos", .access_key = "004abc",
      .secret_key = "K004secret" },
    { .kind = CARRETE_STORAGE_S3, .endpoint = "http://garage:3900",
      .public_endpoint = "https://s3.photos.example.org", .region = "garage",
      .bucket = "carrete-photos", .access_key = "GK0123456789abcdef01234567",
      .secret_key = "secret" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (examples); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CarreteStorage) storage = carrete_storage_new (&examples[i], &error);

      g_assert_no_error (error);
      g_assert_nonnull (storage);
    }
}

/* Virtual-hosted, the storage layer makes AWS's published presign example
 * itself: bucket in the host, signed for the public endpoint. */
static void
test_presigned_get_virtual (void)
{
  g_autoptr (CarreteStorage) storage = example_storage_addressed ("https://s3.amazonaws.com", TRUE);
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;

  url = carrete_storage_presign_get (storage, "test.txt", EXAMPLE_TIME, 86400, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url, ==,
                   "https://examplebucket.s3.amazonaws.com/test.txt"
                   "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" CREDENTIAL
                   "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                   "&X-Amz-Signature="
                   "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/carrete/storage/s3-url/presigned-get", test_presigned_get);
  g_test_add_func ("/carrete/storage/s3-url/presigned-get-response-type",
                   test_presigned_get_response_type);
  g_test_add_func ("/carrete/storage/s3-url/presigned-put-binds-type",
                   test_presigned_put_binds_type);
  g_test_add_func ("/carrete/storage/s3-url/public-endpoint-default",
                   test_public_endpoint_defaults_to_endpoint);
  g_test_add_func ("/carrete/storage/s3-url/expiry-limits", test_expiry_limits);
  g_test_add_func ("/carrete/storage/s3-url/presigned-part-binds-length",
                   test_presigned_part_binds_length);
  g_test_add_func ("/carrete/storage/s3-url/bad-options", test_bad_options);
  g_test_add_func ("/carrete/storage/s3-url/bad-options-all-reported",
                   test_bad_options_all_reported);
  g_test_add_func ("/carrete/storage/s3-url/provider-examples", test_provider_examples);
  g_test_add_func ("/carrete/storage/s3-url/presigned-get-virtual-hosted",
                   test_presigned_get_virtual);
  return g_test_run ();
}
