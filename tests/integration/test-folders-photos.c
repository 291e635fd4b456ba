#define G_LOG_DOMAIN "carrete-test-folders-photos"

/* Deleting folders with the real carrete-photos running: emptiness (409),
 * recursive deletion, retries after a half-done delete, and photos going
 * away mid-request.  NOT registered in meson.build yet: carrete-photos is
 * built on another branch; register 'folders-photos' (needs carrete_users,
 * carrete_folders and carrete_photos) once it is merged.  Its settings in
 * folders_fixture_start_with_photos follow DESIGN.md and may need
 * adjusting to the service as written. */

#include "folders-fixture.h"

static FoldersFixture *fx;

/* Uploads a photo into `folder_id` (raw body) and returns its id. */
static char *
upload (const char *token, const char *folder_id, const char *name)
{
  g_autofree char *auth = g_strdup_printf ("Authorization: Bearer %s", token);
  g_autofree char *path = g_strdup_printf ("/v1/photos?name=%s&folder_id=%s", name, folder_id);
  const char *headers[] = { auth, NULL };
  g_autoptr (GBytes) body = ct_unique_png (name);
  g_autoptr (CtResponse) r = ct_http_raw (fx->photos_url, "POST", path, headers, "image/png", body);

  if (r->status != 201)
    g_error ("upload: %u %.*s", r->status, (int) g_bytes_get_size (r->body),
             (const char *) g_bytes_get_data (r->body, NULL));
  return g_strdup (ct_response_string (r, "id"));
}

static guint
photo_status (const char *token, const char *photo_id)
{
  g_autofree char *path = g_strdup_printf ("/v1/photos/%s", photo_id);
  g_autoptr (CtResponse) r = ct_http (fx->photos_url, "GET", path, token, NULL);
  return r->status;
}

static char *
exists (const char *name)
{
  return folders_sql (fx, "SELECT count(*) FROM folders WHERE name = $1", name);
}

static void
test_delete_empty (void)
{
  g_autofree char *ana = folders_new_user (fx, "emptyana", NULL);
  g_autofree char *id = folders_create (fx, ana, "{\"name\":\"Empty\"}");
  g_autofree char *path = g_strdup_printf ("/v1/folders/%s", id);
  g_autofree char *for_good = g_strdup_printf ("/v1/folders/%s?permanent=true", id);
  g_autoptr (CtResponse) gone = ct_http (fx->url, "DELETE", for_good, ana, NULL);
  g_autoptr (CtResponse) again = ct_http (fx->url, "DELETE", for_good, ana, NULL);
  g_autoptr (CtResponse) get = ct_http (fx->url, "GET", path, ana, NULL);
  g_autofree char *count = exists ("Empty");

  g_assert_cmpuint (gone->status, ==, 204);
  ct_assert_problem (again, 404, NULL);
  ct_assert_problem (get, 404, NULL);
  g_assert_cmpstr (count, ==, "0");
}

static void
test_non_empty_and_recursive (void)
{
  g_autofree char *ana = folders_new_user (fx, "fullana", NULL);
  g_autofree char *id = folders_create (fx, ana, "{\"name\":\"Full\"}");
  g_autofree char *photo = upload (ana, id, "one.png");
  g_autofree char *photo2 = upload (ana, id, "two.png");
  g_autofree char *path = g_strdup_printf ("/v1/folders/%s", id);
  g_autofree char *recursive
      = g_strdup_printf ("/v1/folders/%s?recursive=true&permanent=true", id);

  {
    g_autoptr (CtResponse) refused = ct_http (fx->url, "DELETE", path, ana, NULL);
    g_autofree char *count = exists ("Full");
    ct_assert_problem (refused, 409, NULL);
    g_assert_cmpstr (count, ==, "1");
    g_assert_cmpuint (photo_status (ana, photo), ==, 200);
  }
  {
    g_autoptr (CtResponse) gone = ct_http (fx->url, "DELETE", recursive, ana, NULL);
    g_autofree char *count = exists ("Full");
    g_assert_cmpuint (gone->status, ==, 204);
    g_assert_cmpstr (count, ==, "0");
    g_assert_cmpuint (photo_status (ana, photo), ==, 404);
    g_assert_cmpuint (photo_status (ana, photo2), ==, 404);
  }
}

