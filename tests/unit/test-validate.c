#define G_LOG_DOMAIN "carrete-test-validate"

#include <string.h>

#include "carrete-test-util.h"
#include "validate.h"

typedef gboolean (*Validator) (const char *value, CarreteProblem *problem);

static gboolean
validate_password (const char *value, CarreteProblem *problem)
{
  return users_validate_password ("password", value, problem);
}

/* Checks the verdict and that a refusal adds exactly one error naming
 * `field` (and an acceptance none). */
static void
check (Validator validator, const char *field, const char *value, gboolean want_ok)
{
  g_autoptr (CarreteProblem) problem = carrete_problem_new (422, NULL);
  gboolean ok = validator (value, problem);

  if (ok != want_ok)
    g_error ("%s \"%.60s%s\" (%zu bytes): got %s", field, value, strlen (value) > 60 ? "…" : "",
             strlen (value), ok ? "accepted" : "refused");
  g_assert_cmpuint (carrete_problem_get_n_errors (problem), ==, ok ? 0 : 1);
  if (!ok)
    {
      g_autofree char *json = carrete_problem_to_json (problem, NULL);
      g_autofree char *needle = g_strdup_printf ("\"field\":\"%s\"", field);

      g_assert_nonnull (strstr (json, needle));
    }
}

static void
test_username (void)
{
  g_autofree char *len32 = ct_repeat ("a", 32);
  g_autofree char *len33 = ct_repeat ("a", 33);
  const char *good[] = { "ana", "a.b-c_1", "Ana", "ANA_99", "0.0", "___", len32 };
  const char *bad[] = { "ab", "", "ana maria", "ana@x", "ñandú", "ana/b", "ana\n", "ana\t1",
                        "ana:b", "<ana>", "añ", len33 };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    check (users_validate_username, "username", good[i], TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    check (users_validate_username, "username", bad[i], FALSE);
}

static void
test_email (void)
{
  g_autofree char *local64 = ct_repeat ("a", 64);
  g_autofree char *local65 = ct_repeat ("a", 65);
  g_autofree char *ok64 = g_strconcat (local64, "@example.org", NULL);
  g_autofree char *bad65 = g_strconcat (local65, "@example.org", NULL);
  g_autofree char *label = ct_repeat ("d", 60);
  g_autofree char *long_domain = g_strdup_printf ("ana@%s.%s.%s.%s.%s.org", label, label,
                                                  label, label, label);
  const char *good[] = { "ana@example.org", "ana.maria+fotos@mail.example.co", "A_B@x-y.io",
                         ok64 };
  const char *bad[] = { "ana", "@x.org", "ana@", "ana@x", "a b@x.org", "a@@x.org", "",
                        "ana@x.org.", "ana@.org", "ana@x..org", "ana@x .org", "ana@x,org",
                        "\"ana\"@x.org", "ana@x.org\n", "<ana@x.org>", "ana@b@x.org", bad65,
                        long_domain };

  g_assert_cmpuint (strlen (long_domain), >, 254);
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    check (users_validate_email, "email", good[i], TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    check (users_validate_email, "email", bad[i], FALSE);
}

static void
test_password (void)
{
  g_autofree char *p8 = ct_repeat ("x", 8);
  g_autofree char *p7 = ct_repeat ("x", 7);
  g_autofree char *p1024 = ct_repeat ("x", 1024);
  g_autofree char *p1025 = ct_repeat ("x", 1025);
  g_autofree char *p10000 = ct_repeat ("x", 10000);
  /* Characters, not bytes: 8 two-byte characters are 8 characters... */
  g_autofree char *multi8 = ct_repeat ("ñ", 8);
  /* ...and 7 of them (14 bytes) are still too few. */
  g_autofree char *multi7 = ct_repeat ("ñ", 7);
  /* 1024 four-byte characters (4096 bytes) fit. */
  g_autofree char *multi1024 = ct_repeat ("📷", 1024);
  g_autofree char *multi1025 = ct_repeat ("📷", 1025);
  const char *good[] = { p8, p1024, multi8, multi1024, "correct horse", "  spaces  " };
  const char *bad[] = { "abc", "", p7, p1025, p10000, multi7, multi1025 };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    check (validate_password, "password", good[i], TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    check (validate_password, "password", bad[i], FALSE);
}

static void
test_password_field_name (void)
{
  g_autoptr (CarreteProblem) problem = carrete_problem_new (422, NULL);
  g_autofree char *json = NULL;

  g_assert_false (users_validate_password ("new_password", "short", problem));
  json = carrete_problem_to_json (problem, NULL);
  g_assert_nonnull (strstr (json, "\"field\":\"new_password\""));
}

/* Errors accumulate in one problem, in the order found. */
static void
test_accumulate (void)
{
  g_autoptr (CarreteProblem) problem = carrete_problem_new (422, NULL);
  g_autofree char *json = NULL;
  const char *user, *email, *password;

  g_assert_false (users_validate_username ("x", problem));
  g_assert_false (users_validate_email ("x", problem));
  g_assert_false (users_validate_password ("password", "x", problem));
  g_assert_cmpuint (carrete_problem_get_n_errors (problem), ==, 3);
  json = carrete_problem_to_json (problem, NULL);
  user = strstr (json, "\"username\"");
  email = strstr (json, "\"email\"");
  password = strstr (json, "\"password\"");
  g_assert_nonnull (user);
  g_assert_nonnull (email);
  g_assert_nonnull (password);
  g_assert_true (user < email && email < password);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/carrete/validate/username", test_username);
  g_test_add_func ("/carrete/validate/email", test_email);
  g_test_add_func ("/carrete/validate/password", test_password);
  g_test_add_func ("/carrete/validate/password-field-name", test_password_field_name);
  g_test_add_func ("/carrete/validate/accumulate", test_accumulate);

  return g_test_run ();
}
