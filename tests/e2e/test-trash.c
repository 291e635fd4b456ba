#define G_LOG_DOMAIN "carrete-e2e-trash"

/* The trash on the live stack (photos on s3 storage in MinIO): DELETE of a
 * photo or folder moves it there (?permanent=true deletes at once); the
 * trash lists, restores, deletes for good and empties; what is in it
 * vanishes from every listing, get and duplicate check but keeps its
 * objects and its room in the quota until the purge; restoring meets
 * twins, taken names, folders in the trash or gone; each bad input is a
 * clear 4xx that changes nothing; account deletion takes the trash too. */

#include <string.h>

#include "stack.h"

static Stack *stack;

/* ---- helpers ------------------------------------------------------------------------ */

static CtResponse *
photos_call (const char *method, const char *path, const char *token)
{
  return ct_http (stack->photos.url, method, path, token, NULL);
}

static CtResponse *
folders_call (const char *method, const char *path, const char *token, const char *body)
{
  return ct_http (stack->folders.url, method, path, token, body);
}

static guint
status_of (CtResponse *r)
{
  guint status = r->status;

  ct_response_free (r);
  return status;
}

static guint
photo_status (const char *token, const char *id)
{
  g_autofree char *path = g_strdup_printf ("/v1/photos/%s", id);

  return status_of (photos_call ("GET", path, token));
}

static guint
folder_status (const char *token, const char *id)
{
  g_autofree char *path = g_strdup_printf ("/v1/folders/%s", id);

  return status_of (folders_call ("GET", path, token, NULL));
}

static CtResponse *
trash_photo (const char *token, const char *id)
{
  g_autofree char *path = g_strdup_printf ("/v1/photos/%s", id);

  return photos_call ("DELETE", path, token);
}

static CtResponse *
trash_folder (const char *token, const char *id, gboolean recursive)
{
  g_autofree char *path
      = g_strdup_printf ("/v1/folders/%s%s", id, recursive ? "?recursive=true" : "");

  return folders_call ("DELETE", path, token, NULL);
}

static CtResponse *
restore (const char *token, const char *id)
{
  g_autofree char *path = g_strdup_printf ("/v1/trash/%s/restore", id);

  return photos_call ("POST", path, token);
}

static CtResponse *
delete_for_good (const char *token, const char *id)
{
  g_autofree char *path = g_strdup_printf ("/v1/trash/%s", id);

  return photos_call ("DELETE", path, token);
}

/* Every item of the caller's trash, page after page of `limit`. */
static JsonArray *
trash_items (const char *token, guint limit)
{
  JsonArray *all = json_array_new ();
  g_autofree char *cursor = NULL;

  do
    {
      g_autofree char *path = cursor != NULL
                                  ? g_strdup_printf ("/v1/trash?limit=%u&cursor=%s", limit, cursor)
                                  : g_strdup_printf ("/v1/trash?limit=%u", limit);
      g_autoptr (CtResponse) r = photos_call ("GET", path, token);
      JsonObject *page;
      JsonArray *items;

      stack_assert_status (r, 200);
      page = ct_response_object (r);
      items = json_object_get_array_member (page, "items");
      g_assert_cmpuint (json_array_get_length (items), <=, limit);
      for (guint i = 0; i < json_array_get_length (items); i++)
        json_array_add_element (all, json_node_copy (json_array_get_element (items, i)));
      g_clear_pointer (&cursor, g_free);
      if (!json_object_get_null_member (page, "next_cursor"))
        cursor
            = g_uri_escape_string (json_object_get_string_member (page, "next_cursor"), NULL, TRUE);
    }
  while (cursor != NULL);
  return all;
}

/* The trash item `id`, or NULL. */
static JsonObject *
find_item (JsonArray *items, const char *id)
{
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (g_str_equal (json_object_get_string_member (item, "id"), id))
        return item;
    }
  return NULL;
}

static gboolean
in_trash (const char *token, const char *id)
{
  g_autoptr (JsonArray) items = trash_items (token, 200);

  return find_item (items, id) != NULL;
}

static guint
trash_size (const char *token)
{
  g_autoptr (JsonArray) items = trash_items (token, 200);

  return json_array_get_length (items);
}

