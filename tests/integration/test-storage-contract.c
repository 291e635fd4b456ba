#define G_LOG_DOMAIN "carrete-test-storage-contract"

/* One contract, four stores: every test here runs against the fs backend
 * (a temporary directory) and the s3 backend on three S3 servers that
 * check signatures, registered as /storage/fs/..., /storage/s3/... (MinIO,
 * what the services are tested on), /storage/versitygw/... (versitygw's
 * posix backend) and /storage/garage/... (Garage, one node).  Those paths
 * address buckets path-style; /storage/<server>-virtual/... run the cases
 * that make requests again with virtual-hosted addressing
 * (bucket.s3.localhost).  The servers' differences are the s3 backend's
 * business (carrete-storage-s3-request.c), never a weaker assertion here.
 * Garage needs a Rust toolchain to build: without its binary its cases
 * skip, saying so.  The HTTP side of fs URLs belongs to the photos service
 * and is tested there; here fs URLs are checked with
 * carrete_storage_fs_verify, as the service does. */

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "carrete-error.h"
#include "carrete-sha256.h"
#include "carrete-storage.h"
#include "carrete-test-s3-server.h"
#include "carrete-test.h"

#define TIMEOUT_SECONDS 5
#define BIG_BYTES (20 * 1024 * 1024)

typedef struct
{
  const char *name; /* in the test paths */
  CarreteStorageKind kind;
  CtS3Kind server;         /* s3 only */
  gboolean virtual_hosted; /* s3: bucket.s3.localhost rather than /bucket */
} Backend;

static const Backend backends[] = {
  { "fs", CARRETE_STORAGE_FS, 0, FALSE },
  { "s3", CARRETE_STORAGE_S3, CT_S3_MINIO, FALSE },
  { "versitygw", CARRETE_STORAGE_S3, CT_S3_VERSITYGW, FALSE },
  { "garage", CARRETE_STORAGE_S3, CT_S3_GARAGE, FALSE },
  { "minio-virtual", CARRETE_STORAGE_S3, CT_S3_MINIO, TRUE },
  { "versitygw-virtual", CARRETE_STORAGE_S3, CT_S3_VERSITYGW, TRUE },
  { "garage-virtual", CARRETE_STORAGE_S3, CT_S3_GARAGE, TRUE },
};

/* One of each kind, shared by its tests (both addressings), started on
 * first use. */
static CtS3Server *servers[CT_S3_N_KINDS];
static guint bucket_serial;

typedef struct
{
  CarreteStorageKind kind;
  gboolean virtual_hosted;
  CtS3Server *server; /* s3: borrowed from servers[] */
  CarreteStorage *storage;
  char *work;  /* source and destination files */
  char *dir;   /* fs: the store */
  char *bucket;
  guint8 url_key[32];
} Fixture;

/* The options of the fixture's store; tests change some for stores that
 * must fail (another bucket, a wrong secret). */
static CarreteStorageOptions
options_of (Fixture *f)
{
  CarreteStorageOptions options = {
    .kind = f->kind,
    .dir = f->dir,
    .public_url = "http://127.0.0.1:8082/",
    .url_key = f->url_key,
    .region = "us-east-1",
    .bucket = f->bucket,
    .timeout_seconds = TIMEOUT_SECONDS,
  };

  if (f->kind == CARRETE_STORAGE_S3)
    {
      options.endpoint = f->virtual_hosted ? ct_s3_server_virtual_endpoint (f->server)
                                           : ct_s3_server_endpoint (f->server);
      options.access_key = ct_s3_server_access_key (f->server);
      options.secret_key = ct_s3_server_secret_key (f->server);
      options.virtual_hosted = f->virtual_hosted;
    }
  return options;
}

