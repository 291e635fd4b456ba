#define G_LOG_DOMAIN "carrete-config"

#include "carrete-config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "carrete-error.h"

typedef enum
{
  SETTING_STRING,
  SETTING_LISTEN,
  SETTING_HTTP_URL,
  SETTING_DATABASE_URL,
  SETTING_FILE,
  SETTING_UINT,
  SETTING_BOOL,
  SETTING_CHOICE,
} SettingType;

typedef struct
{
  const char *name;
  SettingType type;
  gsize offset;
  const char *default_value;
  guint64 min; /* SETTING_UINT only */
  guint64 max;
  const char *const *choices; /* SETTING_CHOICE only: the values allowed */
} Setting;

static const char *const storage_kinds[] = { "s3", "fs", NULL };
static const char *const s3_addressings[] = { "path", "virtual", NULL };

#define FIELD(f) G_STRUCT_OFFSET (CarreteConfig, f)

/* The one table of settings.  Defaults are documented in the README. */
static const Setting settings[] = {
  { "CARRETE_LISTEN", SETTING_LISTEN, FIELD (listen_host), NULL, 0, 0 },
  { "CARRETE_DATABASE_URL", SETTING_DATABASE_URL, FIELD (database_url), NULL, 0, 0 },
  { "CARRETE_JWT_PUBLIC_KEY_FILE", SETTING_FILE, FIELD (jwt_public_key_file), NULL, 0, 0 },
  { "CARRETE_JWT_PRIVATE_KEY_FILE", SETTING_FILE, FIELD (jwt_private_key_file), NULL, 0, 0 },
  { "CARRETE_ID_KEY_FILE", SETTING_FILE, FIELD (id_key_file), NULL, 0, 0 },
  { "CARRETE_STORAGE", SETTING_CHOICE, FIELD (storage), "fs", 0, 0, storage_kinds },
  { "CARRETE_STORAGE_DIR", SETTING_STRING, FIELD (storage_dir), NULL, 0, 0 },
  { "CARRETE_S3_ENDPOINT", SETTING_HTTP_URL, FIELD (s3_endpoint), NULL, 0, 0 },
  { "CARRETE_S3_REGION", SETTING_STRING, FIELD (s3_region), "us-east-1", 0, 0 },
  { "CARRETE_S3_BUCKET", SETTING_STRING, FIELD (s3_bucket), "carrete", 0, 0 },
  { "CARRETE_S3_ACCESS_KEY", SETTING_STRING, FIELD (s3_access_key), NULL, 0, 0 },
  { "CARRETE_S3_SECRET_KEY", SETTING_STRING, FIELD (s3_secret_key), NULL, 0, 0 },
  { "CARRETE_S3_PUBLIC_ENDPOINT", SETTING_HTTP_URL, FIELD (s3_public_endpoint), NULL, 0, 0 },
  { "CARRETE_S3_ADDRESSING", SETTING_CHOICE, FIELD (s3_addressing), "path", 0, 0,
    s3_addressings },
  { "CARRETE_USERS_URL", SETTING_HTTP_URL, FIELD (users_url), NULL, 0, 0 },
  { "CARRETE_PHOTOS_URL", SETTING_HTTP_URL, FIELD (photos_url), NULL, 0, 0 },
  { "CARRETE_FOLDERS_URL", SETTING_HTTP_URL, FIELD (folders_url), NULL, 0, 0 },
  { "CARRETE_JWT_ISSUER", SETTING_STRING, FIELD (jwt_issuer), "carrete", 0, 0 },
  { "CARRETE_JWT_AUDIENCE", SETTING_STRING, FIELD (jwt_audience), "carrete", 0, 0 },
  { "CARRETE_PUBLIC_URL", SETTING_HTTP_URL, FIELD (public_url), NULL, 0, 0 },
  { "CARRETE_MAX_UPLOAD_BYTES", SETTING_UINT, FIELD (max_upload_bytes), "52428800", 1,
    G_GUINT64_CONSTANT (1) << 40 },
  { "CARRETE_URL_TTL", SETTING_UINT, FIELD (url_ttl), "900", 1, 7 * 24 * 3600 },
  { "CARRETE_UPLOAD_TTL", SETTING_UINT, FIELD (upload_ttl), "86400", 1, 30 * 24 * 3600 },
  { "CARRETE_DEFAULT_QUOTA_BYTES", SETTING_UINT, FIELD (default_quota_bytes), "0", 0,
    G_GUINT64_CONSTANT (1) << 60 },
  { "CARRETE_WEB_RESUMABLE_BYTES", SETTING_UINT, FIELD (web_resumable_bytes), "16777216", 1,
    G_MAXINT64 },
  { "CARRETE_COOKIE_SECURE", SETTING_BOOL, FIELD (cookie_secure), "true", 0, 0 },
  { "CARRETE_OIDC_ISSUER", SETTING_HTTP_URL, FIELD (oidc_issuer), NULL, 0, 0 },
  { "CARRETE_OIDC_CLIENT_ID", SETTING_STRING, FIELD (oidc_client_id), NULL, 0, 0 },
  { "CARRETE_OIDC_CLIENT_SECRET_FILE", SETTING_FILE, FIELD (oidc_client_secret_file), NULL, 0, 0 },
  { "CARRETE_OIDC_SCOPES", SETTING_STRING, FIELD (oidc_scopes), "openid email profile", 0, 0 },
  { "CARRETE_PASSWORD_LOGIN", SETTING_BOOL, FIELD (password_login), "true", 0, 0 },
  { "CARRETE_DB_POOL_SIZE", SETTING_UINT, FIELD (db_pool_size), "4", 1, 64 },
  { "CARRETE_STATEMENT_TIMEOUT_MS", SETTING_UINT, FIELD (statement_timeout_ms), "5000", 10,
    600000 },
  { "CARRETE_HASH_THREADS", SETTING_UINT, FIELD (hash_threads), "2", 1, 64 },
  { "CARRETE_READ_TIMEOUT", SETTING_UINT, FIELD (read_timeout), "30", 1, 3600 },
  { "CARRETE_TRUST_FORWARDED_FOR", SETTING_BOOL, FIELD (trust_forwarded_for), "false", 0, 0 },
  { "CARRETE_WORKER_THREADS", SETTING_UINT, FIELD (worker_threads), "4", 1, 64 },
  /* Unset: the CPUs this process may use (carrete_cpus_available). */
  { "CARRETE_WORKERS", SETTING_UINT, FIELD (workers), NULL, 1, 256 },
  { "CARRETE_SPOOL_DIR", SETTING_STRING, FIELD (spool_dir), NULL, 0, 0 },
  { "CARRETE_MAX_PIXELS", SETTING_UINT, FIELD (max_pixels), "100000000", 1,
    G_GUINT64_CONSTANT (1) << 32 },
  { "CARRETE_DECODER_MEMORY_MB", SETTING_UINT, FIELD (decoder_memory_mb), "2048", 64,
    1024 * 1024 },
  { "CARRETE_DECODER_CPU_SECONDS", SETTING_UINT, FIELD (decoder_cpu_seconds), "60", 1, 3600 },
  { "CARRETE_DECODER_TIMEOUT", SETTING_UINT, FIELD (decoder_timeout), "120", 1, 3600 },
  { "CARRETE_JOBS_IN_SERVE", SETTING_BOOL, FIELD (jobs_in_serve), "true", 0, 0 },
  /* Unset: the CPUs this process may use (carrete_cpus_available). */
  { "CARRETE_JOB_CONCURRENCY", SETTING_UINT, FIELD (job_concurrency), NULL, 1, 256 },
  { "CARRETE_JOB_POLL", SETTING_UINT, FIELD (job_poll), "1", 1, 3600 },
  { "CARRETE_JOB_LEASE", SETTING_UINT, FIELD (job_lease), "300", 1, 24 * 3600 },
  { "CARRETE_JOB_MAX_ATTEMPTS", SETTING_UINT, FIELD (job_max_attempts), "5", 1, 100 },
  { "CARRETE_JOB_BACKOFF", SETTING_UINT, FIELD (job_backoff), "5", 1, 3600 },
};

