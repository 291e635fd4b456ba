#define G_LOG_DOMAIN "carrete-test-config"

#include <glib/gstdio.h>
#include <string.h>

#include "carrete-config.h"
#include "carrete-db.h"
#include "carrete-error.h"

typedef struct
{
  char *dir;
  char *dotenv; /* path inside dir; written by the tests that need it */
  char *key_file;
  CarreteConfig config;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("carrete-test-config-XXXXXX", &error);
  g_assert_no_error (error);
  f->dotenv = g_build_filename (f->dir, ".env", NULL);
  f->key_file = g_build_filename (f->dir, "id.key", NULL);
  g_assert_true (g_file_set_contents (
    f->key_file, "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n", -1,
    &error));
  g_assert_no_error (error);
  memset (&f->config, 0, sizeof f->config);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  carrete_config_clear (&f->config);
  g_unlink (f->dotenv);
  g_unlink (f->key_file);
  g_rmdir (f->dir);
  g_free (f->dotenv);
  g_free (f->key_file);
  g_free (f->dir);
}

static void
write_dotenv (Fixture *f, const char *contents)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (f->dotenv, contents, -1, &error));
  g_assert_no_error (error);
}

/* Loads with a fresh config (cleared first, so tests may load repeatedly). */
static gboolean
load (Fixture *f, const char *const *used, const char *const *required, const char *const *env,
      const char *dotenv_path, GError **error)
{
  const CarreteConfigSpec spec = { used, required, "127.0.0.1:8081", carrete_db_check_conninfo };

  carrete_config_clear (&f->config);
  memset (&f->config, 0, sizeof f->config);
  return carrete_config_load (&f->config, &spec, env, dotenv_path, error);
}

/* Loads one setting and expects a start-up error naming it. */
static void
assert_setting_refused (Fixture *f, const char *name, const char *value)
{
  const char *used[] = { name, NULL };
  g_autofree char *entry = g_strdup_printf ("%s=%s", name, value);
  const char *env[] = { entry, NULL };
  g_autoptr (GError) error = NULL;

  if (load (f, used, NULL, env, NULL, &error))
    g_error ("%s=\"%s\" was accepted", name, value);
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG);
  if (strstr (error->message, name) == NULL)
    g_error ("the error for %s=\"%s\" does not name it: %s", name, value, error->message);
  /* One clear line. */
  g_assert_null (strchr (error->message, '\n'));
}

static void
assert_setting_accepted (Fixture *f, const char *name, const char *value)
{
  const char *used[] = { name, NULL };
  g_autofree char *entry = g_strdup_printf ("%s=%s", name, value);
  const char *env[] = { entry, NULL };
  g_autoptr (GError) error = NULL;

  if (!load (f, used, NULL, env, NULL, &error))
    g_error ("%s=\"%s\" was refused: %s", name, value, error->message);
}

