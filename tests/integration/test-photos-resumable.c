#define G_LOG_DOMAIN "carrete-test-photos-resumable"

/* Resumable uploads end to end (POST /v1/photos/uploads with `resumable`,
 * parts PUT to presigned URLs, status, more URLs, complete, abort, the
 * sweeper), against real PostgreSQL, the real binaries and each storage
 * backend: a directory served by carrete-photos, and a real MinIO that
 * checks the signed Content-Length of every part.
 *
 * Parts are 8 MiB (the contract's minimum), so uploads here are two parts
 * and a tail; they run on a photos instance whose upload limit allows
 * that. */

#include <string.h>

#include "photos-fixture.h"

#define PART (8 * 1024 * 1024)
#define TAIL 4321
#define BIG_SIZE (2 * PART + TAIL)
#define BIG_LIMIT "CARRETE_MAX_UPLOAD_BYTES=67108864"

/* ---- helpers ---------------------------------------------------------------- */

typedef struct
{
  PhotosStack *s;
  CtService *service; /* an instance with room for big uploads */
  char *spool;
  const char *url;
} Big;

static void
big_start (Big *b, PhotosStack *s, const char *upload_ttl)
{
  const char *extra[] = { BIG_LIMIT, upload_ttl, NULL };

  b->s = s;
  b->service = photos_stack_start_instance (s, extra, &b->spool);
  b->url = ct_service_url (b->service);
}

