#define G_LOG_DOMAIN "carrete-test-keycloak"

#include "carrete-test-keycloak.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "carrete-test.h"

#define REALM "carrete"
#define CLIENT_ID "carrete"
/* Keycloak takes one to two minutes to start on a loaded machine. */
#define START_TIMEOUT_SECONDS 300

struct _CtKeycloak
{
  char *dir;
  GSubprocess *process;
  char *issuer;
  char *secret_file;
  GHashTable *passwords; /* username → password */
  double start_seconds;
};

/* ---- where Keycloak and Java are --------------------------------------------- */

static char *
keycloak_home (void)
{
  const char *home = g_getenv ("CARRETE_KEYCLOAK_HOME");
  const char *source = g_getenv ("CARRETE_SOURCE_DIR");

  if (home != NULL)
    return g_strdup (home);
  return g_build_filename (source != NULL ? source : ".", ".cache", "keycloak", NULL);
}

/* A JDK of Java 21 or newer: CARRETE_KEYCLOAK_JAVA_HOME, else one under
 * /usr/lib/jvm whose name says 21 to 99 (as scripts/lib.sh looks). */
static char *
java_home (void)
{
  const char *chosen = g_getenv ("CARRETE_KEYCLOAK_JAVA_HOME");
  g_autoptr (GDir) dir = NULL;
  const char *name;

  if (chosen != NULL)
    return g_strdup (chosen);
  dir = g_dir_open ("/usr/lib/jvm", 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *java = g_build_filename ("/usr/lib/jvm", name, "bin", "java", NULL);
      g_auto (GStrv) parts = g_strsplit (name, "-", -1);
      for (guint i = 0; parts[i] != NULL; i++)
        {
          guint64 major = 0;
          if (g_ascii_string_to_unsigned (parts[i], 10, 21, 99, &major, NULL)
              && g_file_test (java, G_FILE_TEST_IS_EXECUTABLE))
            return g_build_filename ("/usr/lib/jvm", name, NULL);
        }
    }
  return NULL;
}

char *
ct_keycloak_unavailable (void)
{
  g_autofree char *home = keycloak_home ();
  g_autofree char *kc = g_build_filename (home, "bin", "kc.sh", NULL);
  g_autofree char *java = java_home ();

  if (!g_file_test (kc, G_FILE_TEST_IS_EXECUTABLE))
    return g_strdup_printf ("Keycloak is not built in %s (scripts/lib.sh ensure_keycloak)", home);
  if (java == NULL)
    return g_strdup ("Keycloak needs Java 21 or newer: none under /usr/lib/jvm "
                     "(or set CARRETE_KEYCLOAK_JAVA_HOME)");
  return NULL;
}

/* ---- the realm ------------------------------------------------------------------ */

static char *
random_secret (void)
{
  return g_strdup_printf ("%08x%08x%08x%08x", g_random_int (), g_random_int (), g_random_int (),
                          g_random_int ());
}

static void
add_user (JsonBuilder *b, const CtKeycloakUser *user, const char *password)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "username");
  json_builder_add_string_value (b, user->username);
  json_builder_set_member_name (b, "enabled");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "email");
  json_builder_add_string_value (b, user->email);
  json_builder_set_member_name (b, "emailVerified");
  json_builder_add_boolean_value (b, user->email_verified);
  /* Keycloak's default user profile asks for both names at the first
   * sign-in when they are missing. */
  json_builder_set_member_name (b, "firstName");
  json_builder_add_string_value (b, user->username);
  json_builder_set_member_name (b, "lastName");
  json_builder_add_string_value (b, "Prueba");
  json_builder_set_member_name (b, "credentials");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "password");
  json_builder_set_member_name (b, "value");
  json_builder_add_string_value (b, password);
  json_builder_set_member_name (b, "temporary");
  json_builder_add_boolean_value (b, FALSE);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static void