/* The ids of a photo list of the caller's. */
static gboolean
listed (const char *token, const char *query, const char *id)
{
  g_autoptr (CtResponse) r = photos_call ("GET", query, token);
  JsonArray *items;

  stack_assert_status (r, 200);
  items = json_object_get_array_member (ct_response_object (r), "items");
  return find_item (items, id) != NULL;
}

/* "p/…/", under which the photo's objects are stored (its row must exist). */
static char *
prefix_of (const char *photo_id)
{
  g_autofree char *row = stack_row_id (stack, photo_id);
  char *prefix = stack_sql (stack, "photos",
                            "SELECT object_prefix || '/' FROM photos WHERE id = $1::bigint", row);

  g_assert_nonnull (prefix);
  return prefix;
}

/* How many objects in MinIO start with `prefix`. */
static guint
objects_under (const char *prefix)
{
  g_autoptr (GPtrArray) keys = stack_objects (stack, prefix);

  return keys->len;
}

static guint
objects_of (const char *photo_id)
{
  g_autofree char *prefix = prefix_of (photo_id);

  return objects_under (prefix);
}

static char *
photo_state (const char *photo_id)
{
  g_autofree char *row = stack_row_id (stack, photo_id);

  return stack_sql (stack, "photos", "SELECT state FROM photos WHERE id = $1::bigint", row);
}

static char *
folder_name_new (const char *token, const char *name)
{
  g_autofree char *body = g_strdup_printf ("{\"name\":\"%s\"}", name);
  g_autoptr (CtResponse) r = folders_call ("POST", "/v1/folders", token, body);

  stack_assert_status (r, 201);
  return g_strdup (ct_response_string (r, "id"));
}

/* An upload of exactly `bytes` (for twins). */
static CtResponse *
upload_bytes (const char *token, const char *folder_id, GBytes *bytes)
{
  g_autofree char *auth = g_strdup_printf ("Authorization: Bearer %s", token);
  g_autofree char *path
      = g_strdup_printf ("/v1/photos?name=twin.png%s%s", folder_id != NULL ? "&folder_id=" : "",
                         folder_id != NULL ? folder_id : "");
  const char *headers[] = { auth, NULL };

  return ct_http_raw (stack->photos.url, "POST", path, headers, "image/png", bytes);
}

/* ---- photos ------------------------------------------------------------------------ */

/* Trashed: gone from get, lists and the folder's list, listed in the
 * trash with its folder, size, thumbnail and dates, its objects kept;
 * restored into its folder; restoring again is a 404. */
static void
test_photo_round_trip (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "trash-ana");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", "[\"beach\"]");
  g_autofree char *photo = stack_photo_new (stack, ana->token, folder);
  g_autofree char *in_folder = g_strdup_printf ("/v1/photos?folder_id=%s", folder);
  guint objects = objects_of (photo);

  g_assert_cmpuint (objects, ==, 3);
  {
    g_autoptr (CtResponse) r = trash_photo (ana->token, photo);
    stack_assert_status (r, 204);
  }
  g_assert_cmpuint (photo_status (ana->token, photo), ==, 404);
  g_assert_false (listed (ana->token, "/v1/photos", photo));
  g_assert_false (listed (ana->token, in_folder, photo));
  g_assert_false (listed (ana->token, "/v1/photos?tags=beach", photo));
  g_assert_false (listed (ana->token, "/v1/photos?q=photo", photo));
  /* Objects leave storage only at the purge. */
  g_assert_cmpuint (objects_of (photo), ==, objects);
  {
    g_autoptr (JsonArray) items = trash_items (ana->token, 50);
    JsonObject *item = find_item (items, photo);
    g_autoptr (GDateTime) trashed = NULL;
    g_autoptr (GDateTime) purge = NULL;
    g_autoptr (CtResponse) thumb = NULL;

    g_assert_nonnull (item);
    g_assert_cmpstr (json_object_get_string_member (item, "kind"), ==, "photo");
    g_assert_cmpstr (json_object_get_string_member (item, "folder_id"), ==, folder);
    g_assert_cmpstr (json_object_get_string_member (item, "name"), !=, "");
    g_assert_cmpint (json_object_get_int_member (item, "size"), >, 0);
    trashed
        = g_date_time_new_from_iso8601 (json_object_get_string_member (item, "trashed_at"), NULL);
    purge = g_date_time_new_from_iso8601 (json_object_get_string_member (item, "purge_at"), NULL);
    g_assert_nonnull (trashed);
    g_assert_nonnull (purge);
    /* CARRETE_TRASH_DAYS' default. */
    g_assert_cmpint (g_date_time_difference (purge, trashed), ==, 30 * G_TIME_SPAN_DAY);
    thumb = ct_http_raw (json_object_get_string_member (item, "thumbnail_url"), "GET", "", NULL,
                         NULL, NULL);
    g_assert_cmpuint (thumb->status, ==, 200);
  }
  {
    g_autoptr (CtResponse) r = restore (ana->token, photo);
    g_autoptr (CtResponse) again = restore (ana->token, photo);

    stack_assert_status (r, 200);
    g_assert_cmpstr (ct_response_string (r, "id"), ==, photo);
    g_assert_cmpstr (ct_response_string (r, "folder_id"), ==, folder);
    ct_assert_problem (again, 404, NULL);
  }
  g_assert_cmpuint (photo_status (ana->token, photo), ==, 200);
  g_assert_true (listed (ana->token, in_folder, photo));
  g_assert_false (in_trash (ana->token, photo));
  g_assert_cmpuint (trash_size (ana->token), ==, 0);
}

