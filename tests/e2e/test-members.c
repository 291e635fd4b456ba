#define G_LOG_DOMAIN "carrete-e2e-members"

/* Folder members on the live stack (issue 15, item 2): the owner adds,
 * re-roles, lists and removes members; a viewer reads the folder and every
 * photo in it; a contributor also uploads into it on every upload path and
 * renames or deletes only their own photos, while the folder's owner keeps
 * every right; "Shared with me" (scope=shared) and scope=all; a removed
 * member's very next request is refused; account deletion; finding an
 * account by username; and every bad input, each a clear 4xx that changes
 * nothing. */

#include <string.h>

#include "stack.h"

static Stack *stack;

/* ---- helpers ------------------------------------------------------------------------ */

static CtResponse *
folders (const char *method, const char *path, const char *token, const char *body)
{
  return ct_http (stack->folders.url, method, path, token, body);
}

static CtResponse *
photos (const char *method, const char *path, const char *token, const char *body)
{
  return ct_http (stack->photos.url, method, path, token, body);
}

/* `method` on `base` + `prefix` + `id` + `suffix` (NULL: none). */
static CtResponse *
on (const char *base, const char *method, const char *prefix, const char *id, const char *suffix,
    const char *token, const char *body)
{
  g_autofree char *path = g_strconcat (prefix, id, suffix, NULL);

  return ct_http (base, method, path, token, body);
}

#define ON_FOLDER(method, folder, suffix, token, body)                                        \
  on (stack->folders.url, method, "/v1/folders/", folder, suffix, token, body)
#define ON_PHOTO(method, photo, token, body)                                                   \
  on (stack->photos.url, method, "/v1/photos/", photo, NULL, token, body)

static CtResponse *
put_member (const char *token, const char *folder, const char *user, const char *body)
{
  g_autofree char *suffix = g_strconcat ("/members/", user, NULL);

  return ON_FOLDER ("PUT", folder, suffix, token, body);
}

static CtResponse *
share (StackUser *owner, const char *folder, StackUser *member, const char *role)
{
  g_autofree char *body = g_strdup_printf ("{\"role\": \"%s\"}", role);

  return put_member (owner->token, folder, member->id, body);
}

static void
add_member (StackUser *owner, const char *folder, StackUser *member, const char *role)
{
  g_autoptr (CtResponse) r = share (owner, folder, member, role);

  stack_assert_status (r, 201);
}

static CtResponse *
remove_member (const char *token, const char *folder, const char *user)
{
  g_autofree char *suffix = g_strconcat ("/members/", user, NULL);

  return ON_FOLDER ("DELETE", folder, suffix, token, NULL);
}

#define list_members(token, folder) ON_FOLDER ("GET", folder, "/members", token, NULL)
#define get_folder(token, folder) ON_FOLDER ("GET", folder, NULL, token, NULL)
#define get_photo(token, photo) ON_PHOTO ("GET", photo, token, NULL)
#define delete_photo(token, photo) ON_PHOTO ("DELETE", photo, token, NULL)

/* The membership rows behind the service's back: the role, or NULL. */
static char *
stored_role (const char *folder, StackUser *user)
{
  g_autofree char *folder_row = stack_row_id (stack, folder);
  g_autofree char *user_row = stack_row_id (stack, user->id);
  g_autofree char *sql = g_strdup_printf (
      "SELECT role FROM folder_members WHERE folder_id = $1::bigint AND user_id = %s", user_row);

  return stack_sql (stack, "folders", sql, folder_row);
}

static guint
member_count (const char *folder)
{
  g_autofree char *row = stack_row_id (stack, folder);
  g_autofree char *count = stack_sql (
      stack, "folders", "SELECT count(*) FROM folder_members WHERE folder_id = $1::bigint", row);

  return (guint) g_ascii_strtoull (count, NULL, 10);
}

static CtResponse *
rename_photo (const char *token, const char *photo, const char *name)
{
  g_autofree char *body = g_strdup_printf ("{\"name\": \"%s\"}", name);

  return ON_PHOTO ("PATCH", photo, token, body);
}

static CtResponse *
move_photo (const char *token, const char *photo, const char *folder)
{
  g_autofree char *body = folder != NULL ? g_strdup_printf ("{\"folder_id\": \"%s\"}", folder)
                                         : g_strdup ("{\"folder_id\": null}");

  return ON_PHOTO ("PATCH", photo, token, body);
}

/* The ids of a page's items. */
static GPtrArray *
item_ids (CtResponse *r, const char *member)
{
  JsonArray *items = json_object_get_array_member (ct_response_object (r), "items");
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < json_array_get_length (items); i++)
    g_ptr_array_add (ids, g_strdup (json_object_get_string_member (
                              json_array_get_object_element (items, i), member)));
  return ids;
}

static gboolean
page_has (CtResponse *r, const char *id)
{
  g_autoptr (GPtrArray) ids = item_ids (r, "id");

  return g_ptr_array_find_with_equal_func (ids, id, g_str_equal, NULL);
}

static CtResponse *
search (const char *token, const char *query)
{
  g_autofree char *path = g_strdup_printf ("/v1/folders?%s", query);

  return folders ("GET", path, token, NULL);
}

static CtResponse *
folder_photos (const char *token, const char *folder)
{
  g_autofree char *path = g_strdup_printf ("/v1/photos?folder_id=%s", folder);

  return photos ("GET", path, token, NULL);
}

static gint64
photo_count (void)
{
  g_autofree char *count = stack_sql (stack, "photos", "SELECT count(*) FROM photos", NULL);

  return g_ascii_strtoll (count, NULL, 10);
}

/* ---- managing members ------------------------------------------------------------------- */

