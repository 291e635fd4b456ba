#define G_LOG_DOMAIN "carrete-problem"

#include "carrete-problem.h"

#include "carrete-error.h"
#include "carrete-json-writer.h"
#include "carrete-quota-error.h"

typedef struct
{
  char *field;
  char *message;
} FieldError;

struct _CarreteProblem
{
  guint status;
  char *detail;
  GArray *errors; /* FieldError */
  GArray *members; /* Member: extension members (RFC 9457 §3.2), e.g. existing_id */
};

typedef struct
{
  char *name;
  char *text;     /* a string member's value */
  gint64 number;  /* an integer member's, when text is NULL */
} Member;

typedef struct
{
  guint status;
  const char *slug;
  const char *title;
} ProblemKind;

static const ProblemKind problem_kinds[] = {
  { 400, "bad-request", "Bad request" },
  { 401, "unauthorized", "Authentication required" },
  { 403, "forbidden", "Not allowed" },
  { 404, "not-found", "Not found" },
  { 405, "method-not-allowed", "Method not allowed" },
  { 409, "conflict", "Conflict" },
  { 410, "gone", "Gone" },
  { 413, "payload-too-large", "Request body too large" },
  { 415, "unsupported-media-type", "Unsupported media type" },
  { 422, "validation", "Invalid request" },
  { 429, "rate-limited", "Too many requests" },
  { 500, "internal", "Internal error" },
  { 503, "unavailable", "Service unavailable" },
};

static const ProblemKind *
problem_kind_for_status (guint status)
{
  for (guint i = 0; i < G_N_ELEMENTS (problem_kinds); i++)
    if (problem_kinds[i].status == status)
      return &problem_kinds[i];
  return status >= 500 ? &problem_kinds[G_N_ELEMENTS (problem_kinds) - 2] : &problem_kinds[0];
}

const char *
carrete_problem_type_for_status (guint status)
{
  static GHashTable *types = NULL;
  const ProblemKind *kind = problem_kind_for_status (status);

  /* Built once: the strings live as long as the process. */
  if (g_once_init_enter (&types))
    {
      GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
      for (guint i = 0; i < G_N_ELEMENTS (problem_kinds); i++)
        g_hash_table_insert (table, (gpointer) problem_kinds[i].slug,
                             g_strconcat ("urn:carrete:problem:", problem_kinds[i].slug, NULL));
      g_once_init_leave (&types, table);
    }
  return g_hash_table_lookup (types, kind->slug);
}

const char *
carrete_problem_title_for_status (guint status)
{
  return problem_kind_for_status (status)->title;
}

static void
member_clear (gpointer data)
{
  Member *member = data;
  g_free (member->name);
  g_free (member->text);
}

static void
field_error_clear (gpointer data)
{
  FieldError *fe = data;
  g_free (fe->field);
  g_free (fe->message);
}

CarreteProblem *
carrete_problem_new (guint status, const char *detail)
{
  CarreteProblem *problem = g_new0 (CarreteProblem, 1);

  problem->status = status;
  problem->detail = g_strdup (detail);
  problem->errors = g_array_new (FALSE, FALSE, sizeof (FieldError));
  g_array_set_clear_func (problem->errors, field_error_clear);
  problem->members = g_array_new (FALSE, FALSE, sizeof (Member));
  g_array_set_clear_func (problem->members, member_clear);
  return problem;
}

CarreteProblem *
carrete_problem_new_from_error (const GError *error)
{
  guint status = carrete_error_http_status (error);
  CarreteProblem *problem;
  gint64 quota_bytes, usage_bytes;

  /* Internal failures keep their details in the log, not in the answer. */
  if (status >= 500 && status != 503)
    return carrete_problem_new (status, "The server failed to handle this request.");
  problem = carrete_problem_new (status, error->message);
  /* A client shows how much room is left without parsing the detail. */
  if (carrete_quota_error_get (error, &quota_bytes, &usage_bytes))
    {
      carrete_problem_set_int_member (problem, "quota_bytes", quota_bytes);
      carrete_problem_set_int_member (problem, "usage_bytes", usage_bytes);
    }
  return problem;
}

