#define G_LOG_DOMAIN "carrete-test-client-oidc"

/* carrete-desktop's sign-in through the provider (RFC 8252): the client
 * library's loopback listener, a real Keycloak (tests/harness) and the
 * real carrete-users.  The "system browser" is the tests' own
 * (web-browser.c): it signs in on Keycloak's login page, then follows the
 * redirect to the app's listener, from a thread, as a browser would beside
 * the app. */

#include <glib/gstdio.h>
#include <string.h>

#include "carrete-test-keycloak.h"
#include "client-test-util.h"
#include "users-fixture.h"
#include "web-browser.h"

typedef struct
{
  CtKeycloak *keycloak;
  UsersFixture *users;
} OidcStack;

static OidcStack stack;

static const CtKeycloakUser keycloak_users[] = {
  { "ivy", "ivy@oidc.example.org", TRUE },
  { "jon", "jon@oidc.example.org", TRUE }, /* his email has a password account */
  { "kim", "kim@oidc.example.org", TRUE }, /* a foreign callback comes first */
};

/* ---- the browser ------------------------------------------------------------------------- */

typedef enum
{
  BROWSER_SIGN_IN, /* sign in at Keycloak, follow its redirect */
  BROWSER_REFUSE,  /* the provider sends the user back with error=access_denied */
  BROWSER_FOREIGN, /* a callback with another state first, then sign in */
  BROWSER_NOTHING, /* the user never finishes */
} BrowserPlan;

typedef struct
{
  BrowserPlan plan;
  const char *username;
  char *authorize_url;
  guint foreign_status; /* the listener's answer to the foreign callback */
  guint status;         /* its answer to the real one */
  char *page;
  gboolean opened;
  GThread *thread;
} Browser;

static void
browser_clear (Browser *browser)
{
  g_free (browser->authorize_url);
  g_free (browser->page);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Browser, browser_clear)

static char *
query_param (const char *url, const char *name)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED_QUERY, NULL);
  g_autoptr (GHashTable) params = NULL;

  g_assert_nonnull (uri);
  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
  return g_strdup (g_hash_table_lookup (params, name));
}

/* GET `url` (the app's listener) with a fresh session: its status, and the
 * page in *body. */
static guint
visit (const char *url, char **body)
{
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = soup_session_send_and_read (session, msg, NULL, &error);

  g_assert_no_error (error);
  if (body != NULL)
    *body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  return soup_message_get_status (msg);
}

static char *
redirect_with (const char *authorize_url, const char *query)
{
  g_autofree char *redirect_uri = query_param (authorize_url, "redirect_uri");

  g_assert_true (g_str_has_prefix (redirect_uri, "http://127.0.0.1:"));
  return g_strdup_printf ("%s?%s", redirect_uri, query);
}

static gpointer
browse (gpointer data)
{
  Browser *browser = data;
  g_autofree char *state = query_param (browser->authorize_url, "state");
  g_autofree char *back = NULL;

  if (browser->plan == BROWSER_FOREIGN)
    {
      g_autofree char *foreign = redirect_with (browser->authorize_url, "code=forged&state=other");
      browser->foreign_status = visit (foreign, NULL);
    }
  if (browser->plan == BROWSER_REFUSE)
    {
      g_autofree char *query = g_strdup_printf ("error=access_denied&state=%s", state);
      back = redirect_with (browser->authorize_url, query);
    }
  else
    back = wb_sign_in_at_keycloak (browser->authorize_url, browser->username,
                                   ct_keycloak_password (stack.keycloak, browser->username));
  g_assert_true (g_str_has_prefix (back, "http://127.0.0.1:"));
  browser->status = visit (back, &browser->page);
  return NULL;
}

/* The app's CarreteOpenUri: hands the page to the browser's thread. */
static void
open_in_browser (const char *uri, gpointer user_data)
{
  Browser *browser = user_data;

  g_assert_false (browser->opened);
  browser->opened = TRUE;
  browser->authorize_url = g_strdup (uri);
  g_assert_true (g_str_has_prefix (uri, ct_keycloak_issuer (stack.keycloak)));
  g_assert_nonnull (strstr (uri, "code_challenge_method=S256"));
  if (browser->plan != BROWSER_NOTHING)
    browser->thread = g_thread_new ("browser", browse, browser);
}

static gboolean
sign_in (CarreteClient *client, Browser *browser, GCancellable *cancellable, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  gboolean signed_in;

  carrete_client_sign_in_with_provider_async (client, open_in_browser, browser, cancellable,
                                              ctu_on_result, &result);
  signed_in = carrete_client_sign_in_with_provider_finish (client, ctu_await (&result), error);
  /* The browser has read its page (what the tests check) once it is done. */
  if (browser->thread != NULL)
    g_thread_join (g_steal_pointer (&browser->thread));
  return signed_in;
}

