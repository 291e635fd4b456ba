#define G_LOG_DOMAIN "carrete-test-users-oidc"

/* OpenID Connect sign-in against a real Keycloak (tests/harness
 * carrete-test-keycloak.c), driven through its own login page. */

#include <string.h>

#include "carrete-test-keycloak.h"
#include "users-fixture.h"
#include "web-browser.h"

typedef struct
{
  CtKeycloak *keycloak;
  UsersFixture *users;
  char *redirect_uri; /* a loopback callback, as the desktop app's */
  char *taken_email;  /* bea's email, which a password account has */
} OidcFixture;

static OidcFixture *fx;

static const CtKeycloakUser keycloak_users[] = {
  { "ana", "ana@oidc.example.org", TRUE },
  { "bea", "bea@oidc.example.org", TRUE },  /* her email has a password account */
  { "cai", "cai@oidc.example.org", FALSE }, /* never verified her email */
  { "eli", "eli@oidc.example.org", TRUE },  /* signs in only with a wrong nonce */
  { "fei", "fei@oidc.example.org", TRUE },  /* the desktop app's own PKCE pair */
  { "gus", "gus@oidc.example.org", TRUE },  /* password sign-in off */
  { "hal", "hal@oidc.example.org", TRUE },  /* through carrete-web's pages */
  { "ida", "ida@oidc.example.org", TRUE },  /* signs out of carrete-web */
  { "jo", "jo@oidc.example.org", TRUE },    /* linked on carrete-web's account page */
  { "lu", "lu@oidc.example.org", TRUE },    /* her email has a password account (web) */
};

static void
env_setting (GStrvBuilder *env, const char *name, const char *value)
{
  g_autofree char *setting = g_strconcat (name, "=", value, NULL);
  g_strv_builder_add (env, setting);
}

static char **
oidc_env (CtKeycloak *keycloak, const char *issuer, const char *password_login)
{
  g_autoptr (GStrvBuilder) env = g_strv_builder_new ();

  env_setting (env, "CARRETE_OIDC_ISSUER", issuer);
  env_setting (env, "CARRETE_OIDC_CLIENT_ID", ct_keycloak_client_id (keycloak));
  env_setting (env, "CARRETE_OIDC_CLIENT_SECRET_FILE", ct_keycloak_secret_file (keycloak));
  if (password_login != NULL)
    env_setting (env, "CARRETE_PASSWORD_LOGIN", password_login);
  return g_strv_builder_end (env);
}

static OidcFixture *
fixture_start (void)
{
  OidcFixture *f = g_new0 (OidcFixture, 1);
  g_autofree char *unavailable = ct_keycloak_unavailable ();
  g_auto (GStrv) env = NULL;

  if (unavailable != NULL)
    {
      g_test_message ("skipping: %s", unavailable);
      return f;
    }
  f->keycloak = ct_keycloak_start (keycloak_users, G_N_ELEMENTS (keycloak_users));
  env = oidc_env (f->keycloak, ct_keycloak_issuer (f->keycloak), NULL);
  f->users = users_fixture_start_with ((const char *const *)env);
  f->redirect_uri = g_strdup_printf ("http://127.0.0.1:%u/callback", ct_free_port ());
  f->taken_email = g_strdup ("bea@oidc.example.org");
  return f;
}

static void
fixture_free (OidcFixture *f)
{
  if (f->users != NULL)
    users_fixture_free (f->users);
  ct_keycloak_free (f->keycloak);
  g_free (f->redirect_uri);
  g_free (f->taken_email);
  g_free (f);
}

static gboolean
skipped (void)
{
  if (fx->keycloak != NULL)
    return FALSE;
  g_test_skip ("Keycloak is not available (see the test log)");
  return TRUE;
}

static gint64
count (const char *sql)
{
  g_autofree char *n = ct_postgres_query (fx->users->pg, "carrete_users", sql);
  return g_ascii_strtoll (n, NULL, 10);
}

#define COUNT_USERS "SELECT count(*) FROM users"

/* ---- the flow --------------------------------------------------------------------- */

static char *
start_path (const char *redirect_uri, const char *code_challenge)
{
  g_autofree char *escaped = g_uri_escape_string (redirect_uri, NULL, FALSE);

  if (code_challenge == NULL)
    return g_strdup_printf ("/v1/auth/oidc/start?redirect_uri=%s", escaped);
  return g_strdup_printf ("/v1/auth/oidc/start?redirect_uri=%s&code_challenge=%s", escaped,
                          code_challenge);
}

/* GET /v1/auth/oidc/start on `base_url`: the provider's URL it redirects to. */
static char *
start_at (const char *base_url, const char *code_challenge)
{
  g_autofree char *path = start_path (fx->redirect_uri, code_challenge);
  g_autoptr (CtResponse) r = ct_http_unfollowed (base_url, path);
  const char *location;

  g_assert_cmpuint (r->status, ==, 302);
  location = ct_response_header (r, "Location");
  g_assert_nonnull (location);
  g_assert_true (g_str_has_prefix (location, ct_keycloak_issuer (fx->keycloak)));
  g_assert_nonnull (strstr (location, "code_challenge_method=S256"));
  g_assert_nonnull (strstr (location, "&nonce="));
  g_assert_cmpstr (ct_response_string (r, "authorization_url"), ==, location);
  return g_strdup (location);
}

