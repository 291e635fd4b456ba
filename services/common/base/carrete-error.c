#define G_LOG_DOMAIN "carrete-error"

#include "carrete-error.h"

#include "carrete-quota-error.h"

#include <gio/gio.h>

G_DEFINE_QUARK (carrete-error-quark, carrete_error)

guint
carrete_error_http_status (const GError *error)
{
  static const guint status_by_code[] = {
    [CARRETE_ERROR_INVALID] = 422,
    [CARRETE_ERROR_BAD_REQUEST] = 400,
    [CARRETE_ERROR_UNAUTHORIZED] = 401,
    [CARRETE_ERROR_FORBIDDEN] = 403,
    [CARRETE_ERROR_NOT_FOUND] = 404,
    [CARRETE_ERROR_CONFLICT] = 409,
    [CARRETE_ERROR_TOO_LARGE] = 413,
    [CARRETE_ERROR_RATE_LIMITED] = 429,
    [CARRETE_ERROR_UNAVAILABLE] = 503,
    [CARRETE_ERROR_TIMEOUT] = 503,
    [CARRETE_ERROR_FAILED] = 500,
    [CARRETE_ERROR_CONFIG] = 500,
    [CARRETE_ERROR_UNSUPPORTED] = 415,
    [CARRETE_ERROR_GONE] = 410,
  };

  /* The client hung up and the work was cancelled: nobody reads the
   * answer, but the log and /metrics say what happened (nginx's 499). */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return 499;
  if (error != NULL && error->domain == CARRETE_QUOTA_ERROR)
    return 413;
  if (error == NULL || error->domain != CARRETE_ERROR)
    return 500;
  if ((guint) error->code >= G_N_ELEMENTS (status_by_code))
    return 500;
  return status_by_code[error->code];
}

void
carrete_error_add_config_line (GError **error, const char *format, ...)
{
  va_list args;
  g_autofree char *line = NULL;

  if (error == NULL)
    return;
  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);
  if (*error == NULL)
    {
      g_set_error_literal (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG, line);
      return;
    }
  g_return_if_fail (g_error_matches (*error, CARRETE_ERROR, CARRETE_ERROR_CONFIG));
  {
    char *joined = g_strconcat ((*error)->message, "\n", line, NULL);
    g_free ((*error)->message);
    (*error)->message = joined;
  }
}
