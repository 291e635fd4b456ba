#define G_LOG_DOMAIN "carrete-test"

#include "carrete-test.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

/* ---- processes ----------------------------------------------------------- */

typedef struct
{
  uid_t uid;
  gid_t gid;
  gboolean switch_user;
  int death_signal;
} ChildSetup;

/* Runs in the child between fork and exec: drop to the service account if
 * asked, then ask to be signalled when the test process dies (the order
 * matters: changing credentials clears the death signal). */
static void
child_setup (gpointer user_data)
{
  ChildSetup *setup = user_data;

  if (setup->switch_user && (setgid (setup->gid) != 0 || setuid (setup->uid) != 0))
    _exit (126);
  prctl (PR_SET_PDEATHSIG, setup->death_signal);
}

GSubprocessLauncher *
ct_launcher_new (GSubprocessFlags flags)
{
  static ChildSetup terminate = { .death_signal = SIGTERM };
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_set_child_setup (launcher, child_setup, &terminate, NULL);
  return launcher;
}

guint16
ct_free_port (void)
{
  g_autoptr (GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                             G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

char *
ct_make_tmpdir (const char *template_name)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp (template_name, &error);

  g_assert_no_error (error);
  return dir;
}

void
ct_remove_tree (const char *path)
{
  const char *argv[] = { "rm", "-rf", path, NULL };

  if (path != NULL)
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                  NULL);
}

char *
ct_run (const char *const *argv)
{
  g_autoptr (GError) error = NULL;
  char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status,
                &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s%s", argv[0], out, err);
  return out;
}

int
ct_test_main (int *argc, char ***argv, gpointer (*start) (void), GDestroyNotify stop,
              gpointer *fixture, const CtTest *tests, gsize n_tests)
{
  int status;

  g_test_init (argc, argv, NULL);
  *fixture = start ();
  for (gsize i = 0; i < n_tests; i++)
    g_test_add_func (tests[i].path, tests[i].func);
  status = g_test_run ();
  g_clear_pointer (fixture, stop);
  return status;
}

char *
ct_build_path (const char *relative)
{
  const char *build = g_getenv ("CARRETE_BUILD_DIR");

  g_assert_nonnull (build);
  return g_build_filename (build, relative, NULL);
}

/* ---- PostgreSQL ---------------------------------------------------------- */

struct _CtPostgres
{
  char *dir;
  char *data;
  char *bindir;
  guint16 port;
  ChildSetup setup;
  GSubprocess *postmaster;
  gboolean vanished; /* iptables rules drop its packets */
};

static char *
postgres_bindir (void)
{
  const char *versions[] = { "17", "16", "15", NULL };

  for (guint i = 0; versions[i] != NULL; i++)
    {
      g_autofree char *dir = g_build_filename ("/usr/lib/postgresql", versions[i], "bin", NULL);
      g_autofree char *initdb = g_build_filename (dir, "initdb", NULL);
      if (g_file_test (initdb, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&dir);
    }
  g_error ("no PostgreSQL server found under /usr/lib/postgresql");
}

static char *
postgres_conninfo (CtPostgres *pg, const char *database)
{
  return g_strdup_printf ("host=127.0.0.1 port=%u user=postgres dbname=%s connect_timeout=5",
                          pg->port, database);
}

static void
postgres_launch (CtPostgres *pg)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr (GError) error = NULL;
  g_autofree char *postgres = g_build_filename (pg->bindir, "postgres", NULL);
  g_autofree char *port = g_strdup_printf ("%u", pg->port);
  g_autofree char *log = g_build_filename (pg->dir, "postgres.log", NULL);
  g_autofree char *conninfo = postgres_conninfo (pg, "postgres");

  g_subprocess_launcher_set_child_setup (launcher, child_setup, &pg->setup, NULL);
  g_subprocess_launcher_set_stdout_file_path (launcher, log);
  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  pg->postmaster = g_subprocess_launcher_spawn (
      launcher, &error, postgres, "-D", pg->data, "-p", port, "-k", pg->dir, "-c",
      "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c",
      "full_page_writes=off", "-c", "max_connections=200", NULL);
  g_assert_no_error (error);

  for (int i = 0; i < 500 && PQping (conninfo) != PQPING_OK; i++)
    g_usleep (20 * 1000);
  g_assert_cmpint (PQping (conninfo), ==, PQPING_OK);
}

CtPostgres *
ct_postgres_start (void)
{
  CtPostgres *pg = g_new0 (CtPostgres, 1);
  g_autofree char *initdb = NULL;
  g_autofree char *out = NULL;

  pg->dir = ct_make_tmpdir ("carrete-pg-XXXXXX");
  pg->data = g_build_filename (pg->dir, "data", NULL);
  pg->bindir = postgres_bindir ();
  pg->port = ct_free_port ();
  pg->setup.death_signal = SIGQUIT; /* immediate shutdown if we die */
  if (getuid () == 0)
    {
      /* initdb refuses root: the cluster belongs to the postgres account. */
      struct passwd *pw = getpwnam ("postgres");
      g_assert_nonnull (pw);
      pg->setup.switch_user = TRUE;
      pg->setup.uid = pw->pw_uid;
      pg->setup.gid = pw->pw_gid;
      g_assert_no_errno (chown (pg->dir, pw->pw_uid, pw->pw_gid));
    }
  initdb = g_build_filename (pg->bindir, "initdb", NULL);
  {
    const char *as_root[] = { "runuser", "-u", "postgres", "--", initdb, "-D", pg->data, "-U",
                              "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8",
                              "--no-sync", NULL };
    out = ct_run (pg->setup.switch_user ? as_root : as_root + 4);
  }
  postgres_launch (pg);
  return pg;
}