static void
big_clear (Big *b)
{
  if (b->service != NULL)
    photos_assert_consistent (b->s, b->spool);
  g_clear_pointer (&b->service, ct_service_free);
  g_clear_pointer (&b->spool, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Big, big_clear)

typedef struct
{
  char *id;
  gint64 part_size;
  guint part_count;
  GPtrArray *urls; /* [number - 1] */
} Upload;

static void
upload_clear (Upload *u)
{
  g_clear_pointer (&u->id, g_free);
  g_clear_pointer (&u->urls, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Upload, upload_clear)

static CtResponse *
create (const char *base_url, PhotosUser *user, const char *body)
{
  return ct_http (base_url, "POST", "/v1/photos/uploads", user->token, body);
}

static void
assert_rfc3339_future (const char *text)
{
  g_autoptr (GDateTime) when = text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  g_assert_nonnull (when);
  g_assert_true (g_str_has_suffix (text, "Z"));
  g_assert_cmpint (g_date_time_to_unix (when), >, g_get_real_time () / G_USEC_PER_SEC - 5);
}

static void
read_urls (JsonArray *parts, guint first, GPtrArray *urls)
{
  for (guint i = 0; i < json_array_get_length (parts); i++)
    {
      JsonObject *part = json_array_get_object_element (parts, i);

      g_assert_cmpint (json_object_get_int_member (part, "number"), ==, first + i);
      g_ptr_array_add (urls, g_strdup (json_object_get_string_member (part, "url")));
    }
}

static void
start (const char *base_url, PhotosUser *user, const char *name, gsize size, Upload *u)
{
  g_autofree char *body = g_strdup_printf ("{\"name\":\"%s\",\"content_type\":\"image/jpeg\","
                                           "\"size\":%zu,\"resumable\":true}",
                                           name, size);
  g_autoptr (CtResponse) r = create (base_url, user, body);
  JsonObject *o;

  g_assert_cmpuint (r->status, ==, 201);
  o = ct_response_object (r);
  u->id = g_strdup (json_object_get_string_member (o, "upload_id"));
  g_assert_true (g_str_has_prefix (u->id, "up_"));
  g_assert_cmpstr (json_object_get_string_member (o, "name"), ==, name);
  g_assert_true (json_object_get_null_member (o, "folder_id"));
  g_assert_cmpstr (json_object_get_string_member (o, "content_type"), ==, "image/jpeg");
  g_assert_cmpint (json_object_get_int_member (o, "size"), ==, size);
  u->part_size = json_object_get_int_member (o, "part_size");
  u->part_count = (guint) json_object_get_int_member (o, "part_count");
  g_assert_cmpint (u->part_size, ==, PART);
  g_assert_cmpuint (u->part_count, ==, (size + PART - 1) / PART);
  assert_rfc3339_future (json_object_get_string_member (o, "expires_at"));
  u->urls = g_ptr_array_new_with_free_func (g_free);
  read_urls (json_object_get_array_member (o, "parts"), 1, u->urls);
  g_assert_cmpuint (u->urls->len, ==, u->part_count);
}

static GBytes *
part_bytes (GBytes *file, guint number)
{
  gsize offset = (gsize) (number - 1) * PART;

  return g_bytes_new_from_bytes (file, offset, MIN ((gsize) PART, g_bytes_get_size (file) - offset));
}

/* PUTs `body` to a part URL as a client does; gives the ETag. */
static guint
put (const char *url, GBytes *body, char **etag)
{
  g_autoptr (CtResponse) r = ct_http_raw ("", "PUT", url, NULL, NULL, body);

  if (etag != NULL)
    *etag = r->status == 200 ? g_strdup (ct_response_header (r, "ETag")) : NULL;
  return r->status;
}

static char *
send_part (Upload *u, GBytes *file, guint number)
{
  g_autoptr (GBytes) body = part_bytes (file, number);
  char *etag = NULL;

  g_assert_cmpuint (put (u->urls->pdata[number - 1], body, &etag), ==, 200);
  g_assert_nonnull (etag);
  g_assert_true (etag != NULL && etag[0] == '"');
  return etag;
}

static CtResponse *
on_upload (const char *base_url, PhotosUser *user, const char *method, const char *id,
           const char *tail, const char *body)
{
  g_autofree char *path = g_strdup_printf ("/v1/photos/uploads/%s%s", id, tail);

  return ct_http (base_url, method, path, user->token, body);
}

/* {"parts": [...]} from number/etag pairs. */
static char *
escaped_parts_body (guint n, const guint *numbers, char *const *etags)
{
  g_autoptr (GPtrArray) escaped = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (escaped, g_strescape (etags[i], NULL));
  {
    GString *body = g_string_new ("{\"parts\":[");
    for (guint i = 0; i < n; i++)
      g_string_append_printf (body, "%s{\"number\":%u,\"etag\":\"%s\"}", i > 0 ? "," : "",
                              numbers[i], (char *) escaped->pdata[i]);
    g_string_append (body, "]}");
    return g_string_free (body, FALSE);
  }
}

static CtResponse *
complete (const char *base_url, PhotosUser *user, const char *id, guint n, const guint *numbers,
          char *const *etags)
{
  g_autofree char *body = escaped_parts_body (n, numbers, etags);

  return on_upload (base_url, user, "POST", id, "/complete", body);
}

/* The photo is ready, has the file's SHA-256, and its URL gives the exact
 * bytes. */
static void
assert_photo_of (CtResponse *r, GBytes *file, const char *name)
{
  g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, file);
  g_autoptr (CtResponse) got = NULL;

  g_assert_cmpuint (r->status, ==, 201);
  g_assert_true (g_str_has_prefix (ct_response_string (r, "id"), "ph_"));
  g_assert_cmpstr (ct_response_string (r, "state"), ==, "ready");
  g_assert_cmpstr (ct_response_string (r, "name"), ==, name);
  g_assert_cmpstr (ct_response_string (r, "sha256"), ==, sha256);
  g_assert_cmpint (json_object_get_int_member (ct_response_object (r), "size"), ==,
                   g_bytes_get_size (file));
  got = photos_fetch (ct_response_string (r, "url"), NULL);
  g_assert_cmpuint (got->status, ==, 200);
  g_assert_true (g_bytes_equal (got->body, file));
}

/* Every route of a gone (or foreign) upload answers 404. */
static void
assert_gone (const char *base_url, PhotosUser *user, const char *id)
{
  const struct
  {
    const char *method;
    const char *tail;
    const char *body;
  } routes[] = {
    { "GET", "", NULL },
    { "POST", "/parts?from=1&to=2", NULL },
    { "POST", "/complete", "{\"parts\":[{\"number\":1,\"etag\":\"\\\"x\\\"\"}]}" },
    { "DELETE", "", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      g_autoptr (CtResponse) r
          = on_upload (base_url, user, routes[i].method, id, routes[i].tail, routes[i].body);
      g_test_message ("%s …%s", routes[i].method, routes[i].tail);
      ct_assert_problem (r, 404, NULL);
    }
}

static JsonArray *
received (CtResponse *status)
{
  g_assert_cmpuint (status->status, ==, 200);
  return json_object_get_array_member (ct_response_object (status), "parts_received");
}

/* ---- the whole path ------------------------------------------------------------- */

/* Interrupted after part 1, resumed from the status, parts sent out of
 * order and twice, completed. */
static void
test_resume (PhotosStack *s)
{
  g_auto (Big) b = { 0 };
  g_autoptr (PhotosUser) ana = photos_user_new (s, "resume");
  g_autoptr (GBytes) file = photos_make_big_jpeg (BIG_SIZE, 1);
  g_auto (Upload) u = { 0 };
  g_autofree char *etag1 = NULL, *etag2 = NULL, *etag3 = NULL, *first3 = NULL;
  g_autoptr (CtResponse) status = NULL;
  g_autoptr (CtResponse) more = NULL;
  g_autoptr (CtResponse) done = NULL;
  g_autoptr (GBytes) late = NULL;
  JsonArray *parts;
  guint objects = photos_count_objects (s);

  big_start (&b, s, "CARRETE_UPLOAD_TTL=86400");
  start (b.url, ana, "big.jpg", BIG_SIZE, &u);
  g_assert_cmpuint (u.part_count, ==, 3);
  g_assert_cmpuint (photos_count_uploads (s), >=, 1);

  etag1 = send_part (&u, file, 1);
  /* The client comes back: the status says what arrived. */
  status = on_upload (b.url, ana, "GET", u.id, "", NULL);
  parts = received (status);
  g_assert_cmpuint (json_array_get_length (parts), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (parts, 0), "number"),
                   ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (parts, 0), "size"),
                   ==, PART);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (parts, 0), "etag"),
                   ==, etag1);
  g_assert_cmpint (json_object_get_int_member (ct_response_object (status), "part_count"), ==, 3);
  g_assert_cmpstr (ct_response_string (status, "upload_id"), ==, u.id);

  /* Fresh URLs for the rest. */
  more = on_upload (b.url, ana, "POST", u.id, "/parts?from=2&to=3", NULL);
  g_assert_cmpuint (more->status, ==, 200);
  assert_rfc3339_future (ct_response_string (more, "expires_at"));
  g_ptr_array_set_size (u.urls, 1);
  read_urls (json_object_get_array_member (ct_response_object (more), "parts"), 2, u.urls);

  /* Out of order, and part 3 twice (the first time with other bytes of
   * the same length): the last one wins. */
  {
    g_autoptr (GBytes) other = photos_make_big_jpeg (TAIL, 9);
    g_assert_cmpuint (put (u.urls->pdata[2], other, &first3), ==, 200);
  }
  etag3 = send_part (&u, file, 3);
  g_assert_cmpstr (first3, !=, etag3);
  etag2 = send_part (&u, file, 2);
  g_clear_pointer (&status, ct_response_free);
  status = on_upload (b.url, ana, "GET", u.id, "", NULL);
  g_assert_cmpuint (json_array_get_length (received (status)), ==, 3);
  /* Nothing is visible before complete. */
  g_assert_cmpuint (photos_count_objects (s), ==, objects);

  {
    const guint numbers[] = { 1, 2, 3 };
    char *const etags[] = { etag1, etag2, etag3 };
    done = complete (b.url, ana, u.id, 3, numbers, etags);
  }
  assert_photo_of (done, file, "big.jpg");
  g_assert_cmpuint (photos_count_multipart (s), ==, 0);

  /* The upload is gone: every route 404, and a late part is refused
   * (fs: 404; MinIO: NoSuchUpload, 404). */
  assert_gone (b.url, ana, u.id);
  late = part_bytes (file, 1);
  g_assert_cmpuint (put (u.urls->pdata[0], late, NULL), ==, 404);
  /* ...and changes nothing: no multipart upload, the photo's bytes. */
  g_assert_cmpuint (photos_count_multipart (s), ==, 0);
  {
    g_autofree char *path = g_strdup_printf ("/v1/photos/%s", ct_response_string (done, "id"));
    g_autoptr (CtResponse) got = ct_http (b.url, "GET", path, ana->token, NULL);
    g_assert_cmpuint (got->status, ==, 200);
    got->status = 201; /* assert_photo_of checks a complete's answer */
    assert_photo_of (got, file, "big.jpg");
  }
  photos_assert_consistent (s, b.spool);
}

