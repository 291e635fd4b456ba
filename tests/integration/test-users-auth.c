#define G_LOG_DOMAIN "carrete-test-users-auth"

#include <sodium.h>
#include <string.h>

#include "carrete-base64url.h"
#include "carrete-jwt.h"
#include "users-fixture.h"

static UsersFixture *fx;

static gint64
count_users (void)
{
  g_autofree char *n = ct_postgres_query (fx->pg, "carrete_users", "SELECT count(*) FROM users");
  return g_ascii_strtoll (n, NULL, 10);
}

static void
test_register_ok (void)
{
  g_autofree char *name = users_unique_name ("Ana");
  g_autofree char *body = g_strdup_printf (
      "{\"username\":\"%s\",\"email\":\"%s@Example.org\",\"password\":\"%s\"}", name, name,
      USERS_PASSWORD);
  g_autoptr (CtResponse) r = ct_http (fx->url, "POST", "/v1/auth/register", NULL, body);
  JsonObject *user;
  g_autofree char *location = NULL;

  g_assert_cmpuint (r->status, ==, 201);
  user = ct_response_object (r);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (user, "id"), "us_"));
  g_assert_cmpuint (strlen (json_object_get_string_member (user, "id")), ==, 14);
  g_assert_cmpstr (json_object_get_string_member (user, "username"), ==, name);
  g_assert_cmpstr (json_object_get_string_member (user, "role"), ==, "user");
  g_assert_true (g_str_has_suffix (json_object_get_string_member (user, "created_at"), "Z"));
  g_assert_false (json_object_has_member (user, "password"));
  g_assert_false (json_object_has_member (user, "password_hash"));
  location = g_strdup_printf ("/v1/users/%s", json_object_get_string_member (user, "id"));
  g_assert_cmpstr (ct_response_header (r, "Location"), ==, location);
  /* The password is stored as an argon2id hash, never in clear. */
  {
    g_autofree char *hash = ct_postgres_query_param (
        fx->pg, "carrete_users", "SELECT password_hash FROM users WHERE username = $1", name);
    g_assert_true (g_str_has_prefix (hash, "$argon2id$"));
  }
}

static void
test_register_duplicates (void)
{
  g_autofree char *name = users_unique_name ("dup");
  g_autofree char *upper = g_ascii_strup (name, -1);
  g_autofree char *id = users_register (fx, name);
  g_autofree char *same_name = g_strdup_printf (
      "{\"username\":\"%s\",\"email\":\"other-%s@example.org\",\"password\":\"%s\"}", upper, name,
      USERS_PASSWORD);
  g_autofree char *same_email = g_strdup_printf (
      "{\"username\":\"x%s\",\"email\":\"%s@EXAMPLE.org\",\"password\":\"%s\"}", name, upper,
      USERS_PASSWORD);
  gint64 before = count_users ();
  g_autoptr (CtResponse) r1 = ct_http (fx->url, "POST", "/v1/auth/register", NULL, same_name);
  g_autoptr (CtResponse) r2 = ct_http (fx->url, "POST", "/v1/auth/register", NULL, same_email);

  ct_assert_problem (r1, 409, "username");
  ct_assert_problem (r2, 409, "email");
  g_assert_cmpint (count_users (), ==, before);
}

typedef struct
{
  const char *what;
  const char *body;
  guint status;
  const char *field;
} BadBody;

