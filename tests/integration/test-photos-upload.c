#define G_LOG_DOMAIN "carrete-test-photos-upload"

/* carrete-photos uploads, end to end against real PostgreSQL, the real
 * users and photos binaries, and each storage backend (a directory, and a
 * real MinIO that checks signatures): streamed (raw and multipart) and
 * direct (presigned PUT, then complete), with every kind of bad input.
 * After each failure, storage and database must agree: no object without a
 * row, no ready row without its objects, no spool file left. */

#include <signal.h>
#include <string.h>

#include "photos-fixture.h"

/* ---- helpers ---------------------------------------------------------------- */

static const char *
member_string (JsonObject *object, const char *name)
{
  g_assert_true (json_object_has_member (object, name));
  return json_object_get_string_member (object, name);
}

static void
assert_rfc3339 (const char *text)
{
  g_autoptr (GDateTime) when = NULL;

  g_assert_nonnull (text);
  g_assert_true (g_str_has_suffix (text, "Z"));
  when = g_date_time_new_from_iso8601 (text, NULL);
  g_assert_nonnull (when);
}

/* Every field of a ready photo, as its owner sees it. */
static void
assert_ready_photo (JsonObject *photo, PhotosUser *owner, const char *name, GBytes *bytes,
                    const char *type, guint width, guint height)
{
  g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);

  g_assert_true (g_str_has_prefix (member_string (photo, "id"), "ph_"));
  g_assert_cmpstr (member_string (photo, "owner_id"), ==, owner->id);
  g_assert_true (json_object_get_null_member (photo, "folder_id"));
  g_assert_cmpstr (member_string (photo, "name"), ==, name);
  g_assert_cmpstr (member_string (photo, "content_type"), ==, type);
  g_assert_cmpint (json_object_get_int_member (photo, "size"), ==, g_bytes_get_size (bytes));
  g_assert_cmpstr (member_string (photo, "sha256"), ==, sha256);
  g_assert_cmpint (json_object_get_int_member (photo, "width"), ==, width);
  g_assert_cmpint (json_object_get_int_member (photo, "height"), ==, height);
  g_assert_cmpstr (member_string (photo, "state"), ==, "ready");
  g_assert_cmpstr (member_string (photo, "thumbnails"), ==, "ready");
  g_assert_true (json_object_get_null_member (photo, "thumbnails_error"));
  assert_rfc3339 (member_string (photo, "uploaded_at"));
  assert_rfc3339 (member_string (photo, "updated_at"));
  g_assert_nonnull (member_string (photo, "url"));
  g_assert_nonnull (member_string (photo, "thumbnail_url"));
  g_assert_nonnull (member_string (photo, "preview_url"));
}

/* A photo just uploaded (201, or 200 for a completed direct upload): its thumbnails are pending,
 * and so is what only decoding tells (size, taken_at, the thumbnails' URLs); the original is there
 * already.  Returns the photo as GET shows it once its thumbnails job has run. */
static CtResponse *
settle (PhotosStack *s, PhotosUser *owner, CtResponse *created)
{
  JsonObject *photo = ct_response_object (created);

  g_assert_cmpstr (member_string (photo, "state"), ==, "ready");
  g_assert_cmpstr (member_string (photo, "thumbnails"), ==, "pending");
  g_assert_true (json_object_get_null_member (photo, "width"));
  g_assert_true (json_object_get_null_member (photo, "height"));
  g_assert_true (json_object_get_null_member (photo, "taken_at"));
  g_assert_true (json_object_get_null_member (photo, "thumbnail_url"));
  g_assert_true (json_object_get_null_member (photo, "preview_url"));
  g_assert_true (json_object_get_null_member (photo, "thumbnails_error"));
  g_assert_nonnull (member_string (photo, "url"));
  return ct_await_thumbnails (s->photos_url, owner->token, member_string (photo, "id"));
}

/* Downloads a thumbnail URL: a whole JPEG; gives its size. */
static void
fetch_thumbnail (const char *url, guint *width, guint *height)
{
  g_autoptr (CtResponse) r = photos_fetch (url, NULL);
  g_autofree char *loader = NULL;

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (ct_response_header (r, "Content-Type"), ==, "image/jpeg");
  photos_image_size (r->body, width, height, &loader);
  g_assert_cmpstr (loader, ==, "VipsForeignLoadJpegBuffer");
}

/* The original comes back byte for byte; the thumbnails have the expected
 * sizes. */
static void
assert_downloads (JsonObject *photo, GBytes *original, guint small_w, guint small_h, guint large_w,
                  guint large_h)
{
  g_autoptr (CtResponse) r = photos_fetch (member_string (photo, "url"), NULL);
  guint w = 0, h = 0;

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_true (g_bytes_equal (r->body, original));
  g_assert_cmpstr (ct_response_header (r, "Content-Type"), ==, member_string (photo, "content_type"));
  fetch_thumbnail (member_string (photo, "thumbnail_url"), &w, &h);
  g_assert_cmpuint (w, ==, small_w);
  g_assert_cmpuint (h, ==, small_h);
  fetch_thumbnail (member_string (photo, "preview_url"), &w, &h);
  g_assert_cmpuint (w, ==, large_w);
  g_assert_cmpuint (h, ==, large_h);
}

static GBytes *
bytes_of (const char *text, gsize len)
{
  return g_bytes_new (text, len);
}

/* What a refused request must leave: the same rows, the same objects. */
typedef struct
{
  guint rows;
  guint objects;
} Snapshot;

static Snapshot
snapshot (PhotosStack *s)
{
  photos_assert_consistent (s, NULL);
  return (Snapshot) { photos_count_rows (s), photos_count_objects (s) };
}

static void
assert_unchanged (PhotosStack *s, Snapshot before)
{
  photos_assert_consistent (s, NULL);
  g_assert_cmpuint (photos_await_rows (s, before.rows), ==, before.rows);
  g_assert_cmpuint (photos_count_objects (s), ==, before.objects);
}

static void
assert_refused (PhotosStack *s, PhotosUser *user, const char *query, const char *type,
                GBytes *body, guint status, const char *field)
{
  Snapshot before = snapshot (s);
  g_autoptr (CtResponse) r = NULL;

  g_test_message ("%s %s (%zu bytes): expecting %u", query, type, g_bytes_get_size (body), status);
  r = photos_post_raw (s, user->token, query, type, body);
  ct_assert_problem (r, status, field);
  assert_unchanged (s, before);
}

/* ---- streamed upload ----------------------------------------------------------- */

static void
test_raw_upload (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "raw");
  g_autoptr (GBytes) jpeg = photos_make_jpeg (1600, 1200, 1, "2021:03:04 05:06:07", 0);
  g_autoptr (CtResponse) r = photos_post_raw (s, ana->token, "?name=Beach%20day.jpg",
                                              "image/jpeg", jpeg);
  g_autoptr (CtResponse) ready = NULL;
  JsonObject *photo;

  g_assert_cmpuint (r->status, ==, 201);
  g_assert_cmpstr (ct_response_header (r, "Cache-Control"), ==, "private, no-store");
  ready = settle (s, ana, r);
  photo = ct_response_object (ready);
  assert_ready_photo (photo, ana, "Beach day.jpg", jpeg, "image/jpeg", 1600, 1200);
  /* EXIF DateTimeOriginal becomes taken_at. */
  g_assert_cmpstr (member_string (photo, "taken_at"), ==, "2021-03-04T05:06:07.000Z");
  assert_downloads (photo, jpeg, 256, 192, 1280, 960);
  photos_assert_consistent (s, NULL);
}

static void
test_type_from_bytes (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "sniff");
  g_autoptr (GBytes) png = photos_make_png (300, 200, 2, FALSE);
  g_autoptr (GBytes) jpeg = photos_make_jpeg (300, 200, 3, NULL, 0);
  g_autoptr (CtResponse) as_jpeg = photos_post_raw (s, ana->token, "?name=a", "image/jpeg", png);
  g_autoptr (CtResponse) as_octets = photos_post_raw (s, ana->token, "?name=b",
                                                      "application/octet-stream", jpeg);

  g_autoptr (CtResponse) png_ready = NULL;
  g_autoptr (CtResponse) jpeg_ready = NULL;

  /* The declared type is only a hint: the bytes decide. */
  g_assert_cmpuint (as_jpeg->status, ==, 201);
  g_assert_cmpstr (ct_response_string (as_jpeg, "content_type"), ==, "image/png");
  png_ready = settle (s, ana, as_jpeg);
  g_assert_true (json_object_get_null_member (ct_response_object (png_ready), "taken_at"));
  assert_downloads (ct_response_object (png_ready), png, 256, 171, 300, 200);
  g_assert_cmpuint (as_octets->status, ==, 201);
  jpeg_ready = settle (s, ana, as_octets);
  g_assert_cmpstr (ct_response_string (jpeg_ready, "thumbnails"), ==, "ready");
  g_assert_cmpstr (ct_response_string (as_octets, "content_type"), ==, "image/jpeg");
  photos_assert_consistent (s, NULL);
}

