#pragma once

/* What routes.c and routes-quota.c share; not part of routes.h. */

#include "app.h"
#include "carrete-server.h"
#include "model.h"

G_BEGIN_DECLS

static inline UsersApp *
app_of (CarreteRequest *req)
{
  return carrete_request_get_app (req);
}

G_GNUC_INTERNAL
void respond_user (CarreteRequest *req, guint status, const UsersUser *user, gboolean full);

/* Admin routes run `then` only for a caller who is an administrator now
 * (routes.c). */
typedef void (*AdminAction) (CarreteRequest *req);
G_GNUC_INTERNAL
void require_admin (CarreteRequest *req, AdminAction then);

/* routes-quota.c: `user` (taken) with its quota and usage when
 * carrete-photos can say them, else without. */
G_GNUC_INTERNAL
void respond_user_with_usage (CarreteRequest *req, UsersUser *user);
/* PATCH /v1/users/{id} {quota_bytes}: administrators only. */
G_GNUC_INTERNAL
void handle_admin_patch_user (CarreteRequest *req);

/* routes.c: the answer of a login (or of any sign-in). */
G_GNUC_INTERNAL
void respond_session (CarreteRequest *req, UsersSession *session);

/* routes-oidc.c */
G_GNUC_INTERNAL
void handle_oidc_start (CarreteRequest *req);
G_GNUC_INTERNAL
void handle_oidc_callback (CarreteRequest *req);
G_GNUC_INTERNAL
void handle_oidc_link (CarreteRequest *req);
G_GNUC_INTERNAL
void handle_oidc_logout (CarreteRequest *req);
/* FALSE, having answered 403, when CARRETE_PASSWORD_LOGIN is false. */
G_GNUC_INTERNAL
gboolean password_login_allowed (CarreteRequest *req);

G_END_DECLS