static const Setting *
find_setting (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    if (g_str_equal (settings[i].name, name))
      return &settings[i];
  return NULL;
}

static gboolean
parse_listen (CarreteConfig *config, const char *value, GError **error)
{
  const char *colon = strrchr (value, ':');
  g_autofree char *host = NULL;
  guint64 port = 0;

  if (colon == NULL || colon == value
      || !g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &port, NULL))
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG,
                   "expected host:port such as 127.0.0.1:8081, got \"%s\"", value);
      return FALSE;
    }
  host = g_strndup (value, (gsize) (colon - value));
  /* Accept [::1]:8081 for IPv6. */
  if (host[0] == '[' && host[strlen (host) - 1] == ']')
    {
      char *inner = g_strndup (host + 1, strlen (host) - 2);
      g_free (host);
      host = inner;
    }
  config->listen_host = g_steal_pointer (&host);
  config->listen_port = (guint16) port;
  return TRUE;
}

static gboolean
parse_http_url (const char *value, char **target, GError **error)
{
  g_autoptr (GUri) uri = g_uri_parse (value, G_URI_FLAGS_NONE, NULL);
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;

  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0'
      || (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0))
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG,
                   "expected an http:// or https:// URL, got \"%s\"", value);
      return FALSE;
    }
  /* Stored without a trailing slash so that paths can be appended. */
  *target = g_strdup (value);
  if (g_str_has_suffix (*target, "/"))
    (*target)[strlen (*target) - 1] = '\0';
  return TRUE;
}