static void
test_register_bad_input (void)
{
  g_autofree char *long_password = g_strnfill (10000, 'p');
  g_autofree char *long_password_body = g_strdup_printf (
      "{\"username\":\"longpw\",\"email\":\"longpw@example.org\",\"password\":\"%s\"}",
      long_password);
  g_autofree char *name100 = g_strnfill (100, 'n');
  g_autofree char *name100_body = g_strdup_printf (
      "{\"username\":\"%s\",\"email\":\"n100@example.org\",\"password\":\"%s\"}", name100,
      USERS_PASSWORD);
  const BadBody cases[] = {
    { "malformed JSON", "{\"username\": \"ana\", ", 400, NULL },
    { "array", "[\"ana\"]", 400, NULL },
    { "string", "\"ana\"", 400, NULL },
    { "number", "42", 400, NULL },
    { "empty", "", 400, NULL },
    { "missing fields", "{\"username\":\"missing1\"}", 422, "password" },
    { "wrong type", "{\"username\":7,\"email\":\"w@example.org\",\"password\":\"correct horse\"}",
      422, "username" },
    { "object password",
      "{\"username\":\"wrongtype2\",\"email\":\"w2@example.org\",\"password\":{\"a\":1}}", 422,
      "password" },
    { "unknown field",
      "{\"username\":\"unknown1\",\"email\":\"u1@example.org\",\"password\":\"correct horse\","
      "\"role\":\"admin\"}",
      422, "role" },
    { "username with spaces",
      "{\"username\":\"ana maria\",\"email\":\"am@example.org\",\"password\":\"correct horse\"}",
      422, "username" },
    { "username of 1", "{\"username\":\"a\",\"email\":\"a1@example.org\",\"password\":\"correct horse\"}",
      422, "username" },
    { "username of 100", name100_body, 422, "username" },
    { "email without @",
      "{\"username\":\"noat1\",\"email\":\"noat.example.org\",\"password\":\"correct horse\"}",
      422, "email" },
    { "password of 3", "{\"username\":\"short1\",\"email\":\"s1@example.org\",\"password\":\"abc\"}",
      422, "password" },
    { "password of 10000", long_password_body, 422, "password" },
    { "NUL in string",
      "{\"username\":\"nul\\u0000x\",\"email\":\"n@example.org\",\"password\":\"correct horse\"}",
      400, NULL },
  };
  gint64 before = count_users ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (CtResponse) r = ct_http (fx->url, "POST", "/v1/auth/register", NULL, cases[i].body);
      g_test_message ("case: %s", cases[i].what);
      ct_assert_problem (r, cases[i].status, cases[i].field);
    }
  g_assert_cmpint (count_users (), ==, before);
}

static void
test_register_huge_body (void)
{
  gsize size = 10 * 1024 * 1024;
  g_autofree char *blob = g_malloc (size);
  g_autoptr (GBytes) body = NULL;
  g_autoptr (CtResponse) r = NULL;
  g_autoptr (CtResponse) health = NULL;
  gint64 before = count_users ();

  memset (blob, ' ', size);
  memcpy (blob, "{\"username\":\"", 13);
  body = g_bytes_new_take (g_steal_pointer (&blob), size);
  r = ct_http_raw (fx->url, "POST", "/v1/auth/register", NULL, "application/json", body);
  ct_assert_problem (r, 413, NULL);
  g_assert_cmpint (count_users (), ==, before);
  health = ct_http (fx->url, "GET", "/healthz", NULL, NULL);
  g_assert_cmpuint (health->status, ==, 200);
}

static void
test_login_and_me (void)
{
  g_autofree char *name = users_unique_name ("login");
  g_autofree char *id = users_register (fx, name);
  g_autofree char *email_body = g_strdup_printf (
      "{\"username\":\"%s@EXAMPLE.ORG\",\"password\":\"%s\"}", name, USERS_PASSWORD);
  g_autoptr (CtResponse) by_email = ct_http (fx->url, "POST", "/v1/auth/login", NULL, email_body);
  g_autofree char *token = users_login (fx, name, USERS_PASSWORD, NULL);
  g_autoptr (CtResponse) me = ct_http (fx->url, "GET", "/v1/users/me", token, NULL);
  JsonObject *pair;

  g_assert_cmpuint (by_email->status, ==, 200);
  pair = ct_response_object (by_email);
  g_assert_cmpstr (json_object_get_string_member (pair, "token_type"), ==, "Bearer");
  g_assert_cmpint (json_object_get_int_member (pair, "expires_in"), ==, 900);
  g_assert_cmpuint (strlen (json_object_get_string_member (pair, "refresh_token")), ==, 43);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (pair, "user"), "id"),
                   ==, id);
  g_assert_cmpuint (me->status, ==, 200);
  g_assert_cmpstr (ct_response_string (me, "id"), ==, id);
  g_assert_cmpstr (ct_response_string (me, "email"), ==,
                   json_object_get_string_member (json_object_get_object_member (pair, "user"), "email"));
}