/* A trashed photo does not count as a duplicate; restoring it once its
 * twin is there is a 409 naming the twin, and it stays in the trash. */
static void
test_twin (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "trash-twin");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autoptr (GBytes) bytes = ct_unique_png ("twin");
  g_autoptr (CtResponse) first = upload_bytes (ana->token, folder, bytes);
  g_autoptr (CtResponse) second = NULL;
  const char *original = NULL;
  const char *twin = NULL;

  stack_assert_status (first, 201);
  original = ct_response_string (first, "id");
  {
    g_autoptr (CtResponse) r = trash_photo (ana->token, original);
    stack_assert_status (r, 204);
  }
  second = upload_bytes (ana->token, folder, bytes);
  stack_assert_status (second, 201);
  twin = ct_response_string (second, "id");
  {
    g_autoptr (CtResponse) r = restore (ana->token, original);
    g_autofree char *state = photo_state (original);

    ct_assert_problem (r, 409, NULL);
    g_assert_cmpstr (ct_response_string (r, "existing_id"), ==, twin);
    g_assert_cmpstr (state, ==, "trashed");
  }
  g_assert_true (in_trash (ana->token, original));
  g_assert_cmpuint (photo_status (ana->token, twin), ==, 200);
}

/* ?permanent=true deletes at once, objects and all; ?permanent=maybe is
 * refused and changes nothing. */
static void
test_permanent (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "trash-perm");
  g_autofree char *photo = stack_photo_new (stack, ana->token, NULL);
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *prefix = prefix_of (photo);

  {
    g_autofree char *maybe = g_strdup_printf ("/v1/photos/%s?permanent=maybe", photo);
    g_autofree char *folder_maybe = g_strdup_printf ("/v1/folders/%s?permanent=maybe", folder);
    g_autoptr (CtResponse) r = photos_call ("DELETE", maybe, ana->token);
    g_autoptr (CtResponse) f = folders_call ("DELETE", folder_maybe, ana->token, NULL);

    ct_assert_problem (r, 422, "permanent");
    ct_assert_problem (f, 422, "permanent");
    g_assert_cmpuint (photo_status (ana->token, photo), ==, 200);
    g_assert_cmpuint (folder_status (ana->token, folder), ==, 200);
  }
  {
    g_autofree char *path = g_strdup_printf ("/v1/photos/%s?permanent=true", photo);
    g_autofree char *folder_path = g_strdup_printf ("/v1/folders/%s?permanent=true", folder);
    g_autoptr (CtResponse) r = photos_call ("DELETE", path, ana->token);
    g_autoptr (CtResponse) f = folders_call ("DELETE", folder_path, ana->token, NULL);

    stack_assert_status (r, 204);
    stack_assert_status (f, 204);
    g_assert_cmpuint (objects_under (prefix), ==, 0);
    g_assert_cmpuint (stack_count_photos (stack, ana->id), ==, 0);
  }
  g_assert_cmpuint (trash_size (ana->token), ==, 0);
}

/* ---- folders ----------------------------------------------------------------------- */

/* A recursive delete trashes the folder with its photos; restoring the
 * folder brings back those, not a photo of it trashed on its own before.
 * Without recursive a non-empty folder is still a 409. */