void
ct_postgres_stop (CtPostgres *pg)
{
  if (pg->postmaster == NULL)
    return;
  g_subprocess_send_signal (pg->postmaster, SIGINT); /* fast shutdown */
  g_subprocess_wait (pg->postmaster, NULL, NULL);
  g_clear_object (&pg->postmaster);
}

/* `action` is -I (insert) or -D (delete) for both directions' rules. */
static gboolean
vanish_rules (CtPostgres *pg, const char *action)
{
  g_autofree char *port = g_strdup_printf ("%u", pg->port);
  g_autofree char *tag = g_strdup_printf ("carrete-test-vanish-%u", pg->port);
  const char *directions[] = { "--dport", "--sport" };
  gboolean ok = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (directions); i++)
    {
      const char *argv[] = { "iptables", "-w", action, "INPUT", "-i", "lo", "-p", "tcp",
                             directions[i], port, "-m", "comment", "--comment", tag,
                             "-j", "DROP", NULL };
      int status = -1;

      if (!g_spawn_sync (NULL, (char **) argv, NULL,
                         G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                         NULL, NULL, NULL, NULL, &status, NULL)
          || !g_spawn_check_wait_status (status, NULL))
        ok = FALSE;
    }
  return ok;
}

gboolean
ct_postgres_vanish (CtPostgres *pg)
{
  if (geteuid () != 0 || !vanish_rules (pg, "-I"))
    {
      vanish_rules (pg, "-D"); /* whichever half went in */
      return FALSE;
    }
  pg->vanished = TRUE;
  return TRUE;
}

void
ct_postgres_reappear (CtPostgres *pg)
{
  if (!pg->vanished)
    return;
  g_assert_true (vanish_rules (pg, "-D"));
  pg->vanished = FALSE;
}

void
ct_postgres_restart (CtPostgres *pg)
{
  g_assert_null (pg->postmaster);
  postgres_launch (pg);
}

void
ct_postgres_free (CtPostgres *pg)
{
  if (pg == NULL)
    return;
  ct_postgres_reappear (pg);
  ct_postgres_stop (pg);
  ct_remove_tree (pg->dir);
  g_free (pg->dir);
  g_free (pg->data);
  g_free (pg->bindir);
  g_free (pg);
}

PGconn *
ct_postgres_connect (CtPostgres *pg, const char *database)
{
  g_autofree char *conninfo = postgres_conninfo (pg, database);
  PGconn *conn = PQconnectdb (conninfo);

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  return conn;
}

void
ct_postgres_exec (PGconn *conn, const char *sql)
{
  PGresult *res = PQexec (conn, sql);

  if (PQresultStatus (res) != PGRES_TUPLES_OK && PQresultStatus (res) != PGRES_COMMAND_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (res));
  PQclear (res);
}

gboolean
ct_postgres_lock_waiters_become (CtPostgres *pg, const char *database, const char *application_name,
                                 const char *query_part, guint count, guint timeout_ms)
{
  PGconn *conn = ct_postgres_connect (pg, database);
  g_autofree char *wanted = g_strdup_printf ("%u", count);
  const char *params[] = { application_name, query_part };
  gboolean reached = FALSE;

  for (guint waited = 0; !reached && waited <= timeout_ms; waited += 20)
    {
      PGresult *res = PQexecParams (
          conn,
          "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
          " AND application_name = $1 AND state = 'active' AND wait_event_type = 'Lock'"
          " AND ($2::text IS NULL OR strpos (query, $2) > 0)",
          2, NULL, params, NULL, NULL, 0);

      if (PQresultStatus (res) != PGRES_TUPLES_OK)
        g_error ("pg_stat_activity: %s", PQresultErrorMessage (res));
      reached = g_str_equal (PQgetvalue (res, 0, 0), wanted);
      PQclear (res);
      if (!reached)
        g_usleep (20 * 1000);
    }
  PQfinish (conn);
  return reached;
}

void
ct_assert_hang_up_cancels (CtPostgres *pg, const char *database, const char *table,
                           const char *application_name, const char *query_part,
                           const char *base_url, const char *path, const char *bearer)
{
  PGconn *locker = ct_postgres_connect (pg, database);
  g_autofree char *lock = g_strdup_printf ("LOCK TABLE %s IN ACCESS EXCLUSIVE MODE", table);

  ct_postgres_exec (locker, "BEGIN");
  ct_postgres_exec (locker, lock);
  {
    g_autoptr (GSocketConnection) hung = ct_http_send_only (base_url, "GET", path, bearer);

    g_assert_true (
        ct_postgres_lock_waiters_become (pg, database, application_name, query_part, 1, 3000));
    g_io_stream_close (G_IO_STREAM (hung), NULL, NULL);
  }
  /* The lock is still held: only a cancel can have ended the statement. */
  g_assert_true (
      ct_postgres_lock_waiters_become (pg, database, application_name, query_part, 0, 2000));
  ct_postgres_exec (locker, "ROLLBACK");
  PQfinish (locker);
}

