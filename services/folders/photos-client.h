#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The calls carrete-folders makes to carrete-photos (/work/brief.md,
 * "folders → photos"), asynchronous on the main loop.  Each forwards the
 * caller's bearer token and request id.  Photos unreachable, timing out or
 * answering 5xx (or anything unexpected) fails with
 * CARRETE_ERROR_UNAVAILABLE; its 401 with CARRETE_ERROR_UNAUTHORIZED. */
typedef struct _FoldersPhotos FoldersPhotos;

typedef struct
{
  const char *bearer;     /* may be NULL */
  const char *request_id; /* may be NULL */
} FoldersForward;

FoldersPhotos *folders_photos_new (const char *base_url, guint timeout_seconds);
void folders_photos_free (FoldersPhotos *photos);

/* GET /v1/photos?folder_id=…&limit=1: does the folder hold any photo? */
void folders_photos_any_async (FoldersPhotos *photos, const char *folder_id,
                               const FoldersForward *forward, GAsyncReadyCallback callback,
                               gpointer user_data);
/* Returns FALSE with `error` set on failure; *any tells the answer. */
gboolean folders_photos_any_finish (GAsyncResult *result, gboolean *any, GError **error);

/* DELETE /v1/photos?folder_id=…: removes every photo of the caller in the
 * folder (idempotent); with `to_trash` (&trash=true), moves the ready ones
 * to the trash instead, marked as trashed with the folder. */
void folders_photos_delete_all_async (FoldersPhotos *photos, const char *folder_id,
                                      gboolean to_trash, const FoldersForward *forward,
                                      GAsyncReadyCallback callback, gpointer user_data);
gboolean folders_photos_delete_all_finish (GAsyncResult *result, GError **error);

/* GET /v1/photos/{id} as the caller: the photo's owner (opaque id), or
 * NOT_FOUND when the caller may not see it. */
void folders_photos_owner_async (FoldersPhotos *photos, const char *photo_id,
                                 const FoldersForward *forward, GAsyncReadyCallback callback,
                                 gpointer user_data);
char *folders_photos_owner_finish (GAsyncResult *result, GError **error);

G_END_DECLS