static void
test_folder_round_trip (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "trash-fold");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *alone = stack_photo_new (stack, ana->token, folder);
  g_autofree char *one = stack_photo_new (stack, ana->token, folder);
  g_autofree char *two = stack_photo_new (stack, ana->token, folder);

  {
    g_autoptr (CtResponse) r = trash_photo (ana->token, alone);
    stack_assert_status (r, 204);
  }
  {
    g_autoptr (CtResponse) r = trash_folder (ana->token, folder, FALSE);
    ct_assert_problem (r, 409, NULL);
    g_assert_cmpuint (folder_status (ana->token, folder), ==, 200);
  }
  {
    g_autoptr (CtResponse) r = trash_folder (ana->token, folder, TRUE);
    stack_assert_status (r, 204);
  }
  g_assert_cmpuint (folder_status (ana->token, folder), ==, 404);
  g_assert_cmpuint (photo_status (ana->token, one), ==, 404);
  g_assert_cmpuint (photo_status (ana->token, two), ==, 404);
  {
    g_autoptr (CtResponse) search = folders_call ("GET", "/v1/folders", ana->token, NULL);
    JsonArray *items = json_object_get_array_member (ct_response_object (search), "items");
    g_autoptr (JsonArray) trash = trash_items (ana->token, 50);
    JsonObject *item = find_item (trash, folder);

    g_assert_null (find_item (items, folder));
    g_assert_nonnull (item);
    g_assert_cmpstr (json_object_get_string_member (item, "kind"), ==, "folder");
    g_assert_true (json_object_has_member (item, "trashed_at"));
    g_assert_true (json_object_has_member (item, "purge_at"));
    g_assert_cmpuint (json_array_get_length (trash), ==, 4);
    /* Newest first: the folder (with its photos, photos first at one
     * instant), then the photo trashed on its own. */
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (trash, 3), "id"),
                     ==, alone);
  }
  {
    g_autoptr (CtResponse) r = restore (ana->token, folder);

    stack_assert_status (r, 200);
    g_assert_cmpstr (ct_response_string (r, "id"), ==, folder);
  }
  g_assert_cmpuint (folder_status (ana->token, folder), ==, 200);
  g_assert_cmpuint (photo_status (ana->token, one), ==, 200);
  g_assert_cmpuint (photo_status (ana->token, two), ==, 200);
  g_assert_cmpuint (photo_status (ana->token, alone), ==, 404);
  g_assert_true (in_trash (ana->token, alone));
  g_assert_cmpuint (trash_size (ana->token), ==, 1);
}

/* A trashed folder does not keep its name; restoring it once a new folder
 * has it is a 409, and it stays in the trash. */
static void
test_folder_name_taken (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "trash-name");
  g_autofree char *old = folder_name_new (ana->token, "Holidays");
  g_autofree char *new_one = NULL;

  {
    g_autoptr (CtResponse) r = trash_folder (ana->token, old, FALSE);
    stack_assert_status (r, 204);
  }
  new_one = folder_name_new (ana->token, "holidays");
  {
    g_autoptr (CtResponse) r = restore (ana->token, old);
    ct_assert_problem (r, 409, NULL);
  }
  g_assert_true (in_trash (ana->token, old));
  g_assert_cmpuint (folder_status (ana->token, new_one), ==, 200);
}

/* A photo whose folder is in the trash: 409 (restore the folder first);
 * once that folder is deleted for good, the photo (trashed on its own, so
 * not deleted with it) comes back in no folder.  Deleting a folder for
 * good takes the photos trashed with it, objects and all. */
static void
test_folder_in_trash_or_gone (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "trash-gone");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *alone = stack_photo_new (stack, ana->token, folder);
  g_autofree char *with = stack_photo_new (stack, ana->token, folder);
  g_autofree char *with_prefix = prefix_of (with);

  {
    g_autoptr (CtResponse) a = trash_photo (ana->token, alone);
    g_autoptr (CtResponse) f = trash_folder (ana->token, folder, TRUE);
    stack_assert_status (a, 204);
    stack_assert_status (f, 204);
  }
  {
    g_autoptr (CtResponse) r = restore (ana->token, alone);
    ct_assert_problem (r, 409, NULL);
    g_assert_nonnull (strstr (ct_response_string (r, "detail"), "folder"));
    g_assert_true (in_trash (ana->token, alone));
  }
  {
    g_autoptr (CtResponse) r = delete_for_good (ana->token, folder);
    g_autoptr (CtResponse) again = delete_for_good (ana->token, folder);

    stack_assert_status (r, 204);
    ct_assert_problem (again, 404, NULL);
    g_assert_cmpuint (objects_under (with_prefix), ==, 0);
    g_assert_false (in_trash (ana->token, with));
  }
  {
    g_autoptr (CtResponse) r = restore (ana->token, alone);

    stack_assert_status (r, 200);
    g_assert_true (json_object_get_null_member (ct_response_object (r), "folder_id"));
  }
  g_assert_cmpuint (photo_status (ana->token, alone), ==, 200);
}