static void
test_other_types (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "types");
  static const struct
  {
    const char *suffix;
    const char *type;
  } types[] = {
    { ".webp", "image/webp" },
    { ".gif", "image/gif" },
    { ".heic", "image/heic" },
  };

  /* Every accepted type is stored as sent, with JPEG thumbnails. */
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_autoptr (GBytes) image = photos_make_image (640, 320, 5 + i, types[i].suffix);
      g_autofree char *query = g_strdup_printf ("?name=image%s", types[i].suffix);
      g_autofree char *name = g_strdup_printf ("image%s", types[i].suffix);
      g_autoptr (CtResponse) created = photos_post_raw (s, ana->token, query, types[i].type, image);
      g_autoptr (CtResponse) r = NULL;

      g_test_message ("%s", types[i].type);
      g_assert_cmpuint (created->status, ==, 201);
      r = settle (s, ana, created);
      assert_ready_photo (ct_response_object (r), ana, name, image, types[i].type, 640, 320);
      assert_downloads (ct_response_object (r), image, 256, 128, 640, 320);
    }
  photos_assert_consistent (s, NULL);
}

static void
test_multipart_upload (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "form");
  g_autoptr (GBytes) a = photos_make_jpeg (400, 300, 10, NULL, 0);
  g_autoptr (GBytes) b = photos_make_jpeg (400, 300, 11, NULL, 0);
  g_autoptr (GBytes) c = photos_make_png (500, 250, 12, TRUE);
  g_autoptr (GBytes) d = photos_make_jpeg (400, 300, 13, NULL, 0);
  g_autoptr (GBytes) e = photos_make_jpeg (400, 300, 14, NULL, 0);
  g_autoptr (CtResponse) field = photos_post_form (s, ana->token, "", "From field.jpg",
                                                   "ignored.jpg", "image/jpeg", a);
  g_autoptr (CtResponse) query = photos_post_form (s, ana->token, "?name=From%20query.jpg",
                                                   "From field.jpg", "ignored.jpg", "image/jpeg", b);
  g_autoptr (CtResponse) file = photos_post_form (s, ana->token, "", NULL,
                                                  "C:\\\\Users\\\\ana\\\\holiday.png",
                                                  "image/png", c);
  g_autoptr (CtResponse) traversal = photos_post_form (s, ana->token, "", NULL,
                                                       "../../etc/passwd.jpg", "image/jpeg", d);
  g_autoptr (CtResponse) nameless = photos_post_form (s, ana->token, "", NULL, NULL, "image/jpeg",
                                                      e);
  g_autoptr (CtResponse) no_file = NULL;
  g_autoptr (CtResponse) field_ready = NULL;
  g_autoptr (CtResponse) file_ready = NULL;
  Snapshot before;

  g_assert_cmpuint (field->status, ==, 201);
  field_ready = settle (s, ana, field);
  assert_ready_photo (ct_response_object (field_ready), ana, "From field.jpg", a, "image/jpeg", 400,
                      300);
  assert_downloads (ct_response_object (field_ready), a, 256, 192, 400, 300);
  g_assert_cmpuint (query->status, ==, 201);
  g_assert_cmpstr (ct_response_string (query, "name"), ==, "From query.jpg");
  /* Only the last segment of a client's path is a name. */
  g_assert_cmpuint (file->status, ==, 201);
  file_ready = settle (s, ana, file);
  assert_ready_photo (ct_response_object (file_ready), ana, "holiday.png", c, "image/png", 500,
                      250);
  assert_downloads (ct_response_object (file_ready), c, 256, 128, 500, 250);
  g_assert_cmpuint (traversal->status, ==, 201);
  g_assert_cmpstr (ct_response_string (traversal, "name"), ==, "passwd.jpg");
  g_assert_cmpuint (nameless->status, ==, 201);
  g_assert_cmpstr (ct_response_string (nameless, "name"), ==, "Untitled");

  /* A form without a file part uploads nothing. */
  before = snapshot (s);
  {
    static const char text[] = "--xx\r\nContent-Disposition: form-data; name=\"name\"\r\n"
                               "\r\nlonely\r\n--xx--\r\n";
    g_autoptr (GBytes) form = bytes_of (text, sizeof text - 1);
    no_file = photos_post_raw (s, ana->token, "", "multipart/form-data; boundary=xx", form);
  }
  ct_assert_problem (no_file, 400, NULL);
  assert_unchanged (s, before);
}

static void
test_orientation_and_grey (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "orient");
  /* Stored landscape, shown portrait: orientation 6 turns it 90°. */
  g_autoptr (GBytes) turned = photos_make_jpeg (300, 200, 20, NULL, 6);
  g_autoptr (GBytes) grey = photos_make_gray_jpeg (640, 480, 21);
  g_autoptr (CtResponse) turned_created
      = photos_post_raw (s, ana->token, "?name=turned.jpg", "image/jpeg", turned);
  g_autoptr (CtResponse) grey_created
      = photos_post_raw (s, ana->token, "?name=grey.jpg", "image/jpeg", grey);
  g_autoptr (CtResponse) r = NULL;
  g_autoptr (CtResponse) g = NULL;
  guint w = 0, h = 0;

  g_assert_cmpuint (turned_created->status, ==, 201);
  r = settle (s, ana, turned_created);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (ct_response_object (r), "width"), ==, 200);
  g_assert_cmpint (json_object_get_int_member (ct_response_object (r), "height"), ==, 300);
  fetch_thumbnail (ct_response_string (r, "thumbnail_url"), &w, &h);
  g_assert_cmpuint (h, ==, 256);
  g_assert_cmpuint (w, >=, 170);
  g_assert_cmpuint (w, <=, 171);
  fetch_thumbnail (ct_response_string (r, "preview_url"), &w, &h);
  g_assert_cmpuint (w, ==, 200);
  g_assert_cmpuint (h, ==, 300);

  g_assert_cmpuint (grey_created->status, ==, 201);
  g = settle (s, ana, grey_created);
  assert_ready_photo (ct_response_object (g), ana, "grey.jpg", grey, "image/jpeg", 640, 480);
  assert_downloads (ct_response_object (g), grey, 256, 192, 640, 480);
  photos_assert_consistent (s, NULL);
}

static void
test_duplicate (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "dup");
  g_autoptr (PhotosUser) bea = photos_user_new (s, "dup");
  g_autoptr (GBytes) jpeg = photos_make_jpeg (320, 240, 30, NULL, 0);
  g_autofree char *first = photos_upload (s, ana->token, "first.jpg", jpeg);
  g_autofree char *theirs = NULL;
  Snapshot before = snapshot (s);
  g_autoptr (CtResponse) again = photos_post_raw (s, ana->token, "?name=second.jpg", "image/jpeg",
                                                  jpeg);
  g_autoptr (CtResponse) form = photos_post_form (s, ana->token, "", "third.jpg", NULL,
                                                  "image/jpeg", jpeg);

  ct_assert_problem (again, 409, NULL);
  g_assert_cmpstr (ct_response_string (again, "existing_id"), ==, first);
  ct_assert_problem (form, 409, NULL);
  g_assert_cmpstr (ct_response_string (form, "existing_id"), ==, first);
  assert_unchanged (s, before);
  /* The same bytes are someone else's own copy. */
  theirs = photos_upload (s, bea->token, "mine.jpg", jpeg);
  g_assert_cmpstr (theirs, !=, first);
  photos_assert_consistent (s, NULL);
}

/* A JPEG whose header claims `width`×`height`, without the pixels. */
static GBytes *
jpeg_claiming (guint width, guint height)
{
  g_autoptr (GBytes) small = photos_make_jpeg (64, 64, 40, NULL, 0);
  gsize len = 0;
  guint8 *data = g_memdup2 (g_bytes_get_data (small, &len), g_bytes_get_size (small));

  for (gsize i = 2; i + 9 < len; i++)
    if (data[i] == 0xff && (data[i + 1] == 0xc0 || data[i + 1] == 0xc2))
      {
        data[i + 5] = (guint8) (height >> 8);
        data[i + 6] = (guint8) height;
        data[i + 7] = (guint8) (width >> 8);
        data[i + 8] = (guint8) width;
        return g_bytes_new_take (data, len);
      }
  g_error ("no SOF marker");
}

/* A body that is an image by its first bytes but cannot be decoded is
 * accepted (201: only the thumbnails job decodes), and its thumbnails
 * fail with `reason`; the original stays readable, and deleting the photo
 * leaves nothing behind. */
