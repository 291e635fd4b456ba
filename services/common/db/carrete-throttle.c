#define G_LOG_DOMAIN "carrete-throttle"

#include "carrete-throttle.h"

#include <stdlib.h>

#include "carrete-error.h"

/* The key's counter ($1) stops at its limit + 1 (a blocked key stays
 * blocked without pushing its window out); the address's counter ($2)
 * moves only for attempts that will be judged, so retries against a
 * blocked key do not use up everyone else's budget at that address.  Rows
 * are locked key first, address second; no other statement holds both. */
static const CarreteStatement count_attempt = {
  "throttle_count",
  "WITH name AS ("
  " INSERT INTO login_failures AS f (key, failures, window_start) VALUES ($1, 1, now())"
  " ON CONFLICT (key) DO UPDATE SET"
  "   failures = CASE WHEN f.window_start > now() - make_interval(secs => $3)"
  "                   THEN least(f.failures + 1, $4::int + 1) ELSE 1 END,"
  "   window_start = CASE WHEN f.window_start > now() - make_interval(secs => $3)"
  "                   THEN f.window_start ELSE now() END"
  " RETURNING failures,"
  "   greatest(1, ceil(extract(epoch FROM window_start + make_interval(secs => $3) - now())))::int"
  "     AS retry_after),"
  " address AS ("
  " INSERT INTO login_failures AS f (key, failures, window_start)"
  "   SELECT $2, 1, now() FROM name WHERE name.failures <= $4::int"
  " ON CONFLICT (key) DO UPDATE SET"
  "   failures = CASE WHEN f.window_start > now() - make_interval(secs => $3)"
  "                   THEN least(f.failures + 1, $5::int + 1) ELSE 1 END,"
  "   window_start = CASE WHEN f.window_start > now() - make_interval(secs => $3)"
  "                   THEN f.window_start ELSE now() END"
  " RETURNING failures,"
  "   greatest(1, ceil(extract(epoch FROM window_start + make_interval(secs => $3) - now())))::int"
  "     AS retry_after)"
  " SELECT name.failures, name.retry_after, coalesce(address.failures, 0),"
  "        coalesce(address.retry_after, 0) FROM name LEFT JOIN address ON true",
  5,
};

/* One key at a time, so no two row locks are ever held together. */
static const CarreteStatement forget = {
  "throttle_forget",
  "DELETE FROM login_failures WHERE key = $1",
  1,
};

static const CarreteStatement refund = {
  "throttle_refund",
  "UPDATE login_failures SET failures = greatest(failures - 1, 0) WHERE key = $1",
  1,
};

static const CarreteStatement cleanup = {
  "throttle_cleanup",
  "DELETE FROM login_failures WHERE window_start < now() - interval '1 day'",
  0,
};

void
carrete_throttle_count (CarreteDb *db, const CarreteThrottle *throttle, const char *key,
                        const char *address_key, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_autofree char *window_text = g_strdup_printf ("%u", throttle->window);
  g_autofree char *key_limit_text = g_strdup_printf ("%u", throttle->key_limit);
  g_autofree char *address_limit_text = g_strdup_printf ("%u", throttle->address_limit);
  const char *params[] = { key, address_key, window_text, key_limit_text, address_limit_text };

  carrete_db_query_async (db, &count_attempt, params, cancellable, callback, user_data);
}

gboolean
carrete_throttle_count_finish (CarreteDb *db, const CarreteThrottle *throttle, GAsyncResult *result,
                               const char *what, guint *retry_after, GError **error)
{
  g_autoptr (PGresult) res = carrete_db_query_finish (db, result, error);
  guint for_key, for_address;

  if (res == NULL)
    return FALSE;
  for_key = (guint) strtoul (PQgetvalue (res, 0, 0), NULL, 10);
  for_address = (guint) strtoul (PQgetvalue (res, 0, 2), NULL, 10);
  if (for_key > throttle->key_limit)
    *retry_after = (guint) strtoul (PQgetvalue (res, 0, 1), NULL, 10);
  else if (for_address > throttle->address_limit)
    *retry_after = (guint) strtoul (PQgetvalue (res, 0, 3), NULL, 10);
  else
    return TRUE;
  g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_RATE_LIMITED,
               "Too many %s; try again in %u seconds.", what, *retry_after);
  return FALSE;
}

void
carrete_throttle_forget (CarreteDb *db, const char *key, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  const char *params[] = { key };

  carrete_db_query_async (db, &forget, params, cancellable, callback, user_data);
}

void
carrete_throttle_refund (CarreteDb *db, const char *key, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  const char *params[] = { key };

  carrete_db_query_async (db, &refund, params, cancellable, callback, user_data);
}

void
carrete_throttle_succeeded (CarreteDb *db, const char *key, const char *address_key,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  carrete_throttle_forget (db, key, NULL, callback, user_data);
  carrete_throttle_refund (db, address_key, NULL, callback, user_data);
}

void
carrete_throttle_unjudged (CarreteDb *db, const char *key, const char *address_key,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  carrete_throttle_refund (db, key, NULL, callback, user_data);
  carrete_throttle_refund (db, address_key, NULL, callback, user_data);
}

void
carrete_throttle_cleanup (CarreteDb *db, GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  carrete_db_query_async (db, &cleanup, NULL, cancellable, callback, user_data);
}