char *
ct_postgres_query (CtPostgres *pg, const char *database, const char *sql)
{
  return ct_postgres_query_param (pg, database, sql, NULL);
}

char *
ct_postgres_query_param (CtPostgres *pg, const char *database, const char *sql,
                         const char *param)
{
  g_autofree char *conninfo = postgres_conninfo (pg, database);
  PGconn *conn = PQconnectdb (conninfo);
  PGresult *res;
  char *value = NULL;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  res = PQexecParams (conn, sql, param != NULL ? 1 : 0, NULL, &param, NULL, NULL, 0);
  if (PQresultStatus (res) != PGRES_TUPLES_OK && PQresultStatus (res) != PGRES_COMMAND_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (res));
  if (PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) > 0)
    value = g_strdup (PQgetvalue (res, 0, 0));
  PQclear (res);
  PQfinish (conn);
  return value;
}

char *
ct_postgres_create_database (CtPostgres *pg, const char *name)
{
  g_autofree char *role = g_strdup_printf ("CREATE ROLE %s LOGIN", name);
  g_autofree char *db = g_strdup_printf ("CREATE DATABASE %s OWNER %s", name, name);
  g_autofree char *r1 = ct_postgres_query (pg, "postgres", role);
  g_autofree char *r2 = ct_postgres_query (pg, "postgres", db);

  return g_strdup_printf ("postgresql://%s@127.0.0.1:%u/%s", name, pg->port, name);
}

/* ---- keys ------------------------------------------------------------------ */

CtKeys *
ct_keys_new (void)
{
  CtKeys *keys = g_new0 (CtKeys, 1);
  g_autofree char *hex = NULL;

  keys->dir = ct_make_tmpdir ("carrete-keys-XXXXXX");
  keys->jwt_private = g_build_filename (keys->dir, "jwt-private.pem", NULL);
  keys->jwt_public = g_build_filename (keys->dir, "jwt-public.pem", NULL);
  keys->id_key = g_build_filename (keys->dir, "id.key", NULL);
  {
    const char *gen[] = { "openssl", "ecparam", "-genkey", "-name", "prime256v1", "-noout",
                          "-out", keys->jwt_private, NULL };
    const char *pub[] = { "openssl", "ec", "-in", keys->jwt_private, "-pubout", "-out",
                          keys->jwt_public, NULL };
    const char *rand[] = { "openssl", "rand", "-hex", "32", NULL };
    g_free (ct_run (gen));
    g_free (ct_run (pub));
    hex = ct_run (rand);
  }
  g_assert_true (g_file_set_contents (keys->id_key, hex, -1, NULL));
  return keys;
}

void
ct_keys_free (CtKeys *keys)
{
  if (keys == NULL)
    return;
  ct_remove_tree (keys->dir);
  g_free (keys->dir);
  g_free (keys->jwt_private);
  g_free (keys->jwt_public);
  g_free (keys->id_key);
  g_free (keys);
}

/* ---- services ---------------------------------------------------------------- */

struct _CtService
{
  char *url;
  char *log_path;
  GSubprocess *process;
  ChildSetup setup;
};

/* Sanitizer and GLib debugging settings travel from the test environment
 * to the services under test. */
static const char *const passthrough[] = { "ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS",
                                           "G_SLICE", "G_DEBUG", "PATH", NULL };

static GSubprocessLauncher *
service_launcher (const char *const *env, ChildSetup *setup, GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);
  g_auto (GStrv) clean = NULL;

  g_subprocess_launcher_set_environ (launcher, (char **) (const char *const[]) { NULL });
  for (guint i = 0; passthrough[i] != NULL; i++)
    if (g_getenv (passthrough[i]) != NULL)
      g_subprocess_launcher_setenv (launcher, passthrough[i], g_getenv (passthrough[i]), TRUE);
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_auto (GStrv) kv = g_strsplit (env[i], "=", 2);
      g_subprocess_launcher_setenv (launcher, kv[0], kv[1] != NULL ? kv[1] : "", TRUE);
    }
  setup->death_signal = SIGTERM;
  g_subprocess_launcher_set_child_setup (launcher, child_setup, setup, NULL);
  return launcher;
}

CtService *
ct_service_start (const char *binary, const char *const *env)
{
  return ct_service_start_at (binary, env, ct_free_port ());
}

CtService *
ct_service_start_at (const char *binary, const char *const *env, guint16 port)
{
  return ct_service_start_command (binary, "serve", env, port);
}