static void
assert_thumbnails_fail (PhotosStack *s, PhotosUser *owner, GBytes *body, const char *reason)
{
  Snapshot before = snapshot (s);
  g_autoptr (CtResponse) created
      = photos_post_raw (s, owner->token, "?name=x.jpg", "image/jpeg", body);
  g_autoptr (CtResponse) failed = NULL;
  JsonObject *photo;
  g_autofree char *path = NULL;
  g_autofree char *for_good = NULL;
  g_autoptr (CtResponse) original = NULL;
  g_autoptr (CtResponse) deleted = NULL;

  g_assert_cmpuint (created->status, ==, 201);
  failed = settle (s, owner, created);
  photo = ct_response_object (failed);
  path = g_strconcat ("/v1/photos/", member_string (photo, "id"), NULL);
  original = photos_fetch (member_string (photo, "url"), NULL);
  g_test_message ("thumbnails_error: %s", member_string (photo, "thumbnails_error"));
  g_assert_cmpstr (member_string (photo, "thumbnails"), ==, "failed");
  g_assert_nonnull (strstr (member_string (photo, "thumbnails_error"), reason));
  g_assert_true (json_object_get_null_member (photo, "width"));
  g_assert_true (json_object_get_null_member (photo, "thumbnail_url"));
  g_assert_true (json_object_get_null_member (photo, "preview_url"));
  g_assert_cmpuint (original->status, ==, 200);
  g_assert_true (g_bytes_equal (original->body, body));
  for_good = g_strconcat (path, "?permanent=true", NULL);
  deleted = ct_http (s->photos_url, "DELETE", for_good, owner->token, NULL);
  g_assert_cmpuint (deleted->status, ==, 204);
  assert_unchanged (s, before);
}

static void
test_bad_bodies (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "bad");
  static const char pdf[] = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n";
  static const char elf[] = "\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0\x01\0\0\0";
  static const char exe[] = "MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0This program cannot be run";
  g_autoptr (GBytes) pdf_bytes = bytes_of (pdf, sizeof pdf - 1);
  g_autoptr (GBytes) elf_bytes = bytes_of (elf, sizeof elf - 1);
  g_autoptr (GBytes) exe_bytes = bytes_of (exe, sizeof exe - 1);
  g_autoptr (GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr (GBytes) whole = photos_make_jpeg (800, 600, 41, NULL, 0);
  g_autoptr (GBytes) truncated = g_bytes_new_from_bytes (whole, 0, g_bytes_get_size (whole) / 2);
  g_autoptr (GBytes) bomb = jpeg_claiming (20000, 20000);
  g_autoptr (GBytes) tiny = photos_make_jpeg (1, 1, 42, NULL, 0);
  g_autoptr (CtResponse) one = NULL;
  g_autoptr (CtResponse) health = NULL;

  assert_refused (s, ana, "?name=x.jpg", "image/jpeg", pdf_bytes, 415, NULL);
  assert_refused (s, ana, "?name=x.jpg", "image/jpeg", elf_bytes, 415, NULL);
  assert_refused (s, ana, "?name=x.jpg", "image/jpeg", exe_bytes, 415, NULL);
  assert_refused (s, ana, "?name=x.jpg", "image/jpeg", empty, 400, NULL);
  /* Image bytes that do not decode: accepted, and their thumbnails fail. */
  assert_thumbnails_fail (s, ana, truncated, "the image/jpeg image is truncated or corrupt");
  assert_refused (s, ana, "?name=x.jpg", "text/plain", whole, 415, NULL);
  /* A decompression bomb is refused from its header, before decoding (by
   * the thumbnails job). */
  assert_thumbnails_fail (s, ana, bomb, "20000 × 20000 pixels, more than the");
  {
    Snapshot before = snapshot (s);
    g_autoptr (CtResponse) r = photos_post_form (s, ana->token, "", "pdf.jpg", "pdf.jpg",
                                                 "image/jpeg", pdf_bytes);
    ct_assert_problem (r, 415, NULL);
    assert_unchanged (s, before);
  }

  /* The smallest image is fine, and its thumbnails are not upscaled. */
  {
    g_autoptr (CtResponse) created
        = photos_post_raw (s, ana->token, "?name=dot.jpg", "image/jpeg", tiny);
    one = settle (s, ana, created);
  }
  assert_ready_photo (ct_response_object (one), ana, "dot.jpg", tiny, "image/jpeg", 1, 1);
  assert_downloads (ct_response_object (one), tiny, 1, 1, 1, 1);
  /* Sides shorter than libjpeg's shrink-on-load factors. */
  {
    g_autoptr (GBytes) thin = photos_make_jpeg (9, 3, 43, NULL, 0);
    g_autoptr (GBytes) panorama = photos_make_jpeg (20000, 3, 44, NULL, 0);
    g_autoptr (CtResponse) thin_created
        = photos_post_raw (s, ana->token, "?name=thin.jpg", "image/jpeg", thin);
    g_autoptr (CtResponse) pan_created
        = photos_post_raw (s, ana->token, "?name=pan.jpg", "image/jpeg", panorama);
    g_autoptr (CtResponse) r = NULL;
    g_autoptr (CtResponse) p = NULL;

    g_assert_cmpuint (thin_created->status, ==, 201);
    r = settle (s, ana, thin_created);
    assert_downloads (ct_response_object (r), thin, 9, 3, 9, 3);
    g_assert_cmpuint (pan_created->status, ==, 201);
    p = settle (s, ana, pan_created);
    assert_downloads (ct_response_object (p), panorama, 256, 1, 1280, 1);
  }
  health = ct_http (s->photos_url, "GET", "/healthz", NULL, NULL);
  g_assert_cmpuint (health->status, ==, 200);
  photos_assert_consistent (s, NULL);
}

static void
test_size_limit (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "limit");
  g_autoptr (GBytes) jpeg = photos_make_jpeg (64, 64, 50, NULL, 0);
  guint8 *padded = g_malloc0 (PHOTOS_MAX_UPLOAD + 1);
  g_autoptr (GBytes) over = NULL;
  Snapshot before;

  /* A JPEG start, then one byte more than allowed. */
  memcpy (padded, g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg));
  over = g_bytes_new_take (padded, PHOTOS_MAX_UPLOAD + 1);
  assert_refused (s, ana, "?name=big.jpg", "image/jpeg", over, 413, NULL);
  before = snapshot (s);
  {
    g_autoptr (CtResponse) r = photos_post_form (s, ana->token, "", "big.jpg", "big.jpg",
                                                 "image/jpeg", over);
    ct_assert_problem (r, 413, NULL);
  }
  assert_unchanged (s, before);
  /* Without a Content-Length the limit is found by counting. */
  g_assert_cmpuint (photos_post_chunked (s->photos_url, "/v1/photos?name=big.jpg", ana->token,
                                         "image/jpeg", over),
                    ==, 413);
  assert_unchanged (s, before);
  /* A body that fits, sent the same way, is fine. */
  g_assert_cmpuint (photos_post_chunked (s->photos_url, "/v1/photos?name=chunked.jpg",
                                         ana->token, "image/jpeg", jpeg),
                    ==, 201);
  photos_assert_consistent (s, NULL);
}

static void
test_same_bytes_at_once (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "race");
  g_autoptr (GBytes) jpeg = photos_make_jpeg (1024, 768, 55, NULL, 0);
  guint statuses[4] = { 0 };
  guint created = 0;

  /* Racing uploads of the same bytes: one wins, the others are told. */
  photos_post_parallel (s, ana->token, "?name=race.jpg", jpeg, G_N_ELEMENTS (statuses), statuses);
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_test_message ("upload %u: %u", i, statuses[i]);
      g_assert_true (statuses[i] == 201 || statuses[i] == 409);
      created += statuses[i] == 201;
    }
  g_assert_cmpuint (created, ==, 1);
  photos_assert_consistent (s, NULL);
}

static void
test_client_hangs_up (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "hangup");
  g_autoptr (GBytes) jpeg = photos_make_jpeg (1200, 900, 60, NULL, 0);
  gsize len = g_bytes_get_size (jpeg);
  Snapshot before = snapshot (s);
  g_autoptr (GBytes) later = photos_make_jpeg (100, 100, 61, NULL, 0);
  g_autofree char *id = NULL;

  /* Half of the announced bytes, then gone. */
  photos_send_and_hang_up (s->photos_url, "/v1/photos?name=half.jpg", ana->token, "image/jpeg",
                           PHOTOS_MAX_UPLOAD, jpeg, len);
  photos_send_and_hang_up (s->photos_url, "/v1/photos?name=half.jpg", ana->token,
                           "multipart/form-data; boundary=zz", 200000, jpeg, len / 2);
  assert_unchanged (s, before);
  /* The service is still well. */
  id = photos_upload (s, ana->token, "after.jpg", later);
  g_assert_nonnull (id);
  photos_assert_consistent (s, NULL);
}

