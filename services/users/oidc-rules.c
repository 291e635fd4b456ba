#define G_LOG_DOMAIN "carrete-users-oidc"

#include "oidc-rules.h"

#include <sodium.h>
#include <string.h>

#include "carrete-base64url.h"

#define PKCE_LEN 43
#define PKCE_VERIFIER_MAX 128 /* RFC 7636 §4.1 */
#define USERNAME_MIN 3
#define USERNAME_MAX 32

static gboolean
loopback_allowed (GUri *uri, const char **reason)
{
  const char *host = g_uri_get_host (uri);

  if (g_strcmp0 (host, "127.0.0.1") != 0 && g_strcmp0 (host, "::1") != 0)
    {
      *reason = "must be carrete-web's callback or a loopback address (http://127.0.0.1:PORT/)";
      return FALSE;
    }
  if (g_uri_get_port (uri) <= 0)
    {
      *reason = "a loopback redirect must name its port";
      return FALSE;
    }
  return TRUE;
}

gboolean
users_oidc_redirect_allowed (const char *redirect_uri, const char *public_url, const char **reason)
{
  g_autoptr (GUri) uri = NULL;
  g_autofree char *web_callback = NULL;

  *reason = NULL;
  if (redirect_uri == NULL || *redirect_uri == '\0' || strlen (redirect_uri) > 1024)
    {
      *reason = "is required (at most 1024 characters)";
      return FALSE;
    }
  if (public_url != NULL)
    {
      web_callback = g_strconcat (public_url, "/login/oidc/callback", NULL);
      if (g_str_equal (redirect_uri, web_callback))
        return TRUE;
    }
  uri = g_uri_parse (redirect_uri, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "http") != 0)
    {
      *reason = "must be carrete-web's callback or a loopback address (http://127.0.0.1:PORT/)";
      return FALSE;
    }
  if (g_uri_get_userinfo (uri) != NULL || g_uri_get_query (uri) != NULL
      || g_uri_get_fragment (uri) != NULL)
    {
      *reason = "may have no user, query or fragment";
      return FALSE;
    }
  return loopback_allowed (uri, reason);
}

gboolean
users_oidc_logout_redirect_allowed (const char *redirect_uri, const char *public_url,
                                    const char **reason)
{
  g_autofree char *login = NULL;

  *reason = NULL;
  if (redirect_uri == NULL || *redirect_uri == '\0')
    *reason = "is required";
  else if (public_url == NULL)
    *reason = "has nowhere to go: carrete-users has no CARRETE_PUBLIC_URL";
  else
    {
      login = g_strconcat (public_url, "/login", NULL);
      if (!g_str_equal (redirect_uri, login))
        *reason = "must be carrete-web's sign-in page (CARRETE_PUBLIC_URL/login)";
    }
  return *reason == NULL;
}

gboolean
users_oidc_pkce_well_formed (const char *text)
{
  if (text == NULL || strlen (text) != PKCE_LEN)
    return FALSE;
  for (const char *c = text; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && *c != '-' && *c != '_')
      return FALSE;
  return TRUE;
}

gboolean
users_oidc_pkce_verifier_well_formed (const char *text)
{
  gsize len = text != NULL ? strlen (text) : 0;

  if (len < PKCE_LEN || len > PKCE_VERIFIER_MAX)
    return FALSE;
  for (const char *c = text; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && strchr ("-._~", *c) == NULL)
      return FALSE;
  return TRUE;
}

char *
users_oidc_pkce_challenge (const char *verifier)
{
  guint8 digest[crypto_hash_sha256_BYTES];

  crypto_hash_sha256 (digest, (const guint8 *) verifier, strlen (verifier));
  return carrete_base64url_encode (digest, sizeof digest);
}

char *
users_oidc_username (const char *preferred_username, const char *email)
{
  GString *name = g_string_new (NULL);
  const char *source = preferred_username;

  if (source == NULL || *source == '\0')
    source = email;
  if (source == NULL || *source == '\0' || *source == '@')
    source = "user";
  for (const char *c = source; *c != '\0' && *c != '@' && name->len < USERNAME_MAX; c++)
    {
      gboolean plain = g_ascii_isalnum (*c) || *c == '_' || *c == '.' || *c == '-';
      /* A multibyte character becomes one '_'. */
      if ((guchar)*c >= 0x80 && ((guchar)*c & 0xC0) == 0x80)
        continue;
      g_string_append_c (name, plain ? *c : '_');
    }
  while (name->len < USERNAME_MIN)
    g_string_append_c (name, '_');
  return g_string_free (name, FALSE);
}