/* A part of another length is refused by the store itself (MinIO checks
 * the signed Content-Length; fs the signed length), and nothing is kept. */
static void
test_wrong_length (PhotosStack *s)
{
  g_auto (Big) b = { 0 };
  g_autoptr (PhotosUser) ana = photos_user_new (s, "length");
  g_autoptr (GBytes) file = photos_make_big_jpeg (BIG_SIZE, 2);
  g_autoptr (GBytes) shorter = g_bytes_new_from_bytes (file, 0, PART - 1);
  g_autoptr (GBytes) longer = g_bytes_new_from_bytes (file, 0, PART + 1);
  g_autoptr (GBytes) tail_short = g_bytes_new_from_bytes (file, 2 * PART, TAIL - 1);
  g_auto (Upload) u = { 0 };
  g_autoptr (CtResponse) status = NULL;
  guint got;

  big_start (&b, s, "CARRETE_UPLOAD_TTL=86400");
  start (b.url, ana, "length.jpg", BIG_SIZE, &u);
  got = put (u.urls->pdata[0], shorter, NULL);
  g_assert_true (s->backend == PHOTOS_BACKEND_S3 ? got == 403 : got == 400);
  got = put (u.urls->pdata[0], longer, NULL);
  g_assert_true (s->backend == PHOTOS_BACKEND_S3 ? got == 403 : got == 413);
  got = put (u.urls->pdata[2], tail_short, NULL);
  g_assert_true (s->backend == PHOTOS_BACKEND_S3 ? got == 403 : got == 400);
  /* A part to another part's URL (same length, wrong number) is part 1. */
  status = on_upload (b.url, ana, "GET", u.id, "", NULL);
  g_assert_cmpuint (json_array_get_length (received (status)), ==, 0);
  {
    g_autoptr (CtResponse) r = on_upload (b.url, ana, "DELETE", u.id, "", NULL);
    g_assert_cmpuint (r->status, ==, 204);
  }
}