/* How many requests carrete-photos logged as `method` `route` → `status`. */
static guint
count_logged (PhotosStack *s, const char *method, const char *route, guint status)
{
  g_autofree char *output = ct_service_output (s->photos);
  g_autofree char *entry
      = g_strdup_printf ("\"method\":\"%s\",\"route\":\"%s\",\"status\":%u", method, route, status);
  guint n = 0;

  for (const char *at = strstr (output, entry); at != NULL; at = strstr (at + 1, entry))
    n++;
  return n;
}

/* The row insert (the upload's admission, before its body is read) waits
 * for a lock, and the client hangs up before sending its body: the insert
 * is cancelled while the lock is still held, and nothing is left behind,
 * no row and no object.  (A hang-up is seen once nothing unread is left
 * on the connection: a body sent whole and never read would hide it.) */
static void
test_hang_up_cancels_insert (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "hanginsert");
  g_autoptr (GBytes) jpeg = photos_make_jpeg (320, 240, 62, NULL, 0);
  gsize len = g_bytes_get_size (jpeg);
  guint cancelled = count_logged (s, "POST", "/v1/photos", 499);
  Snapshot before = snapshot (s);
  PGconn *locker = ct_postgres_connect (s->pg, "carrete_photos");

  /* SHARE lets the duplicate check read, and makes the insert wait (its
   * PREPARE too). */
  ct_postgres_exec (locker, "BEGIN");
  ct_postgres_exec (locker, "LOCK TABLE photos IN SHARE MODE");
  {
    g_autoptr (GSocketConnection) hung = photos_send_only (
        s->photos_url, "/v1/photos?name=late.jpg", ana->token, "image/jpeg", len, jpeg, 0);

    g_assert_true (ct_postgres_lock_waiters_become (s->pg, "carrete_photos", "carrete-photos",
                                                    "INSERT INTO photos", 1, 5000));
    g_io_stream_close (G_IO_STREAM (hung), NULL, NULL);
  }
  /* The lock is still held: only a cancel can have ended the statement. */
  g_assert_true (ct_postgres_lock_waiters_become (s->pg, "carrete_photos", "carrete-photos",
                                                  "INSERT INTO photos", 0, 2000));
  ct_postgres_exec (locker, "ROLLBACK");
  PQfinish (locker);
  assert_unchanged (s, before);
  g_assert_cmpuint (count_logged (s, "POST", "/v1/photos", 499), ==, cancelled + 1);
}

/* The same once the original is in storage: the statement that makes the
 * photo ready waits (for an advisory lock a trigger takes), the client
 * hangs up, and the upload is undone, objects and row, while the lock is
 * still held (the clean-up itself is never cancelled). */
static void
test_hang_up_after_storing (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "hangready");
  g_autoptr (GBytes) jpeg = photos_make_jpeg (320, 240, 63, NULL, 0);
  gsize len = g_bytes_get_size (jpeg);
  guint cancelled = count_logged (s, "POST", "/v1/photos", 499);
  Snapshot before = snapshot (s);
  PGconn *locker = ct_postgres_connect (s->pg, "carrete_photos");
  const char *ready = "SET state = 'ready'";

  ct_postgres_exec (locker, "CREATE FUNCTION test_hold_ready () RETURNS trigger LANGUAGE plpgsql"
                            " AS $$BEGIN PERFORM pg_advisory_xact_lock (4711); RETURN NEW; END$$");
  ct_postgres_exec (locker, "CREATE TRIGGER test_hold_ready BEFORE UPDATE ON photos FOR EACH ROW"
                            " WHEN (OLD.state = 'pending' AND NEW.state = 'ready')"
                            " EXECUTE FUNCTION test_hold_ready ()");
  ct_postgres_exec (locker, "SELECT pg_advisory_lock (4711)");
  {
    g_autoptr (GSocketConnection) hung = photos_send_only (
        s->photos_url, "/v1/photos?name=late.jpg", ana->token, "image/jpeg", len, jpeg, len);

    g_assert_true (ct_postgres_lock_waiters_become (s->pg, "carrete_photos", "carrete-photos",
                                                    ready, 1, 5000));
    /* The original (the thumbnails come later, from the job). */
    g_assert_cmpuint (photos_count_objects (s), ==, before.objects + 1);
    g_io_stream_close (G_IO_STREAM (hung), NULL, NULL);
  }
  g_assert_true (
      ct_postgres_lock_waiters_become (s->pg, "carrete_photos", "carrete-photos", ready, 0, 2000));
  assert_unchanged (s, before);
  ct_postgres_exec (locker, "SELECT pg_advisory_unlock (4711)");
  ct_postgres_exec (locker, "DROP TRIGGER test_hold_ready ON photos");
  ct_postgres_exec (locker, "DROP FUNCTION test_hold_ready ()");
  PQfinish (locker);
  g_assert_cmpuint (count_logged (s, "POST", "/v1/photos", 499), ==, cancelled + 1);
}

static void
test_names (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "names");
  g_autoptr (GBytes) jpeg = photos_make_jpeg (64, 48, 70, NULL, 0);
  g_autoptr (GBytes) other = photos_make_jpeg (64, 48, 71, NULL, 0);
  g_autoptr (GBytes) third = photos_make_jpeg (64, 48, 72, NULL, 0);
  g_autoptr (GString) long_name = g_string_new ("?name=");
  g_autoptr (GString) longest = g_string_new (NULL);
  const char *bad[] = { "?name=a%2Fb.jpg", "?name=..", "?name=.", "?name=a%00b.jpg",
                        "?name=%20%20", "?name=", "?name=tab%09.jpg", "?name=a%5Cb.jpg",
                        "?name=%FF%FE.jpg" };
  g_autoptr (CtResponse) emoji = NULL;
  g_autoptr (CtResponse) max = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("name %s", bad[i]);
      assert_refused (s, ana, bad[i], "image/jpeg", jpeg, 422, "name");
    }
  for (guint i = 0; i < 1000; i++)
    g_string_append_c (long_name, 'a');
  assert_refused (s, ana, long_name->str, "image/jpeg", jpeg, 422, "name");
  {
    Snapshot before = snapshot (s);
    g_autoptr (CtResponse) r = photos_post_form (s, ana->token, "", "../etc/passwd", NULL,
                                                 "image/jpeg", jpeg);
    ct_assert_problem (r, 422, "name");
    assert_unchanged (s, before);
  }

  /* Any script and emoji are names; 255 characters is the most. */
  emoji = photos_post_raw (s, ana->token,
                           "?name=%F0%9F%8C%85%20puesta%20de%20sol%20%C3%B1.jpg", "image/jpeg",
                           jpeg);
  g_assert_cmpuint (emoji->status, ==, 201);
  g_assert_cmpstr (ct_response_string (emoji, "name"), ==, "🌅 puesta de sol ñ.jpg");
  g_string_append (longest, "?name=");
  for (guint i = 0; i < 255; i++)
    g_string_append (longest, "%C3%A9");
  max = photos_post_raw (s, ana->token, longest->str, "image/jpeg", other);
  g_assert_cmpuint (max->status, ==, 201);
  g_assert_cmpint (g_utf8_strlen (ct_response_string (max, "name"), -1), ==, 255);
  g_string_append (longest, "e");
  assert_refused (s, ana, longest->str, "image/jpeg", third, 422, "name");
  photos_assert_consistent (s, NULL);
}

/* ---- direct upload ---------------------------------------------------------------- */

typedef struct
{
  char *id;
  char *url;
  char *type;
} Direct;

static void
direct_clear (Direct *d)
{
  g_free (d->id);
  g_free (d->url);
  g_free (d->type);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Direct, direct_clear)

static CtResponse *
create_upload (const char *base_url, PhotosUser *user, const char *name, const char *type,
               gsize size)
{
  g_autofree char *body = g_strdup_printf (
      "{\"name\":\"%s\",\"content_type\":\"%s\",\"size\":%zu}", name, type, size);

  return ct_http (base_url, "POST", "/v1/photos/uploads", user->token, body);
}

static void
start_direct (const char *base_url, PhotosUser *user, const char *name, const char *type,
              gsize size, Direct *d)
{
  g_autoptr (CtResponse) r = create_upload (base_url, user, name, type, size);
  JsonObject *body, *photo, *headers;

  g_assert_cmpuint (r->status, ==, 201);
  body = ct_response_object (r);
  photo = json_object_get_object_member (body, "photo");
  g_assert_cmpstr (member_string (photo, "state"), ==, "pending");
  g_assert_cmpstr (member_string (photo, "thumbnails"), ==, "pending");
  g_assert_true (!json_object_has_member (photo, "thumbnail_url")
                 || json_object_get_null_member (photo, "thumbnail_url"));
  g_assert_cmpstr (member_string (photo, "name"), ==, name);
  g_assert_cmpstr (member_string (photo, "owner_id"), ==, user->id);
  g_assert_cmpstr (member_string (body, "upload_method"), ==, "PUT");
  headers = json_object_get_object_member (body, "upload_headers");
  g_assert_cmpstr (member_string (headers, "Content-Type"), ==, type);
  assert_rfc3339 (member_string (body, "expires_at"));
  d->id = g_strdup (member_string (photo, "id"));
  d->url = g_strdup (member_string (body, "upload_url"));
  d->type = g_strdup (type);
}

