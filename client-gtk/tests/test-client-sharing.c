#define G_LOG_DOMAIN "carrete-test-client-sharing"

/* The API-client library's sharing calls against the real stack: share
 * links (create with every setting, list, patch, revoke), folder members
 * (find by username, add, change role, remove, "Shared with me"), and the
 * bad inputs, each an error whose message is the server's detail. */

#include <string.h>

#include "client-test-util.h"
#include "stack.h"

static Stack *stack;

/* A new user signed in on a new client. */
static CarreteClient *
signed_in_client (const char *prefix, StackUser **user_out)
{
  g_autoptr (StackUser) user = stack_user_new (stack, prefix);
  CarreteClient *client =
      ctu_client_new (stack->users.url, stack->photos.url, stack->folders.url);

  ctu_login (client, user->name, STACK_PASSWORD);
  if (user_out != NULL)
    *user_out = g_steal_pointer (&user);
  return client;
}

static CarreteShare *
create_share (CarreteClient *client, const char *folder_id, const char *label,
              GDateTime *expires_at, const char *password, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  carrete_client_create_share_async (client, folder_id, NULL, label, expires_at, password, FALSE,
                                     NULL, ctu_on_result, &result);
  return carrete_client_create_share_finish (client, ctu_await (&result), error);
}

static CarreteSharePage *
list_shares (CarreteClient *client, const char *folder_id)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  CarreteSharePage *page;

  carrete_client_list_shares_async (client, folder_id, NULL, NULL, NULL, ctu_on_result, &result);
  page = carrete_client_list_shares_finish (client, ctu_await (&result), &error);
  g_assert_no_error (error);
  return page;
}

static CarreteMember *
put_member (CarreteClient *client, const char *folder_id, const char *user_id, const char *role,
            GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  carrete_client_put_member_async (client, folder_id, user_id, role, NULL, ctu_on_result, &result);
  return carrete_client_put_member_finish (client, ctu_await (&result), error);
}

static CarreteMemberPage *
list_members (CarreteClient *client, const char *folder_id)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  CarreteMemberPage *page;

  carrete_client_list_members_async (client, folder_id, NULL, NULL, ctu_on_result, &result);
  page = carrete_client_list_members_finish (client, ctu_await (&result), &error);
  g_assert_no_error (error);
  return page;
}

static CarreteUser *
find_user (CarreteClient *client, const char *username, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  carrete_client_find_user_async (client, username, NULL, ctu_on_result, &result);
  return carrete_client_find_user_finish (client, ctu_await (&result), error);
}

/* The error is INVALID, names `field`, and its message is the server's
 * detail (a sentence, not our fallback). */
static void
assert_invalid (GError *error, const char *field)
{
  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_INVALID);
  g_assert_cmpuint (carrete_client_error_get_status (error), ==, 422);
  g_assert_cmpstr (carrete_client_error_get_field (error), ==, field);
  g_assert_nonnull (error->message);
  g_assert_cmpuint (strlen (error->message), >, 0);
}

/* ---- links -------------------------------------------------------------------------------- */

