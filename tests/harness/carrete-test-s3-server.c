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
  char *virtual_endpoint;
  char *address;
  /* A second port: MinIO's console (which it needs even with the browser
   * off), Garage's admin API. */
  char *side_address;
  char *access_key;
  char *secret_key;
  GSubprocess *process;
};

/* The domain of virtual-hosted requests: "<bucket>.s3.localhost". */
#define VIRTUAL_DOMAIN "s3.localhost"

/* What differs between the kinds: the binary, how it is started (its
 * arguments after the binary), and how to tell that it serves S3
 * requests.  An optional kind's tests skip when its binary is missing. */
typedef struct
{
  const char *name; /* also the binary's name in .cache/bin */
  const char *binary_variable;
  gboolean optional;
  void (*configure) (CtS3Server *server, GSubprocessLauncher *launcher, GPtrArray *argv);
  gboolean (*ready) (CtS3Server *server);
} ServerType;

static char *
random_hex (guint bytes)
{
  g_autoptr (GString) out = g_string_new (NULL);

  for (guint i = 0; i < bytes; i++)
    g_string_append_printf (out, "%02x", g_random_int_range (0, 256));
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
data_dir (CtS3Server *server)
{
  return g_build_filename (server->dir, "data", NULL);
}

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
  g_subprocess_launcher_setenv (launcher, "MINIO_DOMAIN", VIRTUAL_DOMAIN, TRUE);
  g_ptr_array_add (argv, g_strdup ("server"));
  g_ptr_array_add (argv, g_strdup ("--quiet"));
  g_ptr_array_add (argv, g_strdup ("--address"));
  g_ptr_array_add (argv, g_strdup (server->address));
  g_ptr_array_add (argv, g_strdup ("--console-address"));
  g_ptr_array_add (argv, g_strdup (server->side_address));
  g_ptr_array_add (argv, data_dir (server));
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
  g_ptr_array_add (argv, g_strdup ("--virtual-domain"));
  g_ptr_array_add (argv, g_strdup (VIRTUAL_DOMAIN));
  g_ptr_array_add (argv, g_strdup ("posix"));
  g_ptr_array_add (argv, data_dir (server));
}

/* Garage's configuration: one node, so replication_factor 1; sqlite needs
 * no memory map of its own; root_domain turns on virtual-hosted requests
 * beside path-style. */
static void
garage_write_config (CtS3Server *server, const char *path)
{
  g_autofree char *meta = g_build_filename (server->dir, "meta", NULL);
  g_autofree char *data = data_dir (server);
  g_autofree char *rpc_secret = random_hex (32);
  g_autofree char *admin_token = random_hex (32);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  guint16 rpc_port = ct_free_port ();

  text = g_strdup_printf ("metadata_dir = \"%s\"\n"
                          "data_dir = \"%s\"\n"
                          "db_engine = \"sqlite\"\n"
                          "replication_factor = 1\n"
                          "rpc_bind_addr = \"127.0.0.1:%u\"\n"
                          "rpc_public_addr = \"127.0.0.1:%u\"\n"
                          "rpc_secret = \"%s\"\n"
                          "\n[s3_api]\n"
                          "api_bind_addr = \"%s\"\n"
                          "s3_region = \"us-east-1\"\n"
                          "root_domain = \".%s\"\n"
                          "\n[admin]\n"
                          "api_bind_addr = \"%s\"\n"
                          "admin_token = \"%s\"\n",
                          meta, data, rpc_port, rpc_port, rpc_secret, server->address,
                          VIRTUAL_DOMAIN, server->side_address, admin_token);
  /* Secrets inside: for its owner only. */
  g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);
}

/* Written at the first start and kept for the restarts: the RPC secret
 * and port must stay those of the node's metadata. */
static char *
garage_config (CtS3Server *server)
{
  char *path = g_build_filename (server->dir, "garage.toml", NULL);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    garage_write_config (server, path);
  return path;
}

/* --single-node lays out the cluster (this node, dc1, its disk's size) on
 * the first start, and --default-access-key makes the key from the
 * environment (not the command line, where ps shows it), allowed to
 * create buckets: what `garage layout assign/apply` and `garage key
 * import` + `key allow --create-bucket` do, without a CLI round trip.
 * Both are no-ops when the layout and the key are already there. */
