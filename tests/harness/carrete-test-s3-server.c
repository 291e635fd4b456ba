#define G_LOG_DOMAIN "carrete-test-minio"

#include "carrete-test-minio.h"

#include <signal.h>
#include <sys/prctl.h>

#include "carrete-test.h"

struct _CtMinio
{
  char *dir;
  char *binary;
  char *endpoint;
  char *address;
  char *console_address;
  char *access_key;
  char *secret_key;
  GSubprocess *process;
};

static char *
minio_binary (void)
{
  const char *given = g_getenv ("CARRETE_MINIO_BIN");
  const char *source = g_getenv ("CARRETE_SOURCE_DIR");
  g_autofree char *cached = NULL;

  if (given != NULL)
    return g_strdup (given);
  g_assert_nonnull (source);
  cached = g_build_filename (source, ".cache", "bin", "minio", NULL);
  if (!g_file_test (cached, G_FILE_TEST_IS_EXECUTABLE))
    g_error ("MinIO is not built: run scripts/minio.sh (expected %s)", cached);
  return g_steal_pointer (&cached);
}

static char *
random_hex (guint bytes)
{
  g_autoptr (GString) out = g_string_new (NULL);

  for (guint i = 0; i < bytes; i++)
    g_string_append_printf (out, "%02x", g_random_int_range (0, 256));
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
minio_launch (CtMinio *minio)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr (GError) error = NULL;
  g_autofree char *log = g_build_filename (minio->dir, "minio.log", NULL);
  g_autofree char *data = g_build_filename (minio->dir, "data", NULL);

  g_subprocess_launcher_setenv (launcher, "MINIO_ROOT_USER", minio->access_key, TRUE);
  g_subprocess_launcher_setenv (launcher, "MINIO_ROOT_PASSWORD", minio->secret_key, TRUE);
  g_subprocess_launcher_setenv (launcher, "MINIO_BROWSER", "off", TRUE);
  g_subprocess_launcher_setenv (launcher, "MINIO_UPDATE", "off", TRUE);
  g_subprocess_launcher_setenv (launcher, "HOME", minio->dir, TRUE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_set_stdout_file_path (launcher, log);
  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  minio->process = g_subprocess_launcher_spawn (launcher, &error, minio->binary, "server",
                                                "--quiet", "--address", minio->address,
                                                "--console-address", minio->console_address,
                                                data, NULL);
  g_assert_no_error (error);

  for (int i = 0; i < 1500; i++)
    {
      /* "ready", not "live": a live MinIO may still answer 503 to requests
       * while its object layer starts.  Even "ready" comes a moment before
       * S3 requests are served on a loaded machine, so also wait until an
       * unsigned request is refused (403) rather than turned away (503). */
      g_autoptr (CtResponse) ready = ct_http (minio->endpoint, "GET", "/minio/health/ready",
                                              NULL, NULL);
      g_autoptr (CtResponse) s3 = ready->status == 200
                                    ? ct_http (minio->endpoint, "GET", "/", NULL, NULL)
                                    : NULL;

      if (s3 != NULL && s3->status != 503 && s3->status != 0)
        return;
      g_usleep (20 * 1000);
    }
  g_error ("MinIO did not start; see %s", log);
}

CtMinio *
ct_minio_start (void)
{
  CtMinio *minio = g_new0 (CtMinio, 1);
  guint16 port = ct_free_port ();
  g_autofree char *user_suffix = random_hex (4);

  minio->dir = ct_make_tmpdir ("carrete-minio-XXXXXX");
  minio->binary = minio_binary ();
  minio->address = g_strdup_printf ("127.0.0.1:%u", port);
  minio->console_address = g_strdup_printf ("127.0.0.1:%u", ct_free_port ());
  minio->endpoint = g_strdup_printf ("http://%s", minio->address);
  minio->access_key = g_strdup_printf ("carrete%s", user_suffix);
  minio->secret_key = random_hex (20);
  minio_launch (minio);
  return minio;
}

const char *
ct_minio_endpoint (CtMinio *minio)
{
  return minio->endpoint;
}

const char *
ct_minio_access_key (CtMinio *minio)
{
  return minio->access_key;
}

const char *
ct_minio_secret_key (CtMinio *minio)
{
  return minio->secret_key;
}

void
ct_minio_stop (CtMinio *minio)
{
  if (minio->process == NULL)
    return;
  g_subprocess_send_signal (minio->process, SIGTERM);
  g_subprocess_wait (minio->process, NULL, NULL);
  g_clear_object (&minio->process);
}

void
ct_minio_restart (CtMinio *minio)
{
  g_assert_null (minio->process);
  minio_launch (minio);
}

void
ct_minio_free (CtMinio *minio)
{
  if (minio == NULL)
    return;
  ct_minio_stop (minio);
  ct_remove_tree (minio->dir);
  g_free (minio->dir);
  g_free (minio->binary);
  g_free (minio->endpoint);
  g_free (minio->address);
  g_free (minio->console_address);
  g_free (minio->access_key);
  g_free (minio->secret_key);
  g_free (minio);
}