CtService *
ct_service_start_command (const char *binary, const char *command, const char *const *env,
                          guint16 port)
{
  CtService *service = g_new0 (CtService, 1);
  g_autoptr (GSubprocessLauncher) launcher = service_launcher (env, &service->setup,
                                                               G_SUBPROCESS_FLAGS_NONE);
  g_autoptr (GError) error = NULL;
  g_autofree char *listen = NULL;
  int fd;

  /* A service that must know its own address beforehand (its URLs point at
   * itself) is given CARRETE_LISTEN; the others get `port`. */
  for (guint i = 0; env != NULL && env[i] != NULL && listen == NULL; i++)
    if (g_str_has_prefix (env[i], "CARRETE_LISTEN="))
      listen = g_strdup (env[i] + strlen ("CARRETE_LISTEN="));
  if (listen == NULL)
    listen = g_strdup_printf ("127.0.0.1:%u", port);
  g_subprocess_launcher_setenv (launcher, "CARRETE_LISTEN", listen, TRUE);
  service->url = g_strdup_printf ("http://%s", listen);
  fd = g_file_open_tmp ("carrete-service-XXXXXX.log", &service->log_path, &error);
  g_assert_no_error (error);
  close (fd);
  g_subprocess_launcher_set_stdout_file_path (launcher, service->log_path);
  g_subprocess_launcher_set_stderr_file_path (launcher, service->log_path);
  service->process = g_subprocess_launcher_spawn (launcher, &error, binary, command, NULL);
  g_assert_no_error (error);

  for (int i = 0; i < 1000; i++)
    {
      g_autoptr (CtResponse) health = NULL;
      if (g_subprocess_get_identifier (service->process) == NULL)
        break; /* exited */
      health = ct_http (service->url, "GET", "/healthz", NULL, NULL);
      if (health->status == 200)
        return service;
      g_usleep (10 * 1000);
    }
  {
    g_autofree char *output = ct_service_output (service);
    g_error ("%s did not become healthy:\n%s", binary, output);
  }
}

const char *
ct_service_url (CtService *service)
{
  return service->url;
}

GPid
ct_service_pid (CtService *service)
{
  const char *id = g_subprocess_get_identifier (service->process);
  return id != NULL ? (GPid) g_ascii_strtoll (id, NULL, 10) : 0;
}

char *
ct_service_output (CtService *service)
{
  char *contents = NULL;

  if (!g_file_get_contents (service->log_path, &contents, NULL, NULL))
    return g_strdup ("");
  return contents;
}

/* A sanitizer report in the log fails the test even when the process that
 * wrote it is not the service itself (a child it ran, such as the image
 * decoder, whose exit status nobody else sees). */
static void
assert_no_sanitizer_report (CtService *service)
{
  static const char *const reports[]
      = { "ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:" };
  g_autofree char *output = ct_service_output (service);

  for (guint i = 0; i < G_N_ELEMENTS (reports); i++)
    if (strstr (output, reports[i]) != NULL)
      g_error ("a process of the service reported \"%s\":\n%s", reports[i], output);
}

void
ct_service_stop (CtService *service)
{
  if (service->process == NULL)
    return;
  g_subprocess_send_signal (service->process, SIGTERM);
  g_subprocess_wait (service->process, NULL, NULL);
  if (!g_subprocess_get_if_exited (service->process)
      || g_subprocess_get_exit_status (service->process) != 0)
    {
      g_autofree char *output = ct_service_output (service);
      g_error ("service did not exit cleanly (%s %d):\n%s",
               g_subprocess_get_if_exited (service->process) ? "status" : "signal",
               g_subprocess_get_if_exited (service->process)
                   ? g_subprocess_get_exit_status (service->process)
                   : g_subprocess_get_term_sig (service->process),
               output);
    }
  g_clear_object (&service->process);
  assert_no_sanitizer_report (service);
}

void
ct_service_kill (CtService *service)
{
  if (service->process == NULL)
    return;
  g_subprocess_force_exit (service->process);
  g_subprocess_wait (service->process, NULL, NULL);
  g_clear_object (&service->process);
}

void
ct_service_free (CtService *service)
{
  if (service == NULL)
    return;
  ct_service_stop (service);
  g_unlink (service->log_path);
  g_free (service->log_path);
  g_free (service->url);
  g_free (service);
}

int
ct_command (const char *binary, const char *const *args, const char *const *env, char **output)
{
  ChildSetup setup = { 0 };
  g_autoptr (GSubprocessLauncher) launcher = service_launcher (
      env, &setup, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;

  g_ptr_array_add (argv, (gpointer) binary);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, output, NULL, &error);
  g_assert_no_error (error);
  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

/* ---- users ------------------------------------------------------------------------- */

void
ct_user_free (CtUser *user)
{
  if (user == NULL)
    return;
  g_free (user->name);
  g_free (user->id);
  g_free (user->token);
  g_free (user);
}

/* ---- HTTP ------------------------------------------------------------------------ */

static SoupSession *
session (void)
{
  static SoupSession *shared = NULL;

  if (shared == NULL)
    shared = soup_session_new_with_options ("timeout", 60, "max-conns", 64,
                                            "max-conns-per-host", 64, NULL);
  return shared;
}

/* Fills response->json when the body is JSON. */
static void
parse_json_body (CtResponse *response)
{
  const char *type = soup_message_headers_get_content_type (response->headers, NULL);

  if (type != NULL && strstr (type, "json") != NULL)
    {
      /* The body is not NUL-terminated: parse it with its length. */
      g_autoptr (JsonParser) parser = json_parser_new ();
      gsize len = 0;
      const char *data = g_bytes_get_data (response->body, &len);

      if (len > 0 && json_parser_load_from_data (parser, data, (gssize) len, NULL)
          && json_parser_get_root (parser) != NULL)
        response->json = json_node_copy (json_parser_get_root (parser));
    }
}

static CtResponse *http_send (SoupMessage *msg);

CtResponse *
ct_http_raw (const char *base_url, const char *method, const char *path,
             const char *const *headers, const char *content_type, GBytes *body)
{
  g_autofree char *url = g_strconcat (base_url, path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);

  g_assert_nonnull (msg);
  for (guint i = 0; headers != NULL && headers[i] != NULL; i++)
    {
      g_auto (GStrv) kv = g_strsplit (headers[i], ": ", 2);
      soup_message_headers_replace (soup_message_get_request_headers (msg), kv[0], kv[1]);
    }
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, content_type, body);
  return http_send (msg);
}

