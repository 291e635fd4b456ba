#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* An upload that would take an account over its storage quota.  Its own
 * (extended) error domain, so that the numbers travel with the error to
 * the HTTP layer: carrete_problem_new_from_error() renders it as a 413
 * whose problem carries `quota_bytes` and `usage_bytes`. */
#define CARRETE_QUOTA_ERROR (carrete_quota_error_quark ())

typedef enum
{
  CARRETE_QUOTA_ERROR_EXCEEDED,
} CarreteQuotaError;

GQuark carrete_quota_error_quark (void);

/* The quotas an administrator may set: 0 (no limit) up to 2^60 bytes, beyond
 * any disk and well inside JSON's exact integers. */
#define CARRETE_QUOTA_MAX_BYTES (G_GINT64_CONSTANT (1) << 60)
#define CARRETE_QUOTA_RANGE_RULE "must be between 0 (no limit) and 1152921504606846976 bytes"
#define CARRETE_QUOTA_IN_RANGE(bytes) ((bytes) >= 0 && (bytes) <= CARRETE_QUOTA_MAX_BYTES)

/* `wanted_bytes` is what the refused upload would have added. */
GError *carrete_quota_error_new (gint64 quota_bytes, gint64 usage_bytes, gint64 wanted_bytes);
/* FALSE unless `error` is a quota error; then its numbers. */
gboolean carrete_quota_error_get (const GError *error, gint64 *quota_bytes, gint64 *usage_bytes);

G_END_DECLS