/* A recursive delete that stopped after the photos went (here: the photos
 * deleted directly) leaves the folder; the same request then finishes. */
static void
test_retry_completes (void)
{
  g_autofree char *ana = folders_new_user (fx, "retryana", NULL);
  g_autofree char *id = folders_create (fx, ana, "{\"name\":\"Half done\"}");
  g_autofree char *photo = upload (ana, id, "one.png");
  g_autofree char *photos_path = g_strdup_printf ("/v1/photos?folder_id=%s", id);
  g_autofree char *recursive
      = g_strdup_printf ("/v1/folders/%s?recursive=true&permanent=true", id);
  g_autoptr (CtResponse) half = ct_http (fx->photos_url, "DELETE", photos_path, ana, NULL);
  g_autofree char *still = exists ("Half done");
  g_autoptr (CtResponse) retried = ct_http (fx->url, "DELETE", recursive, ana, NULL);
  g_autofree char *after = exists ("Half done");

  g_assert_cmpuint (half->status, ==, 204);
  g_assert_cmpstr (still, ==, "1");
  g_assert_cmpuint (retried->status, ==, 204);
  g_assert_cmpstr (after, ==, "0");
  g_assert_cmpuint (photo_status (ana, photo), ==, 404);
}

static void
test_someone_elses (void)
{
  g_autofree char *ana = folders_new_user (fx, "victimana", NULL);
  g_autofree char *bea = folders_new_user (fx, "attackbea", NULL);
  g_autofree char *hidden = folders_create (fx, ana, "{\"name\":\"Ana private\"}");
  g_autofree char *shown = folders_create (fx, ana, "{\"name\":\"Ana public\",\"visibility\":\"public\"}");
  g_autofree char *photo = upload (ana, hidden, "mine.png");
  g_autofree char *photo2 = upload (ana, shown, "mine.png");
  g_autofree char *hidden_path = g_strdup_printf ("/v1/folders/%s?recursive=true", hidden);
  g_autofree char *shown_path = g_strdup_printf ("/v1/folders/%s?recursive=true", shown);
  g_autoptr (CtResponse) a = ct_http (fx->url, "DELETE", hidden_path, bea, NULL);
  g_autoptr (CtResponse) b = ct_http (fx->url, "DELETE", shown_path, bea, NULL);
  g_autofree char *count_hidden = exists ("Ana private");
  g_autofree char *count_shown = exists ("Ana public");

  ct_assert_problem (a, 404, NULL);
  ct_assert_problem (b, 403, NULL);
  g_assert_cmpstr (count_hidden, ==, "1");
  g_assert_cmpstr (count_shown, ==, "1");
  g_assert_cmpuint (photo_status (ana, photo), ==, 200);
  g_assert_cmpuint (photo_status (ana, photo2), ==, 200);
}

/* Photos goes away: 503 and the folder (and its photo) stay; back again,
 * the same request completes. */
static void
test_photos_goes_away (void)
{
  g_autofree char *ana = folders_new_user (fx, "awayana", NULL);
  g_autofree char *id = folders_create (fx, ana, "{\"name\":\"Outage\"}");
  g_autofree char *photo = upload (ana, id, "one.png");
  g_autofree char *recursive
      = g_strdup_printf ("/v1/folders/%s?recursive=true&permanent=true", id);
  g_autofree char *port = g_strdup (strrchr (fx->photos_url, ':') + 1);

  ct_service_free (fx->photos);
  fx->photos = NULL;
  {
    g_autoptr (CtResponse) down = ct_http (fx->url, "DELETE", recursive, ana, NULL);
    g_autofree char *count = exists ("Outage");
    ct_assert_problem (down, 503, NULL);
    g_assert_cmpstr (count, ==, "1");
  }
  fx->photos = ct_service_start_at (fx->photos_binary, (const char *const *) fx->photos_env,
                                    (guint16) g_ascii_strtoull (port, NULL, 10));
  fx->photos_url = ct_service_url (fx->photos);
  g_assert_cmpuint (photo_status (ana, photo), ==, 200);
  {
    g_autoptr (CtResponse) done = ct_http (fx->url, "DELETE", recursive, ana, NULL);
    g_autofree char *count = exists ("Outage");
    g_assert_cmpuint (done->status, ==, 204);
    g_assert_cmpstr (count, ==, "0");
  }
}