static double
login_seconds (const char *username, const char *password, const char **detail_out,
               CtResponse **kept)
{
  g_autofree char *body = users_login_body (username, password);
  gint64 start = g_get_monotonic_time ();
  CtResponse *r = ct_http (fx->url, "POST", "/v1/auth/login", NULL, body);
  double seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;

  ct_assert_problem (r, 401, NULL);
  *detail_out = json_object_get_string_member (ct_response_object (r), "detail");
  *kept = r;
  return seconds;
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Unknown user and wrong password give the same answer and spend the same
 * work (one argon2id verification each).  The bound is loose on purpose:
 * it catches a path that skips hashing (10x faster), not jitter. */
static void
test_login_unknown_and_wrong_alike (void)
{
  g_autofree char *name = users_unique_name ("alike");
  g_autofree char *id = users_register (fx, name);
  double unknown[5], wrong[5];
  const char *d1 = NULL, *d2 = NULL;

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *ghost = users_unique_name ("ghost");
      g_autoptr (CtResponse) a = NULL;
      g_autoptr (CtResponse) b = NULL;
      unknown[i] = login_seconds (ghost, "whatever123", &d1, &a);
      wrong[i] = login_seconds (name, "wrong password", &d2, &b);
      g_assert_cmpstr (d1, ==, d2);
    }
  qsort (unknown, 5, sizeof (double), compare_doubles);
  qsort (wrong, 5, sizeof (double), compare_doubles);
  g_test_message ("median unknown %.1f ms, wrong %.1f ms", unknown[2] * 1000, wrong[2] * 1000);
  g_assert_cmpfloat (unknown[2], >, wrong[2] / 4);
  g_assert_cmpfloat (unknown[2], <, wrong[2] * 4);
}

static void
test_login_rate_limited (void)
{
  g_autofree char *name = users_unique_name ("limited");
  g_autofree char *id = users_register (fx, name);
  g_autofree char *wrong = users_login_body (name, "nope nope");
  g_autofree char *right = users_login_body (name, USERS_PASSWORD);
  g_autoptr (CtResponse) limited = NULL;
  g_autoptr (CtResponse) still = NULL;
  guint64 retry_after = 0;

  for (guint i = 0; i < 10; i++)
    {
      g_autoptr (CtResponse) r = ct_http (fx->url, "POST", "/v1/auth/login", NULL, wrong);
      ct_assert_problem (r, 401, NULL);
    }
  limited = ct_http (fx->url, "POST", "/v1/auth/login", NULL, wrong);
  ct_assert_problem (limited, 429, NULL);
  g_assert_true (g_ascii_string_to_unsigned (ct_response_header (limited, "Retry-After"), 10, 1,
                                             900, &retry_after, NULL));
  /* Even the right password waits: guessing must not continue. */
  still = ct_http (fx->url, "POST", "/v1/auth/login", NULL, right);
  ct_assert_problem (still, 429, NULL);
}

static guint64
address_count (const char *address)
{
  g_autofree char *key = g_strconcat ("address|", address, NULL);
  g_autofree char *n = ct_postgres_query_param (
      fx->pg, "carrete_users", "SELECT coalesce(max(failures), 0) FROM login_failures WHERE key = $1",
      key);
  return g_ascii_strtoull (n, NULL, 10);
}

static guint
login_status (const char *url, const char *body, const char *forwarded_for)
{
  g_autofree char *header = forwarded_for != NULL
                                ? g_strdup_printf ("X-Forwarded-For: %s", forwarded_for)
                                : NULL;
  const char *headers[] = { header, NULL };
  g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr (CtResponse) r = ct_http_raw (url, "POST", "/v1/auth/login", headers,
                                          "application/json", bytes);
  return r->status;
}

/* The address budget counts judged failures only: retries against a
 * blocked name and successful logins leave it alone, so one noisy client
 * does not lock out everyone behind the same address. */
static void
test_address_budget_counts_judged_failures (void)
{
  g_autofree char *name = users_unique_name ("budget");
  g_autofree char *id = users_register (fx, name);
  g_autofree char *wrong = users_login_body (name, "nope nope");
  g_autofree char *right = users_login_body (name, USERS_PASSWORD);
  guint64 before = address_count ("127.0.0.1");

  g_assert_cmpuint (login_status (fx->url, right, NULL), ==, 200);
  g_assert_cmpuint (address_count ("127.0.0.1"), ==, before);
  for (guint i = 0; i < 10; i++)
    g_assert_cmpuint (login_status (fx->url, wrong, NULL), ==, 401);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpuint (login_status (fx->url, wrong, NULL), ==, 429);
  g_assert_cmpuint (address_count ("127.0.0.1"), ==, before + 10);
}