/* PUT adds (201) and changes the role (200); the same role again is 200
 * and changes nothing; GET lists; DELETE removes (204), then 404. */
static void
test_manage (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "mem-ana");
  g_autoptr (StackUser) bea = stack_user_new (stack, "mem-bea");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *added_at = NULL;

  {
    g_autoptr (CtResponse) r = share (ana, folder, bea, "viewer");
    stack_assert_status (r, 201);
    g_assert_cmpstr (ct_response_string (r, "user_id"), ==, bea->id);
    g_assert_cmpstr (ct_response_string (r, "username"), ==, bea->name);
    g_assert_cmpstr (ct_response_string (r, "role"), ==, "viewer");
    g_assert_true (g_str_has_suffix (ct_response_string (r, "added_at"), "Z"));
    g_assert_cmpuint (json_object_get_size (ct_response_object (r)), ==, 4);
    added_at = g_strdup (ct_response_string (r, "added_at"));
  }
  {
    g_autofree char *role = stored_role (folder, bea);
    g_assert_cmpstr (role, ==, "viewer");
  }
  /* Idempotent: the same role again is 200, the member as they were. */
  {
    g_autoptr (CtResponse) r = share (ana, folder, bea, "viewer");
    stack_assert_status (r, 200);
    g_assert_cmpstr (ct_response_string (r, "role"), ==, "viewer");
    g_assert_cmpstr (ct_response_string (r, "added_at"), ==, added_at);
    g_assert_cmpuint (member_count (folder), ==, 1);
  }
  {
    g_autoptr (CtResponse) r = share (ana, folder, bea, "contributor");
    g_autofree char *role = NULL;
    stack_assert_status (r, 200);
    g_assert_cmpstr (ct_response_string (r, "role"), ==, "contributor");
    g_assert_cmpstr (ct_response_string (r, "added_at"), ==, added_at);
    role = stored_role (folder, bea);
    g_assert_cmpstr (role, ==, "contributor");
    g_assert_cmpuint (member_count (folder), ==, 1);
  }
  {
    g_autoptr (CtResponse) r = list_members (ana->token, folder);
    JsonArray *items;
    stack_assert_status (r, 200);
    items = json_object_get_array_member (ct_response_object (r), "items");
    g_assert_cmpuint (json_array_get_length (items), ==, 1);
    g_assert_cmpstr (
        json_object_get_string_member (json_array_get_object_element (items, 0), "user_id"), ==,
        bea->id);
    g_assert_true (json_object_get_null_member (ct_response_object (r), "next_cursor"));
  }
  {
    g_autoptr (CtResponse) r = remove_member (ana->token, folder, bea->id);
    g_autofree char *role = NULL;
    stack_assert_status (r, 204);
    role = stored_role (folder, bea);
    g_assert_null (role);
  }
  {
    g_autoptr (CtResponse) r = remove_member (ana->token, folder, bea->id);
    ct_assert_problem (r, 404, NULL);
  }
}

/* Members page by `limit` with a cursor bound to the folder. */
static void
test_list_pages (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "mem-pages");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *other = stack_folder_new (stack, ana->token, "private", NULL);
  g_autoptr (GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *cursor = NULL;

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (StackUser) member = stack_user_new (stack, "mem-page");
      add_member (ana, folder, member, "viewer");
    }
  for (guint page = 0; page < 3; page++)
    {
      g_autofree char *path
          = g_strdup_printf ("/v1/folders/%s/members?limit=2%s%s", folder,
                             cursor != NULL ? "&cursor=" : "", cursor != NULL ? cursor : "");
      g_autoptr (CtResponse) r = folders ("GET", path, ana->token, NULL);
      g_autoptr (GPtrArray) ids = NULL;
      JsonNode *next;
      stack_assert_status (r, 200);
      ids = item_ids (r, "user_id");
      for (guint i = 0; i < ids->len; i++)
        g_ptr_array_add (seen, g_strdup (g_ptr_array_index (ids, i)));
      next = json_object_get_member (ct_response_object (r), "next_cursor");
      g_clear_pointer (&cursor, g_free);
      if (JSON_NODE_HOLDS_NULL (next))
        break;
      cursor = g_strdup (json_node_get_string (next));
    }
  g_assert_cmpuint (seen->len, ==, 3);
  {
    g_autofree char *first = g_strdup_printf ("/v1/folders/%s/members?limit=1", folder);
    g_autoptr (CtResponse) r = folders ("GET", first, ana->token, NULL);
    const char *next = json_object_get_string_member (ct_response_object (r), "next_cursor");
    g_autofree char *elsewhere = g_strdup_printf ("/v1/folders/%s/members?cursor=%s", other, next);
    g_autoptr (CtResponse) moved = folders ("GET", elsewhere, ana->token, NULL);
    g_autofree char *forged = g_strdup_printf ("/v1/folders/%s/members?cursor=abc", folder);
    g_autoptr (CtResponse) bad = folders ("GET", forged, ana->token, NULL);
    g_autofree char *zero = g_strdup_printf ("/v1/folders/%s/members?limit=0", folder);
    g_autoptr (CtResponse) bad_limit = folders ("GET", zero, ana->token, NULL);
    ct_assert_problem (moved, 422, "cursor");
    ct_assert_problem (bad, 400, NULL);
    ct_assert_problem (bad_limit, 422, "limit");
  }
}