/* ---- emptying, bad inputs, paging --------------------------------------------------- */

static void
test_empty (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "trash-empty");
  g_autofree char *photo = stack_photo_new (stack, ana->token, NULL);
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *prefix = prefix_of (photo);

  {
    g_autoptr (CtResponse) nothing = photos_call ("DELETE", "/v1/trash", ana->token);
    ct_assert_problem (nothing, 409, NULL);
  }
  {
    g_autoptr (CtResponse) a = trash_photo (ana->token, photo);
    g_autoptr (CtResponse) b = trash_folder (ana->token, folder, FALSE);
    stack_assert_status (a, 204);
    stack_assert_status (b, 204);
  }
  g_assert_cmpuint (trash_size (ana->token), ==, 2);
  {
    g_autoptr (CtResponse) r = photos_call ("DELETE", "/v1/trash", ana->token);
    g_autoptr (CtResponse) again = photos_call ("DELETE", "/v1/trash", ana->token);

    stack_assert_status (r, 204);
    /* An empty trash: a clear 409, and nothing changes. */
    ct_assert_problem (again, 409, NULL);
    g_assert_cmpuint (objects_under (prefix), ==, 0);
  }
  g_assert_cmpuint (trash_size (ana->token), ==, 0);
  g_assert_cmpuint (stack_count_photos (stack, ana->id), ==, 0);
  {
    g_autoptr (CtResponse) r = restore (ana->token, folder);
    ct_assert_problem (r, 404, NULL);
  }
}

/* Someone else's trash ids, malformed ids and ids of live items are all
 * 404 and change nothing. */
static void
test_not_yours (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "trash-victim");
  g_autoptr (StackUser) bea = stack_user_new (stack, "trash-thief");
  g_autofree char *photo = stack_photo_new (stack, ana->token, NULL);
  g_autofree char *folder = stack_folder_new (stack, ana->token, "public", NULL);
  g_autofree char *live = stack_photo_new (stack, ana->token, NULL);
  const char *ids[] = { photo, folder, "ph_nope", "fo_AAAAAAAAAAA", "us_AAAAAAAAAAA", "trash" };

  {
    g_autoptr (CtResponse) a = trash_photo (ana->token, photo);
    g_autoptr (CtResponse) b = trash_folder (ana->token, folder, FALSE);
    stack_assert_status (a, 204);
    stack_assert_status (b, 204);
  }
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr (CtResponse) r = restore (bea->token, ids[i]);
      g_autoptr (CtResponse) d = delete_for_good (bea->token, ids[i]);

      ct_assert_problem (r, 404, NULL);
      ct_assert_problem (d, 404, NULL);
    }
  {
    g_autoptr (CtResponse) r = restore (ana->token, live);
    g_autoptr (CtResponse) d = delete_for_good (ana->token, live);
    g_autoptr (CtResponse) e = photos_call ("DELETE", "/v1/trash", bea->token);
    g_autoptr (CtResponse) anonymous = photos_call ("GET", "/v1/trash", NULL);

    ct_assert_problem (r, 404, NULL);
    ct_assert_problem (d, 404, NULL);
    ct_assert_problem (e, 409, NULL);
    ct_assert_problem (anonymous, 401, NULL);
  }
  g_assert_cmpuint (photo_status (ana->token, live), ==, 200);
  g_assert_cmpuint (trash_size (ana->token), ==, 2);
  g_assert_cmpuint (trash_size (bea->token), ==, 0);
  g_assert_cmpuint (objects_of (photo), ==, 3);
}

/* Pages of 2 go through photos and folders newest first, each item once;
 * a forged cursor, another user's, or a bad limit is refused. */
