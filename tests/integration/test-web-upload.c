/* carrete-web's upload page against the real stack: several files at once
 * without JavaScript, one file per request with JSON (the script's way),
 * non-images, duplicates, files and bodies over the limits; the resumable
 * upload of upload.js (/upload/resumable…): its refusals, and a file in
 * three parts that lands with its exact bytes. */
#define G_LOG_DOMAIN "test-web-upload"

#include <string.h>

#include "stack.h"
#include "web-browser.h"

/* Small, so that "too large" needs no big buffers: the per-file limit;
 * one request may carry 4 files' worth plus 1 MiB of form. */
#define FILE_LIMIT 100000
#define REQUEST_LIMIT (4 * FILE_LIMIT + 1024 * 1024)

static Stack *stack;
static CtService *web;

typedef struct
{
  StackUser *user;
  WbBrowser *browser;
  char *csrf;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (WbPage) login = NULL;
  g_autoptr (WbPage) done = NULL;
  g_autoptr (WbPage) upload = NULL;
  g_autofree char *csrf = NULL;

  f->user = stack_user_new (stack, "webup");
  f->browser = wb_browser_new (ct_service_url (web));
  login = wb_get (f->browser, "/login");
  csrf = wb_csrf (login);
  done = wb_post (f->browser, "/login",
                  (const char *const[]) { "username", f->user->name, "password", STACK_PASSWORD,
                                          "csrf_token", csrf, NULL });
  g_assert_cmpuint (done->status, ==, 303);
  upload = wb_get (f->browser, "/upload");
  g_assert_cmpuint (upload->status, ==, 200);
  wb_assert_page_contract (upload);
  wb_assert_security_headers (upload);
  g_assert_nonnull (strstr (upload->body, "<form id=\"upload-form\" method=\"post\" action=\"/upload\" enctype=\"multipart/form-data\""));
  g_assert_nonnull (strstr (upload->body, "type=\"file\" multiple accept=\"image/*\""));
  g_assert_nonnull (strstr (upload->body, "id=\"drop-zone\""));
  f->csrf = wb_csrf (upload);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_free (f->csrf);
  wb_browser_free (f->browser);
  stack_user_free (f->user);
}

static WbMultipart *
form_with_token (Fixture *f, const char *folder_id)
{
  WbMultipart *form = wb_multipart_new ();

  wb_multipart_add_field (form, "csrf_token", f->csrf);
  wb_multipart_add_field (form, "folder_id", folder_id != NULL ? folder_id : "");
  return form;
}

static guint
count_photos (StackUser *user)
{
  g_autoptr (CtResponse) r = ct_http (stack->photos.url, "GET", "/v1/photos?limit=200", user->token, NULL);

  g_assert_cmpuint (r->status, ==, 200);
  return json_array_get_length (json_object_get_array_member (ct_response_object (r), "items"));
}

static void
assert_contains (WbPage *page, const char *text)
{
  if (strstr (page->body, text) == NULL)
    g_error ("the page lacks \"%s\":\n%s", text, page->body);
}

static GBytes *
filler (gsize size)
{
  guint8 *data = g_malloc (size);

  memset (data, 'x', size);
  return g_bytes_new_take (data, size);
}

static void
test_several_files_without_js (Fixture *f, gconstpointer data)
{
  g_autofree char *folder = stack_folder_new (stack, f->user->token, "private", NULL);
  WbMultipart *form = form_with_token (f, folder);
  g_autoptr (GBytes) one = ct_unique_png ("one");
  g_autoptr (GBytes) two = ct_unique_png ("two");
  g_autoptr (GBytes) text = g_bytes_new_static ("just words, not pixels\n", 23);
  g_autoptr (WbPage) page = NULL;

  wb_multipart_add_file (form, "file", "one.png", "image/png", one);
  wb_multipart_add_file (form, "file", "two.png", "image/png", two);
  wb_multipart_add_file (form, "file", "notes.txt", "text/plain", text);
  page = wb_post_multipart (f->browser, "/upload", form, NULL);
  g_assert_cmpuint (page->status, ==, 200);
  wb_assert_page_contract (page);
  g_assert_nonnull (strstr (page->body, "<ul id=\"upload-results\""));
  g_assert_cmpuint (wb_count (page, "<li class=\"upload-ok\">"), ==, 2);
  g_assert_cmpuint (wb_count (page, "<li class=\"upload-error\""), ==, 1);
  g_assert_nonnull (strstr (page->body, "<strong>notes.txt</strong>: This file is not an image"));
  g_assert_cmpuint (count_photos (f->user), ==, 2);
}