/* Each bad input: a clear 4xx, and the memberships as they were. */
static void
test_bad_inputs (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "mem-bad-ana");
  g_autoptr (StackUser) bea = stack_user_new (stack, "mem-bad-bea");
  g_autoptr (StackUser) carl = stack_user_new (stack, "mem-bad-carl");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *public_folder = stack_folder_new (stack, ana->token, "public", NULL);
  g_autofree char *unknown = carrete_ids_encode (stack->ids, CARRETE_ID_USER, G_MAXINT32);
  g_autofree char *photo_id = NULL;
  static const char *const bad_roles[] = {
    "{\"role\": \"owner\"}", "{\"role\": \"admin\"}",  "{\"role\": \"editor\"}",
    "{\"role\": \"\"}",      "{\"role\": \"Viewer\"}",
  };

  add_member (ana, folder, bea, "viewer");

  /* Sharing with yourself. */
  {
    g_autoptr (CtResponse) r = share (ana, folder, ana, "viewer");
    ct_assert_problem (r, 422, "user_id");
  }
  /* An account carrete-users does not know, and a malformed or wrong-type id. */
  {
    g_autoptr (CtResponse) r = put_member (ana->token, folder, unknown, "{\"role\": \"viewer\"}");
    ct_assert_problem (r, 404, NULL);
    g_assert_nonnull (strstr (ct_response_string (r, "detail"), "user"));
  }
  photo_id = stack_photo_new (stack, ana->token, NULL);
  for (guint i = 0; i < 3; i++)
    {
      const char *ids[] = { "us_!!", "nonsense", photo_id };
      g_autoptr (CtResponse) r = put_member (ana->token, folder, ids[i], "{\"role\": \"viewer\"}");
      ct_assert_problem (r, 404, NULL);
    }
  /* The roles there are, and nothing else. */
  for (guint i = 0; i < G_N_ELEMENTS (bad_roles); i++)
    {
      g_autoptr (CtResponse) r = put_member (ana->token, folder, carl->id, bad_roles[i]);
      ct_assert_problem (r, 422, "role");
    }
  {
    g_autoptr (CtResponse) r = put_member (ana->token, folder, bea->id, "{\"role\": \"owner\"}");
    g_autofree char *role = NULL;
    ct_assert_problem (r, 422, "role");
    role = stored_role (folder, bea);
    g_assert_cmpstr (role, ==, "viewer");
  }
  {
    g_autoptr (CtResponse) r = put_member (ana->token, folder, carl->id, "{\"role\": 1}");
    ct_assert_problem (r, 422, "role");
  }
  {
    g_autoptr (CtResponse) r = put_member (ana->token, folder, carl->id, "{}");
    ct_assert_problem (r, 422, "role");
  }
  {
    g_autoptr (CtResponse) r
        = put_member (ana->token, folder, carl->id, "{\"role\": \"viewer\", \"x\": 1}");
    ct_assert_problem (r, 422, "x");
  }
  {
    g_autoptr (CtResponse) r = put_member (ana->token, folder, carl->id, "{\"role\":");
    ct_assert_problem (r, 400, NULL);
  }
  g_assert_cmpuint (member_count (folder), ==, 1);

  /* Only the owner manages: a member is refused (403, they see the
   * folder), a stranger gets 404 for a private folder and 403 for a public
   * one, an anonymous caller 401. */
  {
    g_autoptr (CtResponse) put = share (bea, folder, carl, "viewer");
    g_autoptr (CtResponse) list = list_members (bea->token, folder);
    g_autoptr (CtResponse) del = remove_member (bea->token, folder, bea->id);
    ct_assert_problem (put, 403, NULL);
    ct_assert_problem (list, 403, NULL);
    ct_assert_problem (del, 403, NULL);
  }
  {
    g_autoptr (CtResponse) put = share (carl, folder, carl, "viewer");
    g_autoptr (CtResponse) list = list_members (carl->token, folder);
    g_autoptr (CtResponse) del = remove_member (carl->token, folder, bea->id);
    g_autoptr (CtResponse) put_public = share (carl, public_folder, carl, "viewer");
    g_autoptr (CtResponse) list_public = list_members (carl->token, public_folder);
    ct_assert_problem (put, 404, NULL);
    ct_assert_problem (list, 404, NULL);
    ct_assert_problem (del, 404, NULL);
    ct_assert_problem (put_public, 403, NULL);
    ct_assert_problem (list_public, 403, NULL);
  }
  {
    g_autoptr (CtResponse) put = put_member (NULL, folder, carl->id, "{\"role\": \"viewer\"}");
    g_autoptr (CtResponse) list = list_members (NULL, folder);
    ct_assert_problem (put, 401, NULL);
    ct_assert_problem (list, 401, NULL);
  }
  g_assert_cmpuint (member_count (folder), ==, 1);
  {
    g_autofree char *role = stored_role (folder, bea);
    g_assert_cmpstr (role, ==, "viewer");
  }
  /* Removing someone who is not a member. */
  {
    g_autoptr (CtResponse) r = remove_member (ana->token, folder, carl->id);
    ct_assert_problem (r, 404, NULL);
  }
  g_assert_cmpuint (member_count (folder), ==, 1);
}

/* ---- what members may do ------------------------------------------------------------------ */

/* A viewer reads the folder (role viewer), lists and reads every photo in
 * it, original URL and thumbnail included, and changes nothing. */
