#define G_LOG_DOMAIN "carrete-test-client-api"

/* The API-client library against the real stack (PostgreSQL, MinIO, the
 * three service binaries): sign-in and its failures, transparent and shared
 * token refresh, an expired session, a server that stops and comes back,
 * folders with a refused name, photo pages and bytes. */

#include <string.h>

#include "client-test-util.h"
#include "stack.h"

static Stack *stack;

static CarreteClient *
new_client (void)
{
  return ctu_client_new (stack->users.url, stack->photos.url, stack->folders.url);
}

/* A new user signed in on a new client. */
static CarreteClient *
signed_in_client (const char *prefix, StackUser **user_out)
{
  g_autoptr (StackUser) user = stack_user_new (stack, prefix);
  CarreteClient *client = new_client ();

  ctu_login (client, user->name, STACK_PASSWORD);
  if (user_out != NULL)
    *user_out = g_steal_pointer (&user);
  return client;
}

static CarreteUser *
call_me (CarreteClient *client, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  carrete_client_me_async (client, NULL, ctu_on_result, &result);
  return carrete_client_me_finish (client, ctu_await (&result), error);
}

static void
count_signal (gpointer instance, gpointer user_data)
{
  (*(guint *) user_data)++;
}

/* ---- session ------------------------------------------------------------------------------ */

static void
test_register_login_me (void)
{
  g_autoptr (CarreteClient) client = new_client ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("cli%08x", g_random_int ());
  g_autofree char *email = g_strdup_printf ("%s@example.org", name);
  g_autoptr (CarreteUser) registered = NULL;
  g_autoptr (CarreteUser) me = NULL;
  guint tokens_changed = 0;

  g_signal_connect (client, "tokens-changed", G_CALLBACK (count_signal), &tokens_changed);
  carrete_client_register_async (client, name, email, STACK_PASSWORD, NULL, ctu_on_result, &result);
  registered = carrete_client_register_finish (client, ctu_await (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (carrete_user_get_username (registered), ==, name);
  g_assert_true (g_str_has_prefix (carrete_user_get_id (registered), "us_"));
  g_assert_false (carrete_client_get_signed_in (client));

  ctu_login (client, name, STACK_PASSWORD);
  g_assert_cmpuint (tokens_changed, ==, 1);
  g_assert_nonnull (carrete_client_get_refresh_token (client));
  g_assert_cmpstr (carrete_user_get_id (carrete_client_get_user (client)), ==,
                   carrete_user_get_id (registered));

  me = call_me (client, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (carrete_user_get_email (me), ==, email);
}

static void
test_register_refused (void)
{
  g_autoptr (CarreteClient) client = new_client ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteUser) user = NULL;

  carrete_client_register_async (client, "x", "not-an-email", "short", NULL, ctu_on_result, &result);
  user = carrete_client_register_finish (client, ctu_await (&result), &error);
  g_assert_null (user);
  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_INVALID);
  g_assert_nonnull (carrete_client_error_get_field (error));
  g_assert_cmpuint (carrete_client_error_get_status (error), ==, 422);
}

static void
test_wrong_password (void)
{
  g_autoptr (StackUser) user = stack_user_new (stack, "wrongpw");
  g_autoptr (CarreteClient) client = new_client ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  carrete_client_login_async (client, user->name, "not the password", NULL, ctu_on_result, &result);
  g_assert_false (carrete_client_login_finish (client, ctu_await (&result), &error));
  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_INVALID_CREDENTIALS);
  g_assert_cmpstr (error->message, !=, "");
  g_assert_false (carrete_client_get_signed_in (client));
  g_assert_null (carrete_client_get_user (client));
}

static void
test_unreachable (void)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", ct_free_port ());
  g_autoptr (CarreteClient) client = carrete_client_new (url);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  carrete_client_login_async (client, "someone", STACK_PASSWORD, NULL, ctu_on_result, &result);
  g_assert_false (carrete_client_login_finish (client, ctu_await (&result), &error));
  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNREACHABLE);
  g_assert_cmpuint (carrete_client_error_get_status (error), ==, 0);
}

static void
test_bad_address (void)
{
  g_autoptr (CarreteClient) client = carrete_client_new ("ftp:/nowhere");
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  carrete_client_login_async (client, "someone", STACK_PASSWORD, NULL, ctu_on_result, &result);
  g_assert_false (carrete_client_login_finish (client, ctu_await (&result), &error));
  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, "ftp:/nowhere"));
}

typedef struct
{
  guint status;
  const char *content_type;
  const char *body;
} ForeignAnswer;

static void
foreign_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
                 gpointer user_data)
{
  const ForeignAnswer *answer = user_data;

  soup_server_message_set_status (msg, answer->status, NULL);
  soup_server_message_set_response (msg, answer->content_type, SOUP_MEMORY_STATIC, answer->body,
                                    strlen (answer->body));
}