void
carrete_problem_free (CarreteProblem *problem)
{
  if (problem == NULL)
    return;
  g_free (problem->detail);
  g_array_unref (problem->members);
  g_array_unref (problem->errors);
  g_free (problem);
}

void
carrete_problem_add_field_error (CarreteProblem *problem, const char *field, const char *message)
{
  FieldError fe = { g_strdup (field), g_strdup (message) };
  g_array_append_val (problem->errors, fe);
}

/* A member set twice keeps its last value. */
static Member *
member_slot (CarreteProblem *problem, const char *name)
{
  Member fresh = { g_strdup (name), NULL, 0 };

  for (guint i = 0; i < problem->members->len; i++)
    {
      Member *member = &g_array_index (problem->members, Member, i);

      if (g_str_equal (member->name, name))
        {
          g_clear_pointer (&member->text, g_free);
          g_free (fresh.name);
          return member;
        }
    }
  g_array_append_val (problem->members, fresh);
  return &g_array_index (problem->members, Member, problem->members->len - 1);
}

void
carrete_problem_set_member (CarreteProblem *problem, const char *name, const char *value)
{
  member_slot (problem, name)->text = g_strdup (value);
}

void
carrete_problem_set_int_member (CarreteProblem *problem, const char *name, gint64 value)
{
  member_slot (problem, name)->number = value;
}

guint
carrete_problem_get_status (const CarreteProblem *problem)
{
  return problem->status;
}

guint
carrete_problem_get_n_errors (const CarreteProblem *problem)
{
  return problem->errors->len;
}

/* Details, field names and messages may quote what a client sent: text
 * that is not UTF-8 is repaired, so that the answer stays JSON.  Member
 * names are our own. */
static void
write_member (CarreteJsonWriter *writer, const char *name, const char *value)
{
  g_autofree char *repaired = NULL;

  if (!g_utf8_validate (value, -1, NULL))
    value = repaired = g_utf8_make_valid (value, -1);
  carrete_json_writer_member (writer, name);
  carrete_json_writer_string (writer, value);
}

char *
carrete_problem_to_json (const CarreteProblem *problem, const char *request_id)
{
  GString *text = g_string_sized_new (256);
  CarreteJsonWriter writer;

  carrete_json_writer_init (&writer, text);
  carrete_json_writer_begin_object (&writer);
  write_member (&writer, "type", carrete_problem_type_for_status (problem->status));
  write_member (&writer, "title", carrete_problem_title_for_status (problem->status));
  carrete_json_writer_member (&writer, "status");
  carrete_json_writer_int (&writer, problem->status);
  write_member (&writer, "detail", problem->detail != NULL ? problem->detail : "");
  carrete_json_writer_member (&writer, "errors");
  carrete_json_writer_begin_array (&writer);
  for (guint i = 0; i < problem->errors->len; i++)
    {
      const FieldError *fe = &g_array_index (problem->errors, FieldError, i);

      carrete_json_writer_begin_object (&writer);
      write_member (&writer, "field", fe->field);
      write_member (&writer, "message", fe->message);
      carrete_json_writer_end_object (&writer);
    }
  carrete_json_writer_end_array (&writer);
  for (guint i = 0; i < problem->members->len; i++)
    {
      const Member *member = &g_array_index (problem->members, Member, i);

      if (member->text != NULL)
        write_member (&writer, member->name, member->text);
      else
        {
          carrete_json_writer_member (&writer, member->name);
          carrete_json_writer_int (&writer, member->number);
        }
    }
  if (request_id != NULL)
    write_member (&writer, "request_id", request_id);
  carrete_json_writer_end_object (&writer);
  return g_string_free (text, FALSE);
}
