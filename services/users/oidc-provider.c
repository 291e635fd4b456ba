#define G_LOG_DOMAIN "carrete-users-oidc"

#include "oidc-provider.h"

#include <libsoup/soup.h>
#include <string.h>

#include "carrete-error.h"
#include "carrete-jws.h"
#include "carrete-keys.h"
#include "carrete-op.h"
#include "carrete-service-client.h"

#define PROVIDER_TIMEOUT_SECONDS 10
#define DISCOVERY_TTL_USEC (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)
#define JWKS_TTL_USEC (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)
/* An unknown `kid` fetches the keys again, but no more often than this:
 * tokens signed by strangers must not make us hammer the provider. */
#define JWKS_REFETCH_USEC (G_GINT64_CONSTANT (10) * G_USEC_PER_SEC)
#define CLOCK_LEEWAY_SECONDS 60

struct _UsersOidcProvider
{
  CarreteServiceClient *client; /* no base: every URL is absolute */
  char *configured_issuer;
  char *client_id;
  char *client_secret;
  char *scopes;
  /* From discovery. */
  char *issuer;
  char *authorization_endpoint;
  char *token_endpoint;
  char *jwks_uri;
  char *end_session_endpoint; /* NULL: no RP-initiated sign-out */
  GStrv algorithms;
  gint64 discovered_at; /* monotonic; 0: never */
  JsonObject *jwks;
  gint64 jwks_fetched_at;
};

UsersOidcProvider *
users_oidc_provider_new (const char *issuer, const char *client_id, const char *client_secret,
                         const char *scopes)
{
  UsersOidcProvider *provider = g_new0 (UsersOidcProvider, 1);

  provider->client = carrete_service_client_new (NULL, PROVIDER_TIMEOUT_SECONDS);
  provider->configured_issuer = g_strdup (issuer);
  provider->client_id = g_strdup (client_id);
  provider->client_secret = g_strdup (client_secret);
  provider->scopes = g_strdup (scopes);
  return provider;
}

static void
forget_discovery (UsersOidcProvider *provider)
{
  g_clear_pointer (&provider->issuer, g_free);
  g_clear_pointer (&provider->authorization_endpoint, g_free);
  g_clear_pointer (&provider->token_endpoint, g_free);
  g_clear_pointer (&provider->jwks_uri, g_free);
  g_clear_pointer (&provider->end_session_endpoint, g_free);
  g_clear_pointer (&provider->algorithms, g_strfreev);
}

void
users_oidc_provider_free (UsersOidcProvider *provider)
{
  if (provider == NULL)
    return;
  carrete_service_client_free (provider->client);
  forget_discovery (provider);
  g_clear_pointer (&provider->jwks, json_object_unref);
  g_free (provider->configured_issuer);
  g_free (provider->client_id);
  carrete_secret_free (provider->client_secret);
  g_free (provider->scopes);
  g_free (provider);
}

const char *
users_oidc_provider_issuer (UsersOidcProvider *provider)
{
  return provider->issuer;
}

/* Every failure to talk to the provider reads the same to the user. */
static GError *
unavailable (const char *why)
{
  return g_error_new (CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                      "The identity provider cannot be used right now (%s); try again later, or "
                      "sign in with a password.",
                      why);
}

/* Ends `task` after a call to the provider failed with `error` (taken):
 * a cancellation stays one; anything else is logged and told as `why`. */
static void
return_call_failed (GTask *task, GError *error, const char *why)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, error);
      return;
    }
  g_warning ("OIDC provider: %s: %s", why, error->message);
  g_error_free (error);
  g_task_return_error (task, unavailable (why));
}

/* ---- discovery ------------------------------------------------------------- */

static const char *
url_member (JsonObject *object, const char *name)
{
  const char *url = carrete_jws_string_claim (object, name);

  if (url == NULL || !(g_str_has_prefix (url, "https://") || g_str_has_prefix (url, "http://")))
    return NULL;
  return url;
}

