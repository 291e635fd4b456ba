#pragma once

#include <gio/gio.h>

#include "carrete-client-types.h"

G_BEGIN_DECLS

/* The signed-in session kept in the Secret Service (libsecret), schema
 * "org.carrete.Desktop.Session": the secret is the refresh token; the
 * attributes are the server URL, the username and any per-service
 * overrides.  One session is kept: storing replaces the previous one. */
typedef struct
{
  char *server_url;
  char *users_url;   /* NULL unless overridden */
  char *photos_url;  /* NULL unless overridden */
  char *folders_url; /* NULL unless overridden */
  char *username;
  char *refresh_token;
} CarreteKeyringEntry;

/* The program whose session is stored, looked up and cleared (the
 * "application" attribute): "carrete-desktop" unless set, e.g. "carrete-cli".
 * Process-wide; set it once before the first call.  NULL restores the
 * default. */
void carrete_keyring_set_application (const char *application);

CarreteKeyringEntry *carrete_keyring_entry_new (void);
void carrete_keyring_entry_free (CarreteKeyringEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarreteKeyringEntry, carrete_keyring_entry_free)


/* The client's addresses, user and refresh token; NULL when signed out. */
CarreteKeyringEntry *carrete_keyring_entry_new_from_client (CarreteClient *client);

void carrete_keyring_store_async (const CarreteKeyringEntry *entry, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
gboolean carrete_keyring_store_finish (GAsyncResult *result, GError **error);

/* The stored session, or NULL without error when there is none. */
void carrete_keyring_lookup_async (GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
CarreteKeyringEntry *carrete_keyring_lookup_finish (GAsyncResult *result, GError **error);

/* Forgets the stored session (sign out); TRUE also when there was none. */
void carrete_keyring_clear_async (GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
gboolean carrete_keyring_clear_finish (GAsyncResult *result, GError **error);

G_END_DECLS
