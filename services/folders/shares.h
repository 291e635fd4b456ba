#pragma once

#include "service.h"
#include "shares-store.h"

G_BEGIN_DECLS

/* Share links (DESIGN.md, "Sharing" → "Links").  The owner alone creates,
 * lists, changes and revokes them: a folder's link needs the folder's
 * owner (FORBIDDEN for one who may see it, NOT_FOUND for one who may not),
 * a photo's link the photo's owner, as carrete-photos answers for the
 * caller.  Nothing is cached. */

/* At most this many unexpired links per folder or photo. */
#define FOLDERS_SHARES_MAX_LIVE 100

/* Creates a link to `folder_id` or `photo_id` (the other 0) with `fields`
 * (validated by the caller) and `password` (NULL: none; argon2id-hashed
 * here).  CONFLICT past FOLDERS_SHARES_MAX_LIVE.  The link's `token` is
 * set: it is shown only now. */
void folders_shares_create_async (FoldersService *svc, const CarreteCaller *caller,
                                  gint64 folder_id, gint64 photo_id,
                                  const FoldersShareFields *fields, const char *password,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
FoldersShare *folders_shares_create_finish (GAsyncResult *result, GError **error);

/* NOT_FOUND for a link that is not the caller's.  With
 * `fields->set_password`, `password` replaces the password (NULL removes
 * it). */
void folders_shares_update_async (FoldersService *svc, const CarreteCaller *caller, gint64 id,
                                  const FoldersShareFields *fields, const char *password,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
FoldersShare *folders_shares_update_finish (GAsyncResult *result, GError **error);

/* Revokes (deletes) the link.  The task returns a boolean:
 * carrete_request_answer_no_content answers it. */
void folders_shares_delete_async (FoldersService *svc, const CarreteCaller *caller, gint64 id,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);

/* One page of a folder's or a photo's links, oldest first; a cursor is
 * bound to its folder or photo (INVALID for another's, BAD_REQUEST for a
 * forged one). */
void folders_shares_list_async (FoldersService *svc, const CarreteCaller *caller, gint64 folder_id,
                                gint64 photo_id, const char *cursor, guint limit,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data);
GPtrArray *folders_shares_list_finish (GAsyncResult *result, char **next_cursor, GError **error);

/* What a link holder's token covers (share-access.c).  NOT_FOUND for a
 * wrong, expired or revoked token (and a folder in the trash);
 * UNAUTHORIZED for a missing or wrong password; RATE_LIMITED (*retry_after)
 * past login's limits of wrong passwords, per link and client address and
 * per address.  Each success counts as one use of the link. */
void folders_shares_resolve_async (FoldersService *svc, const char *token, const char *password,
                                   const char *client_address, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
FoldersShare *folders_shares_resolve_finish (GAsyncResult *result, guint *retry_after,
                                             GError **error);

/* GET /v1/folders/{id} for a link holder: the folder when the link (as
 * resolved above, with its errors) covers it, with role "link" and the
 * link's allow_download; NOT_FOUND ("No such folder.") when it covers
 * something else. */
void folders_shares_get_folder_async (FoldersService *svc, const char *token, const char *password,
                                      const char *client_address, gint64 folder_id,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data);
FoldersFolder *folders_shares_get_folder_finish (GAsyncResult *result, guint *retry_after,
                                                 GError **error);

/* Forgets wrong-password counters of windows long over (periodic). */
void folders_shares_cleanup (FoldersService *svc);

G_END_DECLS
