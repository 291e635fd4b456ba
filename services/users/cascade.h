#pragma once

#include <gio/gio.h>

#include "carrete-ids.h"
#include "carrete-jwt.h"
#include "carrete-service-client.h"

G_BEGIN_DECLS

/* Account deletion reaches beyond the users database: a user's photos (and
 * their stored objects) and folders live in the other services.  Before the
 * user row goes, this asks carrete-photos and then carrete-folders to delete
 * everything the user owns, each with a 60-second token minted for that
 * user (so it works the same for an administrator deleting someone else).
 * Both calls are idempotent: a failure half-way answers 503, the user row
 * stays, and the same request completes the job when retried. */
typedef struct _UsersCascade UsersCascade;

/* NULL when either URL is missing (a users service run alone). */
UsersCascade *users_cascade_new (const char *photos_url, const char *folders_url,
                                 CarreteJwt *jwt, const CarreteIds *ids);
void users_cascade_free (UsersCascade *cascade);

/* carrete-photos, with a short timeout, for the quota calls (usage.c). */
CarreteServiceClient *users_cascade_get_photos (UsersCascade *cascade);
/* The opaque id of `user_id`, as the other services name users. */
char *users_cascade_encode_user (UsersCascade *cascade, gint64 user_id);
/* A 60-second token that speaks for `user_id` with `role` to the others. */
char *users_cascade_mint_token (UsersCascade *cascade, gint64 user_id, const char *role,
                                GError **error);
void users_cascade_delete_async (UsersCascade *cascade, gint64 user_id, const char *request_id,
                                 GAsyncReadyCallback callback, gpointer user_data);
gboolean users_cascade_delete_finish (GAsyncResult *result, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UsersCascade, users_cascade_free)

G_END_DECLS
