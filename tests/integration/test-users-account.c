#define G_LOG_DOMAIN "carrete-test-users-account"

#include <signal.h>
#include <string.h>

#include "users-fixture.h"

static UsersFixture *fx;

static char *
make_admin (void)
{
  g_autofree char *name = users_unique_name ("admin");
  g_autofree char *id = users_register (fx, name);
  g_autofree char *output = NULL;
  const char *args[] = { "set-role", name, "admin", NULL };

  g_assert_cmpint (ct_command (fx->binary, args, (const char *const *) fx->env, &output), ==, 0);
  return users_login (fx, name, USERS_PASSWORD, NULL);
}

static void
test_patch_me (void)
{
  g_autofree char *name = users_unique_name ("patch");
  g_autofree char *other = users_unique_name ("taken");
  g_autofree char *id = users_register (fx, name);
  g_autofree char *other_id = users_register (fx, other);
  g_autofree char *refresh = NULL;
  g_autofree char *token = users_login (fx, name, USERS_PASSWORD, &refresh);
  g_autofree char *new_email = g_strdup_printf ("{\"email\":\"new-%s@example.org\"}", name);
  g_autofree char *taken_email = g_strdup_printf ("{\"email\":\"%s@example.org\"}", other);
  g_autofree char *refresh_body = g_strdup_printf ("{\"refresh_token\":\"%s\"}", refresh);
  g_autoptr (CtResponse) email = ct_http (fx->url, "PATCH", "/v1/users/me", token, new_email);
  g_autoptr (CtResponse) taken = ct_http (fx->url, "PATCH", "/v1/users/me", token, taken_email);
  g_autoptr (CtResponse) no_current = ct_http (fx->url, "PATCH", "/v1/users/me", token,
                                               "{\"password\":\"brand new secret\"}");
  g_autoptr (CtResponse) wrong_current = ct_http (
      fx->url, "PATCH", "/v1/users/me", token,
      "{\"password\":\"brand new secret\",\"current_password\":\"not it at all\"}");
  g_autoptr (CtResponse) escalate = ct_http (fx->url, "PATCH", "/v1/users/me", token,
                                             "{\"role\":\"admin\"}");
  g_autoptr (CtResponse) rename = ct_http (fx->url, "PATCH", "/v1/users/me", token,
                                           "{\"username\":\"someone\",\"id\":\"us_x\"}");
  g_autoptr (CtResponse) empty = ct_http (fx->url, "PATCH", "/v1/users/me", token, "{}");
  g_autofree char *change = g_strdup_printf (
      "{\"password\":\"brand new secret\",\"current_password\":\"%s\"}", USERS_PASSWORD);
  g_autoptr (CtResponse) changed = NULL;
  g_autoptr (CtResponse) old_refresh = NULL;
  g_autoptr (CtResponse) me = NULL;
  g_autofree char *relogin = NULL;

  g_assert_cmpuint (email->status, ==, 200);
  g_assert_true (g_str_has_prefix (ct_response_string (email, "email"), "new-"));
  ct_assert_problem (taken, 409, "email");
  ct_assert_problem (no_current, 422, "current_password");
  ct_assert_problem (wrong_current, 403, "current_password");
  ct_assert_problem (escalate, 422, "role");
  ct_assert_problem (rename, 422, "username");
  ct_assert_problem (empty, 422, NULL);

  me = ct_http (fx->url, "GET", "/v1/users/me", token, NULL);
  g_assert_cmpstr (ct_response_string (me, "role"), ==, "user");
  g_assert_cmpstr (ct_response_string (me, "username"), ==, name);

  changed = ct_http (fx->url, "PATCH", "/v1/users/me", token, change);
  g_assert_cmpuint (changed->status, ==, 200);
  /* A new password ends every other session. */
  old_refresh = ct_http (fx->url, "POST", "/v1/auth/refresh", NULL, refresh_body);
  ct_assert_problem (old_refresh, 401, NULL);
  relogin = users_login (fx, name, "brand new secret", NULL);
  g_assert_nonnull (relogin);
}

/* The current password of a password change is guessed no more freely
 * than a login: 10 wrong ones (CARRETE_PASSWORD_THROTTLE) (403 each), then 429
 * with Retry-After, even for the right one; bad lengths are 422. */
