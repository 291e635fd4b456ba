#pragma once

#include <gio/gio.h>

#include "carrete-client-types.h"
#include "carrete-keyring.h"
#include "carrete-types.h"

G_BEGIN_DECLS

/* Who is signed in: the session's CarreteClient and its copy in the keyring.
 * It keeps the keyring in step with the client's tokens (stored on sign-in
 * and on every rotation, forgotten on sign-out and when the server refuses
 * them).  The window owns one for its lifetime and builds the gallery on
 * whatever client it holds.  Signals: ::expired () after the server refused
 * the refresh token (the keyring has already forgotten it; the client is
 * kept, so that its uploads go on once the user signs in again). */
#define CARRETE_TYPE_SESSION (carrete_session_get_type ())
G_DECLARE_FINAL_TYPE (CarreteSession, carrete_session, CARRETE, SESSION, GObject)

CarreteSession *carrete_session_new (void);

/* The signed-in client, or NULL. */
CarreteClient *carrete_session_get_client (CarreteSession *self);

/* `client` has signed in (the sign-in page, or a restore): it becomes the
 * session's client and its tokens are kept in the keyring.  FALSE when it
 * already was the session's client (signed in again after ::expired). */
gboolean carrete_session_begin (CarreteSession *self, CarreteClient *client);

/* Signs in with the session kept in the keyring.  The finish returns the
 * signed-in client (not yet the session's: pass it to _begin), or NULL:
 * without an error when nothing is stored or there is no keyring, with the
 * client's error when the server refused (UNAUTHORIZED: the keyring has
 * forgotten it) or could not be asked.  `stored` (may be NULL) receives what
 * the keyring held, to fill the sign-in page with. */
void carrete_session_restore_async (CarreteSession *self, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data);
CarreteClient *carrete_session_restore_finish (CarreteSession *self, GAsyncResult *result,
                                               CarreteKeyringEntry **stored, GError **error);

/* Signs out: tells the server (in the background; failing that the tokens
 * are still forgotten), forgets the keyring's copy and lets go of the client. */
void carrete_session_sign_out (CarreteSession *self);

/* Lets go of the client and keeps the keyring's copy (the app closing, or
 * another account signing in). */
void carrete_session_end (CarreteSession *self);

G_END_DECLS