/* One query parameter of a URL, decoded. */
static char *
query_param (const char *url, const char *name)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED_QUERY, NULL);
  g_autoptr (GHashTable) params = NULL;

  g_assert_nonnull (uri);
  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
  g_assert_nonnull (params);
  return g_strdup (g_hash_table_lookup (params, name));
}

/* Signs `username` in through Keycloak's own login page: where it sends
 * the browser back to (our callback, with code and state). */
static char *
sign_in_at_provider_to (const char *authorize_url, const char *username)
{
  return wb_sign_in_at_keycloak (authorize_url, username,
                                 ct_keycloak_password (fx->keycloak, username));
}

static void
sign_in_at_provider (const char *authorize_url, const char *username, char **code, char **state)
{
  g_autofree char *back = sign_in_at_provider_to (authorize_url, username);

  g_assert_true (g_str_has_prefix (back, fx->redirect_uri));
  *code = query_param (back, "code");
  *state = query_param (back, "state");
  g_assert_nonnull (*code);
  g_assert_nonnull (*state);
}

static char *
callback_body (const char *code, const char *state, const char *verifier, const char *password)
{
  g_autoptr (GString) body = g_string_new (NULL);

  g_string_append_printf (body, "{\"code\":\"%s\",\"state\":\"%s\"", code, state);
  if (verifier != NULL)
    g_string_append_printf (body, ",\"code_verifier\":\"%s\"", verifier);
  if (password != NULL)
    g_string_append_printf (body, ",\"password\":\"%s\"", password);
  g_string_append_c (body, '}');
  return g_string_free (g_steal_pointer (&body), FALSE);
}

static CtResponse *
callback (const char *base_url, const char *code, const char *state)
{
  g_autofree char *body = callback_body (code, state, NULL, NULL);
  return ct_http (base_url, "POST", "/v1/auth/oidc/callback", NULL, body);
}

/* The whole flow for `username` on `base_url`: the callback's answer. */
static CtResponse *
full_flow (const char *base_url, const char *username)
{
  g_autofree char *url = start_at (base_url, NULL);
  g_autofree char *code = NULL, *state = NULL;

  sign_in_at_provider (url, username, &code, &state);
  return callback (base_url, code, state);
}

/* GET /v1/users/me with the session's access token. */
static CtResponse *
me (const char *base_url, CtResponse *session)
{
  return ct_http (base_url, "GET", "/v1/users/me", ct_response_string (session, "access_token"),
                  NULL);
}

/* ---- tests ----------------------------------------------------------------------- */

static void
test_first_sign_in_creates_then_signs_in (void)
{
  gint64 before;
  g_autoptr (CtResponse) first = NULL;
  g_autoptr (CtResponse) again = NULL;
  g_autoptr (CtResponse) who = NULL;
  g_autoptr (CtResponse) who_again = NULL;

  if (skipped ())
    return;
  before = count (COUNT_USERS);
  first = full_flow (fx->users->url, "ana");
  g_assert_cmpuint (first->status, ==, 200);
  g_assert_nonnull (ct_response_string (first, "access_token"));
  g_assert_nonnull (ct_response_string (first, "refresh_token"));
  g_assert_cmpint (count (COUNT_USERS), ==, before + 1);
  who = me (fx->users->url, first);
  g_assert_cmpuint (who->status, ==, 200);
  g_assert_cmpstr (ct_response_string (who, "username"), ==, "ana");
  g_assert_cmpstr (ct_response_string (who, "email"), ==, "ana@oidc.example.org");
  g_assert_cmpint (count ("SELECT count(*) FROM oidc_identities"), ==, 1);

  /* The second time signs in to the same account. */
  again = full_flow (fx->users->url, "ana");
  g_assert_cmpuint (again->status, ==, 200);
  who_again = me (fx->users->url, again);
  g_assert_cmpstr (ct_response_string (who_again, "id"), ==, ct_response_string (who, "id"));
  g_assert_cmpint (count (COUNT_USERS), ==, before + 1);
  /* The refresh token works as a login's does. */
  {
    g_autofree char *body = g_strdup_printf ("{\"refresh_token\":\"%s\"}",
                                             ct_response_string (again, "refresh_token"));
    g_autoptr (CtResponse) refreshed
        = ct_http (fx->users->url, "POST", "/v1/auth/refresh", NULL, body);
    g_assert_cmpuint (refreshed->status, ==, 200);
  }
}

static void
test_replayed_state_and_code (void)
{
  g_autofree char *url = NULL;
  g_autofree char *code = NULL, *state = NULL;
  g_autofree char *url2 = NULL, *code2 = NULL, *state2 = NULL;
  g_autoptr (CtResponse) ok = NULL;
  g_autoptr (CtResponse) replay = NULL;
  g_autoptr (CtResponse) code_replay = NULL;
  g_autoptr (CtResponse) again = NULL;
  gint64 tokens;

  if (skipped ())
    return;
  url = start_at (fx->users->url, NULL);
  sign_in_at_provider (url, "ana", &code, &state);
  ok = callback (fx->users->url, code, state);
  g_assert_cmpuint (ok->status, ==, 200);
  tokens = count ("SELECT count(*) FROM refresh_tokens");

  /* The same answer again: its state was used. */
  replay = callback (fx->users->url, code, state);
  ct_assert_problem (replay, 400, "state");

  /* The used code with a fresh state: the provider refuses it. */
  url2 = start_at (fx->users->url, NULL);
  sign_in_at_provider (url2, "ana", &code2, &state2);
  code_replay = callback (fx->users->url, code, state2);
  ct_assert_problem (code_replay, 400, "code");
  /* That spent state2 too: a state is good for one try. */
  again = callback (fx->users->url, code2, state2);
  ct_assert_problem (again, 400, "state");
  g_assert_cmpint (count ("SELECT count(*) FROM refresh_tokens"), ==, tokens);
}

