#pragma once

#include "carrete-db.h"

G_BEGIN_DECLS

/* Shared by the pool's files (carrete-db-error.c). */
GError *carrete_db_unavailable_error (void);
/* A statement's error result as a CarreteError: CONFLICT carries the
 * constraint's name (carrete_db_error_get_constraint), UNAVAILABLE the
 * connection failures and a missing schema, TIMEOUT the statement timeout. */
GError *carrete_db_error_from_result (const PGresult *res);

G_END_DECLS
