#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* RFC 9457 problem details.  A problem collects field errors while a request
 * is validated and renders as application/problem+json. */
typedef struct _CarreteProblem CarreteProblem;

CarreteProblem *carrete_problem_new (guint status, const char *detail);
CarreteProblem *carrete_problem_new_from_error (const GError *error);
void carrete_problem_free (CarreteProblem *problem);

void carrete_problem_add_field_error (CarreteProblem *problem, const char *field,
                                      const char *message);
/* An extension member with a string value, e.g. the id of a duplicate. */
void carrete_problem_set_member (CarreteProblem *problem, const char *name, const char *value);
/* An extension member with an integer value, e.g. quota_bytes. */
void carrete_problem_set_int_member (CarreteProblem *problem, const char *name, gint64 value);
guint carrete_problem_get_status (const CarreteProblem *problem);
guint carrete_problem_get_n_errors (const CarreteProblem *problem);

/* The `type` URI and `title` for a status, e.g. urn:carrete:problem:not-found. */
const char *carrete_problem_type_for_status (guint status);
const char *carrete_problem_title_for_status (guint status);

char *carrete_problem_to_json (const CarreteProblem *problem, const char *request_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarreteProblem, carrete_problem_free)

G_END_DECLS