static void
test_duplicate_and_markup_names (Fixture *f, gconstpointer data)
{
  g_autofree char *folder = stack_folder_new (stack, f->user->token, "private", NULL);
  g_autoptr (GBytes) png = ct_unique_png ("dup");
  WbMultipart *form = form_with_token (f, folder);
  g_autoptr (WbPage) page = NULL;

  /* No '/' in the name: libsoup keeps only a filename's last path segment. */
  wb_multipart_add_file (form, "file", "<script>alert(1).png", "image/png", png);
  wb_multipart_add_file (form, "file", "\"><img src=x onerror=alert(1)>.png", "image/png", png);
  page = wb_post_multipart (f->browser, "/upload", form, NULL);
  g_assert_cmpuint (page->status, ==, 200);
  g_assert_cmpuint (wb_count (page, "<li class=\"upload-ok\">"), ==, 1);
  g_assert_nonnull (strstr (page->body, "This photo is already in that folder."));
  g_assert_null (strstr (page->body, "<script>alert"));
  g_assert_null (strstr (page->body, "<img src=x"));
  assert_contains (page, "&lt;script&gt;alert(1).png");
  assert_contains (page, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;.png");
}

static void
test_json_one_file (Fixture *f, gconstpointer data)
{
  const char *json_accept[] = { "Accept: application/json", NULL };
  WbMultipart *good = form_with_token (f, NULL);
  WbMultipart *bad = form_with_token (f, NULL);
  g_autoptr (GBytes) png = ct_unique_png ("json");
  g_autoptr (GBytes) text = g_bytes_new_static ("%PDF-1.4 not an image", 21);
  g_autoptr (WbPage) ok = NULL;
  g_autoptr (WbPage) refused = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *result;

  wb_multipart_add_file (good, "file", "drop.png", "image/png", png);
  ok = wb_post_multipart (f->browser, "/upload", good, json_accept);
  g_assert_cmpuint (ok->status, ==, 200);
  g_assert_true (g_str_has_prefix (wb_header (ok, "Content-Type"), "application/json"));
  g_assert_true (json_parser_load_from_data (parser, ok->body, -1, NULL));
  result = json_array_get_object_element (
      json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "results"), 0);
  g_assert_cmpstr (json_object_get_string_member (result, "file"), ==, "drop.png");
  g_assert_true (json_object_get_boolean_member (result, "ok"));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (result, "photo_id"), "ph_"));

  {
    WbMultipart *forged = wb_multipart_new ();
    g_autoptr (WbPage) refused_csrf = NULL;

    wb_multipart_add_field (forged, "csrf_token", "forged");
    wb_multipart_add_file (forged, "file", "forged.png", "image/png", png);
    refused_csrf = wb_post_multipart (f->browser, "/upload", forged, json_accept);
    g_assert_cmpuint (refused_csrf->status, ==, 403);
    g_assert_true (g_str_has_prefix (wb_header (refused_csrf, "Content-Type"), "application/json"));
    g_assert_nonnull (strstr (refused_csrf->body, "\"message\":\"The form did not carry a valid security token"));
    g_assert_cmpuint (count_photos (f->user), ==, 1);
  }
  wb_multipart_add_file (bad, "file", "doc.pdf", "application/pdf", text);
  refused = wb_post_multipart (f->browser, "/upload", bad, json_accept);
  g_assert_cmpuint (refused->status, ==, 415);
  g_assert_true (json_parser_load_from_data (parser, refused->body, -1, NULL));
  result = json_array_get_object_element (
      json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "results"), 0);
  g_assert_false (json_object_get_boolean_member (result, "ok"));
  g_assert_nonnull (strstr (json_object_get_string_member (result, "message"), "not an image"));
}

