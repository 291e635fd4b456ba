#define G_LOG_DOMAIN "carrete-e2e-cross"

/* Rules that span services, on the live stack (photos on s3 storage in
 * MinIO): photos only go into their owner's folders; public folders make
 * their photos readable by anyone, at once and only while public; tag
 * filters come from folders; recursive folder deletion and account
 * deletion remove rows and stored objects everywhere; and each service
 * keeps doing what it can while another one is down, refusing (503,
 * nothing written) what it cannot, until it is back. */

#include <string.h>

#include "stack.h"

static Stack *stack;

/* ---- helpers ------------------------------------------------------------------------ */

static CtResponse *
photos_call (const char *method, const char *path, const char *token, const char *body)
{
  return ct_http (stack->photos.url, method, path, token, body);
}

static CtResponse *
folders_call (const char *method, const char *path, const char *token, const char *body)
{
  return ct_http (stack->folders.url, method, path, token, body);
}

static guint
photo_status (const char *token, const char *photo_id)
{
  g_autofree char *path = g_strdup_printf ("/v1/photos/%s", photo_id);
  g_autoptr (CtResponse) r = photos_call ("GET", path, token, NULL);
  return r->status;
}

static void
assert_unavailable (CtResponse *r)
{
  ct_assert_problem (r, 503, NULL);
  g_assert_true (g_str_has_suffix (ct_response_string (r, "type"), "unavailable"));
}

static guint
count_rows (const char *service, const char *sql, const char *opaque_id)
{
  g_autofree char *row = stack_row_id (stack, opaque_id);
  g_autofree char *count = stack_sql (stack, service, sql, row);
  return (guint) g_ascii_strtoull (count, NULL, 10);
}

static guint
photo_rows_of (const char *user_id)
{
  return count_rows ("photos", "SELECT count(*) FROM photos WHERE owner_id = $1::bigint", user_id);
}

static guint
photo_rows_in (const char *folder_id)
{
  return count_rows ("photos", "SELECT count(*) FROM photos WHERE folder_id = $1::bigint",
                     folder_id);
}

static guint
folder_rows_of (const char *user_id)
{
  return count_rows ("folders", "SELECT count(*) FROM folders WHERE owner_id = $1::bigint",
                     user_id);
}

static guint
user_rows (const char *user_id)
{
  return count_rows ("users", "SELECT count(*) FROM users WHERE id = $1::bigint", user_id);
}

static guint
object_count (void)
{
  g_autoptr (GPtrArray) keys = stack_objects (stack, "");
  return keys->len;
}

/* How many objects remain under any of `prefixes`. */
static guint
objects_under (GPtrArray *prefixes)
{
  guint n = 0;

  for (guint i = 0; i < prefixes->len; i++)
    {
      g_autofree char *dir = g_strconcat (g_ptr_array_index (prefixes, i), "/", NULL);
      g_autoptr (GPtrArray) keys = stack_objects (stack, dir);
      n += keys->len;
    }
  return n;
}

