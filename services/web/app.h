#pragma once

#include <libsoup/soup.h>

#include "carrete-refresh-gate.h"
#include "carrete-service-client.h"
#include "web-csrf.h"
#include "web-i18n.h"
#include "web-link-seal.h"

G_BEGIN_DECLS

/* Everything a request handler of carrete-web can reach. */
typedef struct
{
  CarreteServiceClient *users; /* the API calls of pages (web-api.c) */
  CarreteServiceClient *photos;
  CarreteServiceClient *folders;
  SoupSession *session; /* the API proxy's, which streams bodies (web-proxy.c) */
  char *users_url;
  char *photos_url;
  char *folders_url;
  WebCsrf csrf;
  WebLinkSeal link_seal; /* share links' passwords in cookies */
  char *public_url;      /* CARRETE_PUBLIC_URL, or NULL: a new link's address */
  WebI18n *i18n;
  gboolean cookie_secure;
  char *oidc_provider;       /* the issuer's host, for "Sign in with …"; NULL: OIDC off */
  char *oidc_redirect_uri;   /* CARRETE_PUBLIC_URL + /login/oidc/callback */
  char *oidc_logout_redirect_uri; /* CARRETE_PUBLIC_URL + /login: back from the provider's sign-out */
  gboolean password_login;   /* CARRETE_PASSWORD_LOGIN: the password form is shown */
  guint64 max_upload_bytes;  /* one file */
  guint64 max_request_bytes; /* one upload request, all files */
  guint64 resumable_bytes;   /* upload.js: larger files go part by part */
  char *spool_dir;           /* upload bodies on their way to photos */
  CarreteRefreshGate *refreshes; /* one refresh per token (web-refresh.h) */
  char **response_headers;   /* name, value, …: on every answer (CSP…) */
} WebApp;

#define WEB_RESOURCE_PREFIX "/dev/carrete/web"

G_END_DECLS
