#pragma once

#include "carrete-request.h"
#include "web-api.h"
#include "web-ctx.h"

G_BEGIN_DECLS

/* The page handlers, one file per area (pages-*.c). */
void pages_login_get (CarreteRequest *req);
/* The sign-in page with `error` (may be NULL) above the form (pages-auth.c). */
void pages_render_login (WebCtx *ctx, guint status, const char *error, const char *username,
                         const char *next);
/* GET /login/oidc and GET /login/oidc/callback (pages-oidc.c). */
void pages_oidc_start (CarreteRequest *req);
void pages_oidc_callback (CarreteRequest *req);
/* Linking the provider to a password account (pages-oidc-link.c): the
 * form that asks for the password, with the provider's `code` and
 * `state` (and `username` when nobody is signed in), its POST, the offer
 * to link after a sign-in met an email that an account has, and the
 * account page that starts it. */
void pages_oidc_link_render (WebCtx *ctx, guint status, const char *error, const char *code,
                             const char *state, const char *username);
void pages_oidc_link_post (CarreteRequest *req);
void pages_oidc_link_offer (WebCtx *ctx);
void pages_account_get (CarreteRequest *req);
void pages_login_post (CarreteRequest *req);
void pages_register_get (CarreteRequest *req);
void pages_register_post (CarreteRequest *req);
void pages_logout_post (CarreteRequest *req);

void pages_gallery (CarreteRequest *req);

void pages_folder_new_get (CarreteRequest *req);
void pages_folder_new_post (CarreteRequest *req);
void pages_folder_get (CarreteRequest *req);
void pages_folder_edit_post (CarreteRequest *req);
void pages_folder_delete_post (CarreteRequest *req);

/* Members (pages-members.c): the owner's Share section of a folder page,
 * its forms, and "Shared with me". */
void pages_members_render_share (WebCtx *ctx, GString *html, const char *folder_id,
                                 WebApiResult *members);
/* A change to a folder's sharing answered: 303 to `back`, or the
 * refusal as a page with a way back. */
void pages_share_answer_change (WebCtx *ctx, WebApiResult *result, const char *back);
/* Share links, the owner's side (pages-share-links.c): the section of a
 * folder's or photo's page (`kind` "folder" or "photo"), the call that
 * lists its links, and the forms. */
void pages_share_links_render (WebCtx *ctx, GString *html, const char *kind, const char *id,
                               WebApiResult *links);
void pages_share_links_ask (WebCtx *ctx, const char *kind, const char *id, WebApiFunc callback,
                            gpointer user_data);
void pages_share_link_create_post (CarreteRequest *req);
void pages_share_link_revoke_post (CarreteRequest *req);
/* A share link's own pages, for its holders (pages-link.c). */
void pages_link_get (CarreteRequest *req);
void pages_link_password_post (CarreteRequest *req);
void pages_link_photo_get (CarreteRequest *req);
void pages_folder_member_add_post (CarreteRequest *req);
void pages_folder_member_role_post (CarreteRequest *req);
void pages_folder_member_remove_post (CarreteRequest *req);
void pages_shared_get (CarreteRequest *req);

void pages_photo_get (CarreteRequest *req);
/* A photo's name, preview and link to the original (when the answer has
 * one), for the photo's page and a share link's. */
void pages_photos_append_figure (WebCtx *ctx, GString *html, CarretePhoto *photo);
void pages_photo_rename_post (CarreteRequest *req);
void pages_photo_move_post (CarreteRequest *req);
void pages_photo_delete_post (CarreteRequest *req);

/* The trash (pages-trash.c). */
void pages_trash_get (CarreteRequest *req);
void pages_trash_restore_post (CarreteRequest *req);
void pages_trash_delete_post (CarreteRequest *req);
void pages_trash_empty_post (CarreteRequest *req);

void pages_upload_get (CarreteRequest *req);
void pages_upload_post (CarreteRequest *req);
/* upload.js's resumable uploads (pages-upload-resumable.c). */
void pages_resumable_create (CarreteRequest *req);
void pages_resumable_status (CarreteRequest *req);
void pages_resumable_part (CarreteRequest *req);
void pages_resumable_complete (CarreteRequest *req);
void pages_resumable_abort (CarreteRequest *req);

void pages_static (CarreteRequest *req);
void pages_not_found (CarreteRequest *req);
void pages_readyz (CarreteRequest *req);

G_END_DECLS