static guint
spool_entries (void)
{
  g_autoptr (GDir) dir = g_dir_open (stack->spool_dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* The ids of the items of a photo listing, sorted and comma-joined. */
static char *
listed_ids (CtResponse *r)
{
  JsonArray *items = json_object_get_array_member (ct_response_object (r), "items");
  g_autoptr (GPtrArray) ids = g_ptr_array_new ();

  for (guint i = 0; i < json_array_get_length (items); i++)
    g_ptr_array_add (ids, (gpointer) json_object_get_string_member (
                              json_array_get_object_element (items, i), "id"));
  g_ptr_array_sort (ids, compare_strings);
  g_ptr_array_add (ids, NULL);
  return g_strjoinv (",", (char **) ids->pdata);
}

static char *
sorted_ids (const char *first, ...)
{
  g_autoptr (GPtrArray) ids = g_ptr_array_new ();
  va_list args;

  va_start (args, first);
  for (const char *id = first; id != NULL; id = va_arg (args, const char *))
    g_ptr_array_add (ids, (gpointer) id);
  va_end (args);
  g_ptr_array_sort (ids, compare_strings);
  g_ptr_array_add (ids, NULL);
  return g_strjoinv (",", (char **) ids->pdata);
}

static char *
photos_listing (const char *token, const char *query)
{
  g_autofree char *path = g_strdup_printf ("/v1/photos?%s", query);
  g_autoptr (CtResponse) r = photos_call ("GET", path, token, NULL);

  stack_assert_status (r, 200);
  return listed_ids (r);
}

static CtResponse *
move_photo (const char *token, const char *photo_id, const char *folder_id)
{
  g_autofree char *path = g_strdup_printf ("/v1/photos/%s", photo_id);
  g_autofree char *body = g_strdup_printf ("{\"folder_id\":\"%s\"}", folder_id);
  return photos_call ("PATCH", path, token, body);
}

static CtResponse *
direct_upload (const char *token, const char *folder_id)
{
  g_autofree char *body = g_strdup_printf (
      "{\"name\":\"d.png\",\"folder_id\":\"%s\",\"content_type\":\"image/png\",\"size\":100}",
      folder_id);
  return photos_call ("POST", "/v1/photos/uploads", token, body);
}

static char *
folder_of_photo (const char *token, const char *photo_id)
{
  g_autofree char *path = g_strdup_printf ("/v1/photos/%s", photo_id);
  g_autoptr (CtResponse) r = photos_call ("GET", path, token, NULL);

  stack_assert_status (r, 200);
  return g_strdup (json_object_get_string_member (ct_response_object (r), "folder_id"));
}

/* ---- photos go only into their owner's folders ------------------------------------------ */

static void
test_into_others_folders (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "ana");
  g_autoptr (StackUser) bea = stack_user_new (stack, "bea");
  g_autofree char *hidden = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *shown = stack_folder_new (stack, ana->token, "public", NULL);
  g_autofree char *own = stack_folder_new (stack, bea->token, "private", NULL);
  g_autofree char *loose = stack_photo_new (stack, bea->token, NULL);
  guint objects = object_count ();

  {
    g_autoptr (CtResponse) a = stack_upload (stack, bea->token, hidden);
    g_autoptr (CtResponse) b = stack_upload (stack, bea->token, shown);
    g_autoptr (CtResponse) c = direct_upload (bea->token, hidden);
    g_autoptr (CtResponse) d = direct_upload (bea->token, shown);
    ct_assert_problem (a, 404, NULL);
    ct_assert_problem (b, 403, NULL);
    ct_assert_problem (c, 404, NULL);
    ct_assert_problem (d, 403, NULL);
  }
  {
    g_autoptr (CtResponse) a = move_photo (bea->token, loose, hidden);
    g_autoptr (CtResponse) b = move_photo (bea->token, loose, shown);
    g_autofree char *still = folder_of_photo (bea->token, loose);
    ct_assert_problem (a, 404, NULL);
    ct_assert_problem (b, 403, NULL);
    g_assert_null (still);
  }
  /* Nothing of bea's landed in ana's folders, nor in storage. */
  g_assert_cmpuint (photo_rows_in (hidden), ==, 0);
  g_assert_cmpuint (photo_rows_in (shown), ==, 0);
  g_assert_cmpuint (photo_rows_of (bea->id), ==, 1);
  g_assert_cmpuint (object_count (), ==, objects);
  g_assert_cmpuint (spool_entries (), ==, 0);

  /* Into her own folder: upload 201, move 200; and out of it into ana's
   * public one is still 403. */
  {
    g_autoptr (CtResponse) up = stack_upload (stack, bea->token, own);
    g_autoptr (CtResponse) moved = move_photo (bea->token, loose, own);
    g_autoptr (CtResponse) away = move_photo (bea->token, loose, shown);
    g_autofree char *now = folder_of_photo (bea->token, loose);
    stack_assert_status (up, 201);
    g_assert_cmpstr (ct_response_string (up, "folder_id"), ==, own);
    stack_assert_status (moved, 200);
    g_assert_cmpstr (ct_response_string (moved, "folder_id"), ==, own);
    ct_assert_problem (away, 403, NULL);
    g_assert_cmpstr (now, ==, own);
  }
  /* Ana may move her own photo into her own folders. */
  {
    g_autofree char *mine = stack_photo_new (stack, ana->token, NULL);
    g_autoptr (CtResponse) moved = move_photo (ana->token, mine, shown);
    stack_assert_status (moved, 200);
    g_assert_cmpstr (ct_response_string (moved, "folder_id"), ==, shown);
  }
}

/* A direct upload does not count as content (its folder may be deleted
 * while it is pending), so completing it checks the folder again: no photo
 * becomes ready in a folder that is gone. */
static void
test_complete_into_deleted_folder (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "pendana");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "public", NULL);
  g_autofree char *pending = stack_direct_upload_new (stack, ana->token, folder);
  g_autofree char *path = g_strdup_printf ("/v1/folders/%s", folder);
  g_autofree char *complete = g_strdup_printf ("/v1/photos/%s/complete", pending);
  g_autoptr (CtResponse) removed = folders_call ("DELETE", path, ana->token, NULL);
  g_autoptr (CtResponse) done = photos_call ("POST", complete, ana->token, NULL);
  g_autofree char *ready = NULL;
  g_autofree char *folder_row = stack_row_id (stack, folder);

  stack_assert_status (removed, 204);
  ct_assert_problem (done, 404, NULL);
  /* Still pending (its owner sees it), never ready in a folder that is gone. */
  g_assert_cmpuint (photo_status (ana->token, pending), ==, 200);
  ready = stack_sql (stack, "photos",
                     "SELECT count(*) FROM photos WHERE folder_id = $1::bigint AND state = 'ready'",
                     folder_row);
  g_assert_cmpstr (ready, ==, "0");
}

