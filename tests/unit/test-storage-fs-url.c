#define G_LOG_DOMAIN "carrete-test-storage-fs-url"

#include <string.h>

#include "carrete-error.h"
#include "carrete-storage.h"

/* The fs backend's own "presigned" URLs: signing, and the verification the
 * photos service runs on every /v1/storage/... request. */

#define NOW G_GINT64_CONSTANT (1700000000)

typedef struct
{
  CarreteStorage *storage;
  guint8 url_key[32];
} Fixture;

static CarreteStorage *
storage_with_key (const guint8 *url_key)
{
  const CarreteStorageOptions options = {
    .kind = CARRETE_STORAGE_FS,
    .dir = "/var/lib/carrete/objects",
    .public_url = "https://photos.example.org/",
    .url_key = url_key,
  };
  g_autoptr (GError) error = NULL;
  CarreteStorage *storage = carrete_storage_new (&options, &error);

  g_assert_no_error (error);
  return storage;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  for (guint i = 0; i < sizeof f->url_key; i++)
    f->url_key[i] = (guint8) i;
  f->storage = storage_with_key (f->url_key);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->storage, carrete_storage_free);
}

/* The query of `url` as libsoup hands it to a handler. */
static GHashTable *
query_of (const char *url)
{
  const char *mark = strchr (url, '?');
  GHashTable *query;

  g_assert_nonnull (mark);
  query = g_uri_parse_params (mark + 1, -1, "&", G_URI_PARAMS_NONE, NULL);
  g_assert_nonnull (query);
  return query;
}

static char *
sign_get (Fixture *f, const char *key, const char *type)
{
  g_autoptr (GError) error = NULL;
  char *url = carrete_storage_presign_get (f->storage, key, NOW, 60, type, &error);

  g_assert_no_error (error);
  return url;
}

static char *
sign_put (Fixture *f, const char *key, const char *type)
{
  g_autoptr (GError) error = NULL;
  char *url = carrete_storage_presign_put (f->storage, key, NOW, 900, type, &error);

  g_assert_no_error (error);
  return url;
}

static gboolean
verify (Fixture *f, const char *method, const char *key, GHashTable *query, gint64 now,
        const char *expected_message)
{
  g_autoptr (GError) error = NULL;
  gboolean ok = carrete_storage_fs_verify (f->storage, method, key, query, now, &error);

  if (ok)
    g_assert_no_error (error);
  else
    {
      g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_FORBIDDEN);
      if (expected_message != NULL)
        g_assert_nonnull (strstr (error->message, expected_message));
    }
  return ok;
}

/* The URL format and MAC are pinned (values computed independently with
 * Python's hmac): URLs handed out before an upgrade keep working. */
static void
test_url_shape (Fixture *f, gconstpointer data)
{
  g_autofree char *get = sign_get (f, "photos/a.jpg", NULL);
  g_autofree char *put = sign_put (f, "photos/a.jpg", "image/jpeg");
  g_autofree char *path = carrete_storage_fs_path (f->storage, "photos/a.jpg");

  g_assert_cmpstr (get, ==,
                   "https://photos.example.org/v1/storage/photos/a.jpg?expires=1700000060"
                   "&signature=ffd178bee8301d0a020232b98fd5216df8cab1727a4ce957b6a5973f44e149ca");
  g_assert_cmpstr (put, ==,
                   "https://photos.example.org/v1/storage/photos/a.jpg?expires=1700000900"
                   "&content_type=image%2Fjpeg"
                   "&signature=b21176e8e57cedf8aafd01e11713f1b8e5b70583c49341717dec83d72952f972");
  g_assert_cmpstr (path, ==, "/var/lib/carrete/objects/photos/a.jpg");
}

