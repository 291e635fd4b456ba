#pragma once

#include <glib.h>

#include "carrete-problem.h"

G_BEGIN_DECLS

/* The account rules of DESIGN.md, as pure functions.  Each adds a field
 * error to `problem` and returns FALSE when the value breaks a rule. */
gboolean users_validate_username (const char *username, CarreteProblem *problem);
gboolean users_validate_email (const char *email, CarreteProblem *problem);
gboolean users_validate_password (const char *field, const char *password,
                                  CarreteProblem *problem);

G_END_DECLS