/* The issuer we were given is stored without a trailing slash; the one
 * the provider names may have one. */
static gboolean
same_issuer (const char *configured, const char *named)
{
  gsize len = strlen (configured);

  return g_str_has_prefix (named, configured)
         && (named[len] == '\0' || (named[len] == '/' && named[len + 1] == '\0'));
}

static GError *
take_discovery (UsersOidcProvider *provider, JsonNode *root)
{
  JsonObject *doc
      = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonNode *algs
      = doc != NULL ? json_object_get_member (doc, "id_token_signing_alg_values_supported") : NULL;
  g_autoptr (JsonArray) default_algs = NULL;
  GStrv algorithms;

  if (doc == NULL || carrete_jws_string_claim (doc, "issuer") == NULL
      || !same_issuer (provider->configured_issuer, carrete_jws_string_claim (doc, "issuer")))
    return unavailable ("its discovery document names another issuer");
  if (url_member (doc, "authorization_endpoint") == NULL
      || url_member (doc, "token_endpoint") == NULL || url_member (doc, "jwks_uri") == NULL)
    return unavailable ("its discovery document lacks an endpoint");
  if (algs == NULL)
    {
      /* OpenID Connect Discovery: RS256 is the one every provider supports. */
      default_algs = json_array_new ();
      json_array_add_string_element (default_algs, "RS256");
    }
  algorithms = carrete_id_token_algorithms (
      algs != NULL && JSON_NODE_HOLDS_ARRAY (algs) ? json_node_get_array (algs) : default_algs);
  if (algorithms[0] == NULL)
    {
      g_strfreev (algorithms);
      return unavailable ("it signs ID tokens with neither RS256 nor ES256");
    }
  forget_discovery (provider);
  provider->algorithms = algorithms;
  provider->issuer = g_strdup (carrete_jws_string_claim (doc, "issuer"));
  provider->authorization_endpoint = g_strdup (url_member (doc, "authorization_endpoint"));
  provider->token_endpoint = g_strdup (url_member (doc, "token_endpoint"));
  provider->jwks_uri = g_strdup (url_member (doc, "jwks_uri"));
  provider->end_session_endpoint = g_strdup (url_member (doc, "end_session_endpoint"));
  provider->discovered_at = g_get_monotonic_time ();
  return NULL;
}

static void
discovered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  UsersOidcProvider *provider = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = NULL;
  GError *taken;

  if (!carrete_service_client_call_finish (result, NULL, &root, &error))
    {
      if (provider->issuer != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_warning ("OIDC discovery failed, keeping the cached document: %s", error->message);
          g_task_return_boolean (task, TRUE);
        }
      else
        return_call_failed (task, g_steal_pointer (&error),
                            "its discovery document cannot be fetched");
      return;
    }
  taken = take_discovery (provider, root);
  carrete_op_return_ok (task, taken == NULL, taken);
}

void
users_oidc_provider_discover_async (UsersOidcProvider *provider, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
  /* The provider outlives every request: the task data borrows it. */
  g_autoptr (GTask) task = carrete_op_new (provider, NULL, users_oidc_provider_discover_async,
                                           cancellable, callback, user_data);
  g_autofree char *url = NULL;

  if (provider->issuer != NULL
      && g_get_monotonic_time () - provider->discovered_at < DISCOVERY_TTL_USEC)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  url = g_strconcat (provider->configured_issuer, "/.well-known/openid-configuration", NULL);
  carrete_service_client_call_async (provider->client, "GET", url, NULL, NULL, NULL, cancellable,
                                     discovered, g_steal_pointer (&task));
}

gboolean
users_oidc_provider_discover_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