static guint
put_to (const char *url, const char *type, GBytes *body)
{
  g_autoptr (CtResponse) r = ct_http_raw ("", "PUT", url, NULL, type, body);
  return r->status;
}

static CtResponse *
complete (const char *base_url, PhotosUser *user, const char *id)
{
  g_autofree char *path = g_strdup_printf ("/v1/photos/%s/complete", id);
  return ct_http (base_url, "POST", path, user->token, NULL);
}

static CtResponse *
get_photo (PhotosStack *s, PhotosUser *user, const char *id)
{
  g_autofree char *path = g_strdup_printf ("/v1/photos/%s", id);
  return ct_http (s->photos_url, "GET", path, user != NULL ? user->token : NULL, NULL);
}

static void
test_direct_upload (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "direct");
  g_autoptr (GBytes) jpeg = photos_make_jpeg (2000, 1000, 80, "2019:12:31 23:59:58", 0);
  g_auto (Direct) d = { 0 };
  g_autoptr (CtResponse) pending = NULL;
  g_autoptr (CtResponse) done = NULL;
  g_autoptr (CtResponse) ready = NULL;
  g_autoptr (CtResponse) twice = NULL;
  g_autoptr (CtResponse) got = NULL;
  g_autofree char *state = NULL;

  start_direct (s->photos_url, ana, "direct.jpg", "image/jpeg", g_bytes_get_size (jpeg), &d);
  /* Its owner can follow a pending upload (no URLs yet). */
  pending = get_photo (s, ana, d.id);
  g_assert_cmpuint (pending->status, ==, 200);
  g_assert_cmpstr (ct_response_string (pending, "state"), ==, "pending");
  g_assert_null (ct_response_string (pending, "thumbnail_url"));
  state = photos_row_state (s, d.id);
  g_assert_cmpstr (state, ==, "pending");

  g_assert_cmpuint (put_to (d.url, d.type, jpeg), ==, 200);
  done = complete (s->photos_url, ana, d.id);
  g_assert_cmpuint (done->status, ==, 200);
  g_assert_cmpstr (ct_response_string (done, "id"), ==, d.id);
  ready = settle (s, ana, done);
  assert_ready_photo (ct_response_object (ready), ana, "direct.jpg", jpeg, "image/jpeg", 2000,
                      1000);
  g_assert_cmpstr (ct_response_string (ready, "taken_at"), ==, "2019-12-31T23:59:58.000Z");
  assert_downloads (ct_response_object (ready), jpeg, 256, 128, 1280, 640);
  photos_assert_consistent (s, NULL);

  twice = complete (s->photos_url, ana, d.id);
  ct_assert_problem (twice, 409, NULL);
  got = get_photo (s, ana, d.id);
  g_assert_cmpuint (got->status, ==, 200);
  g_assert_cmpstr (ct_response_string (got, "state"), ==, "ready");
  photos_assert_consistent (s, NULL);
}

static void
test_direct_refusals (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "dirbad");
  g_autoptr (PhotosUser) bea = photos_user_new (s, "dirbad");
  g_autoptr (GBytes) jpeg = photos_make_jpeg (320, 240, 90, NULL, 0);
  static const char pdf[] = "%PDF-1.4\n%%EOF\n";
  g_autoptr (GBytes) pdf_bytes = bytes_of (pdf, sizeof pdf - 1);
  g_auto (Direct) early = { 0 };
  g_auto (Direct) wrong_type = { 0 };
  g_auto (Direct) wrong_size = { 0 };
  g_auto (Direct) not_image = { 0 };
  gsize len = g_bytes_get_size (jpeg);

  /* complete before the PUT: nothing has arrived. */
  start_direct (s->photos_url, ana, "early.jpg", "image/jpeg", len, &early);
  {
    g_autoptr (CtResponse) r = complete (s->photos_url, ana, early.id);
    ct_assert_problem (r, 409, NULL);
  }
  /* Someone else's upload is not theirs to complete. */
  g_assert_cmpuint (put_to (early.url, early.type, jpeg), ==, 200);
  {
    g_autoptr (CtResponse) r = complete (s->photos_url, bea, early.id);
    ct_assert_problem (r, 404, NULL);
  }

  /* The PUT must carry the Content-Type the URL was signed for. */
  start_direct (s->photos_url, ana, "type.jpg", "image/jpeg", len, &wrong_type);
  g_assert_cmpuint (put_to (wrong_type.url, "image/png", jpeg), ==, 403);
  {
    g_autoptr (CtResponse) r = complete (s->photos_url, ana, wrong_type.id);
    ct_assert_problem (r, 409, NULL);
  }

  /* The object must have the announced size... */
  start_direct (s->photos_url, ana, "size.jpg", "image/jpeg", len + 10, &wrong_size);
  g_assert_cmpuint (put_to (wrong_size.url, wrong_size.type, jpeg), ==, 200);
  {
    g_autoptr (CtResponse) r = complete (s->photos_url, ana, wrong_size.id);
    g_autofree char *state = photos_row_state (s, wrong_size.id);
    ct_assert_problem (r, 422, NULL);
    g_assert_cmpstr (state, ==, "pending");
  }
  /* ...and be an image of the announced type. */
  start_direct (s->photos_url, ana, "pdf.jpg", "image/jpeg", g_bytes_get_size (pdf_bytes),
                &not_image);
  g_assert_cmpuint (put_to (not_image.url, not_image.type, pdf_bytes), ==, 200);
  {
    g_autoptr (CtResponse) r = complete (s->photos_url, ana, not_image.id);
    ct_assert_problem (r, 415, NULL);
  }
  photos_assert_consistent (s, NULL);

  /* The early one is fine now. */
  {
    g_autoptr (CtResponse) r = complete (s->photos_url, ana, early.id);
    g_assert_cmpuint (r->status, ==, 200);
  }
  photos_assert_consistent (s, NULL);
}

static void
test_direct_bad_requests (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "dirreq");
  Snapshot before = snapshot (s);
  static const struct
  {
    const char *body;
    guint status;
    const char *field;
  } cases[] = {
    { "{\"content_type\":\"image/jpeg\",\"size\":10}", 422, "name" },
    { "{\"name\":\"a.jpg\",\"size\":10}", 422, "content_type" },
    { "{\"name\":\"a.jpg\",\"content_type\":\"image/jpeg\"}", 422, "size" },
    { "{\"name\":\"a.jpg\",\"content_type\":\"application/pdf\",\"size\":10}", 422, "content_type" },
    { "{\"name\":\"a.jpg\",\"content_type\":\"image/jpeg\",\"size\":0}", 422, "size" },
    { "{\"name\":\"a.jpg\",\"content_type\":\"image/jpeg\",\"size\":-5}", 422, "size" },
    { "{\"name\":\"a.jpg\",\"content_type\":\"image/jpeg\",\"size\":2097153}", 413, "size" },
    { "{\"name\":\"a/b.jpg\",\"content_type\":\"image/jpeg\",\"size\":10}", 422, "name" },
    { "{\"name\":\"a.jpg\",\"content_type\":\"image/jpeg\",\"size\":\"10\"}", 422, "size" },
    { "{\"name\":\"a.jpg\",\"content_type\":\"image/jpeg\",\"size\":10,\"x\":1}", 422, "x" },
    { "{\"name\":\"a.jpg\",", 400, NULL },
    { "[]", 400, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (CtResponse) r = ct_http (s->photos_url, "POST", "/v1/photos/uploads", ana->token,
                                          cases[i].body);
      g_test_message ("body %s", cases[i].body);
      ct_assert_problem (r, cases[i].status, cases[i].field);
    }
  assert_unchanged (s, before);
}

static void
test_direct_duplicate (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "dirdup");
  g_autoptr (GBytes) jpeg = photos_make_jpeg (320, 240, 95, NULL, 0);
  g_autofree char *first = photos_upload (s, ana->token, "first.jpg", jpeg);
  Snapshot before = snapshot (s);
  g_auto (Direct) d = { 0 };
  g_autoptr (CtResponse) r = NULL;

  start_direct (s->photos_url, ana, "again.jpg", "image/jpeg", g_bytes_get_size (jpeg), &d);
  g_assert_cmpuint (put_to (d.url, d.type, jpeg), ==, 200);
  r = complete (s->photos_url, ana, d.id);
  ct_assert_problem (r, 409, NULL);
  g_assert_cmpstr (ct_response_string (r, "existing_id"), ==, first);
  /* The duplicate's row and object are gone again. */
  assert_unchanged (s, before);
}

