/* Uploads refused before their body (real carrete-photos and carrete-users,
 * real PostgreSQL): the answer comes after the headers and the first KiB,
 * without the client sending the rest.  Refusals that need carrete-folders
 * running (someone else's folder) are in test-folders-photos.c. */

#include "photos-fixture.h"

/* As much as the stack takes (CARRETE_MAX_UPLOAD_BYTES): only the check
 * under test can refuse it. */
#define DECLARED PHOTOS_MAX_UPLOAD

static guint
status_before_body (PhotosStack *s, const char *token, const char *query)
{
  g_autofree char *path = g_strconcat ("/v1/photos", query, NULL);

  return ct_status_before_body (s->photos_url, path, token, "image/jpeg", DECLARED);
}

/* Over CARRETE_MAX_UPLOAD_BYTES by its Content-Length: 413 at once. */
static void
test_too_large (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "toolarge");
  guint rows = photos_count_rows (s);

  g_assert_cmpuint (ct_status_before_body (s->photos_url, "/v1/photos?name=big.jpg", ana->token,
                                           "image/jpeg", 50 * 1024 * 1024),
                    ==, 413);
  g_assert_cmpuint (photos_await_rows (s, rows), ==, rows);
}

/* Bytes that no image starts with: 415 after the first of them (the
 * helper sends a KiB of zeros). */
static void
test_not_an_image (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "notimage");
  guint rows = photos_count_rows (s);

  g_assert_cmpuint (status_before_body (s, ana->token, "?name=zeros.jpg"), ==, 415);
  g_assert_cmpuint (photos_await_rows (s, rows), ==, rows);
  photos_assert_consistent (s, NULL);
}

/* A chunked body (no Content-Length) is refused as soon as it passes the
 * limit, not when it ends: here it never ends. */
static void
test_chunked_over_limit (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "chunkedover");
  g_autoptr (GBytes) jpeg = photos_make_jpeg (64, 64, 502, NULL, 0);
  g_autofree char *host = NULL;
  g_autoptr (GSocketConnection) connection = ct_connect (s->photos_url, &host);
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autoptr (GDataInputStream) in
      = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  g_autofree char *head = g_strdup_printf (
      "POST /v1/photos?name=endless.jpg HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"
      "Content-Type: image/jpeg\r\nTransfer-Encoding: chunked\r\n\r\n",
      host, ana->token);
  g_autofree guint8 *block = g_malloc0 (64 * 1024);
  g_autofree char *chunk_head = g_strdup_printf ("%x\r\n", 64 * 1024);
  g_autofree char *line = NULL;
  g_autoptr (GError) error = NULL;
  gsize sent = 0;

  g_assert_true (g_output_stream_write_all (out, head, strlen (head), NULL, NULL, &error));
  /* A JPEG's first bytes, then zeros: one byte over the limit, and stop. */
  memcpy (block, g_bytes_get_data (jpeg, NULL), MIN (g_bytes_get_size (jpeg), 64 * 1024));
  while (sent <= PHOTOS_MAX_UPLOAD)
    {
      g_assert_true (
          g_output_stream_write_all (out, chunk_head, strlen (chunk_head), NULL, NULL, &error));
      g_assert_true (g_output_stream_write_all (out, block, 64 * 1024, NULL, NULL, &error));
      g_assert_true (g_output_stream_write_all (out, "\r\n", 2, NULL, NULL, &error));
      sent += 64 * 1024;
      memset (block, 0, 64);
    }
  g_socket_set_timeout (g_socket_connection_get_socket (connection), 3);
  line = g_data_input_stream_read_line (in, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "HTTP/1.1 413 Request Entity Too Large\r");
  photos_assert_consistent (s, NULL);
}

/* No token, or a bad one: 401 at once. */
static void
test_no_token (PhotosStack *s)
{
  g_assert_cmpuint (status_before_body (s, NULL, "?name=a.jpg"), ==, 401);
  g_assert_cmpuint (status_before_body (s, "not-a-token", "?name=a.jpg"), ==, 401);
}

/* A folder id that is none of this installation's: 404 at once. */
static void
test_unknown_folder (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "nofolder");

  g_assert_cmpuint (status_before_body (s, ana->token, "?name=a.jpg&folder_id=fo_nonsense"), ==,
                    404);
}

/* A folder that cannot be checked (carrete-folders is down in this
 * stack): 503 at once, not after 50 MiB. */