/* An upload into someone else's folder, private or public, is refused
 * after its headers: the client sends 1 KiB of the 50 MiB it declares and
 * has its answer, and nothing is stored. */
static void
test_upload_refused_before_body (void)
{
  g_autofree char *ana = folders_new_user (fx, "ownerana", NULL);
  g_autofree char *bob = folders_new_user (fx, "intruderbob", NULL);
  g_autofree char *private_id = folders_create (fx, ana, "{\"name\":\"Ana's own\"}");
  g_autofree char *public_id
      = folders_create (fx, ana, "{\"name\":\"Ana's shown\",\"visibility\":\"public\"}");
  const char *folders[] = { private_id, public_id };

  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    {
      g_autofree char *path = g_strdup_printf ("/v1/photos?name=big.jpg&folder_id=%s", folders[i]);
      guint status
          = ct_status_before_body (fx->photos_url, path, bob, "image/jpeg", 50 * 1024 * 1024);

      g_assert_true (status == 403 || status == 404);
    }
  {
    g_autoptr (CtResponse) list = ct_http (fx->photos_url, "GET", "/v1/photos", bob, NULL);
    JsonArray *items = json_object_get_array_member (ct_response_object (list), "items");

    g_assert_cmpuint (json_array_get_length (items), ==, 0);
  }
}

/* ---- a folder named in a form field ---------------------------------------------- */

#define FORM_FILE_BYTES (8 * 1024 * 1024)
#define FORM_SENT_BYTES (64 * 1024)

/* What a refused upload must not leave: a photos row, a stored original. */
static guint
photo_rows (void)
{
  g_autofree char *count
      = ct_postgres_query (fx->users->pg, "carrete_photos", "SELECT count(*) FROM photos");

  return (guint) g_ascii_strtoull (count, NULL, 10);
}

static guint
stored_originals (void)
{
  return ct_count_files (fx->storage_dir, "original", NULL);
}

/* A form upload of `file` into `folder_id`, named by a field before the
 * file part, of which only the first 64 KiB are sent. */
static CtResponse *
form_before_body (const char *token, const char *folder_id, GBytes *file)
{
  const char *before[] = { "folder_id", folder_id, NULL };
  g_autofree char *type = NULL;
  g_autoptr (GBytes) form = ct_form_body (before, "big.png", "image/png", file, NULL, &type);
  g_autoptr (GBytes) first = g_bytes_new_from_bytes (form, 0, FORM_SENT_BYTES);

  return ct_answer_before_body (fx->photos_url, "/v1/photos", token, type, g_bytes_get_size (form),
                                first);
}

/* An 8 MiB form upload whose folder_id field, before the file, names a
 * folder the caller may not upload into (someone else's private or public
 * one, one deleted, an id that is no folder id) is refused after its first
 * 64 KiB with the answer ?folder_id= gets, and nothing is stored. */
