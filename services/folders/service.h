#pragma once

#include <gio/gio.h>

#include "carrete-accounts.h"
#include "carrete-caller.h"

#include "carrete-cursor.h"
#include "carrete-password.h"
#include "carrete-throttle.h"
#include "carrete-workers.h"
#include "carrete-ids.h"
#include "model.h"
#include "photos-client.h"
#include "share-uses.h"
#include "store.h"

G_BEGIN_DECLS

/* The rules of the folders service: who may see and change which folder,
 * name conflicts, keyset pages bound to their search, and deletion through
 * the photos service.  Every operation is async; errors are CARRETE_ERROR
 * codes that the routes render as problems.  A `cancellable` (the
 * request's, which fires when the client hangs up) stops the operation's
 * statements and fails it with G_IO_ERROR_CANCELLED.  Deletions take none:
 * one that has begun is finished, never left half done. */
typedef struct
{
  FoldersStore *store;
  FoldersPhotos *photos;
  CarreteAccounts *accounts; /* NULL: no CARRETE_USERS_URL, no check */
  CarreteIds *ids;
  CarreteCursorKey *cursors;
  guint trash_days; /* a trashed folder is purged this many days later */
  CarreteWorkers *workers; /* link passwords are hashed here */
  CarreteHashParams hash_params;
  CarreteThrottle throttle; /* wrong link passwords, as logins */
  FoldersShareUses *uses;   /* link uses waiting to be written */
} FoldersService;

/* The owner's account is confirmed with carrete-users first (a token may
 * outlive its account): UNAUTHORIZED when it is gone. */
void folders_service_create_async (FoldersService *svc, gint64 owner_id, const char *name,
                                   const char *visibility, const char *const *tags,
                                   const char *request_id, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
/* CARRETE_ERROR_CONFLICT: the owner has a folder of that name already. */
FoldersFolder *folders_service_create_finish (GAsyncResult *result, GError **error);

/* A folder the caller may see: their own, or anyone's public one. */
void folders_service_get_async (FoldersService *svc, gint64 caller_id, gint64 id,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data);
FoldersFolder *folders_service_get_finish (GAsyncResult *result, GError **error);

/* NOT_FOUND for folders the caller may not see, FORBIDDEN for someone
 * else's public folder (its existence is public), CONFLICT for a taken
 * name. */
void folders_service_update_async (FoldersService *svc, gint64 caller_id, gint64 id,
                                   const FoldersChanges *changes, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
FoldersFolder *folders_service_update_finish (GAsyncResult *result, GError **error);

/* As update for who may; CONFLICT when the folder holds photos and
 * `recursive` is FALSE; UNAVAILABLE when the photos service cannot answer
 * (nothing is changed then).  With `recursive`, the photos go first and the
 * row last, so a retry after a failure half-way finishes the job.  Unless
 * `permanent`, both go to the trash (the photos marked as trashed with the
 * folder) instead of away.
 * The task returns a boolean: carrete_request_answer_no_content answers
 * it. */
void folders_service_delete_async (FoldersService *svc, const CarreteCaller *caller, gint64 id,
                                   gboolean recursive, gboolean permanent,
                                   GAsyncReadyCallback callback, gpointer user_data);

/* Every folder of `owner_id` (account deletion); idempotent.
 * The task returns a boolean: carrete_request_answer_no_content answers
 * it. */
void folders_service_delete_owner_async (FoldersService *svc, gint64 owner_id,
                                         GAsyncReadyCallback callback, gpointer user_data);

/* One page of a search.  A cursor is valid only for the search (and
 * caller) it was issued for: BAD_REQUEST for a forged one, INVALID for one
 * of another search. */
void folders_service_search_async (FoldersService *svc, const FoldersSearch *search,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
/* Returns the folders; *next_cursor is NULL on the last page. */
GPtrArray *folders_service_search_finish (GAsyncResult *result, char **next_cursor,
                                          GError **error);

G_END_DECLS