/* complete refuses a missing part or a wrong etag (400 naming it) and the
 * upload stays open; the right list then completes it. */
static void
test_complete_refused (PhotosStack *s)
{
  g_auto (Big) b = { 0 };
  g_autoptr (PhotosUser) ana = photos_user_new (s, "refused");
  g_autoptr (GBytes) file = photos_make_big_jpeg (BIG_SIZE, 3);
  g_auto (Upload) u = { 0 };
  g_autofree char *etag1 = NULL, *etag2 = NULL, *etag3 = NULL;
  const guint all[] = { 1, 2, 3 };
  const guint two[] = { 1, 2 };
  const guint twice[] = { 1, 2, 2, 3 };

  big_start (&b, s, "CARRETE_UPLOAD_TTL=86400");
  start (b.url, ana, "refused.jpg", BIG_SIZE, &u);
  etag1 = send_part (&u, file, 1);
  etag2 = send_part (&u, file, 2);
  {
    /* Part 3 never sent. */
    char *const etags[] = { etag1, etag2, etag1 };
    g_autoptr (CtResponse) r = complete (b.url, ana, u.id, 3, all, etags);
    ct_assert_problem (r, 400, "parts");
    g_assert_cmpstr (ct_response_string (r, "part"), ==, "3");
    g_assert_nonnull (strstr (ct_response_string (r, "detail"), "Part 3"));
  }
  etag3 = send_part (&u, file, 3);
  {
    /* Part 3 not listed. */
    char *const etags[] = { etag1, etag2 };
    g_autoptr (CtResponse) r = complete (b.url, ana, u.id, 2, two, etags);
    ct_assert_problem (r, 400, "parts");
    g_assert_cmpstr (ct_response_string (r, "part"), ==, "3");
  }
  {
    /* A wrong etag for part 2. */
    char *const etags[] = { etag1, etag1, etag3 };
    g_autoptr (CtResponse) r = complete (b.url, ana, u.id, 3, all, etags);
    ct_assert_problem (r, 400, "parts");
    g_assert_cmpstr (ct_response_string (r, "part"), ==, "2");
  }
  {
    /* Listed twice. */
    char *const etags[] = { etag1, etag2, etag2, etag3 };
    g_autoptr (CtResponse) r = complete (b.url, ana, u.id, 4, twice, etags);
    ct_assert_problem (r, 400, "parts");
  }
  {
    /* Malformed lists. */
    const char *bodies[] = { "{\"parts\":[]}",
                             "{\"parts\":[{\"number\":0,\"etag\":\"x\"}]}",
                             "{\"parts\":[{\"number\":\"1\",\"etag\":\"x\"}]}",
                             "{}",
                             "{\"parts\":[1]}",
                             "not json" };
    for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
      {
        g_autoptr (CtResponse) r = on_upload (b.url, ana, "POST", u.id, "/complete", bodies[i]);
        g_test_message ("complete %s", bodies[i]);
        ct_assert_problem (r, 400, NULL);
      }
  }
  /* Still open, with its three parts; now it completes. */
  {
    g_autoptr (CtResponse) status = on_upload (b.url, ana, "GET", u.id, "", NULL);
    char *const etags[] = { etag1, etag2, etag3 };
    g_autoptr (CtResponse) done = NULL;

    g_assert_cmpuint (json_array_get_length (received (status)), ==, 3);
    done = complete (b.url, ana, u.id, 3, all, etags);
    assert_photo_of (done, file, "refused.jpg");
  }
}

