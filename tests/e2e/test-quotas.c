#define G_LOG_DOMAIN "carrete-e2e-quotas"

/* Storage quotas on the live stack (photos on s3 storage in MinIO): what an
 * account uses (originals, thumbnails, open resumable uploads) as
 * /v1/users/me and carrete-photos report it and as the rows add up; an
 * administrator's PATCH /v1/users/{id} {quota_bytes} and its bad inputs;
 * an upload one byte over the quota refused with the numbers on every
 * upload path (the streamed one before its body), leaving nothing behind;
 * uploads at once that cannot all fit; room given back by deletions; and
 * account deletion forgetting the quota. */

#include <string.h>

#include "stack.h"

static Stack *stack;

/* ---- helpers ------------------------------------------------------------------------ */

static gint64
member_int (CtResponse *r, const char *name)
{
  JsonObject *object = ct_response_object (r);

  g_assert_true (json_object_has_member (object, name));
  return json_object_get_int_member (object, name);
}

/* /v1/users/me's numbers. */
static void
me_usage (StackUser *user, gint64 *quota_bytes, gint64 *usage_bytes)
{
  g_autoptr (CtResponse) r = ct_http (stack->users.url, "GET", "/v1/users/me", user->token, NULL);

  stack_assert_status (r, 200);
  *quota_bytes = member_int (r, "quota_bytes");
  *usage_bytes = member_int (r, "usage_bytes");
}

static gint64
usage_of (StackUser *user)
{
  gint64 quota_bytes, usage_bytes;

  me_usage (user, &quota_bytes, &usage_bytes);
  return usage_bytes;
}

/* What the rows add up to, behind the service's back. */
static gint64
rows_usage (StackUser *user)
{
  g_autofree char *row = stack_row_id (stack, user->id);
  g_autofree char *sum = stack_sql (
      stack, "photos",
      "SELECT (SELECT coalesce(sum(size + thumbnails_size), 0) FROM photos WHERE owner_id = $1::bigint)"
      " + (SELECT coalesce(sum(size), 0) FROM uploads WHERE owner_id = $1::bigint)",
      row);
  return g_ascii_strtoll (sum, NULL, 10);
}

static CtResponse *
set_quota (const char *token, const char *user_id, const char *body)
{
  g_autofree char *path = g_strdup_printf ("/v1/users/%s", user_id);

  return ct_http (stack->users.url, "PATCH", path, token, body);
}

static void
give_quota (StackUser *admin, StackUser *user, gint64 quota_bytes)
{
  g_autofree char *body = g_strdup_printf ("{\"quota_bytes\": %" G_GINT64_FORMAT "}", quota_bytes);
  g_autoptr (CtResponse) r = set_quota (admin->token, user->id, body);

  stack_assert_status (r, 200);
  g_assert_cmpint (member_int (r, "quota_bytes"), ==, quota_bytes);
}

/* A 413 that says how full the account is. */
static void
assert_over_quota (CtResponse *r, gint64 quota_bytes, gint64 usage_bytes)
{
  ct_assert_problem (r, 413, NULL);
  g_assert_cmpint (member_int (r, "quota_bytes"), ==, quota_bytes);
  g_assert_cmpint (member_int (r, "usage_bytes"), ==, usage_bytes);
  g_assert_nonnull (strstr (ct_response_string (r, "detail"), "quota"));
}

static guint
row_count (StackUser *user, const char *table)
{
  g_autofree char *row = stack_row_id (stack, user->id);
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s WHERE owner_id = $1::bigint",
                                          table);
  g_autofree char *count = stack_sql (stack, "photos", sql, row);
  return (guint) g_ascii_strtoull (count, NULL, 10);
}

static guint
object_count (void)
{
  g_autoptr (GPtrArray) keys = stack_objects (stack, "");
  return keys->len;
}

static char *
auth_header (StackUser *user)
{
  return g_strdup_printf ("Authorization: Bearer %s", user->token);
}

static CtResponse *
upload_raw (StackUser *user, GBytes *png)
{
  g_autofree char *auth = auth_header (user);
  const char *headers[] = { auth, NULL };

  return ct_http_raw (stack->photos.url, "POST", "/v1/photos?name=q.png", headers, "image/png",
                      png);
}

static CtResponse *
upload_form (StackUser *user, GBytes *png)
{
  g_autofree char *auth = auth_header (user);
  const char *headers[] = { auth, NULL };
  g_autofree char *content_type = NULL;
  g_autoptr (GBytes) body = ct_form_body (NULL, "q.png", "image/png", png, NULL, &content_type);

  return ct_http_raw (stack->photos.url, "POST", "/v1/photos", headers, content_type, body);
}