static void
test_wrong_state (void)
{
  g_autoptr (CtResponse) unknown = NULL;
  g_autoptr (CtResponse) garbage = NULL;
  g_autoptr (CtResponse) missing = NULL;

  if (skipped ())
    return;
  unknown = callback (fx->users->url, "some-code", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  ct_assert_problem (unknown, 400, "state");
  garbage = callback (fx->users->url, "some-code", "not a state");
  ct_assert_problem (garbage, 400, "state");
  missing = ct_http (fx->users->url, "POST", "/v1/auth/oidc/callback", NULL, "{\"code\":\"x\"}");
  g_assert_cmpuint (missing->status, >=, 400);
  g_assert_cmpuint (missing->status, <, 500);
}

static void
test_wrong_nonce (void)
{
  g_autofree char *url = NULL;
  g_autofree char *nonce = NULL;
  g_autofree char *tampered = NULL;
  g_autofree char *code = NULL, *state = NULL;
  g_autoptr (CtResponse) r = NULL;
  gint64 before;
  GString *swap;

  if (skipped ())
    return;
  before = count (COUNT_USERS);
  url = start_at (fx->users->url, NULL);
  nonce = query_param (url, "nonce");
  /* The provider is asked for another nonce than the one we keep: its ID
   * token then carries a nonce this sign-in never made. */
  swap = g_string_new (url);
  g_string_replace (swap, nonce, "an-attackers-nonce", 1);
  tampered = g_string_free (swap, FALSE);
  sign_in_at_provider (tampered, "eli", &code, &state);
  r = callback (fx->users->url, code, state);
  ct_assert_problem (r, 401, NULL);
  g_assert_nonnull (strstr (ct_response_string (r, "detail"), "nonce"));
  g_assert_cmpint (count (COUNT_USERS), ==, before);
}

static void
test_email_taken_then_linked (void)
{
  g_autofree char *register_body
      = g_strdup_printf ("{\"username\":\"bea_pw\",\"email\":\"%s\",\"password\":\"%s\"}",
                         fx->taken_email, USERS_PASSWORD);
  g_autoptr (CtResponse) registered = NULL;
  g_autoptr (CtResponse) refused = NULL;
  g_autofree char *token = NULL;
  gint64 before;

  if (skipped ())
    return;
  registered = ct_http (fx->users->url, "POST", "/v1/auth/register", NULL, register_body);
  g_assert_cmpuint (registered->status, ==, 201);
  before = count (COUNT_USERS);
  refused = full_flow (fx->users->url, "bea");
  ct_assert_problem (refused, 409, "email");
  g_assert_nonnull (strstr (ct_response_string (refused, "detail"), "/v1/users/me/oidc"));
  g_assert_cmpint (count (COUNT_USERS), ==, before);

  /* The owner links it, proving the password. */
  token = users_login (fx->users, "bea_pw", USERS_PASSWORD, NULL);
  {
    g_autofree char *url = start_at (fx->users->url, NULL);
    g_autofree char *code = NULL, *state = NULL;
    g_autofree char *body = NULL;
    g_autoptr (CtResponse) wrong = NULL;

    sign_in_at_provider (url, "bea", &code, &state);
    body = callback_body (code, state, NULL, "not the password");
    wrong = ct_http (fx->users->url, "POST", "/v1/users/me/oidc", token, body);
    ct_assert_problem (wrong, 403, "password");
    g_assert_cmpint (count ("SELECT count(*) FROM oidc_identities i JOIN users u ON u.id = "
                            "i.user_id WHERE u.username = 'bea_pw'"),
                     ==, 0);
  }
  {
    g_autofree char *url = start_at (fx->users->url, NULL);
    g_autofree char *code = NULL, *state = NULL;
    g_autofree char *body = NULL;
    g_autoptr (CtResponse) linked = NULL;
    g_autoptr (CtResponse) signed_in = NULL;
    g_autoptr (CtResponse) who = NULL;

    sign_in_at_provider (url, "bea", &code, &state);
    body = callback_body (code, state, NULL, USERS_PASSWORD);
    linked = ct_http (fx->users->url, "POST", "/v1/users/me/oidc", token, body);
    g_assert_cmpuint (linked->status, ==, 200);
    /* From now on "Sign in with …" reaches the password account. */
    signed_in = full_flow (fx->users->url, "bea");
    g_assert_cmpuint (signed_in->status, ==, 200);
    who = me (fx->users->url, signed_in);
    g_assert_cmpstr (ct_response_string (who, "username"), ==, "bea_pw");
    g_assert_cmpint (count (COUNT_USERS), ==, before);
  }
}

static void
test_unverified_email (void)
{
  g_autoptr (CtResponse) r = NULL;
  gint64 before;

  if (skipped ())
    return;
  before = count (COUNT_USERS);
  r = full_flow (fx->users->url, "cai");
  ct_assert_problem (r, 403, NULL);
  g_assert_nonnull (strstr (ct_response_string (r, "detail"), "verified"));
  g_assert_cmpint (count (COUNT_USERS), ==, before);
  g_assert_cmpint (count ("SELECT count(*) FROM users WHERE email LIKE 'cai@%'"), ==, 0);
}

static void
test_redirect_uri_and_challenge_checked (void)
{
  const char *bad[] = {
    "https://evil.example/callback", "http://127.0.0.1/no-port", "http://localhost:8080/cb",
    "http://127.0.0.1:8080/cb?x=1",  "javascript:alert(1)",      NULL,
  };

  if (skipped ())
    return;
  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_autofree char *path = start_path (bad[i], NULL);
      g_autoptr (CtResponse) r = ct_http (fx->users->url, "GET", path, NULL, NULL);
      ct_assert_problem (r, 422, "redirect_uri");
    }
  {
    g_autoptr (CtResponse) none
        = ct_http (fx->users->url, "GET", "/v1/auth/oidc/start", NULL, NULL);
    g_autofree char *path = start_path (fx->redirect_uri, "short");
    g_autoptr (CtResponse) short_challenge = ct_http (fx->users->url, "GET", path, NULL, NULL);
    ct_assert_problem (none, 422, "redirect_uri");
    ct_assert_problem (short_challenge, 422, "code_challenge");
  }
}