static void
test_required_missing (Fixture *f, gconstpointer data)
{
  const char *used[] = { "CARRETE_LISTEN", "CARRETE_DATABASE_URL", "CARRETE_ID_KEY_FILE", NULL };
  const char *required[] = { "CARRETE_DATABASE_URL", "CARRETE_ID_KEY_FILE", NULL };
  g_autofree char *key_entry = g_strconcat ("CARRETE_ID_KEY_FILE=", f->key_file, NULL);
  const char *env_empty[] = { NULL };
  const char *env_key_only[] = { key_entry, NULL };
  const char *env_both[] = { key_entry, "CARRETE_DATABASE_URL=postgresql:///carrete_users",
                             NULL };
  g_autoptr (GError) error = NULL;

  g_assert_false (load (f, used, required, env_empty, NULL, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "CARRETE_DATABASE_URL"));
  g_clear_error (&error);

  g_assert_false (load (f, used, required, env_key_only, NULL, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "CARRETE_DATABASE_URL"));
  g_clear_error (&error);

  g_assert_true (load (f, used, required, env_both, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (f->config.database_url, ==, "postgresql:///carrete_users");
  g_assert_cmpstr (f->config.id_key_file, ==, f->key_file);
}

static void
test_optional_missing (Fixture *f, gconstpointer data)
{
  const char *used[] = { "CARRETE_DATABASE_URL", "CARRETE_USERS_URL", NULL };
  const char *env[] = { NULL };
  g_autoptr (GError) error = NULL;

  g_assert_true (load (f, used, NULL, env, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (f->config.database_url);
  g_assert_null (f->config.users_url);
}

static void
test_unused_ignored (Fixture *f, gconstpointer data)
{
  const char *used[] = { "CARRETE_JWT_ISSUER", NULL };
  const char *env[] = { "CARRETE_URL_TTL=not-a-number", "CARRETE_STORAGE=ftp",
                        "CARRETE_JWT_ISSUER=me", NULL };
  g_autoptr (GError) error = NULL;

  g_assert_true (load (f, used, NULL, env, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (f->config.jwt_issuer, ==, "me");
  g_assert_cmpuint (f->config.url_ttl, ==, 0);
  g_assert_null (f->config.storage);
}

static void
test_listen_invalid (Fixture *f, gconstpointer data)
{
  const char *bad[] = { "abc", ":80", "1.2.3.4:99999", "1.2.3.4:0", "1.2.3.4:", "1.2.3.4:-1",
                        "1.2.3.4:80x", "1.2.3.4: 80", "", "[::1]", "localhost:65536" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    assert_setting_refused (f, "CARRETE_LISTEN", bad[i]);
}

static void
test_listen_valid (Fixture *f, gconstpointer data)
{
  const char *used[] = { "CARRETE_LISTEN", NULL };
  const char *v4[] = { "CARRETE_LISTEN=127.0.0.1:8081", NULL };
  const char *v6[] = { "CARRETE_LISTEN=[::1]:9000", NULL };
  const char *any[] = { "CARRETE_LISTEN=0.0.0.0:65535", NULL };
  const char *none[] = { NULL };
  g_autoptr (GError) error = NULL;

  g_assert_true (load (f, used, NULL, v4, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (f->config.listen_host, ==, "127.0.0.1");
  g_assert_cmpuint (f->config.listen_port, ==, 8081);

  g_assert_true (load (f, used, NULL, v6, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (f->config.listen_host, ==, "::1");
  g_assert_cmpuint (f->config.listen_port, ==, 9000);

  g_assert_true (load (f, used, NULL, any, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (f->config.listen_host, ==, "0.0.0.0");
  g_assert_cmpuint (f->config.listen_port, ==, 65535);

  /* Unset: the service's own default from the spec. */
  {
    const CarreteConfigSpec spec = { used, NULL, "127.0.0.1:8083" };

    carrete_config_clear (&f->config);
    g_assert_true (carrete_config_load (&f->config, &spec, none, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (f->config.listen_host, ==, "127.0.0.1");
    g_assert_cmpuint (f->config.listen_port, ==, 8083);
  }
}

static void
test_defaults (Fixture *f, gconstpointer data)
{
  const char *used[] = { "CARRETE_LISTEN",          "CARRETE_STORAGE",
                         "CARRETE_S3_REGION",       "CARRETE_S3_BUCKET",
                         "CARRETE_JWT_ISSUER",      "CARRETE_JWT_AUDIENCE",
                         "CARRETE_MAX_UPLOAD_BYTES", "CARRETE_URL_TTL",
                         "CARRETE_UPLOAD_TTL",
                         "CARRETE_COOKIE_SECURE",   "CARRETE_DB_POOL_SIZE",
                         "CARRETE_STATEMENT_TIMEOUT_MS", "CARRETE_HASH_THREADS",
                         NULL };
  const char *env[] = { NULL };
  g_autoptr (GError) error = NULL;

  g_assert_true (load (f, used, used, env, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (f->config.listen_host, ==, "127.0.0.1");
  g_assert_cmpuint (f->config.listen_port, ==, 8081);
  g_assert_cmpstr (f->config.storage, ==, "fs");
  g_assert_cmpstr (f->config.jwt_issuer, ==, "carrete");
  g_assert_cmpstr (f->config.jwt_audience, ==, "carrete");
  g_assert_cmpuint (f->config.max_upload_bytes, ==, 52428800);
  g_assert_cmpuint (f->config.max_upload_bytes, ==, 50 * 1024 * 1024);
  g_assert_cmpuint (f->config.url_ttl, ==, 900);
  g_assert_cmpuint (f->config.upload_ttl, ==, 86400);
  g_assert_true (f->config.cookie_secure);
  g_assert_nonnull (f->config.s3_region);
  g_assert_nonnull (f->config.s3_bucket);
  g_assert_cmpuint (f->config.db_pool_size, >, 0);
  g_assert_cmpuint (f->config.statement_timeout_ms, >, 0);
  g_assert_cmpuint (f->config.hash_threads, >, 0);
}

static void
test_overrides (Fixture *f, gconstpointer data)
{
  const char *used[] = { "CARRETE_JWT_ISSUER", "CARRETE_JWT_AUDIENCE", "CARRETE_MAX_UPLOAD_BYTES",
                         "CARRETE_URL_TTL", NULL };
  const char *env[] = { "CARRETE_JWT_ISSUER=https://id.example.org",
                        "CARRETE_JWT_AUDIENCE=gallery", "CARRETE_MAX_UPLOAD_BYTES=1048576",
                        "CARRETE_URL_TTL=60", NULL };
  g_autoptr (GError) error = NULL;

  g_assert_true (load (f, used, NULL, env, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (f->config.jwt_issuer, ==, "https://id.example.org");
  g_assert_cmpstr (f->config.jwt_audience, ==, "gallery");
  g_assert_cmpuint (f->config.max_upload_bytes, ==, 1048576);
  g_assert_cmpuint (f->config.url_ttl, ==, 60);
}

static void
test_uint (Fixture *f, gconstpointer data)
{
  const char *bad[] = { "abc", "0", "-5", "", " 60", "60s", "1e3", "0x10", "99999999999999999999" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    assert_setting_refused (f, "CARRETE_URL_TTL", bad[i]);
  assert_setting_refused (f, "CARRETE_MAX_UPLOAD_BYTES", "0");
  assert_setting_refused (f, "CARRETE_MAX_UPLOAD_BYTES", "-1");

  assert_setting_accepted (f, "CARRETE_URL_TTL", "1");
  g_assert_cmpuint (f->config.url_ttl, ==, 1);
  assert_setting_accepted (f, "CARRETE_URL_TTL", "3600");
  g_assert_cmpuint (f->config.url_ttl, ==, 3600);
}

/* Days in the trash: a whole number of at least one (default 30). */
static void
test_trash_days (Fixture *f, gconstpointer data)
{
  const char *bad[] = { "0", "-1", "soon", "", "1.5", "36501" };
  const char *used[] = { "CARRETE_TRASH_DAYS", NULL };
  const char *none[] = { NULL };
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    assert_setting_refused (f, "CARRETE_TRASH_DAYS", bad[i]);
  g_assert_true (load (f, used, NULL, none, NULL, &error));
  g_assert_cmpuint (f->config.trash_days, ==, 30);
  assert_setting_accepted (f, "CARRETE_TRASH_DAYS", "1");
  g_assert_cmpuint (f->config.trash_days, ==, 1);
}

static void
test_bool (Fixture *f, gconstpointer data)
{
  assert_setting_refused (f, "CARRETE_COOKIE_SECURE", "maybe");
  assert_setting_refused (f, "CARRETE_COOKIE_SECURE", "");

  assert_setting_accepted (f, "CARRETE_COOKIE_SECURE", "false");
  g_assert_false (f->config.cookie_secure);
  assert_setting_accepted (f, "CARRETE_COOKIE_SECURE", "true");
  g_assert_true (f->config.cookie_secure);
  assert_setting_accepted (f, "CARRETE_COOKIE_SECURE", "0");
  g_assert_false (f->config.cookie_secure);
}

static void
test_storage (Fixture *f, gconstpointer data)
{
  assert_setting_refused (f, "CARRETE_STORAGE", "ftp");
  assert_setting_refused (f, "CARRETE_STORAGE", "");
  assert_setting_accepted (f, "CARRETE_STORAGE", "s3");
  g_assert_cmpstr (f->config.storage, ==, "s3");
  assert_setting_accepted (f, "CARRETE_STORAGE", "fs");
  g_assert_cmpstr (f->config.storage, ==, "fs");
}

static void
test_s3_addressing (Fixture *f, gconstpointer data)
{
  const char *used[] = { "CARRETE_S3_ADDRESSING", NULL };
  const char *env[] = { "CARRETE_S3_ADDRESSING=vhost", NULL };
  const char *none[] = { NULL };
  g_autoptr (GError) error = NULL;

  g_assert_true (load (f, used, NULL, none, NULL, &error));
  g_assert_cmpstr (f->config.s3_addressing, ==, "path");
  g_assert_false (load (f, used, NULL, env, NULL, &error));
  g_assert_cmpstr (error->message, ==,
                   "CARRETE_S3_ADDRESSING: expected \"path\" or \"virtual\", got \"vhost\"");
  assert_setting_refused (f, "CARRETE_S3_ADDRESSING", "");
  assert_setting_refused (f, "CARRETE_S3_ADDRESSING", "Virtual");
  assert_setting_accepted (f, "CARRETE_S3_ADDRESSING", "virtual");
  g_assert_cmpstr (f->config.s3_addressing, ==, "virtual");
  assert_setting_accepted (f, "CARRETE_S3_ADDRESSING", "path");
  g_assert_cmpstr (f->config.s3_addressing, ==, "path");
}

static void
test_http_url (Fixture *f, gconstpointer data)
{
  const char *bad[] = { "ftp://x", "x", "", "http://", "http:///path", "users:8081",
                        "file:///etc/passwd" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    assert_setting_refused (f, "CARRETE_USERS_URL", bad[i]);

  assert_setting_accepted (f, "CARRETE_USERS_URL", "http://h:1/");
  g_assert_cmpstr (f->config.users_url, ==, "http://h:1");
  assert_setting_accepted (f, "CARRETE_USERS_URL", "https://users.example.org");
  g_assert_cmpstr (f->config.users_url, ==, "https://users.example.org");
  assert_setting_accepted (f, "CARRETE_PUBLIC_URL", "http://[::1]:8082/");
  g_assert_cmpstr (f->config.public_url, ==, "http://[::1]:8082");
}

static void
test_file (Fixture *f, gconstpointer data)
{
  g_autofree char *missing = g_build_filename (f->dir, "no-such-file", NULL);

  assert_setting_refused (f, "CARRETE_ID_KEY_FILE", missing);
  assert_setting_refused (f, "CARRETE_JWT_PUBLIC_KEY_FILE", missing);
  assert_setting_refused (f, "CARRETE_ID_KEY_FILE", "");
  assert_setting_accepted (f, "CARRETE_ID_KEY_FILE", f->key_file);
  g_assert_cmpstr (f->config.id_key_file, ==, f->key_file);
}

static void
test_database_url (Fixture *f, gconstpointer data)
{
  assert_setting_refused (f, "CARRETE_DATABASE_URL", "postgresql://[");
  assert_setting_refused (f, "CARRETE_DATABASE_URL", "garbage");
  assert_setting_refused (f, "CARRETE_DATABASE_URL", "postgresql://h/db?no_such_option=1");

  assert_setting_accepted (f, "CARRETE_DATABASE_URL",
                           "postgresql://carrete@localhost:5432/carrete_users");
  g_assert_cmpstr (f->config.database_url, ==, "postgresql://carrete@localhost:5432/carrete_users");
  assert_setting_accepted (f, "CARRETE_DATABASE_URL", "host=/tmp dbname=carrete_users");
}

/* The start-up line is logged; it must not carry the database password. */
static void
test_database_url_secret (Fixture *f, gconstpointer data)
{
  const char *used[] = { "CARRETE_DATABASE_URL", NULL };
  const char *env[] = { "CARRETE_DATABASE_URL=postgresql://carrete:s3cr3t-pw@[db/carrete", NULL };
  g_autoptr (GError) error = NULL;

  g_assert_false (load (f, used, NULL, env, NULL, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "CARRETE_DATABASE_URL"));
  g_assert_null (strstr (error->message, "s3cr3t-pw"));
}

static void
test_empty_string (Fixture *f, gconstpointer data)
{
  assert_setting_refused (f, "CARRETE_JWT_ISSUER", "");
  assert_setting_refused (f, "CARRETE_S3_BUCKET", "");
}

static void
test_dotenv_parse (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) env = NULL;

  write_dotenv (f, "# Carrete settings\n"
                   "\n"
                   "   \n"
                   "CARRETE_JWT_ISSUER=plain\n"
                   "export CARRETE_JWT_AUDIENCE=exported\n"
                   "CARRETE_S3_REGION=\"double quoted\"\n"
                   "CARRETE_S3_BUCKET='single quoted'\n"
                   "  CARRETE_URL_TTL = 120  \n"
                   "CARRETE_PUBLIC_URL=http://h/?a=b\r\n"
                   "  # indented comment\n"
                   "CARRETE_STORAGE=\n");
  env = carrete_config_read_dotenv (f->dotenv, &error);
  g_assert_no_error (error);
  g_assert_nonnull (env);

  g_assert_cmpstr (g_environ_getenv (env, "CARRETE_JWT_ISSUER"), ==, "plain");
  g_assert_cmpstr (g_environ_getenv (env, "CARRETE_JWT_AUDIENCE"), ==, "exported");
  g_assert_cmpstr (g_environ_getenv (env, "CARRETE_S3_REGION"), ==, "double quoted");
  g_assert_cmpstr (g_environ_getenv (env, "CARRETE_S3_BUCKET"), ==, "single quoted");
  g_assert_cmpstr (g_environ_getenv (env, "CARRETE_URL_TTL"), ==, "120");
  g_assert_cmpstr (g_environ_getenv (env, "CARRETE_PUBLIC_URL"), ==, "http://h/?a=b");
  g_assert_cmpstr (g_environ_getenv (env, "CARRETE_STORAGE"), ==, "");
  g_assert_null (g_environ_getenv (env, "export CARRETE_JWT_AUDIENCE"));
  g_assert_cmpuint (g_strv_length (env), ==, 7);
}

static void
test_dotenv_malformed (Fixture *f, gconstpointer data)
{
  struct
  {
    const char *contents;
    const char *line;
  } cases[] = {
    { "A=1\n\nthis line is bad\nB=2\n", "line 3" },
    { "=value\n", "line 1" },
    { "# c\nA=1\nB=2\nC=3\nexport\n", "line 5" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_auto (GStrv) env = NULL;

      write_dotenv (f, cases[i].contents);
      env = carrete_config_read_dotenv (f->dotenv, &error);
      g_assert_null (env);
      g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG);
      if (strstr (error->message, cases[i].line) == NULL)
        g_error ("expected \"%s\" in: %s", cases[i].line, error->message);
    }

  /* carrete_config_load stops on it too. */
  {
    const char *used[] = { "CARRETE_JWT_ISSUER", NULL };
    const char *env[] = { NULL };
    g_autoptr (GError) error = NULL;

    write_dotenv (f, "CARRETE_JWT_ISSUER=x\nnot a setting\n");
    g_assert_false (load (f, used, NULL, env, f->dotenv, &error));
    g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG);
    g_assert_nonnull (strstr (error->message, "line 2"));
  }
}

static void
test_dotenv_environment_wins (Fixture *f, gconstpointer data)
{
  const char *used[] = { "CARRETE_URL_TTL", "CARRETE_JWT_ISSUER", "CARRETE_JWT_AUDIENCE", NULL };
  const char *env[] = { "CARRETE_URL_TTL=60", NULL };
  g_autoptr (GError) error = NULL;

  write_dotenv (f, "CARRETE_URL_TTL=120\nexport CARRETE_JWT_ISSUER=\"from-dotenv\"\n");
  g_assert_true (load (f, used, NULL, env, f->dotenv, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->config.url_ttl, ==, 60);
  g_assert_cmpstr (f->config.jwt_issuer, ==, "from-dotenv");
  g_assert_cmpstr (f->config.jwt_audience, ==, "carrete");

  /* A bad value in .env is reported like one in the environment. */
  write_dotenv (f, "CARRETE_URL_TTL=soon\n");
  g_assert_false (load (f, used, NULL, (const char *const[]) { NULL }, f->dotenv, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "CARRETE_URL_TTL"));
}

static void
test_dotenv_missing_file (Fixture *f, gconstpointer data)
{
  const char *used[] = { "CARRETE_JWT_ISSUER", NULL };
  const char *env[] = { NULL };
  g_autofree char *missing = g_build_filename (f->dir, "no.env", NULL);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) parsed = NULL;

  /* Optional for carrete_config_load ... */
  g_assert_true (load (f, used, NULL, env, missing, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (f->config.jwt_issuer, ==, "carrete");

  /* ... but an error when read explicitly. */
  parsed = carrete_config_read_dotenv (missing, &error);
  g_assert_null (parsed);
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG);
}

/* Three bad settings: all three are reported, a line each, in the order
 * the service lists them. */
static void
test_every_error_at_once (Fixture *f, gconstpointer data)
{
  const char *used[] = { "CARRETE_DATABASE_URL", "CARRETE_URL_TTL", "CARRETE_S3_ENDPOINT",
                         "CARRETE_JWT_ISSUER", NULL };
  const char *required[] = { "CARRETE_DATABASE_URL", NULL };
  const char *env[] = { "CARRETE_URL_TTL=abc", "CARRETE_S3_ENDPOINT=ftp://minio",
                        "CARRETE_JWT_ISSUER=fine", NULL };
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = NULL;

  g_assert_false (load (f, used, required, env, NULL, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG);
  lines = g_strsplit (error->message, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_true (g_str_has_prefix (lines[0], "CARRETE_DATABASE_URL is required"));
  g_assert_true (g_str_has_prefix (lines[1], "CARRETE_URL_TTL: "));
  g_assert_true (g_str_has_prefix (lines[2], "CARRETE_S3_ENDPOINT: "));
  g_assert_null (strstr (error->message, "CARRETE_JWT_ISSUER"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/carrete/config/required-missing", test_required_missing);
  ADD ("/carrete/config/optional-missing", test_optional_missing);
  ADD ("/carrete/config/unused-ignored", test_unused_ignored);
  ADD ("/carrete/config/listen/invalid", test_listen_invalid);
  ADD ("/carrete/config/listen/valid", test_listen_valid);
  ADD ("/carrete/config/defaults", test_defaults);
  ADD ("/carrete/config/overrides", test_overrides);
  ADD ("/carrete/config/uint", test_uint);
  ADD ("/carrete/config/trash-days", test_trash_days);
  ADD ("/carrete/config/bool", test_bool);
  ADD ("/carrete/config/storage", test_storage);
  ADD ("/carrete/config/s3-addressing", test_s3_addressing);
  ADD ("/carrete/config/http-url", test_http_url);
  ADD ("/carrete/config/file", test_file);
  ADD ("/carrete/config/database-url", test_database_url);
  ADD ("/carrete/config/database-url/no-secret-in-error", test_database_url_secret);
  ADD ("/carrete/config/empty-string", test_empty_string);
  ADD ("/carrete/config/dotenv/parse", test_dotenv_parse);
  ADD ("/carrete/config/dotenv/malformed", test_dotenv_malformed);
  ADD ("/carrete/config/dotenv/environment-wins", test_dotenv_environment_wins);
  ADD ("/carrete/config/dotenv/missing-file", test_dotenv_missing_file);
  ADD ("/carrete/config/every-error-at-once", test_every_error_at_once);
#undef ADD

  return g_test_run ();
}