/* The same bytes again in the same place: 409 with the existing photo,
 * and the assembled object removed. */
static void
test_duplicate (PhotosStack *s)
{
  g_auto (Big) b = { 0 };
  g_autoptr (PhotosUser) ana = photos_user_new (s, "resdup");
  g_autoptr (GBytes) file = photos_make_big_jpeg (BIG_SIZE, 4);
  const guint all[] = { 1, 2, 3 };
  g_autofree char *first_id = NULL;
  guint objects, rows;

  big_start (&b, s, "CARRETE_UPLOAD_TTL=86400");
  for (guint round = 0; round < 2; round++)
    {
      g_auto (Upload) u = { 0 };
      g_autofree char *e1 = NULL, *e2 = NULL, *e3 = NULL;
      g_autoptr (CtResponse) r = NULL;

      start (b.url, ana, "twin.jpg", BIG_SIZE, &u);
      e1 = send_part (&u, file, 1);
      e2 = send_part (&u, file, 2);
      e3 = send_part (&u, file, 3);
      objects = photos_count_objects (s);
      rows = photos_count_rows (s);
      {
        char *const etags[] = { e1, e2, e3 };
        r = complete (b.url, ana, u.id, 3, all, etags);
      }
      if (round == 0)
        {
          assert_photo_of (r, file, "twin.jpg");
          first_id = g_strdup (ct_response_string (r, "id"));
          /* Its thumbnails are stored by a job: let it end before the
           * objects are counted. */
          ct_response_free (ct_await_thumbnails (b.url, ana->token, first_id));
          continue;
        }
      ct_assert_problem (r, 409, NULL);
      g_assert_cmpstr (ct_response_string (r, "existing_id"), ==, first_id);
      photos_assert_consistent (s, b.spool);
      g_assert_cmpuint (photos_count_objects (s), ==, objects);
      g_assert_cmpuint (photos_count_rows (s), ==, rows);
      assert_gone (b.url, ana, u.id);
    }
  g_assert_cmpuint (photos_count_multipart (s), ==, 0);
}

/* ---- refusals --------------------------------------------------------------------- */

static void
test_other_user (PhotosStack *s)
{
  g_auto (Big) b = { 0 };
  g_autoptr (PhotosUser) ana = photos_user_new (s, "mine");
  g_autoptr (PhotosUser) bea = photos_user_new (s, "theirs");
  g_auto (Upload) u = { 0 };

  big_start (&b, s, "CARRETE_UPLOAD_TTL=86400");
  start (b.url, ana, "mine.jpg", BIG_SIZE, &u);
  assert_gone (b.url, bea, u.id);
  /* Still there for its owner. */
  {
    g_autoptr (CtResponse) r = on_upload (b.url, ana, "GET", u.id, "", NULL);
    g_assert_cmpuint (r->status, ==, 200);
  }
  /* Ids of another type, or none at all. */
  {
    g_autofree char *folder_id = photos_folder_id (s, 12);
    g_autoptr (CtResponse) r = on_upload (b.url, ana, "GET", "up_notanid", "", NULL);
    g_autoptr (CtResponse) r2 = on_upload (b.url, ana, "GET", folder_id, "", NULL);
    ct_assert_problem (r, 404, NULL);
    ct_assert_problem (r2, 404, NULL);
  }
  {
    g_autoptr (CtResponse) r = on_upload (b.url, ana, "DELETE", u.id, "", NULL);
    g_assert_cmpuint (r->status, ==, 204);
  }
}

