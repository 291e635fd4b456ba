#define G_LOG_DOMAIN "carrete-client-error"

#include <string.h>

#include "carrete-client-error.h"
#include "carrete-api-private.h"

/* The extra facts travel in the GError itself (an extended error domain), so
 * that they survive g_error_copy() and GTask. */
typedef struct
{
  char *existing_id;
  char *field;
  char *problem_text;
  guint retry_after;
  guint status;
} CarreteClientErrorPrivate;

static void
carrete_client_error_private_init (CarreteClientErrorPrivate *priv)
{
}

static void
carrete_client_error_private_copy (const CarreteClientErrorPrivate *src,
                                   CarreteClientErrorPrivate *dest)
{
  /* GLib never passes NULL; the check keeps -Wnull-dereference quiet at -O2,
   * where GCC cannot see that through G_DEFINE_EXTENDED_ERROR. */
  if (src == NULL || dest == NULL)
    return;
  dest->existing_id = g_strdup (src->existing_id);
  dest->field = g_strdup (src->field);
  dest->problem_text = g_strdup (src->problem_text);
  dest->retry_after = src->retry_after;
  dest->status = src->status;
}

static void
carrete_client_error_private_clear (CarreteClientErrorPrivate *priv)
{
  if (priv == NULL) /* as above: for -Wnull-dereference at -O2 */
    return;
  g_clear_pointer (&priv->existing_id, g_free);
  g_clear_pointer (&priv->field, g_free);
  g_clear_pointer (&priv->problem_text, g_free);
}

G_DEFINE_EXTENDED_ERROR (CarreteClientError, carrete_client_error)

/* NULL for errors of other domains (a cancellation is a GIOError). */
static CarreteClientErrorPrivate *
private_of (const GError *error)
{
  if (error == NULL || error->domain != CARRETE_CLIENT_ERROR)
    return NULL;
  return carrete_client_error_get_private (error);
}

const char *
carrete_client_error_get_existing_id (const GError *error)
{
  CarreteClientErrorPrivate *priv = private_of (error);

  return priv != NULL ? priv->existing_id : NULL;
}

const char *
carrete_client_error_get_field (const GError *error)
{
  CarreteClientErrorPrivate *priv = private_of (error);

  return priv != NULL ? priv->field : NULL;
}

const char *
carrete_client_error_get_problem_text (const GError *error)
{
  CarreteClientErrorPrivate *priv = private_of (error);

  return priv != NULL ? priv->problem_text : NULL;
}

const char *
carrete_client_error_get_full_text (const GError *error)
{
  const char *text = carrete_client_error_get_problem_text (error);
  const char *rest;

  if (text == NULL || !g_str_has_prefix (text, error->message))
    return error->message;
  /* "You own this folder… user_id: You own this folder…" says it twice. */
  rest = text + strlen (error->message);
  return strstr (rest, error->message) != NULL ? error->message : text;
}

gboolean
carrete_client_error_is_transient (const GError *error)
{
  return g_error_matches (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNREACHABLE)
         || g_error_matches (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNAVAILABLE)
         || g_error_matches (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_SERVER)
         || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

guint
carrete_client_error_get_retry_after (const GError *error)
{
  CarreteClientErrorPrivate *priv = private_of (error);

  return priv != NULL ? priv->retry_after : 0;
}

guint
carrete_client_error_get_status (const GError *error)
{
  CarreteClientErrorPrivate *priv = private_of (error);

  return priv != NULL ? priv->status : 0;
}

void
_carrete_client_error_set_details (GError *error, guint status, const char *existing_id,
                                   const char *field, guint retry_after)
{
  CarreteClientErrorPrivate *priv = private_of (error);

  if (priv == NULL)
    return;
  priv->status = status;
  g_free (priv->existing_id);
  priv->existing_id = g_strdup (existing_id);
  g_free (priv->field);
  priv->field = g_strdup (field);
  priv->retry_after = retry_after;
}

void
_carrete_client_error_set_problem_text (GError *error, const char *text)
{
  CarreteClientErrorPrivate *priv = private_of (error);

  if (priv == NULL)
    return;
  g_free (priv->problem_text);
  priv->problem_text = g_strdup (text);
}