static void
test_patch_password_throttled (void)
{
  g_autofree char *name = users_unique_name ("guess");
  g_autofree char *id = users_register (fx, name);
  g_autofree char *token = users_login (fx, name, USERS_PASSWORD, NULL);
  g_autofree char *right = g_strdup_printf (
      "{\"password\":\"brand new secret\",\"current_password\":\"%s\"}", USERS_PASSWORD);
  g_autofree char *huge = g_strnfill (10000, 'x');
  g_autofree char *too_long
      = g_strdup_printf ("{\"password\":\"brand new secret\",\"current_password\":\"%s\"}", huge);
  g_autofree char *new_too_long
      = g_strdup_printf ("{\"password\":\"%s\",\"current_password\":\"x\"}", huge);
  const char *wrong = "{\"password\":\"brand new secret\",\"current_password\":\"wrong!\"}";
  g_autoptr (CtResponse) limited = NULL;
  g_autoptr (CtResponse) still = NULL;
  g_autoptr (CtResponse) me = NULL;

  {
    g_autoptr (CtResponse) empty
        = ct_http (fx->url, "PATCH", "/v1/users/me", token,
                   "{\"password\":\"brand new secret\",\"current_password\":\"\"}");
    g_autoptr (CtResponse) long_current
        = ct_http (fx->url, "PATCH", "/v1/users/me", token, too_long);
    g_autoptr (CtResponse) long_new
        = ct_http (fx->url, "PATCH", "/v1/users/me", token, new_too_long);
    ct_assert_problem (empty, 422, "current_password");
    ct_assert_problem (long_current, 422, "current_password");
    ct_assert_problem (long_new, 422, "password");
  }
  for (guint i = 0; i < 10; i++) /* CARRETE_PASSWORD_THROTTLE */
    {
      g_autoptr (CtResponse) r = ct_http (fx->url, "PATCH", "/v1/users/me", token, wrong);
      ct_assert_problem (r, 403, "current_password");
    }
  limited = ct_http (fx->url, "PATCH", "/v1/users/me", token, wrong);
  ct_assert_problem (limited, 429, NULL);
  g_assert_nonnull (ct_response_header (limited, "Retry-After"));
  still = ct_http (fx->url, "PATCH", "/v1/users/me", token, right);
  ct_assert_problem (still, 429, NULL);
  /* Nothing changed: the old password still logs in. */
  me = ct_http (fx->url, "GET", "/v1/users/me", token, NULL);
  g_assert_cmpuint (me->status, ==, 200);
  g_free (users_login (fx, name, USERS_PASSWORD, NULL));
}

static void
test_delete_me (void)
{
  g_autofree char *name = NULL;
  g_autofree char *id = NULL;
  g_autofree char *token = users_new_user (fx, "leaver", &name, &id, NULL);
  g_autofree char *path = g_strdup_printf ("/v1/users/%s", id);
  g_autofree char *login = users_login_body (name, USERS_PASSWORD);
  g_autoptr (CtResponse) gone = ct_http (fx->url, "DELETE", "/v1/users/me", token, NULL);
  g_autoptr (CtResponse) me = ct_http (fx->url, "GET", "/v1/users/me", token, NULL);
  g_autoptr (CtResponse) profile = ct_http (fx->url, "GET", path, NULL, NULL);
  g_autoptr (CtResponse) again = ct_http (fx->url, "POST", "/v1/auth/login", NULL, login);

  g_assert_cmpuint (gone->status, ==, 204);
  ct_assert_problem (me, 401, NULL);
  ct_assert_problem (profile, 404, NULL);
  ct_assert_problem (again, 401, NULL);
}

static void
test_public_profile_and_ids (void)
{
  g_autofree char *name = users_unique_name ("public");
  g_autofree char *id = users_register (fx, name);
  g_autofree char *path = g_strdup_printf ("/v1/users/%s", id);
  g_autofree char *wrong_type = g_strdup_printf ("/v1/users/ph_%s", id + 3);
  g_autofree char *forged = g_strdup_printf ("/v1/users/%.13s%c", id, id[13] == 'a' ? 'b' : 'a');
  g_autoptr (CtResponse) ok = ct_http (fx->url, "GET", path, NULL, NULL);
  JsonObject *profile = ct_response_object (ok);
  const char *bad[] = { wrong_type, forged, "/v1/users/us_abc!defghij", "/v1/users/us_",
                        "/v1/users/12", "/v1/users/us_zzzzzzzzzzz", "/v1/users/us_%41%42%43" };

  g_assert_cmpuint (ok->status, ==, 200);
  g_assert_cmpuint (json_object_get_size (profile), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (profile, "username"), ==, name);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (CtResponse) r = ct_http (fx->url, "GET", bad[i], NULL, NULL);
      g_test_message ("id: %s", bad[i]);
      ct_assert_problem (r, 404, NULL);
    }
  /* A NUL in the path is refused by libsoup's request parser itself (a bare
   * 400); what matters is that the service shrugs it off. */
  {
    g_autoptr (CtResponse) nul = ct_http (fx->url, "GET", "/v1/users/%00", NULL, NULL);
    g_autoptr (CtResponse) health = ct_http (fx->url, "GET", "/healthz", NULL, NULL);
    g_assert_cmpuint (nul->status, ==, 400);
    g_assert_cmpuint (health->status, ==, 200);
  }
}

