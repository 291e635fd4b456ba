#define G_LOG_DOMAIN "carrete-quota-error"

#include "carrete-quota-error.h"

typedef struct
{
  gint64 quota_bytes;
  gint64 usage_bytes;
} CarreteQuotaErrorPrivate;

static void
carrete_quota_error_private_init (CarreteQuotaErrorPrivate *priv)
{
  if (priv != NULL)
    *priv = (CarreteQuotaErrorPrivate) { 0, 0 };
}

/* GLib hands these over from its own lookups, which an optimising build
 * sees may be NULL: every use checks. */
static void
carrete_quota_error_private_copy (const CarreteQuotaErrorPrivate *src, CarreteQuotaErrorPrivate *dest)
{
  if (src != NULL && dest != NULL)
    *dest = *src;
}

static void
carrete_quota_error_private_clear (CarreteQuotaErrorPrivate *priv)
{
}

G_DEFINE_EXTENDED_ERROR (CarreteQuotaError, carrete_quota_error)

GError *
carrete_quota_error_new (gint64 quota_bytes, gint64 usage_bytes, gint64 wanted_bytes)
{
  GError *error = g_error_new (CARRETE_QUOTA_ERROR, CARRETE_QUOTA_ERROR_EXCEEDED,
                               "This upload of %" G_GINT64_FORMAT " bytes would take the account"
                               " over its storage quota: %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT
                               " bytes are used. Delete photos (and empty the trash) or ask an"
                               " administrator for more room.",
                               wanted_bytes, usage_bytes, quota_bytes);
  CarreteQuotaErrorPrivate *priv = carrete_quota_error_get_private (error);

  if (priv != NULL)
    *priv = (CarreteQuotaErrorPrivate) { quota_bytes, usage_bytes };
  return error;
}

gboolean
carrete_quota_error_get (const GError *error, gint64 *quota_bytes, gint64 *usage_bytes)
{
  CarreteQuotaErrorPrivate *priv;

  if (error == NULL || error->domain != CARRETE_QUOTA_ERROR)
    return FALSE;
  priv = carrete_quota_error_get_private (error);
  if (priv == NULL)
    return FALSE;
  *quota_bytes = priv->quota_bytes;
  *usage_bytes = priv->usage_bytes;
  return TRUE;
}
