#define G_LOG_DOMAIN "carrete-users-routes"

#include "routes.h"
#include "routes-private.h"

#include "app.h"
#include "carrete-error.h"
#include "carrete-readiness.h"
#include "validate.h"

void
respond_user (CarreteRequest *req, guint status, const UsersUser *user, gboolean full)
{
  GString *text = g_string_sized_new (256);
  CarreteJsonWriter writer;

  carrete_json_writer_init (&writer, text);
  users_user_write_json (&writer, user, app_of (req)->service.ids, full);
  carrete_request_respond_json_text (req, status, text);
}

/* Admin routes run `then` only for a caller who is an administrator now:
 * the role is read from the database, not trusted from the token, so a
 * demoted or deleted administrator loses access at once rather than when
 * the token expires. */
typedef struct
{
  CarreteRequest *req;
  AdminAction then;
} AdminCheck;

static void
admin_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree AdminCheck *check = user_data;
  CarreteRequest *req = check->req;
  AdminAction then = check->then;
  g_autoptr (GError) error = NULL;
  g_autoptr (UsersUser) caller = users_service_get_finish (result, &error);

  if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND))
    carrete_request_respond_status (req, 401, "This account no longer exists.");
  else if (caller == NULL)
    carrete_request_respond_error (req, error);
  else if (!g_str_equal (caller->role, "admin"))
    carrete_request_respond_status (req, 403, "Only administrators may do this.");
  else
    then (req);
}

void
require_admin (CarreteRequest *req, AdminAction then)
{
  const CarreteCaller *caller = carrete_request_get_caller (req);
  AdminCheck *check;

  if (g_strcmp0 (caller->role, "admin") != 0)
    {
      carrete_request_respond_status (req, 403, "Only administrators may do this.");
      return;
    }
  check = g_new0 (AdminCheck, 1);
  check->req = req;
  check->then = then;
  users_service_get_async (&app_of (req)->service, caller->id,
                           carrete_request_get_cancellable (req), admin_checked, check);
}

/* ---- register ------------------------------------------------------------ */

static void
registered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;
  const char *conflict_field = NULL;
  g_autoptr (UsersUser) user = users_service_register_finish (result, &conflict_field, &error);
  g_autofree char *id = NULL;
  g_autofree char *location = NULL;

  if (user == NULL)
    {
      carrete_request_respond_error_on_field (req, error, conflict_field);
      return;
    }
  id = carrete_ids_encode (app_of (req)->service.ids, CARRETE_ID_USER, user->id);
  location = g_strdup_printf ("/v1/users/%s", id);
  carrete_request_set_header (req, "Location", location);
  respond_user (req, 201, user, TRUE);
}

static void
handle_register (CarreteRequest *req)
{
  static const CarreteFieldSpec specs[] = {
    { "username", CARRETE_FIELD_STRING, TRUE, 0, 0 },
    { "email", CARRETE_FIELD_STRING, TRUE, 0, 0 },
    { "password", CARRETE_FIELD_STRING, TRUE, 0, 0 },
  };
  g_autoptr (JsonObject) body = carrete_request_parse_body (req, specs, G_N_ELEMENTS (specs));
  g_autoptr (CarreteProblem) problem = NULL;

  if (body == NULL || !password_login_allowed (req))
    return;
  problem = carrete_problem_new (422, "Some fields are invalid.");
  users_validate_username (carrete_json_body_get_string (body, "username"), problem);
  users_validate_email (carrete_json_body_get_string (body, "email"), problem);
  users_validate_password ("password", carrete_json_body_get_string (body, "password"), problem);
  if (carrete_problem_get_n_errors (problem) > 0)
    {
      carrete_request_respond_problem (req, g_steal_pointer (&problem));
      return;
    }
  users_service_register_async (
      &app_of (req)->service, carrete_json_body_get_string (body, "username"),
      carrete_json_body_get_string (body, "email"), carrete_json_body_get_string (body, "password"),
      carrete_request_get_cancellable (req), registered, req);
}