/* By default X-Forwarded-For is not trusted: changing it does not buy a
 * fresh set of guesses.  When trusted (behind an ingress), the proxy's last
 * hop is the client, normalised (a port is dropped). */
static void
test_forwarded_for (void)
{
  g_autofree char *name = users_unique_name ("xff");
  g_autofree char *id = users_register (fx, name);
  g_autofree char *wrong = users_login_body (name, "nope nope");
  g_auto (GStrv) env = g_strdupv (fx->env);
  guint n = g_strv_length (env);
  CtService *trusting;

  for (guint i = 0; i < 10; i++)
    g_assert_cmpuint (login_status (fx->url, wrong, "198.51.100.1"), ==, 401);
  g_assert_cmpuint (login_status (fx->url, wrong, "198.51.100.2"), ==, 429);

  env = g_renew (char *, env, n + 2);
  env[n] = g_strdup ("CARRETE_TRUST_FORWARDED_FOR=true");
  env[n + 1] = NULL;
  trusting = ct_service_start (fx->binary, (const char *const *) env);
  /* The earlier attempts were keyed by the real peer, not these hops. */
  for (guint i = 0; i < 10; i++)
    g_assert_cmpuint (login_status (ct_service_url (trusting), wrong, "spoofed, 203.0.113.7:5123"),
                      ==, 401);
  g_assert_cmpuint (login_status (ct_service_url (trusting), wrong, "203.0.113.7"), ==, 429);
  g_assert_cmpuint (login_status (ct_service_url (trusting), wrong, "203.0.113.8"), ==, 401);
  g_assert_cmpuint (address_count ("203.0.113.7"), ==, 10);
  ct_service_free (trusting);
}

/* Twenty guesses at once: the attempt is counted before the password is
 * checked, so no more than ten can be judged; the rest wait (429). */
static void
test_login_rate_limit_parallel (void)
{
  g_autofree char *name = users_unique_name ("burst");
  g_autofree char *id = users_register (fx, name);
  g_autofree char *wrong = users_login_body (name, "nope nope");
  g_autoptr (GBytes) body = g_bytes_new (wrong, strlen (wrong));
  CtParallel *burst
      = ct_parallel_post (fx->url, "/v1/auth/login", NULL, "application/json", body, 20);
  guint judged = 0, limited = 0;

  for (guint i = 0; i < 20; i++)
    {
      guint status = ct_parallel_status (burst, i);
      g_assert_true (status == 401 || status == 429);
      judged += status == 401;
      limited += status == 429;
    }
  ct_parallel_free (burst);
  g_test_message ("401: %u, 429: %u", judged, limited);
  g_assert_cmpuint (judged, ==, 10);
  g_assert_cmpuint (limited, ==, 10);
}

static void
test_refresh_rotation_and_reuse (void)
{
  g_autofree char *first = NULL;
  g_autofree char *access = users_new_user (fx, "refresh", NULL, NULL, &first);
  g_autofree char *body1 = g_strdup_printf ("{\"refresh_token\":\"%s\"}", first);
  g_autoptr (CtResponse) rotated = ct_http (fx->url, "POST", "/v1/auth/refresh", NULL, body1);
  g_autofree char *second = NULL;
  g_autofree char *body2 = NULL;
  g_autoptr (CtResponse) reuse = NULL;
  g_autoptr (CtResponse) after_reuse = NULL;
  g_autoptr (CtResponse) me = NULL;

  g_assert_cmpuint (rotated->status, ==, 200);
  second = g_strdup (ct_response_string (rotated, "refresh_token"));
  g_assert_cmpstr (second, !=, first);
  me = ct_http (fx->url, "GET", "/v1/users/me", NULL, NULL);
  g_clear_pointer (&me, ct_response_free);
  me = ct_http (fx->url, "GET", "/v1/users/me", ct_response_string (rotated, "access_token"), NULL);
  g_assert_cmpuint (me->status, ==, 200);

  /* The rotated token is spent; presenting it again revokes the family. */
  reuse = ct_http (fx->url, "POST", "/v1/auth/refresh", NULL, body1);
  ct_assert_problem (reuse, 401, NULL);
  body2 = g_strdup_printf ("{\"refresh_token\":\"%s\"}", second);
  after_reuse = ct_http (fx->url, "POST", "/v1/auth/refresh", NULL, body2);
  ct_assert_problem (after_reuse, 401, NULL);
}