static void
test_admin_routes (void)
{
  g_autofree char *id = NULL;
  g_autofree char *plain = users_new_user (fx, "plain", NULL, &id, NULL);
  g_autofree char *admin = make_admin ();
  g_autofree char *victim = users_unique_name ("victim");
  g_autofree char *victim_id = users_register (fx, victim);
  g_autofree char *victim_path = g_strdup_printf ("/v1/users/%s", victim_id);
  g_autoptr (CtResponse) list_plain = ct_http (fx->url, "GET", "/v1/users", plain, NULL);
  g_autoptr (CtResponse) delete_plain = ct_http (fx->url, "DELETE", victim_path, plain, NULL);
  g_autoptr (CtResponse) list_anon = ct_http (fx->url, "GET", "/v1/users", NULL, NULL);
  g_autoptr (CtResponse) zero = ct_http (fx->url, "GET", "/v1/users?limit=0", admin, NULL);
  g_autoptr (CtResponse) huge = ct_http (fx->url, "GET", "/v1/users?limit=100000", admin, NULL);
  g_autoptr (CtResponse) word = ct_http (fx->url, "GET", "/v1/users?limit=ten", admin, NULL);
  g_autoptr (CtResponse) forged = ct_http (fx->url, "GET", "/v1/users?cursor=AAAAbogus", admin, NULL);
  g_autoptr (CtResponse) deleted = ct_http (fx->url, "DELETE", victim_path, admin, NULL);
  g_autoptr (CtResponse) deleted_again = ct_http (fx->url, "DELETE", victim_path, admin, NULL);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *cursor = NULL;
  g_autofree char *total = NULL;
  guint pages = 0;

  ct_assert_problem (list_plain, 403, NULL);
  ct_assert_problem (delete_plain, 403, NULL);
  ct_assert_problem (list_anon, 401, NULL);
  ct_assert_problem (zero, 422, "limit");
  ct_assert_problem (huge, 422, "limit");
  ct_assert_problem (word, 422, "limit");
  ct_assert_problem (forged, 400, NULL);
  g_assert_cmpuint (deleted->status, ==, 204);
  ct_assert_problem (deleted_again, 404, NULL);

  /* Walk every page with limit=2: each user once, cursor ends with null. */
  do
    {
      g_autofree char *path = cursor != NULL
                                  ? g_strdup_printf ("/v1/users?limit=2&cursor=%s", cursor)
                                  : g_strdup ("/v1/users?limit=2");
      g_autoptr (CtResponse) page = ct_http (fx->url, "GET", path, admin, NULL);
      JsonObject *object = ct_response_object (page);
      JsonArray *items = json_object_get_array_member (object, "items");
      JsonNode *next = json_object_get_member (object, "next_cursor");

      g_assert_cmpuint (page->status, ==, 200);
      g_assert_cmpuint (json_array_get_length (items), <=, 2);
      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          const char *item_id = json_object_get_string_member (json_array_get_object_element (items, i), "id");
          g_assert_false (g_hash_table_contains (seen, item_id));
          g_hash_table_add (seen, g_strdup (item_id));
        }
      g_clear_pointer (&cursor, g_free);
      if (!JSON_NODE_HOLDS_NULL (next))
        cursor = g_strdup (json_node_get_string (next));
      pages++;
    }
  while (cursor != NULL && pages < 1000);
  total = ct_postgres_query (fx->pg, "carrete_users", "SELECT count(*) FROM users");
  g_assert_cmpuint (g_hash_table_size (seen), ==, g_ascii_strtoull (total, NULL, 10));
  g_assert_true (g_hash_table_contains (seen, id));
  g_assert_false (g_hash_table_contains (seen, victim_id));
}

/* The role is read from the database: a demoted administrator's token,
 * still unexpired and still saying "admin", no longer opens admin routes. */
static void
test_demoted_admin (void)
{
  g_autofree char *name = users_unique_name ("demoted");
  g_autofree char *id = users_register (fx, name);
  g_autofree char *output = NULL, *output2 = NULL;
  const char *promote[] = { "set-role", name, "admin", NULL };
  const char *demote[] = { "set-role", name, "user", NULL };
  g_autofree char *token = NULL;

  g_assert_cmpint (ct_command (fx->binary, promote, (const char *const *) fx->env, &output), ==, 0);
  token = users_login (fx, name, USERS_PASSWORD, NULL);
  {
    g_autoptr (CtResponse) allowed = ct_http (fx->url, "GET", "/v1/users?limit=1", token, NULL);
    g_assert_cmpuint (allowed->status, ==, 200);
  }
  g_assert_cmpint (ct_command (fx->binary, demote, (const char *const *) fx->env, &output2), ==, 0);
  {
    g_autoptr (CtResponse) refused = ct_http (fx->url, "GET", "/v1/users?limit=1", token, NULL);
    ct_assert_problem (refused, 403, NULL);
  }
}

