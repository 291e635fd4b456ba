/* UI tests of carrete-desktop's sharing against the real stack, driving
 * the real widgets under Xvfb: the owner's Share dialog makes a link with a
 * password (its address shown once and copied), sees it listed with its use,
 * revokes it; adds a member as contributor, changes them to viewer, is told
 * why an unknown username and themselves are refused; the member signs in
 * and finds the folder under "Shared with Me", read-only, with its photo;
 * made a contributor, their dropped file goes into it; the owner removes
 * them.  The tests run in order and share one window. */
#include <stdio.h>
#include <string.h>
#include <gtk/gtk.h>

#include "carrete-application.h"
#include "carrete-client-lib.h"
#include "carrete-share-dialog.h"
#include "carrete-sign-in-page.h"
#include "carrete-trash-window.h"
#include "carrete-window-test-hooks.h"
#include "desktop-test-loop.h"
#include "stack.h"

#define TIMEOUT_MS 60000
#define WAIT_UNTIL(cond) DESKTOP_WAIT_UNTIL (cond, TIMEOUT_MS)

static struct
{
  Stack *stack;
  StackUser *owner;
  StackUser *member;
  CarreteWindow *window;
  char *folder_id;
  char *photo_id;
} ui;

/* ---- helpers ------------------------------------------------------------------ */

static void
sign_in_as (StackUser *user)
{
  CarreteSignInPage *page = carrete_window_get_sign_in_page (ui.window);

  carrete_sign_in_page_fill (page, "", ui.stack->users.url, ui.stack->photos.url,
                             ui.stack->folders.url, user->name, STACK_PASSWORD);
  carrete_sign_in_page_submit (page);
  WAIT_UNTIL (!carrete_sign_in_page_get_busy (page));
  g_assert_null (carrete_sign_in_page_get_error (page));
  g_assert_cmpstr (carrete_window_get_page (ui.window), ==, "gallery");
}

static void
sign_out (void)
{
  gtk_widget_activate_action (GTK_WIDGET (ui.window), "win.sign-out", NULL);
  g_assert_cmpstr (carrete_window_get_page (ui.window), ==, "sign-in");
}

