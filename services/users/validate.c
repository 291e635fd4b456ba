#define G_LOG_DOMAIN "carrete-users-validate"

#include "validate.h"

#include <string.h>

#define USERNAME_MIN 3
#define USERNAME_MAX 32
#define EMAIL_MAX 254
#define EMAIL_LOCAL_MAX 64
#define PASSWORD_MIN 8
#define PASSWORD_MAX 1024

gboolean
users_validate_username (const char *username, CarreteProblem *problem)
{
  gsize len = strlen (username);

  if (len < USERNAME_MIN || len > USERNAME_MAX)
    {
      carrete_problem_add_field_error (problem, "username", "must be 3 to 32 characters long");
      return FALSE;
    }
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (username[i]) && strchr ("_.-", username[i]) == NULL)
      {
        carrete_problem_add_field_error (problem, "username",
                                         "may contain only letters, digits, '_', '.' and '-'");
        return FALSE;
      }
  return TRUE;
}

static gboolean
email_domain_ok (const char *domain)
{
  const char *dot = strrchr (domain, '.');

  if (*domain == '\0' || *domain == '.' || dot == NULL || dot[1] == '\0' || strstr (domain, ".."))
    return FALSE;
  for (const char *c = domain; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && *c != '-' && *c != '.' && !((guchar) *c >= 0x80))
      return FALSE;
  return TRUE;
}

gboolean
users_validate_email (const char *email, CarreteProblem *problem)
{
  const char *at = strchr (email, '@');
  gboolean ok = at != NULL && at != email && strchr (at + 1, '@') == NULL
                && (gsize) (at - email) <= EMAIL_LOCAL_MAX && strlen (email) <= EMAIL_MAX
                && email_domain_ok (at + 1);

  for (const char *c = email; ok && *c != '\0'; c++)
    if (g_ascii_isspace (*c) || g_ascii_iscntrl (*c) || strchr ("<>()[]\\,;:\"", *c) != NULL)
      ok = FALSE;
  if (!ok)
    carrete_problem_add_field_error (problem, "email",
                                     "must be an email address such as ana@example.org");
  return ok;
}

gboolean
users_validate_password (const char *field, const char *password, CarreteProblem *problem)
{
  glong chars = g_utf8_strlen (password, -1);

  if (chars < PASSWORD_MIN || chars > PASSWORD_MAX)
    {
      carrete_problem_add_field_error (problem, field, "must be 8 to 1024 characters long");
      return FALSE;
    }
  return TRUE;
}