static void
test_jwks_matches_tokens (void)
{
  g_autofree char *token = users_new_user (fx, "jwks", NULL, NULL, NULL);
  g_autoptr (CtResponse) r = ct_http (fx->url, "GET", "/.well-known/jwks.json", NULL, NULL);
  JsonObject *key = json_array_get_object_element (
      json_object_get_array_member (ct_response_object (r), "keys"), 0);
  g_auto (GStrv) parts = g_strsplit (token, ".", -1);
  gsize len = 0;
  g_autofree guchar *header = NULL;
  g_autofree char *padded = g_strdup (parts[0]);
  g_autoptr (JsonNode) header_json = NULL;

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (key, "kty"), ==, "EC");
  g_assert_cmpstr (json_object_get_string_member (key, "crv"), ==, "P-256");
  g_assert_cmpstr (json_object_get_string_member (key, "alg"), ==, "ES256");
  g_assert_false (json_object_has_member (key, "d")); /* never the private part */
  /* base64url → base64 for GLib's decoder */
  g_strdelimit (padded, "-", '+');
  g_strdelimit (padded, "_", '/');
  {
    g_autofree char *b64 = g_strconcat (padded, strlen (padded) % 4 == 2 ? "==" : strlen (padded) % 4 == 3 ? "=" : "", NULL);
    header = g_base64_decode (b64, &len);
  }
  header_json = json_from_string ((const char *) header, NULL);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (header_json), "alg"), ==, "ES256");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (header_json), "kid"), ==,
                   json_object_get_string_member (key, "kid"));
}

