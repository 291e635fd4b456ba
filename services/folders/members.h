#pragma once

#include "service.h"

G_BEGIN_DECLS

/* Folder members: the owner alone adds, re-roles, lists and removes them.
 * A caller who may see the folder but does not own it (a member, or anyone
 * for a public folder) gets FORBIDDEN; one who may not see it NOT_FOUND.
 * Nothing is cached: the folder and the caller's role are read for every
 * request, here and when carrete-photos asks (GET /v1/folders/{id}). */

/* Adds `user_id` as `role` ("viewer" or "contributor", validated by the
 * caller) or changes their role.  INVALID for the owner themself,
 * NOT_FOUND ("No such user.") for an account carrete-users does not know.
 * The member's `created` says whether they are new. */
void folders_members_put_async (FoldersService *svc, const CarreteCaller *caller, gint64 folder_id,
                                gint64 user_id, const char *role, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
FoldersMember *folders_members_put_finish (GAsyncResult *result, GError **error);

/* NOT_FOUND ("No such member.") when `user_id` is not a member.  The task
 * returns a boolean: carrete_request_answer_no_content answers it. */
void folders_members_delete_async (FoldersService *svc, const CarreteCaller *caller,
                                   gint64 folder_id, gint64 user_id, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);

/* One page of the members, oldest first; a cursor is bound to its folder
 * (INVALID for another's, BAD_REQUEST for a forged one). */
void folders_members_list_async (FoldersService *svc, const CarreteCaller *caller, gint64 folder_id,
                                 const char *cursor, guint limit, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *folders_members_list_finish (GAsyncResult *result, char **next_cursor, GError **error);

G_END_DECLS