static void
test_file_over_limit (Fixture *f, gconstpointer data)
{
  WbMultipart *form = form_with_token (f, NULL);
  g_autoptr (GBytes) big = filler (FILE_LIMIT + 1);
  g_autoptr (GBytes) png = ct_unique_png ("small");
  g_autoptr (WbPage) page = NULL;

  wb_multipart_add_file (form, "file", "huge.png", "image/png", big);
  wb_multipart_add_file (form, "file", "small.png", "image/png", png);
  page = wb_post_multipart (f->browser, "/upload", form, NULL);
  g_assert_cmpuint (page->status, ==, 200);
  g_assert_nonnull (strstr (page->body, "<strong>huge.png</strong>: This file is too large: the limit is"));
  g_assert_cmpuint (wb_count (page, "<li class=\"upload-ok\">"), ==, 1);
  g_assert_cmpuint (count_photos (f->user), ==, 1);
}

static void
test_body_over_limit (Fixture *f, gconstpointer data)
{
  WbMultipart *form = form_with_token (f, NULL);
  g_autoptr (GBytes) big = filler (REQUEST_LIMIT + 4096);
  g_autoptr (WbPage) page = NULL;
  g_autoptr (WbPage) alive = NULL;

  wb_multipart_add_file (form, "file", "enormous.png", "image/png", big);
  page = wb_post_multipart (f->browser, "/upload", form, NULL);
  g_assert_cmpuint (page->status, ==, 413);
  g_assert_cmpuint (wb_count (page, "<h1"), ==, 1);
  g_assert_nonnull (strstr (page->body, "role=\"alert\""));
  g_assert_nonnull (strstr (page->body, "too large to send at once"));
  wb_assert_security_headers (page);
  g_assert_cmpuint (count_photos (f->user), ==, 0);
  alive = wb_get (f->browser, "/upload");
  g_assert_cmpuint (alive->status, ==, 200);
}

static void
test_no_file_chosen (Fixture *f, gconstpointer data)
{
  WbMultipart *form = form_with_token (f, NULL);
  g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr (WbPage) page = NULL;

  wb_multipart_add_file (form, "file", "", "application/octet-stream", empty);
  page = wb_post_multipart (f->browser, "/upload", form, NULL);
  g_assert_cmpuint (page->status, ==, 422);
  g_assert_nonnull (strstr (page->body, "Choose at least one photo"));
  g_assert_nonnull (strstr (page->body, "id=\"upload-form\""));
}

static void
test_not_multipart (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) body = g_bytes_new_static ("file=abc", 8);
  g_autoptr (WbPage) page = wb_request (f->browser, "POST", "/upload", "application/x-www-form-urlencoded",
                                        body, NULL);

  g_assert_cmpuint (page->status, ==, 400);
  g_assert_nonnull (strstr (page->body, "role=\"alert\""));
}

static void
test_signed_out (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) png = ct_unique_png ("anon");
  WbMultipart *form = NULL;
  g_autoptr (WbPage) page = NULL;

  g_hash_table_remove (f->browser->cookies, "carrete_access");
  g_hash_table_remove (f->browser->cookies, "carrete_refresh");
  form = form_with_token (f, NULL);
  wb_multipart_add_file (form, "file", "anon.png", "image/png", png);
  page = wb_post_multipart (f->browser, "/upload", form, NULL);
  g_assert_cmpuint (page->status, ==, 303);
  g_assert_cmpstr (wb_header (page, "Location"), ==, "/login?next=%2Fupload");
  g_assert_cmpuint (count_photos (f->user), ==, 0);
}

/* Each file is a call to carrete-photos: more than 20 in one request are
 * refused as a whole, and none is stored. */
static void
test_too_many_files (Fixture *f, gconstpointer data)
{
  WbMultipart *form = form_with_token (f, NULL);
  g_autoptr (WbPage) page = NULL;

  for (int i = 0; i < 21; i++)
    {
      g_autofree char *label = g_strdup_printf ("many-%d", i);
      g_autofree char *name = g_strdup_printf ("%s.png", label);
      g_autoptr (GBytes) png = ct_unique_png (label);

      wb_multipart_add_file (form, "file", name, "image/png", png);
    }
  page = wb_post_multipart (f->browser, "/upload", form, NULL);
  g_assert_cmpuint (page->status, ==, 413);
  g_assert_nonnull (strstr (page->body, "at most 20 files at once"));
  g_assert_cmpuint (count_photos (f->user), ==, 0);
}

/* Without a session, a body is not stored past a login form's size: the
 * spool cannot be filled by strangers.  The answer is still the way to the
 * login page. */