static gboolean
skipped (void)
{
  if (stack.keycloak != NULL)
    return FALSE;
  g_test_skip ("Keycloak is not available (see the test log)");
  return TRUE;
}

static void
count_signal (gpointer instance, gpointer user_data)
{
  (*(guint *)user_data)++;
}

/* ---- tests ------------------------------------------------------------------------------- */

static void
test_first_sign_in_then_again (void)
{
  g_autoptr (CarreteClient) client = NULL;
  g_autoptr (CarreteClient) again = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (Browser) browser = { BROWSER_SIGN_IN, "ivy" };
  g_auto (Browser) second = { BROWSER_SIGN_IN, "ivy" };
  guint tokens_changed = 0;
  g_autofree char *id = NULL;

  if (skipped ())
    return;
  client = carrete_client_new (stack.users->url);
  g_signal_connect (client, "tokens-changed", G_CALLBACK (count_signal), &tokens_changed);
  g_assert_true (sign_in (client, &browser, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (carrete_client_get_signed_in (client));
  g_assert_nonnull (carrete_client_get_refresh_token (client));
  g_assert_cmpuint (tokens_changed, >=, 1);
  g_assert_cmpstr (carrete_user_get_email (carrete_client_get_user (client)), ==,
                   "ivy@oidc.example.org");
  id = g_strdup (carrete_user_get_id (carrete_client_get_user (client)));
  /* The browser was told it may close its page. */
  g_assert_cmpuint (browser.status, ==, 200);
  g_assert_nonnull (strstr (browser.page, "Carrete has your sign-in"));

  /* The session works: /v1/users/me with its tokens. */
  {
    g_autoptr (GAsyncResult) result = NULL;
    g_autoptr (CarreteUser) me = NULL;

    carrete_client_me_async (client, NULL, ctu_on_result, &result);
    me = carrete_client_me_finish (client, ctu_await (&result), &error);
    g_assert_no_error (error);
    g_assert_cmpstr (carrete_user_get_id (me), ==, id);
  }

  /* A second sign-in reaches the same account, not a new one. */
  again = carrete_client_new (stack.users->url);
  g_assert_true (sign_in (again, &second, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (carrete_user_get_id (carrete_client_get_user (again)), ==, id);
}

static void
test_refused_at_provider (void)
{
  g_autoptr (CarreteClient) client = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (Browser) browser = { BROWSER_REFUSE, "ivy" };

  if (skipped ())
    return;
  client = carrete_client_new (stack.users->url);
  g_assert_false (sign_in (client, &browser, NULL, &error));
  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "access_denied"));
  g_assert_false (carrete_client_get_signed_in (client));
  g_assert_cmpuint (browser.status, ==, 200);
  g_assert_nonnull (strstr (browser.page, "not completed"));
}

/* A callback that does not carry this sign-in's state (another page on
 * this machine guessing the port) is turned away and changes nothing. */
static void
test_foreign_callback_ignored (void)
{
  g_autoptr (CarreteClient) client = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (Browser) browser = { BROWSER_FOREIGN, "kim" };

  if (skipped ())
    return;
  client = carrete_client_new (stack.users->url);
  g_assert_true (sign_in (client, &browser, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (browser.foreign_status, ==, 400);
  g_assert_cmpstr (carrete_user_get_email (carrete_client_get_user (client)), ==,
                   "kim@oidc.example.org");
}

static gboolean
cancel_soon (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

/* The user gives up: the sign-in ends at once and its port is closed. */
static void
test_cancelled (void)
{
  g_autoptr (CarreteClient) client = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) refused = NULL;
  g_auto (Browser) browser = { BROWSER_NOTHING, "ivy" };
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *callback = NULL;

  if (skipped ())
    return;
  client = carrete_client_new (stack.users->url);
  g_timeout_add (500, cancel_soon, cancellable);
  g_assert_false (sign_in (client, &browser, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (browser.opened);
  g_assert_false (carrete_client_get_signed_in (client));

  callback = redirect_with (browser.authorize_url, "code=late&state=late");
  msg = soup_message_new ("GET", callback);
  bytes = soup_session_send_and_read (session, msg, NULL, &refused);
  g_assert_null (bytes);
  g_assert_error (refused, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

/* Jon's email has a password account: he is told so, and nothing is made. */
static void
test_email_taken (void)
{
  g_autoptr (CarreteClient) client = NULL;
  g_autoptr (CarreteClient) password_client = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (CarreteUser) registered = NULL;
  g_auto (Browser) browser = { BROWSER_SIGN_IN, "jon" };

  if (skipped ())
    return;
  password_client = carrete_client_new (stack.users->url);
  carrete_client_register_async (password_client, "jon_password", "jon@oidc.example.org",
                                 "correct horse battery", NULL, ctu_on_result, &result);
  registered = carrete_client_register_finish (password_client, ctu_await (&result), &error);
  g_assert_no_error (error);

  client = carrete_client_new (stack.users->url);
  g_assert_false (sign_in (client, &browser, NULL, &error));
  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_CONFLICT);
  g_assert_false (carrete_client_get_signed_in (client));
}

/* A server without a provider says so before any page opens. */
static void
test_not_configured (void)
{
  g_autoptr (CarreteClient) client = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (Browser) browser = { BROWSER_SIGN_IN, "ivy" };
  UsersFixture *plain = users_fixture_start ();

  client = carrete_client_new (plain->url);
  g_assert_false (sign_in (client, &browser, NULL, &error));
  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_NOT_FOUND);
  g_assert_false (browser.opened);
  users_fixture_free (plain);
}

/* `carrete login --sso`: the same sign-in from the command line.  No
 * keyring answers here, so the session lands in the 0600 file. */
static void
test_cli_login_sso (void)
{
  g_autofree char *home = ct_make_tmpdir ("carrete-cli-sso-XXXXXX");
  g_autofree char *cli = g_build_filename (g_getenv ("CARRETE_BUILD_DIR"), "cli", "carrete", NULL);
  g_autofree char *config = g_build_filename (home, "config", NULL);
  g_autofree char *no_bus = g_strdup_printf ("unix:path=%s/no-bus", home);
  g_autofree char *session_file = g_build_filename (config, "carrete", "cli-session.ini", NULL);
  g_autoptr (GSubprocessLauncher) launcher
      = ct_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GDataInputStream) errors = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_auto (Browser) browser = { BROWSER_SIGN_IN, "ivy" };
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *printed;
  GStatBuf st;

  if (skipped ())
    return;
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", no_bus, TRUE);
  g_subprocess_launcher_setenv (launcher, "CARRETE_NO_BROWSER", "1", TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, cli, "--server", stack.users->url,
                                         "login", "--sso", "--json", NULL);
  g_assert_no_error (error);

  /* It says where to sign in, on stderr. */
  errors = g_data_input_stream_new (g_subprocess_get_stderr_pipe (process));
  while (browser.authorize_url == NULL)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (errors, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (g_str_has_prefix (line, ct_keycloak_issuer (stack.keycloak)))
        browser.authorize_url = g_steal_pointer (&line);
    }
  browse (&browser);
  g_assert_cmpuint (browser.status, ==, 200);

  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  printed = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (printed, "username"), ==, "ivy");
  g_assert_cmpstr (json_object_get_string_member (printed, "store"), ==, "file");
  g_assert_cmpint (g_stat (session_file, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  ct_remove_tree (home);
}

static char **
oidc_env (void)
{
  char **env = g_new0 (char *, 4);

  env[0] = g_strconcat ("CARRETE_OIDC_ISSUER=", ct_keycloak_issuer (stack.keycloak), NULL);
  env[1] = g_strconcat ("CARRETE_OIDC_CLIENT_ID=", ct_keycloak_client_id (stack.keycloak), NULL);
  env[2] = g_strconcat (
      "CARRETE_OIDC_CLIENT_SECRET_FILE=", ct_keycloak_secret_file (stack.keycloak), NULL);
  return env;
}

int
main (int argc, char **argv)
{
  g_autofree char *unavailable = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  unavailable = ct_keycloak_unavailable ();
  if (unavailable != NULL)
    g_test_message ("skipping: %s", unavailable);
  else
    {
      g_auto (GStrv) env = NULL;

      stack.keycloak = ct_keycloak_start (keycloak_users, G_N_ELEMENTS (keycloak_users));
      env = oidc_env ();
      stack.users = users_fixture_start_with ((const char *const *)env);
    }
  g_test_add_func ("/client-oidc/first-sign-in-then-again", test_first_sign_in_then_again);
  g_test_add_func ("/client-oidc/refused-at-provider", test_refused_at_provider);
  g_test_add_func ("/client-oidc/foreign-callback-ignored", test_foreign_callback_ignored);
  g_test_add_func ("/client-oidc/cancelled", test_cancelled);
  g_test_add_func ("/client-oidc/email-taken", test_email_taken);
  g_test_add_func ("/client-oidc/not-configured", test_not_configured);
  g_test_add_func ("/client-oidc/cli-login-sso", test_cli_login_sso);
  status = g_test_run ();
  if (stack.users != NULL)
    users_fixture_free (stack.users);
  ct_keycloak_free (stack.keycloak);
  return status;
}
