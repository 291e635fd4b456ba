/* carrete_config_read_dotenv on the input written to a file, then
 * carrete_config_load with that file as the only source of settings. */
#include <glib/gstdio.h>
#include <unistd.h>

#include "carrete-config.h"
#include "carrete-db.h"
#include "carrete-error.h"
#include "fuzz-common.h"

static char *dotenv_path;

/* Every setting, none required, so that each parser sees the values. */
static const char *const used[] = {
  "CARRETE_LISTEN", "CARRETE_DATABASE_URL", "CARRETE_JWT_PUBLIC_KEY_FILE",
  "CARRETE_JWT_PRIVATE_KEY_FILE", "CARRETE_ID_KEY_FILE", "CARRETE_STORAGE",
  "CARRETE_STORAGE_DIR", "CARRETE_S3_ENDPOINT", "CARRETE_S3_REGION", "CARRETE_S3_BUCKET",
  "CARRETE_S3_ACCESS_KEY", "CARRETE_S3_SECRET_KEY", "CARRETE_S3_PUBLIC_ENDPOINT",
  "CARRETE_USERS_URL", "CARRETE_PHOTOS_URL", "CARRETE_FOLDERS_URL", "CARRETE_JWT_ISSUER",
  "CARRETE_JWT_AUDIENCE", "CARRETE_PUBLIC_URL", "CARRETE_MAX_UPLOAD_BYTES", "CARRETE_URL_TTL",
  "CARRETE_COOKIE_SECURE", "CARRETE_DB_POOL_SIZE", "CARRETE_STATEMENT_TIMEOUT_MS",
  "CARRETE_HASH_THREADS", NULL,
};

static void
remove_dotenv (void)
{
  g_unlink (dotenv_path);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  GError *error = NULL;
  int fd = g_file_open_tmp ("carrete-fuzz-XXXXXX.env", &dotenv_path, &error);

  fuzz_fatal_criticals ();
  if (fd < 0)
    g_error ("%s", error->message);
  close (fd);
  atexit (remove_dotenv);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GError *error = NULL;
  char **env;

  if (!g_file_set_contents_full (dotenv_path, (const char *) data, (gssize) size,
                                 G_FILE_SET_CONTENTS_NONE, 0600, &error))
    g_error ("%s", error->message);

  env = carrete_config_read_dotenv (dotenv_path, &error);
  if (env != NULL)
    {
      CarreteConfig config = { 0 };
      const CarreteConfigSpec spec = { used, NULL, "127.0.0.1:8081", carrete_db_check_conninfo };
      const char *const empty_env[] = { NULL };

      FUZZ_CHECK (error == NULL);
      /* Every entry is NAME=value with a non-empty name. */
      for (guint i = 0; env[i] != NULL; i++)
        FUZZ_CHECK (env[i][0] != '=' && strchr (env[i], '=') != NULL);
      g_strfreev (env);

      if (!carrete_config_load (&config, &spec, empty_env, dotenv_path, &error))
        {
          FUZZ_CHECK (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG));
          g_clear_error (&error);
        }
      else
        {
          FUZZ_CHECK (error == NULL);
          FUZZ_CHECK (config.listen_host != NULL && config.listen_port > 0);
          FUZZ_CHECK (config.storage != NULL);
        }
      carrete_config_clear (&config);
    }
  else
    {
      FUZZ_CHECK (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG));
      g_clear_error (&error);
    }
  return 0;
}
