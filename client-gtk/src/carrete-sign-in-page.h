#pragma once

#include <gtk/gtk.h>

#include "carrete-client-types.h"
#include "carrete-types.h"

G_BEGIN_DECLS

/* First-run page: server address (or, under Advanced, one address per
 * service), username and password; signs in or registers and emits
 * ::signed-in with a signed-in CarreteClient.  Errors are shown on the page
 * in words that say what to do (wrong password, unreachable server, not a
 * Carrete server). */
#define CARRETE_TYPE_SIGN_IN_PAGE (carrete_sign_in_page_get_type ())
G_DECLARE_FINAL_TYPE (CarreteSignInPage, carrete_sign_in_page, CARRETE, SIGN_IN_PAGE, GtkWidget)

/* Fills the fields the way a person would type them; NULL leaves a field. */
void carrete_sign_in_page_fill (CarreteSignInPage *self, const char *server,
                                const char *users, const char *photos, const char *folders,
                                const char *username, const char *password);
void carrete_sign_in_page_set_registering (CarreteSignInPage *self, gboolean registering,
                                           const char *email);
/* The Sign In (or Create Account) button. */
void carrete_sign_in_page_submit (CarreteSignInPage *self);
gboolean carrete_sign_in_page_get_busy (CarreteSignInPage *self);
/* The error shown, or NULL. */
const char *carrete_sign_in_page_get_error (CarreteSignInPage *self);
void carrete_sign_in_page_show_error (CarreteSignInPage *self, const char *message);
/* After the session expired: sign in again with this client (its address
 * fields are locked) so that its upload queue carries on; NULL forgets it. */
void carrete_sign_in_page_set_resume_client (CarreteSignInPage *self, CarreteClient *client);
/* Clears the password (after sign out); keeps the addresses and username. */
void carrete_sign_in_page_reset (CarreteSignInPage *self);

/* A sentence for people about a client error (shared with the window). */
char *carrete_describe_error (const GError *error, const char *server);

G_END_DECLS