char *
users_oidc_provider_authorize_url (UsersOidcProvider *provider, const char *redirect_uri,
                                   const char *state, const char *nonce, const char *code_challenge)
{
  const CarreteQueryParam query[] = {
    { "response_type", "code" },
    { "client_id", provider->client_id },
    { "redirect_uri", redirect_uri },
    { "scope", provider->scopes },
    { "state", state },
    { "nonce", nonce },
    { "code_challenge", code_challenge },
    { "code_challenge_method", "S256" },
    { NULL, NULL },
  };

  g_return_val_if_fail (provider->authorization_endpoint != NULL, NULL);
  return carrete_service_path_with_query (provider->authorization_endpoint, query);
}

char *
users_oidc_provider_end_session_url (UsersOidcProvider *provider, const char *id_token_hint,
                                     const char *post_logout_redirect_uri)
{
  /* client_id too: the provider needs it to check the redirect when the
   * hint is missing (OpenID Connect RP-Initiated Logout 1.0, section 2). */
  const CarreteQueryParam query[] = {
    { "client_id", provider->client_id },
    { "post_logout_redirect_uri", post_logout_redirect_uri },
    { "id_token_hint", id_token_hint },
    { NULL, NULL },
  };

  if (provider->end_session_endpoint == NULL)
    return NULL;
  return carrete_service_path_with_query (provider->end_session_endpoint, query);
}

/* ---- redeeming a code ------------------------------------------------------------ */

typedef struct
{
  UsersOidcProvider *provider;
  GCancellable *cancellable;
  char *code; /* wiped */
  char *redirect_uri;
  char *code_verifier; /* wiped */
  char *nonce;
  char *id_token;
  gboolean refetched;
} RedeemOp;

static void
redeem_op_free (gpointer data)
{
  RedeemOp *op = data;

  carrete_secret_free (op->code);
  g_free (op->redirect_uri);
  carrete_secret_free (op->code_verifier);
  g_free (op->nonce);
  carrete_secret_free (op->id_token);
  g_free (op);
}

static void fetch_keys (GTask *task);

static void
verify_token (GTask *owned_task)
{
  g_autoptr (GTask) task = owned_task; /* the caller's reference, given up */
  RedeemOp *op = g_task_get_task_data (task);
  UsersOidcProvider *provider = op->provider;
  CarreteIdTokenCheck check = {
    .issuer = provider->issuer,
    .client_id = provider->client_id,
    .nonce = op->nonce,
    .algorithms = (const char *const *)provider->algorithms,
    .now = g_get_real_time () / G_USEC_PER_SEC,
    .leeway = CLOCK_LEEWAY_SECONDS,
  };
  GError *error = NULL;
  CarreteIdClaims *claims = carrete_id_token_verify (op->id_token, provider->jwks, &check, &error);

  if (claims != NULL)
    {
      claims->id_token = g_steal_pointer (&op->id_token);
      g_task_return_pointer (task, claims, (GDestroyNotify) carrete_id_claims_free);
    }
  else if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND) && !op->refetched
           && g_get_monotonic_time () - provider->jwks_fetched_at >= JWKS_REFETCH_USEC)
    {
      /* The provider may have rotated its keys. */
      g_error_free (error);
      op->refetched = TRUE;
      fetch_keys (g_steal_pointer (&task));
    }
  else
    {
      if (error->code == CARRETE_ERROR_NOT_FOUND)
        error->code = CARRETE_ERROR_UNAUTHORIZED;
      g_task_return_error (task, error);
    }
}

static void
keys_fetched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RedeemOp *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = NULL;

  if (!carrete_service_client_call_finish (result, NULL, &root, &error))
    {
      return_call_failed (task, g_steal_pointer (&error), "its keys cannot be fetched");
      return;
    }
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_task_return_error (task, unavailable ("its key set is not a JSON object"));
      return;
    }
  g_clear_pointer (&op->provider->jwks, json_object_unref);
  op->provider->jwks = json_object_ref (json_node_get_object (root));
  op->provider->jwks_fetched_at = g_get_monotonic_time ();
  verify_token (g_steal_pointer (&task));
}

