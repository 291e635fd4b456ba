#pragma once

#include <gio/gio.h>

#include "carrete-client-error.h"
#include "carrete-client-types.h"
#include "carrete-folder-query.h"
#include "carrete-folder.h"
#include "carrete-photo-query.h"
#include "carrete-member.h"
#include "carrete-photo.h"
#include "carrete-share.h"
#include "carrete-user.h"

G_BEGIN_DECLS

#define CARRETE_TYPE_CLIENT (carrete_client_get_type ())
G_DECLARE_FINAL_TYPE (CarreteClient, carrete_client, CARRETE, CLIENT, GObject)

/* One base URL ("https://photos.example.org"), routed by path prefix the way
 * the Helm Ingress does: /v1/auth, /v1/users, /.well-known → users;
 * /v1/photos, /v1/storage → photos; /v1/folders → folders. */
CarreteClient *carrete_client_new (const char *server_url);

/* Per-service addresses for a run without a gateway; NULL keeps the server
 * URL for that service. */
void carrete_client_set_service_urls (CarreteClient *self, const char *users_url,
                                      const char *photos_url, const char *folders_url);
const char *carrete_client_get_server_url (CarreteClient *self);
/* The base URL used for `service` (an override or the server URL). */
const char *carrete_client_get_service_url (CarreteClient *self, CarreteService service);
/* NULL when that service has no override. */
const char *carrete_client_get_service_url_override (CarreteClient *self, CarreteService service);

/* Properties: "user" (CarreteUser, NULL when signed out), "signed-in".
 * Signals:
 *   "session-expired" ()  the refresh token was refused: back to sign-in.
 *                         The client is signed out when it is emitted.
 *   "tokens-changed" ()   the refresh token changed (login, rotation,
 *                         logout): store it (carrete-keyring.h). */
CarreteUser *carrete_client_get_user (CarreteClient *self);
gboolean carrete_client_get_signed_in (CarreteClient *self);
/* The current refresh token, for the keyring; NULL when signed out. */
const char *carrete_client_get_refresh_token (CarreteClient *self);

/* Every call below refreshes the access token once, transparently, on a 401
 * and retries; concurrent calls share one refresh.  When the refresh fails
 * the error is CARRETE_CLIENT_ERROR_UNAUTHORIZED and "session-expired" is
 * emitted. */

/* ---- session ------------------------------------------------------------- */

/* POST /v1/auth/register → the new user (not signed in). */
void carrete_client_register_async (CarreteClient *self, const char *username, const char *email,
                                    const char *password, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data);
CarreteUser *carrete_client_register_finish (CarreteClient *self, GAsyncResult *result,
                                             GError **error);

/* POST /v1/auth/login (username or email).  Wrong credentials →
 * INVALID_CREDENTIALS. */
void carrete_client_login_async (CarreteClient *self, const char *username, const char *password,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data);
gboolean carrete_client_login_finish (CarreteClient *self, GAsyncResult *result, GError **error);

/* POST /v1/auth/logout.  The tokens are forgotten locally even when the
 * server cannot be told (the error then says so). */