/* ---- sessions -------------------------------------------------------------- */

void
respond_session (CarreteRequest *req, UsersSession *session)
{
  GString *text = g_string_sized_new (1024);
  CarreteJsonWriter writer;

  carrete_json_writer_init (&writer, text);
  users_session_write_json (&writer, session, app_of (req)->service.ids);
  carrete_request_respond_json_text (req, 200, text);
}

static void
logged_in (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;
  guint retry_after = 0;
  g_autoptr (UsersSession) session = users_service_login_finish (result, &retry_after, &error);

  if (session != NULL)
    {
      respond_session (req, session);
      return;
    }
  carrete_request_respond_throttled_error (req, error, retry_after);
}

static void
handle_login (CarreteRequest *req)
{
  static const CarreteFieldSpec specs[] = {
    { "username", CARRETE_FIELD_STRING, TRUE, 1, 254 },
    { "password", CARRETE_FIELD_STRING, TRUE, 1, 1024 },
  };
  g_autoptr (JsonObject) body = carrete_request_parse_body (req, specs, G_N_ELEMENTS (specs));

  if (body == NULL || !password_login_allowed (req))
    return;
  users_service_login_async (
      &app_of (req)->service, carrete_json_body_get_string (body, "username"),
      carrete_json_body_get_string (body, "password"), carrete_request_get_client_address (req),
      carrete_request_get_cancellable (req), logged_in, req);
}

static const CarreteFieldSpec refresh_specs[] = {
  { "refresh_token", CARRETE_FIELD_STRING, TRUE, 1, 256 },
};

static void
refreshed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (UsersSession) session = users_service_refresh_finish (result, &error);

  if (session == NULL)
    carrete_request_respond_error (req, error);
  else
    respond_session (req, session);
}

static void
handle_refresh (CarreteRequest *req)
{
  g_autoptr (JsonObject) body
      = carrete_request_parse_body (req, refresh_specs, G_N_ELEMENTS (refresh_specs));

  if (body != NULL)
    users_service_refresh_async (&app_of (req)->service,
                                 carrete_json_body_get_string (body, "refresh_token"),
                                 carrete_request_get_cancellable (req), refreshed, req);
}

static void
handle_logout (CarreteRequest *req)
{
  g_autoptr (JsonObject) body
      = carrete_request_parse_body (req, refresh_specs, G_N_ELEMENTS (refresh_specs));

  if (body != NULL)
    users_service_logout_async (&app_of (req)->service,
                                carrete_json_body_get_string (body, "refresh_token"),
                                carrete_request_answer_no_content, req);
}

/* ---- the caller's account ------------------------------------------------ */

static void
got_me (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (UsersUser) user = users_service_get_finish (result, &error);

  /* A valid token for an account deleted since it was issued. */
  if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND))
    carrete_request_respond_status (req, 401, "This account no longer exists.");
  else if (user == NULL)
    carrete_request_respond_error (req, error);
  else
    respond_user_with_usage (req, g_steal_pointer (&user));
}

static void
handle_get_me (CarreteRequest *req)
{
  users_service_get_async (&app_of (req)->service, carrete_request_get_caller (req)->id,
                           carrete_request_get_cancellable (req), got_me, req);
}

static void
updated_me (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;
  guint retry_after = 0;
  g_autoptr (UsersUser) user = users_service_update_finish (result, &retry_after, &error);

  if (user != NULL)
    respond_user (req, 200, user, TRUE);
  else if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_RATE_LIMITED))
    carrete_request_respond_throttled_error (req, error, retry_after);
  else if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_FORBIDDEN))
    carrete_request_respond_error_on_field (req, error, "current_password");
  else if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_CONFLICT))
    carrete_request_respond_error_on_field (req, error, "email");
  else if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND))
    carrete_request_respond_status (req, 401, "This account no longer exists.");
  else
    carrete_request_respond_error (req, error);
}