static void
test_viewer (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "mem-view-ana");
  g_autoptr (StackUser) bea = stack_user_new (stack, "mem-view-bea");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", "[\"trip\"]");
  g_autofree char *photo = stack_photo_new (stack, ana->token, folder);
  g_autofree char *bea_photo = stack_photo_new (stack, bea->token, NULL);
  gint64 before;

  {
    g_autoptr (CtResponse) r = get_photo (bea->token, photo);
    ct_assert_problem (r, 404, NULL);
  }
  add_member (ana, folder, bea, "viewer");
  {
    g_autoptr (CtResponse) r = get_folder (bea->token, folder);
    stack_assert_status (r, 200);
    g_assert_cmpstr (ct_response_string (r, "role"), ==, "viewer");
  }
  {
    g_autoptr (CtResponse) r = get_photo (bea->token, photo);
    stack_assert_status (r, 200);
    g_assert_nonnull (ct_response_string (r, "url"));
    g_assert_nonnull (ct_response_string (r, "thumbnail_url"));
  }
  {
    g_autoptr (CtResponse) r = folder_photos (bea->token, folder);
    stack_assert_status (r, 200);
    g_assert_true (page_has (r, photo));
  }
  before = photo_count ();
  {
    g_autoptr (CtResponse) up = stack_upload (stack, bea->token, folder);
    g_autoptr (CtResponse) rename = rename_photo (bea->token, photo, "mine.png");
    g_autoptr (CtResponse) del = delete_photo (bea->token, photo);
    g_autoptr (CtResponse) move = move_photo (bea->token, bea_photo, folder);
    g_autofree char *path = g_strdup_printf ("/v1/folders/%s", folder);
    g_autoptr (CtResponse) folder_patch
        = folders ("PATCH", path, bea->token, "{\"name\": \"taken over\"}");
    g_autoptr (CtResponse) folder_delete = folders ("DELETE", path, bea->token, NULL);
    ct_assert_problem (up, 403, NULL);
    ct_assert_problem (rename, 403, NULL);
    ct_assert_problem (del, 403, NULL);
    ct_assert_problem (move, 403, NULL);
    ct_assert_problem (folder_patch, 403, NULL);
    ct_assert_problem (folder_delete, 403, NULL);
  }
  g_assert_cmpint (photo_count (), ==, before);
  {
    g_autoptr (CtResponse) r = get_photo (ana->token, photo);
    g_autoptr (CtResponse) f = get_folder (ana->token, folder);
    g_autoptr (CtResponse) moved = get_photo (bea->token, bea_photo);
    stack_assert_status (r, 200);
    g_assert_cmpstr (ct_response_string (r, "folder_id"), ==, folder);
    g_assert_false (g_str_equal (ct_response_string (r, "name"), "mine.png"));
    g_assert_cmpstr (ct_response_string (f, "role"), ==, "owner");
    g_assert_false (g_str_equal (ct_response_string (f, "name"), "taken over"));
    g_assert_true (
        JSON_NODE_HOLDS_NULL (json_object_get_member (ct_response_object (moved), "folder_id")));
  }
}

static char *
upload_streamed (StackUser *user, const char *folder)
{
  g_autoptr (CtResponse) r = stack_upload (stack, user->token, folder);

  stack_assert_status (r, 201);
  return g_strdup (ct_response_string (r, "id"));
}

static char *
upload_form (StackUser *user, const char *folder)
{
  g_autofree char *auth = g_strdup_printf ("Authorization: Bearer %s", user->token);
  const char *headers[] = { auth, NULL };
  const char *before[] = { "folder_id", folder, "name", "form.png", NULL };
  g_autofree char *content_type = NULL;
  g_autoptr (GBytes) png = ct_unique_png ("member-form");
  g_autoptr (GBytes) body
      = ct_form_body (before, "form.png", "image/png", png, NULL, &content_type);
  g_autoptr (CtResponse) r
      = ct_http_raw (stack->photos.url, "POST", "/v1/photos", headers, content_type, body);

  stack_assert_status (r, 201);
  g_assert_cmpstr (ct_response_string (r, "folder_id"), ==, folder);
  return g_strdup (ct_response_string (r, "id"));
}

static char *
upload_direct (StackUser *user, const char *folder)
{
  g_autofree char *id = stack_direct_upload_new (stack, user->token, folder);
  g_autofree char *path = g_strdup_printf ("/v1/photos/%s/complete", id);
  g_autoptr (CtResponse) r = photos ("POST", path, user->token, NULL);

  stack_assert_status (r, 200);
  return g_steal_pointer (&id);
}

static char *
upload_resumable (StackUser *user, const char *folder)
{
  g_autofree char *etag = NULL;
  g_autofree char *upload = stack_resumable_upload_new (stack, user->token, folder, &etag);
  g_autofree char *path = g_strdup_printf ("/v1/photos/uploads/%s/complete", upload);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *body = NULL;
  g_autoptr (CtResponse) r = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "parts");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "number");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "etag");
  json_builder_add_string_value (builder, etag);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  body = json_to_string (node, FALSE);
  r = photos ("POST", path, user->token, body);
  stack_assert_status (r, 201);
  return g_strdup (ct_response_string (r, "id"));
}

/* A contributor uploads into the folder on every path (the photos are
 * theirs, against their own quota), renames and deletes their own, and
 * neither the owner's nor another member's; the owner renames and deletes
 * theirs but does not move them out; moving in needs contributor rights,
 * moving out ownership of the photo. */
