#pragma once

#include <gio/gio.h>

#include "carrete-ids.h"
#include "carrete-service-client.h"

G_BEGIN_DECLS

/* carrete-photos asks carrete-folders about folders over HTTP, forwarding
 * the caller's token and request id, so that every permission rule stays
 * the folders service's.  A folders service that cannot be reached, times
 * out or answers 5xx gives CARRETE_ERROR_UNAVAILABLE; 404 (the caller may
 * not see the folder) gives CARRETE_ERROR_NOT_FOUND. */
typedef struct _FoldersClient FoldersClient;

/* The caller's part in a folder, as carrete-folders answers it (its
 * `role`): none for a stranger (who sees it only when it is public), link
 * for a share link's holder (who only reads, and sees the originals only
 * when the link has `allow_download`). */
typedef enum
{
  FOLDERS_ROLE_NONE,
  FOLDERS_ROLE_VIEWER,
  FOLDERS_ROLE_CONTRIBUTOR,
  FOLDERS_ROLE_OWNER,
  FOLDERS_ROLE_LINK,
} FoldersRole;

typedef struct
{
  gint64 id;
  gint64 owner_id;
  gboolean is_public;
  FoldersRole role;
  gboolean allow_download; /* TRUE but for a link that withholds the originals */
  guint retry_after;       /* after a refusal: a 429's Retry-After, else 0 */
} FoldersFolder;

/* What a share link covers (GET /v1/shares/current): a folder or a photo
 * (the other id 0). */
typedef struct
{
  gint64 folder_id;
  gint64 photo_id;
  gboolean allow_download;
  guint retry_after; /* after a refusal: a 429's Retry-After, else 0 */
} FoldersLink;

FoldersClient *folders_client_new (const char *base_url, const CarreteIds *ids,
                                   guint timeout_seconds);
void folders_client_free (FoldersClient *client);

/* `bearer` and `request_id` may be NULL (an anonymous caller). */
void folders_client_get_async (FoldersClient *client, gint64 folder_id, const char *bearer,
                               const char *request_id, GAsyncReadyCallback callback,
                               gpointer user_data);
/* `folder->retry_after` is set on failure too. */
gboolean folders_client_get_finish (FoldersClient *client, GAsyncResult *result,
                                    FoldersFolder *folder, GError **error);
/* The same, forwarding `forward` as it is: a link holder's request sends
 * the link's headers and no bearer. */
void folders_client_get_as_async (FoldersClient *client, gint64 folder_id,
                                  const CarreteForward *forward, GAsyncReadyCallback callback,
                                  gpointer user_data);

/* What the link in `forward` (its share and share_password) covers.  A
 * wrong, expired or revoked link (or one to a folder in the trash) is
 * NOT_FOUND, a missing or wrong password UNAUTHORIZED and too many wrong
 * ones RATE_LIMITED, each with the folders service's detail;
 * `link->retry_after` is set on failure too. */
void folders_client_link_async (FoldersClient *client, const CarreteForward *forward,
                                GAsyncReadyCallback callback, gpointer user_data);
gboolean folders_client_link_finish (FoldersClient *client, GAsyncResult *result,
                                     FoldersLink *link, GError **error);

/* The ids of the caller's folders carrying the tags (comma-separated,
 * `match` "all" or "any"), every page of them, at most `max` ids. */
void folders_client_ids_by_tags_async (FoldersClient *client, const char *tags, const char *match,
                                       guint max, const char *bearer, const char *request_id,
                                       GAsyncReadyCallback callback, gpointer user_data);
GArray *folders_client_ids_by_tags_finish (FoldersClient *client, GAsyncResult *result,
                                           GError **error);

/* A call on the caller's folder trash (`path` under /v1/folders/trash,
 * "" for itself; `query` may be NULL): its answer's JSON, NULL for an
 * empty one.  Errors as above, but for a 409 and a 404, which keep the
 * folders service's detail. */
void folders_client_trash_async (FoldersClient *client, const char *method, const char *path,
                                 const CarreteQueryParam *query, const char *bearer,
                                 const char *request_id, GAsyncReadyCallback callback,
                                 gpointer user_data);
gboolean folders_client_trash_finish (FoldersClient *client, GAsyncResult *result,
                                      JsonNode **json, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FoldersClient, folders_client_free)

G_END_DECLS
