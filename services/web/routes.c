#define G_LOG_DOMAIN "carrete-web"

#include "routes.h"

#include "pages.h"
#include "web-proxy.h"
#include "web-upload.h"

/* Sessions travel in cookies, not bearer tokens: every route is
 * CARRETE_AUTH_NONE and the pages decide what needs an account.  Order
 * matters where patterns overlap (/folders/new before /folders/{id}); the
 * catch-all comes last. */
static const CarreteRoute routes[] = {
  { "GET", "/", pages_gallery, CARRETE_AUTH_NONE },
  { "GET", "/login", pages_login_get, CARRETE_AUTH_NONE },
  { "POST", "/login", pages_login_post, CARRETE_AUTH_NONE },
  { "GET", "/login/oidc", pages_oidc_start, CARRETE_AUTH_NONE },
  { "GET", "/login/oidc/callback", pages_oidc_callback, CARRETE_AUTH_NONE },
  { "POST", "/login/oidc/link", pages_oidc_link_post, CARRETE_AUTH_NONE },
  { "GET", "/account", pages_account_get, CARRETE_AUTH_NONE },
  { "GET", "/register", pages_register_get, CARRETE_AUTH_NONE },
  { "POST", "/register", pages_register_post, CARRETE_AUTH_NONE },
  { "POST", "/logout", pages_logout_post, CARRETE_AUTH_NONE },
  { "GET", "/upload", pages_upload_get, CARRETE_AUTH_NONE },
  { "POST", "/upload", pages_upload_post, CARRETE_AUTH_NONE, &web_upload_stream },
  { "POST", "/upload/resumable", pages_resumable_create, CARRETE_AUTH_NONE },
  { "GET", "/upload/resumable/{id}", pages_resumable_status, CARRETE_AUTH_NONE },
  { "DELETE", "/upload/resumable/{id}", pages_resumable_abort, CARRETE_AUTH_NONE },
  { "POST", "/upload/resumable/{id}/complete", pages_resumable_complete, CARRETE_AUTH_NONE },
  { "PUT", "/upload/resumable/{id}/parts/{number}", pages_resumable_part, CARRETE_AUTH_NONE, &web_upload_part_stream },
  { "GET", "/folders/new", pages_folder_new_get, CARRETE_AUTH_NONE },
  { "POST", "/folders/new", pages_folder_new_post, CARRETE_AUTH_NONE },
  { "GET", "/folders/{id}", pages_folder_get, CARRETE_AUTH_NONE },
  { "POST", "/folders/{id}", pages_folder_edit_post, CARRETE_AUTH_NONE },
  { "POST", "/folders/{id}/delete", pages_folder_delete_post, CARRETE_AUTH_NONE },
  { "POST", "/folders/{id}/members", pages_folder_member_add_post, CARRETE_AUTH_NONE },
  { "POST", "/folders/{id}/members/{user_id}", pages_folder_member_role_post, CARRETE_AUTH_NONE },
  { "POST", "/folders/{id}/members/{user_id}/remove", pages_folder_member_remove_post, CARRETE_AUTH_NONE },
  { "POST", "/folders/{id}/links", pages_share_link_create_post, CARRETE_AUTH_NONE },
  { "POST", "/folders/{id}/links/{link_id}/revoke", pages_share_link_revoke_post, CARRETE_AUTH_NONE },
  { "GET", "/shared", pages_shared_get, CARRETE_AUTH_NONE },
  { "GET", "/s/{token}", pages_link_get, CARRETE_AUTH_NONE },
  { "POST", "/s/{token}", pages_link_password_post, CARRETE_AUTH_NONE },
  { "GET", "/s/{token}/photos/{id}", pages_link_photo_get, CARRETE_AUTH_NONE },
  { "GET", "/photos/{id}", pages_photo_get, CARRETE_AUTH_NONE },
  { "POST", "/photos/{id}/rename", pages_photo_rename_post, CARRETE_AUTH_NONE },
  { "POST", "/photos/{id}/move", pages_photo_move_post, CARRETE_AUTH_NONE },
  { "POST", "/photos/{id}/delete", pages_photo_delete_post, CARRETE_AUTH_NONE },
  { "POST", "/photos/{id}/links", pages_share_link_create_post, CARRETE_AUTH_NONE },
  { "POST", "/photos/{id}/links/{link_id}/revoke", pages_share_link_revoke_post, CARRETE_AUTH_NONE },
  { "GET", "/trash", pages_trash_get, CARRETE_AUTH_NONE },
  { "POST", "/trash/empty", pages_trash_empty_post, CARRETE_AUTH_NONE },
  { "POST", "/trash/{id}/restore", pages_trash_restore_post, CARRETE_AUTH_NONE },
  { "POST", "/trash/{id}/delete", pages_trash_delete_post, CARRETE_AUTH_NONE },
  { "GET", "/static/{file*}", pages_static, CARRETE_AUTH_NONE },
  { "GET", "/readyz", pages_readyz, CARRETE_AUTH_NONE },
  /* One API address for the local run (see web-proxy.h). */
  { "GET", "/v1/{rest*}", web_proxy_handle, CARRETE_AUTH_NONE },
  { "POST", "/v1/{rest*}", web_proxy_handle, CARRETE_AUTH_NONE, &web_upload_stream },
  { "PUT", "/v1/{rest*}", web_proxy_handle, CARRETE_AUTH_NONE, &web_upload_stream },
  { "PATCH", "/v1/{rest*}", web_proxy_handle, CARRETE_AUTH_NONE, &web_upload_stream },
  { "DELETE", "/v1/{rest*}", web_proxy_handle, CARRETE_AUTH_NONE, &web_upload_stream },
  { "GET", "/.well-known/{rest*}", web_proxy_handle, CARRETE_AUTH_NONE },
  { "GET", "/{path*}", pages_not_found, CARRETE_AUTH_NONE },
};

const CarreteRoute *
web_routes (guint *n_routes)
{
  *n_routes = G_N_ELEMENTS (routes);
  return routes;
}