static void
test_folders_down (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "foldersdown");
  g_autofree char *folder = photos_folder_id (s, 7);
  g_autofree char *query = g_strconcat ("?name=a.jpg&folder_id=", folder, NULL);

  g_assert_cmpuint (status_before_body (s, ana->token, query), ==, 503);
}

/* A form whose folder_id field comes before the file part: the folder is
 * checked when the field ends, and refused with the answer ?folder_id=
 * gets, after the first 64 KiB of the body, nothing stored (no row, no
 * object, no multipart upload).  Here an id that is no folder id (404)
 * and one that carrete-folders, down in this stack, cannot check (503). */
static void
test_form_folder_first (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "fieldfirst");
  g_autoptr (GBytes) file = photos_make_big_jpeg (PHOTOS_MAX_UPLOAD - 4096, 503);
  g_autofree char *unchecked = photos_folder_id (s, 7);
  const struct
  {
    const char *folder;
    guint status;
  } cases[] = { { "fo_nonsense", 404 }, { unchecked, 503 } };
  guint rows = photos_count_rows (s);
  guint objects = photos_count_objects (s);
  guint multipart = photos_count_multipart (s);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *before[] = { "name", "first.jpg", "folder_id", cases[i].folder, NULL };
      g_autofree char *type = NULL;
      g_autoptr (GBytes) form = ct_form_body (before, "first.jpg", "image/jpeg", file, NULL, &type);
      g_autoptr (GBytes) first = g_bytes_new_from_bytes (form, 0, 64 * 1024);
      g_autofree char *query
          = g_strconcat ("/v1/photos?name=a.jpg&folder_id=", cases[i].folder, NULL);
      g_autoptr (CtResponse) by_field = ct_answer_before_body (
          s->photos_url, "/v1/photos", ana->token, type, g_bytes_get_size (form), first);
      g_autoptr (CtResponse) by_query
          = ct_answer_before_body (s->photos_url, query, ana->token, "image/jpeg", DECLARED, NULL);

      ct_assert_same_problem (by_field, by_query, cases[i].status);
    }
  photos_assert_consistent (s, NULL);
  g_assert_cmpuint (photos_await_rows (s, rows), ==, rows);
  g_assert_cmpuint (photos_count_objects (s), ==, objects);
  g_assert_cmpuint (photos_count_multipart (s), ==, multipart);
}

/* A token whose account no longer exists, on an instance that asks
 * carrete-users (CARRETE_USERS_URL): 401 at once. */
static void
test_account_gone (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "gone");
  g_autofree char *users = g_strconcat ("CARRETE_USERS_URL=", s->users_url, NULL);
  CtService *asking = photos_stack_start_instance (s, (const char *const[]){ users, NULL }, NULL);
  g_autoptr (CtResponse) deleted
      = ct_http (s->users_url, "DELETE", "/v1/users/me", ana->token, NULL);

  g_assert_cmpuint (deleted->status, ==, 204);
  g_assert_cmpuint (ct_status_before_body (ct_service_url (asking), "/v1/photos?name=a.jpg",
                                           ana->token, "image/jpeg", DECLARED),
                    ==, 401);
  ct_service_free (asking);
}

/* What is admitted still arrives whole: a body sent after the checks. */
static void
test_admitted_upload_works (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "admitted");
  g_autoptr (GBytes) jpeg = photos_make_jpeg (320, 240, 501, NULL, 0);
  g_autofree char *id = photos_upload (s, ana->token, "whole.jpg", jpeg);
  g_autofree char *state = photos_row_state (s, id);

  g_assert_cmpstr (state, ==, "ready");
  photos_assert_consistent (s, NULL);
}

static void
add_tests (void)
{
  photos_add_test ("refuse/too-large", test_too_large, TRUE, FALSE);
  photos_add_test ("refuse/no-token", test_no_token, TRUE, FALSE);
  photos_add_test ("refuse/not-an-image", test_not_an_image, TRUE, FALSE);
  photos_add_test ("refuse/chunked-over-limit", test_chunked_over_limit, TRUE, FALSE);
  photos_add_test ("refuse/unknown-folder", test_unknown_folder, TRUE, FALSE);
  photos_add_test ("refuse/folders-down", test_folders_down, TRUE, FALSE);
  photos_add_test ("refuse/form-folder-first", test_form_folder_first, TRUE, TRUE);
  photos_add_test ("refuse/account-gone", test_account_gone, TRUE, FALSE);
  photos_add_test ("refuse/admitted-upload-works", test_admitted_upload_works, TRUE, TRUE);
}

int
main (int argc, char **argv)
{
  return photos_test_main (argc, argv, add_tests);
}