static void
fetch_keys (GTask *task)
{
  RedeemOp *op = g_task_get_task_data (task);

  carrete_service_client_call_async (op->provider->client, "GET", op->provider->jwks_uri, NULL,
                                     NULL, NULL, op->cancellable, keys_fetched, task);
}

/* The provider's OAuth error ({error, error_description}), for the detail. */
static char *
oauth_error (JsonNode *root)
{
  JsonObject *object
      = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  const char *code = object != NULL ? carrete_jws_string_claim (object, "error") : NULL;
  const char *description = object != NULL ? carrete_jws_string_claim (object, "error_description") : NULL;

  if (code == NULL)
    return g_strdup ("no reason given");
  if (description == NULL)
    return g_strdup (code);
  return g_strdup_printf ("%s: %s", code, description);
}

static void
redeemed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RedeemOp *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = NULL;
  guint status = 0;
  const char *id_token;

  if (!carrete_service_client_answer_finish (result, &status, &root, &error))
    {
      return_call_failed (task, g_steal_pointer (&error), "its token endpoint cannot be reached");
      return;
    }
  if (status >= 400 && status < 500)
    {
      g_autofree char *why = oauth_error (root);
      g_task_return_new_error (task, CARRETE_ERROR, CARRETE_ERROR_BAD_REQUEST,
                               "The identity provider refused the code (%s); sign in again.", why);
      return;
    }
  id_token = SOUP_STATUS_IS_SUCCESSFUL (status) && root != NULL && JSON_NODE_HOLDS_OBJECT (root)
                 ? carrete_jws_string_claim (json_node_get_object (root), "id_token")
                 : NULL;
  if (id_token == NULL)
    {
      g_task_return_error (task, unavailable ("its token endpoint gave no ID token"));
      return;
    }
  op->id_token = g_strdup (id_token);
  if (op->provider->jwks == NULL
      || g_get_monotonic_time () - op->provider->jwks_fetched_at >= JWKS_TTL_USEC)
    {
      op->refetched = TRUE;
      fetch_keys (g_steal_pointer (&task));
    }
  else
    verify_token (g_steal_pointer (&task));
}

static void
redeem_discovered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RedeemOp *op = g_task_get_task_data (task);
  UsersOidcProvider *provider = op->provider;
  GError *error = NULL;
  char *form;
  g_autoptr (GBytes) body = NULL;

  if (!users_oidc_provider_discover_finish (result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* client_secret_post (RFC 6749 §2.3.1), which every provider takes. */
  form = soup_form_encode ("grant_type", "authorization_code", "code", op->code, "redirect_uri",
                           op->redirect_uri, "client_id", provider->client_id, "client_secret",
                           provider->client_secret, "code_verifier", op->code_verifier, NULL);
  body = g_bytes_new_take (form, strlen (form));
  carrete_service_client_send_async (provider->client, "POST", provider->token_endpoint, NULL,
                                     "application/x-www-form-urlencoded", body, NULL,
                                     op->cancellable, redeemed, g_steal_pointer (&task));
}

void
users_oidc_provider_redeem_async (UsersOidcProvider *provider, const char *code,
                                  const char *redirect_uri, const char *code_verifier,
                                  const char *nonce, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  RedeemOp *op = g_new0 (RedeemOp, 1);
  GTask *task = carrete_op_new (op, redeem_op_free, users_oidc_provider_redeem_async, cancellable,
                                callback, user_data);

  op->provider = provider;
  op->cancellable = cancellable;
  op->code = g_strdup (code);
  op->redirect_uri = g_strdup (redirect_uri);
  op->code_verifier = g_strdup (code_verifier);
  op->nonce = g_strdup (nonce);
  users_oidc_provider_discover_async (provider, cancellable, redeem_discovered, task);
}

CarreteIdClaims *
users_oidc_provider_redeem_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
