#define G_LOG_DOMAIN "carrete-test-sigv4"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "carrete-error.h"
#include "carrete-sigv4.h"

/* AWS's S3 documentation examples ("Signature Calculations for the
 * Authorization Header: Transferring Payload in a Single Chunk" and
 * "Authenticating Requests: Using Query Parameters"). */
static const CarreteSigv4Credentials s3_example = {
  .access_key = "AKIAIOSFODNN7EXAMPLE",
  .secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  .region = "us-east-1",
  .service = "s3",
};
#define S3_EXAMPLE_HOST "examplebucket.s3.amazonaws.com"
#define S3_EXAMPLE_TIME "20130524T000000Z"

/* AWS's generic SigV4 test suite (aws-sig-v4-test-suite). */
static const CarreteSigv4Credentials suite = {
  .access_key = "AKIDEXAMPLE",
  .secret_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  .region = "us-east-1",
  .service = "service",
};
#define SUITE_HOST "example.amazonaws.com"
#define SUITE_TIME "20150830T123600Z"

/* "YYYYMMDDTHHMMSSZ" to a unix time, so that tests read like the documents. */
static gint64
amz_time (const char *text)
{
  int year, month, day, hour, minute, second;
  g_autoptr (GDateTime) time = NULL;

  g_assert_cmpint (sscanf (text, "%4d%2d%2dT%2d%2d%2dZ", &year, &month, &day, &hour, &minute,
                           &second),
                   ==, 6);
  time = g_date_time_new_utc (year, month, day, hour, minute, second);
  g_assert_nonnull (time);
  return g_date_time_to_unix (time);
}

static char *
sha256_hex (const char *text)
{
  guint8 digest[crypto_hash_sha256_BYTES];
  char hex[sizeof digest * 2 + 1];

  crypto_hash_sha256 (digest, (const guint8 *) text, strlen (text));
  return g_strdup (sodium_bin2hex (hex, sizeof hex, digest, sizeof digest));
}

static void
sign_ok (const CarreteSigv4Credentials *credentials, const CarreteSigv4Request *request,
         gint64 time, CarreteSigv4Result *result)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (carrete_sigv4_sign (credentials, request, time, result, &error));
  g_assert_no_error (error);
}

static char *
query_param (const char *url, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED_QUERY, &error);
  g_autoptr (GHashTable) params = NULL;

  g_assert_no_error (error);
  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, &error);
  g_assert_no_error (error);
  return g_strdup (g_hash_table_lookup (params, name));
}

/* --- AWS S3 examples ------------------------------------------------------ */