/* The photo has exactly `bytes`: its sha256 and what its URL serves. */
static void
assert_photo_bytes (PhotosStack *s, PhotosUser *user, const char *id, GBytes *bytes)
{
  g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  g_autoptr (CtResponse) got = get_photo (s, user, id);
  g_autoptr (CtResponse) original = NULL;

  g_assert_cmpuint (got->status, ==, 200);
  g_assert_cmpstr (ct_response_string (got, "state"), ==, "ready");
  g_assert_cmpstr (ct_response_string (got, "sha256"), ==, sha256);
  original = photos_fetch (ct_response_string (got, "url"), NULL);
  g_assert_cmpuint (original->status, ==, 200);
  g_assert_true (g_bytes_equal (original->body, bytes));
}

/* A service sweeps when it starts: the staging sweep removes what a
 * replayed PUT left, and nothing is then without its row. */
static void
sweep_and_check (PhotosStack *s)
{
  g_autofree char *spool = NULL;
  CtService *sweeper = photos_stack_start_instance (s, NULL, &spool);

  photos_assert_consistent (s, spool);
  ct_service_free (sweeper);
}

/* The upload URL still works after complete (S3 cannot revoke it), but it
 * writes a staging key: the checked photo keeps its bytes and SHA-256, a
 * second complete is refused, and the sweep removes the replayed object. */
static void
test_direct_replay_after_complete (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "replay");
  g_autoptr (GBytes) jpeg = photos_make_jpeg (320, 240, 120, NULL, 0);
  g_autoptr (GBytes) other = photos_make_jpeg (320, 240, 121, NULL, 0);
  g_auto (Direct) d = { 0 };
  g_autoptr (CtResponse) done = NULL;
  g_autoptr (CtResponse) ready = NULL;
  g_autoptr (CtResponse) again = NULL;
  guint replayed;

  start_direct (s->photos_url, ana, "replay.jpg", "image/jpeg", g_bytes_get_size (jpeg), &d);
  g_assert_true (strstr (d.url, "/original") == NULL);
  g_assert_cmpuint (put_to (d.url, d.type, jpeg), ==, 200);
  done = complete (s->photos_url, ana, d.id);
  g_assert_cmpuint (done->status, ==, 200);
  ready = settle (s, ana, done);
  assert_photo_bytes (s, ana, d.id, jpeg);
  photos_assert_consistent (s, NULL);

  /* The same URL, other bytes (and the same bytes of another size). */
  replayed = put_to (d.url, d.type, other);
  g_test_message ("PUT after complete: %u", replayed);
  g_assert_true (replayed == 200 || replayed == 403 || replayed == 404);
  assert_photo_bytes (s, ana, d.id, jpeg);
  again = complete (s->photos_url, ana, d.id);
  ct_assert_problem (again, 409, NULL);
  assert_photo_bytes (s, ana, d.id, jpeg);
  sweep_and_check (s);
  assert_photo_bytes (s, ana, d.id, jpeg);
}

/* A PUT after the pending upload was deleted leaves no object behind
 * (after a sweep); one after its URL expired is refused (urls/expired). */
static void
test_direct_replay_after_delete (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "replaydel");
  g_autoptr (GBytes) jpeg = photos_make_jpeg (320, 240, 122, NULL, 0);
  g_auto (Direct) d = { 0 };
  g_auto (Direct) done_then_deleted = { 0 };
  guint objects = photos_count_objects (s);

  start_direct (s->photos_url, ana, "gone.jpg", "image/jpeg", g_bytes_get_size (jpeg), &d);
  g_assert_cmpuint (put_to (d.url, d.type, jpeg), ==, 200);
  {
    g_autofree char *path = g_strdup_printf ("/v1/photos/%s", d.id);
    g_autoptr (CtResponse) r = ct_http (s->photos_url, "DELETE", path, ana->token, NULL);
    g_assert_cmpuint (r->status, ==, 204);
  }
  g_assert_null (photos_row_state (s, d.id));
  g_assert_cmpuint (photos_count_objects (s), ==, objects);
  /* The URL has not expired. */
  put_to (d.url, d.type, jpeg);
  {
    g_autoptr (CtResponse) r = complete (s->photos_url, ana, d.id);
    ct_assert_problem (r, 404, NULL);
  }

  /* Completed, then deleted, then replayed. */
  start_direct (s->photos_url, ana, "gone2.jpg", "image/jpeg", g_bytes_get_size (jpeg),
                &done_then_deleted);
  g_assert_cmpuint (put_to (done_then_deleted.url, done_then_deleted.type, jpeg), ==, 200);
  {
    g_autoptr (CtResponse) r = complete (s->photos_url, ana, done_then_deleted.id);
    g_autofree char *path = g_strdup_printf ("/v1/photos/%s?permanent=true", done_then_deleted.id);
    g_autoptr (CtResponse) deleted = NULL;
    g_assert_cmpuint (r->status, ==, 200);
    deleted = ct_http (s->photos_url, "DELETE", path, ana->token, NULL);
    g_assert_cmpuint (deleted->status, ==, 204);
  }
  put_to (done_then_deleted.url, done_then_deleted.type, jpeg);
  sweep_and_check (s);
  g_assert_cmpuint (photos_count_objects (s), ==, objects);
}

/* ---- presigned URLs ---------------------------------------------------------------- */

static void
test_tampered_urls (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "tamper");
  g_autoptr (GBytes) jpeg = photos_make_jpeg (640, 480, 100, NULL, 0);
  g_autoptr (CtResponse) created
      = photos_post_raw (s, ana->token, "?name=t.jpg", "image/jpeg", jpeg);
  g_autoptr (CtResponse) r = settle (s, ana, created);
  gboolean fs = s->backend == PHOTOS_BACKEND_FS;
  const char *expires = fs ? "expires" : "X-Amz-Expires";
  const char *signature = fs ? "signature" : "X-Amz-Signature";
  const char *url;
  g_autofree char *later = NULL;
  g_autofree char *forged = NULL;
  g_autofree char *moved = NULL;
  g_autofree char *bad_put = NULL;
  g_auto (Direct) d = { 0 };
  Snapshot before;

  g_assert_cmpuint (created->status, ==, 201);
  url = ct_response_string (r, "thumbnail_url");
  {
    g_autoptr (CtResponse) ok = photos_fetch (url, NULL);
    g_assert_cmpuint (ok->status, ==, 200);
  }
  later = photos_url_with_param (url, expires, fs ? "99999999999" : "604800");
  forged = photos_url_with_param (url, signature,
                                  "0000000000000000000000000000000000000000000000000000000000000000");
  {
    GString *path = g_string_new (url);
    g_string_replace (path, "/256.jpg", "/1280.jpg", 1);
    moved = g_string_free (path, FALSE);
  }
  g_assert_cmpstr (moved, !=, url);
  {
    const char *tampered[] = { later, forged, moved };
    for (guint i = 0; i < G_N_ELEMENTS (tampered); i++)
      {
        g_autoptr (CtResponse) refused = photos_fetch (tampered[i], NULL);
        g_test_message ("GET %s", tampered[i]);
        g_assert_cmpuint (refused->status, ==, 403);
      }
  }

  /* A forged PUT URL stores nothing. */
  start_direct (s->photos_url, ana, "put.jpg", "image/jpeg", g_bytes_get_size (jpeg), &d);
  before = snapshot (s);
  bad_put = photos_url_with_param (d.url, signature,
                                   "1111111111111111111111111111111111111111111111111111111111111111");
  g_assert_cmpuint (put_to (bad_put, d.type, jpeg), ==, 403);
  {
    GString *path = g_string_new (d.url);
    g_autofree char *other_key = NULL;
    /* The staging key u/<hex> turned into the photo's own p/<hex>. */
    g_assert_cmpuint (g_string_replace (path, "/u/", "/p/", 1), ==, 1);
    other_key = g_string_free (path, FALSE);
    g_assert_cmpuint (put_to (other_key, d.type, jpeg), ==, 403);
  }
  assert_unchanged (s, before);
}

/* Moves the pending row `id` past its deadline. */
static void
expire_pending_row (PhotosStack *s, gint64 id)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  g_free (ct_postgres_query_param (
      s->pg, "carrete_photos",
      "UPDATE photos SET expires_at = now() - interval '1 second' WHERE id = $1", text));
}