static void
garage_configure (CtS3Server *server, GSubprocessLauncher *launcher, GPtrArray *argv)
{
  g_subprocess_launcher_setenv (launcher, "GARAGE_DEFAULT_ACCESS_KEY", server->access_key, TRUE);
  g_subprocess_launcher_setenv (launcher, "GARAGE_DEFAULT_SECRET_KEY", server->secret_key, TRUE);
  g_subprocess_launcher_setenv (launcher, "RUST_LOG", "garage=warn", TRUE);
  g_ptr_array_add (argv, g_strdup ("-c"));
  g_ptr_array_add (argv, garage_config (server));
  g_ptr_array_add (argv, g_strdup ("server"));
  g_ptr_array_add (argv, g_strdup ("--single-node"));
  g_ptr_array_add (argv, g_strdup ("--default-access-key"));
}

/* The admin API's /health answers 200 once the layout is in force and
 * every partition has its node; S3 must answer too. */
static gboolean
garage_ready (CtS3Server *server)
{
  g_autofree char *admin = g_strdup_printf ("http://%s", server->side_address);
  g_autoptr (CtResponse) health = ct_http (admin, "GET", "/health", NULL, NULL);

  return health->status == 200 && s3_answers (server);
}

static const ServerType server_types[] = {
  [CT_S3_MINIO] = { "minio", "CARRETE_MINIO_BIN", FALSE, minio_configure, minio_ready },
  [CT_S3_VERSITYGW]
  = { "versitygw", "CARRETE_VERSITYGW_BIN", FALSE, versitygw_configure, s3_answers },
  [CT_S3_GARAGE] = { "garage", "CARRETE_GARAGE_BIN", TRUE, garage_configure, garage_ready },
};

static const ServerType *
type_of (CtS3Server *server)
{
  return &server_types[server->kind];
}

/* The binary, or NULL with the reason in `why`. */
static char *
find_binary (const ServerType *type, char **why)
{
  const char *given = g_getenv (type->binary_variable);
  const char *source = g_getenv ("CARRETE_SOURCE_DIR");
  g_autofree char *path = NULL;

  g_assert (given != NULL || source != NULL);
  path = given != NULL ? g_strdup (given)
                       : g_build_filename (source, ".cache", "bin", type->name, NULL);
  if (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&path);
  *why = g_strdup_printf ("%s is not built: scripts/test.sh builds it (expected %s or %s)",
                          type->name, path, type->binary_variable);
  return NULL;
}

static char *
server_binary (const ServerType *type)
{
  g_autofree char *why = NULL;
  char *binary = find_binary (type, &why);

  if (binary == NULL)
    g_error ("%s", why);
  return binary;
}

char *
ct_s3_server_unavailable (CtS3Kind kind)
{
  const ServerType *type;
  g_autofree char *binary = NULL;
  char *why = NULL;

  g_assert_cmpuint (kind, <, G_N_ELEMENTS (server_types));
  type = &server_types[kind];
  if (!type->optional)
    return NULL;
  binary = find_binary (type, &why);
  return why;
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
  guint16 port;

  g_assert_cmpuint (kind, <, G_N_ELEMENTS (server_types));
  server->kind = kind;
  template = g_strdup_printf ("carrete-%s-XXXXXX", type_of (server)->name);
  server->dir = ct_make_tmpdir (template);
  data = data_dir (server);
  g_assert_cmpint (g_mkdir (data, 0700), ==, 0);
  server->binary = server_binary (type_of (server));
  port = ct_free_port ();
  server->address = g_strdup_printf ("127.0.0.1:%u", port);
  server->side_address = g_strdup_printf ("127.0.0.1:%u", ct_free_port ());
  server->endpoint = g_strdup_printf ("http://%s", server->address);
  server->virtual_endpoint = g_strdup_printf ("http://%s:%u", VIRTUAL_DOMAIN, port);
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
ct_s3_server_virtual_endpoint (CtS3Server *server)
{
  return server->virtual_endpoint;
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

/* SIGTERM, then SIGKILL after two seconds: Garage's graceful stop waits
 * up to 10 s for the clients' idle keep-alive connections (the storage's
 * own pool, the tests' HTTP session) to close.  Its metadata (sqlite) and
 * blocks (written aside, then renamed) survive a kill, and the restart
 * checks that. */
void
ct_s3_server_stop (CtS3Server *server)
{
  if (server->process == NULL)
    return;
  g_subprocess_send_signal (server->process, SIGTERM);
  /* The identifier goes once the process has exited. */
  for (int i = 0; i < 200 && g_subprocess_get_identifier (server->process) != NULL; i++)
    g_usleep (10 * 1000);
  g_subprocess_force_exit (server->process);
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
  g_free (server->virtual_endpoint);
  g_free (server->address);
  g_free (server->side_address);
  g_free (server->access_key);
  g_free (server->secret_key);
  g_free (server);
}