static void
test_s3_presigned_get (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *url =
    carrete_sigv4_presign (&s3_example, "GET", "https://" S3_EXAMPLE_HOST, "/test.txt", 86400,
                           amz_time (S3_EXAMPLE_TIME), NULL, 0, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (url, ==,
                   "https://examplebucket.s3.amazonaws.com/test.txt"
                   "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                   "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
                   "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                   "&X-Amz-Signature="
                   "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

static void
test_s3_get_object (void)
{
  const CarreteSigv4Pair headers[] = { { "Range", "bytes=0-9" } };
  const CarreteSigv4Request request = {
    .method = "GET",
    .host = S3_EXAMPLE_HOST,
    .path = "/test.txt",
    .headers = headers,
    .n_headers = G_N_ELEMENTS (headers),
    .payload_hash = CARRETE_SIGV4_EMPTY_SHA256,
  };
  g_auto (CarreteSigv4Result) result = { 0 };

  sign_ok (&s3_example, &request, amz_time (S3_EXAMPLE_TIME), &result);
  g_assert_cmpstr (result.canonical_request, ==,
                   "GET\n/test.txt\n\n"
                   "host:examplebucket.s3.amazonaws.com\n"
                   "range:bytes=0-9\n"
                   "x-amz-content-sha256:" CARRETE_SIGV4_EMPTY_SHA256 "\n"
                   "x-amz-date:20130524T000000Z\n\n"
                   "host;range;x-amz-content-sha256;x-amz-date\n" CARRETE_SIGV4_EMPTY_SHA256);
  g_assert_cmpstr (result.string_to_sign, ==,
                   "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
                   "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  g_assert_cmpstr (result.signature, ==,
                   "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  g_assert_cmpstr (result.authorization, ==,
                   "AWS4-HMAC-SHA256 "
                   "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                   "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                   "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  g_assert_cmpstr (result.amz_date, ==, S3_EXAMPLE_TIME);
}

static void
test_s3_put_object (void)
{
  g_autofree char *payload_hash = sha256_hex ("Welcome to Amazon S3.");
  const CarreteSigv4Pair headers[] = {
    { "Date", "Fri, 24 May 2013 00:00:00 GMT" },
    { "x-amz-storage-class", "REDUCED_REDUNDANCY" },
  };
  const CarreteSigv4Request request = {
    .method = "PUT",
    .host = S3_EXAMPLE_HOST,
    .path = "/test$file.text",
    .headers = headers,
    .n_headers = G_N_ELEMENTS (headers),
    .payload_hash = payload_hash,
  };
  g_auto (CarreteSigv4Result) result = { 0 };

  g_assert_cmpstr (payload_hash, ==,
                   "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  sign_ok (&s3_example, &request, amz_time (S3_EXAMPLE_TIME), &result);
  g_assert_true (g_str_has_prefix (result.canonical_request, "PUT\n/test%24file.text\n\n"));
  g_assert_cmpstr (result.signature, ==,
                   "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
  g_assert_true (g_str_has_suffix (
    result.authorization, "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;"
                          "x-amz-storage-class, Signature="
                          "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"));
}

static void
test_s3_get_bucket_lifecycle (void)
{
  const CarreteSigv4Pair query[] = { { "lifecycle", "" } };
  const CarreteSigv4Request request = {
    .method = "GET",
    .host = S3_EXAMPLE_HOST,
    .path = "/",
    .query = query,
    .n_query = G_N_ELEMENTS (query),
  };
  g_auto (CarreteSigv4Result) result = { 0 };

  sign_ok (&s3_example, &request, amz_time (S3_EXAMPLE_TIME), &result);
  g_assert_true (g_str_has_prefix (result.canonical_request, "GET\n/\nlifecycle=\nhost:"));
  g_assert_cmpstr (result.signature, ==,
                   "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

static void
test_s3_list_objects (void)
{
  /* Out of order on purpose: the signer sorts. */
  const CarreteSigv4Pair query[] = { { "prefix", "J" }, { "max-keys", "2" } };
  const CarreteSigv4Request request = {
    .method = "GET",
    .host = S3_EXAMPLE_HOST,
    .path = "/",
    .query = query,
    .n_query = G_N_ELEMENTS (query),
    .payload_hash = CARRETE_SIGV4_EMPTY_SHA256,
  };
  g_auto (CarreteSigv4Result) result = { 0 };

  sign_ok (&s3_example, &request, amz_time (S3_EXAMPLE_TIME), &result);
  g_assert_true (g_str_has_prefix (result.canonical_request, "GET\n/\nmax-keys=2&prefix=J\n"));
  g_assert_cmpstr (result.signature, ==,
                   "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

/* --- AWS generic test suite ---------------------------------------------- */

#define UNRESERVED "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

typedef struct
{
  const char *name;
  const char *method;
  const char *path;
  CarreteSigv4Pair query[2];
  CarreteSigv4Pair header;
  const char *signed_headers;
  const char *signature;
} SuiteCase;

/* Only cases where S3's single path encoding gives the published answer. */
static const SuiteCase suite_cases[] = {
  { "get-vanilla", "GET", "/", { { 0 } }, { 0 }, "host;x-amz-date",
    "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" },
  { "get-vanilla-query-order-key-case", "GET", "/",
    { { "Param2", "value2" }, { "Param1", "value1" } }, { 0 }, "host;x-amz-date",
    "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500" },
  { "get-vanilla-empty-query-key", "GET", "/", { { "Param1", "value1" } }, { 0 },
    "host;x-amz-date", "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb" },
  { "get-vanilla-query-unreserved", "GET", "/", { { UNRESERVED, UNRESERVED } }, { 0 },
    "host;x-amz-date", "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197" },
  { "get-vanilla-utf8-query", "GET", "/", { { "\xe1\x88\xb4", "bar" } }, { 0 },
    "host;x-amz-date", "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04" },
  { "get-unreserved", "GET", "/" UNRESERVED, { { 0 } }, { 0 }, "host;x-amz-date",
    "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f" },
  { "post-vanilla", "POST", "/", { { 0 } }, { 0 }, "host;x-amz-date",
    "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b" },
  { "post-header-value-case", "POST", "/", { { 0 } }, { "My-Header1", "VALUE1" },
    "host;my-header1;x-amz-date",
    "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d" },
};

static void
test_suite_case (gconstpointer data)
{
  const SuiteCase *c = data;
  const CarreteSigv4Request request = {
    .method = c->method,
    .host = SUITE_HOST,
    .path = c->path,
    .query = c->query,
    .n_query = c->query[1].name ? 2 : c->query[0].name ? 1 : 0,
    .headers = &c->header,
    .n_headers = c->header.name ? 1 : 0,
  };
  g_auto (CarreteSigv4Result) result = { 0 };
  g_autofree char *expected = g_strdup_printf (
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
    "SignedHeaders=%s, Signature=%s",
    c->signed_headers, c->signature);

  sign_ok (&suite, &request, amz_time (SUITE_TIME), &result);
  g_assert_cmpstr (result.authorization, ==, expected);
}

/* --- Properties ----------------------------------------------------------- */

static const CarreteSigv4Pair base_headers[] = { { "x-amz-meta-owner", "us_1" } };
static const CarreteSigv4Pair other_headers[] = { { "x-amz-meta-owner", "us_2" } };

static const CarreteSigv4Request base_request = {
  .method = "PUT",
  .host = "127.0.0.1:9000",
  .path = "/carrete/photos/a.jpg",
  .headers = base_headers,
  .n_headers = G_N_ELEMENTS (base_headers),
  .payload_hash = CARRETE_SIGV4_UNSIGNED_PAYLOAD,
};

static char *
signature_of (const CarreteSigv4Credentials *credentials, const CarreteSigv4Request *request,
              gint64 time)
{
  g_auto (CarreteSigv4Result) result = { 0 };

  sign_ok (credentials, request, time, &result);
  return g_steal_pointer (&result.signature);
}

static void
test_header_signature_changes (void)
{
  const gint64 now = amz_time (S3_EXAMPLE_TIME);
  g_autofree char *base = signature_of (&s3_example, &base_request, now);
  CarreteSigv4Credentials other_secret = s3_example;
  CarreteSigv4Request variants[4];
  g_autofree char *by_time = signature_of (&s3_example, &base_request, now + 1);
  g_autofree char *by_secret = NULL;

  other_secret.secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEZ";
  by_secret = signature_of (&other_secret, &base_request, now);
  g_assert_cmpstr (base, !=, by_time);
  g_assert_cmpstr (base, !=, by_secret);

  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    variants[i] = base_request;
  variants[0].method = "GET";
  variants[1].path = "/carrete/photos/b.jpg";
  variants[2].headers = other_headers;
  variants[3].payload_hash = CARRETE_SIGV4_EMPTY_SHA256;
  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      g_autofree char *changed = signature_of (&s3_example, &variants[i], now);

      g_assert_cmpstr (base, !=, changed);
    }
}

static char *
presign_ok (const CarreteSigv4Credentials *credentials, const char *method, const char *path,
            guint expires, gint64 time)
{
  g_autoptr (GError) error = NULL;
  char *url = carrete_sigv4_presign (credentials, method, "http://127.0.0.1:9000", path, expires,
                                     time, NULL, 0, &error);

  g_assert_no_error (error);
  g_assert_nonnull (url);
  return url;
}

static void
test_presign_signature_changes (void)
{
  const gint64 now = amz_time (S3_EXAMPLE_TIME);
  CarreteSigv4Credentials other_secret = s3_example;
  g_autofree char *base = presign_ok (&s3_example, "GET", "/b/k", 900, now);
  g_autofree char *expected = query_param (base, "X-Amz-Signature");
  char *variants[5];

  other_secret.secret_key = "another secret";
  variants[0] = presign_ok (&s3_example, "PUT", "/b/k", 900, now);
  variants[1] = presign_ok (&s3_example, "GET", "/b/l", 900, now);
  variants[2] = presign_ok (&s3_example, "GET", "/b/k", 901, now);
  variants[3] = presign_ok (&s3_example, "GET", "/b/k", 900, now + 1);
  variants[4] = presign_ok (&other_secret, "GET", "/b/k", 900, now);
  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      g_autofree char *changed = query_param (variants[i], "X-Amz-Signature");

      g_assert_cmpstr (expected, !=, changed);
      g_free (variants[i]);
    }
}

static void
test_presign_url_parses (void)
{
  const CarreteSigv4Pair headers[] = { { "Content-Type", "image/jpeg" } };
  static const char *const required[] = {
    "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date",
    "X-Amz-Expires",   "X-Amz-SignedHeaders", "X-Amz-Signature",
  };
  g_autoptr (GError) error = NULL;
  g_autofree char *url =
    carrete_sigv4_presign (&s3_example, "PUT", "http://127.0.0.1:9000", "/carrete/a b.jpg", 3600,
                           amz_time (S3_EXAMPLE_TIME), headers, G_N_ELEMENTS (headers), &error);
  g_autoptr (GUri) uri = NULL;
  g_autofree char *signed_headers = NULL;
  g_autofree char *credential = NULL;

  g_assert_no_error (error);
  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_uri_get_scheme (uri), ==, "http");
  g_assert_cmpstr (g_uri_get_host (uri), ==, "127.0.0.1");
  g_assert_cmpint (g_uri_get_port (uri), ==, 9000);
  g_assert_cmpstr (g_uri_get_path (uri), ==, "/carrete/a%20b.jpg");
  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    {
      g_autofree char *value = query_param (url, required[i]);

      g_assert_nonnull (value);
      g_assert_cmpstr (value, !=, "");
    }
  signed_headers = query_param (url, "X-Amz-SignedHeaders");
  g_assert_cmpstr (signed_headers, ==, "content-type;host");
  credential = query_param (url, "X-Amz-Credential");
  g_assert_cmpstr (credential, ==, "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request");
}

static void
test_presign_default_port (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *url = carrete_sigv4_presign (&s3_example, "GET", "HTTPS://Photos.Example:443/",
                                                "/k", 60, 0, NULL, 0, &error);

  /* Clients leave the default port out of Host, so the signer must too. */
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (url, "https://photos.example/k?"));
}

static void
test_uri_encode (void)
{
  g_autofree char *path = carrete_sigv4_uri_encode ("a b/\xc3\xbc~.txt", TRUE);
  g_autofree char *value = carrete_sigv4_uri_encode ("a/b+c%d=", FALSE);

  g_assert_cmpstr (path, ==, "a%20b/%C3%BC~.txt");
  g_assert_cmpstr (value, ==, "a%2Fb%2Bc%25d%3D");
}

static void
test_header_normalisation (void)
{
  const CarreteSigv4Pair headers[] = {
    { "X-Amz-Meta-Note", "  a   b\t c  " },
    { "x-amz-meta-list", "1" },
    { "X-AMZ-META-LIST", "2" },
  };
  const CarreteSigv4Request request = {
    .method = "GET",
    .host = "Example.COM",
    .path = "/",
    .headers = headers,
    .n_headers = G_N_ELEMENTS (headers),
  };
  g_auto (CarreteSigv4Result) result = { 0 };

  sign_ok (&suite, &request, amz_time (SUITE_TIME), &result);
  g_assert_cmpstr (result.canonical_request, ==,
                   "GET\n/\n\nhost:example.com\nx-amz-date:20150830T123600Z\n"
                   "x-amz-meta-list:1,2\nx-amz-meta-note:a b c\n\n"
                   "host;x-amz-date;x-amz-meta-list;x-amz-meta-note\n" CARRETE_SIGV4_EMPTY_SHA256);
}

static void
assert_sign_refused (const CarreteSigv4Request *request, gint64 time)
{
  g_autoptr (GError) error = NULL;
  g_auto (CarreteSigv4Result) result = { 0 };

  g_assert_false (carrete_sigv4_sign (&s3_example, request, time, &result, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED);
  g_assert_null (result.authorization);
}

static void
test_sign_refuses (void)
{
  const CarreteSigv4Pair injected[] = { { "x-amz-meta-a", "1\r\nx-amz-meta-b: 2" } };
  const CarreteSigv4Pair reserved[] = { { "Host", "evil.example" } };
  CarreteSigv4Request request = base_request;

  assert_sign_refused (&request, -1);
  request.path = "relative";
  assert_sign_refused (&request, 0);
  request = base_request;
  request.headers = injected;
  assert_sign_refused (&request, 0);
  request.headers = reserved;
  assert_sign_refused (&request, 0);
  request = base_request;
  request.payload_hash = "not-a-hash";
  assert_sign_refused (&request, 0);
  request = base_request;
  request.host = "a b";
  assert_sign_refused (&request, 0);
}

static void
test_presign_refuses (void)
{
  static const struct
  {
    const char *endpoint;
    guint expires;
  } cases[] = {
    { "http://127.0.0.1:9000", 0 },
    { "http://127.0.0.1:9000", CARRETE_SIGV4_MAX_EXPIRES + 1 },
    { "http://127.0.0.1:9000/bucket", 60 },
    { "ftp://127.0.0.1", 60 },
    { "http://user:pw@127.0.0.1", 60 },
    { "http://127.0.0.1?x=1", 60 },
    { "127.0.0.1:9000", 60 },
    { NULL, 60 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *url = carrete_sigv4_presign (&s3_example, "GET", cases[i].endpoint, "/k",
                                                    cases[i].expires, 0, NULL, 0, &error);

      g_assert_null (url);
      g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED);
    }
}

/* Extra signed query parameters: with none it is the plain presign; the
 * signer's own names cannot be set or shadowed. */
static void
test_presign_with_query (void)
{
  const CarreteSigv4Pair shadow[] = { { "x-amz-expires", "1" } };
  const CarreteSigv4Pair extra[] = { { "response-content-type", "image/jpeg" } };
  const gint64 now = amz_time (S3_EXAMPLE_TIME);
  g_autoptr (GError) error = NULL;
  g_autofree char *plain = carrete_sigv4_presign (&s3_example, "GET", "https://" S3_EXAMPLE_HOST,
                                                  "/test.txt", 86400, now, NULL, 0, &error);
  g_autofree char *same = carrete_sigv4_presign_with_query (
    &s3_example, "GET", "https://" S3_EXAMPLE_HOST, "/test.txt", NULL, 0, 86400, now, NULL, 0,
    &error);
  g_autofree char *typed = carrete_sigv4_presign_with_query (
    &s3_example, "GET", "https://" S3_EXAMPLE_HOST, "/test.txt", extra, 1, 86400, now, NULL, 0,
    &error);
  char *refused;

  g_assert_no_error (error);
  g_assert_cmpstr (plain, ==, same);
  g_assert_nonnull (strstr (typed, "&response-content-type=image%2Fjpeg&X-Amz-Signature="));
  {
    g_autofree char *plain_signature = query_param (plain, "X-Amz-Signature");
    g_autofree char *typed_signature = query_param (typed, "X-Amz-Signature");
    g_assert_cmpstr (plain_signature, !=, typed_signature);
  }
  refused = carrete_sigv4_presign_with_query (&s3_example, "GET", "https://" S3_EXAMPLE_HOST,
                                              "/test.txt", shadow, 1, 86400, now, NULL, 0, &error);
  g_assert_null (refused);
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED);
}

static void
test_endpoint_host (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *origin = NULL;
  g_autofree char *host = NULL;

  g_assert_true (carrete_sigv4_endpoint_host ("HTTP://Minio:80/", &origin, &host, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (origin, ==, "http://minio");
  g_assert_cmpstr (host, ==, "minio");
  g_clear_pointer (&origin, g_free);
  g_clear_pointer (&host, g_free);
  g_assert_true (carrete_sigv4_endpoint_host ("http://[::1]:9000", &origin, &host, &error));
  g_assert_cmpstr (host, ==, "[::1]:9000");
  g_assert_false (carrete_sigv4_endpoint_host ("http://minio:9000/x", &origin, &host, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (sodium_init () < 0)
    g_error ("libsodium failed to initialise");

  g_test_add_func ("/carrete/sigv4/aws-s3/presigned-get", test_s3_presigned_get);
  g_test_add_func ("/carrete/sigv4/aws-s3/get-object", test_s3_get_object);
  g_test_add_func ("/carrete/sigv4/aws-s3/put-object", test_s3_put_object);
  g_test_add_func ("/carrete/sigv4/aws-s3/get-bucket-lifecycle", test_s3_get_bucket_lifecycle);
  g_test_add_func ("/carrete/sigv4/aws-s3/list-objects", test_s3_list_objects);
  for (guint i = 0; i < G_N_ELEMENTS (suite_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/carrete/sigv4/suite/", suite_cases[i].name, NULL);

      g_test_add_data_func (path, &suite_cases[i], test_suite_case);
    }
  g_test_add_func ("/carrete/sigv4/property/header-signature-changes",
                   test_header_signature_changes);
  g_test_add_func ("/carrete/sigv4/property/presign-signature-changes",
                   test_presign_signature_changes);
  g_test_add_func ("/carrete/sigv4/presign/url-parses", test_presign_url_parses);
  g_test_add_func ("/carrete/sigv4/presign/default-port", test_presign_default_port);
  g_test_add_func ("/carrete/sigv4/presign/refuses", test_presign_refuses);
  g_test_add_func ("/carrete/sigv4/presign/with-query", test_presign_with_query);
  g_test_add_func ("/carrete/sigv4/endpoint-host", test_endpoint_host);
  g_test_add_func ("/carrete/sigv4/uri-encode", test_uri_encode);
  g_test_add_func ("/carrete/sigv4/header-normalisation", test_header_normalisation);
  g_test_add_func ("/carrete/sigv4/sign/refuses", test_sign_refuses);

  return g_test_run ();
}
