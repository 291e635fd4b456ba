#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A real OpenID Connect provider: Keycloak (scripts/lib.sh
 * ensure_keycloak builds it into .cache/keycloak, or CARRETE_KEYCLOAK_HOME)
 * on a free loopback port, its data in a temporary directory, with the
 * realm "carrete" imported at start: a confidential client whose secret is
 * generated (PKCE S256 required, redirects and post-logout redirects to
 * http://127.0.0.1:* allowed)
 * and the given users with generated passwords. */
typedef struct
{
  const char *username;
  const char *email;
  gboolean email_verified;
} CtKeycloakUser;

typedef struct _CtKeycloak CtKeycloak;

/* NULL when Keycloak can be started here; otherwise why not (not built, or
 * no Java 21+): the tests skip with it. */
char *ct_keycloak_unavailable (void);
CtKeycloak *ct_keycloak_start (const CtKeycloakUser *users, guint n_users);
/* Stops it (SIGTERM) and removes its data. */
void ct_keycloak_free (CtKeycloak *keycloak);

const char *ct_keycloak_issuer (CtKeycloak *keycloak); /* http://127.0.0.1:PORT/realms/carrete */
const char *ct_keycloak_client_id (CtKeycloak *keycloak);
/* A 0600 file holding the client secret (CARRETE_OIDC_CLIENT_SECRET_FILE). */
const char *ct_keycloak_secret_file (CtKeycloak *keycloak);
/* Seconds from launch to a served discovery document. */
double ct_keycloak_start_seconds (CtKeycloak *keycloak);

/* The generated password of one of the users it was started with (the
 * test signs them in through Keycloak's own login page). */
const char *ct_keycloak_password (CtKeycloak *keycloak, const char *username);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CtKeycloak, ct_keycloak_free)

G_END_DECLS
