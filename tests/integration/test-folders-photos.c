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
  g_autoptr (CtResponse) gone = ct_http (fx->url, "DELETE", path, ana, NULL);
  g_autoptr (CtResponse) again = ct_http (fx->url, "DELETE", path, ana, NULL);
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
  g_autofree char *recursive = g_strdup_printf ("/v1/folders/%s?recursive=true", id);

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
  g_autofree char *recursive = g_strdup_printf ("/v1/folders/%s?recursive=true", id);
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
  g_autofree char *recursive = g_strdup_printf ("/v1/folders/%s?recursive=true", id);
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
  };

  return CT_TEST_MAIN (argc, argv, folders_fixture_start_with_photos, folders_fixture_free, &fx,
                       tests);
}