static void
test_operations_routes (void)
{
  g_autoptr (CtResponse) missing = ct_http (fx->url, "GET", "/nope", NULL, NULL);
  g_autoptr (CtResponse) wrong_method = ct_http (fx->url, "PUT", "/v1/auth/login", NULL, "{}");
  const char *given_id[] = { "X-Request-Id: test-req-42", NULL };
  const char *bad_id[] = { "X-Request-Id: <script>", NULL };
  g_autoptr (CtResponse) echoed = ct_http_raw (fx->url, "GET", "/healthz", given_id, NULL, NULL);
  g_autoptr (CtResponse) replaced = ct_http_raw (fx->url, "GET", "/healthz", bad_id, NULL, NULL);
  /* After those: the metrics must count them. */
  g_autoptr (CtOperations) operations = ct_operations_check (fx->url, "/v1/auth/register");
  GBytes *docs = operations->docs->body;
  const char *text = g_bytes_get_data (operations->metrics->body, NULL);

  g_assert_cmpstr (ct_response_string (operations->openapi, "openapi"), ==, "3.1.0");
  g_assert_nonnull (
      g_strstr_len (g_bytes_get_data (docs, NULL), g_bytes_get_size (docs), "/v1/auth/login"));
  ct_assert_problem (missing, 404, NULL);
  ct_assert_problem (wrong_method, 405, NULL);
  g_assert_nonnull (strstr (ct_response_header (wrong_method, "Allow"), "POST"));
  g_assert_cmpstr (ct_response_header (echoed, "X-Request-Id"), ==, "test-req-42");
  g_assert_cmpuint (strlen (ct_response_header (replaced, "X-Request-Id")), ==, 32);
  g_assert_nonnull (strstr (text, "carrete_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"}"));
  g_assert_nonnull (strstr (text, "carrete_http_request_duration_seconds_bucket{route=\"/readyz\""));
  g_assert_nonnull (strstr (text, "route=\"unmatched\""));
  /* Request paths never become labels: ids would explode cardinality. */
  g_assert_null (strstr (text, "/nope"));
}

/* PostgreSQL goes away under a running service: 503 (not a crash, not a
 * hang), then the service recovers by itself when it returns. */
static void
test_database_outage (void)
{
  g_autofree char *name = NULL;
  g_autofree char *token = users_new_user (fx, "outage", &name, NULL, NULL);
  g_autofree char *body = g_strdup_printf (
      "{\"username\":\"%s_x\",\"email\":\"%s_x@example.org\",\"password\":\"%s\"}", name, name,
      USERS_PASSWORD);

  ct_postgres_stop (fx->pg);
  {
    g_autoptr (CtResponse) ready = ct_http (fx->url, "GET", "/readyz", NULL, NULL);
    g_autoptr (CtResponse) me = ct_http (fx->url, "GET", "/v1/users/me", token, NULL);
    g_autoptr (CtResponse) reg = ct_http (fx->url, "POST", "/v1/auth/register", NULL, body);
    g_autoptr (CtResponse) health = ct_http (fx->url, "GET", "/healthz", NULL, NULL);
    ct_assert_problem (ready, 503, NULL);
    ct_assert_problem (me, 503, NULL);
    ct_assert_problem (reg, 503, NULL);
    g_assert_nonnull (ct_response_header (me, "Retry-After"));
    g_assert_cmpuint (health->status, ==, 200);
  }
  ct_postgres_restart (fx->pg);
  {
    g_autoptr (CtResponse) ready = ct_http (fx->url, "GET", "/readyz", NULL, NULL);
    g_autoptr (CtResponse) me = ct_http (fx->url, "GET", "/v1/users/me", token, NULL);
    g_assert_cmpuint (ready->status, ==, 200);
    g_assert_cmpuint (me->status, ==, 200);
  }
  {
    /* The registration that failed during the outage wrote nothing. */
    g_autofree char *failed_name = g_strconcat (name, "_x", NULL);
    g_autofree char *n = ct_postgres_query_param (
        fx->pg, "carrete_users", "SELECT count(*) FROM users WHERE username = $1", failed_name);
    g_assert_cmpstr (n, ==, "0");
  }
}

/* The database host vanishes without a word (packets dropped, nothing
 * closed): a request that needs it answers 503 once the server has been
 * silent for the statement timeout and a margin (5 + 3 s here), instead of
 * hanging for TCP's 15 minutes; the dead connections are dropped, and once
 * the host is back the next request works. */
static void
test_database_vanishes (void)
{
  g_autofree char *token = users_new_user (fx, "vanish", NULL, NULL, NULL);
  gint64 start;

  {
    /* A pooled connection, warm. */
    g_autoptr (CtResponse) me = ct_http (fx->url, "GET", "/v1/users/me", token, NULL);
    g_assert_cmpuint (me->status, ==, 200);
  }
  if (!ct_postgres_vanish (fx->pg))
    {
      g_test_skip ("cannot drop packets here (needs root and iptables)");
      return;
    }
  start = g_get_monotonic_time ();
  {
    g_autoptr (CtResponse) me = ct_http (fx->url, "GET", "/v1/users/me", token, NULL);
    gint64 seconds = (g_get_monotonic_time () - start) / G_USEC_PER_SEC;

    ct_postgres_reappear (fx->pg);
    ct_assert_problem (me, 503, NULL);
    g_assert_nonnull (ct_response_header (me, "Retry-After"));
    g_assert_cmpint (seconds, >=, 7);
    g_assert_cmpint (seconds, <, 20);
  }
  {
    g_autoptr (CtResponse) me = ct_http (fx->url, "GET", "/v1/users/me", token, NULL);
    g_autoptr (CtResponse) ready = ct_http (fx->url, "GET", "/readyz", NULL, NULL);
    g_assert_cmpuint (me->status, ==, 200);
    g_assert_cmpuint (ready->status, ==, 200);
  }
}

/* A client that hangs up while its statement runs cancels the statement:
 * it stops at once (not at the 5 s statement timeout, which would log 503),
 * and the connection goes back to the pool in working order. */
static void
test_hang_up_cancels_statement (void)
{
  g_autofree char *token = users_new_user (fx, "hangup", NULL, NULL, NULL);
  g_autofree char *output = NULL;

  ct_assert_hang_up_cancels (fx->pg, "carrete_users", "users", "carrete-users", NULL, fx->url,
                             "/v1/users/me", token);
  {
    g_autoptr (CtResponse) me = ct_http (fx->url, "GET", "/v1/users/me", token, NULL);
    g_assert_cmpuint (me->status, ==, 200);
  }
  output = ct_service_output (fx->service);
  g_assert_nonnull (strstr (output, "\"route\":\"/v1/users/me\",\"status\":499"));
}

static void
test_refuses_unmigrated_database (void)
{
  g_autofree char *url = ct_postgres_create_database (fx->pg, "carrete_unmigrated");
  g_autofree char *db = g_strconcat ("CARRETE_DATABASE_URL=", url, NULL);
  g_autofree char *output = NULL;
  g_auto (GStrv) env = g_strdupv (fx->env);
  const char *serve[] = { "serve", NULL };

  for (guint i = 0; env[i] != NULL; i++)
    if (g_str_has_prefix (env[i], "CARRETE_DATABASE_URL="))
      {
        g_free (env[i]);
        env[i] = g_strdup (db);
      }
  g_assert_cmpint (ct_command (fx->binary, serve, (const char *const *) env, &output), ==, 1);
  g_assert_nonnull (strstr (output, "migrate"));
}

static void
test_config_errors (void)
{
  const char *serve[] = { "serve", NULL };
  const char *no_db[] = { "CARRETE_JWT_PUBLIC_KEY_FILE=/nonexistent", NULL };
  g_autofree char *out1 = NULL, *out2 = NULL, *out3 = NULL;
  g_auto (GStrv) bad_listen = g_strdupv (fx->env);
  g_auto (GStrv) bad_key = g_strdupv (fx->env);
  g_autofree char *garbage_key = g_build_filename (fx->keys->dir, "garbage.key", NULL);
  guint n = g_strv_length (bad_listen);

  bad_listen = g_renew (char *, bad_listen, n + 2);
  bad_listen[n] = g_strdup ("CARRETE_LISTEN=nonsense");
  bad_listen[n + 1] = NULL;
  g_assert_true (g_file_set_contents (garbage_key, "not hex at all\n", -1, NULL));
  for (guint i = 0; bad_key[i] != NULL; i++)
    if (g_str_has_prefix (bad_key[i], "CARRETE_ID_KEY_FILE="))
      {
        g_free (bad_key[i]);
        bad_key[i] = g_strconcat ("CARRETE_ID_KEY_FILE=", garbage_key, NULL);
      }

  g_assert_cmpint (ct_command (fx->binary, serve, no_db, &out1), ==, 2);
  g_assert_nonnull (strstr (out1, "CARRETE_DATABASE_URL"));
  g_assert_cmpint (ct_command (fx->binary, serve, (const char *const *) bad_listen, &out2), ==, 2);
  g_assert_nonnull (strstr (out2, "CARRETE_LISTEN"));
  g_assert_cmpint (ct_command (fx->binary, serve, (const char *const *) bad_key, &out3), ==, 2);
  g_assert_nonnull (strstr (out3, "CARRETE_ID_KEY_FILE"));
  /* One clear line per problem: a single bad setting is one line; with
   * several, each line is its own setting, named first. */
  g_assert_null (strchr (g_strstrip (out2), '\n'));
  {
    g_auto (GStrv) lines = g_strsplit (g_strstrip (out1), "\n", -1);
    g_autoptr (GHashTable) named = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

    g_assert_cmpuint (g_strv_length (lines), >=, 2);
    for (guint i = 0; lines[i] != NULL; i++)
      {
        const char *setting = lines[i] + strlen ("carrete-users: ");
        gsize len = strspn (setting, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_");

        g_assert_true (g_str_has_prefix (lines[i], "carrete-users: CARRETE_"));
        g_assert_true (g_hash_table_add (named, g_strndup (setting, len)));
      }
    g_assert_true (g_hash_table_contains (named, "CARRETE_DATABASE_URL"));
    g_assert_true (g_hash_table_contains (named, "CARRETE_JWT_PUBLIC_KEY_FILE"));
  }
}

/* SIGTERM while logins (each ~100 ms of hashing) are in flight: they all
 * complete with 200 and the process exits 0. */
static void
test_graceful_shutdown (void)
{
  CtService *second = ct_service_start (fx->binary, (const char *const *) fx->env);
  g_autofree char *name = users_unique_name ("drain");
  g_autofree char *id = users_register (fx, name);
  g_autofree char *body = users_login_body (name, USERS_PASSWORD);
  g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));
  CtParallel *logins = ct_parallel_post (ct_service_url (second), "/v1/auth/login", NULL,
                                         "application/json", bytes, 4);

  /* Signal only once every request is with the server. */
  ct_parallel_wait_sent (logins);
  kill (ct_service_pid (second), SIGTERM);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpuint (ct_parallel_status (logins, i), ==, 200);
  ct_parallel_free (logins);
  ct_service_free (second); /* asserts exit status 0 */
}