CtResponse *
ct_http_unfollowed (const char *base_url, const char *path)
{
  g_autofree char *url = g_strconcat (base_url, path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);

  g_assert_nonnull (msg);
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  return http_send (msg);
}

static CtResponse *
http_send (SoupMessage *msg)
{
  g_autoptr (GError) error = NULL;
  CtResponse *response = g_new0 (CtResponse, 1);

  response->body = soup_session_send_and_read (session (), msg, NULL, &error);
  if (response->body == NULL)
    {
      /* Connection refused or reset: report as status 0. */
      response->body = g_bytes_new (NULL, 0);
      return response;
    }
  response->status = soup_message_get_status (msg);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  parse_json_body (response);
  return response;
}

CtResponse *
ct_http (const char *base_url, const char *method, const char *path, const char *bearer,
         const char *json_body)
{
  g_autofree char *auth = bearer != NULL ? g_strdup_printf ("Authorization: Bearer %s", bearer)
                                         : NULL;
  const char *headers[] = { auth, NULL };
  g_autoptr (GBytes) body = json_body != NULL ? g_bytes_new (json_body, strlen (json_body)) : NULL;

  return ct_http_raw (base_url, method, path, headers, "application/json", body);
}

GSocketConnection *
ct_connect (const char *base_url, char **host_header)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GUri) uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, &error);
  GSocketConnection *connection;

  g_assert_no_error (error);
  connection = g_socket_client_connect_to_host (client, g_uri_get_host (uri),
                                                (guint16)g_uri_get_port (uri), NULL, &error);
  g_assert_no_error (error);
  *host_header = g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri));
  return connection;
}

/* The status line and headers of an answer read from `in` (CRLF lines up
 * to the empty one) into `response`; FALSE when none came. */
static gboolean
read_answer_head (GDataInputStream *in, CtResponse *response)
{
  g_autoptr (GString) head = g_string_new (NULL);
  g_autoptr (GError) error = NULL;

  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (in, NULL, NULL, &error);

      if (line == NULL)
        break;
      g_string_append_printf (head, "%s\n", line); /* the line keeps its CR */
      if (line[0] == '\r' || line[0] == '\0')
        break;
    }
  g_test_message ("before the body: %.*s", (int) strcspn (head->str, "\r"),
                  head->len > 0   ? head->str
                  : error != NULL ? error->message
                                  : "the end of the stream");
  response->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  return head->len > 0
         && soup_headers_parse_response (head->str, (int) head->len, response->headers, NULL,
                                         &response->status, NULL);
}

CtResponse *
ct_answer_before_body (const char *base_url, const char *path, const char *bearer,
                       const char *content_type, gsize declared, GBytes *first)
{
  g_autofree char *host = NULL;
  g_autoptr (GSocketConnection) connection = ct_connect (base_url, &host);
  g_autofree char *auth
      = bearer != NULL ? g_strdup_printf ("Authorization: Bearer %s\r\n", bearer) : g_strdup ("");
  g_autofree char *head = g_strdup_printf ("POST %s HTTP/1.1\r\nHost: %s\r\n%sContent-Type: %s\r\n"
                                           "Content-Length: %zu\r\n\r\n",
                                           path, host, auth, content_type, declared);
  gsize zero_len = MIN (declared, 1024);
  g_autoptr (GBytes) zeros
      = first == NULL ? g_bytes_new_take (g_malloc0 (zero_len), zero_len) : NULL;
  GBytes *sent = first != NULL ? first : zeros;
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autoptr (GDataInputStream) in
      = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  g_autoptr (GError) error = NULL;
  CtResponse *response = g_new0 (CtResponse, 1);
  goffset length;
  guint8 *body;
  gsize got = 0;

  g_assert_cmpuint (g_bytes_get_size (sent), <=, declared);
  g_assert_true (g_output_stream_write_all (out, head, strlen (head), NULL, NULL, &error));
  g_assert_true (g_output_stream_write_all (out, g_bytes_get_data (sent, NULL),
                                            g_bytes_get_size (sent), NULL, NULL, &error));
  g_socket_set_timeout (g_socket_connection_get_socket (connection), 3);
  if (!read_answer_head (in, response))
    {
      response->status = 0;
      response->body = g_bytes_new (NULL, 0);
      return response;
    }
  length = soup_message_headers_get_content_length (response->headers);
  body = g_malloc (length);
  g_input_stream_read_all (G_INPUT_STREAM (in), body, length, &got, NULL, NULL);
  response->body = g_bytes_new_take (body, got);
  parse_json_body (response);
  return response;
}