static void
test_form_folder_refused_before_file (void)
{
  g_autofree char *ana = folders_new_user (fx, "fieldana", NULL);
  g_autofree char *bob = folders_new_user (fx, "fieldbob", NULL);
  g_autofree char *hidden = folders_create (fx, ana, "{\"name\":\"Ana's field private\"}");
  g_autofree char *shown
      = folders_create (fx, ana, "{\"name\":\"Ana's field public\",\"visibility\":\"public\"}");
  g_autofree char *gone = folders_create (fx, bob, "{\"name\":\"Bob's gone\"}");
  g_autofree char *gone_path = g_strdup_printf ("/v1/folders/%s", gone);
  g_autoptr (CtResponse) deleted = ct_http (fx->url, "DELETE", gone_path, bob, NULL);
  g_autoptr (GBytes) file = ct_png_of_size (FORM_FILE_BYTES);
  const struct
  {
    const char *folder;
    guint status;
  } cases[] = { { hidden, 404 }, { shown, 403 }, { gone, 404 }, { "fo_nonsense", 404 } };
  guint rows = photo_rows ();
  guint originals = stored_originals ();

  g_assert_cmpuint (deleted->status, ==, 204);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *query = g_strdup_printf ("/v1/photos?folder_id=%s", cases[i].folder);
      g_autoptr (CtResponse) by_field = form_before_body (bob, cases[i].folder, file);
      g_autoptr (CtResponse) by_query
          = ct_answer_before_body (fx->photos_url, query, bob, "image/png", FORM_FILE_BYTES, NULL);

      g_test_message ("folder %s: expecting %u", cases[i].folder, cases[i].status);
      ct_assert_same_problem (by_field, by_query, cases[i].status);
    }
  g_assert_cmpuint (photo_rows (), ==, rows);
  g_assert_cmpuint (stored_originals (), ==, originals);
}

/* The same field naming the caller's own folder: the body is read on and
 * the photo is in that folder, whole. */
static void
test_form_folder_allowed (void)
{
  g_autofree char *ana = folders_new_user (fx, "fieldowner", NULL);
  g_autofree char *folder = folders_create (fx, ana, "{\"name\":\"Ana's field own\"}");
  g_autoptr (GBytes) file = ct_png_of_size (3 * 1024 * 1024);
  const char *before[] = { "folder_id", folder, "name", "mine.png", NULL };
  g_autofree char *type = NULL;
  g_autoptr (GBytes) form = ct_form_body (before, "big.png", "image/png", file, NULL, &type);
  g_autofree char *auth = g_strdup_printf ("Authorization: Bearer %s", ana);
  const char *headers[] = { auth, NULL };
  g_autoptr (CtResponse) r
      = ct_http_raw (fx->photos_url, "POST", "/v1/photos", headers, type, form);
  g_autofree char *path = NULL;

  g_assert_cmpuint (r->status, ==, 201);
  g_assert_cmpstr (ct_response_string (r, "folder_id"), ==, folder);
  g_assert_cmpstr (ct_response_string (r, "name"), ==, "mine.png");
  g_assert_cmpint (json_object_get_int_member (ct_response_object (r), "size"), ==,
                   (gint64) g_bytes_get_size (file));
  path = g_strdup_printf ("/v1/photos?folder_id=%s", folder);
  {
    g_autoptr (CtResponse) list = ct_http (fx->photos_url, "GET", path, ana, NULL);
    JsonArray *items = json_object_get_array_member (ct_response_object (list), "items");

    g_assert_cmpuint (json_array_get_length (items), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 0), "id"),
                     ==, ct_response_string (r, "id"));
  }
  /* The query's folder_id wins over the field, but a field that is no
   * folder id at all is refused all the same ("" is none: fine). */
  {
    g_autoptr (GBytes) small = ct_png_of_size (1024);
    const char *malformed[] = { "folder_id", "fo_\xc2\x84", NULL };
    const char *empty[] = { "folder_id", "", NULL };
    g_autofree char *bad_type = NULL;
    g_autofree char *empty_type = NULL;
    g_autoptr (GBytes) bad_form
        = ct_form_body (malformed, "q.png", "image/png", small, NULL, &bad_type);
    g_autoptr (GBytes) empty_form
        = ct_form_body (empty, "e.png", "image/png", small, NULL, &empty_type);
    g_autoptr (CtResponse) refused
        = ct_http_raw (fx->photos_url, "POST", path, headers, bad_type, bad_form);
    g_autoptr (CtResponse) taken
        = ct_http_raw (fx->photos_url, "POST", path, headers, empty_type, empty_form);

    const char *bad_name[] = { "name", "a\xc2\x9b", NULL };
    g_autofree char *name_type = NULL;
    g_autoptr (GBytes) name_form
        = ct_form_body (bad_name, "n.png", "image/png", small, NULL, &name_type);
    g_autofree char *named = g_strconcat (path, "&name=fine.png", NULL);
    g_autoptr (CtResponse) bad_named
        = ct_http_raw (fx->photos_url, "POST", named, headers, name_type, name_form);

    /* The same for the form's name when the query names one. */
    ct_assert_problem (bad_named, 422, "name");
    ct_assert_problem (refused, 404, NULL);
    g_assert_cmpuint (taken->status, ==, 201);
    g_assert_cmpstr (ct_response_string (taken, "folder_id"), ==, folder);
  }
}