static void
test_contributor (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "mem-con-ana");
  g_autoptr (StackUser) bea = stack_user_new (stack, "mem-con-bea");
  g_autoptr (StackUser) carl = stack_user_new (stack, "mem-con-carl");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *ana_photo = stack_photo_new (stack, ana->token, folder);
  g_autofree char *carl_loose = stack_photo_new (stack, carl->token, NULL);
  g_autoptr (GPtrArray) mine = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *carl_photo = NULL;

  add_member (ana, folder, bea, "contributor");
  add_member (ana, folder, carl, "contributor");
  g_ptr_array_add (mine, upload_streamed (bea, folder));
  g_ptr_array_add (mine, upload_form (bea, folder));
  g_ptr_array_add (mine, upload_direct (bea, folder));
  g_ptr_array_add (mine, upload_resumable (bea, folder));
  carl_photo = upload_streamed (carl, folder);
  for (guint i = 0; i < mine->len; i++)
    {
      g_autoptr (CtResponse) r = get_photo (ana->token, g_ptr_array_index (mine, i));
      stack_assert_status (r, 200);
      g_assert_cmpstr (ct_response_string (r, "owner_id"), ==, bea->id);
      g_assert_cmpstr (ct_response_string (r, "folder_id"), ==, folder);
    }
  g_assert_cmpuint (stack_count_photos (stack, bea->id), ==, 4);
  /* The whole folder for everyone who reads it. */
  {
    g_autoptr (CtResponse) as_ana = folder_photos (ana->token, folder);
    g_autoptr (CtResponse) as_bea = folder_photos (bea->token, folder);
    stack_assert_status (as_ana, 200);
    stack_assert_status (as_bea, 200);
    g_assert_true (page_has (as_ana, ana_photo) && page_has (as_bea, ana_photo));
    g_assert_true (page_has (as_ana, carl_photo) && page_has (as_bea, carl_photo));
    for (guint i = 0; i < mine->len; i++)
      g_assert_true (page_has (as_ana, g_ptr_array_index (mine, i)));
  }
  /* Their own photo: renamed. */
  {
    g_autoptr (CtResponse) r = rename_photo (bea->token, g_ptr_array_index (mine, 0), "bea.png");
    stack_assert_status (r, 200);
    g_assert_cmpstr (ct_response_string (r, "name"), ==, "bea.png");
  }
  /* Not the owner's, nor another member's. */
  {
    g_autoptr (CtResponse) r1 = rename_photo (bea->token, ana_photo, "x.png");
    g_autoptr (CtResponse) r2 = delete_photo (bea->token, ana_photo);
    g_autoptr (CtResponse) r3 = rename_photo (bea->token, carl_photo, "x.png");
    g_autoptr (CtResponse) r4 = delete_photo (bea->token, carl_photo);
    g_autoptr (CtResponse) r5 = move_photo (bea->token, carl_photo, NULL);
    g_autoptr (CtResponse) ana_after = get_photo (ana->token, ana_photo);
    g_autoptr (CtResponse) carl_after = get_photo (carl->token, carl_photo);
    ct_assert_problem (r1, 403, NULL);
    ct_assert_problem (r2, 403, NULL);
    ct_assert_problem (r3, 403, NULL);
    ct_assert_problem (r4, 403, NULL);
    ct_assert_problem (r5, 403, NULL);
    stack_assert_status (ana_after, 200);
    stack_assert_status (carl_after, 200);
    g_assert_cmpstr (ct_response_string (ana_after, "name"), !=, "x.png");
    g_assert_cmpstr (ct_response_string (carl_after, "name"), !=, "x.png");
    g_assert_cmpstr (ct_response_string (carl_after, "folder_id"), ==, folder);
  }
  /* The folder's owner renames a member's photo and deletes another, but
   * does not move one out. */
  {
    g_autoptr (CtResponse) renamed
        = rename_photo (ana->token, g_ptr_array_index (mine, 1), "by-ana.png");
    g_autoptr (CtResponse) moved = move_photo (ana->token, g_ptr_array_index (mine, 1), NULL);
    g_autoptr (CtResponse) deleted = delete_photo (ana->token, g_ptr_array_index (mine, 2));
    g_autoptr (CtResponse) gone = get_photo (bea->token, g_ptr_array_index (mine, 2));
    g_autoptr (CtResponse) still = get_photo (bea->token, g_ptr_array_index (mine, 1));
    stack_assert_status (renamed, 200);
    g_assert_cmpstr (ct_response_string (renamed, "name"), ==, "by-ana.png");
    ct_assert_problem (moved, 403, NULL);
    stack_assert_status (deleted, 204);
    ct_assert_problem (gone, 404, NULL);
    g_assert_cmpstr (ct_response_string (still, "folder_id"), ==, folder);
  }
  /* The deleted one is in Bea's trash, whose photo it is. */
  g_assert_cmpuint (stack_count_live_photos (stack, bea->id), ==, 3);
  g_assert_cmpuint (stack_count_photos (stack, bea->id), ==, 4);
  /* Their own photo out (to no folder), and a loose one in. */
  {
    g_autoptr (CtResponse) out = move_photo (bea->token, g_ptr_array_index (mine, 3), NULL);
    g_autoptr (CtResponse) in = move_photo (carl->token, carl_loose, folder);
    g_autoptr (CtResponse) own = delete_photo (bea->token, g_ptr_array_index (mine, 3));
    stack_assert_status (out, 200);
    g_assert_true (
        JSON_NODE_HOLDS_NULL (json_object_get_member (ct_response_object (out), "folder_id")));
    stack_assert_status (in, 200);
    g_assert_cmpstr (ct_response_string (in, "folder_id"), ==, folder);
    stack_assert_status (own, 204);
  }
  g_assert_cmpuint (stack_count_live_photos (stack, bea->id), ==, 2);
}

/* Removal takes effect on the member's very next request: the folder, its
 * photos, its listing and uploads into it are gone for them; their own
 * photos stay theirs. */