static void
test_refresh_bad_input (void)
{
  const char *bodies[] = { "{\"refresh_token\":\"garbage\"}", "{\"refresh_token\":\"\"}",
                           "{\"refresh_token\":123}", "{}", "[]", "{\"refresh_token\":null}" };
  const guint statuses[] = { 401, 422, 422, 422, 400, 422 };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr (CtResponse) r = ct_http (fx->url, "POST", "/v1/auth/refresh", NULL, bodies[i]);
      ct_assert_problem (r, statuses[i], NULL);
    }
}

static void
test_logout (void)
{
  g_autofree char *refresh = NULL;
  g_autofree char *access = users_new_user (fx, "logout", NULL, NULL, &refresh);
  g_autofree char *body = g_strdup_printf ("{\"refresh_token\":\"%s\"}", refresh);
  g_autoptr (CtResponse) out = ct_http (fx->url, "POST", "/v1/auth/logout", NULL, body);
  g_autoptr (CtResponse) again = ct_http (fx->url, "POST", "/v1/auth/refresh", NULL, body);
  g_autoptr (CtResponse) unknown = ct_http (fx->url, "POST", "/v1/auth/logout", NULL,
                                            "{\"refresh_token\":\"not-a-token\"}");

  g_assert_cmpuint (out->status, ==, 204);
  g_assert_cmpuint (g_bytes_get_size (out->body), ==, 0);
  ct_assert_problem (again, 401, NULL);
  g_assert_cmpuint (unknown->status, ==, 204);
}

/* ---- hostile tokens -------------------------------------------------------- */

static char *
claims_json (const char *sub)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  return g_strdup_printf ("{\"sub\":\"%s\",\"iss\":\"carrete\",\"aud\":\"carrete\",\"role\":\"admin\","
                          "\"iat\":%" G_GINT64_FORMAT ",\"exp\":%" G_GINT64_FORMAT "}",
                          sub, now, now + 600);
}

static char *
hand_made_token (const char *header, const char *payload, const guint8 *key, gsize key_len)
{
  g_autofree char *h = carrete_base64url_encode (header, strlen (header));
  g_autofree char *p = carrete_base64url_encode (payload, strlen (payload));
  g_autofree char *signing_input = g_strconcat (h, ".", p, NULL);
  guint8 mac[crypto_auth_hmacsha256_BYTES];
  g_autofree char *sig = NULL;
  crypto_auth_hmacsha256_state state;

  if (key == NULL)
    return g_strconcat (signing_input, ".", NULL);
  crypto_auth_hmacsha256_init (&state, key, key_len);
  crypto_auth_hmacsha256_update (&state, (const guint8 *) signing_input, strlen (signing_input));
  crypto_auth_hmacsha256_final (&state, mac);
  sig = carrete_base64url_encode (mac, sizeof mac);
  return g_strconcat (signing_input, ".", sig, NULL);
}

static void
assert_rejected (const char *what, const char *token)
{
  g_autoptr (CtResponse) r = ct_http (fx->url, "GET", "/v1/users/me", token, NULL);
  g_test_message ("token: %s", what);
  ct_assert_problem (r, 401, NULL);
}