static CtResponse *
create_upload (StackUser *user, gint64 size, gboolean resumable)
{
  g_autofree char *body = g_strdup_printf (
      "{\"name\": \"q.png\", \"content_type\": \"image/png\", \"size\": %" G_GINT64_FORMAT
      ", \"resumable\": %s}",
      size, resumable ? "true" : "false");

  return ct_http (stack->photos.url, "POST", "/v1/photos/uploads", user->token, body);
}

/* ---- tests -------------------------------------------------------------------------- */

/* A new account has no limit (CARRETE_DEFAULT_QUOTA_BYTES unset) and uses
 * nothing; a photo then counts its original and its thumbnails, exactly
 * what its rows say; an open resumable upload counts its announced size
 * until it is aborted. */
static void
test_usage_counts (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "quota-count");
  g_autofree char *photo = NULL;
  g_autofree char *row = NULL;
  g_autofree char *thumbnails = NULL;
  gint64 quota_bytes, usage_bytes;

  me_usage (ana, &quota_bytes, &usage_bytes);
  g_assert_cmpint (quota_bytes, ==, 0);
  g_assert_cmpint (usage_bytes, ==, 0);

  photo = stack_photo_new (stack, ana->token, NULL);
  row = stack_row_id (stack, photo);
  thumbnails = stack_sql (stack, "photos", "SELECT thumbnails_size FROM photos WHERE id = $1::bigint",
                          row);
  g_assert_cmpint (g_ascii_strtoll (thumbnails, NULL, 10), >, 0);
  usage_bytes = usage_of (ana);
  g_assert_cmpint (usage_bytes, ==, rows_usage (ana));
  {
    g_autofree char *size = stack_sql (stack, "photos",
                                       "SELECT size FROM photos WHERE id = $1::bigint", row);
    g_assert_cmpint (usage_bytes, ==,
                     g_ascii_strtoll (size, NULL, 10) + g_ascii_strtoll (thumbnails, NULL, 10));
  }
  /* carrete-photos says the same to the account itself. */
  {
    g_autoptr (CtResponse) r
        = ct_http (stack->photos.url, "GET", "/v1/photos/usage", ana->token, NULL);
    stack_assert_status (r, 200);
    g_assert_cmpint (member_int (r, "usage_bytes"), ==, usage_bytes);
    g_assert_cmpint (member_int (r, "quota_bytes"), ==, 0);
  }
  {
    g_autoptr (CtResponse) r = create_upload (ana, 1000000, TRUE);
    g_autofree char *path = NULL;
    stack_assert_status (r, 201);
    g_assert_cmpint (usage_of (ana), ==, usage_bytes + 1000000);
    path = g_strdup_printf ("/v1/photos/uploads/%s", ct_response_string (r, "upload_id"));
    {
      g_autoptr (CtResponse) aborted = ct_http (stack->photos.url, "DELETE", path, ana->token, NULL);
      stack_assert_status (aborted, 204);
    }
    g_assert_cmpint (usage_of (ana), ==, usage_bytes);
  }
  {
    g_autoptr (CtResponse) r = ct_http (stack->photos.url, "GET", "/v1/photos/usage", NULL, NULL);
    ct_assert_problem (r, 401, NULL);
  }
}

/* PATCH /v1/users/{id} {quota_bytes}: administrators only; each bad input
 * is a clear 4xx and changes nothing. */