static void
test_bad_creates (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "badres");
  g_autofree char *folder = photos_folder_id (s, 424242);
  g_autofree char *in_folder = g_strdup_printf (
      "{\"name\":\"a.jpg\",\"content_type\":\"image/jpeg\",\"size\":10,\"resumable\":true,"
      "\"folder_id\":\"%s\"}",
      folder);
  guint rows = photos_count_rows (s);
  guint uploads = photos_count_uploads (s);
  guint multipart = photos_count_multipart (s);
  const struct
  {
    const char *body;
    guint status;
    const char *field;
  } cases[] = {
    { "{\"name\":\"a.jpg\",\"content_type\":\"image/jpeg\",\"resumable\":true}", 422, "size" },
    { "{\"name\":\"a.jpg\",\"content_type\":\"image/jpeg\",\"size\":2097153,\"resumable\":true}",
      413, "size" },
    { "{\"name\":\"a.jpg\",\"content_type\":\"image/jpeg\",\"size\":0,\"resumable\":true}", 422,
      "size" },
    { "{\"name\":\"a.jpg\",\"content_type\":\"image/jpeg\",\"size\":1.5,\"resumable\":true}", 422,
      "size" },
    { "{\"name\":\"a.jpg\",\"content_type\":\"image/jpeg\",\"size\":\"10\",\"resumable\":true}",
      422, "size" },
    { "{\"name\":\"a.jpg\",\"content_type\":\"application/pdf\",\"size\":10,\"resumable\":true}",
      422, "content_type" },
    { "{\"name\":\"a.jpg\",\"content_type\":\"image/jpeg\",\"size\":10,\"resumable\":\"yes\"}", 422,
      "resumable" },
    { "{\"name\":\"a.jpg\",\"content_type\":\"image/jpeg\",\"size\":10,\"resumable\":1}", 422,
      "resumable" },
    { "{\"content_type\":\"image/jpeg\",\"size\":10,\"resumable\":true}", 422, "name" },
    /* carrete-folders is not running in this stack: a folder cannot be
     * checked, so nothing is created (as for the direct upload). */
    { in_folder, 503, NULL },
    { "{\"name\":\"a.jpg\",\"content_type\":\"image/jpeg\",\"size\":10,\"resumable\":true,"
      "\"folder_id\":\"nonsense\"}",
      404, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (CtResponse) r = create (s->photos_url, ana, cases[i].body);
      g_test_message ("create %s", cases[i].body);
      ct_assert_problem (r, cases[i].status, cases[i].field);
    }
  g_assert_cmpuint (photos_count_rows (s), ==, rows);
  g_assert_cmpuint (photos_count_uploads (s), ==, uploads);
  g_assert_cmpuint (photos_count_multipart (s), ==, multipart);
}

static void
test_bad_part_queries (PhotosStack *s)
{
  g_auto (Big) b = { 0 };
  g_autoptr (PhotosUser) ana = photos_user_new (s, "badparts");
  g_auto (Upload) u = { 0 };
  const char *queries[]
      = { "?from=3&to=2", "?from=0&to=1", "?from=1&to=4",  "?from=1&to=101", "?from=a&to=2",
          "?from=1",      "?to=2",        "?from=1&to=2x", "?from=-1&to=2",  "" };

  big_start (&b, s, "CARRETE_UPLOAD_TTL=86400");
  start (b.url, ana, "parts.jpg", BIG_SIZE, &u);
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autofree char *tail = g_strconcat ("/parts", queries[i], NULL);
      g_autoptr (CtResponse) r = on_upload (b.url, ana, "POST", u.id, tail, NULL);
      g_test_message ("parts%s", queries[i]);
      ct_assert_problem (r, 400, NULL);
    }
  {
    g_autoptr (CtResponse) r = on_upload (b.url, ana, "POST", u.id, "/parts?from=3&to=3", NULL);
    JsonArray *parts;

    g_assert_cmpuint (r->status, ==, 200);
    parts = json_object_get_array_member (ct_response_object (r), "parts");
    g_assert_cmpuint (json_array_get_length (parts), ==, 1);
    g_assert_cmpint (
        json_object_get_int_member (json_array_get_object_element (parts, 0), "number"), ==, 3);
  }
  {
    g_autoptr (CtResponse) r = on_upload (b.url, ana, "DELETE", u.id, "", NULL);
    g_assert_cmpuint (r->status, ==, 204);
  }
}

/* ---- abort and abandon -------------------------------------------------------------- */