/* ---- public folders -------------------------------------------------------------------------- */

static GBytes *
download (const char *url)
{
  g_autoptr (CtResponse) r = ct_http_raw (url, "GET", "", NULL, NULL, NULL);

  stack_assert_status (r, 200);
  return g_bytes_ref (r->body);
}

static void
test_public_folder_read (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "pubana");
  g_autoptr (StackUser) bea = stack_user_new (stack, "pubbea");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "public", NULL);
  g_autoptr (GBytes) png = ct_unique_png ("e2e");
  g_autofree char *upload_path = g_strdup_printf ("/v1/photos?name=shown.png&folder_id=%s", folder);
  g_autofree char *auth = g_strdup_printf ("Authorization: Bearer %s", ana->token);
  const char *headers[] = { auth, NULL };
  g_autoptr (CtResponse) up = ct_http_raw (stack->photos.url, "POST", upload_path, headers,
                                           "image/png", png);
  g_autofree char *photo = NULL;
  g_autofree char *photo_path = NULL;
  g_autofree char *list_path = g_strdup_printf ("/v1/photos?folder_id=%s", folder);
  g_autofree char *folder_path = g_strdup_printf ("/v1/folders/%s", folder);

  stack_assert_status (up, 201);
  photo = g_strdup (ct_response_string (up, "id"));
  photo_path = g_strdup_printf ("/v1/photos/%s", photo);
  {
    g_autoptr (CtResponse) ready = ct_await_thumbnails (stack->photos.url, ana->token, photo);
    g_assert_cmpstr (ct_response_string (ready, "thumbnails"), ==, "ready");
  }

  /* Anyone reads it, and its presigned URLs download from MinIO. */
  {
    g_autoptr (CtResponse) anon = photos_call ("GET", photo_path, NULL, NULL);
    g_autoptr (GBytes) original = NULL;
    g_autoptr (GBytes) thumbnail = NULL;
    g_autofree char *listed = photos_listing (NULL, list_path + strlen ("/v1/photos?"));

    stack_assert_status (anon, 200);
    g_assert_true (g_str_has_prefix (ct_response_string (anon, "url"), ct_s3_server_endpoint (stack->minio)));
    original = download (ct_response_string (anon, "url"));
    g_assert_true (g_bytes_equal (original, png));
    thumbnail = download (ct_response_string (anon, "thumbnail_url"));
    g_assert_cmpuint (g_bytes_get_size (thumbnail), >, 2);
    g_assert_cmpmem (g_bytes_get_data (thumbnail, NULL), 2, "\xff\xd8", 2); /* a JPEG */
    g_assert_cmpstr (listed, ==, photo);
    g_assert_cmpuint (photo_status (bea->token, photo), ==, 200);
  }
  /* Private again: gone for everyone but ana, at once. */
  {
    g_autoptr (CtResponse) patched = folders_call ("PATCH", folder_path, ana->token,
                                                   "{\"visibility\":\"private\"}");
    g_autoptr (CtResponse) anon = photos_call ("GET", photo_path, NULL, NULL);
    g_autoptr (CtResponse) anon_list = photos_call ("GET", list_path, NULL, NULL);
    g_autoptr (CtResponse) bea_list = photos_call ("GET", list_path, bea->token, NULL);
    g_autofree char *own_list = photos_listing (ana->token, list_path + strlen ("/v1/photos?"));

    stack_assert_status (patched, 200);
    ct_assert_problem (anon, 404, NULL);
    ct_assert_problem (anon_list, 404, NULL);
    ct_assert_problem (bea_list, 404, NULL);
    g_assert_cmpuint (photo_status (bea->token, photo), ==, 404);
    g_assert_cmpuint (photo_status (ana->token, photo), ==, 200);
    g_assert_cmpstr (own_list, ==, photo);
  }
}

/* ---- tags come from folders ------------------------------------------------------------------ */

static void
test_tags (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "tagana");
  g_autoptr (StackUser) bea = stack_user_new (stack, "tagbea");
  g_autofree char *sea_sun = stack_folder_new (stack, ana->token, "private", "[\"Sea\",\"sun\"]");
  g_autofree char *sea = stack_folder_new (stack, ana->token, "private", "[\"sea\"]");
  g_autofree char *snow = stack_folder_new (stack, ana->token, "public", "[\"snow\"]");
  g_autofree char *bare = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *beas_sea = stack_folder_new (stack, bea->token, "public", "[\"sea\"]");
  g_autofree char *a = stack_photo_new (stack, ana->token, sea_sun);
  g_autofree char *b = stack_photo_new (stack, ana->token, sea);
  g_autofree char *c = stack_photo_new (stack, ana->token, snow);
  g_autofree char *d = stack_photo_new (stack, ana->token, bare);
  g_autofree char *e = stack_photo_new (stack, ana->token, NULL);
  g_autofree char *f = stack_photo_new (stack, bea->token, beas_sea);
  g_autofree char *a_b = sorted_ids (a, b, NULL);
  g_autofree char *a_c = sorted_ids (a, c, NULL);
  g_autofree char *everything = sorted_ids (a, b, c, d, e, NULL);
  struct
  {
    const char *token;
    const char *query;
    const char *expected;
  } cases[] = {
    { ana->token, "tags=sea", a_b },
    { ana->token, "tags=sea,sun", a },
    { ana->token, "tags=SUN,sea&match=all", a },
    { ana->token, "tags=sun,snow&match=any", a_c },
    { ana->token, "tags=nothing", "" },
    { ana->token, "limit=200", everything },
    /* Only one's own folders count: bea's public "sea" is not ana's. */
    { bea->token, "tags=sea", f },
    { bea->token, "tags=snow", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = photos_listing (cases[i].token, cases[i].query);
      g_test_message ("?%s -> %s", cases[i].query, got);
      g_assert_cmpstr (got, ==, cases[i].expected);
    }
  {
    g_autoptr (CtResponse) anon = photos_call ("GET", "/v1/photos?tags=sea", NULL, NULL);
    ct_assert_problem (anon, 401, NULL);
  }
}

/* ---- folder deletion --------------------------------------------------------------------- */

static void
test_folder_delete (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "delana");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "public", NULL);
  g_autofree char *one = stack_photo_new (stack, ana->token, folder);
  g_autofree char *two = stack_photo_new (stack, ana->token, folder);
  g_autofree char *kept = stack_photo_new (stack, ana->token, NULL);
  g_autoptr (GPtrArray) prefixes = stack_photo_prefixes (stack, ana->id);
  g_autofree char *path = g_strdup_printf ("/v1/folders/%s", folder);
  g_autofree char *recursive
      = g_strdup_printf ("/v1/folders/%s?recursive=true&permanent=true", folder);

  g_assert_cmpuint (prefixes->len, ==, 3);
  g_assert_cmpuint (objects_under (prefixes), ==, 9); /* original and two thumbnails each */
  {
    g_autoptr (CtResponse) refused = folders_call ("DELETE", path, ana->token, NULL);
    ct_assert_problem (refused, 409, NULL);
    g_assert_cmpuint (folder_rows_of (ana->id), ==, 1);
    g_assert_cmpuint (photo_rows_of (ana->id), ==, 3);
    g_assert_cmpuint (objects_under (prefixes), ==, 9);
  }
  {
    g_autoptr (CtResponse) gone = folders_call ("DELETE", recursive, ana->token, NULL);
    g_autoptr (CtResponse) get = folders_call ("GET", path, ana->token, NULL);
    g_autoptr (GPtrArray) left = stack_photo_prefixes (stack, ana->id);

    stack_assert_status (gone, 204);
    ct_assert_problem (get, 404, NULL);
    g_assert_cmpuint (folder_rows_of (ana->id), ==, 0);
    g_assert_cmpuint (photo_status (ana->token, one), ==, 404);
    g_assert_cmpuint (photo_status (ana->token, two), ==, 404);
    g_assert_cmpuint (photo_status (ana->token, kept), ==, 200);
    g_assert_cmpuint (photo_rows_of (ana->id), ==, 1);
    /* Only the photo outside the folder keeps its objects. */
    g_assert_cmpuint (left->len, ==, 1);
    g_assert_cmpuint (objects_under (prefixes), ==, 3);
    g_assert_cmpuint (objects_under (left), ==, 3);
  }
}

/* ---- account deletion ------------------------------------------------------------------------ */

typedef struct
{
  StackUser *user;
  GPtrArray *prefixes;
} Account;

/* A user with a private and a public folder, a photo in each and one in
 * no folder. */
static Account *
account_with_things (const char *prefix)
{
  Account *account = g_new0 (Account, 1);
  g_autofree char *hidden = NULL;
  g_autofree char *shown = NULL;

  account->user = stack_user_new (stack, prefix);
  hidden = stack_folder_new (stack, account->user->token, "private", "[\"gone\"]");
  shown = stack_folder_new (stack, account->user->token, "public", NULL);
  g_free (stack_photo_new (stack, account->user->token, hidden));
  g_free (stack_photo_new (stack, account->user->token, shown));
  g_free (stack_photo_new (stack, account->user->token, NULL));
  account->prefixes = stack_photo_prefixes (stack, account->user->id);
  g_assert_cmpuint (folder_rows_of (account->user->id), ==, 2);
  g_assert_cmpuint (photo_rows_of (account->user->id), ==, 3);
  g_assert_cmpuint (objects_under (account->prefixes), ==, 9);
  return account;
}

static void
account_free (Account *account)
{
  stack_user_free (account->user);
  g_ptr_array_unref (account->prefixes);
  g_free (account);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Account, account_free)

static void
assert_account_gone (Account *account)
{
  g_autofree char *token = stack_login (stack, account->user->name, NULL);
  g_autofree char *path = g_strdup_printf ("/v1/users/%s", account->user->id);
  g_autoptr (CtResponse) profile = ct_http (stack->users.url, "GET", path, NULL, NULL);

  g_assert_null (token);
  ct_assert_problem (profile, 404, NULL);
  g_assert_cmpuint (user_rows (account->user->id), ==, 0);
  g_assert_cmpuint (folder_rows_of (account->user->id), ==, 0);
  g_assert_cmpuint (photo_rows_of (account->user->id), ==, 0);
  g_assert_cmpuint (objects_under (account->prefixes), ==, 0);
}

static void
assert_account_intact (Account *account)
{
  g_autofree char *token = stack_login (stack, account->user->name, NULL);

  g_assert_nonnull (token);
  g_assert_cmpuint (user_rows (account->user->id), ==, 1);
  g_assert_cmpuint (folder_rows_of (account->user->id), ==, 2);
}

/* The access token still verifies for up to 15 minutes, but nothing may be
 * created with it any more: folders and photos ask carrete-users first. */
static void
assert_token_creates_nothing (Account *account)
{
  const char *token = account->user->token;
  g_autoptr (CtResponse) folder = ct_http (stack->folders.url, "POST", "/v1/folders", token,
                                           "{\"name\":\"ghost\",\"visibility\":\"public\"}");
  g_autofree char *auth = g_strconcat ("Authorization: Bearer ", token, NULL);
  g_autoptr (GBytes) png = ct_unique_png ("e2e");
  g_autoptr (CtResponse) photo = ct_http_raw (stack->photos.url, "POST", "/v1/photos?name=ghost",
                                              (const char *const[]) { auth, NULL }, "image/png",
                                              png);
  g_autoptr (CtResponse) direct = ct_http (stack->photos.url, "POST", "/v1/photos/uploads", token,
                                           "{\"name\":\"ghost\",\"content_type\":\"image/png\","
                                           "\"size\":100}");

  ct_assert_problem (folder, 401, NULL);
  ct_assert_problem (photo, 401, NULL);
  ct_assert_problem (direct, 401, NULL);
  g_assert_cmpuint (folder_rows_of (account->user->id), ==, 0);
  g_assert_cmpuint (photo_rows_of (account->user->id), ==, 0);
}

/* DELETE /v1/users/me with the account's own token: 204, and it is gone. */
static void
assert_delete_me_completes (Account *account)
{
  g_autoptr (CtResponse) r = ct_http (stack->users.url, "DELETE", "/v1/users/me",
                                      account->user->token, NULL);

  stack_assert_status (r, 204);
  assert_account_gone (account);
}

/* The same while `service` is down: 503, and the account stays.  The
 * service is back up afterwards. */
static void
assert_delete_me_refused_while_down (Account *account, StackService *service)
{
  stack_stop (service);
  {
    g_autoptr (CtResponse) r
        = ct_http (stack->users.url, "DELETE", "/v1/users/me", account->user->token, NULL);
    assert_unavailable (r);
  }
  stack_restart (service);
  assert_account_intact (account);
}

static void
test_delete_me (void)
{
  g_autoptr (Account) account = account_with_things ("byeme");

  assert_delete_me_completes (account);
  assert_token_creates_nothing (account);
}

static void
test_admin_deletes (void)
{
  g_autoptr (Account) account = account_with_things ("byeadm");
  g_autoptr (StackUser) admin = stack_admin_new (stack, "deleter");
  g_autofree char *path = g_strdup_printf ("/v1/users/%s", account->user->id);
  g_autoptr (CtResponse) r = ct_http (stack->users.url, "DELETE", path, admin->token, NULL);

  stack_assert_status (r, 204);
  assert_account_gone (account);
  /* The administrator's own account is untouched. */
  g_assert_cmpuint (user_rows (admin->id), ==, 1);
}

/* carrete-photos is down: 503, nothing deleted; back up, the same request
 * (same token) finishes the job. */
static void
test_delete_me_photos_down (void)
{
  g_autoptr (Account) account = account_with_things ("byedown");

  assert_delete_me_refused_while_down (account, &stack->photos);
  g_assert_cmpuint (photo_rows_of (account->user->id), ==, 3);
  g_assert_cmpuint (objects_under (account->prefixes), ==, 9);
  assert_delete_me_completes (account);
}

/* carrete-folders is down: 503 and the account stays (its photos may be
 * gone already: they go first); back up, the retry completes. */
static void
test_delete_me_folders_down (void)
{
  g_autoptr (Account) account = account_with_things ("byefold");

  assert_delete_me_refused_while_down (account, &stack->folders);
  assert_delete_me_completes (account);
}

/* ---- one service down ---------------------------------------------------------------------- */

static void
test_folders_down (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "fdana");
  g_autoptr (StackUser) bea = stack_user_new (stack, "fdbea");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "public", "[\"down\"]");
  g_autofree char *inside = stack_photo_new (stack, ana->token, folder);
  g_autofree char *loose = stack_photo_new (stack, ana->token, NULL);
  g_autofree char *list_path = g_strdup_printf ("/v1/photos?folder_id=%s", folder);
  g_autofree char *pending = stack_direct_upload_new (stack, ana->token, folder);
  g_autofree char *complete = g_strdup_printf ("/v1/photos/%s/complete", pending);
  g_autofree char *extra = NULL;
  guint rows, objects;

  g_assert_cmpuint (photo_status (bea->token, inside), ==, 200);
  stack_stop (&stack->folders);
  /* Her own photos need no folder check. */
  g_assert_cmpuint (photo_status (ana->token, inside), ==, 200);
  g_assert_cmpuint (photo_status (ana->token, loose), ==, 200);
  {
    g_autofree char *all = photos_listing (ana->token, "limit=10");
    g_autofree char *both = sorted_ids (inside, loose, NULL);
    g_assert_cmpstr (all, ==, both);
  }
  extra = stack_photo_new (stack, ana->token, NULL);
  rows = photo_rows_of (ana->id);
  objects = object_count ();
  /* What needs carrete-folders is refused, and nothing is written. */
  {
    g_autoptr (CtResponse) up = stack_upload (stack, ana->token, folder);
    g_autoptr (CtResponse) direct = direct_upload (ana->token, folder);
    g_autoptr (CtResponse) moved = move_photo (ana->token, loose, folder);
    g_autoptr (CtResponse) tags = photos_call ("GET", "/v1/photos?tags=down", ana->token, NULL);
    g_autoptr (CtResponse) listed = photos_call ("GET", list_path, ana->token, NULL);
    g_autofree char *path = g_strdup_printf ("/v1/photos/%s", inside);
    g_autoptr (CtResponse) theirs = photos_call ("GET", path, bea->token, NULL);
    g_autoptr (CtResponse) completed = photos_call ("POST", complete, ana->token, NULL);
    g_autofree char *still = folder_of_photo (ana->token, loose);

    assert_unavailable (up);
    assert_unavailable (direct);
    assert_unavailable (moved);
    assert_unavailable (tags);
    assert_unavailable (listed);
    assert_unavailable (theirs);
    assert_unavailable (completed);
    /* Still pending: the owner sees it, not ready. */
    g_assert_cmpuint (photo_status (ana->token, pending), ==, 200);
    g_assert_null (still);
    g_assert_cmpuint (photo_rows_of (ana->id), ==, rows);
    g_assert_cmpuint (object_count (), ==, objects);
    g_assert_cmpuint (spool_entries (), ==, 0);
  }
  stack_restart (&stack->folders);
  {
    g_autofree char *again = stack_photo_new (stack, ana->token, folder);
    g_autoptr (CtResponse) completed = photos_call ("POST", complete, ana->token, NULL);
    g_autofree char *tagged = photos_listing (ana->token, "tags=down");
    g_autofree char *all = sorted_ids (inside, again, pending, NULL);
    stack_assert_status (completed, 200);
    g_assert_cmpstr (ct_response_string (completed, "folder_id"), ==, folder);
    g_assert_cmpstr (tagged, ==, all);
    g_assert_cmpuint (photo_status (bea->token, inside), ==, 200);
  }
}

static void
test_photos_down (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "pdana");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", "[\"alive\"]");
  g_autofree char *path = g_strdup_printf ("/v1/folders/%s", folder);
  g_autofree char *recursive
      = g_strdup_printf ("/v1/folders/%s?recursive=true&permanent=true", folder);
  g_autofree char *made = NULL;

  stack_stop (&stack->photos);
  /* Folders work on their own … */
  made = stack_folder_new (stack, ana->token, "public", NULL);
  {
    g_autoptr (CtResponse) get = folders_call ("GET", path, ana->token, NULL);
    g_autoptr (CtResponse) search = folders_call ("GET", "/v1/folders?tags=alive", ana->token, NULL);
    g_autoptr (CtResponse) patched = folders_call ("PATCH", path, ana->token, "{\"tags\":[\"alive\",\"well\"]}");
    JsonArray *items;

    stack_assert_status (get, 200);
    stack_assert_status (search, 200);
    items = json_object_get_array_member (ct_response_object (search), "items");
    g_assert_cmpuint (json_array_get_length (items), ==, 1);
    stack_assert_status (patched, 200);
  }
  /* … but deleting one needs to know it is empty. */
  {
    g_autoptr (CtResponse) plain = folders_call ("DELETE", path, ana->token, NULL);
    g_autoptr (CtResponse) deep = folders_call ("DELETE", recursive, ana->token, NULL);
    g_autoptr (CtResponse) get = folders_call ("GET", path, ana->token, NULL);

    assert_unavailable (plain);
    assert_unavailable (deep);
    stack_assert_status (get, 200);
    g_assert_cmpuint (folder_rows_of (ana->id), ==, 2);
  }
  stack_restart (&stack->photos);
  {
    g_autofree char *for_good = g_strdup_printf ("%s?permanent=true", path);
    g_autoptr (CtResponse) gone = folders_call ("DELETE", for_good, ana->token, NULL);
    stack_assert_status (gone, 204);
    g_assert_cmpuint (folder_rows_of (ana->id), ==, 1);
  }
}

/* ---- one request id across services ---------------------------------------------------- */

static CtResponse *
traced (const char *base_url, const char *method, const char *path, const char *token,
        const char *request_id)
{
  g_autofree char *auth = g_strdup_printf ("Authorization: Bearer %s", token);
  g_autofree char *trace = g_strdup_printf ("X-Request-Id: %s", request_id);
  const char *headers[] = { auth, trace, NULL };

  return ct_http_raw (base_url, method, path, headers, NULL, NULL);
}

/* Whether `service` logged a request of `method` on `route` with `id`. */
static gboolean
logged (StackService *service, const char *id, const char *method, const char *route)
{
  g_autofree char *output = ct_service_output (service->service);
  g_auto (GStrv) lines = g_strsplit (output, "\n", -1);
  g_autofree char *id_member = g_strdup_printf ("\"request_id\":\"%s\"", id);
  g_autofree char *method_member = g_strdup_printf ("\"method\":\"%s\"", method);
  g_autofree char *route_member = g_strdup_printf ("\"route\":\"%s\"", route);

  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], id_member) != NULL && strstr (lines[i], method_member) != NULL
        && strstr (lines[i], route_member) != NULL)
      return TRUE;
  return FALSE;
}

static void
test_request_id_travels (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "traceana");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *photo = stack_photo_new (stack, ana->token, folder);
  g_autofree char *list_path = g_strdup_printf ("/v1/photos?folder_id=%s", folder);
  g_autofree char *delete_path = g_strdup_printf ("/v1/folders/%s?recursive=true", folder);

  {
    g_autoptr (CtResponse) r = traced (stack->photos.url, "GET", list_path, ana->token,
                                       "e2e-trace-list");
    stack_assert_status (r, 200);
    g_assert_cmpstr (ct_response_header (r, "X-Request-Id"), ==, "e2e-trace-list");
    g_assert_true (logged (&stack->folders, "e2e-trace-list", "GET", "/v1/folders/{id}"));
  }
  {
    g_autoptr (CtResponse) r = traced (stack->folders.url, "DELETE", delete_path, ana->token,
                                       "e2e-trace-rmdir");
    stack_assert_status (r, 204);
    g_assert_true (logged (&stack->photos, "e2e-trace-rmdir", "DELETE", "/v1/photos"));
  }
  {
    g_autoptr (CtResponse) r = traced (stack->users.url, "DELETE", "/v1/users/me", ana->token,
                                       "e2e-trace-bye");
    stack_assert_status (r, 204);
    g_assert_true (logged (&stack->photos, "e2e-trace-bye", "DELETE", "/v1/photos"));
    g_assert_true (logged (&stack->folders, "e2e-trace-bye", "DELETE", "/v1/folders"));
  }
}

int
main (int argc, char **argv)
{
  static const CtTest tests[] = {
    { "/carrete/e2e/cross/into-others-folders", test_into_others_folders },
    { "/carrete/e2e/cross/public-folder-read", test_public_folder_read },
    { "/carrete/e2e/cross/tags", test_tags },
    { "/carrete/e2e/cross/folder-delete", test_folder_delete },
    { "/carrete/e2e/cross/complete-into-deleted-folder", test_complete_into_deleted_folder },
    { "/carrete/e2e/cross/account/delete-me", test_delete_me },
    { "/carrete/e2e/cross/account/admin-deletes", test_admin_deletes },
    { "/carrete/e2e/cross/account/photos-down", test_delete_me_photos_down },
    { "/carrete/e2e/cross/account/folders-down", test_delete_me_folders_down },
    { "/carrete/e2e/cross/down/folders", test_folders_down },
    { "/carrete/e2e/cross/down/photos", test_photos_down },
    { "/carrete/e2e/cross/request-id-travels", test_request_id_travels },
  };

  return CT_TEST_MAIN (argc, argv, stack_start, stack_free, &stack, tests);
}