static void
test_paging (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "trash-pages");
  g_autoptr (StackUser) bea = stack_user_new (stack, "trash-pages2");
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (JsonArray) items = NULL;

  for (guint i = 0; i < 7; i++)
    {
      gboolean folder = i % 3 == 1;
      char *id = folder ? stack_folder_new (stack, ana->token, "private", NULL)
                        : stack_photo_new (stack, ana->token, NULL);
      g_autoptr (CtResponse) r
          = folder ? trash_folder (ana->token, id, FALSE) : trash_photo (ana->token, id);

      stack_assert_status (r, 204);
      g_ptr_array_add (ids, id);
    }
  items = trash_items (ana->token, 2);
  g_assert_cmpuint (json_array_get_length (items), ==, ids->len);
  for (guint i = 0; i < ids->len; i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      /* Newest first. */
      g_assert_cmpstr (json_object_get_string_member (item, "id"), ==,
                       g_ptr_array_index (ids, ids->len - 1 - i));
    }
  {
    g_autoptr (CtResponse) first = photos_call ("GET", "/v1/trash?limit=2", ana->token);
    g_autofree char *cursor
        = g_uri_escape_string (ct_response_string (first, "next_cursor"), NULL, TRUE);
    g_autofree char *theirs = g_strdup_printf ("/v1/trash?cursor=%s", cursor);
    g_autoptr (CtResponse) stolen = photos_call ("GET", theirs, bea->token);
    g_autoptr (CtResponse) forged = photos_call ("GET", "/v1/trash?cursor=AAAA", ana->token);
    g_autoptr (CtResponse) zero = photos_call ("GET", "/v1/trash?limit=0", ana->token);
    g_autoptr (CtResponse) many = photos_call ("GET", "/v1/trash?limit=201", ana->token);

    ct_assert_problem (stolen, 400, "cursor");
    ct_assert_problem (forged, 400, "cursor");
    ct_assert_problem (zero, 422, "limit");
    ct_assert_problem (many, 422, "limit");
  }
}

/* ---- purge, quota, account deletion ------------------------------------------------- */

static gboolean
wait_for_sql (const char *service, const char *sql, const char *param, const char *expected)
{
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *value = stack_sql (stack, service, sql, param);

      if (g_strcmp0 (value, expected) == 0)
        return TRUE;
      g_usleep (50 * 1000);
    }
  return FALSE;
}

static gint64
usage_of (StackUser *user)
{
  g_autoptr (CtResponse) r = ct_http (stack->users.url, "GET", "/v1/users/me", user->token, NULL);

  stack_assert_status (r, 200);
  return json_object_get_int_member (ct_response_object (r), "usage_bytes");
}

/* Past their purge time, the sweeper (at start, then every minute) takes
 * the photos, objects and all, and their room in the quota, and
 * carrete-folders the folders. */
static void
test_purge (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "trash-purge");
  g_autofree char *photo = stack_photo_new (stack, ana->token, NULL);
  g_autofree char *kept = stack_photo_new (stack, ana->token, NULL);
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *photo_row = stack_row_id (stack, photo);
  g_autofree char *folder_row = stack_row_id (stack, folder);
  g_autofree char *prefix = prefix_of (photo);
  gint64 before = usage_of (ana);

  {
    g_autoptr (CtResponse) a = trash_photo (ana->token, photo);
    g_autoptr (CtResponse) b = trash_photo (ana->token, kept);
    g_autoptr (CtResponse) c = trash_folder (ana->token, folder, FALSE);
    stack_assert_status (a, 204);
    stack_assert_status (b, 204);
    stack_assert_status (c, 204);
  }
  /* The trash still counts. */
  g_assert_cmpint (usage_of (ana), ==, before);
  g_free (stack_sql (stack, "photos",
                     "UPDATE photos SET expires_at = now() - interval '1 second'"
                     " WHERE id = $1::bigint RETURNING id",
                     photo_row));
  g_free (stack_sql (stack, "folders",
                     "UPDATE folders SET purge_at = now() - interval '1 second'"
                     " WHERE id = $1::bigint RETURNING id",
                     folder_row));
  stack_stop (&stack->photos);
  stack_restart (&stack->photos);
  stack_stop (&stack->folders);
  stack_restart (&stack->folders);
  g_assert_true (
      wait_for_sql ("photos", "SELECT count(*) FROM photos WHERE id = $1::bigint", photo_row, "0"));
  g_assert_true (wait_for_sql ("folders", "SELECT count(*) FROM folders WHERE id = $1::bigint",
                               folder_row, "0"));
  g_assert_cmpuint (objects_under (prefix), ==, 0);
  g_assert_cmpint (usage_of (ana), <, before);
  g_assert_cmpint (usage_of (ana), >, 0);
  g_assert_true (in_trash (ana->token, kept));
  g_assert_cmpuint (trash_size (ana->token), ==, 1);
}