static gboolean
has_folder (GListModel *folders, const char *folder_id)
{
  for (guint i = 0; i < g_list_model_get_n_items (folders); i++)
    {
      g_autoptr (CarreteFolder) folder = g_list_model_get_item (folders, i);

      if (g_strcmp0 (carrete_folder_get_id (folder), folder_id) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Waits (up to 5 seconds) until link `id`'s stored use count is `expected`:
 * carrete-folders writes uses in batches, within about a second. */
static void
wait_for_uses (const char *id, const char *expected)
{
  g_autofree char *row = stack_row_id (ui.stack, id);
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autofree char *count = stack_sql (ui.stack, "folders",
                                          "SELECT use_count FROM shares WHERE id = $1::bigint", row);

      if (g_str_equal (count, expected) || g_get_monotonic_time () > deadline)
        return;
      g_usleep (50 * 1000);
    }
}

/* The owner's window shows the folder, and its Share dialog opens. */
static CarreteShareDialog *
open_share_dialog (void)
{
  CarreteShareDialog *dialog;
  gboolean mine = FALSE, can_add = FALSE;

  gtk_widget_activate_action (GTK_WIDGET (ui.window), "win.reload", NULL);
  WAIT_UNTIL (has_folder (carrete_window_get_folders (ui.window), ui.folder_id));
  g_assert_true (carrete_window_select_folder (ui.window, ui.folder_id));
  carrete_window_get_folder_access (ui.window, &mine, &can_add);
  g_assert_true (mine);
  g_assert_true (can_add);
  dialog = carrete_window_share_folder (ui.window);
  g_assert_nonnull (dialog);
  WAIT_UNTIL (!carrete_share_links_get_busy (carrete_share_dialog_get_links (dialog))
              && !carrete_share_members_get_busy (carrete_share_dialog_get_members (dialog)));
  return dialog;
}

static void
keep_text (GObject *source, GAsyncResult *result, gpointer user_data)
{
  char **text = user_data;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  if (*text == NULL)
    *text = g_strdup ("");
}

static CarreteMember *
member_at (CarreteShareMembers *members, guint i)
{
  return g_list_model_get_item (carrete_share_members_get_members (members), i);
}

/* ---- links -------------------------------------------------------------------------- */

static void
test_links (void)
{
  CarreteShareDialog *dialog;
  CarreteShareLinks *links;
  g_autoptr (CarreteShare) share = NULL;
  g_autofree char *copied = NULL;
  const char *url;
  const char *token;
  g_autofree char *header = NULL;

  sign_in_as (ui.owner);
  dialog = open_share_dialog ();
  links = carrete_share_dialog_get_links (dialog);
  g_assert_cmpuint (g_list_model_get_n_items (carrete_share_links_get_shares (links)), ==, 0);

  carrete_share_links_fill (links, "Family", 7, "open sesame", FALSE);
  carrete_share_links_submit (links);
  g_assert_true (carrete_share_links_get_busy (links));
  WAIT_UNTIL (!carrete_share_links_get_busy (links));
  g_assert_null (carrete_share_links_get_error (links));
  url = carrete_share_links_get_new_url (links);
  g_assert_nonnull (url);
  g_assert_true (g_str_has_prefix (url, ui.stack->users.url));
  g_assert_nonnull (strstr (url, "/s/"));
  token = strstr (url, "/s/") + 3;
  g_assert_cmpuint (strlen (token), ==, 43);

  /* Copy puts the address on the clipboard. */
  carrete_share_links_copy (links);
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (links)), NULL, keep_text,
                                 &copied);
  WAIT_UNTIL (copied != NULL);
  g_assert_cmpstr (copied, ==, url);

  g_assert_cmpuint (g_list_model_get_n_items (carrete_share_links_get_shares (links)), ==, 1);
  share = g_list_model_get_item (carrete_share_links_get_shares (links), 0);
  g_assert_cmpstr (carrete_share_get_label (share), ==, "Family");
  g_assert_true (carrete_share_get_has_password (share));
  g_assert_false (carrete_share_get_allow_download (share));
  g_assert_nonnull (carrete_share_get_expires_at (share));
  g_assert_null (carrete_share_get_token (share)); /* the list never has it */
  g_test_message ("row: %s", carrete_share_links_get_row_text (links, carrete_share_get_id (share)));
  g_assert_true (g_str_has_prefix (
      carrete_share_links_get_row_text (links, carrete_share_get_id (share)), "Used 0 times"));

  /* Someone opens the link (with its password): the list says so. */
  header = g_strdup_printf ("X-Carrete-Share: %s", token);
  {
    const char *headers[] = { header, "X-Carrete-Share-Password: open sesame", NULL };
    CtResponse *visit = ct_http_raw (ui.stack->folders.url, "GET", "/v1/shares/current", headers,
                                     NULL, NULL);

    g_assert_cmpuint (visit->status, ==, 200);
    ct_response_free (visit);
  }
  wait_for_uses (carrete_share_get_id (share), "1");
  gtk_window_destroy (GTK_WINDOW (dialog));
  dialog = open_share_dialog ();
  links = carrete_share_dialog_get_links (dialog);
  g_assert_null (carrete_share_links_get_new_url (links)); /* shown once */
  g_clear_object (&share);
  share = g_list_model_get_item (carrete_share_links_get_shares (links), 0);
  g_assert_cmpint (carrete_share_get_use_count (share), ==, 1);
  g_assert_nonnull (carrete_share_get_last_used_at (share));
  g_assert_true (g_str_has_prefix (
      carrete_share_links_get_row_text (links, carrete_share_get_id (share)), "Used 1 time · last used"));

  carrete_share_links_revoke (links, carrete_share_get_id (share));
  WAIT_UNTIL (!carrete_share_links_get_busy (links));
  g_assert_null (carrete_share_links_get_error (links));
  g_assert_cmpuint (g_list_model_get_n_items (carrete_share_links_get_shares (links)), ==, 0);
  {
    const char *headers[] = { header, "X-Carrete-Share-Password: open sesame", NULL };
    CtResponse *visit = ct_http_raw (ui.stack->folders.url, "GET", "/v1/shares/current", headers,
                                     NULL, NULL);

    g_assert_cmpuint (visit->status, ==, 404);
    ct_response_free (visit);
  }
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* ---- members ------------------------------------------------------------------------- */

static void
test_members (void)
{
  CarreteShareDialog *dialog = open_share_dialog ();
  CarreteShareMembers *members = carrete_share_dialog_get_members (dialog);
  g_autoptr (CarreteMember) added = NULL;
  g_autoptr (CarreteMember) changed = NULL;

  carrete_share_members_fill (members, ui.member->name, "contributor");
  carrete_share_members_submit (members);
  WAIT_UNTIL (!carrete_share_members_get_busy (members));
  g_assert_null (carrete_share_members_get_error (members));
  g_assert_cmpuint (g_list_model_get_n_items (carrete_share_members_get_members (members)), ==, 1);
  added = member_at (members, 0);
  g_assert_cmpstr (carrete_member_get_username (added), ==, ui.member->name);
  g_assert_cmpstr (carrete_member_get_role (added), ==, "contributor");

  carrete_share_members_set_role (members, ui.member->id, "viewer");
  g_assert_true (carrete_share_members_get_busy (members));
  WAIT_UNTIL (!carrete_share_members_get_busy (members));
  g_assert_null (carrete_share_members_get_error (members));
  changed = member_at (members, 0);
  g_assert_cmpstr (carrete_member_get_role (changed), ==, "viewer");

  /* Refusals say why, and change nothing. */
  carrete_share_members_fill (members, "", "viewer");
  carrete_share_members_submit (members);
  g_assert_cmpstr (carrete_share_members_get_error (members), ==,
                   "Type the username of the account to share with.");
  carrete_share_members_fill (members, "nobody-here", "viewer");
  carrete_share_members_submit (members);
  WAIT_UNTIL (!carrete_share_members_get_busy (members));
  g_assert_cmpstr (carrete_share_members_get_error (members), ==,
                   "There is no account with that username.");
  carrete_share_members_fill (members, ui.owner->name, "viewer");
  carrete_share_members_submit (members);
  WAIT_UNTIL (!carrete_share_members_get_busy (members));
  g_test_message ("yourself: %s", carrete_share_members_get_error (members));
  g_assert_nonnull (strstr (carrete_share_members_get_error (members), "You own this folder"));
  g_assert_cmpuint (g_list_model_get_n_items (carrete_share_members_get_members (members)), ==, 1);
  gtk_window_destroy (GTK_WINDOW (dialog));
  sign_out ();
}

/* The member finds it under "Shared with Me", read-only, with its photo. */
static void
test_member_sees_folder (void)
{
  CarretePhotoList *photos;
  gboolean mine = TRUE, can_add = TRUE;

  sign_in_as (ui.member);
  WAIT_UNTIL (has_folder (carrete_window_get_shared_folders (ui.window), ui.folder_id));
  g_assert_false (has_folder (carrete_window_get_folders (ui.window), ui.folder_id));
  g_assert_true (carrete_window_select_folder (ui.window, ui.folder_id));
  g_assert_cmpstr (carrete_window_get_subtitle (ui.window), ==, "Shared with you: view only");
  carrete_window_get_folder_access (ui.window, &mine, &can_add);
  g_assert_false (mine);
  g_assert_false (can_add);
  g_assert_null (carrete_window_share_folder (ui.window));
  photos = CARRETE_PHOTO_LIST (carrete_window_get_photos (ui.window));
  WAIT_UNTIL (!carrete_photo_list_get_loading (photos)
              && g_list_model_get_n_items (G_LIST_MODEL (photos)) == 1);
  g_assert_null (carrete_photo_list_get_error (photos));
}

static gboolean
uploads_finished (CarreteUploadQueue *queue)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (queue));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CarreteUpload) upload = g_list_model_get_item (G_LIST_MODEL (queue), i);

      if (!carrete_upload_is_finished (upload))
        return FALSE;
    }
  return n > 0;
}