static void
test_removed (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "mem-rm-ana");
  g_autoptr (StackUser) bea = stack_user_new (stack, "mem-rm-bea");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *photo = stack_photo_new (stack, ana->token, folder);
  g_autofree char *bea_photo = NULL;
  g_autofree char *pending = NULL;

  add_member (ana, folder, bea, "contributor");
  bea_photo = upload_streamed (bea, folder);
  pending = stack_direct_upload_new (stack, bea->token, folder);
  {
    g_autoptr (CtResponse) r = get_folder (bea->token, folder);
    stack_assert_status (r, 200);
  }
  {
    g_autoptr (CtResponse) r = remove_member (ana->token, folder, bea->id);
    stack_assert_status (r, 204);
  }
  {
    g_autoptr (CtResponse) f = get_folder (bea->token, folder);
    g_autoptr (CtResponse) p = get_photo (bea->token, photo);
    g_autoptr (CtResponse) l = folder_photos (bea->token, folder);
    g_autoptr (CtResponse) up = stack_upload (stack, bea->token, folder);
    g_autofree char *path = g_strdup_printf ("/v1/photos/%s/complete", pending);
    g_autoptr (CtResponse) complete = photos ("POST", path, bea->token, NULL);
    g_autoptr (CtResponse) shared = search (bea->token, "scope=shared");
    g_autoptr (CtResponse) own = get_photo (bea->token, bea_photo);
    ct_assert_problem (f, 404, NULL);
    ct_assert_problem (p, 404, NULL);
    ct_assert_problem (l, 404, NULL);
    ct_assert_problem (up, 404, NULL);
    ct_assert_problem (complete, 404, NULL);
    stack_assert_status (shared, 200);
    g_assert_false (page_has (shared, folder));
    stack_assert_status (own, 200);
  }
  /* The owner still sees the removed member's photo in the folder. */
  {
    g_autoptr (CtResponse) l = folder_photos (ana->token, folder);
    stack_assert_status (l, 200);
    g_assert_true (page_has (l, bea_photo));
  }
  /* The folder is not empty while it holds it; deleted with its photos,
   * it takes the member's photo too: no ready photo is left pointing at it
   * (to the trash by default, each into its owner's; an unfinished upload
   * into it expires as any does). */
  {
    g_autofree char *path = g_strdup_printf ("/v1/folders/%s", folder);
    g_autofree char *recursive = g_strdup_printf ("/v1/folders/%s?recursive=true", folder);
    g_autofree char *row = stack_row_id (stack, folder);
    g_autofree char *left = NULL;
    g_autoptr (CtResponse) refused = NULL;
    g_autoptr (CtResponse) deleted = NULL;
    g_autoptr (CtResponse) gone = NULL;

    /* Only the member's photo is left in it. */
    {
      g_autoptr (CtResponse) own_gone = delete_photo (ana->token, photo);
      stack_assert_status (own_gone, 204);
    }
    refused = folders ("DELETE", path, ana->token, NULL);
    ct_assert_problem (refused, 409, NULL);
    deleted = folders ("DELETE", recursive, ana->token, NULL);
    stack_assert_status (deleted, 204);
    gone = get_photo (bea->token, bea_photo);
    ct_assert_problem (gone, 404, NULL);
    left = stack_sql (stack, "photos",
                      "SELECT count(*) FROM photos WHERE folder_id = $1::bigint"
                      " AND state = 'ready'",
                      row);
    g_assert_cmpstr (left, ==, "0");
    /* In the trash, each in its owner's: Ana's own, and Bea's, taken with
     * the folder. */
    g_free (left);
    left = stack_sql (stack, "photos",
                      "SELECT string_agg(owner_id::text, ',' ORDER BY owner_id)"
                      " FROM photos WHERE folder_id = $1::bigint AND state = 'trashed'",
                      row);
    {
      g_autofree char *ana_row = stack_row_id (stack, ana->id);
      g_autofree char *bea_row = stack_row_id (stack, bea->id);
      g_autofree char *want = g_ascii_strtoll (ana_row, NULL, 10) < g_ascii_strtoll (bea_row, NULL, 10)
                                  ? g_strdup_printf ("%s,%s", ana_row, bea_row)
                                  : g_strdup_printf ("%s,%s", bea_row, ana_row);
      g_assert_cmpstr (left, ==, want);
    }
  }
}

/* ---- listings and searches --------------------------------------------------------------------
 */