add_client (JsonBuilder *b, const char *secret)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "clientId");
  json_builder_add_string_value (b, CLIENT_ID);
  json_builder_set_member_name (b, "enabled");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "publicClient");
  json_builder_add_boolean_value (b, FALSE);
  json_builder_set_member_name (b, "secret");
  json_builder_add_string_value (b, secret);
  json_builder_set_member_name (b, "standardFlowEnabled");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "directAccessGrantsEnabled");
  json_builder_add_boolean_value (b, FALSE);
  json_builder_set_member_name (b, "redirectUris");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "http://127.0.0.1*");
  json_builder_end_array (b);
  json_builder_set_member_name (b, "attributes");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "pkce.code.challenge.method");
  json_builder_add_string_value (b, "S256");
  /* carrete-web's sign-out sends the browser back to its /login. */
  json_builder_set_member_name (b, "post.logout.redirect.uris");
  json_builder_add_string_value (b, "http://127.0.0.1*");
  json_builder_end_object (b);
  json_builder_end_object (b);
}

static char *
realm_json (CtKeycloak *kc, const char *secret, const CtKeycloakUser *users, guint n_users)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "realm");
  json_builder_add_string_value (b, REALM);
  json_builder_set_member_name (b, "enabled");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "sslRequired");
  json_builder_add_string_value (b, "none");
  json_builder_set_member_name (b, "clients");
  json_builder_begin_array (b);
  add_client (b, secret);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "users");
  json_builder_begin_array (b);
  for (guint i = 0; i < n_users; i++)
    {
      char *password = random_secret ();
      g_hash_table_insert (kc->passwords, g_strdup (users[i].username), password);
      add_user (b, &users[i], password);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

/* ---- starting and stopping ---------------------------------------------------------- */

/* The empty database ensure_keycloak made (schema and master realm: half
 * of a first start), copied into data/h2 when there is one. */
static void
copy_empty_database (const char *home, const char *data)
{
  g_autofree char *from = g_build_filename (home, "carrete-empty-db", NULL);
  g_autofree char *to = g_build_filename (data, "h2", NULL);
  g_autoptr (GDir) dir = g_dir_open (from, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  g_assert_no_errno (g_mkdir_with_parents (to, 0700));
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *src = g_build_filename (from, name, NULL);
      g_autofree char *dst = g_build_filename (to, name, NULL);
      g_autoptr (GFile) src_file = g_file_new_for_path (src);
      g_autoptr (GFile) dst_file = g_file_new_for_path (dst);
      g_autoptr (GError) error = NULL;

      g_file_copy (src_file, dst_file, G_FILE_COPY_NONE, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
    }
}

/* A home of its own in the temporary directory: kc.sh copied (it finds its
 * home from its own path), the built distribution linked, and data/ (the
 * H2 database and the realm to import) fresh. */
static void
make_home (CtKeycloak *kc, const char *realm)
{
  g_autofree char *home = keycloak_home ();
  g_autofree char *import = g_build_filename (kc->dir, "kc", "data", "import", NULL);
  g_autofree char *bin = g_build_filename (kc->dir, "kc", "bin", NULL);
  g_autofree char *kc_src = g_build_filename (home, "bin", "kc.sh", NULL);
  g_autofree char *kc_dst = g_build_filename (bin, "kc.sh", NULL);
  g_autofree char *realm_path = g_build_filename (import, "carrete-realm.json", NULL);
  g_autofree char *script = NULL;
  gsize len = 0;
  const char *linked[] = { "lib", "conf", "themes", "providers", NULL };

  g_assert_no_errno (g_mkdir_with_parents (import, 0700));
  g_assert_no_errno (g_mkdir_with_parents (bin, 0700));
  g_assert_true (g_file_get_contents (kc_src, &script, &len, NULL));
  g_assert_true (
      g_file_set_contents_full (kc_dst, script, (gssize) len, G_FILE_SET_CONTENTS_NONE, 0700, NULL));
  for (guint i = 0; linked[i] != NULL; i++)
    {
      g_autofree char *target = g_build_filename (home, linked[i], NULL);
      g_autofree char *link = g_build_filename (kc->dir, "kc", linked[i], NULL);
      g_assert_no_errno (symlink (target, link));
    }
  g_assert_true (
      g_file_set_contents_full (realm_path, realm, -1, G_FILE_SET_CONTENTS_NONE, 0600, NULL));
  {
    g_autofree char *data = g_build_filename (kc->dir, "kc", "data", NULL);
    copy_empty_database (home, data);
  }
}

static void
launch (CtKeycloak *kc, guint16 port)
{
  g_autoptr (GSubprocessLauncher) launcher = ct_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autofree char *java = java_home ();
  g_autofree char *kc_sh = g_build_filename (kc->dir, "kc", "bin", "kc.sh", NULL);
  g_autofree char *log = g_build_filename (kc->dir, "keycloak.log", NULL);
  g_autofree char *http_port = g_strdup_printf ("--http-port=%u", port);
  g_autofree char *management_port = g_strdup_printf ("--http-management-port=%u", ct_free_port ());
  g_autoptr (GError) error = NULL;

  g_subprocess_launcher_setenv (launcher, "JAVA_HOME", java, TRUE);
  /* Start-up is most of a test run: the quick compiler only. */
  g_subprocess_launcher_setenv (launcher, "JAVA_OPTS_APPEND",
                                "-XX:TieredStopAtLevel=1 -Xshare:auto", TRUE);
  g_subprocess_launcher_set_stdout_file_path (launcher, log);
  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  kc->process = g_subprocess_launcher_spawn (
      launcher, &error, kc_sh, "start", "--optimized", "--http-enabled=true", http_port,
      "--http-host=127.0.0.1", management_port, "--hostname-strict=false", "--import-realm", NULL);
  g_assert_no_error (error);
}

static void
wait_until_ready (CtKeycloak *kc)
{
  g_autofree char *log = g_build_filename (kc->dir, "keycloak.log", NULL);
  gint64 start = g_get_monotonic_time ();

  while (g_get_monotonic_time () - start < START_TIMEOUT_SECONDS * G_USEC_PER_SEC)
    {
      g_autoptr (CtResponse) r
          = ct_http (kc->issuer, "GET", "/.well-known/openid-configuration", NULL, NULL);
      if (r->status == 200)
        {
          kc->start_seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
          g_test_message ("Keycloak served its discovery document after %.1f s", kc->start_seconds);
          return;
        }
      if (g_subprocess_get_identifier (kc->process) == NULL)
        break;
      g_usleep (250 * 1000);
    }
  {
    g_autofree char *output = NULL;
    g_file_get_contents (log, &output, NULL, NULL);
    g_error ("Keycloak did not start:\n%s", output != NULL ? output : "(no log)");
  }
}

CtKeycloak *
ct_keycloak_start (const CtKeycloakUser *users, guint n_users)
{
  CtKeycloak *kc = g_new0 (CtKeycloak, 1);
  g_autofree char *secret = random_secret ();
  g_autofree char *realm = NULL;
  guint16 port = ct_free_port ();

  kc->dir = ct_make_tmpdir ("carrete-keycloak-XXXXXX");
  kc->passwords = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  kc->issuer = g_strdup_printf ("http://127.0.0.1:%u/realms/%s", port, REALM);
  kc->secret_file = g_build_filename (kc->dir, "client-secret", NULL);
  g_assert_true (
      g_file_set_contents_full (kc->secret_file, secret, -1, G_FILE_SET_CONTENTS_NONE, 0600, NULL));
  realm = realm_json (kc, secret, users, n_users);
  make_home (kc, realm);
  launch (kc, port);
  wait_until_ready (kc);
  return kc;
}

void
ct_keycloak_free (CtKeycloak *kc)
{
  if (kc == NULL)
    return;
  if (kc->process != NULL)
    {
      g_subprocess_send_signal (kc->process, SIGTERM);
      g_subprocess_wait (kc->process, NULL, NULL);
      g_object_unref (kc->process);
    }
  ct_remove_tree (kc->dir);
  g_free (kc->dir);
  g_free (kc->issuer);
  g_free (kc->secret_file);
  g_hash_table_unref (kc->passwords);
  g_free (kc);
}

const char *
ct_keycloak_issuer (CtKeycloak *kc)
{
  return kc->issuer;
}

const char *
ct_keycloak_client_id (CtKeycloak *kc)
{
  return CLIENT_ID;
}

const char *
ct_keycloak_secret_file (CtKeycloak *kc)
{
  return kc->secret_file;
}

double
ct_keycloak_start_seconds (CtKeycloak *kc)
{
  return kc->start_seconds;
}

const char *
ct_keycloak_password (CtKeycloak *kc, const char *username)
{
  const char *password = g_hash_table_lookup (kc->passwords, username);

  g_assert_nonnull (password);
  return password;
}