/* Nanoseconds on a CPU of each worker thread of `pid`, by thread id.  A
 * thread that a worker has just started (GLib's thread pool) carries the
 * worker's name until it names itself: counted again until the set of
 * names has settled (three reads alike), so only real workers remain. */
static GHashTable *worker_cpu_ns_once (GPid pid);

static GHashTable *
worker_cpu_ns (GPid pid)
{
  GHashTable *times = worker_cpu_ns_once (pid);
  guint alike = 1;

  for (guint i = 0; i < 100 && alike < 3; i++)
    {
      GHashTable *again;

      g_usleep (10 * 1000);
      again = worker_cpu_ns_once (pid);
      alike = g_hash_table_size (again) == g_hash_table_size (times) ? alike + 1 : 1;
      g_hash_table_unref (times);
      times = again;
    }
  return times;
}

static GHashTable *
worker_cpu_ns_once (GPid pid)
{
  g_autofree char *dir_path = g_strdup_printf ("/proc/%d/task", (int) pid);
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
  GHashTable *times = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *tid;

  g_assert_nonnull (dir);
  while ((tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *comm_path = g_build_filename (dir_path, tid, "comm", NULL);
      g_autofree char *stat_path = g_build_filename (dir_path, tid, "schedstat", NULL);
      g_autofree char *comm = NULL, *stat = NULL;

      if (!g_file_get_contents (comm_path, &comm, NULL, NULL)
          || !g_str_equal (g_strstrip (comm), "carrete-worker")
          || !g_file_get_contents (stat_path, &stat, NULL, NULL))
        continue;
      g_hash_table_insert (times, g_strdup (tid),
                           GSIZE_TO_POINTER ((gsize) g_ascii_strtoull (stat, NULL, 10)));
    }
  return times;
}

/* CARRETE_WORKERS=3: three worker threads share the port, new connections
 * spread over them (more than one of them does work), /metrics counts the
 * requests of all of them (one worker answers it), and SIGTERM drains them
 * all (exit 0). */
static void
test_workers (void)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) env = NULL;
  const char *close[] = { "Connection: close", NULL };
  g_autoptr (GHashTable) before = NULL, after = NULL;
  g_autoptr (CtResponse) metrics = NULL;
  g_autofree char *text = NULL;
  GHashTableIter iter;
  gpointer tid, ns;
  guint busy = 0;
  CtService *service;

  g_strv_builder_addv (builder, (const char **) fx->env);
  g_strv_builder_add (builder, "CARRETE_WORKERS=3");
  env = g_strv_builder_end (builder);
  service = ct_service_start (fx->binary, (const char *const *) env);
  before = worker_cpu_ns (ct_service_pid (service));
  g_assert_cmpuint (g_hash_table_size (before), ==, 3);
  for (guint i = 0; i < 60; i++)
    {
      /* A route nothing else asks, so that the count below is exact. */
      g_autoptr (CtResponse) r = ct_http_raw (ct_service_url (service), "GET", "/v1/users/me",
                                              close, NULL, NULL);
      g_assert_cmpuint (r->status, ==, 401);
    }
  after = worker_cpu_ns (ct_service_pid (service));
  g_hash_table_iter_init (&iter, after);
  while (g_hash_table_iter_next (&iter, &tid, &ns))
    if (GPOINTER_TO_SIZE (ns) > GPOINTER_TO_SIZE (g_hash_table_lookup (before, tid)))
      busy++;
  g_assert_cmpuint (busy, >=, 2);
  metrics = ct_http (ct_service_url (service), "GET", "/metrics", NULL, NULL);
  text = g_strndup (g_bytes_get_data (metrics->body, NULL), g_bytes_get_size (metrics->body));
  g_assert_nonnull (strstr (text, "carrete_http_requests_total{route=\"/v1/users/me\","
                                  "method=\"GET\",status=\"401\"} 60\n"));
  ct_service_free (service); /* asserts exit status 0 */
}