static gboolean
parse_database_url (CarreteConfigCheck check, const char *value, char **target, GError **error)
{
  if (!check (value, error))
    return FALSE;
  *target = g_strdup (value);
  return TRUE;
}

static gboolean
parse_file (const char *value, char **target, GError **error)
{
  if (access (value, R_OK) != 0)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG, "cannot read file \"%s\": %s",
                   value, g_strerror (errno));
      return FALSE;
    }
  *target = g_strdup (value);
  return TRUE;
}

static gboolean
parse_uint (const Setting *setting, const char *value, guint64 *target, GError **error)
{
  if (!g_ascii_string_to_unsigned (value, 10, setting->min, setting->max, target, NULL))
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG,
                   "expected a whole number from %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT
                   ", got \"%s\"",
                   setting->min, setting->max, value);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_bool (const char *value, gboolean *target, GError **error)
{
  static const char *const yes[] = { "true", "1", "yes", "on", NULL };
  static const char *const no[] = { "false", "0", "no", "off", NULL };

  if (g_strv_contains (yes, value))
    *target = TRUE;
  else if (g_strv_contains (no, value))
    *target = FALSE;
  else
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG,
                   "expected true or false, got \"%s\"", value);
      return FALSE;
    }
  return TRUE;
}

/* One of the setting's choices; the error lists them all, quoted:
 * expected "s3" or "fs", got "x". */
static gboolean
parse_choice (const Setting *setting, const char *value, char **field, GError **error)
{
  g_autoptr (GString) expected = g_string_new (NULL);

  if (g_strv_contains (setting->choices, value))
    {
      *field = g_strdup (value);
      return TRUE;
    }
  for (guint i = 0; setting->choices[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append (expected, setting->choices[i + 1] == NULL ? " or " : ", ");
      g_string_append_printf (expected, "\"%s\"", setting->choices[i]);
    }
  g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG, "expected %s, got \"%s\"",
               expected->str, value);
  return FALSE;
}

static gboolean
parse_setting (CarreteConfig *config, const CarreteConfigSpec *spec, const Setting *setting,
               const char *value, GError **error)
{
  gpointer field = G_STRUCT_MEMBER_P (config, setting->offset);

  switch (setting->type)
    {
    case SETTING_STRING:
      if (*value == '\0')
        {
          g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG, "must not be empty");
          return FALSE;
        }
      *(char **) field = g_strdup (value);
      return TRUE;
    case SETTING_LISTEN:
      return parse_listen (config, value, error);
    case SETTING_HTTP_URL:
      return parse_http_url (value, field, error);
    case SETTING_DATABASE_URL:
      return parse_database_url (spec->check_database_url, value, field, error);
    case SETTING_FILE:
      return parse_file (value, field, error);
    case SETTING_UINT:
      return parse_uint (setting, value, field, error);
    case SETTING_BOOL:
      return parse_bool (value, field, error);
    case SETTING_CHOICE:
      return parse_choice (setting, value, field, error);
    }
  g_assert_not_reached ();
}