CtResponse *
ct_raw_exchange (const char *base_url, const char *request, gsize len, gboolean *closed)
{
  g_autofree char *host = NULL;
  g_autoptr (GSocketConnection) connection = ct_connect (base_url, &host);
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autoptr (GDataInputStream) in
      = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  g_autoptr (GError) error = NULL;
  CtResponse *response = g_new0 (CtResponse, 1);
  goffset length = 0;
  guint8 *body;
  gsize got = 0;
  guint8 more;
  gssize after;

  g_assert_true (g_output_stream_write_all (out, request, len, NULL, NULL, &error));
  g_socket_set_timeout (g_socket_connection_get_socket (connection), 3);
  if (!read_answer_head (in, response))
    {
      response->status = 0;
      response->body = g_bytes_new (NULL, 0);
      *closed = TRUE;
      return response;
    }
  if (soup_message_headers_get_encoding (response->headers) == SOUP_ENCODING_CONTENT_LENGTH)
    length = soup_message_headers_get_content_length (response->headers);
  body = g_malloc (length + 1);
  g_input_stream_read_all (G_INPUT_STREAM (in), body, length, &got, NULL, NULL);
  response->body = g_bytes_new_take (body, got);
  parse_json_body (response);
  /* Closed: the end of the stream (or a reset), not a timeout. */
  after = g_input_stream_read (G_INPUT_STREAM (in), &more, 1, NULL, &error);
  *closed = after == 0 || (after < 0 && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT));
  return response;
}

guint
ct_status_before_body (const char *base_url, const char *path, const char *bearer,
                       const char *content_type, gsize declared)
{
  CtResponse *response
      = ct_answer_before_body (base_url, path, bearer, content_type, declared, NULL);
  guint status = response->status;

  ct_response_free (response);
  return status;
}

GSocketConnection *
ct_http_send_only (const char *base_url, const char *method, const char *path, const char *bearer)
{
  g_autofree char *host = NULL;
  GSocketConnection *connection = ct_connect (base_url, &host);
  g_autofree char *authorization
      = bearer != NULL ? g_strdup_printf ("Authorization: Bearer %s\r\n", bearer) : g_strdup ("");
  g_autofree char *head
      = g_strdup_printf ("%s %s HTTP/1.1\r\nHost: %s\r\n%s\r\n", method, path, host, authorization);
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autoptr (GError) error = NULL;

  g_assert_true (g_output_stream_write_all (out, head, strlen (head), NULL, NULL, &error));
  g_assert_no_error (error);
  return connection;
}

typedef struct
{
  char *url;
  char *authorization;
  char *content_type;
  GBytes *body;
  guint status;
  gint sent; /* atomic: the request body has left the client */
  GThread *thread;
} ParallelJob;

struct _CtParallel
{
  guint n;
  gboolean joined;
  ParallelJob *jobs;
};

static void
on_wrote_body (SoupMessage *msg, gpointer user_data)
{
  ParallelJob *job = user_data;
  g_atomic_int_set (&job->sent, 1);
}

/* Each thread has its own context and session: a SoupSession is not shared
 * across threads. */
static gpointer
post_in_thread (gpointer data)
{
  ParallelJob *job = data;
  g_autoptr (GMainContext) context = g_main_context_new ();
  g_autoptr (SoupSession) session = NULL;
  g_autoptr (SoupMessage) msg = soup_message_new ("POST", job->url);
  g_autoptr (GBytes) reply = NULL;
  g_autoptr (GError) error = NULL;

  g_main_context_push_thread_default (context);
  session = soup_session_new_with_options ("timeout", 60, NULL);
  if (job->authorization != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                  job->authorization);
  soup_message_set_request_body_from_bytes (msg, job->content_type, job->body);
  g_signal_connect (msg, "wrote-body", G_CALLBACK (on_wrote_body), job);
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  job->status = reply != NULL ? soup_message_get_status (msg) : 0;
  if (reply == NULL)
    g_test_message ("POST %s: %s", job->url, error->message);
  g_atomic_int_set (&job->sent, 1);
  g_clear_object (&session);
  g_main_context_pop_thread_default (context);
  return NULL;
}

CtParallel *
ct_parallel_post (const char *base_url, const char *path, const char *bearer,
                  const char *content_type, GBytes *body, guint n)
{
  CtParallel *parallel = g_new0 (CtParallel, 1);

  parallel->n = n;
  parallel->jobs = g_new0 (ParallelJob, n);
  for (guint i = 0; i < n; i++)
    {
      ParallelJob *job = &parallel->jobs[i];

      job->url = g_strconcat (base_url, path, NULL);
      job->authorization = bearer != NULL ? g_strconcat ("Bearer ", bearer, NULL) : NULL;
      job->content_type = g_strdup (content_type);
      job->body = g_bytes_ref (body);
      job->thread = g_thread_new ("post", post_in_thread, job);
    }
  return parallel;
}

void
ct_parallel_wait_sent (CtParallel *parallel)
{
  for (guint i = 0; i < parallel->n; i++)
    while (!g_atomic_int_get (&parallel->jobs[i].sent))
      g_usleep (1000);
}