static guint
count_open_descriptors (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", (int) pid);
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* Regression test for libsoup 3.2's leak of keep-alive connections closed by
 * the client (see carrete-connection-guard.h): 300 clients come and go, and the
 * service must not keep their descriptors. */
static void
test_client_closed_connections_released (void)
{
  GPid pid = ct_service_pid (fx->service);
  guint16 port = (guint16) g_ascii_strtoull (strrchr (fx->url, ':') + 1, NULL, 10);
  guint before = count_open_descriptors (pid);
  guint after = 0;

  for (guint i = 0; i < 300; i++)
    {
      g_autoptr (GSocketClient) client = g_socket_client_new ();
      g_autoptr (GSocketConnection) conn = g_socket_client_connect_to_host (client, "127.0.0.1", port,
                                                                            NULL, NULL);
      const char request[] = "GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n";
      char reply[512];
      gssize got;

      g_assert_nonnull (conn);
      g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)),
                                                request, sizeof request - 1, NULL, NULL, NULL));
      got = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (conn)), reply,
                                 sizeof reply - 1, NULL, NULL);
      g_assert_cmpint (got, >, 0);
      reply[got] = '\0';
      g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 200"));
      g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
    }
  /* The server notices each close on its next main-loop turn. */
  for (int i = 0; i < 200; i++)
    {
      after = count_open_descriptors (pid);
      if (after <= before + 5)
        break;
      g_usleep (10 * 1000);
    }
  g_test_message ("descriptors before %u, after 300 clients %u", before, after);
  g_assert_cmpuint (after, <=, before + 5);
}

static GSocketConnection *
raw_connect (const char *url)
{
  guint16 port = (guint16) g_ascii_strtoull (strrchr (url, ':') + 1, NULL, 10);
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  GSocketConnection *conn = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);

  g_assert_nonnull (conn);
  return conn;
}