static char *
unquote (const char *raw)
{
  gsize len = strlen (raw);

  if (len >= 2 && (raw[0] == '"' || raw[0] == '\'') && raw[len - 1] == raw[0])
    return g_strndup (raw + 1, len - 2);
  return g_strdup (raw);
}

char **
carrete_config_read_dotenv (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GStrvBuilder) env = g_strv_builder_new ();
  g_autoptr (GError) local_error = NULL;

  if (!g_file_get_contents (path, &contents, NULL, &local_error))
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG, "%s", local_error->message);
      return NULL;
    }
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      char *eq;
      g_autofree char *value = NULL;

      if (*line == '\0' || *line == '#')
        continue;
      if (g_str_has_prefix (line, "export "))
        line = g_strchug (line + 7);
      eq = strchr (line, '=');
      if (eq == NULL || eq == line)
        {
          g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG,
                       "%s line %u: expected NAME=value", path, i + 1);
          return NULL;
        }
      *eq = '\0';
      value = unquote (g_strstrip (eq + 1));
      {
        g_autofree char *entry = g_strdup_printf ("%s=%s", g_strchomp (line), value);
        g_strv_builder_add (env, entry);
      }
    }
  return g_strv_builder_end (env);
}

static gboolean
load_one (CarreteConfig *config, const CarreteConfigSpec *spec, const Setting *setting,
          const char *value, gboolean required, GError **error)
{
  g_autoptr (GError) local_error = NULL;

  if (value == NULL)
    value = setting->default_value;
  if (value == NULL)
    {
      if (!required)
        return TRUE;
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG, "%s is required but not set",
                   setting->name);
      return FALSE;
    }
  if (!parse_setting (config, spec, setting, value, &local_error))
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG, "%s: %s", setting->name,
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
carrete_config_load (CarreteConfig *config, const CarreteConfigSpec *spec,
                     const char *const *env, const char *dotenv_path, GError **error)
{
  const char *const *used = spec->used;
  const char *const *required = spec->required;

  g_auto (GStrv) process_env = NULL;
  g_auto (GStrv) dotenv = NULL;
  g_autoptr (GError) errors = NULL;
  g_autoptr (GError) local_error = NULL;

  if (env == NULL)
    env = (const char *const *) (process_env = g_get_environ ());
  if (dotenv_path != NULL && g_file_test (dotenv_path, G_FILE_TEST_EXISTS))
    {
      dotenv = carrete_config_read_dotenv (dotenv_path, error);
      if (dotenv == NULL)
        return FALSE;
    }

  for (guint i = 0; used[i] != NULL; i++)
    {
      const Setting *setting = find_setting (used[i]);
      const char *value;

      g_assert (setting != NULL);
      g_assert (setting->type != SETTING_DATABASE_URL || spec->check_database_url != NULL);
      value = g_environ_getenv ((char **) env, setting->name);
      if (value == NULL && dotenv != NULL)
        value = g_environ_getenv (dotenv, setting->name);
      if (value == NULL && setting->type == SETTING_LISTEN)
        value = spec->default_listen;
      if (!load_one (config, spec, setting, value,
                     required != NULL && g_strv_contains (required, used[i]), &local_error))
        {
          /* Go on: every bad setting is reported at once, a line each. */
          carrete_error_add_config_line (&errors, "%s", local_error->message);
          g_clear_error (&local_error);
        }
    }
  if (errors != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&errors));
      return FALSE;
    }
  return TRUE;
}

void
carrete_config_clear (CarreteConfig *config)
{
  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    {
      SettingType type = settings[i].type;
      if (type != SETTING_UINT && type != SETTING_BOOL)
        g_clear_pointer ((char **) G_STRUCT_MEMBER_P (config, settings[i].offset), g_free);
    }
}
