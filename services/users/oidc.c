#define G_LOG_DOMAIN "carrete-users-oidc"

/* OpenID Connect sign-in: the start (a pending sign-in in the database)
 * and the callback (take it back once, redeem the code, then sign in,
 * create or link the account). */

#include "oidc.h"

#include "carrete-error.h"
#include "carrete-keys.h"
#include "carrete-op.h"
#include "oidc-rules.h"
#include "carrete-token.h"

#define PENDING_TTL_SECONDS 600

/* ---- start ------------------------------------------------------------------ */

typedef struct
{
  UsersService *svc;
  GCancellable *cancellable;
  char *redirect_uri;
  char *client_challenge;
  char *url;
} StartOp;

static void
start_op_free (gpointer data)
{
  StartOp *op = data;

  g_free (op->redirect_uri);
  g_free (op->client_challenge);
  g_free (op->url);
  g_free (op);
}

static void
start_stored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  StartOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (users_store_count_finish (op->svc->store, result, &error) < 0)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&op->url), g_free);
}

static void
start_discovered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  StartOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  /* Each is 32 random bytes in base64url, as refresh tokens are. */
  g_autofree char *state = carrete_token_new ();
  g_autofree char *state_hash = carrete_token_digest (state);
  g_autofree char *nonce = carrete_token_new ();
  g_autofree char *verifier = NULL;
  g_autofree char *challenge = NULL;

  if (!users_oidc_provider_discover_finish (result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (op->client_challenge == NULL)
    {
      verifier = carrete_token_new ();
      challenge = users_oidc_pkce_challenge (verifier);
    }
  op->url = users_oidc_provider_authorize_url (op->svc->oidc, op->redirect_uri, state, nonce,
                                               op->client_challenge != NULL ? op->client_challenge
                                                                            : challenge);
  users_store_oidc_login_insert (op->svc->store, state_hash, nonce, verifier, op->client_challenge,
                                 op->redirect_uri, PENDING_TTL_SECONDS, op->cancellable,
                                 start_stored, g_steal_pointer (&task));
}

void
users_oidc_start_async (UsersService *svc, const char *redirect_uri, const char *code_challenge,
                        GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  StartOp *op = g_new0 (StartOp, 1);
  GTask *task = carrete_op_new (op, start_op_free, users_oidc_start_async, cancellable, callback,
                                user_data);

  op->svc = svc;
  op->cancellable = cancellable;
  op->redirect_uri = g_strdup (redirect_uri);
  op->client_challenge = g_strdup (code_challenge);
  users_oidc_provider_discover_async (svc->oidc, cancellable, start_discovered, task);
}

char *
users_oidc_start_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- callback ------------------------------------------------------------------ */

typedef struct
{
  UsersService *svc;
  GCancellable *cancellable;
  char *code;          /* wiped */
  char *code_verifier; /* wiped; the client's, may be NULL */
  gint64 link_user_id;
  char *password; /* wiped */
  CarreteIdClaims *claims;
  UsersUser *link_user; /* the account being linked, once read */
  const char *field;    /* the input an error is about */
} CallbackOp;

static void
callback_op_free (gpointer data)
{
  CallbackOp *op = data;

  carrete_secret_free (op->code);
  carrete_secret_free (op->code_verifier);
  carrete_secret_free (op->password);
  carrete_id_claims_free (op->claims);
  users_user_free (op->link_user);
  g_free (op);
}

static void
fail_on (GTask *task, const char *field, int code, const char *message)
{
  CallbackOp *op = g_task_get_task_data (task);

  op->field = field;
  g_task_return_new_error (task, CARRETE_ERROR, code, "%s", message);
}

static void
session_opened (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  CallbackOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  UsersSession *session = users_service_open_session_finish (result, &error);

  if (session == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* The client hands it back at sign-out (id_token_hint). */
  session->id_token = g_steal_pointer (&op->claims->id_token);
  g_task_return_pointer (task, session, (GDestroyNotify) users_session_free);
}

/* Ends the callback with a session for `user` (taken), or `error` (taken). */
static void
open_session (GTask *task, UsersUser *user, GError *error)
{
  CallbackOp *op = g_task_get_task_data (task);

  if (user == NULL)
    {
      if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_CONFLICT))
        {
          g_error_free (error);
          fail_on (task, "email", CARRETE_ERROR_CONFLICT,
                   "An account with this email address exists already; sign in with its "
                   "password, then link this identity (POST /v1/users/me/oidc).");
          return;
        }
      g_task_return_error (task, error);
      return;
    }
  users_service_open_session_async (op->svc, user, op->cancellable, session_opened,
                                    g_object_ref (task));
}