static gboolean
validate_update (JsonObject *body, CarreteProblem *problem)
{
  const char *email = carrete_json_body_get_string (body, "email");
  const char *password = carrete_json_body_get_string (body, "password");

  if (email == NULL && password == NULL)
    carrete_problem_add_field_error (problem, "email", "give email or password to change");
  if (email != NULL)
    users_validate_email (email, problem);
  if (password != NULL)
    {
      users_validate_password ("password", password, problem);
      if (carrete_json_body_get_string (body, "current_password") == NULL)
        carrete_problem_add_field_error (problem, "current_password",
                                         "is required to change the password");
    }
  return carrete_problem_get_n_errors (problem) == 0;
}

static void
handle_patch_me (CarreteRequest *req)
{
  static const CarreteFieldSpec specs[] = {
    { "email", CARRETE_FIELD_STRING, FALSE, 0, 0 },
    { "password", CARRETE_FIELD_STRING, FALSE, 0, 0 },
    { "current_password", CARRETE_FIELD_STRING, FALSE, 1, 1024 },
  };
  g_autoptr (JsonObject) body = NULL;
  g_autoptr (CarreteProblem) problem = NULL;
  gint64 id = carrete_request_get_caller (req)->id;

  body = carrete_request_parse_body (req, specs, G_N_ELEMENTS (specs));
  if (body == NULL)
    return;
  problem = carrete_problem_new (422, "Some fields are invalid.");
  if (!validate_update (body, problem))
    {
      carrete_request_respond_problem (req, g_steal_pointer (&problem));
      return;
    }
  users_service_update_async (&app_of (req)->service, id,
                              carrete_json_body_get_string (body, "email"),
                              carrete_json_body_get_string (body, "password"),
                              carrete_json_body_get_string (body, "current_password"),
                              carrete_request_get_client_address (req),
                              carrete_request_get_cancellable (req), updated_me, req);
}

static void
handle_delete_me (CarreteRequest *req)
{
  const CarreteCaller *caller = carrete_request_get_caller (req);

  users_service_delete_async (&app_of (req)->service, caller->id, caller->request_id,
                              carrete_request_answer_no_content, req);
}

/* ---- other users ---------------------------------------------------------- */

static void
got_profile (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (UsersUser) user = users_service_get_finish (result, &error);

  if (user == NULL)
    carrete_request_respond_error (req, error);
  else
    respond_user (req, 200, user, FALSE);
}

static void
handle_get_user (CarreteRequest *req)
{
  gint64 id;

  if (carrete_request_decode_id (req, "id", CARRETE_ID_USER, &id))
    users_service_get_async (&app_of (req)->service, id, carrete_request_get_cancellable (req),
                             got_profile, req);
}

static void
admin_delete_user (CarreteRequest *req)
{
  gint64 id;

  if (carrete_request_decode_id (req, "id", CARRETE_ID_USER, &id))
    users_service_delete_async (&app_of (req)->service, id, carrete_request_get_request_id (req),
                                carrete_request_answer_no_content, req);
}

static void
handle_admin_delete_user (CarreteRequest *req)
{
  require_admin (req, admin_delete_user);
}

static void
listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *next_cursor = NULL;
  g_autoptr (GPtrArray) users = users_service_list_finish (result, &next_cursor, &error);
  GString *text;
  CarreteJsonWriter writer;

  if (users == NULL)
    {
      carrete_request_respond_error (req, error);
      return;
    }
  text = g_string_sized_new (256 * (users->len + 1));
  carrete_json_writer_init (&writer, text);
  users_user_page_write_json (&writer, users, next_cursor, app_of (req)->service.ids, TRUE);
  carrete_request_respond_json_text (req, 200, text);
}

static void
list_users (CarreteRequest *req)
{
  guint limit;

  if (carrete_request_read_limit (req, &limit))
    users_service_list_async (&app_of (req)->service, carrete_request_get_query (req, "cursor"),
                              limit, carrete_request_get_cancellable (req), listed, req);
}

/* GET /v1/users?username=: any signed-in user finds one account by its
 * exact username (to share a folder with it), as a page of zero or one
 * public profile.  No pattern, no paging: it cannot list accounts. */