static CarreteStorage *
storage_new (Fixture *f)
{
  CarreteStorageOptions options = options_of (f);
  g_autoptr (GError) error = NULL;
  CarreteStorage *storage;

  storage = carrete_storage_new (&options, &error);
  g_assert_no_error (error);
  return storage;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  const Backend *backend = data;
  g_autoptr (GError) error = NULL;

  f->kind = backend->kind;
  f->virtual_hosted = backend->virtual_hosted;
  f->work = ct_make_tmpdir ("carrete-storage-work-XXXXXX");
  for (guint i = 0; i < sizeof f->url_key; i++)
    f->url_key[i] = (guint8) g_random_int_range (0, 256);
  if (f->kind == CARRETE_STORAGE_S3)
    {
      if (servers[backend->server] == NULL)
        servers[backend->server] = ct_s3_server_start (backend->server);
      f->server = servers[backend->server];
      f->bucket = g_strdup_printf ("carrete-contract-%u", ++bucket_serial);
    }
  else
    {
      /* A store that does not exist yet: ensure_ready creates it. */
      f->dir = g_build_filename (f->work, "store", "objects", NULL);
    }
  f->storage = storage_new (f);
  g_assert_true (carrete_storage_ensure_ready (f->storage, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->storage, carrete_storage_free);
  ct_remove_tree (f->work);
  g_free (f->work);
  g_free (f->dir);
  g_free (f->bucket);
}

/* ---- helpers ----------------------------------------------------------------- */

static char *
work_file (Fixture *f, const char *name)
{
  return g_build_filename (f->work, name, NULL);
}

static char *
write_source (Fixture *f, const char *name, const char *contents)
{
  char *path = work_file (f, name);
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

static void
put_text (Fixture *f, const char *key, const char *contents, const char *type)
{
  g_autofree char *source = write_source (f, "source", contents);
  g_autoptr (GError) error = NULL;

  g_assert_true (carrete_storage_put_file (f->storage, key, source, type, NULL, &error));
  g_assert_no_error (error);
}

static char *
get_text (Fixture *f, const char *key)
{
  g_autofree char *dest = work_file (f, "dest");
  g_autoptr (GError) error = NULL;
  char *contents = NULL;

  g_assert_true (carrete_storage_get_to_file (f->storage, key, dest, 1 << 20, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (dest, &contents, NULL, NULL));
  g_unlink (dest);
  return contents;
}

/* ---- ready --------------------------------------------------------------------- */

static void
test_ensure_ready (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteStorage) again = storage_new (f);
  g_autoptr (GPtrArray) keys = NULL;

  g_assert_cmpint (carrete_storage_get_kind (f->storage), ==, f->kind);
  /* Idempotent, from the same instance and from another replica. */
  g_assert_true (carrete_storage_ensure_ready (f->storage, &error));
  g_assert_no_error (error);
  g_assert_true (carrete_storage_ensure_ready (again, &error));
  g_assert_no_error (error);
  if (f->kind == CARRETE_STORAGE_FS)
    g_assert_true (g_file_test (f->dir, G_FILE_TEST_IS_DIR));
  keys = carrete_storage_list (again, "", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (keys->len, ==, 0);
}

/* ---- put, stat, get ----------------------------------------------------------------- */

static void
test_roundtrip (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  CarreteObjectInfo info = { 0 };
  g_autofree char *first_etag = NULL;
  g_autofree char *got = NULL;

  put_text (f, "photos/a/original.jpg", "hello, storage", "image/jpeg");
  g_assert_true (carrete_storage_stat (f->storage, "photos/a/original.jpg", &info, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (info.size, ==, strlen ("hello, storage"));
  g_assert_cmpstr (info.content_type, ==, "image/jpeg");
  g_assert_nonnull (info.etag);
  g_assert_true (info.etag[0] == '"' && g_str_has_suffix (info.etag, "\""));
  first_etag = g_steal_pointer (&info.etag);
  carrete_object_info_clear (&info);
  got = get_text (f, "photos/a/original.jpg");
  g_assert_cmpstr (got, ==, "hello, storage");

  /* Replacing the object changes size, type and etag. */
  put_text (f, "photos/a/original.jpg", "other bytes!", "image/png");
  g_assert_true (carrete_storage_stat (f->storage, "photos/a/original.jpg", &info, &error));
  g_assert_cmpuint (info.size, ==, strlen ("other bytes!"));
  g_assert_cmpstr (info.content_type, ==, "image/png");
  g_assert_cmpstr (info.etag, !=, first_etag);
  carrete_object_info_clear (&info);
  g_free (got);
  got = get_text (f, "photos/a/original.jpg");
  g_assert_cmpstr (got, ==, "other bytes!");

  /* An empty object is an object. */
  put_text (f, "photos/empty", "", "application/octet-stream");
  g_assert_true (carrete_storage_stat (f->storage, "photos/empty", &info, &error));
  g_assert_cmpuint (info.size, ==, 0);
  carrete_object_info_clear (&info);
  g_free (got);
  got = get_text (f, "photos/empty");
  g_assert_cmpstr (got, ==, "");
}

/* ---- big objects are streamed ------------------------------------------------------ */

static void
write_pattern_file (const char *path, gsize size)
{
  g_autofree guint32 *chunk = g_new (guint32, 16384);
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

  g_assert_cmpint (fd, >=, 0);
  for (gsize done = 0; done < size; done += 16384 * 4)
    {
      for (guint i = 0; i < 16384; i++)
        chunk[i] = g_rand_int (rand);
      g_assert_cmpint (write (fd, chunk, 16384 * 4), ==, 16384 * 4);
    }
  close (fd);
}

static char *
file_sha256 (const char *path)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guchar *buffer = g_malloc (65536);
  int fd = g_open (path, O_RDONLY, 0);
  gssize n;

  g_assert_cmpint (fd, >=, 0);
  while ((n = read (fd, buffer, 65536)) > 0)
    g_checksum_update (sum, buffer, n);
  close (fd);
  return g_strdup (g_checksum_get_string (sum));
}

/* The resident-set high-water mark, in KiB, and a way to reset it (Linux:
 * writing 5 to clear_refs). */
static gint64
rss_peak_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, "VmHWM:");
  g_assert_nonnull (line);
  return g_ascii_strtoll (line + strlen ("VmHWM:"), NULL, 10);
}

static gboolean
rss_peak_reset (void)
{
  int fd = g_open ("/proc/self/clear_refs", O_WRONLY, 0);
  gboolean ok = fd >= 0 && write (fd, "5", 1) == 1;

  if (fd >= 0)
    close (fd);
  return ok;
}

static void
test_big_object_streams (Fixture *f, gconstpointer data)
{
  g_autofree char *source = work_file (f, "big-source");
  g_autofree char *dest = work_file (f, "big-dest");
  g_autofree char *source_sum = NULL;
  g_autofree char *dest_sum = NULL;
  g_autoptr (GError) error = NULL;
  CarreteObjectInfo info = { 0 };
  gint64 before;
  gboolean can_measure;

  write_pattern_file (source, BIG_BYTES);
  source_sum = file_sha256 (source);
  can_measure = rss_peak_reset ();
  before = rss_peak_kib ();
  g_assert_true (carrete_storage_put_file (f->storage, "big/object", source, "image/webp", NULL,
                                           &error));
  g_assert_no_error (error);
  g_assert_true (carrete_storage_get_to_file (f->storage, "big/object", dest, BIG_BYTES, NULL,
                                              &error));
  g_assert_no_error (error);
  /* Holding the object would raise the peak by 20 MiB or more. */
  g_test_message ("RSS peak rose by %" G_GINT64_FORMAT " KiB", rss_peak_kib () - before);
  if (can_measure)
    g_assert_cmpint (rss_peak_kib () - before, <, 8 * 1024);
  else
    g_test_message ("cannot reset the RSS peak here; memory not checked");

  dest_sum = file_sha256 (dest);
  g_assert_cmpstr (source_sum, ==, dest_sum);
  g_assert_true (carrete_storage_stat (f->storage, "big/object", &info, &error));
  g_assert_cmpuint (info.size, ==, BIG_BYTES);
  carrete_object_info_clear (&info);
}

static void
test_get_too_large (Fixture *f, gconstpointer data)
{
  g_autofree char *dest = work_file (f, "too-large");
  g_autoptr (GError) error = NULL;
  g_autofree char *big = g_strnfill (1000, 'x');

  put_text (f, "sized", big, "text/plain");
  g_assert_false (carrete_storage_get_to_file (f->storage, "sized", dest, 999, NULL, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_TOO_LARGE);
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* Exactly the limit is fine. */
  g_assert_true (carrete_storage_get_to_file (f->storage, "sized", dest, 1000, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (dest, G_FILE_TEST_EXISTS));
}

/* ---- delete and missing keys ----------------------------------------------------------- */

static void
test_delete_twice (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  CarreteObjectInfo info = { 0 };

  put_text (f, "gone/soon", "bytes", "text/plain");
  g_assert_true (carrete_storage_delete (f->storage, "gone/soon", &error));
  g_assert_no_error (error);
  g_assert_true (carrete_storage_delete (f->storage, "gone/soon", &error));
  g_assert_no_error (error);
  g_assert_false (carrete_storage_stat (f->storage, "gone/soon", &info, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* A key that never existed, and one whose "directory" never existed. */
  g_assert_true (carrete_storage_delete (f->storage, "never/was/here", &error));
  g_assert_no_error (error);
  if (f->kind == CARRETE_STORAGE_FS)
    {
      /* Pruned: no empty directory left behind. */
      g_autofree char *gone = g_build_filename (f->dir, "gone", NULL);
      g_assert_false (g_file_test (gone, G_FILE_TEST_EXISTS));
    }
}

/* Server-side copy (direct uploads move their staging object to the
 * photo's key with it): bytes and type arrive, the source stays, a later
 * change of the source leaves the copy alone, and a missing source or a
 * bad key is refused. */
static void
test_copy (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  CarreteObjectInfo info = { 0 };
  g_autofree char *copied = NULL;
  g_autofree char *source = NULL;
  g_autofree char *replaced = NULL;

  put_text (f, "u/staging", "staged bytes", "image/jpeg");
  put_text (f, "p/final/original", "older bytes, longer", "image/png");
  g_assert_true (carrete_storage_copy (f->storage, "u/staging", "p/final/original", NULL, &error));
  g_assert_no_error (error);
  copied = get_text (f, "p/final/original");
  g_assert_cmpstr (copied, ==, "staged bytes");
  g_assert_true (carrete_storage_stat (f->storage, "p/final/original", &info, &error));
  g_assert_cmpuint (info.size, ==, strlen ("staged bytes"));
  g_assert_cmpstr (info.content_type, ==, "image/jpeg");
  carrete_object_info_clear (&info);
  source = get_text (f, "u/staging");
  g_assert_cmpstr (source, ==, "staged bytes");

  /* The copy is its own object. */
  put_text (f, "u/staging", "replayed", "image/jpeg");
  replaced = get_text (f, "p/final/original");
  g_assert_cmpstr (replaced, ==, "staged bytes");

  g_assert_false (carrete_storage_copy (f->storage, "u/never", "p/other", NULL, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (carrete_storage_stat (f->storage, "p/other", &info, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (carrete_storage_copy (f->storage, "../u/staging", "p/x", NULL, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (carrete_storage_copy (f->storage, "u/staging", "p/../../x", NULL, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID);
}

static void
test_missing (Fixture *f, gconstpointer data)
{
  g_autofree char *dest = work_file (f, "missing");
  g_autoptr (GError) error = NULL;
  CarreteObjectInfo info = { 0 };

  put_text (f, "present/one", "x", "text/plain");
  g_assert_false (carrete_storage_stat (f->storage, "present/two", &info, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (carrete_storage_get_to_file (f->storage, "present/two", dest, 100, NULL,
                                               &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  g_clear_error (&error);
  /* A "directory" of objects is not an object. */
  g_assert_false (carrete_storage_stat (f->storage, "present", &info, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND);
}

static void
test_invalid_keys (Fixture *f, gconstpointer data)
{
  static const char *const bad[] = { "", "/abs", "a/../b", "a//b", "a/", ".hidden",
                                     "a/.meta", "a b", "a\\b", "ñ" };
  g_autofree char *source = write_source (f, "source", "x");
  g_autofree char *dest = work_file (f, "dest");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      CarreteObjectInfo info = { 0 };

      g_assert_false (carrete_storage_put_file (f->storage, bad[i], source, NULL, NULL, &error));
      g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID);
      g_clear_error (&error);
      g_assert_false (carrete_storage_get_to_file (f->storage, bad[i], dest, 10, NULL, &error));
      g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID);
      g_clear_error (&error);
      g_assert_false (carrete_storage_stat (f->storage, bad[i], &info, &error));
      g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID);
      g_clear_error (&error);
      g_assert_false (carrete_storage_delete (f->storage, bad[i], &error));
      g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID);
    }
}

/* ---- listing -------------------------------------------------------------------------- */

#define MANY_KEYS 1100

typedef struct
{
  Fixture *f;
  char *source;
} PutJob;

static void
put_one (gpointer data, gpointer user_data)
{
  PutJob *job = user_data;
  guint index = GPOINTER_TO_UINT (data) - 1;
  g_autofree char *key = g_strdup_printf ("many/%04u", index);
  g_autoptr (GError) error = NULL;

  if (!carrete_storage_put_file (job->f->storage, key, job->source, "text/plain", NULL, &error))
    g_error ("put %s: %s", key, error->message);
}

static void
test_list_many (Fixture *f, gconstpointer data)
{
  PutJob job = { f, write_source (f, "tiny", "t") };
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) many = NULL;
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GPtrArray) some = NULL;
  GThreadPool *pool = g_thread_pool_new (put_one, &job, 4, TRUE, &error);

  /* Four threads at once: the store is used concurrently, as the
   * photos service's worker pool does. */
  g_assert_no_error (error);
  for (guint i = 1; i <= MANY_KEYS; i++)
    g_thread_pool_push (pool, GUINT_TO_POINTER (i), NULL);
  g_thread_pool_free (pool, FALSE, TRUE);
  put_text (f, "other/a", "a", NULL);
  put_text (f, "other/b", "b", NULL);
  put_text (f, "manyfold", "m", NULL);

  many = carrete_storage_list (f->storage, "many/", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (many->len, ==, MANY_KEYS);
  for (guint i = 0; i < many->len; i++)
    {
      g_autofree char *expected = g_strdup_printf ("many/%04u", i);
      g_assert_cmpstr (many->pdata[i], ==, expected);
    }
  all = carrete_storage_list (f->storage, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, MANY_KEYS + 3);
  g_assert_cmpstr (all->pdata[0], ==, "many/0000");
  g_assert_cmpstr (all->pdata[MANY_KEYS], ==, "manyfold");
  g_assert_cmpstr (all->pdata[MANY_KEYS + 2], ==, "other/b");
  /* A prefix that ends inside a segment. */
  some = carrete_storage_list (f->storage, "many/105", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (some->len, ==, 10);
  g_assert_cmpstr (some->pdata[0], ==, "many/1050");
  g_free (job.source);
}

static void
test_list_bad_prefix (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *keys = carrete_storage_list (f->storage, "../", &error);

  g_assert_null (keys);
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID);
}

/* ---- presigned URLs --------------------------------------------------------------------- */

/* The status an expired presigned URL gets: 403 (AccessDenied, "Request
 * has expired") from MinIO, versitygw, AWS and the fs URLs; 400
 * (InvalidRequest, "Date is too old") from Garage 2.x.  The URL goes to
 * the client, never through the s3 backend, so the backend cannot even
 * this out: the README's differences say what it means for clients. */
static guint
expired_status (Fixture *f)
{
  gboolean garage = f->kind == CARRETE_STORAGE_S3 && ct_s3_server_kind (f->server) == CT_S3_GARAGE;

  return garage ? 400 : 403;
}

/* Uses `url` the way a client does: over HTTP for s3; for fs, the check the
 * photos service makes (signature, then the Content-Type a PUT must send). */
static guint
use_url (Fixture *f, const char *method, const char *url, const char *content_type,
         const char *body, gint64 now, GBytes **got)
{
  if (f->kind == CARRETE_STORAGE_S3)
    {
      g_autoptr (GBytes) bytes = body != NULL ? g_bytes_new (body, strlen (body)) : NULL;
      const char *path = strchr (url + strlen ("http://"), '/');
      g_autofree char *origin = g_strndup (url, (gsize) (path - url));
      g_autoptr (CtResponse) response =
        ct_http_raw (origin, method, path, NULL, content_type, bytes);

      if (got != NULL)
        *got = g_bytes_ref (response->body);
      return response->status;
    }
  else
    {
      g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED_QUERY, NULL);
      g_autoptr (GHashTable) query = NULL;
      g_autoptr (GError) error = NULL;
      const char *prefix = "/v1/storage/";
      const char *path;

      g_assert_nonnull (uri);
      path = g_uri_get_path (uri);
      g_assert_true (g_str_has_prefix (path, prefix));
      query = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
      g_assert_nonnull (query);
      if (!carrete_storage_fs_verify (f->storage, method, path + strlen (prefix), query, now,
                                      &error))
        {
          g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_FORBIDDEN);
          return 403;
        }
      if (strcmp (method, "PUT") == 0
          && g_strcmp0 (g_hash_table_lookup (query, "content_type"), content_type) != 0)
        return 403;
      if (got != NULL)
        {
          g_autofree char *file = carrete_storage_fs_path (f->storage, path + strlen (prefix));
          char *contents = NULL;
          gsize len = 0;

          g_assert_true (g_file_get_contents (file, &contents, &len, NULL));
          *got = g_bytes_new_take (contents, len);
        }
      return 200;
    }
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
test_presigned_get (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) got = NULL;
  g_autofree char *url = NULL;

  put_text (f, "shared/photo.jpg", "jpeg bytes", "image/jpeg");
  url = carrete_storage_presign_get (f->storage, "shared/photo.jpg", now_seconds (), 60, NULL,
                                     &error);
  g_assert_no_error (error);
  if (f->virtual_hosted)
    {
      /* The bucket is in the host, not the path. */
      g_autofree char *start = g_strdup_printf ("http://%s.s3.localhost:", f->bucket);

      g_assert_true (g_str_has_prefix (url, start));
      g_assert_nonnull (strstr (url, "/shared/photo.jpg?"));
    }
  g_assert_cmpuint (use_url (f, "GET", url, NULL, NULL, now_seconds (), &got), ==, 200);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), "jpeg bytes", 10);
  g_clear_pointer (&url, g_free);

  /* With a response type (signed, so it cannot be swapped). */
  url = carrete_storage_presign_get (f->storage, "shared/photo.jpg", now_seconds (), 60,
                                     "application/octet-stream", &error);
  g_assert_no_error (error);
  if (f->kind == CARRETE_STORAGE_S3)
    {
      const char *path = strchr (url + strlen ("http://"), '/');
      g_autofree char *origin = g_strndup (url, (gsize) (path - url));
      g_autoptr (CtResponse) response = ct_http_raw (origin, "GET", path, NULL, NULL, NULL);

      g_assert_cmpuint (response->status, ==, 200);
      g_assert_cmpstr (ct_response_header (response, "Content-Type"), ==,
                       "application/octet-stream");
    }
  else
    g_assert_cmpuint (use_url (f, "GET", url, NULL, NULL, now_seconds (), NULL), ==, 200);
}

static void
test_presigned_put (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *url =
    carrete_storage_presign_put (f->storage, "uploads/direct.png", now_seconds (), 60,
                                 "image/png", &error);
  CarreteObjectInfo info = { 0 };
  guint status;

  g_assert_no_error (error);
  /* A different type is refused, and so is none at all. */
  g_assert_cmpuint (use_url (f, "PUT", url, "image/jpeg", "png bytes", now_seconds (), NULL),
                    ==, 403);
  g_assert_cmpuint (use_url (f, "PUT", url, "image/png", "png bytes", now_seconds (), NULL), ==,
                    200);
  if (f->kind == CARRETE_STORAGE_S3)
    {
      g_assert_true (carrete_storage_stat (f->storage, "uploads/direct.png", &info, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (info.size, ==, strlen ("png bytes"));
      g_assert_cmpstr (info.content_type, ==, "image/png");
      carrete_object_info_clear (&info);
    }
  /* A PUT URL is not a GET URL (MinIO says 400: the signed Content-Type
   * header is missing from a GET). */
  status = use_url (f, "GET", url, NULL, NULL, now_seconds (), NULL);
  g_assert_true (status == 403 || status == 400);
}

/* Replaces the first `from` in `url` with `to`. */
static char *
replace_once (const char *url, const char *from, const char *to)
{
  const char *at = strstr (url, from);

  g_assert_nonnull (at);
  return g_strdup_printf ("%.*s%s%s", (int) (at - url), url, to, at + strlen (from));
}

static char *
flip_last_hex (const char *url)
{
  char *copy = g_strdup (url);
  char *last = copy + strlen (copy) - 1;

  *last = *last == '0' ? '1' : '0';
  return copy;
}

static void
test_presigned_tampered (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 now = now_seconds ();
  g_autofree char *url = NULL;
  char *tampered[3];

  put_text (f, "secret/one", "one", "text/plain");
  put_text (f, "secret/two", "two", "text/plain");
  url = carrete_storage_presign_get (f->storage, "secret/one", now, 60, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (use_url (f, "GET", url, NULL, NULL, now, NULL), ==, 200);

  if (f->kind == CARRETE_STORAGE_S3)
    tampered[0] = replace_once (url, "X-Amz-Expires=60", "X-Amz-Expires=600");
  else
    {
      g_autofree char *expires = g_strdup_printf ("expires=%" G_GINT64_FORMAT, now + 60);
      g_autofree char *later = g_strdup_printf ("expires=%" G_GINT64_FORMAT, now + 600);
      tampered[0] = replace_once (url, expires, later);
    }
  tampered[1] = replace_once (url, "secret/one", "secret/two");
  tampered[2] = flip_last_hex (url);
  for (guint i = 0; i < G_N_ELEMENTS (tampered); i++)
    {
      g_assert_cmpuint (use_url (f, "GET", tampered[i], NULL, NULL, now, NULL), ==, 403);
      g_free (tampered[i]);
    }
}

static void
test_presigned_expired (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) got = NULL;
  gint64 now = now_seconds ();
  g_autofree char *url = NULL;
  g_autofree char *body = NULL;

  put_text (f, "old/news", "old", "text/plain");
  url = carrete_storage_presign_get (f->storage, "old/news", now - 120, 60, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (use_url (f, "GET", url, NULL, NULL, now, &got), ==, expired_status (f));
  if (expired_status (f) == 400)
    {
      body = g_strndup (g_bytes_get_data (got, NULL), g_bytes_get_size (got));
      g_assert_nonnull (strstr (body, "Date is too old"));
    }
}

/* A client reading part of an object through its presigned GET URL (a
 * video's seek, a resumed download): S3 serves the range itself. */
static CtResponse *
get_range (const char *url, const char *range)
{
  const char *path = strchr (url + strlen ("http://"), '/');
  g_autofree char *origin = g_strndup (url, (gsize) (path - url));
  g_autofree char *header = g_strconcat ("Range: ", range, NULL);

  return ct_http_raw (origin, "GET", path, (const char *const[]){ header, NULL }, NULL, NULL);
}

static void
test_presigned_range (Fixture *f, gconstpointer data)
{
  const char *text = "0123456789abcdefghijklmnopqrstuvwxyz";
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  g_autoptr (CtResponse) part = NULL;
  g_autoptr (CtResponse) tail = NULL;
  g_autoptr (CtResponse) beyond = NULL;

  put_text (f, "ranged/object", text, "text/plain");
  url = carrete_storage_presign_get (f->storage, "ranged/object", now_seconds (), 60, NULL, &error);
  g_assert_no_error (error);
  part = get_range (url, "bytes=10-19");
  g_assert_cmpuint (part->status, ==, 206);
  g_assert_cmpstr (ct_response_header (part, "Content-Range"), ==, "bytes 10-19/36");
  g_assert_cmpmem (g_bytes_get_data (part->body, NULL), g_bytes_get_size (part->body), "abcdefghij",
                   10);
  tail = get_range (url, "bytes=-5");
  g_assert_cmpuint (tail->status, ==, 206);
  g_assert_cmpstr (ct_response_header (tail, "Content-Range"), ==, "bytes 31-35/36");
  g_assert_cmpmem (g_bytes_get_data (tail->body, NULL), g_bytes_get_size (tail->body), "vwxyz", 5);
  beyond = get_range (url, "bytes=100-");
  g_assert_cmpuint (beyond->status, ==, 416);
}

/* ---- failures ------------------------------------------------------------------------------ */

static void
assert_unavailable_quickly (gboolean ok, GError *error, gint64 started)
{
  g_assert_false (ok);
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE);
  g_assert_cmpint (g_get_monotonic_time () - started, <, (TIMEOUT_SECONDS + 1) * G_USEC_PER_SEC);
}

static void
assert_bucket_missing (const GError *error)
{
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "carrete-no-such-bucket"));
  g_assert_nonnull (strstr (error->message, "does not exist"));
}

static void
test_unavailable (Fixture *f, gconstpointer data)
{
  g_autofree char *source = write_source (f, "source", "bytes");
  g_autoptr (GError) error = NULL;
  CarreteObjectInfo info = { 0 };
  gint64 started;
  gboolean ok;

  put_text (f, "survivor", "still here", "text/plain");
  ct_s3_server_stop (f->server);

  started = g_get_monotonic_time ();
  ok = carrete_storage_put_file (f->storage, "k", source, "text/plain", NULL, &error);
  assert_unavailable_quickly (ok, error, started);
  g_clear_error (&error);
  started = g_get_monotonic_time ();
  ok = carrete_storage_stat (f->storage, "survivor", &info, &error);
  assert_unavailable_quickly (ok, error, started);
  g_clear_error (&error);
  started = g_get_monotonic_time ();
  ok = carrete_storage_delete (f->storage, "survivor", &error);
  assert_unavailable_quickly (ok, error, started);
  g_clear_error (&error);
  started = g_get_monotonic_time ();
  ok = carrete_storage_ensure_ready (f->storage, &error);
  assert_unavailable_quickly (ok, error, started);
  g_clear_error (&error);

  ct_s3_server_restart (f->server);
  g_assert_true (carrete_storage_stat (f->storage, "survivor", &info, &error));
  g_assert_no_error (error);
  carrete_object_info_clear (&info);
  g_assert_true (carrete_storage_put_file (f->storage, "k", source, "text/plain", NULL, &error));
  g_assert_no_error (error);
}

/* A bucket that does not exist (deleted, or never made) is an outage of
 * the installation: every operation fails with UNAVAILABLE and says so,
 * never NOT_FOUND, which would read as "no such photo". */
static void
test_missing_bucket (Fixture *f, gconstpointer data)
{
  CarreteStorageOptions options = options_of (f);
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteStorage) gone = NULL;
  g_autofree char *source = write_source (f, "source", "bytes");
  g_autofree char *dest = work_file (f, "dest");
  g_autoptr (GPtrArray) keys = NULL;
  CarreteObjectInfo info = { 0 };

  options.bucket = "carrete-no-such-bucket";
  gone = carrete_storage_new (&options, &error);
  g_assert_no_error (error);
  g_assert_false (carrete_storage_put_file (gone, "k", source, NULL, NULL, &error));
  assert_bucket_missing (error);
  g_clear_error (&error);
  g_assert_false (carrete_storage_get_to_file (gone, "k", dest, 100, NULL, &error));
  assert_bucket_missing (error);
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  g_clear_error (&error);
  /* A HEAD's 404 has no body: the storage must ask about the bucket. */
  g_assert_false (carrete_storage_stat (gone, "k", &info, &error));
  assert_bucket_missing (error);
  g_clear_error (&error);
  g_assert_false (carrete_storage_delete (gone, "k", &error));
  assert_bucket_missing (error);
  g_clear_error (&error);
  keys = carrete_storage_list (gone, "p/", &error);
  g_assert_null (keys);
  assert_bucket_missing (error);
  g_clear_error (&error);
  /* A missing key in a bucket that exists is still NOT_FOUND. */
  g_assert_false (carrete_storage_stat (f->storage, "k", &info, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND);
}

static void
test_bad_credentials (Fixture *f, gconstpointer data)
{
  CarreteStorageOptions options = options_of (f);
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteStorage) wrong = NULL;
  g_autofree char *source = write_source (f, "source", "bytes");

  options.secret_key = "not-the-secret";
  wrong = carrete_storage_new (&options, &error);
  g_assert_no_error (error);
  g_assert_false (carrete_storage_put_file (wrong, "k", source, NULL, NULL, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "SignatureDoesNotMatch"));
  g_assert_nonnull (strstr (error->message, "CARRETE_S3_SECRET_KEY"));
}

/* A server that takes connections and never answers: the request and
 * transfer time limits end the wait. */
static void
test_hung_server (Fixture *f, gconstpointer data)
{
  g_autoptr (GSocket) listener =
    g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autofree char *endpoint = NULL;
  g_autofree char *source = write_source (f, "source", "bytes");
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteStorage) hung = NULL;
  CarreteObjectInfo info = { 0 };
  CarreteStorageOptions options = {
    .kind = CARRETE_STORAGE_S3,
    .region = "us-east-1",
    .bucket = f->bucket,
    .access_key = "key",
    .secret_key = "secret",
    .timeout_seconds = 1,
  };
  gint64 started;

  g_assert_true (g_socket_bind (listener, any, TRUE, NULL));
  g_assert_true (g_socket_listen (listener, NULL));
  bound = g_socket_get_local_address (listener, NULL);
  endpoint = g_strdup_printf ("http://127.0.0.1:%u",
                              g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  options.endpoint = endpoint;
  hung = carrete_storage_new (&options, &error);
  g_assert_no_error (error);

  started = g_get_monotonic_time ();
  g_assert_false (carrete_storage_stat (hung, "k", &info, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 3 * G_USEC_PER_SEC);
  g_clear_error (&error);
  started = g_get_monotonic_time ();
  g_assert_false (carrete_storage_put_file (hung, "k", source, NULL, NULL, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 4 * G_USEC_PER_SEC);
}

static void
assert_no_stray_files (const char *dir)
{
  g_autoptr (GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  if (listing == NULL)
    return;
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_false (g_str_has_prefix (name, ".tmp-"));
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        assert_no_stray_files (path);
    }
}

static void
test_failed_put_leaves_nothing (Fixture *f, gconstpointer data)
{
  g_autofree char *missing = work_file (f, "no-such-source");
  g_autofree char *object = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancelled = g_cancellable_new ();
  g_autofree char *source = write_source (f, "source", "new bytes");
  g_autofree char *got = NULL;
  CarreteObjectInfo info = { 0 };

  g_assert_false (carrete_storage_put_file (f->storage, "half/object", missing, "text/plain",
                                            NULL, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED);
  g_clear_error (&error);
  object = carrete_storage_fs_path (f->storage, "half/object");
  g_assert_false (g_file_test (object, G_FILE_TEST_EXISTS));

  /* A cancelled put leaves the old object as it was. */
  put_text (f, "half/object", "old bytes", "text/plain");
  g_cancellable_cancel (cancelled);
  g_assert_false (carrete_storage_put_file (f->storage, "half/object", source, "text/plain",
                                            cancelled, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  got = get_text (f, "half/object");
  g_assert_cmpstr (got, ==, "old bytes");
  g_assert_true (carrete_storage_stat (f->storage, "half/object", &info, &error));
  g_assert_cmpstr (info.content_type, ==, "text/plain");
  carrete_object_info_clear (&info);
  assert_no_stray_files (f->dir);
}

/* A full disk: every write answers CARRETE_ERROR_UNAVAILABLE (a 503 to come
 * back later, never a 500), and leaves nothing: no temporary file, no
 * multipart upload without its info.  Needs a small filesystem of its own
 * (a tmpfs, so root); skipped, saying why, where one cannot be mounted. */
static void
test_fs_full_disk (Fixture *f, gconstpointer data)
{
  g_autofree char *disk = work_file (f, "disk");
  g_autofree char *filler = NULL;
  g_autofree char *source = write_source (f, "source", "bytes that do not fit");
  g_autofree char *id = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteStorage) full = NULL;
  g_autofree char *command = NULL;
  g_autoptr (GPtrArray) uploads = NULL;
  CarreteStorageOptions options = options_of (f);
  static const char block[4096];
  int status = -1, fd;

  g_assert_cmpint (g_mkdir (disk, 0700), ==, 0);
  command = g_strdup_printf ("mount -t tmpfs -o size=256k tmpfs '%s'", disk);
  if (!g_spawn_command_line_sync (command, NULL, NULL, &status, NULL) || status != 0)
    {
      g_test_skip ("no tmpfs could be mounted (needs root)");
      return;
    }
  options.dir = disk;
  full = carrete_storage_new (&options, &error);
  g_assert_no_error (error);
  g_assert_true (carrete_storage_ensure_ready (full, &error));
  g_assert_no_error (error);
  /* Filled up to the last block. */
  filler = g_build_filename (disk, ".filler", NULL);
  fd = g_open (filler, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (fd, >=, 0);
  while (write (fd, block, sizeof block) > 0)
    ;
  g_assert_cmpint (errno, ==, ENOSPC);
  close (fd);

  g_assert_false (
      carrete_storage_put_file (full, "p/full/original", source, "image/png", NULL, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE);
  g_clear_error (&error);
  g_assert_null (carrete_storage_multipart_create (full, "p/full/original", "image/png", &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE);
  g_clear_error (&error);
  uploads = carrete_storage_multipart_list_uploads (full, "p/", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (uploads->len, ==, 0);
  assert_no_stray_files (disk);

  /* Room again: the same writes succeed. */
  g_assert_cmpint (g_unlink (filler), ==, 0);
  g_assert_true (
      carrete_storage_put_file (full, "p/full/original", source, "image/png", NULL, &error));
  g_assert_no_error (error);
  id = carrete_storage_multipart_create (full, "p/full/other", "image/png", &error);
  g_assert_no_error (error);
  g_assert_nonnull (id);
  g_clear_pointer (&full, carrete_storage_free);
  g_clear_pointer (&command, g_free);
  command = g_strdup_printf ("umount '%s'", disk);
  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &status, NULL));
  g_assert_cmpint (status, ==, 0);
}

static void
test_fs_key_collision (Fixture *f, gconstpointer data)
{
  g_autofree char *source = write_source (f, "source", "x");
  g_autoptr (GError) error = NULL;

  /* A file cannot also be a directory: "a" and "a/b" cannot both exist. */
  put_text (f, "nest/a", "file", NULL);
  g_assert_false (carrete_storage_put_file (f->storage, "nest/a/b", source, NULL, NULL, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFLICT);
  g_clear_error (&error);
  put_text (f, "nest/c/d", "file", NULL);
  g_assert_false (carrete_storage_put_file (f->storage, "nest/c", source, NULL, NULL, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFLICT);
  assert_no_stray_files (f->dir);
}

/* ---- multipart uploads ------------------------------------------------------------------- */

/* S3 wants every part but the last to be at least 5 MiB. */
#define PART_BYTES (5 * 1024 * 1024)

static guint8 *
pattern_bytes (gsize len, guint seed)
{
  guint8 *bytes = g_malloc (len);

  for (gsize i = 0; i < len; i++)
    bytes[i] = (guint8) ((i * 31 + seed * 7 + i / 4093) & 0xff);
  return bytes;
}

static char *
create_upload (Fixture *f, const char *key, const char *type)
{
  g_autoptr (GError) error = NULL;
  char *id = carrete_storage_multipart_create (f->storage, key, type, &error);

  g_assert_no_error (error);
  g_assert_nonnull (id);
  return id;
}

static char *
send_part (Fixture *f, const char *key, const char *id, guint number, const guint8 *data, gsize len)
{
  g_autoptr (GError) error = NULL;
  char *etag = carrete_storage_multipart_upload_part (f->storage, key, id, number, data, len, NULL,
                                                      &error);

  g_assert_no_error (error);
  g_assert_nonnull (etag);
  g_assert_true (etag != NULL && etag[0] == '"' && g_str_has_suffix (etag, "\""));
  return etag;
}

static guint
count_uploads (Fixture *f, const char *prefix)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) uploads
      = carrete_storage_multipart_list_uploads (f->storage, prefix, &error);

  g_assert_no_error (error);
  return uploads->len;
}

static void
assert_object_bytes (Fixture *f, const char *key, const guint8 *data, gsize len)
{
  g_autofree char *dest = work_file (f, "assembled");
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize got = 0;

  g_assert_true (carrete_storage_get_to_file (f->storage, key, dest, len, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (dest, &contents, &got, NULL));
  g_assert_cmpmem (contents, got, data, len);
  g_unlink (dest);
}

static void
test_multipart_roundtrip (Fixture *f, gconstpointer data)
{
  const char *key = "mp/a/original.jpg";
  gsize tail = 1000;
  g_autofree guint8 *whole = pattern_bytes (PART_BYTES + tail, 1);
  g_autofree guint8 *wrong = pattern_bytes (tail, 2);
  g_autofree char *id = create_upload (f, key, "image/jpeg");
  g_autofree char *etag1 = NULL;
  g_autofree char *etag2 = NULL;
  g_autofree char *first2 = NULL;
  g_autoptr (GPtrArray) parts = NULL;
  g_autoptr (GPtrArray) uploads = NULL;
  g_autoptr (GPtrArray) keys = NULL;
  g_autoptr (GError) error = NULL;
  CarreteUploadPart list[2];
  CarreteObjectInfo info = { 0 };

  /* Nothing shows under the key, and the upload is listed (by its whole
   * key: MinIO lists only the uploads of the exact key given). */
  uploads = carrete_storage_multipart_list_uploads (f->storage, key, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (uploads->len, ==, 1);
  g_assert_cmpstr (((CarreteUploadInfo *) uploads->pdata[0])->key, ==, key);
  g_assert_cmpstr (((CarreteUploadInfo *) uploads->pdata[0])->upload_id, ==, id);
  g_assert_cmpint (((CarreteUploadInfo *) uploads->pdata[0])->initiated, >, now_seconds () - 600);
  g_assert_cmpuint (count_uploads (f, "mp/a/other.jpg"), ==, 0);

  /* Out of order, and part 2 sent twice: the last one wins. */
  first2 = send_part (f, key, id, 2, wrong, tail);
  etag1 = send_part (f, key, id, 1, whole, PART_BYTES);
  etag2 = send_part (f, key, id, 2, whole + PART_BYTES, tail);
  g_assert_cmpstr (first2, !=, etag2);
  keys = carrete_storage_list (f->storage, "", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (keys->len, ==, 0);

  parts = carrete_storage_multipart_list_parts (f->storage, key, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (parts->len, ==, 2);
  g_assert_cmpuint (((CarreteUploadPart *) parts->pdata[0])->number, ==, 1);
  g_assert_cmpuint (((CarreteUploadPart *) parts->pdata[0])->size, ==, PART_BYTES);
  g_assert_cmpstr (((CarreteUploadPart *) parts->pdata[0])->etag, ==, etag1);
  g_assert_cmpuint (((CarreteUploadPart *) parts->pdata[1])->number, ==, 2);
  g_assert_cmpuint (((CarreteUploadPart *) parts->pdata[1])->size, ==, tail);
  g_assert_cmpstr (((CarreteUploadPart *) parts->pdata[1])->etag, ==, etag2);

  list[0] = (CarreteUploadPart){ 1, 0, etag1 };
  list[1] = (CarreteUploadPart){ 2, 0, etag2 };
  g_assert_true (carrete_storage_multipart_complete (f->storage, key, id, list, 2, NULL, &error));
  g_assert_no_error (error);
  assert_object_bytes (f, key, whole, PART_BYTES + tail);
  g_assert_true (carrete_storage_stat (f->storage, key, &info, &error));
  g_assert_cmpuint (info.size, ==, PART_BYTES + tail);
  g_assert_cmpstr (info.content_type, ==, "image/jpeg");
  carrete_object_info_clear (&info);
  g_assert_cmpuint (count_uploads (f, key), ==, 0);

  /* The upload is gone: a late part, a listing, a second complete. */
  g_assert_null (
      carrete_storage_multipart_upload_part (f->storage, key, id, 2, wrong, tail, NULL, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (carrete_storage_multipart_list_parts (f->storage, key, id, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (carrete_storage_multipart_complete (f->storage, key, id, list, 2, NULL, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* Aborting what is gone is success. */
  g_assert_true (carrete_storage_multipart_abort (f->storage, key, id, &error));
  g_assert_no_error (error);
  assert_object_bytes (f, key, whole, PART_BYTES + tail);
  if (f->kind == CARRETE_STORAGE_FS)
    assert_no_stray_files (f->dir);
}

static void
test_multipart_complete_refused (Fixture *f, gconstpointer data)
{
  const char *key = "mp/refused";
  g_autofree guint8 *bytes = pattern_bytes (PART_BYTES, 3);
  g_autofree char *id = create_upload (f, key, NULL);
  g_autofree char *etag1 = send_part (f, key, id, 1, bytes, PART_BYTES);
  g_autofree char *etag2 = send_part (f, key, id, 2, bytes, 10);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) parts = NULL;
  CarreteUploadPart missing[] = { { 1, 0, etag1 }, { 3, 0, etag2 } };
  CarreteUploadPart wrong_etag[] = { { 1, 0, etag2 }, { 2, 0, etag2 } };
  CarreteUploadPart unordered[] = { { 2, 0, etag2 }, { 1, 0, etag1 } };
  CarreteUploadPart right[] = { { 1, 0, etag1 }, { 2, 0, etag2 } };
  CarreteObjectInfo info = { 0 };

  g_assert_false (
      carrete_storage_multipart_complete (f->storage, key, id, missing, 2, NULL, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (
      carrete_storage_multipart_complete (f->storage, key, id, wrong_etag, 2, NULL, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (
      carrete_storage_multipart_complete (f->storage, key, id, unordered, 2, NULL, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (carrete_storage_stat (f->storage, key, &info, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Still open: the parts are there and the right list completes it. */
  parts = carrete_storage_multipart_list_parts (f->storage, key, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (parts->len, ==, 2);
  g_assert_true (carrete_storage_multipart_complete (f->storage, key, id, right, 2, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (carrete_storage_stat (f->storage, key, &info, &error));
  g_assert_cmpuint (info.size, ==, PART_BYTES + 10);
  carrete_object_info_clear (&info);
}

static void
test_multipart_abort (Fixture *f, gconstpointer data)
{
  const char *key = "mp/abandoned";
  g_autofree char *id = create_upload (f, key, "image/png");
  g_autofree char *etag = send_part (f, key, id, 1, (const guint8 *)"half", 4);
  g_autoptr (GError) error = NULL;
  CarreteObjectInfo info = { 0 };

  g_assert_cmpuint (count_uploads (f, key), ==, 1);
  g_assert_true (carrete_storage_multipart_abort (f->storage, key, id, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_uploads (f, key), ==, 0);
  g_assert_null (carrete_storage_multipart_list_parts (f->storage, key, id, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (carrete_storage_multipart_upload_part (f->storage, key, id, 1,
                                                        (const guint8 *)"late", 4, NULL, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (carrete_storage_multipart_abort (f->storage, key, id, &error));
  g_assert_no_error (error);
  g_assert_false (carrete_storage_stat (f->storage, key, &info, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND);
  if (f->kind == CARRETE_STORAGE_FS)
    assert_no_stray_files (f->dir);
}

static void
test_multipart_unknown (Fixture *f, gconstpointer data)
{
  g_autofree char *id = create_upload (f, "mp/known", NULL);
  g_autoptr (GError) error = NULL;
  const char *unknown = "0123456789abcdef0123456789abcdef";

  /* Never created, or created for another key. */
  g_assert_null (carrete_storage_multipart_list_parts (f->storage, "mp/known", unknown, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (carrete_storage_multipart_upload_part (f->storage, "mp/other", id, 1,
                                                        (const guint8 *)"x", 1, NULL, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* Not an id, not a part number, not a key. */
  g_assert_null (carrete_storage_multipart_list_parts (f->storage, "mp/known", "a b", &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (carrete_storage_multipart_upload_part (f->storage, "mp/known", id, 0,
                                                        (const guint8 *)"x", 1, NULL, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (carrete_storage_multipart_upload_part (f->storage, "mp/known", id, 10001,
                                                        (const guint8 *)"x", 1, NULL, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (carrete_storage_multipart_create (f->storage, "../escape", NULL, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (carrete_storage_multipart_abort (f->storage, "mp/known", id, &error));
  g_assert_no_error (error);
}

/* A presigned part binds its length: S3 refuses another (the signed
 * Content-Length), fs gives the length back for the service to enforce. */
static guint
put_part_url (Fixture *f, const char *url, const guint8 *data, gsize len, gint64 now, char **etag)
{
  if (f->kind == CARRETE_STORAGE_S3)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (data, len);
      const char *path = strchr (url + strlen ("http://"), '/');
      g_autofree char *origin = g_strndup (url, (gsize) (path - url));
      g_autoptr (CtResponse) response = ct_http_raw (origin, "PUT", path, NULL, NULL, bytes);

      if (etag != NULL)
        *etag = g_strdup (ct_response_header (response, "ETag"));
      return response->status;
    }
  else
    {
      g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED_QUERY, NULL);
      g_autoptr (GHashTable) query = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree char *source = work_file (f, "part");
      const char *key = g_uri_get_path (uri) + strlen ("/v1/storage/");
      const char *id = NULL;
      guint number = 0;
      guint64 length = 0;

      query = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
      if (!carrete_storage_fs_verify_part (f->storage, key, query, now, &id, &number, &length,
                                           &error))
        {
          g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_FORBIDDEN);
          return 403;
        }
      if (length != len)
        return 400;
      g_assert_true (g_file_set_contents (source, (const char *) data, (gssize) len, NULL));
      if (etag != NULL)
        *etag = carrete_storage_fs_put_part (f->storage, key, id, number, source, NULL, &error);
      g_assert_no_error (error);
      return 200;
    }
}

static void
test_multipart_presigned_part (Fixture *f, gconstpointer data)
{
  const char *key = "mp/presigned";
  g_autofree guint8 *bytes = pattern_bytes (4097, 4);
  g_autofree char *id = create_upload (f, key, "image/webp");
  g_autoptr (GError) error = NULL;
  gint64 now = now_seconds ();
  g_autofree char *url
      = carrete_storage_multipart_presign_part (f->storage, key, id, 1, 4096, now, 60, &error);
  g_autofree char *etag = NULL;
  g_autofree char *other_part = NULL;
  g_autofree char *old = NULL;
  g_autoptr (GPtrArray) parts = NULL;
  CarreteUploadPart list[1];

  g_assert_no_error (error);
  /* Another length: refused, and nothing is stored. */
  g_assert_cmpuint (put_part_url (f, url, bytes, 4095, now, NULL), !=, 200);
  g_assert_cmpuint (put_part_url (f, url, bytes, 4097, now, NULL), !=, 200);
  parts = carrete_storage_multipart_list_parts (f->storage, key, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (parts->len, ==, 0);
  g_clear_pointer (&parts, g_ptr_array_unref);
  /* Tampered: another part number, another length, expired. */
  other_part = f->kind == CARRETE_STORAGE_S3 ? replace_once (url, "partNumber=1", "partNumber=2")
                                             : replace_once (url, "part=1", "part=2");
  g_assert_cmpuint (put_part_url (f, other_part, bytes, 4096, now, NULL), ==, 403);
  old = carrete_storage_multipart_presign_part (f->storage, key, id, 1, 4096, now - 120, 60,
                                                &error);
  g_assert_no_error (error);
  g_assert_cmpuint (put_part_url (f, old, bytes, 4096, now, NULL), ==, expired_status (f));

  g_assert_cmpuint (put_part_url (f, url, bytes, 4096, now, &etag), ==, 200);
  g_assert_nonnull (etag);
  parts = carrete_storage_multipart_list_parts (f->storage, key, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (parts->len, ==, 1);
  g_assert_cmpuint (((CarreteUploadPart *) parts->pdata[0])->size, ==, 4096);
  g_assert_cmpstr (((CarreteUploadPart *) parts->pdata[0])->etag, ==, etag);
  list[0] = (CarreteUploadPart){ 1, 0, etag };
  g_assert_true (carrete_storage_multipart_complete (f->storage, key, id, list, 1, NULL, &error));
  g_assert_no_error (error);
  assert_object_bytes (f, key, bytes, 4096);
}

/* ---- registration ------------------------------------------------------------------------- */

/* ---- streaming writes ------------------------------------------------------- */

static void
sha256_of (const guint8 *data, gsize len, char hex[CARRETE_SHA256_HEX_LEN + 1])
{
  g_autoptr (CarreteSha256) sha = carrete_sha256_new ();

  carrete_sha256_update (sha, data, len);
  carrete_sha256_finish_hex (sha, hex);
}

static void
assert_store_empty (Fixture *f, const char *key)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) keys = carrete_storage_list (f->storage, "", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (keys->len, ==, 0);
  g_assert_cmpuint (count_uploads (f, key), ==, 0);
  if (f->kind == CARRETE_STORAGE_FS)
    assert_no_stray_files (f->dir);
}

/* Writes `len` bytes of `data` in parts of PART_BYTES, then commits. */
static void
write_streamed (Fixture *f, const char *key, const guint8 *data, gsize len)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteObjectWriter) writer
      = carrete_object_writer_new (f->storage, key, "image/png", &error);
  char hex[CARRETE_SHA256_HEX_LEN + 1];
  gsize done = 0;

  g_assert_no_error (error);
  sha256_of (data, len, hex);
  for (; len - done > PART_BYTES; done += PART_BYTES)
    {
      g_assert_true (carrete_object_writer_append (writer, done / PART_BYTES + 1, data + done,
                                                   PART_BYTES, NULL, &error));
      g_assert_no_error (error);
      /* Nothing is visible before the commit. */
      g_assert_false (carrete_storage_stat (f->storage, key, &(CarreteObjectInfo){ 0 }, NULL));
    }
  g_assert_true (
      carrete_object_writer_commit (writer, data + done, len - done, hex, NULL, &error));
  g_assert_no_error (error);
}

static void
test_writer_roundtrip (Fixture *f, gconstpointer data)
{
  static const gsize sizes[] = { 1, 1000, PART_BYTES, 2 * PART_BYTES + 777 };
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *key = g_strdup_printf ("w/%u/original", i);
      g_autofree guint8 *bytes = pattern_bytes (sizes[i], i + 3);
      CarreteObjectInfo info = { 0 };

      write_streamed (f, key, bytes, sizes[i]);
      assert_object_bytes (f, key, bytes, sizes[i]);
      g_assert_true (carrete_storage_stat (f->storage, key, &info, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (info.size, ==, sizes[i]);
      g_assert_cmpstr (info.content_type, ==, "image/png");
      carrete_object_info_clear (&info);
      g_assert_cmpuint (count_uploads (f, key), ==, 0);
    }
  /* A second write replaces the object whole. */
  {
    g_autofree guint8 *other = pattern_bytes (2000, 9);

    write_streamed (f, "w/0/original", other, 2000);
    assert_object_bytes (f, "w/0/original", other, 2000);
  }
  if (f->kind == CARRETE_STORAGE_FS)
    assert_no_stray_files (f->dir);
}

typedef struct
{
  CarreteObjectWriter *writer;
  const guint8 *data;
  guint number;
} ParallelPart;

static gpointer
append_in_thread (gpointer data)
{
  ParallelPart *part = data;
  g_autoptr (GError) error = NULL;
  gboolean ok = carrete_object_writer_append (part->writer, part->number,
                                              part->data + (part->number - 1) * PART_BYTES,
                                              PART_BYTES, NULL, &error);

  g_assert_no_error (error);
  return GINT_TO_POINTER (ok);
}

/* Parts appended at once from several threads, and out of order, make the
 * object in the order of their numbers (as an upload with two parts in
 * flight does). */
static void
test_writer_parallel (Fixture *f, gconstpointer data)
{
  const char *key = "w/parallel/original";
  const gsize len = 3 * PART_BYTES + 4321;
  g_autofree guint8 *bytes = pattern_bytes (len, 11);
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteObjectWriter) writer
      = carrete_object_writer_new (f->storage, key, "image/png", &error);
  ParallelPart parts[3];
  GThread *threads[3];
  char hex[CARRETE_SHA256_HEX_LEN + 1];

  g_assert_no_error (error);
  /* Last part first, then the two others together. */
  for (guint i = 0; i < 3; i++)
    parts[i] = (ParallelPart){ writer, bytes, 3 - i };
  threads[0] = g_thread_new ("part-3", append_in_thread, &parts[0]);
  g_assert_true (g_thread_join (threads[0]));
  threads[1] = g_thread_new ("part-2", append_in_thread, &parts[1]);
  threads[2] = g_thread_new ("part-1", append_in_thread, &parts[2]);
  g_assert_true (g_thread_join (threads[1]));
  g_assert_true (g_thread_join (threads[2]));
  g_assert_false (carrete_storage_stat (f->storage, key, &(CarreteObjectInfo){ 0 }, NULL));
  sha256_of (bytes, len, hex);
  g_assert_true (carrete_object_writer_commit (writer, bytes + 3 * PART_BYTES, len - 3 * PART_BYTES,
                                               hex, NULL, &error));
  g_assert_no_error (error);
  assert_object_bytes (f, key, bytes, len);
  g_assert_cmpuint (count_uploads (f, key), ==, 0);
  if (f->kind == CARRETE_STORAGE_FS)
    assert_no_stray_files (f->dir);
}

/* A writer dropped before its commit (a failed or cancelled upload) leaves
 * nothing: no object, no unfinished upload, no temporary file. */
static void
test_writer_abandoned (Fixture *f, gconstpointer data)
{
  const char *key = "w/abandoned/original";
  g_autofree guint8 *bytes = pattern_bytes (PART_BYTES, 5);
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancelled = g_cancellable_new ();
  CarreteObjectWriter *writer = carrete_object_writer_new (f->storage, key, NULL, &error);
  char hex[CARRETE_SHA256_HEX_LEN + 1];

  g_assert_no_error (error);
  g_assert_true (carrete_object_writer_append (writer, 1, bytes, PART_BYTES, NULL, &error));
  g_assert_no_error (error);
  carrete_object_writer_free (writer);
  assert_store_empty (f, key);

  /* Cancelled at its commit. */
  sha256_of (bytes, PART_BYTES, hex);
  writer = carrete_object_writer_new (f->storage, key, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (carrete_object_writer_append (writer, 1, bytes, PART_BYTES, NULL, &error));
  g_cancellable_cancel (cancelled);
  g_assert_false (carrete_object_writer_commit (writer, bytes, 100, hex, cancelled, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  carrete_object_writer_free (writer);
  assert_store_empty (f, key);

  /* Not a valid key: nothing starts. */
  g_clear_error (&error);
  g_assert_null (carrete_object_writer_new (f->storage, "../escape", NULL, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID);
}

/* A digest reads the object through: its SHA-256, size and first bytes. */
static void
test_digest (Fixture *f, gconstpointer data)
{
  g_autofree guint8 *bytes = pattern_bytes (PART_BYTES + 333, 11);
  g_autoptr (GError) error = NULL;
  char expected[CARRETE_SHA256_HEX_LEN + 1];
  char got[CARRETE_SHA256_HEX_LEN + 1];
  guint8 head[16] = { 0 };
  guint8 small_head[16] = { 0 };
  guint64 size = 0;

  write_streamed (f, "d/big", bytes, PART_BYTES + 333);
  sha256_of (bytes, PART_BYTES + 333, expected);
  g_assert_true (carrete_storage_digest (f->storage, "d/big", PART_BYTES + 333, head, sizeof head,
                                         got, &size, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (got, ==, expected);
  g_assert_cmpuint (size, ==, PART_BYTES + 333);
  g_assert_cmpmem (head, sizeof head, bytes, sizeof head);

  /* Smaller than the head asked for. */
  write_streamed (f, "d/small", bytes, 5);
  sha256_of (bytes, 5, expected);
  g_assert_true (carrete_storage_digest (f->storage, "d/small", 100, small_head, sizeof small_head,
                                         got, &size, NULL, &error));
  g_assert_cmpstr (got, ==, expected);
  g_assert_cmpuint (size, ==, 5);
  g_assert_cmpmem (small_head, 5, bytes, 5);

  /* Over the limit, missing, not a key. */
  g_assert_false (carrete_storage_digest (f->storage, "d/big", PART_BYTES, NULL, 0, got, &size,
                                          NULL, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_assert_false (carrete_storage_digest (f->storage, "d/none", 100, NULL, 0, got, &size, NULL,
                                          &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (carrete_storage_digest (f->storage, "../d", 100, NULL, 0, got, &size, NULL,
                                          &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID);
}

typedef void (*ContractTest) (Fixture *f, gconstpointer data);

/* Where a case runs: on fs, on every S3 server path-style, or both; and
 * (ON_VIRTUAL) again on every S3 server virtual-hosted: the cases whose
 * requests reach the bucket and its objects (not those about a server
 * that stops or never answers). */
enum
{
  ON_FS = 1 << 0,
  ON_S3 = 1 << 1,
  ON_VIRTUAL = 1 << 2,
  ON_ALL = ON_FS | ON_S3,
};

static void
skip_case (gconstpointer why)
{
  g_test_skip (why);
}

static void
add_test (const Backend *backend, const char *name, ContractTest test, const char *skip_why)
{
  g_autofree char *path = g_strdup_printf ("/storage/%s/%s", backend->name, name);

  if (skip_why != NULL)
    g_test_add_data_func (path, skip_why, skip_case);
  else
    g_test_add (path, Fixture, backend, fixture_setup, test, fixture_teardown);
}

static guint
where (const Backend *backend)
{
  if (backend->kind == CARRETE_STORAGE_FS)
    return ON_FS;
  return backend->virtual_hosted ? ON_VIRTUAL : ON_S3;
}

int
main (int argc, char **argv)
{
  static const struct
  {
    const char *name;
    ContractTest test;
    guint on;
  } contract[] = {
    { "ensure-ready", test_ensure_ready, ON_ALL | ON_VIRTUAL },
    { "roundtrip", test_roundtrip, ON_ALL | ON_VIRTUAL },
    { "big-object-streams", test_big_object_streams, ON_ALL },
    { "get-too-large", test_get_too_large, ON_ALL },
    { "delete-twice", test_delete_twice, ON_ALL | ON_VIRTUAL },
    { "copy", test_copy, ON_ALL | ON_VIRTUAL },
    { "missing", test_missing, ON_ALL | ON_VIRTUAL },
    { "invalid-keys", test_invalid_keys, ON_ALL },
    { "list-many", test_list_many, ON_ALL },
    { "list-bad-prefix", test_list_bad_prefix, ON_ALL },
    { "presigned-get", test_presigned_get, ON_ALL | ON_VIRTUAL },
    { "presigned-put", test_presigned_put, ON_ALL | ON_VIRTUAL },
    { "presigned-tampered", test_presigned_tampered, ON_ALL | ON_VIRTUAL },
    { "presigned-expired", test_presigned_expired, ON_ALL },
    /* fs ranges are the photos service's (test-photos-read, read/get). */
    { "presigned-range", test_presigned_range, ON_S3 | ON_VIRTUAL },
    { "multipart-roundtrip", test_multipart_roundtrip, ON_ALL | ON_VIRTUAL },
    { "multipart-complete-refused", test_multipart_complete_refused, ON_ALL },
    { "multipart-abort", test_multipart_abort, ON_ALL | ON_VIRTUAL },
    { "multipart-unknown", test_multipart_unknown, ON_ALL },
    { "multipart-presigned-part", test_multipart_presigned_part, ON_ALL | ON_VIRTUAL },
    { "writer-roundtrip", test_writer_roundtrip, ON_ALL | ON_VIRTUAL },
    { "writer-parallel", test_writer_parallel, ON_ALL },
    { "writer-abandoned", test_writer_abandoned, ON_ALL },
    { "digest", test_digest, ON_ALL | ON_VIRTUAL },
    { "failed-put-leaves-nothing", test_failed_put_leaves_nothing, ON_FS },
    { "key-collision", test_fs_key_collision, ON_FS },
    { "full-disk", test_fs_full_disk, ON_FS },
    { "unavailable", test_unavailable, ON_S3 },
    { "bad-credentials", test_bad_credentials, ON_S3 | ON_VIRTUAL },
    { "missing-bucket", test_missing_bucket, ON_S3 | ON_VIRTUAL },
    { "hung-server", test_hung_server, ON_S3 },
  };
  char *unavailable[CT_S3_N_KINDS];
  int status;

  g_test_init (&argc, &argv, NULL);
  for (guint k = 0; k < CT_S3_N_KINDS; k++)
    unavailable[k] = ct_s3_server_unavailable (k);
  for (guint b = 0; b < G_N_ELEMENTS (backends); b++)
    for (guint i = 0; i < G_N_ELEMENTS (contract); i++)
      if (contract[i].on & where (&backends[b]))
        add_test (&backends[b], contract[i].name, contract[i].test,
                  backends[b].kind == CARRETE_STORAGE_S3 ? unavailable[backends[b].server]
                                                         : NULL);
  status = g_test_run ();
  for (guint i = 0; i < G_N_ELEMENTS (servers); i++)
    g_clear_pointer (&servers[i], ct_s3_server_free);
  for (guint k = 0; k < CT_S3_N_KINDS; k++)
    g_free (unavailable[k]);
  return status;
}
