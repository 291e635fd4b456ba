#define G_LOG_DOMAIN "carrete-test-client-keyring"

/* carrete-keyring against a real Secret Service (a private gnome-keyring,
 * started by keyring-session.sh): store, look up, replace, forget.  Skipped
 * with a reason when no Secret Service answers. */

#include "client-test-util.h"

static gboolean
store (const CarreteKeyringEntry *entry, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  carrete_keyring_store_async (entry, NULL, ctu_on_result, &result);
  return carrete_keyring_store_finish (ctu_await (&result), error);
}

static CarreteKeyringEntry *
lookup (void)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  CarreteKeyringEntry *entry;

  carrete_keyring_lookup_async (NULL, ctu_on_result, &result);
  entry = carrete_keyring_lookup_finish (ctu_await (&result), &error);
  g_assert_no_error (error);
  return entry;
}

static void
clear (void)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  carrete_keyring_clear_async (NULL, ctu_on_result, &result);
  g_assert_true (carrete_keyring_clear_finish (ctu_await (&result), &error));
  g_assert_no_error (error);
}

static void
test_roundtrip (void)
{
  g_autoptr (CarreteKeyringEntry) first = carrete_keyring_entry_new ();
  g_autoptr (CarreteKeyringEntry) second = carrete_keyring_entry_new ();
  g_autoptr (CarreteKeyringEntry) found = NULL;
  g_autoptr (CarreteKeyringEntry) replaced = NULL;
  g_autoptr (CarreteKeyringEntry) gone = NULL;
  g_autoptr (GError) error = NULL;

  first->server_url = g_strdup ("http://127.0.0.1:8081");
  first->photos_url = g_strdup ("http://127.0.0.1:8082");
  first->folders_url = g_strdup ("http://127.0.0.1:8083");
  first->username = g_strdup ("ana");
  first->refresh_token = g_strdup ("rt-first-0123456789");
  if (!store (first, &error))
    {
      g_autofree char *reason = g_strdup_printf ("no Secret Service: %s", error->message);

      g_test_skip (reason);
      return;
    }
  found = lookup ();
  g_assert_nonnull (found);
  g_assert_cmpstr (found->server_url, ==, first->server_url);
  g_assert_null (found->users_url);
  g_assert_cmpstr (found->photos_url, ==, first->photos_url);
  g_assert_cmpstr (found->folders_url, ==, first->folders_url);
  g_assert_cmpstr (found->username, ==, "ana");
  g_assert_cmpstr (found->refresh_token, ==, "rt-first-0123456789");

  /* One session is kept: a new sign-in replaces the old one. */
  second->server_url = g_strdup ("https://photos.example.org");
  second->username = g_strdup ("bea");
  second->refresh_token = g_strdup ("rt-second");
  g_assert_true (store (second, &error));
  g_assert_no_error (error);
  replaced = lookup ();
  g_assert_cmpstr (replaced->server_url, ==, "https://photos.example.org");
  g_assert_null (replaced->photos_url);
  g_assert_cmpstr (replaced->refresh_token, ==, "rt-second");

  /* Sign out forgets it; forgetting twice is fine. */
  clear ();
  clear ();
  gone = lookup ();
  g_assert_null (gone);
}

static void
test_entry_from_client (void)
{
  g_autoptr (CarreteClient) client = carrete_client_new ("https://x.example");
  g_autoptr (CarreteKeyringEntry) entry = carrete_keyring_entry_new_from_client (client);

  /* Signed out: nothing to keep. */
  g_assert_null (entry);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/carrete/client/keyring/roundtrip", test_roundtrip);
  g_test_add_func ("/carrete/client/keyring/entry-from-client", test_entry_from_client);

  return g_test_run ();
}