static void
test_anonymous_body_not_spooled (Fixture *f, gconstpointer data)
{
  g_autoptr (WbBrowser) stranger = wb_browser_new (ct_service_url (web));
  g_autoptr (GBytes) big = filler (200 * 1024);
  WbMultipart *form = wb_multipart_new ();
  g_autoptr (WbPage) page = NULL;

  wb_multipart_add_field (form, "csrf_token", "none");
  wb_multipart_add_file (form, "file", "big.png", "image/png", big);
  page = wb_post_multipart (stranger, "/upload", form, NULL);
  g_assert_cmpuint (page->status, ==, 413);
  g_assert_nonnull (strstr (page->body, "role=\"alert\""));
}

static void
print_web_log (void)
{
  g_autofree char *log = ct_service_output (web);
  g_printerr ("carrete-web said:\n%s\n", log);
}

/* ---- resumable (upload.js's way for large files) --------------------------------------- */

static WbPage *
resumable_call (Fixture *f, const char *method, const char *path, const char *json,
                const char *csrf)
{
  g_autofree char *token = csrf != NULL ? g_strconcat ("X-CSRF-Token: ", csrf, NULL) : NULL;
  const char *headers[] = { "Accept: application/json", token, NULL };
  g_autoptr (GBytes) body = json != NULL ? g_bytes_new (json, strlen (json)) : NULL;

  return wb_request (f->browser, method, path, json != NULL ? "application/json" : NULL, body,
                     headers);
}

/* An account with a quota sees how full it is above the form; a file that
 * does not fit is refused with the numbers, by both ways of uploading. */
static void
test_quota (Fixture *f, gconstpointer data)
{
  g_autoptr (StackUser) admin = stack_admin_new (stack, "webquota");
  g_autofree char *path = g_strdup_printf ("/v1/users/%s", f->user->id);
  g_autoptr (CtResponse) set = ct_http (stack->users.url, "PATCH", path, admin->token,
                                        "{\"quota_bytes\": 100}");
  const char *json_accept[] = { "Accept: application/json", NULL };
  WbMultipart *form = form_with_token (f, NULL);
  g_autoptr (GBytes) png = ct_unique_png ("quota");
  g_autoptr (WbPage) upload = NULL;
  g_autoptr (WbPage) refused = NULL;
  g_autoptr (WbPage) resumable = NULL;

  g_assert_cmpuint (set->status, ==, 200);
  upload = wb_get (f->browser, "/upload");
  g_assert_cmpuint (upload->status, ==, 200);
  wb_assert_page_contract (upload);
  assert_contains (upload, "<p id=\"usage\" class=\"usage\"><label for=\"usage-bar\">Storage used: 0 bytes / 100 bytes</label>");
  assert_contains (upload, "<progress id=\"usage-bar\" max=\"100\" value=\"0\">");

  wb_multipart_add_file (form, "file", "big.png", "image/png", png);
  refused = wb_post_multipart (f->browser, "/upload", form, json_accept);
  g_assert_cmpuint (refused->status, ==, 413);
  assert_contains (refused, "There is no room left for this file: 0 bytes of your 100 bytes are used.");
  g_assert_cmpuint (count_photos (f->user), ==, 0);
  {
    g_autofree char *create = g_strdup_printf (
        "{\"name\":\"big.png\",\"content_type\":\"image/png\",\"size\":%" G_GSIZE_FORMAT "}",
        g_bytes_get_size (png));

    resumable = resumable_call (f, "POST", "/upload/resumable", create, f->csrf);
  }
  g_assert_cmpuint (resumable->status, ==, 413);
  assert_contains (resumable, "There is no room left for this file: 0 bytes of your 100 bytes are used.");

  /* Full: the page says so. */
  {
    g_autoptr (CtResponse) full = ct_http (stack->users.url, "PATCH", path, admin->token,
                                           "{\"quota_bytes\": 1}");
    g_autoptr (CtResponse) pending = NULL;
    g_autoptr (WbPage) page = NULL;

    g_assert_cmpuint (full->status, ==, 200);
    pending = ct_http (stack->photos.url, "POST", "/v1/photos/uploads", f->user->token,
                       "{\"name\":\"a.png\",\"content_type\":\"image/png\",\"size\":1}");
    g_assert_cmpuint (pending->status, ==, 201);
    page = wb_get (f->browser, "/upload");
    assert_contains (page, "class=\"usage usage-full\"");
    assert_contains (page, "Your storage is full");
  }
}