/* CARRETE_URL_TTL=1: URLs die after a second. */
static void
test_expired_urls (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "expired");
  g_autofree char *spool = NULL;
  CtService *brief = photos_stack_start_instance (s, (const char *const[]) { "CARRETE_URL_TTL=1",
                                                                             NULL },
                                                  &spool);
  const char *url = ct_service_url (brief);
  g_autoptr (GBytes) jpeg = photos_make_jpeg (320, 240, 110, NULL, 0);
  g_autoptr (GBytes) other = photos_make_jpeg (320, 240, 111, NULL, 0);
  g_autoptr (CtResponse) uploaded = NULL;
  g_autoptr (CtResponse) late = NULL;
  g_autoptr (CtResponse) old_row = NULL;
  g_auto (Direct) d = { 0 };
  g_auto (Direct) kept = { 0 };
  g_autofree char *get_url = NULL;
  gint64 kept_id = 0;

  {
    g_autofree char *auth = g_strconcat ("Authorization: Bearer ", ana->token, NULL);
    uploaded = ct_http_raw (url, "POST", "/v1/photos?name=brief.jpg",
                            (const char *const[]) { auth, NULL }, "image/jpeg", jpeg);
  }
  g_assert_cmpuint (uploaded->status, ==, 201);
  get_url = g_strdup (ct_response_string (uploaded, "url"));
  start_direct (url, ana, "late.jpg", "image/jpeg", g_bytes_get_size (other), &d);
  start_direct (url, ana, "kept.jpg", "image/jpeg", g_bytes_get_size (other), &kept);

  g_usleep (2200 * 1000);
  {
    g_autoptr (CtResponse) r = photos_fetch (get_url, NULL);
    g_assert_cmpuint (r->status, ==, 403);
  }
  /* Too late to PUT, so the upload can never complete: it is gone. */
  g_assert_cmpuint (put_to (d.url, d.type, other), ==, 403);
  late = complete (url, ana, d.id);
  ct_assert_problem (late, 410, NULL);

  /* A pending row past its own deadline cannot be completed either. */
  g_assert_true (carrete_ids_decode (s->ids, CARRETE_ID_PHOTO, kept.id, &kept_id));
  expire_pending_row (s, kept_id);
  old_row = complete (url, ana, kept.id);
  ct_assert_problem (old_row, 410, NULL);

  photos_assert_consistent (s, spool);
  ct_service_free (brief);
}

/* A direct upload whose file was PUT, its pending row then moved past its
 * deadline; returns how many objects the store holds with it. */
static guint
start_expired_upload (PhotosStack *s, PhotosUser *ana, const char *name, GBytes *jpeg, Direct *d)
{
  gint64 id = 0;
  guint objects;

  start_direct (s->photos_url, ana, name, "image/jpeg", g_bytes_get_size (jpeg), d);
  g_assert_cmpuint (put_to (d->url, d->type, jpeg), ==, 200);
  objects = photos_count_objects (s);
  g_assert_true (carrete_ids_decode (s->ids, CARRETE_ID_PHOTO, d->id, &id));
  expire_pending_row (s, id);
  return objects;
}

/* Pending uploads past their deadline are cleaned: row and object. */
static void
test_sweeper (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "sweep");
  g_autoptr (GBytes) jpeg = photos_make_jpeg (320, 240, 115, NULL, 0);
  g_auto (Direct) d = { 0 };
  g_autofree char *spool = NULL;
  g_autofree char *state = NULL;
  guint objects = start_expired_upload (s, ana, "forgotten.jpg", jpeg, &d);
  CtService *sweeper;

  /* A service sweeps when it starts (then every minute). */
  sweeper = photos_stack_start_instance (s, NULL, &spool);
  for (guint i = 0; i < 100; i++)
    {
      g_clear_pointer (&state, g_free);
      state = photos_row_state (s, d.id);
      if (state == NULL)
        break;
      g_usleep (100 * 1000);
    }
  g_assert_null (state);
  g_assert_cmpuint (photos_count_objects (s), ==, objects - 1);
  {
    g_autoptr (CtResponse) r = complete (s->photos_url, ana, d.id);
    ct_assert_problem (r, 404, NULL);
  }
  photos_assert_consistent (s, spool);
  ct_service_free (sweeper);
}

/* SIGTERM while a sweep is under way: the drain waits for it (here its
 * claim waits for a lock that is let go only after the signal), so the
 * expired upload's row and object are gone when the process exits, not
 * left claimed for the next sweep minutes later. */
static void
test_sweep_drained (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "sweepterm");
  g_autoptr (GBytes) jpeg = photos_make_jpeg (320, 240, 116, NULL, 0);
  g_auto (Direct) d = { 0 };
  g_autofree char *spool = NULL;
  g_autofree char *state = NULL;
  guint objects = start_expired_upload (s, ana, "interrupted.jpg", jpeg, &d);
  PGconn *locker = ct_postgres_connect (s->pg, "carrete_photos");
  CtService *sweeper;

  ct_postgres_exec (locker, "BEGIN");
  ct_postgres_exec (locker, "LOCK TABLE photos IN SHARE MODE");
  /* A service sweeps when it starts: its claim waits. */
  sweeper = photos_stack_start_instance (s, NULL, &spool);
  g_assert_true (ct_postgres_lock_waiters_become (s->pg, "carrete_photos", "carrete-photos",
                                                  "SET state = 'deleting'", 1, 20000));
  g_assert_cmpint (kill (ct_service_pid (sweeper), SIGTERM), ==, 0);
  g_usleep (500 * 1000);
  ct_postgres_exec (locker, "ROLLBACK");
  PQfinish (locker);
  /* Exits 0 once the sweep is done (a second SIGTERM changes nothing). */
  ct_service_stop (sweeper);
  state = photos_row_state (s, d.id);
  g_assert_null (state);
  g_assert_cmpuint (photos_count_objects (s), ==, objects - 1);
  photos_assert_consistent (s, spool);
  ct_service_free (sweeper);
}

/* ---- carrete-folders unreachable ---------------------------------------------------- */

static void
test_folders_unreachable (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "nofold");
  g_autoptr (GBytes) jpeg = photos_make_jpeg (320, 240, 120, NULL, 0);
  g_autoptr (GBytes) other = photos_make_jpeg (320, 240, 121, NULL, 0);
  g_autofree char *folder = photos_folder_id (s, 4242);
  g_autofree char *query = g_strconcat ("?name=f.jpg&folder_id=", folder, NULL);
  g_autofree char *id = photos_upload (s, ana->token, "loose.jpg", other);
  g_autofree char *photo_path = g_strconcat ("/v1/photos/", id, NULL);
  g_autofree char *list_path = g_strconcat ("/v1/photos?folder_id=", folder, NULL);
  g_autofree char *move = g_strdup_printf ("{\"folder_id\":\"%s\",\"name\":\"moved.jpg\"}", folder);
  g_autofree char *direct = g_strdup_printf (
      "{\"name\":\"d.jpg\",\"content_type\":\"image/jpeg\",\"size\":10,\"folder_id\":\"%s\"}",
      folder);
  Snapshot before = snapshot (s);

  {
    g_autoptr (CtResponse) r = photos_post_raw (s, ana->token, query, "image/jpeg", jpeg);
    ct_assert_problem (r, 503, NULL);
    g_assert_cmpstr (ct_response_string (r, "type"), ==, "urn:carrete:problem:unavailable");
  }
  {
    g_autoptr (CtResponse) r = photos_post_form (s, ana->token, query, NULL, "f.jpg",
                                                 "image/jpeg", jpeg);
    ct_assert_problem (r, 503, NULL);
  }
  {
    g_autoptr (CtResponse) r = ct_http (s->photos_url, "POST", "/v1/photos/uploads", ana->token,
                                        direct);
    ct_assert_problem (r, 503, NULL);
  }
  {
    g_autoptr (CtResponse) r = ct_http (s->photos_url, "PATCH", photo_path, ana->token, move);
    g_autoptr (CtResponse) after = ct_http (s->photos_url, "GET", photo_path, ana->token, NULL);
    ct_assert_problem (r, 503, NULL);
    g_assert_true (json_object_get_null_member (ct_response_object (after), "folder_id"));
    g_assert_cmpstr (ct_response_string (after, "name"), ==, "loose.jpg");
  }
  {
    g_autoptr (CtResponse) r = ct_http (s->photos_url, "GET", list_path, ana->token, NULL);
    g_autoptr (CtResponse) tags = ct_http (s->photos_url, "GET", "/v1/photos?tags=sea,sun",
                                           ana->token, NULL);
    g_autoptr (CtResponse) anonymous = ct_http (s->photos_url, "GET", "/v1/photos?tags=sea",
                                                NULL, NULL);
    ct_assert_problem (r, 503, NULL);
    /* Tags belong to folders: filtering by them needs carrete-folders. */
    ct_assert_problem (tags, 503, NULL);
    ct_assert_problem (anonymous, 401, NULL);
  }
  assert_unchanged (s, before);

  /* A folder id that is no folder id at all needs nobody: 404. */
  {
    g_autoptr (CtResponse) r = photos_post_raw (s, ana->token, "?name=f.jpg&folder_id=fo_nope",
                                                "image/jpeg", jpeg);
    ct_assert_problem (r, 404, NULL);
  }
  assert_unchanged (s, before);
}

/* ---- a folder named in a form field ---------------------------------------------------- */