static void
test_verify_good (Fixture *f, gconstpointer data)
{
  g_autofree char *get = sign_get (f, "photos/a.jpg", NULL);
  g_autofree char *typed = sign_get (f, "photos/a.jpg", "image/png");
  g_autofree char *put = sign_put (f, "photos/a.jpg", "image/jpeg");
  g_autoptr (GHashTable) get_query = query_of (get);
  g_autoptr (GHashTable) typed_query = query_of (typed);
  g_autoptr (GHashTable) put_query = query_of (put);

  g_assert_true (verify (f, "GET", "photos/a.jpg", get_query, NOW, NULL));
  g_assert_true (verify (f, "HEAD", "photos/a.jpg", get_query, NOW, NULL));
  /* Valid up to and including the expiry second. */
  g_assert_true (verify (f, "GET", "photos/a.jpg", get_query, NOW + 60, NULL));
  g_assert_true (verify (f, "GET", "photos/a.jpg", typed_query, NOW, NULL));
  g_assert_cmpstr (g_hash_table_lookup (typed_query, "content_type"), ==, "image/png");
  g_assert_true (verify (f, "PUT", "photos/a.jpg", put_query, NOW, NULL));
  g_assert_cmpstr (g_hash_table_lookup (put_query, "content_type"), ==, "image/jpeg");
}

static void
test_verify_expired (Fixture *f, gconstpointer data)
{
  g_autofree char *get = sign_get (f, "photos/a.jpg", NULL);
  g_autoptr (GHashTable) query = query_of (get);

  g_assert_false (verify (f, "GET", "photos/a.jpg", query, NOW + 61, "expired"));
}

static void
test_verify_wrong_method (Fixture *f, gconstpointer data)
{
  g_autofree char *get = sign_get (f, "photos/a.jpg", NULL);
  g_autofree char *put = sign_put (f, "photos/a.jpg", "image/jpeg");
  g_autoptr (GHashTable) get_query = query_of (get);
  g_autoptr (GHashTable) put_query = query_of (put);

  g_assert_false (verify (f, "PUT", "photos/a.jpg", get_query, NOW, "for GET"));
  g_assert_false (verify (f, "GET", "photos/a.jpg", put_query, NOW, "for PUT"));
  g_assert_false (verify (f, "DELETE", "photos/a.jpg", get_query, NOW, "method"));
  g_assert_false (verify (f, "POST", "photos/a.jpg", put_query, NOW, "method"));
  g_assert_false (verify (f, NULL, "photos/a.jpg", get_query, NOW, "method"));
}

