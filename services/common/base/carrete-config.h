#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Every setting of every service, loaded from the environment (and an
 * optional `.env` file in the working directory; the environment wins).
 * Each service names the settings it uses and those it requires; a missing
 * or malformed one fails start-up with a line naming it (every bad one at
 * once, a line each). */
typedef struct
{
  char *listen_host;
  guint16 listen_port;
  char *database_url;
  char *jwt_public_key_file;
  char *jwt_private_key_file;
  char *id_key_file;
  char *storage;
  char *storage_dir;
  char *s3_endpoint;
  char *s3_region;
  char *s3_bucket;
  char *s3_access_key;
  char *s3_secret_key;
  char *s3_public_endpoint;
  char *s3_addressing; /* "path" or "virtual" */
  char *users_url;
  char *photos_url;
  char *folders_url;
  char *jwt_issuer;
  char *jwt_audience;
  char *public_url;
  guint64 max_upload_bytes;
  guint64 url_ttl;
  guint64 upload_ttl; /* resumable uploads: seconds before an unfinished one is aborted */
  guint64 default_quota_bytes; /* photos: an account's storage quota unless set; 0 = none */
  guint64 web_resumable_bytes; /* web: files over this go as resumable uploads */
  gboolean cookie_secure;
  char *oidc_issuer; /* users, web: OpenID Connect sign-in when set */
  char *oidc_client_id;
  char *oidc_client_secret_file;
  char *oidc_scopes;
  gboolean password_login; /* users, web: sign-in and registration with a password */
  guint64 db_pool_size;
  guint64 statement_timeout_ms;
  guint64 hash_threads;
  guint64 read_timeout;
  gboolean trust_forwarded_for;
  guint64 worker_threads;   /* photos: storage and image work */
  guint64 workers;          /* HTTP worker threads; 0: unset, one per usable CPU */
  char *spool_dir;          /* photos: uploads in progress (default: the temp dir) */
  guint64 max_pixels;       /* photos: refuse larger images before decoding */
  guint64 decoder_memory_mb;   /* photos: the decoder child's address space */
  guint64 decoder_cpu_seconds; /* photos: the decoder child's CPU time */
  guint64 decoder_timeout;     /* photos: the decoder child's wall time, seconds */
  gboolean jobs_in_serve;      /* photos: `serve` runs background jobs too */
  guint64 job_concurrency;     /* photos: jobs at once per process; 0: unset, the CPUs */
  guint64 job_poll;            /* photos: seconds between looks for due jobs */
  guint64 job_lease;           /* photos: seconds a claimed job is a worker's */
  guint64 job_max_attempts;    /* photos: tries of a job that keeps failing for a while */
  guint64 job_backoff;         /* photos: seconds before the first retry (then doubled) */
  /* Not a setting: the command being run ("serve", or a spec's other
   * serving command such as photos' "work"). */
  const char *command;
} CarreteConfig;

void carrete_config_clear (CarreteConfig *config);

/* Checks a value that the parsers here cannot judge; on failure sets a
 * CARRETE_ERROR_CONFIG error, whose message follows "NAME: ". */
typedef gboolean (*CarreteConfigCheck) (const char *value, GError **error);

/* What one service reads: `used` lists the variable names (NULL-terminated),
 * `required` those that must be present; unknown names are a programming
 * error.  `default_listen` is the service's own host:port.
 * `check_database_url` judges CARRETE_DATABASE_URL (carrete_db_check_conninfo,
 * libpq's parser, which stays out of this library so that a service without
 * a database does not link libpq); a spec that uses CARRETE_DATABASE_URL
 * without it is a programming error. */
typedef struct
{
  const char *const *used;
  const char *const *required;
  const char *default_listen;
  CarreteConfigCheck check_database_url;
} CarreteConfigSpec;

/* `env` overrides the process environment (for tests); pass NULL. */
gboolean carrete_config_load (CarreteConfig *config, const CarreteConfigSpec *spec,
                              const char *const *env, const char *dotenv_path, GError **error);

/* Parses a `.env` file into an environment block (KEY=VALUE lines, `#`
 * comments, optional single or double quotes, optional `export `). */
char **carrete_config_read_dotenv (const char *path, GError **error);

G_END_DECLS