/* A folder_id field after the file part is checked once the body is in:
 * someone else's private folder is refused then, and the original that
 * was streamed to storage is removed. */
static void
test_form_folder_after_file (void)
{
  g_autofree char *ana = folders_new_user (fx, "afterana", NULL);
  g_autofree char *bob = folders_new_user (fx, "afterbob", NULL);
  g_autofree char *hidden = folders_create (fx, ana, "{\"name\":\"Ana's late private\"}");
  g_autoptr (GBytes) file = ct_png_of_size (3 * 1024 * 1024);
  const char *after[] = { "folder_id", hidden, NULL };
  g_autofree char *type = NULL;
  g_autoptr (GBytes) form = ct_form_body (NULL, "late.png", "image/png", file, after, &type);
  g_autofree char *auth = g_strdup_printf ("Authorization: Bearer %s", bob);
  const char *headers[] = { auth, NULL };
  guint rows = photo_rows ();
  guint originals = stored_originals ();
  g_autoptr (CtResponse) r
      = ct_http_raw (fx->photos_url, "POST", "/v1/photos", headers, type, form);

  ct_assert_problem (r, 404, NULL);
  /* The upload's pending row, reserved when its headers were admitted, and
   * what was sent are removed on a worker, perhaps after the answer (and
   * thumbnails of earlier uploads pass through temporary files too); no
   * client ever sees a pending row.  (Counted at once, a busy machine's
   * clean-clone run saw the row still there: 5 against 4.) */
  for (guint i = 0; i < 200 && photo_rows () != rows; i++)
    g_usleep (50 * 1000);
  g_assert_cmpuint (photo_rows (), ==, rows);
  g_assert_cmpuint (stored_originals (), ==, originals);
  for (guint i = 0; i < 200 && ct_count_files (fx->storage_dir, ".tmp-", NULL) > 0; i++)
    g_usleep (50 * 1000);
  g_assert_cmpuint (ct_count_files (fx->storage_dir, ".tmp-", NULL), ==, 0);
}

int
main (int argc, char **argv)
{
  static const CtTest tests[] = {
    { "/carrete/folders/photos/delete-empty", test_delete_empty },
    { "/carrete/folders/photos/non-empty-and-recursive", test_non_empty_and_recursive },
    { "/carrete/folders/photos/retry-completes", test_retry_completes },
    { "/carrete/folders/photos/someone-elses", test_someone_elses },
    { "/carrete/folders/photos/photos-goes-away", test_photos_goes_away },
    { "/carrete/folders/photos/upload-refused-before-body", test_upload_refused_before_body },
    { "/carrete/folders/photos/form-folder-refused-before-file",
      test_form_folder_refused_before_file },
    { "/carrete/folders/photos/form-folder-allowed", test_form_folder_allowed },
    { "/carrete/folders/photos/form-folder-after-file", test_form_folder_after_file },
  };

  return CT_TEST_MAIN (argc, argv, folders_fixture_start_with_photos, folders_fixture_free, &fx,
                       tests);
}
