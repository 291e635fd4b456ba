#define G_LOG_DOMAIN "carrete-test-s3-server"

#include "carrete-test-s3-server.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>

#include "carrete-test.h"

struct _CtS3Server
{
  CtS3Kind kind;
  char *dir;
  char *binary;
  char *endpoint;
  char *address;
  char *console_address; /* MinIO's, which it needs even with the browser off */
  char *access_key;
  char *secret_key;
  GSubprocess *process;
};

/* What differs between the kinds: the binary, how it is started, and how
 * to tell that it serves S3 requests. */
typedef struct
{
  const char *name; /* also the binary's name in .cache/bin */
  const char *binary_variable;
  void (*configure) (CtS3Server *server, GSubprocessLauncher *launcher, GPtrArray *argv);
  gboolean (*ready) (CtS3Server *server);
} ServerType;

/* S3 requests are served: an unsigned one is refused (403), not turned
 * away (503) or unanswered (0). */
static gboolean
s3_answers (CtS3Server *server)
{
  g_autoptr (CtResponse) s3 = ct_http (server->endpoint, "GET", "/", NULL, NULL);

  return s3->status != 503 && s3->status != 0;
}

static void
minio_configure (CtS3Server *server, GSubprocessLauncher *launcher, GPtrArray *argv)
{
  g_subprocess_launcher_setenv (launcher, "MINIO_ROOT_USER", server->access_key, TRUE);
  g_subprocess_launcher_setenv (launcher, "MINIO_ROOT_PASSWORD", server->secret_key, TRUE);
  g_subprocess_launcher_setenv (launcher, "MINIO_BROWSER", "off", TRUE);
  g_subprocess_launcher_setenv (launcher, "MINIO_UPDATE", "off", TRUE);
  g_ptr_array_add (argv, g_strdup ("server"));
  g_ptr_array_add (argv, g_strdup ("--quiet"));
  g_ptr_array_add (argv, g_strdup ("--address"));
  g_ptr_array_add (argv, g_strdup (server->address));
  g_ptr_array_add (argv, g_strdup ("--console-address"));
  g_ptr_array_add (argv, g_strdup (server->console_address));
}

/* "ready", not "live": a live MinIO may still answer 503 to requests while
 * its object layer starts.  Even "ready" comes a moment before S3 requests
 * are served on a loaded machine, so S3 must answer too. */
static gboolean
minio_ready (CtS3Server *server)
{
  g_autoptr (CtResponse) ready
      = ct_http (server->endpoint, "GET", "/minio/health/ready", NULL, NULL);

  return ready->status == 200 && s3_answers (server);
}

/* The posix backend: buckets are directories of the data directory,
 * metadata in extended attributes.  The root credentials go in the
 * environment, not on the command line where ps shows them. */
static void
versitygw_configure (CtS3Server *server, GSubprocessLauncher *launcher, GPtrArray *argv)
{
  g_subprocess_launcher_setenv (launcher, "ROOT_ACCESS_KEY", server->access_key, TRUE);
  g_subprocess_launcher_setenv (launcher, "ROOT_SECRET_KEY", server->secret_key, TRUE);
  g_ptr_array_add (argv, g_strdup ("--port"));
  g_ptr_array_add (argv, g_strdup (server->address));
  g_ptr_array_add (argv, g_strdup ("--quiet"));
  g_ptr_array_add (argv, g_strdup ("posix"));
}

static const ServerType server_types[] = {
  [CT_S3_MINIO] = { "minio", "CARRETE_MINIO_BIN", minio_configure, minio_ready },
  [CT_S3_VERSITYGW] = { "versitygw", "CARRETE_VERSITYGW_BIN", versitygw_configure, s3_answers },
};

static const ServerType *
type_of (CtS3Server *server)
{
  return &server_types[server->kind];
}

static char *
server_binary (const ServerType *type)
{
  const char *given = g_getenv (type->binary_variable);
  const char *source = g_getenv ("CARRETE_SOURCE_DIR");
  g_autofree char *cached = NULL;

  if (given != NULL)
    return g_strdup (given);
  g_assert_nonnull (source);
  cached = g_build_filename (source, ".cache", "bin", type->name, NULL);
  if (!g_file_test (cached, G_FILE_TEST_IS_EXECUTABLE))
    g_error ("%s is not built: run scripts/test.sh, which builds it (expected %s or %s)",
             type->name, cached, type->binary_variable);
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
server_launch (CtS3Server *server)
{
  const ServerType *type = type_of (server);
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_autofree char *log_name = g_strconcat (type->name, ".log", NULL);
  g_autofree char *log = g_build_filename (server->dir, log_name, NULL);

  g_subprocess_launcher_setenv (launcher, "HOME", server->dir, TRUE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_set_stdout_file_path (launcher, log);
  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  g_ptr_array_add (argv, g_strdup (server->binary));
  type->configure (server, launcher, argv);
  g_ptr_array_add (argv, g_build_filename (server->dir, "data", NULL));
  g_ptr_array_add (argv, NULL);
  server->process
      = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);

  for (int i = 0; i < 1500; i++)
    {
      if (type->ready (server))
        return;
      g_usleep (20 * 1000);
    }
  g_error ("%s did not start; see %s", type->name, log);
}

CtS3Server *
ct_s3_server_start (CtS3Kind kind)
{
  CtS3Server *server = g_new0 (CtS3Server, 1);
  g_autofree char *user_suffix = random_hex (4);
  g_autofree char *template = NULL;
  g_autofree char *data = NULL;

  g_assert_cmpuint (kind, <, G_N_ELEMENTS (server_types));
  server->kind = kind;
  template = g_strdup_printf ("carrete-%s-XXXXXX", type_of (server)->name);
  server->dir = ct_make_tmpdir (template);
  data = g_build_filename (server->dir, "data", NULL);
  g_assert_cmpint (g_mkdir (data, 0700), ==, 0);
  server->binary = server_binary (type_of (server));
  server->address = g_strdup_printf ("127.0.0.1:%u", ct_free_port ());
  server->console_address = g_strdup_printf ("127.0.0.1:%u", ct_free_port ());
  server->endpoint = g_strdup_printf ("http://%s", server->address);
  server->access_key = g_strdup_printf ("carrete%s", user_suffix);
  server->secret_key = random_hex (20);
  server_launch (server);
  return server;
}

CtS3Kind
ct_s3_server_kind (CtS3Server *server)
{
  return server->kind;
}

const char *
ct_s3_server_name (CtS3Server *server)
{
  return type_of (server)->name;
}

const char *
ct_s3_server_endpoint (CtS3Server *server)
{
  return server->endpoint;
}

const char *
ct_s3_server_access_key (CtS3Server *server)
{
  return server->access_key;
}

const char *
ct_s3_server_secret_key (CtS3Server *server)
{
  return server->secret_key;
}

void
ct_s3_server_stop (CtS3Server *server)
{
  if (server->process == NULL)
    return;
  g_subprocess_send_signal (server->process, SIGTERM);
  g_subprocess_wait (server->process, NULL, NULL);
  g_clear_object (&server->process);
}

void
ct_s3_server_restart (CtS3Server *server)
{
  g_assert_null (server->process);
  server_launch (server);
}

void
ct_s3_server_free (CtS3Server *server)
{
  if (server == NULL)
    return;
  ct_s3_server_stop (server);
  ct_remove_tree (server->dir);
  g_free (server->dir);
  g_free (server->binary);
  g_free (server->endpoint);
  g_free (server->address);
  g_free (server->console_address);
  g_free (server->access_key);
  g_free (server->secret_key);
  g_free (server);
}