guint
ct_parallel_status (CtParallel *parallel, guint i)
{
  if (!parallel->joined)
    {
      for (guint k = 0; k < parallel->n; k++)
        g_thread_join (parallel->jobs[k].thread);
      parallel->joined = TRUE;
    }
  return parallel->jobs[i].status;
}

void
ct_parallel_free (CtParallel *parallel)
{
  ct_parallel_status (parallel, 0);
  for (guint i = 0; i < parallel->n; i++)
    {
      g_free (parallel->jobs[i].url);
      g_free (parallel->jobs[i].authorization);
      g_free (parallel->jobs[i].content_type);
      g_bytes_unref (parallel->jobs[i].body);
    }
  g_free (parallel->jobs);
  g_free (parallel);
}

CtResponse *
ct_await_thumbnails (const char *base_url, const char *token, const char *id)
{
  g_autofree char *path = g_strconcat ("/v1/photos/", id, NULL);

  for (guint i = 0; i < 600; i++)
    {
      CtResponse *r = ct_http (base_url, "GET", path, token, NULL);

      g_assert_cmpuint (r->status, ==, 200);
      if (g_strcmp0 (ct_response_string (r, "thumbnails"), "pending") != 0)
        return r;
      ct_response_free (r);
      g_usleep (100 * 1000);
    }
  g_error ("the thumbnails of photo %s are still pending after a minute", id);
}

void
ct_response_free (CtResponse *response)
{
  if (response == NULL)
    return;
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_clear_pointer (&response->json, json_node_unref);
  g_free (response);
}

const char *
ct_response_header (CtResponse *response, const char *name)
{
  return response->headers != NULL ? soup_message_headers_get_one (response->headers, name)
                                   : NULL;
}

JsonObject *
ct_response_object (CtResponse *response)
{
  g_assert_nonnull (response->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (response->json));
  return json_node_get_object (response->json);
}

const char *
ct_response_string (CtResponse *response, const char *member)
{
  JsonObject *object = ct_response_object (response);

  g_assert_true (json_object_has_member (object, member));
  return json_object_get_string_member (object, member);
}

static void
append_form_fields (SoupMultipart *form, const char *const *fields)
{
  for (guint i = 0; fields != NULL && fields[i] != NULL && fields[i + 1] != NULL; i += 2)
    soup_multipart_append_form_string (form, fields[i], fields[i + 1]);
}

GBytes *
ct_form_body (const char *const *before, const char *filename, const char *file_type, GBytes *file,
              const char *const *after, char **content_type)
{
  SoupMultipart *form = soup_multipart_new (SOUP_FORM_MIME_TYPE_MULTIPART);
  g_autoptr (SoupMessageHeaders) headers
      = soup_message_headers_new (SOUP_MESSAGE_HEADERS_MULTIPART);
  GBytes *body = NULL;

  append_form_fields (form, before);
  soup_multipart_append_form_file (form, "file", filename, file_type, file);
  append_form_fields (form, after);
  soup_multipart_to_message (form, headers, &body);
  *content_type = g_strdup (soup_message_headers_get_one (headers, "Content-Type"));
  soup_multipart_free (form);
  return body;
}

void
ct_assert_problem (CtResponse *response, guint status, const char *field)
{
  JsonObject *problem;
  JsonArray *errors;
  gboolean found = field == NULL;

  if (response->status != status)
    g_error ("expected %u, got %u: %.*s", status, response->status,
             (int) g_bytes_get_size (response->body),
             (const char *) g_bytes_get_data (response->body, NULL));
  g_assert_cmpstr (soup_message_headers_get_content_type (response->headers, NULL), ==,
                   "application/problem+json");
  problem = ct_response_object (response);
  g_assert_cmpint (json_object_get_int_member (problem, "status"), ==, status);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (problem, "type"),
                                   "urn:carrete:problem:"));
  g_assert_nonnull (json_object_get_string_member (problem, "title"));
  g_assert_nonnull (json_object_get_string_member (problem, "detail"));
  errors = json_object_get_array_member (problem, "errors");
  for (guint i = 0; errors != NULL && i < json_array_get_length (errors); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (errors, i),
                                                  "field"),
                   field)
        == 0)
      found = TRUE;
  if (!found)
    g_error ("no error for field %s in %.*s", field, (int) g_bytes_get_size (response->body),
             (const char *) g_bytes_get_data (response->body, NULL));
  if (status == 401)
    g_assert_true (g_str_has_prefix (ct_response_header (response, "WWW-Authenticate"), "Bearer"));
}

void
ct_assert_same_problem (CtResponse *response, CtResponse *other, guint status)
{
  ct_assert_problem (response, status, NULL);
  ct_assert_problem (other, status, NULL);
  g_assert_cmpstr (ct_response_string (response, "type"), ==, ct_response_string (other, "type"));
  g_assert_cmpstr (ct_response_string (response, "detail"), ==,
                   ct_response_string (other, "detail"));
}