/* Deleting the account removes everything at once, the trash included. */
static void
test_account_deletion (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "trash-leaver");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *photo = stack_photo_new (stack, ana->token, folder);
  g_autofree char *loose = stack_photo_new (stack, ana->token, NULL);
  g_autofree char *owner_row = stack_row_id (stack, ana->id);
  g_autoptr (GPtrArray) prefixes = stack_photo_prefixes (stack, ana->id);

  {
    g_autoptr (CtResponse) a = trash_photo (ana->token, loose);
    g_autoptr (CtResponse) b = trash_folder (ana->token, folder, TRUE);
    stack_assert_status (a, 204);
    stack_assert_status (b, 204);
  }
  {
    g_autoptr (CtResponse) r
        = ct_http (stack->users.url, "DELETE", "/v1/users/me", ana->token, NULL);
    g_autofree char *folders = stack_sql (
        stack, "folders", "SELECT count(*) FROM folders WHERE owner_id = $1::bigint", owner_row);

    stack_assert_status (r, 204);
    g_assert_cmpuint (stack_count_photos (stack, ana->id), ==, 0);
    g_assert_cmpstr (folders, ==, "0");
  }
  for (guint i = 0; i < prefixes->len; i++)
    {
      g_autofree char *slash = g_strconcat (g_ptr_array_index (prefixes, i), "/", NULL);
      g_assert_cmpuint (objects_under (slash), ==, 0);
    }
}

/* A photo whose folder the caller may no longer add to (here someone
 * else's public folder, as a removed member would see it) stays in the
 * trash with a 403. */
static void
test_folder_not_theirs (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "trash-moved");
  g_autoptr (StackUser) bea = stack_user_new (stack, "trash-owner");
  g_autofree char *photo = stack_photo_new (stack, ana->token, NULL);
  g_autofree char *theirs = stack_folder_new (stack, bea->token, "public", NULL);
  g_autofree char *photo_row = stack_row_id (stack, photo);
  g_autofree char *folder_row = stack_row_id (stack, theirs);
  g_autofree char *sql = g_strdup_printf (
      "UPDATE photos SET folder_id = %s WHERE id = $1::bigint RETURNING id", folder_row);

  {
    g_autoptr (CtResponse) r = trash_photo (ana->token, photo);
    stack_assert_status (r, 204);
  }
  g_free (stack_sql (stack, "photos", sql, photo_row));
  {
    g_autoptr (CtResponse) r = restore (ana->token, photo);
    g_autofree char *state = photo_state (photo);

    ct_assert_problem (r, 403, NULL);
    g_assert_cmpstr (state, ==, "trashed");
  }
}

int
main (int argc, char **argv)
{
  static const CtTest tests[] = {
    { "/carrete/e2e/trash/photo-round-trip", test_photo_round_trip },
    { "/carrete/e2e/trash/twin", test_twin },
    { "/carrete/e2e/trash/permanent", test_permanent },
    { "/carrete/e2e/trash/folder-round-trip", test_folder_round_trip },
    { "/carrete/e2e/trash/folder-name-taken", test_folder_name_taken },
    { "/carrete/e2e/trash/folder-in-trash-or-gone", test_folder_in_trash_or_gone },
    { "/carrete/e2e/trash/empty", test_empty },
    { "/carrete/e2e/trash/not-yours", test_not_yours },
    { "/carrete/e2e/trash/paging", test_paging },
    { "/carrete/e2e/trash/purge", test_purge },
    { "/carrete/e2e/trash/account-deletion", test_account_deletion },
    { "/carrete/e2e/trash/folder-not-theirs", test_folder_not_theirs },
  };

  return CT_TEST_MAIN (argc, argv, stack_start, stack_free, &stack, tests);
}