static void
test_hostile_tokens (void)
{
  g_autofree char *id = NULL;
  g_autofree char *good = users_new_user (fx, "tokens", NULL, &id, NULL);
  g_autoptr (CarreteJwt) ours = carrete_jwt_new (fx->keys->jwt_public, "carrete", "carrete", NULL);
  g_autoptr (CarreteJwt) other_aud = carrete_jwt_new (fx->keys->jwt_public, "carrete", "elsewhere", NULL);
  g_autoptr (CarreteJwt) other_iss = carrete_jwt_new (fx->keys->jwt_public, "mallory", "carrete", NULL);
  g_autoptr (CtKeys) stranger_keys = ct_keys_new ();
  g_autoptr (CarreteJwt) stranger = carrete_jwt_new (stranger_keys->jwt_public, "carrete", "carrete", NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *expired = NULL, *aud = NULL, *iss = NULL, *foreign = NULL;
  g_autofree char *payload = claims_json (id);
  g_autofree char *none_header = g_strdup ("{\"alg\":\"none\",\"typ\":\"JWT\"}");
  g_autofree char *hs_header = g_strdup_printf ("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"%s\"}",
                                                carrete_jwt_get_kid (ours));
  g_autofree char *pem = NULL;
  gsize pem_len = 0;
  g_autofree char *alg_none = NULL, *hs256 = NULL, *truncated = NULL;

  g_assert_true (carrete_jwt_load_private_key (ours, fx->keys->jwt_private, NULL));
  g_assert_true (carrete_jwt_load_private_key (other_aud, fx->keys->jwt_private, NULL));
  g_assert_true (carrete_jwt_load_private_key (other_iss, fx->keys->jwt_private, NULL));
  g_assert_true (carrete_jwt_load_private_key (stranger, stranger_keys->jwt_private, NULL));
  expired = carrete_jwt_sign (ours, id, "user", now - 2000, 900, NULL);
  aud = carrete_jwt_sign (other_aud, id, "user", now, 900, NULL);
  iss = carrete_jwt_sign (other_iss, id, "user", now, 900, NULL);
  foreign = carrete_jwt_sign (stranger, id, "admin", now, 900, NULL);
  g_assert_true (g_file_get_contents (fx->keys->jwt_public, &pem, &pem_len, NULL));
  alg_none = hand_made_token (none_header, payload, NULL, 0);
  hs256 = hand_made_token (hs_header, payload, (const guint8 *) pem, pem_len);
  truncated = g_strndup (good, strlen (good) - 10);

  {
    g_autoptr (CtResponse) ok = ct_http (fx->url, "GET", "/v1/users/me", good, NULL);
    g_autofree char *fresh = carrete_jwt_sign (ours, id, "user", now, 900, NULL);
    g_autoptr (CtResponse) ok2 = ct_http (fx->url, "GET", "/v1/users/me", fresh, NULL);
    g_assert_cmpuint (ok->status, ==, 200); /* the control case works */
    g_assert_cmpuint (ok2->status, ==, 200);
  }
  assert_rejected ("expired", expired);
  assert_rejected ("another audience", aud);
  assert_rejected ("another issuer", iss);
  assert_rejected ("another key", foreign);
  assert_rejected ("alg none", alg_none);
  assert_rejected ("HS256 keyed with the public key", hs256);
  assert_rejected ("truncated", truncated);
  assert_rejected ("garbage", "garbage");
  assert_rejected ("three dots", "a.b.c");
  {
    const char *headers[] = { "Authorization: Basic dXNlcjpwYXNz", NULL };
    g_autoptr (CtResponse) basic = ct_http_raw (fx->url, "GET", "/v1/users/me", headers, NULL, NULL);
    ct_assert_problem (basic, 401, NULL);
  }
}

int
main (int argc, char **argv)
{
  static const CtTest tests[] = {
    { "/carrete/users/register/ok", test_register_ok },
    { "/carrete/users/register/duplicates", test_register_duplicates },
    { "/carrete/users/register/bad-input", test_register_bad_input },
    { "/carrete/users/register/huge-body", test_register_huge_body },
    { "/carrete/users/login/ok-and-me", test_login_and_me },
    { "/carrete/users/login/unknown-and-wrong-alike", test_login_unknown_and_wrong_alike },
    { "/carrete/users/login/rate-limited", test_login_rate_limited },
    { "/carrete/users/login/rate-limit-parallel", test_login_rate_limit_parallel },
    { "/carrete/users/login/address-budget", test_address_budget_counts_judged_failures },
    { "/carrete/users/login/forwarded-for", test_forwarded_for },
    { "/carrete/users/refresh/rotation-and-reuse", test_refresh_rotation_and_reuse },
    { "/carrete/users/refresh/bad-input", test_refresh_bad_input },
    { "/carrete/users/logout", test_logout },
    { "/carrete/users/tokens/hostile", test_hostile_tokens },
  };

  return CT_TEST_MAIN (argc, argv, users_fixture_start, users_fixture_free, &fx, tests);
}