/* POST /v1/photos of a form with the file and, after it, a folder_id field. */
static CtResponse *
post_form_folder_after (PhotosStack *s, PhotosUser *user, GBytes *file, const char *folder)
{
  const char *after[] = { "folder_id", folder, NULL };
  g_autofree char *type = NULL;
  g_autoptr (GBytes) form = ct_form_body (NULL, "after.jpg", "image/jpeg", file, after, &type);

  return photos_post_raw (s, user->token, "", type, form);
}

/* A folder_id field after the file part is read only once the body is in:
 * the file is in storage by then, and a refusal removes it (no row, no
 * object, no multipart upload left).  An id that is no folder id: 404;
 * one that carrete-folders (down in this stack) cannot check: 503.  An
 * empty field before the file names no folder. */
static void
test_form_folder_after_file (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "fieldafter");
  g_autoptr (GBytes) big = photos_make_big_jpeg (PHOTOS_MAX_UPLOAD / 2 + 4321, 131);
  g_autofree char *folder = photos_folder_id (s, 4343);
  Snapshot before = snapshot (s);
  guint multipart = photos_count_multipart (s);

  {
    g_autoptr (CtResponse) r = post_form_folder_after (s, ana, big, "fo_nonsense");
    ct_assert_problem (r, 404, NULL);
    g_assert_cmpstr (ct_response_string (r, "detail"), ==, "No such folder.");
  }
  {
    g_autoptr (CtResponse) r = post_form_folder_after (s, ana, big, folder);
    ct_assert_problem (r, 503, NULL);
  }
  assert_unchanged (s, before);
  g_assert_cmpuint (photos_count_multipart (s), ==, multipart);
  {
    const char *before_file[] = { "folder_id", "", NULL };
    g_autofree char *type = NULL;
    g_autoptr (GBytes) small = photos_make_jpeg (64, 48, 132, NULL, 0);
    g_autoptr (GBytes) form
        = ct_form_body (before_file, "loose.jpg", "image/jpeg", small, NULL, &type);
    g_autoptr (CtResponse) r = photos_post_raw (s, ana->token, "", type, form);

    g_assert_cmpuint (r->status, ==, 201);
    g_assert_true (json_object_get_null_member (ct_response_object (r), "folder_id"));
    g_assert_cmpstr (ct_response_string (r, "name"), ==, "loose.jpg");
  }
}

/* ---- MinIO down ------------------------------------------------------------------------ */

static guint
readyz (PhotosStack *s)
{
  g_autoptr (CtResponse) r = ct_http (s->photos_url, "GET", "/readyz", NULL, NULL);
  return r->status;
}

static guint
visible_count (PhotosStack *s, PhotosUser *user)
{
  g_autoptr (CtResponse) r = ct_http (s->photos_url, "GET", "/v1/photos?limit=200", user->token,
                                      NULL);
  g_assert_cmpuint (r->status, ==, 200);
  return json_array_get_length (json_object_get_array_member (ct_response_object (r), "items"));
}

static void
test_minio_down (PhotosStack *s)
{
  g_autoptr (PhotosUser) ana = photos_user_new (s, "down");
  g_autoptr (GBytes) kept = photos_make_jpeg (320, 240, 130, NULL, 0);
  g_autoptr (GBytes) fresh = photos_make_jpeg (320, 240, 131, NULL, 0);
  g_autoptr (GBytes) direct_bytes = photos_make_jpeg (320, 240, 132, NULL, 0);
  g_autofree char *id = photos_upload (s, ana->token, "kept.jpg", kept);
  g_autofree char *path = g_strconcat ("/v1/photos/", id, "?permanent=true", NULL);
  g_autofree char *ready_rows = NULL;
  g_auto (Direct) d = { 0 };
  guint objects;

  start_direct (s->photos_url, ana, "direct.jpg", "image/jpeg", g_bytes_get_size (direct_bytes),
                &d);
  g_assert_cmpuint (put_to (d.url, d.type, direct_bytes), ==, 200);
  photos_assert_consistent (s, NULL);
  objects = photos_count_objects (s);
  g_assert_cmpuint (readyz (s), ==, 200);

  ct_s3_server_stop (s->minio);
  g_assert_cmpuint (readyz (s), ==, 503);
  {
    g_autoptr (CtResponse) r = photos_post_raw (s, ana->token, "?name=fresh.jpg", "image/jpeg",
                                                fresh);
    ct_assert_problem (r, 503, NULL);
  }
  {
    g_autoptr (CtResponse) r = complete (s->photos_url, ana, d.id);
    g_autofree char *state = photos_row_state (s, d.id);
    ct_assert_problem (r, 503, NULL);
    g_assert_cmpstr (state, ==, "pending");
  }
  {
    g_autoptr (CtResponse) r = ct_http (s->photos_url, "DELETE", path, ana->token, NULL);
    ct_assert_problem (r, 503, NULL);
  }
  /* Nothing half-done is visible: the failed upload is not listed. */
  g_assert_cmpuint (visible_count (s, ana), <=, 1);
  ready_rows = ct_postgres_query (s->pg, "carrete_photos",
                                  "SELECT count(*) FROM photos WHERE state = 'ready'"
                                  " AND name = 'fresh.jpg'");
  g_assert_cmpstr (ready_rows, ==, "0");

  ct_s3_server_restart (s->minio);
  for (guint i = 0; i < 100 && readyz (s) != 200; i++)
    g_usleep (100 * 1000);
  g_assert_cmpuint (readyz (s), ==, 200);
  /* Nothing was written while it was down. */
  g_assert_cmpuint (photos_count_objects (s), ==, objects);
  photos_assert_consistent (s, NULL);

  /* Each request succeeds when retried. */
  {
    g_autoptr (CtResponse) r = ct_http (s->photos_url, "DELETE", path, ana->token, NULL);
    g_autoptr (CtResponse) gone = ct_http (s->photos_url, "GET", path, ana->token, NULL);
    g_assert_cmpuint (r->status, ==, 204);
    ct_assert_problem (gone, 404, NULL);
  }
  {
    g_autoptr (CtResponse) r = complete (s->photos_url, ana, d.id);
    g_assert_cmpuint (r->status, ==, 200);
  }
  {
    g_autoptr (CtResponse) r = photos_post_raw (s, ana->token, "?name=fresh.jpg", "image/jpeg",
                                                fresh);
    g_assert_cmpuint (r->status, ==, 201);
  }
  g_assert_cmpuint (visible_count (s, ana), ==, 2);
  photos_assert_consistent (s, NULL);
}

static void
add_tests (void)
{
  photos_add_test ("upload/raw", test_raw_upload, TRUE, TRUE);
  photos_add_test ("upload/type-from-bytes", test_type_from_bytes, TRUE, TRUE);
  photos_add_test ("upload/other-types", test_other_types, TRUE, TRUE);
  photos_add_test ("upload/multipart", test_multipart_upload, TRUE, TRUE);
  photos_add_test ("upload/orientation-and-grey", test_orientation_and_grey, TRUE, TRUE);
  photos_add_test ("upload/duplicate", test_duplicate, TRUE, TRUE);
  photos_add_test ("upload/bad-bodies", test_bad_bodies, TRUE, TRUE);
  photos_add_test ("upload/size-limit", test_size_limit, TRUE, TRUE);
  photos_add_test ("upload/same-bytes-at-once", test_same_bytes_at_once, TRUE, TRUE);
  photos_add_test ("upload/client-hangs-up", test_client_hangs_up, TRUE, TRUE);
  photos_add_test ("upload/hang-up-cancels-insert", test_hang_up_cancels_insert, TRUE, TRUE);
  photos_add_test ("upload/hang-up-after-storing", test_hang_up_after_storing, TRUE, TRUE);
  photos_add_test ("upload/names", test_names, TRUE, TRUE);
  photos_add_test ("direct/upload", test_direct_upload, TRUE, TRUE);
  photos_add_test ("direct/refusals", test_direct_refusals, TRUE, TRUE);
  photos_add_test ("direct/bad-requests", test_direct_bad_requests, TRUE, TRUE);
  photos_add_test ("direct/duplicate", test_direct_duplicate, TRUE, TRUE);
  photos_add_test ("direct/replay-after-complete", test_direct_replay_after_complete, TRUE, TRUE);
  photos_add_test ("direct/replay-after-delete", test_direct_replay_after_delete, TRUE, TRUE);
  photos_add_test ("urls/tampered", test_tampered_urls, TRUE, TRUE);
  photos_add_test ("urls/expired", test_expired_urls, TRUE, TRUE);
  photos_add_test ("urls/sweeper", test_sweeper, TRUE, TRUE);
  photos_add_test ("urls/sweep-drained", test_sweep_drained, TRUE, TRUE);
  photos_add_test ("folders/unreachable", test_folders_unreachable, TRUE, TRUE);
  photos_add_test ("folders/form-field-after-file", test_form_folder_after_file, TRUE, TRUE);
  photos_add_test ("storage/minio-down", test_minio_down, FALSE, TRUE);
}

int
main (int argc, char **argv)
{
  return photos_test_main (argc, argv, add_tests);
}