static void
account_created (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  CallbackOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  UsersUser *user = users_store_user_finish (op->svc->store, result, &error);

  if (user != NULL)
    g_message ("created account %s on a first OpenID Connect sign-in", user->username);
  open_session (task, user, error);
}

static void
email_looked_up (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  CallbackOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (UsersUser) holder = users_store_user_finish (op->svc->store, result, &error);
  g_autofree char *username = NULL;

  if (holder != NULL)
    {
      /* Never linked on the email alone: its owner proves it with the
       * password (the link route). */
      open_session (task, NULL, g_error_new_literal (CARRETE_ERROR, CARRETE_ERROR_CONFLICT, ""));
      return;
    }
  if (!g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND))
    {
      g_task_return_error (task, error);
      return;
    }
  g_error_free (error);
  username = users_oidc_username (op->claims->preferred_username, op->claims->email);
  users_store_oidc_create_user (op->svc->store, username, op->claims->email,
                                users_oidc_provider_issuer (op->svc->oidc), op->claims->subject,
                                op->cancellable, account_created, g_steal_pointer (&task));
}

/* ---- linking to the caller's account -------------------------------------- */

static void
linked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  CallbackOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (users_store_count_finish (op->svc->store, result, &error) < 0)
    {
      g_clear_pointer (&op->link_user, users_user_free);
      if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_CONFLICT))
        {
          g_error_free (error);
          fail_on (task, NULL, CARRETE_ERROR_CONFLICT,
                   "This identity is linked to another account already.");
        }
      else
        g_task_return_error (task, error);
      return;
    }
  open_session (task, g_steal_pointer (&op->link_user), NULL);
}

static void
link_password_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  CallbackOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean matched = carrete_password_verify_finish (result, NULL, &error);

  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!matched)
    {
      fail_on (task, "password", CARRETE_ERROR_FORBIDDEN,
               "The password is wrong; the identity was not linked.");
      return;
    }
  users_store_oidc_link (op->svc->store, op->link_user->id,
                         users_oidc_provider_issuer (op->svc->oidc), op->claims->subject,
                         op->cancellable, linked, g_steal_pointer (&task));
}

static void
link_account_found (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  CallbackOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  op->link_user = users_store_user_finish (op->svc->store, result, &error);
  if (op->link_user == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  carrete_password_verify_async (op->svc->workers, op->link_user->password_hash, op->password,
                                 &op->svc->hash_params, link_password_checked,
                                 g_steal_pointer (&task));
}

/* The identity is linked to `user` (taken, may be NULL) or to nobody. */
static void
link_identity (GTask *task, UsersUser *user)
{
  CallbackOp *op = g_task_get_task_data (task);

  if (user != NULL && user->id == op->link_user_id)
    open_session (task, user, NULL); /* linked already: nothing to do */
  else if (user != NULL)
    {
      users_user_free (user);
      fail_on (task, NULL, CARRETE_ERROR_CONFLICT,
               "This identity is linked to another account already.");
    }
  else
    users_store_find_by_id (op->svc->store, op->link_user_id, op->cancellable, link_account_found,
                            g_object_ref (task));
}

/* ---- signing in ------------------------------------------------------------ */

static void
identity_looked_up (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  CallbackOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  UsersUser *user = users_store_user_finish (op->svc->store, result, &error);

  if (user == NULL && !g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND))
    {
      g_task_return_error (task, error);
      return;
    }
  g_clear_error (&error);
  if (op->link_user_id != 0)
    {
      link_identity (task, user);
      return;
    }
  if (user != NULL)
    {
      open_session (task, user, NULL);
      return;
    }
  /* A first sign-in: an account needs an email the provider vouches for. */
  if (op->claims->email == NULL || !op->claims->email_verified)
    {
      fail_on (task, NULL, CARRETE_ERROR_FORBIDDEN,
               "The identity provider has not verified this account's email address; verify it "
               "there, then sign in again.");
      return;
    }
  users_store_find_by_login (op->svc->store, op->claims->email, op->cancellable, email_looked_up,
                             g_steal_pointer (&task));
}