/* Made a contributor (the owner, through the API), the member's next
 * reload lets them add photos, and a dropped file goes into the folder. */
static void
test_contributor_uploads (void)
{
  g_autofree char *path = g_strdup_printf ("/v1/folders/%s/members/%s", ui.folder_id, ui.member->id);
  g_autofree char *list_path = g_strdup_printf ("/v1/photos?folder_id=%s", ui.folder_id);
  g_autofree char *dir = ct_make_tmpdir ("carrete-ui-share-XXXXXX");
  g_autofree char *file = g_build_filename (dir, "from-the-member.png", NULL);
  g_autoptr (GBytes) png = ct_unique_png ("member");
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  CtResponse *response;
  gboolean mine = TRUE, can_add = FALSE;

  response = ct_http (ui.stack->folders.url, "PUT", path, ui.owner->token,
                      "{\"role\":\"contributor\"}");
  g_assert_cmpuint (response->status, ==, 200);
  ct_response_free (response);
  /* The folder shown is described anew when the folders are reloaded. */
  gtk_widget_activate_action (GTK_WIDGET (ui.window), "win.reload", NULL);
  WAIT_UNTIL (g_strcmp0 (carrete_window_get_subtitle (ui.window),
                         "Shared with you: you can add photos") == 0);
  carrete_window_get_folder_access (ui.window, &mine, &can_add);
  g_assert_false (mine);
  g_assert_true (can_add);

  g_assert_true (g_file_set_contents (file, g_bytes_get_data (png, NULL), g_bytes_get_size (png),
                                      NULL));
  g_ptr_array_add (files, g_file_new_for_path (file));
  carrete_window_upload_files (ui.window, files);
  WAIT_UNTIL (uploads_finished (carrete_window_get_upload_queue (ui.window)));
  response = ct_http (ui.stack->photos.url, "GET", list_path, ui.owner->token, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        json_node_get_object (response->json), "items")), ==, 2);
  ct_response_free (response);
  ct_remove_tree (dir);
  sign_out ();
}