static void
test_shared_scope (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "mem-scope-ana");
  g_autoptr (StackUser) bea = stack_user_new (stack, "mem-scope-bea");
  g_autofree char *sea = stack_folder_new (stack, ana->token, "private", "[\"sea\", \"2024\"]");
  g_autofree char *hills = stack_folder_new (stack, ana->token, "private", "[\"hills\"]");
  g_autofree char *unshared = stack_folder_new (stack, ana->token, "private", "[\"sea\"]");
  g_autofree char *own = stack_folder_new (stack, bea->token, "private", "[\"sea\"]");
  g_autofree char *sea_name = NULL;

  add_member (ana, sea, bea, "viewer");
  add_member (ana, hills, bea, "contributor");
  {
    g_autoptr (CtResponse) r = get_folder (ana->token, sea);
    sea_name = g_strdup (ct_response_string (r, "name"));
  }
  {
    g_autoptr (CtResponse) r = search (bea->token, "scope=shared");
    g_autoptr (GPtrArray) roles = NULL;
    stack_assert_status (r, 200);
    g_assert_true (page_has (r, sea) && page_has (r, hills));
    g_assert_false (page_has (r, unshared) || page_has (r, own));
    roles = item_ids (r, "role");
    g_assert_cmpuint (roles->len, ==, 2);
    /* Newest first: hills, then sea. */
    g_assert_cmpstr (g_ptr_array_index (roles, 0), ==, "contributor");
    g_assert_cmpstr (g_ptr_array_index (roles, 1), ==, "viewer");
  }
  {
    g_autoptr (CtResponse) tags = search (bea->token, "scope=shared&tags=sea");
    g_autoptr (CtResponse) any = search (bea->token, "scope=shared&tags=sea,hills&match=any");
    g_autoptr (CtResponse) all = search (bea->token, "scope=shared&tags=sea,hills&match=all");
    g_autofree char *q_query = g_strdup_printf ("scope=shared&q=%s", sea_name + 3);
    g_autoptr (CtResponse) q = search (bea->token, q_query);
    g_autoptr (CtResponse) future = search (bea->token, "scope=shared&from=2999-01-01T00:00:00Z");
    g_autoptr (CtResponse) past = search (bea->token, "scope=shared&to=2000-01-01T00:00:00Z");
    g_autoptr (CtResponse) page = search (bea->token, "scope=shared&limit=1");
    g_autoptr (GPtrArray) tag_ids = item_ids (tags, "id");
    g_autoptr (GPtrArray) any_ids = item_ids (any, "id");
    g_autoptr (GPtrArray) all_ids = item_ids (all, "id");
    g_autoptr (GPtrArray) q_ids = item_ids (q, "id");
    g_autoptr (GPtrArray) future_ids = item_ids (future, "id");
    g_autoptr (GPtrArray) past_ids = item_ids (past, "id");
    const char *next = json_object_get_string_member (ct_response_object (page), "next_cursor");
    g_autofree char *next_query = g_strdup_printf ("scope=shared&limit=1&cursor=%s", next);
    g_autoptr (CtResponse) second = search (bea->token, next_query);
    g_autofree char *mine_query = g_strdup_printf ("scope=mine&limit=1&cursor=%s", next);
    g_autoptr (CtResponse) other_scope = search (bea->token, mine_query);
    g_autoptr (CtResponse) other_caller = search (ana->token, next_query);
    g_assert_cmpuint (tag_ids->len, ==, 1);
    g_assert_cmpstr (g_ptr_array_index (tag_ids, 0), ==, sea);
    g_assert_cmpuint (any_ids->len, ==, 2);
    g_assert_cmpuint (all_ids->len, ==, 0);
    g_assert_cmpuint (q_ids->len, ==, 1);
    g_assert_cmpstr (g_ptr_array_index (q_ids, 0), ==, sea);
    g_assert_cmpuint (future_ids->len, ==, 0);
    g_assert_cmpuint (past_ids->len, ==, 0);
    stack_assert_status (second, 200);
    g_assert_true (page_has (second, sea));
    ct_assert_problem (other_scope, 422, "cursor");
    ct_assert_problem (other_caller, 422, "cursor");
  }
  {
    g_autoptr (CtResponse) all = search (bea->token, "scope=all");
    g_autoptr (CtResponse) mine = search (bea->token, "scope=mine");
    g_autoptr (CtResponse) own_folder = get_folder (bea->token, own);
    stack_assert_status (all, 200);
    g_assert_true (page_has (all, sea) && page_has (all, hills) && page_has (all, own));
    g_assert_false (page_has (all, unshared));
    g_assert_false (page_has (mine, sea));
    g_assert_true (page_has (mine, own));
    g_assert_cmpstr (ct_response_string (own_folder, "role"), ==, "owner");
  }
  /* Ana's view of her own folders is unchanged by sharing. */
  {
    g_autoptr (CtResponse) shared = search (ana->token, "scope=shared");
    g_autoptr (GPtrArray) ids = item_ids (shared, "id");
    g_assert_cmpuint (ids->len, ==, 0);
  }
  {
    g_autoptr (CtResponse) anonymous = search (NULL, "scope=shared");
    g_autoptr (CtResponse) bad = search (bea->token, "scope=friends");
    ct_assert_problem (anonymous, 401, NULL);
    ct_assert_problem (bad, 422, "scope");
  }
}

/* A stranger on a public folder sees no role; a member does. */
static void
test_public_role (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "mem-pub-ana");
  g_autoptr (StackUser) bea = stack_user_new (stack, "mem-pub-bea");
  g_autoptr (StackUser) carl = stack_user_new (stack, "mem-pub-carl");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "public", NULL);

  add_member (ana, folder, bea, "contributor");
  {
    g_autoptr (CtResponse) stranger = get_folder (carl->token, folder);
    g_autoptr (CtResponse) anonymous = get_folder (NULL, folder);
    g_autoptr (CtResponse) member = get_folder (bea->token, folder);
    stack_assert_status (stranger, 200);
    stack_assert_status (anonymous, 200);
    g_assert_false (json_object_has_member (ct_response_object (stranger), "role"));
    g_assert_false (json_object_has_member (ct_response_object (anonymous), "role"));
    g_assert_cmpstr (ct_response_string (member, "role"), ==, "contributor");
  }
  /* A contributor to a public folder uploads; a stranger does not. */
  g_free (upload_streamed (bea, folder));
  {
    g_autoptr (CtResponse) r = stack_upload (stack, carl->token, folder);
    ct_assert_problem (r, 403, NULL);
  }
}

/* ---- accounts -----------------------------------------------------------------------------------
 */

