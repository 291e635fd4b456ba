#define G_LOG_DOMAIN "carrete-users-routes"

/* The OpenID Connect routes (README, "OpenID Connect"). */

#include "routes-private.h"

#include <string.h>

#include "carrete-error.h"
#include "oidc-rules.h"
#include "oidc-provider.h"
#include "oidc.h"

#define ID_TOKEN_HINT_MAX 8192

static gboolean
oidc_configured (CarreteRequest *req)
{
  if (app_of (req)->service.oidc != NULL)
    return TRUE;
  carrete_request_respond_status (req, 404,
                                  "OpenID Connect sign-in is not configured on this server.");
  return FALSE;
}

/* 302 to `url`, which the body names too as {`member`: url}. */
static void
respond_redirect (CarreteRequest *req, const char *member, const char *url)
{
  GString *text = g_string_sized_new (strlen (url) + 32);
  CarreteJsonWriter writer;

  carrete_json_writer_init (&writer, text);
  carrete_json_writer_begin_object (&writer);
  carrete_json_writer_member (&writer, member);
  carrete_json_writer_string (&writer, url);
  carrete_json_writer_end_object (&writer);
  carrete_request_set_header (req, "Location", url);
  carrete_request_set_header (req, "Cache-Control", "no-store");
  carrete_request_respond_json_text (req, 302, text);
}

static void
started (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *url = users_oidc_start_finish (result, &error);

  if (url == NULL)
    carrete_request_respond_error (req, error);
  else
    respond_redirect (req, "authorization_url", url);
}

/* GET /v1/auth/oidc/start?redirect_uri=[&code_challenge=] */
void
handle_oidc_start (CarreteRequest *req)
{
  const char *redirect_uri = carrete_request_get_query (req, "redirect_uri");
  const char *challenge = carrete_request_get_query (req, "code_challenge");
  const char *reason = NULL;

  if (!oidc_configured (req))
    return;
  if (!users_oidc_redirect_allowed (redirect_uri, app_of (req)->service.public_url, &reason))
    {
      carrete_request_respond_field (req, 422, "redirect_uri", reason);
      return;
    }
  if (challenge != NULL && !users_oidc_pkce_well_formed (challenge))
    {
      carrete_request_respond_field (req, 422, "code_challenge",
                                     "must be 43 base64url characters (S256 of the verifier)");
      return;
    }
  users_oidc_start_async (&app_of (req)->service, redirect_uri, challenge,
                          carrete_request_get_cancellable (req), started, req);
}

static void
called_back (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;
  const char *field = NULL;
  g_autoptr (UsersSession) session = users_oidc_callback_finish (result, &field, &error);

  if (session != NULL)
    respond_session (req, session);
  else
    carrete_request_respond_error_on_field (req, error, field);
}

static const CarreteFieldSpec callback_specs[] = {
  { "code", CARRETE_FIELD_STRING, TRUE, 1, 4096 },
  { "state", CARRETE_FIELD_STRING, TRUE, 1, 256 },
  { "code_verifier", CARRETE_FIELD_STRING, FALSE, 43, 128 },
  { "password", CARRETE_FIELD_STRING, FALSE, 1, 1024 },
};

/* POST /v1/auth/oidc/callback {code, state, code_verifier?} */
void
handle_oidc_callback (CarreteRequest *req)
{
  g_autoptr (JsonObject) body = NULL;

  if (!oidc_configured (req))
    return;
  /* Without `password`: that is the link route's. */
  body = carrete_request_parse_body (req, callback_specs, G_N_ELEMENTS (callback_specs) - 1);
  if (body != NULL)
    users_oidc_callback_async (&app_of (req)->service, carrete_json_body_get_string (body, "code"),
                               carrete_json_body_get_string (body, "state"),
                               carrete_json_body_get_string (body, "code_verifier"), 0, NULL,
                               carrete_request_get_cancellable (req), called_back, req);
}

/* POST /v1/users/me/oidc {code, state, code_verifier?, password}: links
 * the provider's account to the caller's, after a password check. */
void
handle_oidc_link (CarreteRequest *req)
{
  g_autoptr (JsonObject) body = NULL;

  if (!oidc_configured (req))
    return;
  body = carrete_request_parse_body (req, callback_specs, G_N_ELEMENTS (callback_specs));
  if (body == NULL)
    return;
  if (carrete_json_body_get_string (body, "password") == NULL)
    {
      carrete_request_respond_field (req, 422, "password",
                                     "is required to link an identity to this account");
      return;
    }
  users_oidc_callback_async (&app_of (req)->service, carrete_json_body_get_string (body, "code"),
                             carrete_json_body_get_string (body, "state"),
                             carrete_json_body_get_string (body, "code_verifier"),
                             carrete_request_get_caller (req)->id,
                             carrete_json_body_get_string (body, "password"),
                             carrete_request_get_cancellable (req), called_back, req);
}

static void
logout_discovered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CarreteRequest *req = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;

  if (!users_oidc_provider_discover_finish (result, &error))
    {
      carrete_request_respond_error (req, error);
      return;
    }
  url = users_oidc_provider_end_session_url (app_of (req)->service.oidc,
                                             carrete_request_get_query (req, "id_token_hint"),
                                             carrete_request_get_query (req, "post_logout_redirect_uri"));
  if (url == NULL)
    carrete_request_respond_status (req, 404,
                                    "The identity provider offers no sign-out (its discovery "
                                    "document has no end_session_endpoint).");
  else
    respond_redirect (req, "logout_url", url);
}

/* GET /v1/auth/oidc/logout?post_logout_redirect_uri=[&id_token_hint=]:
 * where to send a browser whose Carrete session has ended, to end its
 * session at the provider too.  Carrete's own sign-out comes first
 * (POST /v1/auth/logout), so that a provider that is down signs nobody
 * in. */
void
handle_oidc_logout (CarreteRequest *req)
{
  const char *redirect_uri = carrete_request_get_query (req, "post_logout_redirect_uri");
  const char *hint = carrete_request_get_query (req, "id_token_hint");
  const char *reason = NULL;

  if (!oidc_configured (req))
    return;
  if (!users_oidc_logout_redirect_allowed (redirect_uri, app_of (req)->service.public_url,
                                           &reason))
    {
      carrete_request_respond_field (req, 422, "post_logout_redirect_uri", reason);
      return;
    }
  if (hint != NULL && (*hint == '\0' || strlen (hint) > ID_TOKEN_HINT_MAX))
    {
      carrete_request_respond_field (req, 422, "id_token_hint",
                                     "must be the ID token of the sign-in (1 to 8192 characters)");
      return;
    }
  users_oidc_provider_discover_async (app_of (req)->service.oidc,
                                      carrete_request_get_cancellable (req), logout_discovered, req);
}

/* Password sign-in and registration answer 403 when it is off. */
gboolean
password_login_allowed (CarreteRequest *req)
{
  if (app_of (req)->service.password_login)
    return TRUE;
  carrete_request_respond_status (
      req, 403,
      "Signing in and registering with a password are turned off on this server; sign in with "
      "the identity provider.");
  return FALSE;
}
