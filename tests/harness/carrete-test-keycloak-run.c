#define G_LOG_DOMAIN "carrete-test-keycloak"

/* Keycloak for shell-driven tests (tests/harness/stack.sh
 * stack_start_keycloak): ct_keycloak_start with the users named on the
 * command line, then its settings on stdout, one per line, until SIGTERM
 * or SIGINT stops it and removes its data.
 *
 *   carrete-test-keycloak-run USERNAME:EMAIL[:unverified]...
 *   carrete-test-keycloak-run --check   (only says whether it could)
 *
 * prints
 *
 *   issuer URL
 *   client_id ID
 *   secret_file PATH
 *   password USERNAME PASSWORD     (one per user)
 *   ready
 *
 * or "unavailable REASON" and exits 77 when Keycloak cannot run here (not
 * built, or no Java 21+), which a TAP script turns into a skip. */

#include <glib-unix.h>
#include <stdio.h>

#include "carrete-test-keycloak.h"

static gboolean
on_signal (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

/* "ana:ana@example.org[:unverified]" → a user; FALSE when malformed. */
static gboolean
parse_user (const char *arg, GStrv *parts, CtKeycloakUser *user)
{
  *parts = g_strsplit (arg, ":", 3);
  if (g_strv_length (*parts) < 2 || (*parts)[0][0] == '\0' || (*parts)[1][0] == '\0')
    return FALSE;
  user->username = (*parts)[0];
  user->email = (*parts)[1];
  user->email_verified = (*parts)[2] == NULL || g_strcmp0 ((*parts)[2], "unverified") != 0;
  return TRUE;
}

int
main (int argc, char **argv)
{
  g_autofree char *unavailable = ct_keycloak_unavailable ();
  g_autofree CtKeycloakUser *users = g_new0 (CtKeycloakUser, MAX (argc - 1, 1));
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (CtKeycloak) keycloak = NULL;

  if (unavailable != NULL)
    {
      printf ("unavailable %s\n", unavailable);
      return 77;
    }
  if (argc == 2 && g_str_equal (argv[1], "--check"))
    return 0;
  for (int i = 1; i < argc; i++)
    {
      GStrv user_parts = NULL;
      gboolean ok = parse_user (argv[i], &user_parts, &users[i - 1]);

      g_ptr_array_add (parts, user_parts);
      if (!ok)
        {
          fprintf (stderr, "usage: %s USERNAME:EMAIL[:unverified]...\n", argv[0]);
          return 2;
        }
    }
  keycloak = ct_keycloak_start (users, argc - 1);
  printf ("issuer %s\nclient_id %s\nsecret_file %s\n", ct_keycloak_issuer (keycloak),
          ct_keycloak_client_id (keycloak), ct_keycloak_secret_file (keycloak));
  for (int i = 0; i < argc - 1; i++)
    printf ("password %s %s\n", users[i].username,
            ct_keycloak_password (keycloak, users[i].username));
  printf ("ready\n");
  fflush (stdout);
  g_unix_signal_add (SIGTERM, on_signal, loop);
  g_unix_signal_add (SIGINT, on_signal, loop);
  g_main_loop_run (loop);
  return 0;
}