/* A deleted account's memberships go; so do the members of its folders. */
static void
test_account_deletion (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "mem-del-ana");
  g_autoptr (StackUser) bea = stack_user_new (stack, "mem-del-bea");
  g_autoptr (StackUser) carl = stack_user_new (stack, "mem-del-carl");
  g_autofree char *ana_folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *bea_folder = stack_folder_new (stack, bea->token, "private", NULL);
  g_autofree char *bea_row = stack_row_id (stack, bea->id);
  g_autofree char *ana_folder_row = stack_row_id (stack, ana_folder);

  add_member (ana, ana_folder, bea, "viewer");
  add_member (ana, ana_folder, carl, "viewer");
  add_member (bea, bea_folder, carl, "contributor");
  {
    g_autoptr (CtResponse) r
        = ct_http (stack->users.url, "DELETE", "/v1/users/me", bea->token, NULL);
    g_autofree char *left = NULL;
    stack_assert_status (r, 204);
    left = stack_sql (stack, "folders",
                      "SELECT count(*) FROM folder_members WHERE user_id = $1::bigint", bea_row);
    g_assert_cmpstr (left, ==, "0");
  }
  g_assert_cmpuint (member_count (ana_folder), ==, 1);
  {
    g_autoptr (CtResponse) shared = search (carl->token, "scope=shared");
    g_autoptr (CtResponse) gone = get_folder (carl->token, bea_folder);
    stack_assert_status (shared, 200);
    g_assert_true (page_has (shared, ana_folder));
    g_assert_false (page_has (shared, bea_folder));
    ct_assert_problem (gone, 404, NULL);
  }
  {
    g_autoptr (CtResponse) r
        = ct_http (stack->users.url, "DELETE", "/v1/users/me", ana->token, NULL);
    g_autofree char *left = NULL;
    stack_assert_status (r, 204);
    left = stack_sql (stack, "folders",
                      "SELECT count(*) FROM folder_members WHERE folder_id = $1::bigint",
                      ana_folder_row);
    g_assert_cmpstr (left, ==, "0");
  }
  {
    g_autoptr (CtResponse) shared = search (carl->token, "scope=shared");
    g_autoptr (GPtrArray) ids = item_ids (shared, "id");
    g_assert_cmpuint (ids->len, ==, 0);
  }
  /* Sharing with a deleted account: no such user. */
  {
    g_autofree char *folder = stack_folder_new (stack, carl->token, "private", NULL);
    g_autoptr (CtResponse) r = put_member (carl->token, folder, bea->id, "{\"role\": \"viewer\"}");
    ct_assert_problem (r, 404, NULL);
    g_assert_cmpuint (member_count (folder), ==, 0);
  }
}

/* GET /v1/users?username=: any signed-in user, an exact (case-insensitive)
 * match, the public profile only, never a listing. */
static void
test_find_username (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "mem-find-ana");
  g_autoptr (StackUser) bea = stack_user_new (stack, "mem-find-bea");
  g_autofree char *upper = g_ascii_strup (bea->name, -1);
  g_autofree char *exact = g_strdup_printf ("/v1/users?username=%s", upper);
  g_autofree char *prefix = g_strndup (bea->name, strlen (bea->name) - 1);
  g_autofree char *partial = g_strdup_printf ("/v1/users?username=%s", prefix);

  {
    g_autoptr (CtResponse) r = ct_http (stack->users.url, "GET", exact, ana->token, NULL);
    JsonArray *items;
    JsonObject *profile;
    stack_assert_status (r, 200);
    items = json_object_get_array_member (ct_response_object (r), "items");
    g_assert_cmpuint (json_array_get_length (items), ==, 1);
    profile = json_array_get_object_element (items, 0);
    g_assert_cmpstr (json_object_get_string_member (profile, "id"), ==, bea->id);
    g_assert_cmpstr (json_object_get_string_member (profile, "username"), ==, bea->name);
    g_assert_cmpuint (json_object_get_size (profile), ==, 2);
    g_assert_true (json_object_get_null_member (ct_response_object (r), "next_cursor"));
  }
  {
    g_autoptr (CtResponse) r = ct_http (stack->users.url, "GET", partial, ana->token, NULL);
    g_autoptr (CtResponse) pattern
        = ct_http (stack->users.url, "GET", "/v1/users?username=mem-find-%25", ana->token, NULL);
    stack_assert_status (r, 200);
    g_assert_cmpuint (
        json_array_get_length (json_object_get_array_member (ct_response_object (r), "items")), ==,
        0);
    ct_assert_problem (pattern, 422, "username");
  }
  {
    g_autoptr (CtResponse) anonymous = ct_http (stack->users.url, "GET", exact, NULL, NULL);
    g_autoptr (CtResponse) empty
        = ct_http (stack->users.url, "GET", "/v1/users?username=", ana->token, NULL);
    g_autofree char *paged = g_strdup_printf ("%s&limit=5&cursor=x", exact);
    g_autoptr (CtResponse) with_limit = ct_http (stack->users.url, "GET", paged, ana->token, NULL);
    g_autofree char *zero = g_strdup_printf ("%s&limit=0", exact);
    g_autoptr (CtResponse) bad_limit = ct_http (stack->users.url, "GET", zero, ana->token, NULL);
    g_autoptr (CtResponse) listing
        = ct_http (stack->users.url, "GET", "/v1/users", ana->token, NULL);
    ct_assert_problem (anonymous, 401, NULL);
    ct_assert_problem (empty, 422, "username");
    /* A page of at most one: the limit is checked, the cursor ignored. */
    stack_assert_status (with_limit, 200);
    g_assert_cmpuint (json_array_get_length (
                          json_object_get_array_member (ct_response_object (with_limit), "items")),
                      ==, 1);
    ct_assert_problem (bad_limit, 422, "limit");
    ct_assert_problem (listing, 403, NULL);
  }
}

int
main (int argc, char **argv)
{
  static const CtTest tests[] = {
    { "/carrete/e2e/members/manage", test_manage },
    { "/carrete/e2e/members/list-pages", test_list_pages },
    { "/carrete/e2e/members/bad-inputs", test_bad_inputs },
    { "/carrete/e2e/members/viewer", test_viewer },
    { "/carrete/e2e/members/contributor", test_contributor },
    { "/carrete/e2e/members/removed", test_removed },
    { "/carrete/e2e/members/shared-scope", test_shared_scope },
    { "/carrete/e2e/members/public-role", test_public_role },
    { "/carrete/e2e/members/account-deletion", test_account_deletion },
    { "/carrete/e2e/members/find-username", test_find_username },
  };

  return CT_TEST_MAIN (argc, argv, stack_start, stack_free, &stack, tests);
}