static void
test_remove_member (void)
{
  CarreteShareDialog *dialog;
  CarreteShareMembers *members;
  CtResponse *shared;

  sign_in_as (ui.owner);
  dialog = open_share_dialog ();
  members = carrete_share_dialog_get_members (dialog);
  g_assert_cmpuint (g_list_model_get_n_items (carrete_share_members_get_members (members)), ==, 1);
  carrete_share_members_remove (members, ui.member->id);
  WAIT_UNTIL (!carrete_share_members_get_busy (members));
  g_assert_null (carrete_share_members_get_error (members));
  g_assert_cmpuint (g_list_model_get_n_items (carrete_share_members_get_members (members)), ==, 0);
  gtk_window_destroy (GTK_WINDOW (dialog));

  shared = ct_http (ui.stack->folders.url, "GET", "/v1/folders?scope=shared", ui.member->token,
                    NULL);
  g_assert_cmpuint (shared->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        json_node_get_object (shared->json), "items")), ==, 0);
  ct_response_free (shared);
  sign_out ();
}

/* ---- the trash, seen through a link ------------------------------------------------- */

/* How many photos a link's holder lists in the folder, or -1 when the
 * link is refused (its status in *status). */
static int
photos_through_link (const char *token, guint *status)
{
  g_autofree char *header = g_strconcat ("X-Carrete-Share: ", token, NULL);
  g_autofree char *path = g_strdup_printf ("/v1/photos?folder_id=%s", ui.folder_id);
  const char *headers[] = { header, NULL };
  CtResponse *r = ct_http_raw (ui.stack->photos.url, "GET", path, headers, NULL, NULL);
  int n = -1;

  *status = r->status;
  if (r->status == 200)
    n = (int) json_array_get_length (
        json_object_get_array_member (json_node_get_object (r->json), "items"));
  ct_response_free (r);
  return n;
}

/* Whether the window shows the photo `id` (then in *out). */
static gboolean
find_shown_photo (const char *id, CarretePhoto **out)
{
  GListModel *photos = carrete_window_get_photos (ui.window);

  for (guint i = 0; i < g_list_model_get_n_items (photos); i++)
    {
      g_autoptr (CarretePhoto) photo = g_list_model_get_item (photos, i);

      if (g_strcmp0 (carrete_photo_get_id (photo), id) == 0)
        {
          g_set_object (out, photo);
          return TRUE;
        }
    }
  return FALSE;
}

/* The journey, on the owner's side: a link (no password) to the
 * shared folder; the owner moves a photo to the trash and the link's
 * holder no longer lists it; restored from the Trash window, it is back;
 * once the link is revoked, the holder's next request is refused. */