/* Reads until the server closes the connection or `seconds` pass; returns
 * how long the server took to close it, or -1. */
static double
seconds_until_closed (GSocketConnection *conn, double seconds)
{
  GSocket *socket = g_socket_connection_get_socket (conn);
  gint64 start = g_get_monotonic_time ();
  char buffer[1024];

  g_socket_set_timeout (socket, (guint) seconds + 1);
  while ((g_get_monotonic_time () - start) / 1e6 < seconds)
    {
      gssize n = g_socket_receive (socket, buffer, sizeof buffer, NULL, NULL);
      if (n <= 0)
        return (g_get_monotonic_time () - start) / 1e6;
    }
  return -1;
}

/* A client that connects and sends nothing, or only part of its headers,
 * loses the connection after CARRETE_READ_TIMEOUT (a slowloris defence);
 * the service stays healthy. */
static void
test_slow_clients_cut_off (void)
{
  g_auto (GStrv) env = g_strdupv (fx->env);
  guint n = g_strv_length (env);
  CtService *strict;
  g_autoptr (GSocketConnection) silent = NULL;
  g_autoptr (GSocketConnection) partial = NULL;
  const char half[] = "GET /healthz HTTP/1.1\r\nHost: test\r\n";
  double silent_closed, partial_closed;

  env = g_renew (char *, env, n + 2);
  env[n] = g_strdup ("CARRETE_READ_TIMEOUT=1");
  env[n + 1] = NULL;
  strict = ct_service_start (fx->binary, (const char *const *) env);
  silent = raw_connect (ct_service_url (strict));
  partial = raw_connect (ct_service_url (strict));
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (partial)),
                                            half, sizeof half - 1, NULL, NULL, NULL));
  silent_closed = seconds_until_closed (silent, 5);
  partial_closed = seconds_until_closed (partial, 5);
  g_test_message ("closed after %.1f s (silent), %.1f s (partial)", silent_closed, partial_closed);
  g_assert_cmpfloat (silent_closed, >=, 0);
  g_assert_cmpfloat (partial_closed, >=, 0);
  {
    g_autoptr (CtResponse) health = ct_http (ct_service_url (strict), "GET", "/healthz", NULL, NULL);
    g_assert_cmpuint (health->status, ==, 200);
  }
  ct_service_free (strict);
}

/* Two requests in one write: both are answered, in order. */
static void
test_pipelined_requests (void)
{
  g_autoptr (GSocketConnection) conn = raw_connect (fx->url);
  const char both[] = "GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n"
                      "GET /readyz HTTP/1.1\r\nHost: test\r\n\r\n";
  g_autoptr (GString) replies = g_string_new (NULL);
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  char buffer[4096];

  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)),
                                            both, sizeof both - 1, NULL, NULL, NULL));
  while (strstr (replies->str, "\"status\":\"ready\"") == NULL)
    {
      gssize n = g_input_stream_read (in, buffer, sizeof buffer, NULL, NULL);
      g_assert_cmpint (n, >, 0);
      g_string_append_len (replies, buffer, n);
    }
  g_assert_true (g_str_has_prefix (replies->str, "HTTP/1.1 200"));
  g_assert_nonnull (strstr (replies->str + 10, "HTTP/1.1 200"));
  g_assert_true (strstr (replies->str, "ok\n") < strstr (replies->str, "ready"));
}

int
main (int argc, char **argv)
{
  static const CtTest tests[] = {
    { "/carrete/users/me/patch", test_patch_me },
    { "/carrete/users/me/patch-password-throttled", test_patch_password_throttled },
    { "/carrete/users/me/delete", test_delete_me },
    { "/carrete/users/profile/ids", test_public_profile_and_ids },
    { "/carrete/users/admin", test_admin_routes },
    { "/carrete/users/admin-demoted", test_demoted_admin },
    { "/carrete/users/jwks", test_jwks_matches_tokens },
    { "/carrete/users/operations", test_operations_routes },
    { "/carrete/users/database-outage", test_database_outage },
    { "/carrete/users/database-vanishes", test_database_vanishes },
    { "/carrete/users/hang-up-cancels-statement", test_hang_up_cancels_statement },
    { "/carrete/users/refuses-unmigrated", test_refuses_unmigrated_database },
    { "/carrete/users/config-errors", test_config_errors },
    { "/carrete/users/graceful-shutdown", test_graceful_shutdown },
    { "/carrete/server/workers", test_workers },
    { "/carrete/server/client-closed-connections-released",
      test_client_closed_connections_released },
    { "/carrete/server/slow-clients-cut-off", test_slow_clients_cut_off },
    { "/carrete/server/pipelined-requests", test_pipelined_requests },
  };

  return CT_TEST_MAIN (argc, argv, users_fixture_start, users_fixture_free, &fx, tests);
}