static JsonObject *
page_object (WbPage *page, JsonParser *parser)
{
  g_assert_true (json_parser_load_from_data (parser, page->body, -1, NULL));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_node_get_object (json_parser_get_root (parser));
}

/* A JSON answer {"message": …} with `status`: a sentence for the page.
 * Takes `page`. */
static void
assert_message (WbPage *page_taken, guint status)
{
  g_autoptr (WbPage) page = page_taken;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *object;

  if (page->status != status)
    g_error ("expected %u, got %u: %s", status, page->status, page->body);
  object = page_object (page, parser);
  g_assert_true (json_object_has_member (object, "message"));
  g_assert_cmpuint (strlen (json_object_get_string_member (object, "message")), >, 10);
  wb_assert_security_headers (page);
}

static void
test_resumable_refusals (Fixture *f, gconstpointer data)
{
  const char *create = "{\"name\":\"big.png\",\"content_type\":\"image/png\",\"size\":20000000}";
  g_autoptr (GBytes) part = g_bytes_new_static ("xxxx", 4);
  const char *headers[] = { NULL, NULL };
  g_autofree char *token = g_strconcat ("X-CSRF-Token: ", f->csrf, NULL);
  g_autoptr (WbPage) upload = wb_get (f->browser, "/upload");

  /* The form says from which size the script goes this way. */
  g_assert_nonnull (strstr (upload->body, "data-resumable-bytes=\"16777216\""));
  /* A change without the page's CSRF token, or with another one. */
  assert_message (resumable_call (f, "POST", "/upload/resumable", create, NULL), 403);
  assert_message (resumable_call (f, "POST", "/upload/resumable", create, "forged"), 403);
  assert_message (resumable_call (f, "DELETE", "/upload/resumable/up_abc", NULL, NULL), 403);
  /* A body that is no JSON object. */
  assert_message (resumable_call (f, "POST", "/upload/resumable", "[1,2]", f->csrf), 400);
  assert_message (resumable_call (f, "POST", "/upload/resumable", "{", f->csrf), 400);
  /* An id or a part number that cannot be one. */
  assert_message (resumable_call (f, "GET", "/upload/resumable/%3Cscript%3E", NULL, NULL), 404);
  headers[0] = token;
  {
    assert_message (
        wb_request (f->browser, "PUT", "/upload/resumable/up_abc/parts/0", NULL, part, headers),
        404);
    assert_message (
        wb_request (f->browser, "PUT", "/upload/resumable/up_abc/parts/one", NULL, part, headers),
        404);
    assert_message (
        wb_request (f->browser, "PUT", "/upload/resumable/up_abc/parts/10001", NULL, part, headers),
        404);
  }
  /* Signed out: 401, for the script to send the visitor to /login. */
  g_hash_table_remove (f->browser->cookies, "carrete_access");
  g_hash_table_remove (f->browser->cookies, "carrete_refresh");
  assert_message (resumable_call (f, "POST", "/upload/resumable", create, f->csrf), 401);
  assert_message (resumable_call (f, "GET", "/upload/resumable/up_abc", NULL, NULL), 401);
  g_assert_cmpuint (count_photos (f->user), ==, 0);
}