static void
test_trash_seen_through_link (void)
{
  CarreteShareDialog *dialog;
  CarreteShareLinks *links;
  CarreteTrashWindow *trash;
  g_autoptr (CarreteShare) share = NULL;
  g_autoptr (CarretePhoto) photo = NULL;
  g_autofree char *token = NULL;
  guint status = 0;
  int before;

  sign_in_as (ui.owner);
  dialog = open_share_dialog ();
  links = carrete_share_dialog_get_links (dialog);
  carrete_share_links_fill (links, "Trash journey", 0, "", TRUE);
  carrete_share_links_submit (links);
  WAIT_UNTIL (!carrete_share_links_get_busy (links));
  g_assert_null (carrete_share_links_get_error (links));
  token = g_strdup (strstr (carrete_share_links_get_new_url (links), "/s/") + 3);
  share = g_list_model_get_item (carrete_share_links_get_shares (links), 0);
  gtk_window_destroy (GTK_WINDOW (dialog));
  before = photos_through_link (token, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (before, >=, 1);

  /* The owner's own photo, from the folder shown. */
  WAIT_UNTIL (find_shown_photo (ui.photo_id, &photo));
  carrete_window_delete_photo (ui.window, photo);
  carrete_window_commit_deletes (ui.window);
  WAIT_UNTIL (photos_through_link (token, &status) == before - 1);

  trash = carrete_window_show_trash (ui.window);
  g_object_add_weak_pointer (G_OBJECT (trash), (gpointer *) &trash);
  WAIT_UNTIL (!carrete_trash_window_get_loading (trash) && carrete_trash_window_holds (trash, ui.photo_id));
  carrete_trash_window_restore (trash, ui.photo_id);
  WAIT_UNTIL (!carrete_trash_window_get_loading (trash) && !carrete_trash_window_holds (trash, ui.photo_id));
  g_assert_cmpint (photos_through_link (token, &status), ==, before);
  gtk_window_destroy (GTK_WINDOW (trash));
  WAIT_UNTIL (trash == NULL);

  dialog = open_share_dialog ();
  links = carrete_share_dialog_get_links (dialog);
  carrete_share_links_revoke (links, carrete_share_get_id (share));
  WAIT_UNTIL (!carrete_share_links_get_busy (links));
  g_assert_null (carrete_share_links_get_error (links));
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_cmpint (photos_through_link (token, &status), ==, -1);
  g_assert_cmpuint (status, ==, 404);
  sign_out ();
}

int
main (int argc, char *argv[])
{
  int status;

  setvbuf (stdout, NULL, _IOLBF, 0);
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  carrete_desktop_init ();
  g_timeout_add (10, desktop_test_tick, NULL);

  ui.stack = stack_start ();
  ui.owner = stack_user_new (ui.stack, "owner");
  ui.member = stack_user_new (ui.stack, "member");
  ui.folder_id = stack_folder_new (ui.stack, ui.owner->token, "private", NULL);
  ui.photo_id = stack_photo_new (ui.stack, ui.owner->token, ui.folder_id);
  ui.window = g_object_ref_sink (carrete_window_new (NULL));
  gtk_window_present (GTK_WINDOW (ui.window));
  WAIT_UNTIL (g_strcmp0 (carrete_window_get_page (ui.window), "loading") != 0);

  g_test_add_func ("/carrete/desktop/ui-share/links", test_links);
  g_test_add_func ("/carrete/desktop/ui-share/members", test_members);
  g_test_add_func ("/carrete/desktop/ui-share/member-sees-folder", test_member_sees_folder);
  g_test_add_func ("/carrete/desktop/ui-share/contributor-uploads", test_contributor_uploads);
  g_test_add_func ("/carrete/desktop/ui-share/remove-member", test_remove_member);
  g_test_add_func ("/carrete/desktop/ui-share/trash-seen-through-link", test_trash_seen_through_link);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (ui.window));
  g_clear_object (&ui.window);
  desktop_test_spin (100);
  g_free (ui.folder_id);
  g_free (ui.photo_id);
  stack_user_free (ui.owner);
  stack_user_free (ui.member);
  stack_free (ui.stack);
  return status;
}