CtOperations *
ct_operations_check (const char *base_url, const char *api_path)
{
  CtOperations *operations = g_new0 (CtOperations, 1);
  JsonObject *paths;

  operations->healthz = ct_http (base_url, "GET", "/healthz", NULL, NULL);
  operations->readyz = ct_http (base_url, "GET", "/readyz", NULL, NULL);
  operations->openapi = ct_http (base_url, "GET", "/openapi.json", NULL, NULL);
  operations->docs = ct_http (base_url, "GET", "/docs", NULL, NULL);
  operations->metrics = ct_http (base_url, "GET", "/metrics", NULL, NULL);

  g_assert_cmpuint (operations->healthz->status, ==, 200);
  g_assert_cmpuint (operations->readyz->status, ==, 200);
  g_assert_cmpstr (ct_response_string (operations->readyz, "status"), ==, "ready");
  g_assert_cmpuint (operations->openapi->status, ==, 200);
  g_assert_true (g_str_has_prefix (ct_response_string (operations->openapi, "openapi"), "3.1"));
  paths = json_object_get_object_member (ct_response_object (operations->openapi), "paths");
  g_assert_nonnull (paths);
  if (api_path != NULL)
    g_assert_true (json_object_has_member (paths, api_path));
  g_assert_cmpuint (operations->docs->status, ==, 200);
  g_assert_true (
      g_str_has_prefix (ct_response_header (operations->docs, "Content-Type"), "text/html"));
  g_assert_cmpuint (operations->metrics->status, ==, 200);
  return operations;
}

void
ct_operations_free (CtOperations *operations)
{
  if (operations == NULL)
    return;
  ct_response_free (operations->healthz);
  ct_response_free (operations->readyz);
  ct_response_free (operations->openapi);
  ct_response_free (operations->docs);
  ct_response_free (operations->metrics);
  g_free (operations);
}

/* An 8x8 PNG. */
static const guint8 tiny_png[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
  0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x08,
  0x08, 0x02, 0x00, 0x00, 0x00, 0x4b, 0x6d, 0x29, 0xdc, 0x00, 0x00, 0x00,
  0x11, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x30, 0x5e, 0x55, 0x8e,
  0x15, 0x31, 0x0c, 0x2d, 0x09, 0x00, 0x25, 0xb7, 0x55, 0x01, 0xd8, 0x80,
  0x0f, 0x10, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42,
  0x60, 0x82,
};

GBytes *
ct_unique_png (const char *label)
{
  static guint counter;
  g_autofree char *text = g_strdup_printf ("%s-%u-%08x", label, ++counter, g_random_int ());
  const char keyword[] = "Comment";
  gsize iend = sizeof tiny_png - 12;
  g_autoptr (GByteArray) chunk = g_byte_array_new ();
  GByteArray *out = g_byte_array_new ();

  /* tEXt: keyword, NUL, text. */
  g_byte_array_append (chunk, (const guint8 *) keyword, sizeof keyword);
  g_byte_array_append (chunk, (const guint8 *) text, strlen (text));
  g_byte_array_append (out, tiny_png, iend);
  ct_png_append_chunk (out, "tEXt", chunk->data, chunk->len);
  g_byte_array_append (out, tiny_png + iend, 12);
  return g_byte_array_free_to_bytes (out);
}

static guint32
crc32_update (guint32 crc, const guint8 *data, gsize length)
{
  crc = ~crc;
  for (gsize i = 0; i < length; i++)
    {
      crc ^= data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
  return ~crc;
}

static void
append_be32 (GByteArray *out, guint32 value)
{
  guint8 bytes[4] = { value >> 24, value >> 16, value >> 8, value };

  g_byte_array_append (out, bytes, 4);
}

/* A valid 1x1 grey PNG with a tEXt chunk of filler (and a random tag so
 * that no two calls give the same bytes). */
GBytes *
ct_png_of_size (gsize size)
{
  static const guint8 head[] = {
    0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 'I',  'H',  'D',  'R',  0,
    0,    0,   1,   0,   0,    0,    1,    8,    0, 0, 0, 0,  0x3a, 0x7e, 0x9b, 0x55,
  };
  static const guint8 idat[] = {
    0,    0,    0,    10,   'I',  'D',  'A',  'T',  0x78, 0x9c, 0x63,
    0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x48, 0xaf, 0xa4, 0x71,
  };
  static const guint8 iend[] = { 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82 };
  GByteArray *out = g_byte_array_new ();
  g_autoptr (GByteArray) chunk = g_byte_array_new ();
  gsize fixed = sizeof head + sizeof idat + sizeof iend + 12 + 8;
  gsize filler = size > fixed + 16 ? size - fixed - 16 : 0;
  g_autofree char *tag = g_strdup_printf ("%08x%08x", g_random_int (), g_random_int ());

  g_byte_array_append (chunk, (const guint8 *)"tEXtComment", 12); /* with the NUL */
  g_byte_array_append (chunk, (const guint8 *) tag, 16);
  g_byte_array_set_size (chunk, chunk->len + filler);
  memset (chunk->data + chunk->len - filler, 'x', filler);
  g_byte_array_append (out, head, sizeof head);
  append_be32 (out, chunk->len - 4);
  g_byte_array_append (out, chunk->data, chunk->len);
  append_be32 (out, crc32_update (0, chunk->data, chunk->len));
  g_byte_array_append (out, idat, sizeof idat);
  g_byte_array_append (out, iend, sizeof iend);
  return g_byte_array_free_to_bytes (out);
}
