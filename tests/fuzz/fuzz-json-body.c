/* carrete_json_body_parse and carrete_json_strict_check on raw bytes. */
#include "carrete-json-body.h"
#include "carrete-json-strict.h"
#include "carrete-problem.h"
#include "fuzz-common.h"

/* A table like a route's: every field type, some required, some bounded. */
static const CarreteFieldSpec specs[] = {
  { "name", CARRETE_FIELD_STRING, TRUE, 1, 64 },
  { "email", CARRETE_FIELD_STRING, TRUE, 3, 254 },
  { "age", CARRETE_FIELD_INT, FALSE, 0, 0 },
  { "admin", CARRETE_FIELD_BOOL, FALSE, 0, 0 },
  { "tags", CARRETE_FIELD_STRING_ARRAY, FALSE, 0, 5 },
  { "bio", CARRETE_FIELD_NULLABLE_STRING, FALSE, 0, 200 },
};

FUZZ_INITIALIZE_WITH_FATAL_CRITICALS ()

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  /* An exact-size heap copy, so that ASan sees any read past the end. */
  char *copy = g_memdup2 (data, size);
  const char *reason = NULL;
  gboolean prescan_ok = carrete_json_strict_check (copy != NULL ? copy : "", size, &reason);
  GBytes *body = g_bytes_new_take (copy, size);
  CarreteProblem *problem = NULL;
  JsonObject *object;

  FUZZ_CHECK (prescan_ok || reason != NULL);

  object = carrete_json_body_parse (body, specs, G_N_ELEMENTS (specs), &problem);
  if (object != NULL)
    {
      FUZZ_CHECK (problem == NULL);
      FUZZ_CHECK (prescan_ok);
      for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
        if (specs[i].required)
          FUZZ_CHECK (json_object_has_member (object, specs[i].name));
      json_object_unref (object);
    }
  else
    {
      char *rendered;

      FUZZ_CHECK (problem != NULL);
      FUZZ_CHECK (carrete_problem_get_status (problem) == 400
                  || carrete_problem_get_status (problem) == 422);
      /* A 400 exactly when the prescan refused or json-glib did. */
      if (!prescan_ok)
        FUZZ_CHECK (carrete_problem_get_status (problem) == 400);
      /* Field names come from the body: render them as the server would. */
      rendered = carrete_problem_to_json (problem, "fuzz-request");
      FUZZ_CHECK (rendered != NULL);
      g_free (rendered);
      carrete_problem_free (problem);
    }
  g_bytes_unref (body);
  return 0;
}
