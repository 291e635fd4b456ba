#define G_LOG_DOMAIN "carrete-folders-validate"

#include "validate.h"

#include <string.h>

static gboolean
has_control_character (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

/* A folder's name or a link's label (`field`): trimmed, 1–128 characters,
 * no control characters. */
static char *
validate_text (const char *field, const char *text, CarreteProblem *problem)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  glong chars = g_utf8_strlen (trimmed, -1);

  if (chars < 1 || chars > FOLDERS_NAME_MAX)
    {
      carrete_problem_add_field_error (problem, field, "must be 1 to 128 characters long");
      return NULL;
    }
  if (has_control_character (trimmed))
    {
      carrete_problem_add_field_error (problem, field, "must not contain control characters");
      return NULL;
    }
  return g_steal_pointer (&trimmed);
}

char *
folders_validate_name (const char *name, CarreteProblem *problem)
{
  return validate_text ("name", name, problem);
}

char *
folders_validate_label (const char *label, CarreteProblem *problem)
{
  return validate_text ("label", label, problem);
}

gboolean
folders_validate_link_password (const char *password, CarreteProblem *problem)
{
  glong chars = g_utf8_strlen (password, -1);

  if (chars < 1 || chars > FOLDERS_LINK_PASSWORD_MAX)
    {
      carrete_problem_add_field_error (problem, "password", "must be 1 to 1024 characters long");
      return FALSE;
    }
  /* A link holder sends it in a header (X-Carrete-Share-Password), which
   * cannot carry a line break: such a password could never be used. */
  if (strpbrk (password, "\r\n") != NULL)
    {
      carrete_problem_add_field_error (problem, "password", "must not contain a line break");
      return FALSE;
    }
  return TRUE;
}

char *
folders_validate_expiry (const char *text, GDateTime *now, CarreteProblem *problem)
{
  g_autoptr (GDateTime) time = folders_parse_time ("expires_at", text, problem);
  g_autoptr (GDateTime) latest = g_date_time_add_years (now, FOLDERS_LINK_MAX_YEARS);
  g_autoptr (GDateTime) utc = NULL;

  if (time == NULL)
    return NULL;
  if (g_date_time_compare (time, now) <= 0)
    {
      carrete_problem_add_field_error (problem, "expires_at", "must be in the future");
      return NULL;
    }
  if (g_date_time_compare (time, latest) > 0)
    {
      carrete_problem_add_field_error (problem, "expires_at", "must be at most 10 years from now");
      return NULL;
    }
  utc = g_date_time_to_utc (time);
  return g_date_time_format_iso8601 (utc);
}

gboolean
folders_validate_visibility (const char *visibility, CarreteProblem *problem)
{
  if (g_strcmp0 (visibility, "private") == 0 || g_strcmp0 (visibility, "public") == 0)
    return TRUE;
  carrete_problem_add_field_error (problem, "visibility", "must be \"private\" or \"public\"");
  return FALSE;
}

/* One tag in its stored form, or NULL with the reason in *reason. */
static char *
normalise_tag (const char *raw, const char **reason)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (raw));
  g_autofree char *composed = g_utf8_normalize (trimmed, -1, G_NORMALIZE_NFC);
  g_autofree char *lower = NULL;
  glong chars;

  if (composed == NULL)
    {
      *reason = "must be valid UTF-8";
      return NULL;
    }
  lower = g_utf8_strdown (composed, -1);
  /* Counted as given (trimmed), as the OpenAPI document says: lower-casing
   * may lengthen a tag (U+0130 becomes two characters). */
  chars = g_utf8_strlen (trimmed, -1);
  if (chars < 1 || chars > FOLDERS_TAG_MAX)
    *reason = "must be 1 to 32 characters long";
  else if (strchr (lower, ',') != NULL)
    *reason = "must not contain a comma";
  else if (has_control_character (lower))
    *reason = "must not contain control characters";
  else
    return g_steal_pointer (&lower);
  return NULL;
}

char **
folders_normalise_tags (const char *field, const char *const *items, guint n_items,
                        CarreteProblem *problem)
{
  g_autoptr (GPtrArray) tags = g_ptr_array_new_with_free_func (g_free);
  guint errors = carrete_problem_get_n_errors (problem);

  for (guint i = 0; i < n_items; i++)
    {
      const char *reason = NULL;
      char *tag = normalise_tag (items[i], &reason);

      if (tag == NULL)
        {
          g_autofree char *name = g_strdup_printf ("%s[%u]", field, i);
          carrete_problem_add_field_error (problem, name, reason);
          continue;
        }
      if (g_ptr_array_find_with_equal_func (tags, tag, g_str_equal, NULL))
        g_free (tag);
      else
        g_ptr_array_add (tags, tag);
    }
  if (carrete_problem_get_n_errors (problem) > errors)
    return NULL;
  if (tags->len > FOLDERS_TAGS_MAX)
    {
      carrete_problem_add_field_error (problem, field, "must hold at most 20 different tags");
      return NULL;
    }
  g_ptr_array_add (tags, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&tags), FALSE);
}

char **
folders_parse_tag_list (const char *text, CarreteProblem *problem)
{
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);
  g_autoptr (GPtrArray) items = g_ptr_array_new ();
  g_auto (GStrv) tags = NULL;
  guint errors = carrete_problem_get_n_errors (problem);

  for (guint i = 0; parts[i] != NULL; i++)
    if (*g_strstrip (parts[i]) != '\0')
      g_ptr_array_add (items, parts[i]);
  if (items->len == 0)
    return NULL;
  tags = folders_normalise_tags ("tags", (const char *const *) items->pdata, items->len, problem);
  if (carrete_problem_get_n_errors (problem) > errors)
    return NULL;
  return g_steal_pointer (&tags);
}

GDateTime *
folders_parse_time (const char *field, const char *text, CarreteProblem *problem)
{
  static GRegex *rfc3339 = NULL;
  g_autofree char *upper = NULL;
  GDateTime *time = NULL;

  if (g_once_init_enter (&rfc3339))
    g_once_init_leave (&rfc3339,
                       g_regex_new ("^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}"
                                    "(\\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})$",
                                    G_REGEX_OPTIMIZE, 0, NULL));
  if (g_regex_match (rfc3339, text, 0, NULL))
    {
      upper = g_ascii_strup (text, -1);
      time = g_date_time_new_from_iso8601 (upper, NULL);
    }
  if (time == NULL)
    carrete_problem_add_field_error (
        problem, field,
        "must be an RFC 3339 date-time such as 2024-05-01T10:00:00Z (write + as %2B in a URL)");
  return time;
}
