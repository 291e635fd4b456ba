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
void pages_folder_member_add_post (CarreteRequest *req);
void pages_folder_member_role_post (CarreteRequest *req);
void pages_folder_member_remove_post (CarreteRequest *req);
void pages_shared_get (CarreteRequest *req);

void pages_photo_get (CarreteRequest *req);
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