static void
test_resumable_upload (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) png = ct_png_of_size (20 * 1024 * 1024);
  g_autofree char *create = g_strdup_printf (
      "{\"name\":\"big.png\",\"folder_id\":null,\"content_type\":\"image/png\",\"size\":%zu}",
      g_bytes_get_size (png));
  g_autoptr (WbPage) created = resumable_call (f, "POST", "/upload/resumable", create, f->csrf);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GString) complete = g_string_new ("{\"parts\":[");
  g_autofree char *token = g_strconcat ("X-CSRF-Token: ", f->csrf, NULL);
  const char *headers[] = { token, NULL };
  g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, png);
  JsonObject *object;
  const char *id;
  gint64 part_size, part_count;

  if (created->status != 201)
    g_error ("create: %u %s", created->status, created->body);
  object = page_object (created, parser);
  id = json_object_get_string_member (object, "upload_id");
  part_size = json_object_get_int_member (object, "part_size");
  part_count = json_object_get_int_member (object, "part_count");
  g_assert_cmpint (part_count, ==, 3);
  for (gint64 n = 1; n <= part_count; n++)
    {
      gsize offset = (gsize) ((n - 1) * part_size);
      gsize length = MIN ((gsize) part_size, g_bytes_get_size (png) - offset);
      g_autoptr (GBytes) part = g_bytes_new_from_bytes (png, offset, length);
      g_autofree char *path
          = g_strdup_printf ("/upload/resumable/%s/parts/%" G_GINT64_FORMAT, id, n);
      g_autoptr (WbPage) sent = wb_request (f->browser, "PUT", path, NULL, part, headers);
      g_autoptr (JsonParser) answer = json_parser_new ();
      JsonObject *result;

      if (sent->status != 200)
        g_error ("part %" G_GINT64_FORMAT ": %u %s", n, sent->status, sent->body);
      result = page_object (sent, answer);
      g_assert_cmpint (json_object_get_int_member (result, "number"), ==, n);
      g_string_append_printf (complete,
                              "%s{\"number\":%" G_GINT64_FORMAT ",\"etag\":", n > 1 ? "," : "", n);
      {
        g_autoptr (JsonNode) etag = json_node_init_string (
            json_node_alloc (), json_object_get_string_member (result, "etag"));
        g_autofree char *quoted = json_to_string (etag, FALSE);

        g_string_append_printf (complete, "%s}", quoted);
      }
    }
  g_string_append (complete, "]}");
  {
    g_autofree char *status_path = g_strdup_printf ("/upload/resumable/%s", id);
    g_autoptr (WbPage) status = resumable_call (f, "GET", status_path, NULL, NULL);
    g_autofree char *complete_path = g_strdup_printf ("/upload/resumable/%s/complete", id);
    g_autoptr (WbPage) done = NULL;
    g_autoptr (JsonParser) photo_parser = json_parser_new ();
    g_autoptr (CtResponse) photo = NULL;
    g_autofree char *photo_path = NULL;

    g_assert_cmpuint (status->status, ==, 200);
    g_assert_nonnull (strstr (status->body, "parts_received"));
    done = resumable_call (f, "POST", complete_path, complete->str, f->csrf);
    if (done->status != 201)
      g_error ("complete: %u %s", done->status, done->body);
    object = page_object (done, photo_parser);
    g_assert_cmpint (json_object_get_int_member (object, "size"), ==,
                     (gint64) g_bytes_get_size (png));
    photo_path = g_strdup_printf ("/v1/photos/%s", json_object_get_string_member (object, "id"));
    photo = ct_http (stack->photos.url, "GET", photo_path, f->user->token, NULL);
    g_assert_cmpstr (ct_response_string (photo, "sha256"), ==, sha256);
    /* Gone once completed. */
    assert_message (resumable_call (f, "GET", status_path, NULL, NULL), 404);
  }
  g_assert_cmpuint (count_photos (f->user), ==, 1);
}

int
main (int argc, char **argv)
{
  int status;

  wb_failure_hook = print_web_log;

  g_test_init (&argc, &argv, NULL);
  stack = stack_start ();
  {
    g_autofree char *limit = g_strdup_printf ("CARRETE_MAX_UPLOAD_BYTES=%d", FILE_LIMIT);
    web = stack_start_web (stack, (const char *const[]){ limit, NULL });
  }

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/carrete/web/upload/several-files-without-js", test_several_files_without_js);
  ADD ("/carrete/web/upload/duplicate-and-markup-names", test_duplicate_and_markup_names);
  ADD ("/carrete/web/upload/json-one-file", test_json_one_file);
  ADD ("/carrete/web/upload/file-over-limit", test_file_over_limit);
  ADD ("/carrete/web/upload/quota", test_quota);
  ADD ("/carrete/web/upload/too-many-files", test_too_many_files);
  ADD ("/carrete/web/upload/anonymous-body-not-spooled", test_anonymous_body_not_spooled);
  ADD ("/carrete/web/upload/body-over-limit", test_body_over_limit);
  ADD ("/carrete/web/upload/no-file-chosen", test_no_file_chosen);
  ADD ("/carrete/web/upload/not-multipart", test_not_multipart);
  ADD ("/carrete/web/upload/signed-out", test_signed_out);
  ADD ("/carrete/web/upload/resumable-refusals", test_resumable_refusals);
  ADD ("/carrete/web/upload/resumable-in-three-parts", test_resumable_upload);
#undef ADD

  status = g_test_run ();
  ct_service_stop (web);
  ct_service_free (web);
  stack_free (stack);
  return status;
}
