#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* One token refresh at a time per key, whoever asks.  The users service
 * rotates refresh tokens and takes a rotated token used twice for theft,
 * revoking the whole family: so callers that need the same refresh (two
 * calls of the desktop answered 401, two tabs of a browser) share one call
 * to /v1/auth/refresh.  The first caller of a key starts the refresh; the
 * others wait for its answer, which is then kept `keep_seconds` for callers
 * that arrive just after.  A transient failure
 * (carrete_client_error_is_transient()) is never kept: the next caller
 * tries again.
 *
 * Thread-safe: one gate may serve several threads, each with its own
 * thread-default main context; every waiter is answered on the context
 * that was thread-default when it called wait_async(). */
typedef struct _CarreteRefreshGate CarreteRefreshGate;

/* Starts the refresh of `key`, called at once, on the first waiter's
 * thread, outside the gate's lock.  Whatever it starts must end with
 * carrete_refresh_gate_answer() for `key`, exactly once. */
typedef void (*CarreteRefreshStartFunc) (CarreteRefreshGate *gate, const char *key,
                                         gpointer start_data);

CarreteRefreshGate *carrete_refresh_gate_new (guint keep_seconds);
/* Every refresh must have been answered. */
void carrete_refresh_gate_free (CarreteRefreshGate *gate);

/* Waits for the refresh of `key`: takes an answer kept from one that ended
 * less than keep_seconds ago, or joins the one in flight, or else calls
 * `start` with `start_data`.  A cancelled `cancellable` does not stop the
 * refresh (others may wait for it); the caller's finish then says
 * G_IO_ERROR_CANCELLED. */
void carrete_refresh_gate_wait_async (CarreteRefreshGate *gate, const char *key,
                                      CarreteRefreshStartFunc start, gpointer start_data,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data);
/* TRUE with the refresh's answer in *answer (when `answer` is not NULL; a
 * sealed node: read it from any thread, never change it), or FALSE with
 * `error` set. */
gboolean carrete_refresh_gate_wait_finish (GAsyncResult *result, JsonNode **answer, GError **error);

/* Ends the refresh of `key` with `answer` (referenced and sealed) or, when
 * `answer` is NULL, `error`; may be called from any thread. */
void carrete_refresh_gate_answer (CarreteRefreshGate *gate, const char *key, JsonNode *answer,
                                  const GError *error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarreteRefreshGate, carrete_refresh_gate_free)

G_END_DECLS