static void
test_verify_tampered (Fixture *f, gconstpointer data)
{
  g_autofree char *put = sign_put (f, "photos/a.jpg", "image/jpeg");
  g_autoptr (GHashTable) query = query_of (put);
  g_autofree char *signature = g_strdup (g_hash_table_lookup (query, "signature"));
  static const char *const bad_expiry[] = { "1700000901", "1700000899", "01700000900",
                                            "+1700000900", "1700000900 ", "", "-1" };

  g_assert_false (verify (f, "PUT", "photos/b.jpg", query, NOW, "signature"));
  g_assert_false (verify (f, "PUT", "photos/a.jpg/x", query, NOW, "signature"));
  g_assert_false (verify (f, "PUT", "../photos/a.jpg", query, NOW, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (bad_expiry); i++)
    {
      g_hash_table_replace (query, g_strdup ("expires"), g_strdup (bad_expiry[i]));
      g_assert_false (verify (f, "PUT", "photos/a.jpg", query, NOW, NULL));
    }
  g_hash_table_replace (query, g_strdup ("expires"), g_strdup ("1700000900"));
  g_assert_true (verify (f, "PUT", "photos/a.jpg", query, NOW, NULL));

  /* The bound content type cannot be changed or dropped. */
  g_hash_table_replace (query, g_strdup ("content_type"), g_strdup ("text/html"));
  g_assert_false (verify (f, "PUT", "photos/a.jpg", query, NOW, "signature"));
  g_hash_table_remove (query, "content_type");
  g_assert_false (verify (f, "PUT", "photos/a.jpg", query, NOW, "signature"));
  g_hash_table_replace (query, g_strdup ("content_type"), g_strdup ("image/jpeg"));

  /* Every position of the signature matters. */
  for (gsize i = 0; i < strlen (signature); i++)
    {
      g_autofree char *changed = g_strdup (signature);
      changed[i] = changed[i] == 'a' ? 'b' : 'a';
      g_hash_table_replace (query, g_strdup ("signature"), g_steal_pointer (&changed));
      g_assert_false (verify (f, "PUT", "photos/a.jpg", query, NOW, NULL));
    }
  g_hash_table_replace (query, g_strdup ("signature"), g_strndup (signature, 63));
  g_assert_false (verify (f, "PUT", "photos/a.jpg", query, NOW, "malformed"));
  g_hash_table_replace (query, g_strdup ("signature"), g_strconcat (signature, "00", NULL));
  g_assert_false (verify (f, "PUT", "photos/a.jpg", query, NOW, "malformed"));
  g_hash_table_replace (query, g_strdup ("signature"), g_ascii_strup (signature, -1));
  g_assert_true (verify (f, "PUT", "photos/a.jpg", query, NOW, NULL));
}

static void
test_verify_added_type (Fixture *f, gconstpointer data)
{
  g_autofree char *get = sign_get (f, "photos/a.jpg", NULL);
  g_autoptr (GHashTable) query = query_of (get);

  /* Adding a response type to a GET URL (to serve it as HTML, say). */
  g_hash_table_replace (query, g_strdup ("content_type"), g_strdup ("text/html"));
  g_assert_false (verify (f, "GET", "photos/a.jpg", query, NOW, "signature"));
  g_hash_table_replace (query, g_strdup ("content_type"), g_strdup (""));
  g_assert_false (verify (f, "GET", "photos/a.jpg", query, NOW, "malformed"));
}

static void
test_verify_missing (Fixture *f, gconstpointer data)
{
  g_autofree char *get = sign_get (f, "photos/a.jpg", NULL);
  g_autoptr (GHashTable) query = query_of (get);
  g_autoptr (GHashTable) empty = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_false (verify (f, "GET", "photos/a.jpg", NULL, NOW, "no signature"));
  g_assert_false (verify (f, "GET", "photos/a.jpg", empty, NOW, "no signature"));
  g_hash_table_remove (query, "expires");
  g_assert_false (verify (f, "GET", "photos/a.jpg", query, NOW, "no signature"));
}

static void
test_verify_other_key (Fixture *f, gconstpointer data)
{
  guint8 other_key[32];
  g_autoptr (CarreteStorage) other = NULL;
  g_autofree char *get = sign_get (f, "photos/a.jpg", NULL);
  g_autoptr (GHashTable) query = query_of (get);
  g_autoptr (GError) error = NULL;

  memcpy (other_key, f->url_key, sizeof other_key);
  other_key[31] ^= 1;
  other = storage_with_key (other_key);
  g_assert_false (carrete_storage_fs_verify (other, "GET", "photos/a.jpg", query, NOW, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_FORBIDDEN);
}

static void
test_bad_options (void)
{
  static const guint8 url_key[32] = { 0 };
  CarreteStorageOptions options = {
    .kind = CARRETE_STORAGE_FS,
    .dir = "/tmp/x",
    .public_url = "ftp://example.org",
    .url_key = url_key,
  };
  g_autoptr (GError) error = NULL;

  g_assert_null (carrete_storage_new (&options, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG);
  g_clear_error (&error);
  options.public_url = "http://example.org";
  options.dir = "";
  g_assert_null (carrete_storage_new (&options, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG);
  g_clear_error (&error);
  options.dir = "/tmp/x";
  options.url_key = NULL;
  g_assert_null (carrete_storage_new (&options, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG);
}

/* ---- part URLs of multipart uploads -------------------------------------------------------- */

#define UPLOAD_ID "0123456789abcdef0123456789abcdef"

static char *
sign_part (Fixture *f, const char *key, guint number, guint64 length, gint64 now)
{
  g_autoptr (GError) error = NULL;
  char *url = carrete_storage_multipart_presign_part (f->storage, key, UPLOAD_ID, number, length,
                                                      now, 900, &error);

  g_assert_no_error (error);
  return url;
}

static gboolean
verify_part (Fixture *f, const char *key, const char *url, gint64 now, guint *number,
             guint64 *length, const char *expected_message)
{
  g_autoptr (GHashTable) query = query_of (url);
  g_autoptr (GError) error = NULL;
  const char *id = NULL;
  gboolean ok
      = carrete_storage_fs_verify_part (f->storage, key, query, now, &id, number, length, &error);

  if (ok)
    {
      g_assert_no_error (error);
      g_assert_cmpstr (id, ==, UPLOAD_ID);
    }
  else
    {
      g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_FORBIDDEN);
      g_assert_nonnull (strstr (error->message, expected_message));
    }
  return ok;
}

/* Pinned like the object URLs (HMAC computed with Python's hmac), and
 * bound to upload, part, length, key and expiry. */
static void
test_part_url (Fixture *f, gconstpointer data)
{
  g_autofree char *url = sign_part (f, "photos/a.jpg", 3, 8388608, NOW);
  g_autofree char *old = sign_part (f, "photos/a.jpg", 3, 8388608, NOW - 1000);
  g_autofree char *object_put = sign_put (f, "photos/a.jpg", "image/jpeg");
  g_autoptr (GHashTable) part_query = query_of (url);
  const char *swaps[][2] = {
    { "part=3", "part=4" },
    { "length=8388608", "length=8388609" },
    { "upload_id=0", "upload_id=1" },
    { "expires=1700000900", "expires=1700000901" },
  };
  guint number = 0;
  guint64 length = 0;

  g_assert_cmpstr (url, ==,
                   "https://photos.example.org/v1/storage/photos/a.jpg?upload_id=" UPLOAD_ID
                   "&part=3&length=8388608&expires=1700000900"
                   "&signature=e1cd10cf09c05f9fe3d044629a484769f23f208fc55f7da78bb90c049b83b6c5");
  g_assert_true (verify_part (f, "photos/a.jpg", url, NOW, &number, &length, NULL));
  g_assert_cmpuint (number, ==, 3);
  g_assert_cmpuint (length, ==, 8388608);
  g_assert_false (verify_part (f, "photos/b.jpg", url, NOW, &number, &length, "bad signature"));
  g_assert_false (verify_part (f, "photos/a.jpg", old, NOW, &number, &length, "expired"));
  for (guint i = 0; i < G_N_ELEMENTS (swaps); i++)
    {
      const char *at = strstr (url, swaps[i][0]);
      g_autofree char *tampered = NULL;

      g_assert_nonnull (at);
      tampered = g_strdup_printf ("%.*s%s%s", (int) (at - url), url, swaps[i][1],
                                  at + strlen (swaps[i][0]));
      g_assert_false (
          verify_part (f, "photos/a.jpg", tampered, NOW, &number, &length, "bad signature"));
    }
  /* An object's PUT URL is not a part URL, nor the other way round. */
  g_assert_false (verify_part (f, "photos/a.jpg", object_put, NOW, &number, &length, "malformed"));
  g_assert_false (verify (f, "PUT", "photos/a.jpg", part_query, NOW, "bad signature"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/carrete/storage/fs-url/shape", test_url_shape);
  ADD ("/carrete/storage/fs-url/good", test_verify_good);
  ADD ("/carrete/storage/fs-url/expired", test_verify_expired);
  ADD ("/carrete/storage/fs-url/wrong-method", test_verify_wrong_method);
  ADD ("/carrete/storage/fs-url/tampered", test_verify_tampered);
  ADD ("/carrete/storage/fs-url/added-type", test_verify_added_type);
  ADD ("/carrete/storage/fs-url/missing", test_verify_missing);
  ADD ("/carrete/storage/fs-url/other-key", test_verify_other_key);
  ADD ("/carrete/storage/fs-url/part", test_part_url);
#undef ADD
  g_test_add_func ("/carrete/storage/fs-url/bad-options", test_bad_options);
  return g_test_run ();
}
