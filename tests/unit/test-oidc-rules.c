#define G_LOG_DOMAIN "carrete-test-oidc-rules"

#include <sodium.h>

#include "oidc-rules.h"

static void
test_redirects (void)
{
  const char *allowed[] = {
    "http://127.0.0.1:8000/callback",
    "http://127.0.0.1:49152/",
    "http://[::1]:5000/cb",
    "https://photos.example.org/login/oidc/callback",
    NULL,
  };
  const char *refused[] = {
    "",
    "https://evil.example/callback",
    "http://127.0.0.1/no-port",
    "http://localhost:8080/cb",
    "http://127.0.0.1:8080/cb?x=1",
    "http://127.0.0.1:8080/cb#f",
    "http://u@127.0.0.1:80/",
    "https://127.0.0.1:443/",
    "https://photos.example.org/login/oidc/callback/x",
    "https://photos.example.org/login/oidc",
    "javascript:alert(1)",
    NULL,
  };
  const char *reason = NULL;

  for (guint i = 0; allowed[i] != NULL; i++)
    g_assert_true (users_oidc_redirect_allowed (allowed[i], "https://photos.example.org", &reason));
  for (guint i = 0; refused[i] != NULL; i++)
    {
      g_assert_false (
          users_oidc_redirect_allowed (refused[i], "https://photos.example.org", &reason));
      g_assert_nonnull (reason);
    }
  g_assert_false (users_oidc_redirect_allowed (NULL, NULL, &reason));
  /* Without CARRETE_PUBLIC_URL only loopback redirects are allowed. */
  g_assert_false (users_oidc_redirect_allowed ("https://photos.example.org/login/oidc/callback",
                                               NULL, &reason));
}

/* Back from the provider's sign-out: carrete-web's sign-in page only. */
static void
test_logout_redirects (void)
{
  static const char *const refused[] = {
    "",
    "https://photos.example.org/login/",
    "https://photos.example.org/login?next=/",
    "https://photos.example.org/",
    "https://evil.example/login",
    "http://127.0.0.1:8080/login",
    "https://photos.example.org.evil.example/login",
  };
  const char *reason = NULL;

  g_assert_true (users_oidc_logout_redirect_allowed ("https://photos.example.org/login",
                                                     "https://photos.example.org", &reason));
  g_assert_null (reason);
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_assert_false (users_oidc_logout_redirect_allowed (refused[i], "https://photos.example.org",
                                                          &reason));
      g_assert_nonnull (reason);
    }
  g_assert_false (users_oidc_logout_redirect_allowed (NULL, "https://photos.example.org", &reason));
  /* Without CARRETE_PUBLIC_URL there is nowhere to go back to. */
  g_assert_false (
      users_oidc_logout_redirect_allowed ("https://photos.example.org/login", NULL, &reason));
  g_assert_nonnull (strstr (reason, "CARRETE_PUBLIC_URL"));
}

static void
test_pkce (void)
{
  g_autofree char *challenge
      = users_oidc_pkce_challenge ("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");

  /* RFC 7636, Appendix B. */
  g_assert_cmpstr (challenge, ==, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  g_assert_true (users_oidc_pkce_well_formed (challenge));
  g_assert_false (users_oidc_pkce_well_formed ("short"));
  g_assert_false (users_oidc_pkce_well_formed (NULL));
  g_assert_false (users_oidc_pkce_well_formed ("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM"));
  /* Verifiers may be longer, and use '.' and '~'. */
  {
    g_autofree char *longest = g_strnfill (128, '~');
    g_autofree char *too_long = g_strnfill (129, 'a');
    g_assert_true (users_oidc_pkce_verifier_well_formed ("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
    g_assert_true (users_oidc_pkce_verifier_well_formed (longest));
    g_assert_false (users_oidc_pkce_verifier_well_formed (too_long));
    g_assert_false (users_oidc_pkce_verifier_well_formed ("short"));
    g_assert_false (users_oidc_pkce_verifier_well_formed ("dBjftJeZ4CVP+mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
    g_assert_false (users_oidc_pkce_verifier_well_formed (NULL));
  }
}

static void
test_usernames (void)
{
  struct
  {
    const char *preferred, *email, *expected;
  } cases[] = {
    { "ana", "x@example.org", "ana" },
    { NULL, "bea.m@example.org", "bea.m" },
    { "", "cai@example.org", "cai" },
    { NULL, NULL, "user" },
    { "jo", NULL, "jo_" },
    { "José Núñez", NULL, "Jos__N__ez" },
    { "a-very-long-preferred-username-of-forty-chars", NULL, "a-very-long-preferred-username-o" },
    { NULL, "@example.org", "user" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = users_oidc_username (cases[i].preferred, cases[i].email);
      g_assert_cmpstr (name, ==, cases[i].expected);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (sodium_init (), >=, 0);
  g_test_add_func ("/oidc-rules/redirects", test_redirects);
  g_test_add_func ("/oidc-rules/logout-redirects", test_logout_redirects);
  g_test_add_func ("/oidc-rules/pkce", test_pkce);
  g_test_add_func ("/oidc-rules/usernames", test_usernames);
  return g_test_run ();
}