static void
test_delete (PhotosStack *s)
{
  g_auto (Big) b = { 0 };
  g_autoptr (PhotosUser) ana = photos_user_new (s, "abort");
  g_autoptr (GBytes) file = photos_make_big_jpeg (BIG_SIZE, 5);
  g_auto (Upload) u = { 0 };
  g_autofree char *etag = NULL;
  g_autoptr (GBytes) again = NULL;
  guint objects = photos_count_objects (s);

  big_start (&b, s, "CARRETE_UPLOAD_TTL=86400");
  start (b.url, ana, "abort.jpg", BIG_SIZE, &u);
  etag = send_part (&u, file, 1);
  g_assert_cmpuint (photos_count_multipart (s), >=, 1);
  {
    g_autoptr (CtResponse) r = on_upload (b.url, ana, "DELETE", u.id, "", NULL);
    g_assert_cmpuint (r->status, ==, 204);
  }
  assert_gone (b.url, ana, u.id);
  g_assert_cmpuint (photos_count_multipart (s), ==, 0);
  g_assert_cmpuint (photos_count_uploads (s), ==, 0);
  g_assert_cmpuint (photos_count_objects (s), ==, objects);
  again = part_bytes (file, 2);
  g_assert_cmpuint (put (u.urls->pdata[1], again, NULL), ==, 404);
  /* The replayed part left nothing: no upload, no object. */
  g_assert_cmpuint (photos_count_multipart (s), ==, 0);
  g_assert_cmpuint (photos_count_objects (s), ==, objects);
}

/* Cut at 50% and abandoned: after CARRETE_UPLOAD_TTL and a sweep, no
 * object, no row, no multipart upload. */
static void
test_abandoned (PhotosStack *s)
{
  g_auto (Big) b = { 0 };
  g_autoptr (PhotosUser) ana = photos_user_new (s, "abandon");
  g_autoptr (GBytes) file = photos_make_big_jpeg (2 * PART, 6);
  g_auto (Upload) u = { 0 };
  g_autofree char *etag = NULL;
  g_autofree char *spool = NULL;
  guint objects = photos_count_objects (s);
  CtService *sweeper;

  big_start (&b, s, "CARRETE_UPLOAD_TTL=2");
  start (b.url, ana, "abandoned.jpg", 2 * PART, &u);
  g_assert_cmpuint (u.part_count, ==, 2);
  etag = send_part (&u, file, 1);
  g_assert_cmpuint (photos_count_uploads (s), ==, 1);
  g_assert_cmpuint (photos_count_multipart (s), ==, 1);
  g_usleep (2500 * 1000);
  /* Past its deadline it is gone for the client at once (decided by the
   * database's clock)... */
  {
    g_autoptr (CtResponse) r = on_upload (b.url, ana, "GET", u.id, "", NULL);
    ct_assert_problem (r, 404, NULL);
  }
  /* ...and a service sweeps when it starts (then every minute). */
  sweeper = photos_stack_start_instance (s, NULL, &spool);
  for (guint i = 0; i < 100 && photos_count_uploads (s) > 0; i++)
    g_usleep (100 * 1000);
  g_assert_cmpuint (photos_count_uploads (s), ==, 0);
  g_assert_cmpuint (photos_count_multipart (s), ==, 0);
  g_assert_cmpuint (photos_count_objects (s), ==, objects);
  photos_assert_consistent (s, spool);
  ct_service_free (sweeper);
}

static void
add_tests (void)
{
  photos_add_test ("resumable/resume", test_resume, TRUE, TRUE);
  photos_add_test ("resumable/wrong-length", test_wrong_length, TRUE, TRUE);
  photos_add_test ("resumable/complete-refused", test_complete_refused, TRUE, TRUE);
  photos_add_test ("resumable/duplicate", test_duplicate, TRUE, TRUE);
  photos_add_test ("resumable/other-user", test_other_user, TRUE, TRUE);
  photos_add_test ("resumable/bad-creates", test_bad_creates, TRUE, TRUE);
  photos_add_test ("resumable/bad-part-queries", test_bad_part_queries, TRUE, TRUE);
  photos_add_test ("resumable/delete", test_delete, TRUE, TRUE);
  photos_add_test ("resumable/abandoned", test_abandoned, TRUE, TRUE);
}

int
main (int argc, char **argv)
{
  return photos_test_main (argc, argv, add_tests);
}
