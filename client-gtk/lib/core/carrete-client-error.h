#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Every failure of the library is a CARRETE_CLIENT_ERROR, except a
 * cancellation, which is G_IO_ERROR_CANCELLED.  The message is the server's
 * problem `detail` (a sentence for people) when the server gave one, else a
 * sentence of ours. */
#define CARRETE_CLIENT_ERROR (carrete_client_error_quark ())

typedef enum
{
  CARRETE_CLIENT_ERROR_UNREACHABLE,         /* no connection / connection lost */
  CARRETE_CLIENT_ERROR_NOT_CARRETE,         /* answers, but not as Carrete does */
  CARRETE_CLIENT_ERROR_INVALID_CREDENTIALS, /* wrong username or password */
  CARRETE_CLIENT_ERROR_UNAUTHORIZED,        /* session over: refresh failed */
  CARRETE_CLIENT_ERROR_FORBIDDEN,           /* 403 */
  CARRETE_CLIENT_ERROR_NOT_FOUND,           /* 404 */
  CARRETE_CLIENT_ERROR_CONFLICT,            /* 409; duplicates carry the existing id */
  CARRETE_CLIENT_ERROR_TOO_LARGE,           /* 413 */
  CARRETE_CLIENT_ERROR_UNSUPPORTED_TYPE,    /* 415 */
  CARRETE_CLIENT_ERROR_INVALID,             /* 400 / 422; see get_field() */
  CARRETE_CLIENT_ERROR_RATE_LIMITED,        /* 429; see get_retry_after() */
  CARRETE_CLIENT_ERROR_UNAVAILABLE,         /* 502 / 503 / 504 */
  CARRETE_CLIENT_ERROR_SERVER,              /* other 5xx */
  CARRETE_CLIENT_ERROR_PROTOCOL,            /* malformed answer from a Carrete server */
  CARRETE_CLIENT_ERROR_LOCAL_FILE,          /* an upload's file: unreadable, empty, not a file */
} CarreteClientError;

GQuark carrete_client_error_quark (void);

/* Extra facts carried by an error of this domain (NULL / 0 when absent or
 * when the error is of another domain). */
/* The id of the photo that already has these bytes (409 duplicate). */
const char *carrete_client_error_get_existing_id (const GError *error);
/* The first field named in the problem's `errors` list (400/422). */
const char *carrete_client_error_get_field (const GError *error);
/* Seconds from Retry-After (429/503), 0 when not given. */
guint carrete_client_error_get_retry_after (const GError *error);
/* The HTTP status behind the error, 0 when there was no answer. */
guint carrete_client_error_get_status (const GError *error);
/* The problem's detail (else its title) followed by every "field: message"
 * of its `errors`, for a page that shows them all at once (carrete-web);
 * NULL when the answer carried no problem. */
const char *carrete_client_error_get_problem_text (const GError *error);
/* What to tell a person: the problem's text when its fields' messages add
 * to the detail (a general "Some fields are invalid." then "password: must
 * be 1 to 1024 characters long"), else the message alone. */
const char *carrete_client_error_get_full_text (const GError *error);
/* Whether the server could not be reached or failed (UNREACHABLE,
 * UNAVAILABLE, SERVER), or the call was cancelled: trying again later may
 * work, so such an answer is not remembered. */
gboolean carrete_client_error_is_transient (const GError *error);

/* The error of an answer that is not a 2xx, from its status and its body as
 * the caller's transport already parsed it (`body` may be NULL; a JSON
 * object is read as a problem); `retry_after` is the header, or NULL. */
GError *carrete_client_error_new_from_answer (guint status, JsonNode *body,
                                              const char *retry_after);

G_END_DECLS