/* A native app makes its own PKCE pair (RFC 8252): the service keeps only
 * the challenge, and the callback must bring the verifier. */
static void
test_client_pkce_pair (void)
{
  const char *verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  const char *challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"; /* RFC 7636 App. B */
  g_autoptr (CtResponse) wrong = NULL;
  g_autoptr (CtResponse) right = NULL;

  if (skipped ())
    return;
  {
    g_autofree char *url = start_at (fx->users->url, challenge);
    g_autofree char *sent = query_param (url, "code_challenge");
    g_autofree char *code = NULL, *state = NULL;
    g_autofree char *body = NULL;

    g_assert_cmpstr (sent, ==, challenge);
    sign_in_at_provider (url, "fei", &code, &state);
    body = callback_body (code, state, "wrong-verifier-wrong-verifier-wrong-verifier", NULL);
    wrong = ct_http (fx->users->url, "POST", "/v1/auth/oidc/callback", NULL, body);
    ct_assert_problem (wrong, 400, "code_verifier");
  }
  {
    g_autofree char *url = start_at (fx->users->url, challenge);
    g_autofree char *code = NULL, *state = NULL;
    g_autofree char *body = NULL;

    sign_in_at_provider (url, "fei", &code, &state);
    body = callback_body (code, state, verifier, NULL);
    right = ct_http (fx->users->url, "POST", "/v1/auth/oidc/callback", NULL, body);
    g_assert_cmpuint (right->status, ==, 200);
  }
}

