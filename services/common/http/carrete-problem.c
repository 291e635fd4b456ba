#define G_LOG_DOMAIN "carrete-problem"

#include "carrete-problem.h"

#include "carrete-error.h"
#include "carrete-json-writer.h"

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
  char *extra_name;  /* one extension member (RFC 9457 §3.2), e.g. existing_id */
  char *extra_value;
};

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
  return problem;
}

CarreteProblem *
carrete_problem_new_from_error (const GError *error)
{
  guint status = carrete_error_http_status (error);

  /* Internal failures keep their details in the log, not in the answer. */
  if (status >= 500 && status != 503)
    return carrete_problem_new (status, "The server failed to handle this request.");
  return carrete_problem_new (status, error->message);
}

void
carrete_problem_free (CarreteProblem *problem)
{
  if (problem == NULL)
    return;
  g_free (problem->detail);
  g_free (problem->extra_name);
  g_free (problem->extra_value);
  g_array_unref (problem->errors);
  g_free (problem);
}

void
carrete_problem_add_field_error (CarreteProblem *problem, const char *field, const char *message)
{
  FieldError fe = { g_strdup (field), g_strdup (message) };
  g_array_append_val (problem->errors, fe);
}

void
carrete_problem_set_member (CarreteProblem *problem, const char *name, const char *value)
{
  g_free (problem->extra_name);
  g_free (problem->extra_value);
  problem->extra_name = g_strdup (name);
  problem->extra_value = g_strdup (value);
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
  if (problem->extra_name != NULL)
    write_member (&writer, problem->extra_name, problem->extra_value);
  if (request_id != NULL)
    write_member (&writer, "request_id", request_id);
  carrete_json_writer_end_object (&writer);
  return g_string_free (text, FALSE);
}