static void
test_links (void)
{
  g_autoptr (StackUser) owner = NULL;
  g_autoptr (CarreteClient) client = signed_in_client ("links", &owner);
  g_autofree char *folder_id = stack_folder_new (stack, owner->token, "private", NULL);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) expires = g_date_time_add_days (now, 7);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteShare) share =
      create_share (client, folder_id, "Family", expires, "open sesame", &error);
  g_autoptr (CarreteShare) changed = NULL;

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (carrete_share_get_id (share), "sh_"));
  g_assert_nonnull (carrete_share_get_token (share));
  g_assert_true (g_str_has_prefix (carrete_share_get_url (share), "/s/"));
  g_assert_true (g_str_has_suffix (carrete_share_get_url (share), carrete_share_get_token (share)));
  g_assert_cmpstr (carrete_share_get_folder_id (share), ==, folder_id);
  g_assert_cmpstr (carrete_share_get_label (share), ==, "Family");
  g_assert_true (carrete_share_get_has_password (share));
  g_assert_false (carrete_share_get_allow_download (share));
  g_assert_nonnull (carrete_share_get_expires_at (share));
  g_assert_cmpint (carrete_share_get_use_count (share), ==, 0);
  g_assert_null (carrete_share_get_last_used_at (share));

  /* The list never shows the token again. */
  {
    g_autoptr (CarreteSharePage) page = list_shares (client, folder_id);
    CarreteShare *listed;

    g_assert_cmpuint (page->items->len, ==, 1);
    listed = g_ptr_array_index (page->items, 0);
    g_assert_cmpstr (carrete_share_get_id (listed), ==, carrete_share_get_id (share));
    g_assert_null (carrete_share_get_token (listed));
    g_assert_true (carrete_share_get_has_password (listed));
  }

  carrete_client_update_share_async (client, carrete_share_get_id (share), "Friends", NULL, NULL, 1,
                                     NULL, ctu_on_result, &result);
  changed = carrete_client_update_share_finish (client, ctu_await (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (carrete_share_get_label (changed), ==, "Friends");
  g_assert_true (carrete_share_get_allow_download (changed));
  g_assert_true (carrete_share_get_has_password (changed));
  g_clear_object (&result);

  carrete_client_revoke_share_async (client, carrete_share_get_id (share), NULL, ctu_on_result,
                                     &result);
  g_assert_true (carrete_client_revoke_share_finish (client, ctu_await (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  {
    g_autoptr (CarreteSharePage) page = list_shares (client, folder_id);
    g_assert_cmpuint (page->items->len, ==, 0);
  }
  carrete_client_revoke_share_async (client, carrete_share_get_id (share), NULL, ctu_on_result,
                                     &result);
  g_assert_false (carrete_client_revoke_share_finish (client, ctu_await (&result), &error));
  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_NOT_FOUND);
}

/* More links than a page holds (50 by default): the all-pages reader
 * follows next_cursor to the end, each link once. */
static void
test_links_all_pages (void)
{
  g_autoptr (StackUser) owner = NULL;
  g_autoptr (CarreteClient) client = signed_in_client ("linkpages", &owner);
  g_autofree char *folder_id = stack_folder_new (stack, owner->token, "private", NULL);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) all = NULL;

  for (guint i = 0; i < 55; i++)
    {
      g_autoptr (CarreteShare) share = create_share (client, folder_id, NULL, NULL, NULL, &error);

      g_assert_no_error (error);
    }
  {
    g_autoptr (CarreteSharePage) first = list_shares (client, folder_id);

    g_assert_cmpuint (first->items->len, ==, 50);
    g_assert_nonnull (first->next_cursor);
  }
  carrete_client_list_all_shares_async (client, folder_id, NULL, NULL, ctu_on_result, &result);
  all = carrete_client_list_all_shares_finish (client, ctu_await (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 55);
  for (guint i = 0; i < all->len; i++)
    g_assert_true (g_hash_table_add (seen, g_strdup (carrete_share_get_id (all->pdata[i]))));
}

/* An expiry in the past, a password of 10,000 characters, an empty PATCH,
 * another account's folder: refused, with the server's reason. */
static void
test_links_refused (void)
{
  g_autoptr (StackUser) owner = NULL;
  g_autoptr (CarreteClient) client = signed_in_client ("linkbad", &owner);
  g_autoptr (CarreteClient) stranger = signed_in_client ("linkother", NULL);
  g_autofree char *folder_id = stack_folder_new (stack, owner->token, "private", NULL);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) past = g_date_time_add_days (now, -1);
  g_autofree char *long_password = g_strnfill (10000, 'p');
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteShare) share = NULL;

  g_assert_null (create_share (client, folder_id, NULL, past, NULL, &error));
  assert_invalid (error, "expires_at");
  /* The detail is general; the full text names what is wrong. */
  g_assert_nonnull (strstr (carrete_client_error_get_full_text (error),
                            "expires_at: must be in the future"));
  g_clear_error (&error);

  g_assert_null (create_share (client, folder_id, NULL, NULL, long_password, &error));
  assert_invalid (error, "password");
  g_clear_error (&error);

  g_assert_null (create_share (stranger, folder_id, NULL, NULL, NULL, &error));
  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_NOT_FOUND);
  g_clear_error (&error);

  share = create_share (client, folder_id, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  carrete_client_update_share_async (client, carrete_share_get_id (share), NULL, NULL, NULL, -1,
                                     NULL, ctu_on_result, &result);
  g_assert_null (carrete_client_update_share_finish (client, ctu_await (&result), &error));
  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_object (&result);

  carrete_client_update_share_async (client, carrete_share_get_id (share), NULL, past, NULL, -1,
                                     NULL, ctu_on_result, &result);
  g_assert_null (carrete_client_update_share_finish (client, ctu_await (&result), &error));
  assert_invalid (error, "expires_at");
}

/* ---- members ------------------------------------------------------------------------------ */

/* Found by username (any case), added as contributor, changed to viewer,
 * seen by the member in "Shared with me", removed. */
static void
test_members (void)
{
  g_autoptr (StackUser) owner = NULL;
  g_autoptr (StackUser) friend = NULL;
  g_autoptr (CarreteClient) client = signed_in_client ("members", &owner);
  g_autoptr (CarreteClient) member_client = signed_in_client ("friend", &friend);
  g_autofree char *folder_id = stack_folder_new (stack, owner->token, "private", NULL);
  g_autofree char *upper = g_ascii_strup (friend->name, -1);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteUser) found = find_user (client, upper, &error);
  g_autoptr (CarreteMember) added = NULL;
  g_autoptr (CarreteMember) changed = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (carrete_user_get_id (found), ==, friend->id);
  g_assert_cmpstr (carrete_user_get_username (found), ==, friend->name);

  added = put_member (client, folder_id, friend->id, "contributor", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (carrete_member_get_user_id (added), ==, friend->id);
  g_assert_cmpstr (carrete_member_get_username (added), ==, friend->name);
  g_assert_cmpstr (carrete_member_get_role (added), ==, "contributor");
  g_assert_nonnull (carrete_member_get_added_at (added));

  changed = put_member (client, folder_id, friend->id, "viewer", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (carrete_member_get_role (changed), ==, "viewer");
  {
    g_autoptr (CarreteMemberPage) page = list_members (client, folder_id);
    g_autoptr (GPtrArray) all = NULL;

    g_assert_cmpuint (page->items->len, ==, 1);
    g_assert_cmpstr (carrete_member_get_role (g_ptr_array_index (page->items, 0)), ==, "viewer");
    carrete_client_list_all_members_async (client, folder_id, NULL, ctu_on_result, &result);
    all = carrete_client_list_all_members_finish (client, ctu_await (&result), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (all->len, ==, 1);
    g_clear_object (&result);
  }
  {
    g_autoptr (CarreteFolderQuery) query = carrete_folder_query_new ();
    g_autoptr (CarreteFolderPage) page = NULL;

    query->scope = g_strdup ("shared");
    carrete_client_list_folders_async (member_client, query, NULL, ctu_on_result, &result);
    page = carrete_client_list_folders_finish (member_client, ctu_await (&result), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (page->items->len, ==, 1);
    g_assert_cmpstr (carrete_folder_get_id (g_ptr_array_index (page->items, 0)), ==, folder_id);
    g_clear_object (&result);
  }

  carrete_client_remove_member_async (client, folder_id, friend->id, NULL, ctu_on_result, &result);
  g_assert_true (carrete_client_remove_member_finish (client, ctu_await (&result), &error));
  g_assert_no_error (error);
  {
    g_autoptr (CarreteMemberPage) page = list_members (client, folder_id);
    g_assert_cmpuint (page->items->len, ==, 0);
  }
}

/* Role owner, an unknown username, an unknown account id, yourself, a
 * member managing members: each refused with the server's reason. */
static void
test_members_refused (void)
{
  g_autoptr (StackUser) owner = NULL;
  g_autoptr (StackUser) friend = NULL;
  g_autoptr (CarreteClient) client = signed_in_client ("membad", &owner);
  g_autoptr (CarreteClient) member_client = signed_in_client ("memfriend", &friend);
  g_autofree char *folder_id = stack_folder_new (stack, owner->token, "private", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteMember) added = NULL;
  g_autoptr (CarreteUser) nobody = NULL;

  g_assert_null (put_member (client, folder_id, friend->id, "owner", &error));
  assert_invalid (error, "role");
  g_clear_error (&error);

  nobody = find_user (client, "no-such-user-here", &error);
  g_assert_null (nobody);
  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "There is no account with that username.");
  g_clear_error (&error);

  g_assert_null (find_user (client, "x", &error));
  assert_invalid (error, "username");
  g_clear_error (&error);

  /* A well-formed id of an account that was never made. */
  g_assert_null (put_member (client, folder_id, "us_0000000000A", "viewer", &error));
  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_null (put_member (client, folder_id, owner->id, "viewer", &error));
  assert_invalid (error, "user_id");
  /* Its field's message repeats the detail: said once. */
  g_assert_cmpstr (carrete_client_error_get_full_text (error), ==, error->message);
  g_clear_error (&error);

  added = put_member (client, folder_id, friend->id, "contributor", &error);
  g_assert_no_error (error);
  g_assert_null (put_member (member_client, folder_id, owner->id, "viewer", &error));
  g_assert_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_FORBIDDEN);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  stack = stack_start ();

  g_test_add_func ("/carrete/client/sharing/links", test_links);
  g_test_add_func ("/carrete/client/sharing/links-all-pages", test_links_all_pages);
  g_test_add_func ("/carrete/client/sharing/links-refused", test_links_refused);
  g_test_add_func ("/carrete/client/sharing/members", test_members);
  g_test_add_func ("/carrete/client/sharing/members-refused", test_members_refused);

  status = g_test_run ();
  stack_free (stack);
  return status;
}