static void
found_username (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (UsersUser) user = users_service_get_finish (result, &error);
  g_autoptr (GPtrArray) users = g_ptr_array_new ();
  GString *text = g_string_sized_new (256);
  CarreteJsonWriter writer;

  if (user == NULL && !g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND))
    {
      g_string_free (text, TRUE);
      carrete_request_respond_error (req, error);
      return;
    }
  if (user != NULL)
    g_ptr_array_add (users, user);
  carrete_json_writer_init (&writer, text);
  users_user_page_write_json (&writer, users, NULL, app_of (req)->service.ids, FALSE);
  carrete_request_respond_json_text (req, 200, text);
}

/* `limit` is checked as on the listing (a page of at most one needs no
 * more) and `cursor` ignored: there is never a next page. */
static void
find_username (CarreteRequest *req, const char *username)
{
  g_autoptr (CarreteProblem) problem = NULL;
  guint limit;

  if (!carrete_request_read_limit (req, &limit))
    return;
  problem = carrete_problem_new (422, "The username is not valid.");
  if (!users_validate_username (username, problem))
    {
      carrete_request_respond_problem (req, g_steal_pointer (&problem));
      return;
    }
  users_service_find_username_async (&app_of (req)->service, username,
                                     carrete_request_get_cancellable (req), found_username, req);
}

static void
handle_list_users (CarreteRequest *req)
{
  const char *username = carrete_request_get_query (req, "username");

  if (username != NULL)
    find_username (req, username);
  else
    require_admin (req, list_users);
}

/* ---- keys and readiness ---------------------------------------------------- */

static void
handle_jwks (CarreteRequest *req)
{
  carrete_request_set_header (req, "Cache-Control", "public, max-age=300");
  carrete_request_respond_json_text (req, 200, carrete_jwt_get_jwks (app_of (req)->service.jwt));
}

static void
handle_readyz (CarreteRequest *req)
{
  UsersApp *app = app_of (req);

  carrete_readiness_check (req, app->db, app->schema_version, NULL);
}

static const CarreteRoute routes[] = {
  { "POST", "/v1/auth/register", handle_register, CARRETE_AUTH_NONE },
  { "POST", "/v1/auth/login", handle_login, CARRETE_AUTH_NONE },
  { "POST", "/v1/auth/refresh", handle_refresh, CARRETE_AUTH_NONE },
  { "POST", "/v1/auth/logout", handle_logout, CARRETE_AUTH_NONE },
  { "GET", "/v1/auth/oidc/start", handle_oidc_start, CARRETE_AUTH_NONE },
  { "POST", "/v1/auth/oidc/callback", handle_oidc_callback, CARRETE_AUTH_NONE },
  { "GET", "/v1/auth/oidc/logout", handle_oidc_logout, CARRETE_AUTH_NONE },
  { "GET", "/v1/users/me", handle_get_me, CARRETE_AUTH_REQUIRED },
  { "PATCH", "/v1/users/me", handle_patch_me, CARRETE_AUTH_REQUIRED },
  { "DELETE", "/v1/users/me", handle_delete_me, CARRETE_AUTH_REQUIRED },
  { "POST", "/v1/users/me/oidc", handle_oidc_link, CARRETE_AUTH_REQUIRED },
  { "GET", "/v1/users", handle_list_users, CARRETE_AUTH_REQUIRED },
  { "GET", "/v1/users/{id}", handle_get_user, CARRETE_AUTH_OPTIONAL },
  { "PATCH", "/v1/users/{id}", handle_admin_patch_user, CARRETE_AUTH_REQUIRED },
  { "DELETE", "/v1/users/{id}", handle_admin_delete_user, CARRETE_AUTH_REQUIRED },
  { "GET", "/.well-known/jwks.json", handle_jwks, CARRETE_AUTH_NONE },
  { "GET", "/readyz", handle_readyz, CARRETE_AUTH_NONE },
};

const CarreteRoute *
users_routes (guint *n_routes)
{
  *n_routes = G_N_ELEMENTS (routes);
  return routes;
}