/* A web server that is not Carrete: HTML pages, or another JSON API. */
static void
test_not_carrete (void)
{
  static const char page[] = "<!doctype html><title>Router</title><p>Welcome</p>";
  const ForeignAnswer answers[] = {
    { 200, "text/html", page },
    { 404, "text/html", page },
    { 401, "text/html", page },
    { 200, "application/json", "{\"ok\":true}" },
    { 200, "application/json", "[1,2,3]" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      g_autoptr (SoupServer) server = soup_server_new (NULL, NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (GAsyncResult) result = NULL;
      g_autoptr (CarreteClient) client = NULL;
      guint16 port = ct_free_port ();
      g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", port);
      g_autoptr (GSocketAddress) address = g_inet_socket_address_new_from_string ("127.0.0.1", port);

      /* A known port: soup_server_listen_local() and soup_server_get_uris()
       * of libsoup 3.2 leak the addresses they read. */
      soup_server_add_handler (server, NULL, foreign_handler, (gpointer) &answers[i], NULL);
      g_assert_true (soup_server_listen (server, address, 0, &error));
      g_assert_no_error (error);
      client = carrete_client_new (url);
      carrete_client_login_async (client, "someone", STACK_PASSWORD, NULL, ctu_on_result, &result);
      g_assert_false (carrete_client_login_finish (client, ctu_await (&result), &error));
      g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_NOT_CARRETE);
    }
}

/* An expired access token is refreshed once, silently, and the call retried. */
static void
test_refresh_transparent (void)
{
  g_autoptr (StackUser) user = NULL;
  g_autoptr (CarreteClient) client = signed_in_client ("refresh", &user);
  g_autofree char *expired = stack_expired_token (stack, user->id, "user");
  g_autofree char *old_refresh = g_strdup (carrete_client_get_refresh_token (client));
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteUser) me = NULL;
  guint tokens_changed = 0, expired_count = 0;

  g_signal_connect (client, "tokens-changed", G_CALLBACK (count_signal), &tokens_changed);
  g_signal_connect (client, "session-expired", G_CALLBACK (count_signal), &expired_count);
  _carrete_client_set_access_token (client, expired);
  me = call_me (client, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (carrete_user_get_id (me), ==, user->id);
  g_assert_cmpuint (tokens_changed, ==, 1);
  g_assert_cmpuint (expired_count, ==, 0);
  g_assert_cmpstr (carrete_client_get_refresh_token (client), !=, old_refresh);
}

/* Ten calls refused at once share ONE refresh: a second use of the rotated
 * refresh token would revoke the whole family and end the session. */
static void
test_refresh_shared (void)
{
  g_autoptr (StackUser) user = NULL;
  g_autoptr (CarreteClient) client = signed_in_client ("shared", &user);
  g_autofree char *expired = stack_expired_token (stack, user->id, "user");
  GAsyncResult *results[10] = { NULL };
  guint tokens_changed = 0, expired_count = 0;
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteUser) after = NULL;

  g_signal_connect (client, "tokens-changed", G_CALLBACK (count_signal), &tokens_changed);
  g_signal_connect (client, "session-expired", G_CALLBACK (count_signal), &expired_count);
  _carrete_client_set_access_token (client, expired);
  for (gsize i = 0; i < G_N_ELEMENTS (results); i++)
    carrete_client_list_folders_async (client, NULL, NULL, ctu_on_result, &results[i]);
  for (gsize i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autoptr (GError) call_error = NULL;
      CarreteFolderPage *page = carrete_client_list_folders_finish (client, ctu_await (&results[i]),
                                                                    &call_error);

      g_assert_no_error (call_error);
      g_assert_nonnull (page);
      carrete_folder_page_free (page);
      g_clear_object (&results[i]);
    }
  g_assert_cmpuint (tokens_changed, ==, 1);
  g_assert_cmpuint (expired_count, ==, 0);
  /* The family is intact: the session goes on. */
  after = call_me (client, &error);
  g_assert_no_error (error);
}

/* The refresh token was revoked (signed out elsewhere): the next refused
 * call ends the session with UNAUTHORIZED and "session-expired". */
static void
test_refresh_expired (void)
{
  g_autoptr (StackUser) user = NULL;
  g_autoptr (CarreteClient) client = signed_in_client ("expired", &user);
  g_autofree char *expired = stack_expired_token (stack, user->id, "user");
  g_autofree char *body = g_strdup_printf ("{\"refresh_token\":\"%s\"}",
                                           carrete_client_get_refresh_token (client));
  g_autoptr (CtResponse) logout = ct_http (stack->users.url, "POST", "/v1/auth/logout", NULL, body);
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteUser) me = NULL;
  guint expired_count = 0;

  g_assert_cmpuint (logout->status, ==, 204);
  g_signal_connect (client, "session-expired", G_CALLBACK (count_signal), &expired_count);
  _carrete_client_set_access_token (client, expired);
  me = call_me (client, &error);
  g_assert_null (me);
  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNAUTHORIZED);
  g_assert_cmpuint (expired_count, ==, 1);
  g_assert_false (carrete_client_get_signed_in (client));
  g_assert_null (carrete_client_get_user (client));
}

static void
test_logout_restore (void)
{
  g_autoptr (StackUser) user = NULL;
  g_autoptr (CarreteClient) client = signed_in_client ("restore", &user);
  g_autoptr (CarreteClient) second = new_client ();
  g_autoptr (CarreteClient) third = new_client ();
  g_autofree char *stored = g_strdup (carrete_client_get_refresh_token (client));
  g_autofree char *rotated = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  /* A stored token signs a new client in (and is rotated). */
  carrete_client_restore_async (second, stored, NULL, ctu_on_result, &result);
  g_assert_true (carrete_client_restore_finish (second, ctu_await (&result), &error));
  g_assert_no_error (error);
  g_assert_true (carrete_client_get_signed_in (second));
  g_assert_cmpstr (carrete_user_get_id (carrete_client_get_user (second)), ==, user->id);
  rotated = g_strdup (carrete_client_get_refresh_token (second));
  g_assert_cmpstr (rotated, !=, stored);
  g_clear_object (&result);

  /* Signing out revokes it on the server. */
  carrete_client_logout_async (second, NULL, ctu_on_result, &result);
  g_assert_true (carrete_client_logout_finish (second, ctu_await (&result), &error));
  g_assert_no_error (error);
  g_assert_false (carrete_client_get_signed_in (second));
  g_assert_null (carrete_client_get_refresh_token (second));
  g_clear_object (&result);

  carrete_client_restore_async (third, rotated, NULL, ctu_on_result, &result);
  g_assert_false (carrete_client_restore_finish (third, ctu_await (&result), &error));
  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNAUTHORIZED);
  g_assert_false (carrete_client_get_signed_in (third));
}

/* Photos stops mid-session: calls fail as UNREACHABLE, the session stays,
 * and the same client works again once it is back. */
static void
test_server_stops (void)
{
  g_autoptr (CarreteClient) client = signed_in_client ("stops", NULL);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  CarretePhotoPage *page;

  stack_stop (&stack->photos);
  carrete_client_list_photos_async (client, NULL, NULL, ctu_on_result, &result);
  page = carrete_client_list_photos_finish (client, ctu_await (&result), &error);
  g_assert_null (page);
  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNREACHABLE);
  g_assert_true (carrete_client_get_signed_in (client));
  g_clear_error (&error);
  g_clear_object (&result);

  stack_restart (&stack->photos);
  carrete_client_list_photos_async (client, NULL, NULL, ctu_on_result, &result);
  page = carrete_client_list_photos_finish (client, ctu_await (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (page);
  carrete_photo_page_free (page);
}

/* The users service stops while the access token has expired: the refresh
 * fails as UNREACHABLE but the session is kept, and recovers. */
static void
test_refresh_server_down (void)
{
  g_autoptr (StackUser) user = NULL;
  g_autoptr (CarreteClient) client = signed_in_client ("refreshdown", &user);
  g_autofree char *expired = stack_expired_token (stack, user->id, "user");
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteUser) me = NULL;
  guint expired_count = 0;

  g_signal_connect (client, "session-expired", G_CALLBACK (count_signal), &expired_count);
  _carrete_client_set_access_token (client, expired);
  stack_stop (&stack->users);
  me = call_me (client, &error);
  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_UNREACHABLE);
  g_assert_true (carrete_client_get_signed_in (client));
  g_assert_cmpuint (expired_count, ==, 0);
  g_clear_error (&error);

  stack_restart (&stack->users);
  me = call_me (client, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (carrete_user_get_id (me), ==, user->id);
}

/* ---- folders ------------------------------------------------------------------------------ */

static CarreteFolder *
create_folder (CarreteClient *client, const char *name, const char *const *tags, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  carrete_client_create_folder_async (client, name, NULL, tags, NULL, ctu_on_result, &result);
  return carrete_client_create_folder_finish (client, ctu_await (&result), error);
}

static void
test_folders_crud (void)
{
  g_autoptr (CarreteClient) client = signed_in_client ("folders", NULL);
  const char *const tags[] = { " Beach ", "summer", NULL };
  const char *const new_tags[] = { "winter", NULL };
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteFolder) folder = create_folder (client, "Holidays & more", tags, &error);
  g_autoptr (CarreteFolder) got = NULL;
  g_autoptr (CarreteFolder) updated = NULL;
  g_autoptr (CarreteFolderQuery) query = carrete_folder_query_new ();
  CarreteFolderPage *page;

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (carrete_folder_get_id (folder), "fo_"));
  g_assert_cmpstr (carrete_folder_get_visibility (folder), ==, "private");
  g_assert_cmpstrv (carrete_folder_get_tags (folder), ((const char *const[]) { "beach", "summer", NULL }));

  carrete_client_get_folder_async (client, carrete_folder_get_id (folder), NULL, ctu_on_result, &result);
  got = carrete_client_get_folder_finish (client, ctu_await (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (carrete_folder_get_name (got), ==, "Holidays & more");
  g_clear_object (&result);

  carrete_client_update_folder_async (client, carrete_folder_get_id (folder), "Winter", "public",
                                      new_tags, NULL, ctu_on_result, &result);
  updated = carrete_client_update_folder_finish (client, ctu_await (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (carrete_folder_get_name (updated), ==, "Winter");
  g_assert_cmpstr (carrete_folder_get_visibility (updated), ==, "public");
  g_assert_cmpstrv (carrete_folder_get_tags (updated), new_tags);
  g_clear_object (&result);

  /* The search is encoded: "&" in q does not split the query. */
  query->q = g_strdup ("wint");
  carrete_client_list_folders_async (client, query, NULL, ctu_on_result, &result);
  page = carrete_client_list_folders_finish (client, ctu_await (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->items->len, ==, 1);
  g_assert_null (page->next_cursor);
  carrete_folder_page_free (page);
  g_clear_object (&result);

  carrete_client_delete_folder_async (client, carrete_folder_get_id (folder), FALSE, NULL,
                                      ctu_on_result, &result);
  g_assert_true (carrete_client_delete_folder_finish (client, ctu_await (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  carrete_client_get_folder_async (client, carrete_folder_get_id (folder), NULL, ctu_on_result, &result);
  g_assert_null (carrete_client_get_folder_finish (client, ctu_await (&result), &error));
  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_NOT_FOUND);
}

/* The dialog shows the server's reason: the error message is its detail. */
static void
test_folder_refused_name (void)
{
  g_autoptr (CarreteClient) client = signed_in_client ("refused", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteFolder) first = create_folder (client, "Twice", NULL, &error);
  g_autoptr (CarreteFolder) dup = NULL;
  g_autoptr (CarreteFolder) empty = NULL;
  g_autofree char *long_name = g_strnfill (300, 'n');
  g_autoptr (CarreteFolder) too_long = NULL;

  g_assert_no_error (error);
  dup = create_folder (client, "Twice", NULL, &error);
  g_assert_null (dup);
  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_CONFLICT);
  g_assert_cmpstr (error->message, !=, "");
  g_test_message ("duplicate name: %s", error->message);
  g_clear_error (&error);

  empty = create_folder (client, "   ", NULL, &error);
  g_assert_null (empty);
  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_INVALID);
  g_assert_cmpstr (carrete_client_error_get_field (error), ==, "name");
  g_test_message ("blank name: %s", error->message);
  g_clear_error (&error);

  too_long = create_folder (client, long_name, NULL, &error);
  g_assert_null (too_long);
  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_INVALID);
  g_assert_cmpstr (carrete_client_error_get_field (error), ==, "name");
}

static void
test_folder_delete_non_empty (void)
{
  g_autoptr (StackUser) user = stack_user_new (stack, "nonempty");
  g_autoptr (CarreteClient) client = new_client ();
  g_autofree char *folder_id = stack_folder_new (stack, user->token, "private", NULL);
  g_autofree char *photo_id = stack_photo_new (stack, user->token, folder_id);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  ctu_login (client, user->name, STACK_PASSWORD);
  carrete_client_delete_folder_async (client, folder_id, FALSE, NULL, ctu_on_result, &result);
  g_assert_false (carrete_client_delete_folder_finish (client, ctu_await (&result), &error));
  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_CONFLICT);
  g_clear_error (&error);
  g_clear_object (&result);

  carrete_client_delete_folder_async (client, folder_id, TRUE, NULL, ctu_on_result, &result);
  g_assert_true (carrete_client_delete_folder_finish (client, ctu_await (&result), &error));
  g_assert_no_error (error);
}

/* ---- photos ------------------------------------------------------------------------------- */

static void
test_photos_pages (void)
{
  g_autoptr (StackUser) user = stack_user_new (stack, "pages");
  g_autoptr (CarreteClient) client = new_client ();
  g_autofree char *folder_id = stack_folder_new (stack, user->token, "private", NULL);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (CarretePhotoQuery) query = carrete_photo_query_new ();
  guint pages = 0;

  for (int i = 0; i < 7; i++)
    g_free (stack_photo_new (stack, user->token, folder_id));
  ctu_login (client, user->name, STACK_PASSWORD);
  query->folder_id = g_strdup (folder_id);
  query->limit = 3;
  query->sort = g_strdup ("uploaded_at");
  do
    {
      g_autoptr (GAsyncResult) result = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (CarretePhotoPage) page = NULL;

      carrete_client_list_photos_async (client, query, NULL, ctu_on_result, &result);
      page = carrete_client_list_photos_finish (client, ctu_await (&result), &error);
      g_assert_no_error (error);
      pages++;
      for (guint i = 0; i < page->items->len; i++)
        {
          CarretePhoto *photo = g_ptr_array_index (page->items, i);

          g_assert_cmpstr (carrete_photo_get_folder_id (photo), ==, folder_id);
          g_assert_nonnull (carrete_photo_get_thumbnail_url (photo));
          g_assert_true (g_hash_table_add (seen, g_strdup (carrete_photo_get_id (photo))));
        }
      g_free (query->cursor);
      query->cursor = g_steal_pointer (&page->next_cursor);
    }
  while (query->cursor != NULL);
  g_assert_cmpuint (pages, ==, 3);
  g_assert_cmpuint (g_hash_table_size (seen), ==, 7);
}

static void
test_photo_get_patch_bytes_delete (void)
{
  g_autoptr (StackUser) user = stack_user_new (stack, "photo");
  g_autoptr (CarreteClient) client = new_client ();
  g_autofree char *folder_id = stack_folder_new (stack, user->token, "private", NULL);
  g_autofree char *photo_id = stack_photo_new (stack, user->token, NULL);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CarretePhoto) photo = NULL;
  g_autoptr (CarretePhoto) moved = NULL;
  g_autoptr (CarretePhoto) out = NULL;
  g_autoptr (GBytes) thumbnail = NULL;
  g_autoptr (GBytes) missing = NULL;
  g_autofree char *forged_url = NULL;

  ctu_login (client, user->name, STACK_PASSWORD);
  carrete_client_get_photo_async (client, photo_id, NULL, ctu_on_result, &result);
  photo = carrete_client_get_photo_finish (client, ctu_await (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (carrete_photo_get_state (photo), ==, "ready");
  g_assert_cmpint (carrete_photo_get_width (photo), >, 0);
  g_assert_nonnull (carrete_photo_get_uploaded_at (photo));
  g_clear_object (&result);

  carrete_client_fetch_bytes_async (client, carrete_photo_get_thumbnail_url (photo), NULL,
                                    ctu_on_result, &result);
  thumbnail = carrete_client_fetch_bytes_finish (client, ctu_await (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (thumbnail), >, 8);
  g_clear_object (&result);

  /* A URL whose signature does not match is refused, not a crash. */
  forged_url = g_strdup_printf ("%sx", carrete_photo_get_thumbnail_url (photo));
  carrete_client_fetch_bytes_async (client, forged_url, NULL, ctu_on_result, &result);
  missing = carrete_client_fetch_bytes_finish (client, ctu_await (&result), &error);
  g_assert_null (missing);
  /* What storage answers to a bad or expired signature. */
  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_FORBIDDEN);
  g_clear_error (&error);
  g_clear_object (&result);

  carrete_client_update_photo_async (client, photo_id, "renamed.png", folder_id, NULL,
                                     ctu_on_result, &result);
  moved = carrete_client_update_photo_finish (client, ctu_await (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (carrete_photo_get_name (moved), ==, "renamed.png");
  g_assert_cmpstr (carrete_photo_get_folder_id (moved), ==, folder_id);
  g_clear_object (&result);

  carrete_client_update_photo_async (client, photo_id, NULL, "", NULL, ctu_on_result, &result);
  out = carrete_client_update_photo_finish (client, ctu_await (&result), &error);
  g_assert_no_error (error);
  g_assert_null (carrete_photo_get_folder_id (out));
  g_clear_object (&result);

  carrete_client_delete_photo_async (client, photo_id, NULL, ctu_on_result, &result);
  g_assert_true (carrete_client_delete_photo_finish (client, ctu_await (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  carrete_client_get_photo_async (client, "ph_forged", NULL, ctu_on_result, &result);
  g_assert_null (carrete_client_get_photo_finish (client, ctu_await (&result), &error));
  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_NOT_FOUND);
}

/* ---- the trash ---------------------------------------------------------------------------- */

static CarreteTrashPage *
list_trash (CarreteClient *client)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  CarreteTrashPage *page;

  carrete_client_list_trash_async (client, NULL, NULL, ctu_on_result, &result);
  page = carrete_client_list_trash_finish (client, ctu_await (&result), &error);
  g_assert_no_error (error);
  return page;
}

/* A deleted photo is in the trash (kind, name, dates), comes back with
 * restore (twice: NOT_FOUND), goes for good with delete; emptying an empty
 * trash is a CONFLICT. */
static void
test_trash (void)
{
  g_autoptr (StackUser) user = stack_user_new (stack, "trash");
  g_autoptr (CarreteClient) client = new_client ();
  g_autofree char *photo_id = stack_photo_new (stack, user->token, NULL);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  ctu_login (client, user->name, STACK_PASSWORD);
  carrete_client_delete_photo_async (client, photo_id, NULL, ctu_on_result, &result);
  g_assert_true (carrete_client_delete_photo_finish (client, ctu_await (&result), &error));
  g_clear_object (&result);
  {
    g_autoptr (CarreteTrashPage) page = list_trash (client);
    CarreteTrashItem *item;

    g_assert_cmpuint (page->items->len, ==, 1);
    item = g_ptr_array_index (page->items, 0);
    g_assert_cmpstr (carrete_trash_item_get_id (item), ==, photo_id);
    g_assert_false (carrete_trash_item_is_folder (item));
    g_assert_nonnull (carrete_trash_item_get_trashed_at (item));
    g_assert_nonnull (carrete_trash_item_get_purge_at (item));
    g_assert_nonnull (carrete_trash_item_get_thumbnail_url (item));
  }
  carrete_client_restore_from_trash_async (client, photo_id, NULL, ctu_on_result, &result);
  g_assert_true (carrete_client_restore_from_trash_finish (client, ctu_await (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  carrete_client_restore_from_trash_async (client, photo_id, NULL, ctu_on_result, &result);
  g_assert_false (carrete_client_restore_from_trash_finish (client, ctu_await (&result), &error));
  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_object (&result);

  carrete_client_delete_photo_async (client, photo_id, NULL, ctu_on_result, &result);
  g_assert_true (carrete_client_delete_photo_finish (client, ctu_await (&result), &error));
  g_clear_object (&result);
  carrete_client_delete_from_trash_async (client, photo_id, NULL, ctu_on_result, &result);
  g_assert_true (carrete_client_delete_from_trash_finish (client, ctu_await (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  {
    g_autoptr (CarreteTrashPage) page = list_trash (client);
    g_assert_cmpuint (page->items->len, ==, 0);
  }
  carrete_client_delete_from_trash_async (client, NULL, NULL, ctu_on_result, &result);
  g_assert_false (carrete_client_delete_from_trash_finish (client, ctu_await (&result), &error));
  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_CONFLICT);
}

/* ---- CarretePhotoList --------------------------------------------------------------------- */

static void
wait_not_loading (CarretePhotoList *list)
{
  while (carrete_photo_list_get_loading (list))
    g_main_context_iteration (NULL, TRUE);
}

static void
on_items_changed (GListModel *model, guint position, guint removed, guint added, gpointer user_data)
{
  guint *count = user_data;

  (*count)++;
}

static CarretePhotoQuery *
folder_query (const char *folder_id, guint limit)
{
  CarretePhotoQuery *query = carrete_photo_query_new ();

  query->folder_id = g_strdup (folder_id);
  query->limit = limit;
  return query;
}

static void
test_photo_list_pages (void)
{
  g_autoptr (StackUser) user = stack_user_new (stack, "plist");
  g_autoptr (CarreteClient) client = new_client ();
  g_autofree char *folder_id = stack_folder_new (stack, user->token, "private", NULL);
  g_autoptr (CarretePhotoList) list = carrete_photo_list_new (client);
  g_autoptr (CarretePhotoQuery) query = folder_query (folder_id, 3);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GListModel *model = G_LIST_MODEL (list);
  guint changes = 0;

  for (int i = 0; i < 7; i++)
    g_free (stack_photo_new (stack, user->token, folder_id));
  ctu_login (client, user->name, STACK_PASSWORD);
  carrete_photo_list_set_threshold (list, 1);
  g_signal_connect (list, "items-changed", G_CALLBACK (on_items_changed), &changes);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);

  carrete_photo_list_set_query (list, query);
  g_assert_true (carrete_photo_list_get_loading (list));
  wait_not_loading (list);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  g_assert_true (carrete_photo_list_get_has_more (list));

  /* Far from the end: nothing more is asked for. */
  {
    g_autoptr (CarretePhoto) first = g_list_model_get_item (model, 0);

    g_main_context_iteration (NULL, FALSE);
    g_assert_false (carrete_photo_list_get_loading (list));
  }
  /* Near the end: the next page. */
  while (carrete_photo_list_get_has_more (list))
    {
      guint n = g_list_model_get_n_items (model);
      g_autoptr (CarretePhoto) last = g_list_model_get_item (model, n - 1);

      wait_not_loading (list);
      g_assert_cmpuint (g_list_model_get_n_items (model), >, n);
    }
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 7);
  g_assert_cmpuint (changes, ==, 3);
  for (guint i = 0; i < 7; i++)
    {
      g_autoptr (CarretePhoto) photo = g_list_model_get_item (model, i);

      g_assert_true (g_hash_table_add (seen, g_strdup (carrete_photo_get_id (photo))));
    }
  g_assert_null (g_list_model_get_item (model, 7));
  g_assert_null (carrete_photo_list_get_error (list));
}

/* The query changes while the first answer is on the way: only the new
 * query's photos are in the list. */
static void
test_photo_list_stale_query (void)
{
  g_autoptr (StackUser) user = stack_user_new (stack, "pstale");
  g_autoptr (CarreteClient) client = new_client ();
  g_autofree char *first = stack_folder_new (stack, user->token, "private", NULL);
  g_autofree char *second = stack_folder_new (stack, user->token, "private", NULL);
  g_autoptr (CarretePhotoList) list = carrete_photo_list_new (client);
  g_autoptr (CarretePhotoQuery) first_query = folder_query (first, 50);
  g_autoptr (CarretePhotoQuery) second_query = folder_query (second, 50);

  for (int i = 0; i < 3; i++)
    g_free (stack_photo_new (stack, user->token, first));
  for (int i = 0; i < 2; i++)
    g_free (stack_photo_new (stack, user->token, second));
  ctu_login (client, user->name, STACK_PASSWORD);
  carrete_photo_list_set_query (list, first_query);
  carrete_photo_list_set_query (list, second_query);
  wait_not_loading (list);
  /* Let any answer to the first query arrive too. */
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (CarretePhoto) photo = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_assert_cmpstr (carrete_photo_get_folder_id (photo), ==, second);
    }
  g_assert_false (carrete_photo_list_get_has_more (list));
}

/* The server stops while scrolling: the items stay, the error is set, and
 * the next load_more() continues where it stopped. */
static void
test_photo_list_server_stops (void)
{
  g_autoptr (StackUser) user = stack_user_new (stack, "pstops");
  g_autoptr (CarreteClient) client = new_client ();
  g_autofree char *folder_id = stack_folder_new (stack, user->token, "private", NULL);
  g_autoptr (CarretePhotoList) list = carrete_photo_list_new (client);
  g_autoptr (CarretePhotoQuery) query = folder_query (folder_id, 2);
  g_autofree char *new_id = NULL;
  g_autoptr (CarretePhoto) uploaded = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  for (int i = 0; i < 3; i++)
    g_free (stack_photo_new (stack, user->token, folder_id));
  ctu_login (client, user->name, STACK_PASSWORD);
  carrete_photo_list_set_query (list, query);
  wait_not_loading (list);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);

  stack_stop (&stack->photos);
  carrete_photo_list_load_more (list);
  wait_not_loading (list);
  g_assert_error ((GError *) carrete_photo_list_get_error (list), CARRETE_CLIENT_ERROR,
                  CARRETE_CLIENT_ERROR_UNREACHABLE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  g_assert_true (carrete_photo_list_get_has_more (list));

  stack_restart (&stack->photos);
  carrete_photo_list_load_more (list);
  wait_not_loading (list);
  g_assert_null (carrete_photo_list_get_error (list));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
  g_assert_false (carrete_photo_list_get_has_more (list));

  /* An upload appears at the start, once; deleting removes it. */
  new_id = stack_photo_new (stack, user->token, folder_id);
  carrete_client_get_photo_async (client, new_id, NULL, ctu_on_result, &result);
  uploaded = carrete_client_get_photo_finish (client, ctu_await (&result), &error);
  g_assert_no_error (error);
  g_assert_true (carrete_photo_list_prepend (list, uploaded));
  g_assert_false (carrete_photo_list_prepend (list, uploaded));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 4);
  carrete_photo_list_reload (list);
  while (carrete_photo_list_get_has_more (list))
    {
      carrete_photo_list_load_more (list);
      wait_not_loading (list);
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 4);
  g_assert_true (carrete_photo_list_remove_id (list, new_id));
  g_assert_false (carrete_photo_list_remove_id (list, new_id));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
}

/* The thumbnail comes from the network once, then from disk: the second
 * time its URL points at a closed port. */
static void
test_thumbnail_fetch_cached (void)
{
  g_autoptr (StackUser) user = stack_user_new (stack, "thumbs");
  g_autoptr (CarreteClient) client = new_client ();
  g_autofree char *photo_id = stack_photo_new (stack, user->token, NULL);
  g_autofree char *dir = g_dir_make_tmp ("carrete-thumbs-XXXXXX", NULL);
  g_autoptr (CarreteThumbnailCache) cache = carrete_thumbnail_cache_new (dir, 0);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CarretePhoto) photo = NULL;
  g_autoptr (GBytes) first = NULL;
  g_autoptr (GBytes) second = NULL;
  g_autoptr (CarretePhoto) offline = NULL;
  g_autoptr (JsonObject) object = json_object_new ();
  g_autofree char *dead_url = g_strdup_printf ("http://127.0.0.1:%u/thumb", ct_free_port ());

  ctu_login (client, user->name, STACK_PASSWORD);
  carrete_client_get_photo_async (client, photo_id, NULL, ctu_on_result, &result);
  photo = carrete_client_get_photo_finish (client, ctu_await (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  carrete_thumbnail_cache_fetch_async (cache, client, photo, NULL, ctu_on_result, &result);
  first = carrete_thumbnail_cache_fetch_finish (cache, ctu_await (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (carrete_thumbnail_cache_get_size (cache), ==, g_bytes_get_size (first));
  g_clear_object (&result);

  json_object_set_string_member (object, "id", photo_id);
  json_object_set_string_member (object, "name", "x");
  json_object_set_string_member (object, "sha256", carrete_photo_get_sha256 (photo));
  json_object_set_string_member (object, "thumbnail_url", dead_url);
  offline = carrete_photo_new_from_json (object, &error);
  g_assert_no_error (error);
  carrete_thumbnail_cache_fetch_async (cache, client, offline, NULL, ctu_on_result, &result);
  second = carrete_thumbnail_cache_fetch_finish (cache, ctu_await (&result), &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (first, second));
  g_clear_object (&result);

  /* Not cached, and its URL refused (as an expired one is): the photo is
   * asked for again and its fresh URL used. */
  {
    g_autoptr (CarreteThumbnailCache) empty = NULL;
    g_autofree char *empty_dir = g_build_filename (dir, "other", NULL);
    g_autofree char *refused_url = g_strdup_printf ("%sx", carrete_photo_get_thumbnail_url (photo));
    g_autoptr (CarretePhoto) stale = NULL;
    g_autoptr (GBytes) renewed = NULL;

    empty = carrete_thumbnail_cache_new (empty_dir, 0);
    json_object_set_string_member (object, "thumbnail_url", refused_url);
    stale = carrete_photo_new_from_json (object, &error);
    g_assert_no_error (error);
    carrete_thumbnail_cache_fetch_async (empty, client, stale, NULL, ctu_on_result, &result);
    renewed = carrete_thumbnail_cache_fetch_finish (empty, ctu_await (&result), &error);
    g_assert_no_error (error);
    g_assert_true (g_bytes_equal (first, renewed));
  }
  ct_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  stack = stack_start ();

  g_test_add_func ("/carrete/client/session/register-login-me", test_register_login_me);
  g_test_add_func ("/carrete/client/session/register-refused", test_register_refused);
  g_test_add_func ("/carrete/client/session/wrong-password", test_wrong_password);
  g_test_add_func ("/carrete/client/session/unreachable", test_unreachable);
  g_test_add_func ("/carrete/client/session/bad-address", test_bad_address);
  g_test_add_func ("/carrete/client/session/not-carrete", test_not_carrete);
  g_test_add_func ("/carrete/client/session/refresh-transparent", test_refresh_transparent);
  g_test_add_func ("/carrete/client/session/refresh-shared", test_refresh_shared);
  g_test_add_func ("/carrete/client/session/refresh-expired", test_refresh_expired);
  g_test_add_func ("/carrete/client/session/refresh-server-down", test_refresh_server_down);
  g_test_add_func ("/carrete/client/session/logout-restore", test_logout_restore);
  g_test_add_func ("/carrete/client/server-stops", test_server_stops);
  g_test_add_func ("/carrete/client/folders/crud", test_folders_crud);
  g_test_add_func ("/carrete/client/folders/refused-name", test_folder_refused_name);
  g_test_add_func ("/carrete/client/folders/delete-non-empty", test_folder_delete_non_empty);
  g_test_add_func ("/carrete/client/photos/pages", test_photos_pages);
  g_test_add_func ("/carrete/client/photos/get-patch-bytes-delete", test_photo_get_patch_bytes_delete);
  g_test_add_func ("/carrete/client/trash", test_trash);

  g_test_add_func ("/carrete/client/photo-list/pages", test_photo_list_pages);
  g_test_add_func ("/carrete/client/photo-list/stale-query", test_photo_list_stale_query);
  g_test_add_func ("/carrete/client/photo-list/server-stops", test_photo_list_server_stops);

  g_test_add_func ("/carrete/client/thumbnails/fetch-cached", test_thumbnail_fetch_cached);

  status = g_test_run ();
  stack_free (stack);
  return status;
}
