#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One error domain for everything the services report.  Codes map 1:1 to an
 * HTTP answer (see carrete_error_http_status) so that any layer can fail with
 * a GError and the HTTP layer renders it without guessing. */
#define CARRETE_ERROR (carrete_error_quark ())

typedef enum
{
  CARRETE_ERROR_INVALID,       /* 422: a field is wrong */
  CARRETE_ERROR_BAD_REQUEST,   /* 400: the request cannot be parsed */
  CARRETE_ERROR_UNAUTHORIZED,  /* 401 */
  CARRETE_ERROR_FORBIDDEN,     /* 403 */
  CARRETE_ERROR_NOT_FOUND,     /* 404 */
  CARRETE_ERROR_CONFLICT,      /* 409 */
  CARRETE_ERROR_TOO_LARGE,     /* 413 */
  CARRETE_ERROR_RATE_LIMITED,  /* 429 */
  CARRETE_ERROR_UNAVAILABLE,   /* 503: a dependency is down or saturated */
  CARRETE_ERROR_TIMEOUT,       /* 503: a dependency took too long */
  CARRETE_ERROR_FAILED,        /* 500: a bug or an unexpected answer */
  CARRETE_ERROR_CONFIG,        /* start-up only: a bad setting */
  CARRETE_ERROR_UNSUPPORTED,   /* 415: a body of a type the route does not take */
  CARRETE_ERROR_GONE,          /* 410: it existed, and has expired */
} CarreteError;

GQuark carrete_error_quark (void);
guint carrete_error_http_status (const GError *error);

/* Adds one line to a start-up (CARRETE_ERROR_CONFIG) error, creating it if
 * *error is still unset: a check of many settings reports every bad one at
 * once, a line each, instead of one per attempt to start. */
void carrete_error_add_config_line (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS
