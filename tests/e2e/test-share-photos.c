#define G_LOG_DOMAIN "carrete-e2e-share-photos"

/* Share links honoured by carrete-photos (issue 15, items 1 and 6), on the
 * live stack: a link holder, with or without an account, lists the linked
 * folder's photos (paged as usual) and opens one of them, or the linked
 * photo; a link without allow_download gets no original `url`; a link
 * never lets anyone write.  Wrong, expired, revoked, changed links are the
 * folders service's 404, a missing or wrong password its 401, too many
 * wrong ones its 429 with Retry-After; a folders service that cannot be
 * reached is 503.  A trashed photo or folder is out of the link's reach,
 * and the token reaches no log. */

#include <string.h>

#include "stack.h"

static Stack *stack;

/* ---- helpers ------------------------------------------------------------------------ */

/* A new link on `body`'s target; its token. */
static char *
link_new (const char *token, const char *body, char **id)
{
  g_autoptr (CtResponse) r = ct_http (stack->folders.url, "POST", "/v1/shares", token, body);

  stack_assert_status (r, 201);
  if (id != NULL)
    *id = g_strdup (ct_response_string (r, "id"));
  return g_strdup (ct_response_string (r, "token"));
}

static char *
folder_link_new (const char *token, const char *folder, gboolean allow_download,
                 const char *password, char **id)
{
  g_autofree char *extra
      = password != NULL ? g_strdup_printf (", \"password\": \"%s\"", password) : g_strdup ("");
  g_autofree char *body
      = g_strdup_printf ("{\"folder_id\": \"%s\", \"allow_download\": %s%s}", folder,
                         allow_download ? "true" : "false", extra);

  return link_new (token, body, id);
}

/* `method path` on carrete-photos as a link holder: `link` (NULL: none),
 * `password` (NULL: none sent), `bearer` (NULL: no account), with a JSON
 * `body` (NULL: none). */
static CtResponse *
as_holder_with (const char *method, const char *path, const char *link, const char *password,
                const char *bearer, const char *body)
{
  g_autofree char *share = link != NULL ? g_strconcat ("X-Carrete-Share: ", link, NULL) : NULL;
  g_autofree char *pass
      = password != NULL ? g_strconcat ("X-Carrete-Share-Password: ", password, NULL) : NULL;
  g_autofree char *auth = bearer != NULL ? g_strconcat ("Authorization: Bearer ", bearer, NULL)
                                         : NULL;
  const char *headers[4] = { NULL };
  guint n = 0;

  if (share != NULL)
    headers[n++] = share;
  if (pass != NULL)
    headers[n++] = pass;
  if (auth != NULL)
    headers[n++] = auth;
  if (body == NULL)
    return ct_http_raw (stack->photos.url, method, path, headers, NULL, NULL);
  {
    g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));
    return ct_http_raw (stack->photos.url, method, path, headers, "application/json", bytes);
  }
}

static CtResponse *
as_holder (const char *method, const char *path, const char *link, const char *password,
           const char *bearer)
{
  return as_holder_with (method, path, link, password, bearer, NULL);
}

static CtResponse *
list_by_link (const char *folder, const char *link, const char *password)
{
  g_autofree char *path = g_strconcat ("/v1/photos?folder_id=", folder, NULL);

  return as_holder ("GET", path, link, password, NULL);
}

static CtResponse *
photo_by_link (const char *photo, const char *link, const char *password)
{
  g_autofree char *path = g_strconcat ("/v1/photos/", photo, NULL);

  return as_holder ("GET", path, link, password, NULL);
}

/* The ids of a page's items, in order, comma-joined. */
static char *
page_ids (CtResponse *r)
{
  JsonArray *items = json_object_get_array_member (ct_response_object (r), "items");
  g_autoptr (GString) ids = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (items); i++)
    g_string_append_printf (ids, "%s%s", i > 0 ? "," : "",
                            json_object_get_string_member (json_array_get_object_element (items, i),
                                                           "id"));
  return g_string_free (g_steal_pointer (&ids), FALSE);
}

static char *
owner_page_ids (const char *token, const char *folder)
{
  g_autofree char *path = g_strconcat ("/v1/photos?folder_id=", folder, NULL);
  g_autoptr (CtResponse) r = ct_http (stack->photos.url, "GET", path, token, NULL);

  stack_assert_status (r, 200);
  return page_ids (r);
}

static void
expire_link (const char *id)
{
  g_autofree char *row = stack_row_id (stack, id);
  g_autofree char *done = stack_sql (
      stack, "folders",
      "UPDATE shares SET expires_at = now() - interval '1 second' WHERE id = $1::bigint"
      " RETURNING id",
      row);

  g_assert_nonnull (done);
}

static char *
photo_name (const char *photo)
{
  g_autofree char *row = stack_row_id (stack, photo);

  return stack_sql (stack, "photos", "SELECT name || '|' || state FROM photos WHERE id = $1::bigint",
                    row);
}

/* ---- reading through a link ----------------------------------------------------------- */

/* The linked folder's photos, paged as usual, the same as its owner sees;
 * another folder, or none, is 404; one photo of it opens with its URLs. */
static void
test_list_and_get (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "shp-ana");
  g_autoptr (StackUser) bea = stack_user_new (stack, "shp-bea");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *other = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *p1 = stack_photo_new (stack, ana->token, folder);
  g_autofree char *p2 = stack_photo_new (stack, ana->token, folder);
  g_autofree char *p3 = stack_photo_new (stack, ana->token, folder);
  g_autofree char *elsewhere = stack_photo_new (stack, ana->token, other);
  g_autofree char *unfiled = stack_photo_new (stack, ana->token, NULL);
  g_autofree char *token = folder_link_new (ana->token, folder, TRUE, NULL, NULL);
  g_autofree char *owners = owner_page_ids (ana->token, folder);

  {
    g_autoptr (CtResponse) r = list_by_link (folder, token, NULL);
    g_autofree char *ids = NULL;
    stack_assert_status (r, 200);
    ids = page_ids (r);
    g_assert_cmpstr (ids, ==, owners);
    g_assert_nonnull (strstr (ids, p1));
    g_assert_nonnull (strstr (ids, p2));
    g_assert_nonnull (strstr (ids, p3));
    g_assert_cmpstr (ct_response_header (r, "Cache-Control"), ==, "private, no-store");
  }
  /* Paged: two, then the last one. */
  {
    g_autofree char *path = g_strconcat ("/v1/photos?limit=2&folder_id=", folder, NULL);
    g_autoptr (CtResponse) first = as_holder ("GET", path, token, NULL, NULL);
    g_autofree char *next = NULL;
    g_autofree char *ids = NULL;
    stack_assert_status (first, 200);
    ids = page_ids (first);
    g_assert_true (g_str_has_prefix (owners, ids));
    next = g_uri_escape_string (ct_response_string (first, "next_cursor"), NULL, TRUE);
    {
      g_autofree char *more = g_strconcat (path, "&cursor=", next, NULL);
      g_autoptr (CtResponse) second = as_holder ("GET", more, token, NULL, NULL);
      g_autofree char *rest = NULL;
      g_autofree char *all = NULL;
      stack_assert_status (second, 200);
      rest = page_ids (second);
      all = g_strconcat (ids, ",", rest, NULL);
      g_assert_cmpstr (all, ==, owners);
      g_assert_true (json_object_get_null_member (ct_response_object (second), "next_cursor"));
    }
  }
  /* Another folder, no folder at all, a folder id that is none. */
  {
    g_autoptr (CtResponse) r = list_by_link (other, token, NULL);
    ct_assert_problem (r, 404, NULL);
  }
  {
    g_autoptr (CtResponse) r = as_holder ("GET", "/v1/photos", token, NULL, NULL);
    ct_assert_problem (r, 404, NULL);
  }
  {
    g_autoptr (CtResponse) r = list_by_link ("fo_garbage", token, NULL);
    ct_assert_problem (r, 404, NULL);
  }
  /* Tags pick among one's own folders: not with a link. */
  {
    g_autofree char *path = g_strconcat ("/v1/photos?tags=e2e&folder_id=", folder, NULL);
    g_autoptr (CtResponse) r = as_holder ("GET", path, token, NULL, NULL);
    ct_assert_problem (r, 422, "tags");
  }
  /* One photo of it: with every URL (downloads allowed); others 404. */
  {
    g_autoptr (CtResponse) r = photo_by_link (p2, token, NULL);
    stack_assert_status (r, 200);
    g_assert_cmpstr (ct_response_string (r, "id"), ==, p2);
    g_assert_nonnull (ct_response_string (r, "url"));
    g_assert_nonnull (ct_response_string (r, "preview_url"));
    g_assert_nonnull (ct_response_string (r, "thumbnail_url"));
  }
  {
    g_autoptr (CtResponse) r = photo_by_link (elsewhere, token, NULL);
    ct_assert_problem (r, 404, NULL);
  }
  {
    g_autoptr (CtResponse) r = photo_by_link (unfiled, token, NULL);
    ct_assert_problem (r, 404, NULL);
  }
  /* Signed in or not, the link is what counts for the request: bea (no
   * member) reads through it, ana's own other photo is not covered. */
  {
    g_autofree char *path = g_strconcat ("/v1/photos/", p1, NULL);
    g_autoptr (CtResponse) r = as_holder ("GET", path, token, NULL, bea->token);
    stack_assert_status (r, 200);
  }
  {
    g_autofree char *path = g_strconcat ("/v1/photos/", elsewhere, NULL);
    g_autoptr (CtResponse) r = as_holder ("GET", path, token, NULL, ana->token);
    ct_assert_problem (r, 404, NULL);
  }
  /* Without the link, bea sees nothing of it. */
  {
    g_autofree char *path = g_strconcat ("/v1/photos/", p1, NULL);
    g_autoptr (CtResponse) r = ct_http (stack->photos.url, "GET", path, bea->token, NULL);
    ct_assert_problem (r, 404, NULL);
  }
}

/* A photo's link opens that photo and nothing else, lists nothing; with
 * allow_download false its answer has no original url. */
static void
test_photo_link (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "shp-ph-ana");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *photo = stack_photo_new (stack, ana->token, folder);
  g_autofree char *sibling = stack_photo_new (stack, ana->token, folder);
  g_autofree char *body
      = g_strdup_printf ("{\"photo_id\": \"%s\", \"allow_download\": false}", photo);
  g_autofree char *token = link_new (ana->token, body, NULL);

  {
    g_autoptr (CtResponse) r = photo_by_link (photo, token, NULL);
    JsonObject *object;
    stack_assert_status (r, 200);
    object = ct_response_object (r);
    g_assert_cmpstr (ct_response_string (r, "id"), ==, photo);
    g_assert_true (json_object_has_member (object, "url"));
    g_assert_true (json_object_get_null_member (object, "url"));
    g_assert_nonnull (ct_response_string (r, "preview_url"));
    g_assert_nonnull (ct_response_string (r, "thumbnail_url"));
  }
  {
    g_autoptr (CtResponse) r = photo_by_link (sibling, token, NULL);
    ct_assert_problem (r, 404, NULL);
  }
  {
    g_autoptr (CtResponse) r = list_by_link (folder, token, NULL);
    ct_assert_problem (r, 404, NULL);
  }
  /* The owner still gets the url. */
  {
    g_autofree char *path = g_strconcat ("/v1/photos/", photo, NULL);
    g_autoptr (CtResponse) r = ct_http (stack->photos.url, "GET", path, ana->token, NULL);
    stack_assert_status (r, 200);
    g_assert_nonnull (ct_response_string (r, "url"));
  }
}

/* A folder's link without allow_download: the list has no url anyway,
 * one photo's answer has it null; the thumbnails still load. */
static void
test_no_download (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "shp-nd-ana");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *photo = stack_photo_new (stack, ana->token, folder);
  g_autofree char *token = folder_link_new (ana->token, folder, FALSE, NULL, NULL);

  {
    g_autoptr (CtResponse) r = list_by_link (folder, token, NULL);
    JsonObject *item;
    stack_assert_status (r, 200);
    item = json_array_get_object_element (
        json_object_get_array_member (ct_response_object (r), "items"), 0);
    g_assert_cmpstr (json_object_get_string_member (item, "id"), ==, photo);
    g_assert_true (!json_object_has_member (item, "url")
                   || json_object_get_null_member (item, "url"));
    g_assert_nonnull (json_object_get_string_member (item, "thumbnail_url"));
  }
  {
    g_autoptr (CtResponse) r = photo_by_link (photo, token, NULL);
    const char *preview;
    stack_assert_status (r, 200);
    g_assert_true (json_object_get_null_member (ct_response_object (r), "url"));
    preview = ct_response_string (r, "preview_url");
    g_assert_nonnull (preview);
    {
      g_autoptr (SoupSession) session = soup_session_new ();
      g_autoptr (SoupMessage) msg = soup_message_new ("GET", preview);
      g_autoptr (GBytes) bytes = soup_session_send_and_read (session, msg, NULL, NULL);
      g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
      g_assert_cmpuint (g_bytes_get_size (bytes), >, 0);
    }
  }
}

/* ---- refusals ------------------------------------------------------------------------- */

/* A password: missing or wrong 401 (on both routes), right 200. */
static void
test_password (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "shp-pw-ana");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *photo = stack_photo_new (stack, ana->token, folder);
  g_autofree char *token = folder_link_new (ana->token, folder, TRUE, "open sesame", NULL);

  {
    g_autoptr (CtResponse) missing = list_by_link (folder, token, NULL);
    g_autoptr (CtResponse) wrong = list_by_link (folder, token, "open barley");
    ct_assert_problem (missing, 401, NULL);
    ct_assert_problem (wrong, 401, NULL);
  }
  {
    g_autoptr (CtResponse) missing = photo_by_link (photo, token, NULL);
    g_autoptr (CtResponse) wrong = photo_by_link (photo, token, "open barley");
    ct_assert_problem (missing, 401, NULL);
    ct_assert_problem (wrong, 401, NULL);
  }
  {
    g_autoptr (CtResponse) r = list_by_link (folder, token, "open sesame");
    stack_assert_status (r, 200);
  }
  {
    g_autoptr (CtResponse) r = photo_by_link (photo, token, "open sesame");
    stack_assert_status (r, 200);
    g_assert_cmpstr (ct_response_string (r, "id"), ==, photo);
  }
  /* Neither the token nor the password reach photos' log. */
  {
    g_autofree char *log = ct_service_output (stack->photos.service);
    g_assert_null (strstr (log, token));
    g_assert_null (strstr (log, "open sesame"));
    g_assert_null (strstr (log, "open barley"));
  }
}

/* Expired, revoked, one character changed, garbage: the same 404 as a
 * link that never was, on both routes. */
static void
test_dead_links (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "shp-dead-ana");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *photo = stack_photo_new (stack, ana->token, folder);
  g_autofree char *expired_id = NULL;
  g_autofree char *revoked_id = NULL;
  g_autofree char *expired = folder_link_new (ana->token, folder, TRUE, NULL, &expired_id);
  g_autofree char *revoked = folder_link_new (ana->token, folder, TRUE, NULL, &revoked_id);
  g_autofree char *changed = stack_changed_token (expired);
  g_autoptr (CtResponse) never = list_by_link (folder, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                                               NULL);
  const char *dead[] = { expired, revoked, changed, "not a token" };

  ct_assert_problem (never, 404, NULL);
  {
    g_autoptr (CtResponse) r = photo_by_link (photo, expired, NULL);
    stack_assert_status (r, 200);
  }
  expire_link (expired_id);
  {
    g_autofree char *path = g_strconcat ("/v1/shares/", revoked_id, NULL);
    g_autoptr (CtResponse) r = ct_http (stack->folders.url, "DELETE", path, ana->token, NULL);
    stack_assert_status (r, 204);
  }
  for (guint i = 0; i < G_N_ELEMENTS (dead); i++)
    {
      g_autoptr (CtResponse) listed = list_by_link (folder, dead[i], NULL);
      g_autoptr (CtResponse) got = photo_by_link (photo, dead[i], NULL);
      ct_assert_same_problem (listed, never, 404);
      ct_assert_same_problem (got, never, 404);
    }
}

/* A trashed photo is out of reach at once; a trashed folder takes the
 * whole link with it. */
static void
test_trashed (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "shp-tr-ana");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *kept = stack_photo_new (stack, ana->token, folder);
  g_autofree char *trashed = stack_photo_new (stack, ana->token, folder);
  g_autofree char *token = folder_link_new (ana->token, folder, TRUE, NULL, NULL);
  g_autofree char *body
      = g_strdup_printf ("{\"photo_id\": \"%s\", \"allow_download\": true}", trashed);
  g_autofree char *photo_token = link_new (ana->token, body, NULL);

  {
    g_autofree char *path = g_strconcat ("/v1/photos/", trashed, NULL);
    g_autoptr (CtResponse) r = ct_http (stack->photos.url, "DELETE", path, ana->token, NULL);
    stack_assert_status (r, 204);
  }
  {
    g_autoptr (CtResponse) r = list_by_link (folder, token, NULL);
    g_autofree char *ids = NULL;
    stack_assert_status (r, 200);
    ids = page_ids (r);
    g_assert_cmpstr (ids, ==, kept);
  }
  {
    g_autoptr (CtResponse) r = photo_by_link (trashed, token, NULL);
    ct_assert_problem (r, 404, NULL);
  }
  {
    g_autoptr (CtResponse) r = photo_by_link (trashed, photo_token, NULL);
    ct_assert_problem (r, 404, NULL);
  }
  {
    g_autofree char *path = g_strconcat ("/v1/folders/", folder, "?recursive=true", NULL);
    g_autoptr (CtResponse) r = ct_http (stack->folders.url, "DELETE", path, ana->token, NULL);
    stack_assert_status (r, 204);
  }
  {
    g_autoptr (CtResponse) r = list_by_link (folder, token, NULL);
    ct_assert_problem (r, 404, NULL);
  }
  {
    g_autoptr (CtResponse) r = photo_by_link (kept, token, NULL);
    ct_assert_problem (r, 404, NULL);
  }
}

/* A link never writes: without an account every write is 401, with one it
 * is what the account alone would get; nothing changes either way. */
static void
test_no_writes (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "shp-wr-ana");
  g_autoptr (StackUser) eve = stack_user_new (stack, "shp-wr-eve");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *photo = stack_photo_new (stack, ana->token, folder);
  g_autofree char *token = folder_link_new (ana->token, folder, TRUE, NULL, NULL);
  g_autofree char *before = photo_name (photo);
  g_autofree char *photo_path = g_strconcat ("/v1/photos/", photo, NULL);
  g_autofree char *upload_path = g_strconcat ("/v1/photos?name=x.png&folder_id=", folder, NULL);
  g_autofree char *bulk_path = g_strconcat ("/v1/photos?folder_id=", folder, NULL);
  g_autofree char *complete_path = g_strconcat ("/v1/photos/", photo, "/complete", NULL);
  g_autofree char *upload_body = g_strdup_printf (
      "{\"name\": \"x.png\", \"folder_id\": \"%s\", \"content_type\": \"image/png\","
      " \"size\": 100}",
      folder);
  guint photos_before = stack_count_photos (stack, ana->id);
  guint eve_before = stack_count_photos (stack, eve->id);
  struct
  {
    const char *method;
    const char *path;
    const char *body;
  } writes[] = {
    { "PATCH", photo_path, "{\"name\": \"taken.png\"}" },
    { "DELETE", photo_path, NULL },
    { "POST", upload_path, NULL },
    { "DELETE", bulk_path, NULL },
    { "POST", complete_path, NULL },
    { "POST", "/v1/photos/uploads", upload_body },
    { "DELETE", "/v1/trash", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (writes); i++)
    {
      g_autoptr (CtResponse) anonymous = as_holder_with (writes[i].method, writes[i].path, token,
                                                         NULL, NULL, writes[i].body);
      g_autoptr (CtResponse) signed_in = as_holder_with (writes[i].method, writes[i].path, token,
                                                         NULL, eve->token, writes[i].body);
      g_autoptr (CtResponse) account_alone = as_holder_with (
          writes[i].method, writes[i].path, NULL, NULL, eve->token, writes[i].body);

      g_test_message ("%s %s: %u with the link, %u without", writes[i].method, writes[i].path,
                      signed_in->status, account_alone->status);
      ct_assert_problem (anonymous, 401, NULL);
      g_assert_cmpuint (signed_in->status, ==, account_alone->status);
    }
  {
    g_autofree char *after = photo_name (photo);
    g_assert_cmpstr (after, ==, before);
  }
  g_assert_cmpuint (stack_count_photos (stack, ana->id), ==, photos_before);
  g_assert_cmpuint (stack_count_photos (stack, eve->id), ==, eve_before);
}

/* Folders out of reach: 503, never a guess; back once it is. */
static void
test_folders_down (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "shp-down-ana");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *photo = stack_photo_new (stack, ana->token, folder);
  g_autofree char *token = folder_link_new (ana->token, folder, TRUE, NULL, NULL);

  stack_stop (&stack->folders);
  {
    g_autoptr (CtResponse) listed = list_by_link (folder, token, NULL);
    g_autoptr (CtResponse) got = photo_by_link (photo, token, NULL);
    ct_assert_problem (listed, 503, NULL);
    ct_assert_problem (got, 503, NULL);
  }
  stack_restart (&stack->folders);
  {
    g_autoptr (CtResponse) r = photo_by_link (photo, token, NULL);
    stack_assert_status (r, 200);
  }
}

/* Wrong passwords through photos are counted by folders as its own: 429
 * with its Retry-After, passed on.  Last: the address's counter stays. */
static void
test_throttled (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "shp-th-ana");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *photo = stack_photo_new (stack, ana->token, folder);
  g_autofree char *token = folder_link_new (ana->token, folder, TRUE, "right one", NULL);
  guint throttled = 0;

  for (guint i = 0; i < 20; i++)
    {
      g_autoptr (CtResponse) r
          = i % 2 ? list_by_link (folder, token, "wrong") : photo_by_link (photo, token, "wrong");
      if (r->status == 429)
        {
          const char *retry = ct_response_header (r, "Retry-After");
          ct_assert_problem (r, 429, NULL);
          g_assert_nonnull (retry);
          g_assert_cmpuint (g_ascii_strtoull (retry, NULL, 10), >=, 1);
          throttled++;
        }
      else
        ct_assert_problem (r, 401, NULL);
    }
  g_assert_cmpuint (throttled, ==, 10);
  {
    g_autoptr (CtResponse) r = photo_by_link (photo, token, "right one");
    ct_assert_problem (r, 429, NULL);
  }
}

int
main (int argc, char **argv)
{
  static const CtTest tests[] = {
    { "/carrete/e2e/share-photos/list-and-get", test_list_and_get },
    { "/carrete/e2e/share-photos/photo-link", test_photo_link },
    { "/carrete/e2e/share-photos/no-download", test_no_download },
    { "/carrete/e2e/share-photos/password", test_password },
    { "/carrete/e2e/share-photos/dead-links", test_dead_links },
    { "/carrete/e2e/share-photos/trashed", test_trashed },
    { "/carrete/e2e/share-photos/no-writes", test_no_writes },
    { "/carrete/e2e/share-photos/folders-down", test_folders_down },
    { "/carrete/e2e/share-photos/throttled", test_throttled },
  };

  return CT_TEST_MAIN (argc, argv, stack_start, stack_free, &stack, tests);
}
