#pragma once

/* Where carrete keeps its session: the refresh token in the keyring
 * (CarreteKeyring, application "carrete-cli") when a Secret Service answers,
 * else in a 0600 file; either way $XDG_CONFIG_HOME/carrete/cli-session.ini
 * (0600) holds the server, the per-service addresses, the username and which
 * store has the token, so that --server defaults to the last login. */

#include "cli.h"

G_BEGIN_DECLS

typedef enum
{
  CLI_STORE_KEYRING,
  CLI_STORE_FILE,
} CliStore;

typedef struct
{
  CarreteKeyringEntry *entry; /* server, overrides, username, refresh token */
  CliStore store;
} CliSession;

void cli_session_free (CliSession *session);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CliSession, cli_session_free)

/* $XDG_CONFIG_HOME/carrete/cli-session.ini */
char *cli_session_path (void);

/* The stored session, NULL without error when there is none. */
CliSession *cli_session_load (GError **error);

/* Keeps `client`'s session: in the keyring when `try_keyring` and one
 * answers, else in the file.  Returns the store used; `keyring_error` (may be
 * NULL) says why the keyring was not used. */
gboolean cli_session_save (CarreteClient *client, gboolean try_keyring, CliStore *store,
                           char **keyring_error, GError **error);

/* Forgets the session wherever it is. */
gboolean cli_session_clear (GError **error);

/* Makes cli->client from `session` and signs in with its token (which
 * rotates it; every new token is kept at once).  FALSE and the error,
 * which is not printed (cli_connect prints it). */
gboolean cli_restore (CarreteCommand *cli, const CliSession *session, GError **error);

/* The client of `session` (addresses set, not signed in yet). */
CarreteClient *cli_session_new_client (const CliSession *session);

G_END_DECLS