/* An issuer that does not answer: 503, and password sign-in still works. */
static void
test_issuer_down (void)
{
  g_autofree char *down = NULL;
  g_auto (GStrv) env = NULL;
  g_autoptr (GStrvBuilder) all = g_strv_builder_new ();
  g_auto (GStrv) merged = NULL;
  CtService *service;
  g_autofree char *name = users_unique_name ("down");
  g_autofree char *path = NULL;
  g_autofree char *register_body = NULL;
  g_autofree char *login_body = NULL;

  if (skipped ())
    return;
  down = g_strdup_printf ("http://127.0.0.1:%u/realms/gone", ct_free_port ());
  env = oidc_env (fx->keycloak, down, NULL);
  g_strv_builder_addv (all, (const char **) fx->users->env);
  g_strv_builder_addv (all, (const char **) env);
  merged = g_strv_builder_end (all);
  service = ct_service_start (fx->users->binary, (const char *const *)merged);
  path = start_path (fx->redirect_uri, NULL);
  {
    g_autoptr (CtResponse) r = ct_http (ct_service_url (service), "GET", path, NULL, NULL);
    g_autoptr (CtResponse) cb = callback (ct_service_url (service), "code",
                                          "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    ct_assert_problem (r, 503, NULL);
    g_assert_nonnull (strstr (ct_response_string (r, "detail"), "password"));
    ct_assert_problem (cb, 400, "state");
  }
  register_body = g_strdup_printf ("{\"username\":\"%s\",\"email\":\"%s@example.org\","
                                   "\"password\":\"%s\"}",
                                   name, name, USERS_PASSWORD);
  login_body = users_login_body (name, USERS_PASSWORD);
  {
    g_autoptr (CtResponse) reg
        = ct_http (ct_service_url (service), "POST", "/v1/auth/register", NULL, register_body);
    g_autoptr (CtResponse) login
        = ct_http (ct_service_url (service), "POST", "/v1/auth/login", NULL, login_body);
    g_assert_cmpuint (reg->status, ==, 201);
    g_assert_cmpuint (login->status, ==, 200);
  }
  ct_service_stop (service);
  ct_service_free (service);
}

/* CARRETE_PASSWORD_LOGIN=false: passwords are refused, the provider works. */
static void
test_password_login_off (void)
{
  g_auto (GStrv) env = NULL;
  g_autoptr (GStrvBuilder) all = g_strv_builder_new ();
  g_auto (GStrv) merged = NULL;
  CtService *service;
  g_autofree char *login_body = users_login_body ("bea_pw", USERS_PASSWORD);

  if (skipped ())
    return;
  env = oidc_env (fx->keycloak, ct_keycloak_issuer (fx->keycloak), "false");
  g_strv_builder_addv (all, (const char **) fx->users->env);
  g_strv_builder_addv (all, (const char **) env);
  merged = g_strv_builder_end (all);
  service = ct_service_start (fx->users->binary, (const char *const *)merged);
  {
    g_autoptr (CtResponse) login
        = ct_http (ct_service_url (service), "POST", "/v1/auth/login", NULL, login_body);
    g_autoptr (CtResponse) reg
        = ct_http (ct_service_url (service), "POST", "/v1/auth/register", NULL,
                   "{\"username\":\"nope_off\",\"email\":\"nope@example.org\",\"password\":\"long "
                   "enough pw\"}");
    g_autoptr (CtResponse) provider = full_flow (ct_service_url (service), "gus");

    ct_assert_problem (login, 403, NULL);
    g_assert_nonnull (strstr (ct_response_string (login, "detail"), "turned off"));
    ct_assert_problem (reg, 403, NULL);
    g_assert_cmpuint (provider->status, ==, 200);
  }
  ct_service_stop (service);
  ct_service_free (service);
}

/* Without CARRETE_OIDC_ISSUER the routes say so. */
static void
test_not_configured (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CtResponse) start = NULL;
  g_autoptr (CtResponse) cb = NULL;
  CtService *service;

  g_autoptr (GStrvBuilder) plain = g_strv_builder_new ();
  g_auto (GStrv) env = NULL;

  if (skipped ())
    return;
  for (guint i = 0; fx->users->env[i] != NULL; i++)
    if (!g_str_has_prefix (fx->users->env[i], "CARRETE_OIDC_"))
      g_strv_builder_add (plain, fx->users->env[i]);
  env = g_strv_builder_end (plain);
  service = ct_service_start (fx->users->binary, (const char *const *)env);
  path = start_path (fx->redirect_uri, NULL);
  start = ct_http (ct_service_url (service), "GET", path, NULL, NULL);
  cb = callback (ct_service_url (service), "c", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  ct_assert_problem (start, 404, NULL);
  ct_assert_problem (cb, 404, NULL);
  ct_service_stop (service);
  ct_service_free (service);
}

/* carrete-web's "Sign in with …": its button, /login/oidc, the provider's
 * page, /login/oidc/callback, then a signed-in gallery. */
/* carrete-users with CARRETE_PUBLIC_URL (it then allows carrete-web's
 * callback and sign-in page) and carrete-web in front of it, with a
 * browser. */
typedef struct
{
  CtService *users;
  CtService *web;
  char *web_url;
  WbBrowser *browser;
} WebStack;

static WebStack *
web_stack_start (void)
{
  WebStack *s = g_new0 (WebStack, 1);
  guint16 web_port = ct_free_port ();
  g_autofree char *public_url = NULL;
  g_autofree char *issuer
      = g_strconcat ("CARRETE_OIDC_ISSUER=", ct_keycloak_issuer (fx->keycloak), NULL);
  g_autofree char *web_binary = ct_build_path ("services/web/carrete-web");
  g_autofree char *users_url = NULL;
  g_autofree char *id_key = g_strconcat ("CARRETE_ID_KEY_FILE=", fx->users->keys->id_key, NULL);
  g_autoptr (GStrvBuilder) all = g_strv_builder_new ();
  g_auto (GStrv) users_env = NULL;

  s->web_url = g_strdup_printf ("http://127.0.0.1:%u", web_port);
  public_url = g_strconcat ("CARRETE_PUBLIC_URL=", s->web_url, NULL);
  g_strv_builder_addv (all, (const char **) fx->users->env);
  g_strv_builder_add (all, public_url);
  users_env = g_strv_builder_end (all);
  s->users = ct_service_start (fx->users->binary, (const char *const *)users_env);
  users_url = g_strconcat ("CARRETE_USERS_URL=", ct_service_url (s->users), NULL);
  s->web = ct_service_start_at (
      web_binary,
      (const char *const[]){ users_url, "CARRETE_PHOTOS_URL=http://127.0.0.1:9",
                             "CARRETE_FOLDERS_URL=http://127.0.0.1:9", id_key,
                             "CARRETE_COOKIE_SECURE=false", issuer, public_url, NULL },
      web_port);
  s->browser = wb_browser_new (s->web_url);
  return s;
}

static void
web_stack_free (WebStack *s)
{
  wb_browser_free (s->browser);
  ct_service_stop (s->web);
  ct_service_free (s->web);
  ct_service_stop (s->users);
  ct_service_free (s->users);
  g_free (s->web_url);
  g_free (s);
}

/* The path (and query) of a URL on carrete-web. */
static const char *
web_path (WebStack *s, const char *url)
{
  g_assert_true (g_str_has_prefix (url, s->web_url));
  return url + strlen (s->web_url);
}

/* Whose session the browser's access cookie is. */
static void
assert_signed_in_as (WebStack *s, WbBrowser *browser, const char *username)
{
  g_autoptr (CtResponse) who
      = ct_http (ct_service_url (s->users), "GET", "/v1/users/me",
                 g_hash_table_lookup (browser->cookies, "carrete_access"), NULL);

  g_assert_cmpuint (who->status, ==, 200);
  g_assert_cmpstr (ct_response_string (who, "username"), ==, username);
}

/* "Sign in with …" as `username` through carrete-web, up to the provider
 * sending the browser back: the callback's path on carrete-web. */
static char *
web_to_provider_and_back (WebStack *s, WbBrowser *browser, const char *start,
                          const char *username)
{
  g_autoptr (WbPage) started = wb_get (browser, start);
  const char *provider;
  g_autofree char *back = NULL;

  g_assert_cmpuint (started->status, ==, 303);
  provider = wb_header (started, "Location");
  g_assert_true (g_str_has_prefix (provider, ct_keycloak_issuer (fx->keycloak)));
  g_assert_nonnull (wb_set_cookie (started, "carrete_oidc_state"));
  back = sign_in_at_provider_to (provider, username);
  return g_strdup (web_path (s, back));
}

static void
test_web_sign_in (void)
{
  WebStack *s;

  if (skipped ())
    return;
  s = web_stack_start ();
  {
    g_autoptr (WbPage) login = wb_get (s->browser, "/login");
    g_autofree char *back = NULL;
    g_autoptr (WbPage) wrong = NULL;
    g_autoptr (WbPage) done = NULL;

    g_assert_cmpuint (login->status, ==, 200);
    g_assert_cmpuint (wb_count (login, "id=\"oidc-sign-in\""), ==, 1);
    g_assert_cmpuint (wb_count (login, "Sign in with 127.0.0.1"), ==, 1);
    back = web_to_provider_and_back (s, s->browser, "/login/oidc", "hal");
    {
      /* Another browser (no state cookie) cannot finish it. */
      WbBrowser *other = wb_browser_new (s->web_url);
      wrong = wb_get (other, back);
      g_assert_cmpuint (wrong->status, ==, 400);
      wb_browser_free (other);
    }
    done = wb_get (s->browser, back);
    g_assert_cmpuint (done->status, ==, 303);
    g_assert_cmpstr (wb_header (done, "Location"), ==, "/");
    g_assert_nonnull (wb_set_cookie (done, "carrete_access"));
    /* The session cookie is hal's access token (the gallery itself would
     * need carrete-photos and carrete-folders). */
    assert_signed_in_as (s, s->browser, "hal");
  }
  {
    /* In Spanish. */
    g_autoptr (WbPage) login = wb_request (s->browser, "GET", "/login?lang=es", NULL, NULL,
                                           (const char *const[]){ "Accept-Language: es", NULL });
    g_assert_cmpuint (wb_count (login, "Iniciar sesión con 127.0.0.1"), ==, 1);
  }
  web_stack_free (s);
}

/* GET /v1/auth/oidc/logout checks where the provider may send the browser. */
static void
test_logout_url_checked (void)
{
  WebStack *s;

  if (skipped ())
    return;
  s = web_stack_start ();
  {
    g_autoptr (CtResponse) none = ct_http_unfollowed (ct_service_url (s->users), "/v1/auth/oidc/logout");
    g_autofree char *elsewhere = g_strdup_printf (
        "/v1/auth/oidc/logout?post_logout_redirect_uri=%s", "http%3A%2F%2Fevil.example%2Flogin");
    g_autoptr (CtResponse) evil = ct_http_unfollowed (ct_service_url (s->users), elsewhere);
    g_autofree char *escaped = g_uri_escape_string (s->web_url, NULL, FALSE);
    g_autofree char *good_path
        = g_strdup_printf ("/v1/auth/oidc/logout?post_logout_redirect_uri=%s%%2Flogin", escaped);
    g_autoptr (CtResponse) good = ct_http_unfollowed (ct_service_url (s->users), good_path);
    g_autofree char *long_hint = g_strnfill (9000, 'a');
    g_autofree char *long_path = g_strdup_printf ("%s&id_token_hint=%s", good_path, long_hint);
    g_autoptr (CtResponse) too_long = ct_http_unfollowed (ct_service_url (s->users), long_path);

    ct_assert_problem (none, 422, "post_logout_redirect_uri");
    ct_assert_problem (evil, 422, "post_logout_redirect_uri");
    ct_assert_problem (too_long, 422, "id_token_hint");
    g_assert_cmpuint (good->status, ==, 302);
    g_assert_true (g_str_has_prefix (ct_response_header (good, "Location"),
                                     ct_keycloak_issuer (fx->keycloak)));
    g_assert_cmpstr (ct_response_string (good, "logout_url"), ==,
                     ct_response_header (good, "Location"));
    g_assert_nonnull (strstr (ct_response_header (good, "Location"), "client_id="));
  }
  web_stack_free (s);
}

/* Signing out of carrete-web revokes Carrete's session first, then sends
 * the browser to the provider's sign-out, which sends it back to /login. */
static void
test_web_sign_out (void)
{
  WebStack *s;

  if (skipped ())
    return;
  s = web_stack_start ();
  {
    g_autofree char *back = web_to_provider_and_back (s, s->browser, "/login/oidc", "ida");
    g_autoptr (WbPage) done = wb_get (s->browser, back);
    g_autofree char *refresh = NULL;
    g_autoptr (WbPage) login = NULL;
    g_autoptr (WbPage) out = NULL;
    g_autofree char *refresh_body = NULL;
    g_autoptr (CtResponse) refreshed = NULL;
    g_autoptr (CtResponse) provider = NULL;
    g_autofree char *csrf = NULL;
    g_autofree char *form_action = NULL;
    const char *to;

    g_assert_cmpuint (done->status, ==, 303);
    g_assert_nonnull (wb_set_cookie (done, "carrete_oidc_id"));
    refresh = g_strdup (g_hash_table_lookup (s->browser->cookies, "carrete_refresh"));
    login = wb_get (s->browser, "/login");
    csrf = wb_csrf (login);
    /* Browsers hold the redirect after the sign-out form to form-action. */
    form_action = g_strdup_printf ("form-action 'self' %.*s;",
                                   (int) (strstr (ct_keycloak_issuer (fx->keycloak), "/realms/")
                                          - ct_keycloak_issuer (fx->keycloak)),
                                   ct_keycloak_issuer (fx->keycloak));
    g_assert_nonnull (strstr (wb_header (login, "Content-Security-Policy"), form_action));
    out = wb_post (s->browser, "/logout", (const char *const[]){ "csrf_token", csrf, NULL });
    g_assert_cmpuint (out->status, ==, 303);
    to = wb_header (out, "Location");
    g_assert_true (g_str_has_prefix (to, ct_keycloak_issuer (fx->keycloak)));
    g_assert_nonnull (strstr (to, "id_token_hint="));
    g_assert_nonnull (strstr (to, "post_logout_redirect_uri="));
    g_assert_nonnull (wb_set_cookie (out, "carrete_oidc_id"));
    /* Carrete's own session ended first. */
    refresh_body = g_strdup_printf ("{\"refresh_token\":\"%s\"}", refresh);
    refreshed = ct_http (ct_service_url (s->users), "POST", "/v1/auth/refresh", NULL, refresh_body);
    g_assert_cmpuint (refreshed->status, ==, 401);
    /* The provider takes the hint and sends the browser back to /login. */
    provider = ct_http_unfollowed (to, "");
    g_assert_cmpuint (provider->status, ==, 302);
    g_assert_true (g_str_has_prefix (ct_response_header (provider, "Location"), s->web_url));
  }
  {
    /* A password session signs out of Carrete only. */
    g_autoptr (WbPage) login = wb_get (s->browser, "/login");
    g_autofree char *csrf = wb_csrf (login);
    g_autoptr (WbPage) out
        = wb_post (s->browser, "/logout", (const char *const[]){ "csrf_token", csrf, NULL });
    g_assert_cmpuint (out->status, ==, 303);
    g_assert_cmpstr (wb_header (out, "Location"), ==, "/login");
  }
  web_stack_free (s);
}

/* The password form the provider's answer leads to: its hidden code and state. */
static WbPage *
web_link_form (WebStack *s, WbBrowser *browser, const char *username)
{
  g_autofree char *back = web_to_provider_and_back (s, browser, "/login/oidc?link=1", username);
  WbPage *form = wb_get (browser, back);

  g_assert_cmpuint (form->status, ==, 200);
  g_assert_cmpuint (wb_count (form, "id=\"oidc-link-form\""), ==, 1);
  g_assert_cmpuint (wb_count (form, "name=\"code\""), ==, 1);
  wb_assert_page_contract (form);
  return form;
}

static char *
hidden (WbPage *page, const char *name)
{
  g_autofree char *needle = g_strdup_printf ("name=\"%s\" value=\"", name);
  const char *at = strstr (page->body, needle);
  const char *end;

  g_assert_nonnull (at);
  at += strlen (needle);
  end = strchr (at, '"');
  return g_strndup (at, end - at);
}

static WbPage *
post_link (WbBrowser *browser, WbPage *form, const char *username, const char *password)
{
  g_autofree char *code = hidden (form, "code");
  g_autofree char *state = hidden (form, "state");
  g_autofree char *csrf = wb_csrf (form);

  return wb_post (browser, "/login/oidc/link",
                  (const char *const[]){ "code", code, "state", state, "csrf_token", csrf,
                                         "username", username != NULL ? username : "",
                                         "password", password, NULL });
}

static void
register_password_account (WebStack *s, const char *username, const char *email)
{
  g_autofree char *body = g_strdup_printf (
      "{\"username\":\"%s\",\"email\":\"%s\",\"password\":\"%s\"}", username, email, USERS_PASSWORD);
  g_autoptr (CtResponse) registered
      = ct_http (ct_service_url (s->users), "POST", "/v1/auth/register", NULL, body);
  g_assert_cmpuint (registered->status, ==, 201);
}

/* A signed-in password account links the provider from its account page,
 * then signs in through it. */
static void
test_web_link_signed_in (void)
{
  WebStack *s;

  if (skipped ())
    return;
  s = web_stack_start ();
  register_password_account (s, "jo_pw", "jo.password@example.org");
  {
    g_autoptr (WbPage) login = wb_get (s->browser, "/login");
    g_autofree char *csrf = wb_csrf (login);
    g_autoptr (WbPage) in = wb_post (
        s->browser, "/login",
        (const char *const[]){ "username", "jo_pw", "password", USERS_PASSWORD, "csrf_token", csrf,
                               "next", "/account", NULL });
    g_autoptr (WbPage) account = NULL;

    g_assert_cmpuint (in->status, ==, 303);
    account = wb_get (s->browser, "/account");
    g_assert_cmpuint (account->status, ==, 200);
    g_assert_cmpuint (wb_count (account, "href=\"/login/oidc?link=1\""), ==, 1);
    wb_assert_page_contract (account);
    {
      /* In Spanish. */
      g_autoptr (WbPage) es = wb_get (s->browser, "/account?lang=es");
      g_assert_cmpuint (wb_count (es, "Vincular 127.0.0.1"), ==, 1);
      g_assert_cmpuint (wb_count (es, ">Cuenta<"), >=, 1);
    }
    {
      g_autoptr (WbPage) en = wb_get (s->browser, "/account?lang=en");
      g_assert_cmpuint (en->status, ==, 200);
    }
  }
  {
    /* A wrong password spends the sign-in: start again. */
    g_autoptr (WbPage) form = web_link_form (s, s->browser, "jo");
    g_autoptr (WbPage) wrong = post_link (s->browser, form, NULL, "not the password");
    g_autoptr (WbPage) forged = NULL;
    g_autoptr (WbPage) empty = NULL;

    g_assert_cmpuint (wrong->status, ==, 403);
    g_assert_cmpuint (wb_count (wrong, "That password is wrong"), ==, 1);
    g_assert_cmpuint (wb_count (wrong, "id=\"oidc-link-again\""), ==, 1);
    /* Without its CSRF token the form is refused. */
    forged = wb_post (s->browser, "/login/oidc/link",
                      (const char *const[]){ "code", "x", "state", "y", "password", "z", NULL });
    g_assert_cmpuint (forged->status, ==, 403);
    empty = post_link (s->browser, form, NULL, "");
    g_assert_cmpuint (empty->status, ==, 422);
  }
  {
    g_autoptr (WbPage) form = web_link_form (s, s->browser, "jo");
    g_autoptr (WbPage) linked = post_link (s->browser, form, NULL, USERS_PASSWORD);
    g_autoptr (WbPage) account = NULL;
    WbBrowser *other = wb_browser_new (s->web_url);
    g_autofree char *back = NULL;
    g_autoptr (WbPage) done = NULL;

    g_assert_cmpuint (linked->status, ==, 303);
    g_assert_cmpstr (wb_header (linked, "Location"), ==, "/account?linked=1");
    account = wb_get (s->browser, "/account?linked=1");
    g_assert_cmpuint (wb_count (account, "Linked: you can now sign in with 127.0.0.1."), ==, 1);
    /* Now "Sign in with …" reaches the password account. */
    back = web_to_provider_and_back (s, other, "/login/oidc", "jo");
    done = wb_get (other, back);
    g_assert_cmpuint (done->status, ==, 303);
    assert_signed_in_as (s, other, "jo_pw");
    wb_browser_free (other);
  }
  {
    /* Another account cannot take the identity over. */
    WbBrowser *other = wb_browser_new (s->web_url);
    g_autoptr (WbPage) form = NULL;
    g_autoptr (WbPage) taken = NULL;

    register_password_account (s, "kay_pw", "kay.password@example.org");
    form = web_link_form (s, other, "jo");
    taken = post_link (other, form, "kay_pw", USERS_PASSWORD);
    g_assert_cmpuint (taken->status, ==, 409);
    g_assert_cmpuint (wb_count (taken, "linked to another Carrete account already"), ==, 1);
    wb_browser_free (other);
  }
  web_stack_free (s);
}

/* A provider sign-in meets an email that a password account owns: the
 * page offers to sign in with the password and link, in one form. */
static void
test_web_email_taken_offers_link (void)
{
  WebStack *s;

  if (skipped ())
    return;
  s = web_stack_start ();
  register_password_account (s, "lu_pw", "lu@oidc.example.org");
  {
    g_autofree char *back = web_to_provider_and_back (s, s->browser, "/login/oidc", "lu");
    g_autoptr (WbPage) offer = wb_get (s->browser, back);
    g_autoptr (WbPage) form = NULL;
    g_autoptr (WbPage) wrong = NULL;
    g_autoptr (WbPage) linked = NULL;

    g_assert_cmpuint (offer->status, ==, 409);
    g_assert_cmpuint (wb_count (offer, "id=\"oidc-link-offer\""), ==, 1);
    g_assert_cmpuint (wb_count (offer, "href=\"/login/oidc?link=1\""), ==, 1);
    wb_assert_page_contract (offer);
    form = web_link_form (s, s->browser, "lu");
    g_assert_cmpuint (wb_count (form, "id=\"username\""), ==, 1);
    /* A mistyped password leaves the code unused: the form comes back. */
    wrong = post_link (s->browser, form, "lu_pw", "not the password");
    g_assert_cmpuint (wrong->status, ==, 401);
    g_assert_cmpuint (wb_count (wrong, "id=\"oidc-link-form\""), ==, 1);
    linked = post_link (s->browser, wrong, "lu_pw", USERS_PASSWORD);
    g_assert_cmpuint (linked->status, ==, 303);
    g_assert_cmpstr (wb_header (linked, "Location"), ==, "/account?linked=1");
    assert_signed_in_as (s, s->browser, "lu_pw");
  }
  web_stack_free (s);
}

static const CtTest tests[] = {
  { "/users/oidc/first-sign-in", test_first_sign_in_creates_then_signs_in },
  { "/users/oidc/replayed-state-and-code", test_replayed_state_and_code },
  { "/users/oidc/wrong-state", test_wrong_state },
  { "/users/oidc/wrong-nonce", test_wrong_nonce },
  { "/users/oidc/email-taken-then-linked", test_email_taken_then_linked },
  { "/users/oidc/unverified-email", test_unverified_email },
  { "/users/oidc/redirect-uri-checked", test_redirect_uri_and_challenge_checked },
  { "/users/oidc/client-pkce-pair", test_client_pkce_pair },
  { "/users/oidc/issuer-down", test_issuer_down },
  { "/users/oidc/password-login-off", test_password_login_off },
  { "/users/oidc/not-configured", test_not_configured },
  { "/users/oidc/web-sign-in", test_web_sign_in },
  { "/users/oidc/logout-url-checked", test_logout_url_checked },
  { "/users/oidc/web-sign-out", test_web_sign_out },
  { "/users/oidc/web-link-signed-in", test_web_link_signed_in },
  { "/users/oidc/web-email-taken-offers-link", test_web_email_taken_offers_link },
};

int
main (int argc, char **argv)
{
  return CT_TEST_MAIN (argc, argv, fixture_start, fixture_free, &fx, tests);
}