static void
test_admin_sets_quota (void)
{
  g_autoptr (StackUser) admin = stack_admin_new (stack, "quota-admin");
  g_autoptr (StackUser) bea = stack_user_new (stack, "quota-bea");
  g_autoptr (StackUser) other = stack_user_new (stack, "quota-other");
  gint64 quota_bytes, usage_bytes;

  give_quota (admin, bea, 5000000);
  me_usage (bea, &quota_bytes, &usage_bytes);
  g_assert_cmpint (quota_bytes, ==, 5000000);
  {
    g_autoptr (CtResponse) r = set_quota (admin->token, bea->id, "{\"quota_bytes\": 0}");
    stack_assert_status (r, 200);
    g_assert_cmpint (member_int (r, "quota_bytes"), ==, 0);
    g_assert_cmpint (member_int (r, "usage_bytes"), ==, 0);
    g_assert_cmpstr (ct_response_string (r, "id"), ==, bea->id);
  }
  give_quota (admin, bea, 5000000);

  {
    g_autoptr (CtResponse) r = set_quota (admin->token, bea->id, "{\"quota_bytes\": -1}");
    ct_assert_problem (r, 422, "quota_bytes");
  }
  {
    g_autoptr (CtResponse) r = set_quota (admin->token, bea->id, "{\"quota_bytes\": \"lots\"}");
    ct_assert_problem (r, 422, "quota_bytes");
  }
  {
    g_autoptr (CtResponse) r = set_quota (admin->token, bea->id, "{\"quota_bytes\": 1.5}");
    ct_assert_problem (r, 422, "quota_bytes");
  }
  {
    g_autoptr (CtResponse) r
        = set_quota (admin->token, bea->id, "{\"quota_bytes\": 2305843009213693952}");
    ct_assert_problem (r, 422, "quota_bytes");
  }
  {
    g_autoptr (CtResponse) r = set_quota (admin->token, bea->id, "{}");
    ct_assert_problem (r, 422, "quota_bytes");
  }
  {
    g_autoptr (CtResponse) r = set_quota (admin->token, bea->id, "{\"quota_bytes\": 1, \"role\": \"admin\"}");
    ct_assert_problem (r, 422, "role");
  }
  {
    /* Not an administrator, about themselves or anyone. */
    g_autoptr (CtResponse) own = set_quota (bea->token, bea->id, "{\"quota_bytes\": 0}");
    g_autoptr (CtResponse) theirs = set_quota (other->token, bea->id, "{\"quota_bytes\": 0}");
    g_autoptr (CtResponse) anonymous = set_quota (NULL, bea->id, "{\"quota_bytes\": 0}");
    ct_assert_problem (own, 403, NULL);
    ct_assert_problem (theirs, 403, NULL);
    ct_assert_problem (anonymous, 401, NULL);
  }
  {
    /* Straight to carrete-photos without the admin role. */
    g_autofree char *path = g_strdup_printf ("/v1/photos/quotas/%s", bea->id);
    g_autoptr (CtResponse) r = ct_http (stack->photos.url, "PUT", path, bea->token,
                                        "{\"quota_bytes\": 0}");
    ct_assert_problem (r, 403, NULL);
  }
  {
    g_autoptr (CtResponse) unknown = set_quota (admin->token, "us_0000000000000000000000",
                                                "{\"quota_bytes\": 1}");
    g_assert_cmpuint (unknown->status, ==, 404);
  }
  {
    /* A user id that names nobody any more. */
    g_autoptr (CtResponse) gone = ct_http (stack->users.url, "DELETE", "/v1/users/me",
                                           other->token, NULL);
    g_autoptr (CtResponse) r = NULL;
    stack_assert_status (gone, 204);
    r = set_quota (admin->token, other->id, "{\"quota_bytes\": 1}");
    ct_assert_problem (r, 404, NULL);
  }
  me_usage (bea, &quota_bytes, &usage_bytes);
  g_assert_cmpint (quota_bytes, ==, 5000000);
}

/* The room left is exactly one PNG: one byte more is refused with the
 * numbers on every path, and nothing is left behind; the PNG itself fits. */
static void
test_one_byte_over (void)
{
  g_autoptr (StackUser) admin = stack_admin_new (stack, "quota-admin2");
  g_autoptr (StackUser) cai = stack_user_new (stack, "quota-cai");
  g_autoptr (GBytes) png = ct_png_of_size (40000);
  gint64 size = (gint64) g_bytes_get_size (png);
  g_autofree char *first = stack_photo_new (stack, cai->token, NULL);
  gint64 used = usage_of (cai);
  gint64 quota = used + size - 1; /* one byte short of the PNG */
  guint objects, photos;

  give_quota (admin, cai, quota);
  objects = object_count ();
  photos = row_count (cai, "photos");
  {
    /* Streamed, raw: refused before the body is sent. */
    g_autoptr (CtResponse) r = ct_answer_before_body (stack->photos.url, "/v1/photos?name=q.png",
                                                      cai->token, "image/png", (gsize) size, NULL);
    assert_over_quota (r, quota, used);
  }
  {
    g_autoptr (CtResponse) r = upload_raw (cai, png);
    assert_over_quota (r, quota, used);
  }
  {
    /* Multipart: the form's length allows a file that fits, so its body is
     * read, and the exact size refused. */
    g_autoptr (CtResponse) r = upload_form (cai, png);
    assert_over_quota (r, quota, used);
  }
  {
    g_autoptr (CtResponse) r = create_upload (cai, size, FALSE);
    assert_over_quota (r, quota, used);
  }
  {
    g_autoptr (CtResponse) r = create_upload (cai, size, TRUE);
    assert_over_quota (r, quota, used);
  }
  g_assert_cmpuint (row_count (cai, "photos"), ==, photos);
  g_assert_cmpuint (row_count (cai, "uploads"), ==, 0);
  g_assert_cmpint (usage_of (cai), ==, used);
  /* The refused streamed bodies' staging objects are gone too. */
  g_assert_cmpuint (object_count (), ==, objects);

  /* One byte more of room: the same PNG fits, on the direct path. */
  give_quota (admin, cai, quota + 1);
  {
    g_autoptr (CtResponse) r = create_upload (cai, size, FALSE);
    stack_assert_status (r, 201);
  }
  g_assert_cmpint (usage_of (cai), ==, quota + 1);
  {
    /* Full: a 1-byte upload announced, refused before its body. */
    g_autoptr (CtResponse) r = ct_answer_before_body (stack->photos.url, "/v1/photos?name=q.png",
                                                      cai->token, "image/png", 1, NULL);
    assert_over_quota (r, quota + 1, quota + 1);
  }
}