void carrete_client_logout_async (CarreteClient *self, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
gboolean carrete_client_logout_finish (CarreteClient *self, GAsyncResult *result, GError **error);

/* Signs in from a stored refresh token (rotating it, then GET /v1/users/me).
 * A refused token → UNAUTHORIZED (without "session-expired"). */
void carrete_client_restore_async (CarreteClient *self, const char *refresh_token,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
gboolean carrete_client_restore_finish (CarreteClient *self, GAsyncResult *result, GError **error);

/* GET /v1/users/me; also updates the "user" property. */
void carrete_client_me_async (CarreteClient *self, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data);
CarreteUser *carrete_client_me_finish (CarreteClient *self, GAsyncResult *result, GError **error);

/* ---- folders ------------------------------------------------------------- */

/* `query` may be NULL (my folders, first page); its scope "shared" lists
 * the folders others shared with the caller. */
void carrete_client_list_folders_async (CarreteClient *self, const CarreteFolderQuery *query,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data);
CarreteFolderPage *carrete_client_list_folders_finish (CarreteClient *self, GAsyncResult *result,
                                                       GError **error);

/* `visibility` NULL → "private"; `tags` may be NULL.  A name the server
 * refuses → INVALID or CONFLICT with the server's detail as message. */
void carrete_client_create_folder_async (CarreteClient *self, const char *name,
                                         const char *visibility, const char *const *tags,
                                         GCancellable *cancellable, GAsyncReadyCallback callback,
                                         gpointer user_data);
CarreteFolder *carrete_client_create_folder_finish (CarreteClient *self, GAsyncResult *result,
                                                    GError **error);

void carrete_client_get_folder_async (CarreteClient *self, const char *folder_id,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data);
CarreteFolder *carrete_client_get_folder_finish (CarreteClient *self, GAsyncResult *result,
                                                 GError **error);

/* PATCH: NULL arguments are left unchanged. */
void carrete_client_update_folder_async (CarreteClient *self, const char *folder_id,
                                         const char *name, const char *visibility,
                                         const char *const *tags, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data);
CarreteFolder *carrete_client_update_folder_finish (CarreteClient *self, GAsyncResult *result,
                                                    GError **error);

/* A non-empty folder without `recursive` → CONFLICT. */
void carrete_client_delete_folder_async (CarreteClient *self, const char *folder_id,
                                         gboolean recursive, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data);
gboolean carrete_client_delete_folder_finish (CarreteClient *self, GAsyncResult *result,
                                              GError **error);

/* ---- photos -------------------------------------------------------------- */

/* `query` may be NULL (all my photos, first page). */
void carrete_client_list_photos_async (CarreteClient *self, const CarretePhotoQuery *query,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data);
CarretePhotoPage *carrete_client_list_photos_finish (CarreteClient *self, GAsyncResult *result,
                                                     GError **error);

void carrete_client_get_photo_async (CarreteClient *self, const char *photo_id,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data);
CarretePhoto *carrete_client_get_photo_finish (CarreteClient *self, GAsyncResult *result,
                                               GError **error);

/* PATCH /v1/photos/{id}: rename and/or move.  `name` NULL: unchanged.
 * `folder_id` NULL: unchanged; "" takes the photo out of its folder. */
void carrete_client_update_photo_async (CarreteClient *self, const char *photo_id,
                                        const char *name, const char *folder_id,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data);
CarretePhoto *carrete_client_update_photo_finish (CarreteClient *self, GAsyncResult *result,
                                                  GError **error);

void carrete_client_delete_photo_async (CarreteClient *self, const char *photo_id,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data);
gboolean carrete_client_delete_photo_finish (CarreteClient *self, GAsyncResult *result,
                                             GError **error);

/* ---- the trash ----------------------------------------------------------- */

/* DELETE of a photo or folder moves it to the trash; these read and change
 * the caller's trash.  `cursor` NULL: the first page. */
void carrete_client_list_trash_async (CarreteClient *self, const char *cursor,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data);
CarreteTrashPage *carrete_client_list_trash_finish (CarreteClient *self, GAsyncResult *result,
                                                    GError **error);

/* POST /v1/trash/{id}/restore: CONFLICT when it cannot go back (its twin,
 * its folder in the trash, a taken name), NOT_FOUND when it is not in the
 * trash. */
void carrete_client_restore_from_trash_async (CarreteClient *self, const char *id,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
gboolean carrete_client_restore_from_trash_finish (CarreteClient *self, GAsyncResult *result,
                                                   GError **error);

/* DELETE /v1/trash/{id} (`id` not NULL) or DELETE /v1/trash (NULL: all of
 * it; CONFLICT when it is already empty). */
void carrete_client_delete_from_trash_async (CarreteClient *self, const char *id,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
gboolean carrete_client_delete_from_trash_finish (CarreteClient *self, GAsyncResult *result,
                                                  GError **error);

/* ---- sharing (carrete-client-sharing.c) ---------------------------------- */

/* The owner alone manages a folder's links and members; anyone else gets
 * FORBIDDEN or NOT_FOUND.  A value the server refuses (an expiry in the
 * past, a password too long, a role it does not know, sharing with
 * yourself) → INVALID with the server's detail as message and the field in
 * carrete_client_error_get_field(). */

/* POST /v1/shares: a link to `folder_id` or `photo_id` (one of them).
 * `label`, `expires_at` (NULL: never) and `password` may be NULL.  The
 * answer carries the token and url, shown only this once. */
void carrete_client_create_share_async (CarreteClient *self, const char *folder_id,
                                        const char *photo_id, const char *label,
                                        GDateTime *expires_at, const char *password,
                                        gboolean allow_download, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
CarreteShare *carrete_client_create_share_finish (CarreteClient *self, GAsyncResult *result,
                                                  GError **error);

/* The link's web page as an absolute URL (the server address joined with
 * its `url`, carrete-web being behind the same address); NULL when the
 * share carries no url (any but the answer to its creation). */
char *carrete_client_share_page_url (CarreteClient *self, CarreteShare *share);

/* GET /v1/shares?folder_id=|photo_id= (one of them); `cursor` NULL: the
 * first page. */
void carrete_client_list_shares_async (CarreteClient *self, const char *folder_id,
                                       const char *photo_id, const char *cursor,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data);
CarreteSharePage *carrete_client_list_shares_finish (CarreteClient *self, GAsyncResult *result,
                                                     GError **error);

/* Every page of that list: a GPtrArray of CarreteShare. */
void carrete_client_list_all_shares_async (CarreteClient *self, const char *folder_id,
                                           const char *photo_id, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *carrete_client_list_all_shares_finish (CarreteClient *self, GAsyncResult *result,
                                                  GError **error);

/* PATCH /v1/shares/{id}: NULL strings and times, and `allow_download` < 0,
 * are left unchanged. */
void carrete_client_update_share_async (CarreteClient *self, const char *share_id,
                                        const char *label, GDateTime *expires_at,
                                        const char *password, int allow_download,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data);
CarreteShare *carrete_client_update_share_finish (CarreteClient *self, GAsyncResult *result,
                                                  GError **error);

/* DELETE /v1/shares/{id}: the link stops working at once. */
void carrete_client_revoke_share_async (CarreteClient *self, const char *share_id,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data);
gboolean carrete_client_revoke_share_finish (CarreteClient *self, GAsyncResult *result,
                                             GError **error);

/* GET /v1/folders/{id}/members; `cursor` NULL: the first page. */
void carrete_client_list_members_async (CarreteClient *self, const char *folder_id,
                                        const char *cursor, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
CarreteMemberPage *carrete_client_list_members_finish (CarreteClient *self, GAsyncResult *result,
                                                       GError **error);

/* Every page of that list: a GPtrArray of CarreteMember. */
void carrete_client_list_all_members_async (CarreteClient *self, const char *folder_id,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *carrete_client_list_all_members_finish (CarreteClient *self, GAsyncResult *result,
                                                   GError **error);

/* PUT /v1/folders/{id}/members/{user_id} {role}: adds the member or
 * changes its role ("viewer" or "contributor").  An unknown account →
 * NOT_FOUND. */
void carrete_client_put_member_async (CarreteClient *self, const char *folder_id,
                                      const char *user_id, const char *role,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data);
CarreteMember *carrete_client_put_member_finish (CarreteClient *self, GAsyncResult *result,
                                                 GError **error);

/* DELETE /v1/folders/{id}/members/{user_id}. */
void carrete_client_remove_member_async (CarreteClient *self, const char *folder_id,
                                         const char *user_id, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data);
gboolean carrete_client_remove_member_finish (CarreteClient *self, GAsyncResult *result,
                                              GError **error);

/* GET /v1/users?username=: the account with exactly that username
 * (case-insensitive), as a public profile (id, username).  None →
 * NOT_FOUND; a username that could not exist → INVALID. */
void carrete_client_find_user_async (CarreteClient *self, const char *username,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data);
CarreteUser *carrete_client_find_user_finish (CarreteClient *self, GAsyncResult *result,
                                              GError **error);

/* ---- bytes --------------------------------------------------------------- */

/* GET of a thumbnail / preview / original URL (presigned: no Authorization
 * header is sent).  A relative URL is resolved against the photos service. */
void carrete_client_fetch_bytes_async (CarreteClient *self, const char *url,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data);
GBytes *carrete_client_fetch_bytes_finish (CarreteClient *self, GAsyncResult *result,
                                           GError **error);

G_END_DECLS