static void
redeemed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  CallbackOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  op->claims = users_oidc_provider_redeem_finish (result, &error);
  if (op->claims == NULL)
    {
      if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_BAD_REQUEST))
        op->field = "code";
      g_task_return_error (task, error);
      return;
    }
  users_store_oidc_find_user (op->svc->store, users_oidc_provider_issuer (op->svc->oidc),
                              op->claims->subject, op->cancellable, identity_looked_up,
                              g_steal_pointer (&task));
}

/* The verifier to redeem the code with: ours, or the client's when it
 * made the pair (then it must match its challenge).  NULL when refused. */
static const char *
pick_verifier (GTask *task, UsersOidcLogin *login)
{
  CallbackOp *op = g_task_get_task_data (task);
  g_autofree char *challenge = NULL;

  if (login->code_verifier != NULL)
    {
      if (op->code_verifier == NULL
          || carrete_secret_equal (op->code_verifier, login->code_verifier))
        return login->code_verifier;
    }
  else if (users_oidc_pkce_verifier_well_formed (op->code_verifier))
    {
      challenge = users_oidc_pkce_challenge (op->code_verifier);
      if (carrete_secret_equal (challenge, login->code_challenge))
        return op->code_verifier;
    }
  fail_on (task, "code_verifier", CARRETE_ERROR_BAD_REQUEST,
           "code_verifier does not match this sign-in's code_challenge.");
  return NULL;
}

static void
pending_taken (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  CallbackOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (UsersOidcLogin) login = users_store_oidc_login_finish (op->svc->store, result, &error);
  const char *verifier;

  if (login == NULL)
    {
      if (g_error_matches (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND))
        {
          g_error_free (error);
          fail_on (task, "state", CARRETE_ERROR_BAD_REQUEST,
                   "This sign-in is unknown or was already used; start again.");
        }
      else
        g_task_return_error (task, error);
      return;
    }
  if (login->expired)
    {
      fail_on (task, "state", CARRETE_ERROR_BAD_REQUEST, "This sign-in has expired; start again.");
      return;
    }
  verifier = pick_verifier (task, login);
  if (verifier == NULL)
    return;
  users_oidc_provider_redeem_async (op->svc->oidc, op->code, login->redirect_uri, verifier,
                                    login->nonce, op->cancellable, redeemed,
                                    g_steal_pointer (&task));
}

void
users_oidc_callback_async (UsersService *svc, const char *code, const char *state,
                           const char *code_verifier, gint64 link_user_id, const char *password,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data)
{
  CallbackOp *op = g_new0 (CallbackOp, 1);
  g_autoptr (GTask) task = carrete_op_new (op, callback_op_free, users_oidc_callback_async,
                                           cancellable, callback, user_data);
  g_autofree char *state_hash = NULL;

  op->svc = svc;
  op->cancellable = cancellable;
  op->code = g_strdup (code);
  op->code_verifier = g_strdup (code_verifier);
  op->link_user_id = link_user_id;
  op->password = g_strdup (password);
  if (!carrete_token_is_well_formed (state))
    {
      fail_on (task, "state", CARRETE_ERROR_BAD_REQUEST,
               "This sign-in is unknown or was already used; start again.");
      return;
    }
  state_hash = carrete_token_digest (state);
  /* Taken before anything else, so that a state is good for one try
   * whatever happens next. */
  users_store_oidc_login_take (svc->store, state_hash, NULL, pending_taken,
                               g_steal_pointer (&task));
}

UsersSession *
users_oidc_callback_finish (GAsyncResult *result, const char **field, GError **error)
{
  CallbackOp *op = g_task_get_task_data (G_TASK (result));

  if (field != NULL)
    *field = op->field;
  return g_task_propagate_pointer (G_TASK (result), error);
}