/* Four direct uploads asked for at once with room for one: exactly one
 * gets in (the admission locks the account's usage). */
static void
test_at_once (void)
{
  g_autoptr (StackUser) admin = stack_admin_new (stack, "quota-admin3");
  g_autoptr (StackUser) dan = stack_user_new (stack, "quota-dan");
  const char *json = "{\"name\": \"q.png\", \"content_type\": \"image/png\", \"size\": 30000}";
  g_autoptr (GBytes) body = g_bytes_new_static (json, strlen (json));
  CtParallel *parallel;
  guint created = 0, refused = 0;

  give_quota (admin, dan, 45000);
  parallel = ct_parallel_post (stack->photos.url, "/v1/photos/uploads", dan->token,
                               "application/json", body, 4);
  for (guint i = 0; i < 4; i++)
    {
      guint status = ct_parallel_status (parallel, i);
      if (status == 201)
        created++;
      else if (status == 413)
        refused++;
      else
        g_error ("upload %u at once: %u", i, status);
    }
  ct_parallel_free (parallel);
  g_assert_cmpuint (created, ==, 1);
  g_assert_cmpuint (refused, ==, 3);
  g_assert_cmpuint (row_count (dan, "photos"), ==, 1);
  g_assert_cmpint (usage_of (dan), ==, 30000);
  g_assert_cmpint (rows_usage (dan), ==, 30000);
}

/* Deleting a photo for good gives its room back (in the trash it still
 * counts); deleting the account forgets its quota and usage rows. */
static void
test_room_back (void)
{
  g_autoptr (StackUser) admin = stack_admin_new (stack, "quota-admin4");
  g_autoptr (StackUser) eva = stack_user_new (stack, "quota-eva");
  g_autofree char *photo = stack_photo_new (stack, eva->token, NULL);
  g_autofree char *path = g_strdup_printf ("/v1/photos/%s", photo);
  g_autofree char *row = stack_row_id (stack, eva->id);
  gint64 used = usage_of (eva);

  give_quota (admin, eva, used);
  {
    g_autoptr (CtResponse) r = stack_upload (stack, eva->token, NULL);
    assert_over_quota (r, used, used);
  }
  {
    g_autoptr (CtResponse) r = ct_http (stack->photos.url, "DELETE", path, eva->token, NULL);
    stack_assert_status (r, 204);
  }
  /* In the trash it still takes its room, until it is deleted for good. */
  g_assert_cmpint (usage_of (eva), ==, used);
  {
    g_autofree char *in_trash = g_strdup_printf ("/v1/trash/%s", photo);
    g_autoptr (CtResponse) r = ct_http (stack->photos.url, "DELETE", in_trash, eva->token, NULL);
    stack_assert_status (r, 204);
  }
  g_assert_cmpint (usage_of (eva), ==, 0);
  g_free (stack_photo_new (stack, eva->token, NULL));
  {
    g_autoptr (CtResponse) r = ct_http (stack->users.url, "DELETE", "/v1/users/me", eva->token, NULL);
    g_autofree char *quotas = NULL;
    g_autofree char *usage = NULL;
    stack_assert_status (r, 204);
    quotas = stack_sql (stack, "photos", "SELECT count(*) FROM quotas WHERE owner_id = $1::bigint",
                        row);
    usage = stack_sql (stack, "photos", "SELECT count(*) FROM usage WHERE owner_id = $1::bigint",
                       row);
    g_assert_cmpstr (quotas, ==, "0");
    g_assert_cmpstr (usage, ==, "0");
  }
}

int
main (int argc, char **argv)
{
  static const CtTest tests[] = {
    { "/carrete/e2e/quotas/usage-counts", test_usage_counts },
    { "/carrete/e2e/quotas/admin-sets", test_admin_sets_quota },
    { "/carrete/e2e/quotas/one-byte-over", test_one_byte_over },
    { "/carrete/e2e/quotas/at-once", test_at_once },
    { "/carrete/e2e/quotas/room-back", test_room_back },
  };

  return CT_TEST_MAIN (argc, argv, stack_start, stack_free, &stack, tests);
}
