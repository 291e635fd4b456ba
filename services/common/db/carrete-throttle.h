#pragma once

#include "carrete-db.h"

G_BEGIN_DECLS

/* Password guesses throttled alike wherever a password is checked: the
 * logins and current-password checks of carrete-users and the link
 * passwords of carrete-folders.  Attempts are counted in the service's own
 * database (table login_failures, the same in each: sql/users/001_users.sql,
 * sql/folders/004_shares.sql) per key (what is guessed at, with the client
 * address where that fits) and per client address, in one window, before
 * the password is checked, so parallel guesses cannot all slip under the
 * limit. */
typedef struct
{
  guint window;        /* seconds */
  guint key_limit;     /* failures per window and key */
  guint address_limit; /* failures per window and client address */
} CarreteThrottle;

/* Logins' limits, which every password check shares: 10 failures per key
 * and 100 per address in 15 minutes. */
#define CARRETE_PASSWORD_THROTTLE ((CarreteThrottle){ 15 * 60, 10, 100 })

/* Counts one attempt against `key` and `address_key`; counters stop at
 * their limit + 1, and the address is counted only while the key is not
 * over its limit. */
void carrete_throttle_count (CarreteDb *db, const CarreteThrottle *throttle, const char *key,
                             const char *address_key, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
/* TRUE when the attempt may go on; FALSE with CARRETE_ERROR_RATE_LIMITED
 * ("Too many `what`; try again in N seconds.", N in *retry_after) over a
 * limit, or the database's error. */
gboolean carrete_throttle_count_finish (CarreteDb *db, const CarreteThrottle *throttle,
                                        GAsyncResult *result, const char *what, guint *retry_after,
                                        GError **error);

/* Forgets a key's attempts (after a success). */
void carrete_throttle_forget (CarreteDb *db, const char *key, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data);
/* Gives one attempt back (a success at that address, or an attempt that
 * was never judged). */
void carrete_throttle_refund (CarreteDb *db, const char *key, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data);
/* The bookkeeping after a check, each step's failure passed to `callback`
 * (a statement run for its effect; `user_data` its data): a correct
 * password forgets the key's failures and gives the address its attempt
 * back; an attempt counted but never judged (the database or the hashing
 * pool failed, the client hung up) gives both back, so that an outage
 * locks nobody out.  Not cancellable: they run whatever becomes of the
 * request. */
void carrete_throttle_succeeded (CarreteDb *db, const char *key, const char *address_key,
                                 GAsyncReadyCallback callback, gpointer user_data);
void carrete_throttle_unjudged (CarreteDb *db, const char *key, const char *address_key,
                                GAsyncReadyCallback callback, gpointer user_data);
/* Drops the counters of windows that ended more than a day ago. */
void carrete_throttle_cleanup (CarreteDb *db, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);

G_END_DECLS
