/* carrete-web against the real stack (PostgreSQL, MinIO, users, folders,
 * photos): pages, sessions, CSRF, escaping, outages, isolation.  Every
 * request goes over plain HTTP through a small cookie-keeping client. */
#define G_LOG_DOMAIN "test-web-pages"

#include <string.h>

#include "stack.h"
#include "web-browser.h"

#define XSS_SCRIPT "<script>alert(1)</script>"
#define XSS_IMG "\"><img src=x onerror=alert(1)>"

static Stack *stack;
static CtService *web;
static const char *web_url;

/* ---- helpers --------------------------------------------------------------------- */

static WbBrowser *
browser_new (void)
{
  return wb_browser_new (web_url);
}

static char *
csrf_from (WbBrowser *browser, const char *path)
{
  g_autoptr (WbPage) page = wb_get (browser, path);

  g_assert_cmpuint (page->status, ==, 200);
  return wb_csrf (page);
}

/* Signs in through the login form; asserts the redirect home. */
static void
sign_in (WbBrowser *browser, const char *name)
{
  g_autofree char *csrf = csrf_from (browser, "/login");
  g_autoptr (WbPage) page = wb_post (browser, "/login",
                                     (const char *const[]) { "username", name, "password", STACK_PASSWORD,
                                                             "csrf_token", csrf, "next", "/", NULL });

  g_assert_cmpuint (page->status, ==, 303);
  g_assert_cmpstr (wb_header (page, "Location"), ==, "/");
  g_assert_nonnull (g_hash_table_lookup (browser->cookies, "carrete_access"));
}

static WbBrowser *
signed_in_browser (StackUser *user)
{
  WbBrowser *browser = browser_new ();

  sign_in (browser, user->name);
  return browser;
}

static char *
photo_with_name (StackUser *user, const char *name, const char *folder_id)
{
  g_autofree char *escaped = g_uri_escape_string (name, NULL, TRUE);
  g_autofree char *path = g_strdup_printf ("/v1/photos?name=%s%s%s", escaped,
                                           folder_id != NULL ? "&folder_id=" : "",
                                           folder_id != NULL ? folder_id : "");
  g_autofree char *auth = g_strconcat ("Authorization: Bearer ", user->token, NULL);
  g_autoptr (GBytes) png = ct_unique_png ("web");
  g_autoptr (CtResponse) r = ct_http_raw (stack->photos.url, "POST", path,
                                          (const char *const[]) { auth, NULL }, "image/png", png);
  g_autoptr (CtResponse) ready = NULL;

  g_assert_cmpuint (r->status, ==, 201);
  ready = ct_await_thumbnails (stack->photos.url, user->token, ct_response_string (r, "id"));
  g_assert_cmpstr (ct_response_string (ready, "thumbnails"), ==, "ready");
  return g_strdup (ct_response_string (r, "id"));
}

static char *
photo_name (StackUser *user, const char *id)
{
  g_autofree char *path = g_strconcat ("/v1/photos/", id, NULL);
  g_autoptr (CtResponse) r = ct_http (stack->photos.url, "GET", path, user->token, NULL);

  if (r->status == 404)
    return NULL;
  g_assert_cmpuint (r->status, ==, 200);
  return g_strdup (ct_response_string (r, "name"));
}

static guint
count_folders (StackUser *user)
{
  g_autoptr (CtResponse) r = ct_http (stack->folders.url, "GET", "/v1/folders?scope=mine&limit=200",
                                      user->token, NULL);

  g_assert_cmpuint (r->status, ==, 200);
  return json_array_get_length (json_object_get_array_member (ct_response_object (r), "items"));
}

static void
assert_alert (WbPage *page, const char *text)
{
  g_assert_nonnull (strstr (page->body, "role=\"alert\""));
  if (text != NULL && strstr (page->body, text) == NULL)
    g_error ("the page lacks \"%s\":\n%s", text, page->body);
}

/* ---- headers, cookies, markup ------------------------------------------------------- */

static void
test_security_headers_everywhere (void)
{
  g_autoptr (StackUser) user = stack_user_new (stack, "webhdr");
  g_autoptr (WbBrowser) browser = signed_in_browser (user);
  g_autofree char *folder = stack_folder_new (stack, user->token, "public", NULL);
  g_autofree char *photo = photo_with_name (user, "headers.png", folder);
  g_autofree char *folder_page = g_strconcat ("/folders/", folder, NULL);
  g_autofree char *photo_page = g_strconcat ("/photos/", photo, NULL);
  const char *paths[] = { "/", "/login", "/register", "/upload", "/folders/new", folder_page,
                          photo_page, "/static/carrete.css", "/static/upload.js", "/healthz",
                          "/readyz", "/no/such/page", "/static/nope.css" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr (WbPage) page = wb_get (browser, paths[i]);

      g_test_message ("%s → %u", paths[i], page->status);
      wb_assert_security_headers (page);
      if (g_str_has_prefix (wb_header (page, "Content-Type"), "text/html"))
        wb_assert_page_contract (page);
    }
}

static void
test_csp_allows_thumbnail_origin (void)
{
  g_autoptr (StackUser) user = stack_user_new (stack, "webcsp");
  g_autoptr (WbBrowser) browser = signed_in_browser (user);
  g_autofree char *photo = photo_with_name (user, "csp.png", NULL);
  g_autoptr (WbPage) page = wb_get (browser, "/");
  const char *csp = wb_header (page, "Content-Security-Policy");

  g_assert_cmpuint (page->status, ==, 200);
  g_assert_nonnull (strstr (page->body, "class=\"photo-card\""));
  /* Thumbnails are presigned MinIO URLs: MinIO's origin must be allowed. */
  g_assert_nonnull (strstr (page->body, ct_s3_server_endpoint (stack->minio)));
  g_assert_nonnull (strstr (csp, ct_s3_server_endpoint (stack->minio)));
}

/* A photo whose thumbnails are still being made shows a placeholder that
 * thumbs.js swaps for the tile once it is ready; one whose thumbnails
 * failed says there is no preview.  (The state is set behind the
 * service's back: the job is too quick to catch.) */
static void
test_thumbnail_placeholders (void)
{
  g_autoptr (StackUser) user = stack_user_new (stack, "webthumb");
  g_autoptr (WbBrowser) browser = signed_in_browser (user);
  g_autofree char *photo = photo_with_name (user, "later.png", NULL);
  g_autofree char *row = stack_row_id (stack, photo);
  g_autofree char *tile = g_strdup_printf ("<li class=\"photo-card\"><a id=\"tile-%s\""
                                           " href=\"/photos/%s\" data-thumbnails=\"pending\">",
                                           photo, photo);
  g_autofree char *photo_page = g_strconcat ("/photos/", photo, NULL);

  g_free (stack_sql (stack, "photos",
                     "UPDATE photos SET thumbnails = 'pending' WHERE id = $1::bigint", row));
  {
    g_autoptr (WbPage) page = wb_get (browser, "/");
    g_autoptr (WbPage) single = wb_get (browser, photo_page);
    g_assert_cmpuint (page->status, ==, 200);
    g_assert_nonnull (strstr (page->body, tile));
    g_assert_nonnull (strstr (page->body, "class=\"thumb-missing thumb-pending\""));
    g_assert_nonnull (strstr (page->body, "/static/thumbs.js"));
    g_assert_nonnull (strstr (single->body, "data-thumbnails=\"pending\""));
    g_assert_nonnull (strstr (single->body, "This photo is still being processed."));
  }
  g_free (stack_sql (stack, "photos",
                     "UPDATE photos SET thumbnails = 'failed' WHERE id = $1::bigint", row));
  {
    g_autoptr (WbPage) page = wb_get (browser, "/?lang=es");
    g_autoptr (WbPage) single = wb_get (browser, photo_page);
    g_assert_nonnull (strstr (page->body, "data-thumbnails=\"failed\""));
    g_assert_nonnull (strstr (page->body, "Sin vista previa"));
    g_assert_nonnull (strstr (single->body, "thumb-failed"));
  }
  {
    g_autoptr (WbPage) script = wb_get (browser, "/static/thumbs.js");
    g_assert_cmpuint (script->status, ==, 200);
    g_assert_nonnull (strstr (script->body, "data-thumbnails"));
  }
}

static void
test_cookie_flags (void)
{
  g_autoptr (StackUser) user = stack_user_new (stack, "webcookie");
  g_autoptr (WbBrowser) browser = browser_new ();
  g_autofree char *csrf = csrf_from (browser, "/login");
  g_autoptr (WbPage) page = wb_post (browser, "/login",
                                     (const char *const[]) { "username", user->name, "password", STACK_PASSWORD,
                                                             "csrf_token", csrf, NULL });
  const char *names[] = { "carrete_access", "carrete_refresh", "carrete_user" };

  g_assert_cmpuint (page->status, ==, 303);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const char *cookie = wb_set_cookie (page, names[i]);
      g_assert_nonnull (cookie);
      g_assert_nonnull (strstr (cookie, "; HttpOnly"));
      g_assert_nonnull (strstr (cookie, "; SameSite=Lax"));
      g_assert_nonnull (strstr (cookie, "; Path=/"));
      g_assert_null (strstr (cookie, "Secure")); /* this instance runs with COOKIE_SECURE=false */
    }
  /* Tokens never in a URL: the redirect goes to a plain path. */
  g_assert_cmpstr (wb_header (page, "Location"), ==, "/");
}

static void
test_secure_cookies_by_default (void)
{
  g_autoptr (StackUser) user = stack_user_new (stack, "websecure");
  CtService *secure_web = stack_start_web (
      stack, (const char *const[]){ "CARRETE_COOKIE_SECURE=true", NULL });
  g_autoptr (WbBrowser) browser = wb_browser_new (ct_service_url (secure_web));
  g_autoptr (WbPage) login = wb_get (browser, "/login");
  g_autofree char *csrf = wb_csrf (login);
  g_autoptr (WbPage) page = wb_post (browser, "/login",
                                     (const char *const[]) { "username", user->name, "password", STACK_PASSWORD,
                                                             "csrf_token", csrf, NULL });

  g_assert_null (strstr (login->body, "id=\"insecure-notice\""));
  g_assert_nonnull (strstr (wb_set_cookie (login, "carrete_csrf"), "; Secure"));
  g_assert_cmpuint (page->status, ==, 303);
  g_assert_nonnull (strstr (wb_set_cookie (page, "carrete_access"), "; Secure"));
  g_assert_nonnull (strstr (wb_set_cookie (page, "carrete_refresh"), "; Secure"));
  ct_service_stop (secure_web);
  ct_service_free (secure_web);
}

static void
test_insecure_notice (void)
{
  g_autoptr (WbBrowser) browser = browser_new ();
  g_autoptr (WbPage) page = wb_get (browser, "/login");

  g_assert_nonnull (strstr (page->body, "<p id=\"insecure-notice\">"));
}

/* ---- sign up, in, out --------------------------------------------------------------- */

static void
test_register_login_logout (void)
{
  g_autoptr (WbBrowser) browser = browser_new ();
  g_autofree char *name = g_strdup_printf ("webreg%u", g_random_int_range (0, 1 << 30));
  g_autofree char *email = g_strconcat (name, "@example.org", NULL);
  g_autofree char *csrf = csrf_from (browser, "/register");
  g_autoptr (WbPage) registered = wb_post (browser, "/register",
                                           (const char *const[]) { "username", name, "email", email,
                                                                   "password", STACK_PASSWORD, "csrf_token", csrf, NULL });
  g_autoptr (WbPage) gallery = NULL;
  g_autoptr (WbPage) out = NULL;
  g_autoptr (WbPage) after = NULL;
  g_autoptr (CtResponse) reuse = NULL;
  g_autofree char *refresh = NULL;
  g_autofree char *current = NULL;
  g_autofree char *body = NULL;

  g_assert_cmpuint (registered->status, ==, 303);
  g_assert_cmpstr (wb_header (registered, "Location"), ==, "/");
  gallery = wb_get (browser, "/");
  g_assert_cmpuint (gallery->status, ==, 200);
  current = g_strdup_printf ("<span id=\"current-user\">%s</span>", name);
  g_assert_nonnull (strstr (gallery->body, current));
  g_assert_nonnull (strstr (gallery->body, "id=\"empty-state\""));
  g_assert_nonnull (strstr (gallery->body, "<form id=\"logout-form\" method=\"post\" action=\"/logout\">"));
  wb_assert_page_contract (gallery);

  refresh = g_strdup (g_hash_table_lookup (browser->cookies, "carrete_refresh"));
  g_free (csrf);
  csrf = wb_csrf (gallery);
  out = wb_post (browser, "/logout", (const char *const[]) { "csrf_token", csrf, NULL });
  g_assert_cmpuint (out->status, ==, 303);
  g_assert_cmpstr (wb_header (out, "Location"), ==, "/login");
  g_assert_nonnull (strstr (wb_set_cookie (out, "carrete_access"), "Max-Age=0"));
  g_assert_nonnull (strstr (wb_set_cookie (out, "carrete_refresh"), "Max-Age=0"));
  g_assert_null (g_hash_table_lookup (browser->cookies, "carrete_refresh"));
  /* The refresh token was revoked, not only forgotten. */
  body = g_strdup_printf ("{\"refresh_token\":\"%s\"}", refresh);
  reuse = ct_http (stack->users.url, "POST", "/v1/auth/refresh", NULL, body);
  g_assert_cmpuint (reuse->status, ==, 401);
  after = wb_get (browser, "/");
  g_assert_cmpuint (after->status, ==, 303);
}

static void
test_register_refusals (void)
{
  g_autoptr (StackUser) user = stack_user_new (stack, "webdup");
  g_autoptr (WbBrowser) browser = browser_new ();
  g_autofree char *csrf = csrf_from (browser, "/register");
  g_autoptr (WbPage) taken = wb_post (browser, "/register",
                                      (const char *const[]) { "username", user->name, "email", "other@example.org",
                                                              "password", STACK_PASSWORD, "csrf_token", csrf, NULL });
  g_autoptr (WbPage) bad = wb_post (browser, "/register",
                                    (const char *const[]) { "username", XSS_SCRIPT, "email", XSS_IMG,
                                                            "password", "short", "csrf_token", csrf, NULL });

  g_assert_cmpuint (taken->status, ==, 409);
  assert_alert (taken, NULL);
  g_assert_nonnull (strstr (taken->body, "id=\"register-form\""));
  g_assert_cmpuint (bad->status, ==, 422);
  assert_alert (bad, NULL);
  /* The username as typed comes back in the form, inert. */
  g_assert_null (strstr (bad->body, XSS_SCRIPT));
  g_assert_null (strstr (bad->body, "<img src=x"));
  g_assert_nonnull (strstr (bad->body, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  wb_assert_page_contract (bad);
}

static void
test_wrong_password (void)
{
  g_autoptr (StackUser) user = stack_user_new (stack, "webwrong");
  g_autoptr (WbBrowser) browser = browser_new ();
  g_autofree char *csrf = csrf_from (browser, "/login");
  g_autoptr (WbPage) page = wb_post (browser, "/login",
                                     (const char *const[]) { "username", user->name, "password", "not the password",
                                                             "csrf_token", csrf, NULL });

  g_assert_cmpuint (page->status, ==, 401);
  assert_alert (page, NULL);
  g_assert_null (g_hash_table_lookup (browser->cookies, "carrete_access"));
  /* The password is never echoed back. */
  g_assert_null (strstr (page->body, "not the password"));
  wb_assert_page_contract (page);
}

static void
test_login_next (void)
{
  g_autoptr (StackUser) user = stack_user_new (stack, "webnext");
  const char *cases[][2] = {
    { "/upload?folder_id=x", "/upload?folder_id=x" },
    { "//evil.example/", "/" },
    { "https://evil.example/", "/" },
    { "/\\evil.example", "/" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (WbBrowser) browser = browser_new ();
      g_autofree char *csrf = csrf_from (browser, "/login");
      g_autoptr (WbPage) page = wb_post (browser, "/login",
                                         (const char *const[]) { "username", user->name, "password", STACK_PASSWORD,
                                                                 "csrf_token", csrf, "next", cases[i][0], NULL });

      g_assert_cmpuint (page->status, ==, 303);
      g_assert_cmpstr (wb_header (page, "Location"), ==, cases[i][1]);
    }
}

static void
test_anonymous_redirects (void)
{
  g_autoptr (WbBrowser) browser = browser_new ();
  const char *cases[][2] = {
    { "/", "/login?next=%2F" },
    { "/upload?folder_id=fo_x", "/login?next=%2Fupload%3Ffolder_id%3Dfo_x" },
    { "/folders/new", "/login?next=%2Ffolders%2Fnew" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (WbPage) page = wb_get (browser, cases[i][0]);
      g_assert_cmpuint (page->status, ==, 303);
      g_assert_cmpstr (wb_header (page, "Location"), ==, cases[i][1]);
    }
}

/* ---- sessions ---------------------------------------------------------------------- */

static void
test_expired_session_back_after_login (void)
{
  g_autoptr (StackUser) user = stack_user_new (stack, "webexp");
  g_autoptr (WbBrowser) browser = browser_new ();
  g_autofree char *expired = stack_expired_token (stack, user->id, "user");
  g_autoptr (WbPage) page = NULL;
  g_autoptr (WbPage) login = NULL;
  g_autoptr (WbPage) back = NULL;
  g_autofree char *csrf = NULL;

  g_hash_table_insert (browser->cookies, g_strdup ("carrete_access"), g_strdup (expired));
  g_hash_table_insert (browser->cookies, g_strdup ("carrete_refresh"), g_strdup ("revoked-or-forged"));
  g_hash_table_insert (browser->cookies, g_strdup ("carrete_user"), g_strdup (user->name));
  page = wb_get (browser, "/?q=beach&tags=sea");
  g_assert_cmpuint (page->status, ==, 303);
  g_assert_cmpstr (wb_header (page, "Location"), ==, "/login?next=%2F%3Fq%3Dbeach%26tags%3Dsea");
  g_assert_null (g_hash_table_lookup (browser->cookies, "carrete_access"));

  login = wb_get (browser, wb_header (page, "Location"));
  g_assert_cmpuint (login->status, ==, 200);
  g_assert_nonnull (strstr (login->body, "name=\"next\" value=\"/?q=beach&amp;tags=sea\""));
  csrf = wb_csrf (login);
  back = wb_post (browser, "/login",
                  (const char *const[]) { "username", user->name, "password", STACK_PASSWORD,
                                          "csrf_token", csrf, "next", "/?q=beach&tags=sea", NULL });
  g_assert_cmpuint (back->status, ==, 303);
  g_assert_cmpstr (wb_header (back, "Location"), ==, "/?q=beach&tags=sea");
}

static void
test_expired_access_refreshed (void)
{
  g_autoptr (StackUser) user = stack_user_new (stack, "webrefresh");
  g_autoptr (WbBrowser) browser = signed_in_browser (user);
  g_autofree char *expired = stack_expired_token (stack, user->id, "user");
  g_autofree char *old_refresh = g_strdup (g_hash_table_lookup (browser->cookies, "carrete_refresh"));
  g_autoptr (WbPage) page = NULL;
  g_autoptr (WbPage) again = NULL;

  g_hash_table_insert (browser->cookies, g_strdup ("carrete_access"), g_strdup (expired));
  page = wb_get (browser, "/");
  g_assert_cmpuint (page->status, ==, 200);
  g_assert_nonnull (wb_set_cookie (page, "carrete_access"));
  g_assert_nonnull (wb_set_cookie (page, "carrete_refresh"));
  g_assert_cmpstr (g_hash_table_lookup (browser->cookies, "carrete_access"), !=, expired);
  g_assert_cmpstr (g_hash_table_lookup (browser->cookies, "carrete_refresh"), !=, old_refresh);
  again = wb_get (browser, "/");
  g_assert_cmpuint (again->status, ==, 200);
  g_assert_null (wb_set_cookie (again, "carrete_access"));
}

static gpointer
get_gallery (gpointer data)
{
  return wb_get (data, "/");
}

static WbBrowser *
clone_browser (WbBrowser *browser)
{
  WbBrowser *copy = browser_new ();
  GHashTableIter iter;
  gpointer name, value;

  g_hash_table_iter_init (&iter, browser->cookies);
  while (g_hash_table_iter_next (&iter, &name, &value))
    g_hash_table_insert (copy->cookies, g_strdup (name), g_strdup (value));
  return copy;
}

/* Two tabs after the access token expired: both refresh with the same
 * refresh token at once.  Used twice, the users service would revoke the
 * whole family; carrete-web makes them share one refresh. */
static void
two_tabs_share_one_refresh (const char *name)
{
  g_autoptr (StackUser) user = stack_user_new (stack, name);
  g_autoptr (WbBrowser) first = signed_in_browser (user);
  g_autofree char *expired = stack_expired_token (stack, user->id, "user");
  g_autoptr (WbBrowser) second = NULL;
  GThread *threads[2];
  WbPage *pages[2];

  g_hash_table_insert (first->cookies, g_strdup ("carrete_access"), g_strdup (expired));
  second = clone_browser (first);
  threads[0] = g_thread_new ("tab-1", get_gallery, first);
  threads[1] = g_thread_new ("tab-2", get_gallery, second);
  pages[0] = g_thread_join (threads[0]);
  pages[1] = g_thread_join (threads[1]);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpuint (pages[i]->status, ==, 200);
      g_assert_nonnull (wb_set_cookie (pages[i], "carrete_refresh"));
    }
  g_assert_cmpstr (g_hash_table_lookup (first->cookies, "carrete_refresh"), ==,
                   g_hash_table_lookup (second->cookies, "carrete_refresh"));
  wb_page_free (pages[0]);
  wb_page_free (pages[1]);
  /* The family is alive: the new refresh token still works. */
  {
    g_autofree char *body = g_strdup_printf ("{\"refresh_token\":\"%s\"}",
                                             (char *) g_hash_table_lookup (second->cookies, "carrete_refresh"));
    g_autoptr (CtResponse) direct = ct_http (stack->users.url, "POST", "/v1/auth/refresh", NULL, body);
    g_assert_cmpuint (direct->status, ==, 200);
  }
}

/* carrete-web runs a worker thread per CPU and the kernel spreads the two
 * tabs' connections over them: several rounds, so that the tabs land on
 * different workers as well as on the same one. */
static void
test_concurrent_refresh_shared (void)
{
  for (guint round = 0; round < 6; round++)
    {
      g_autofree char *name = g_strdup_printf ("webtabs%u", round);

      two_tabs_share_one_refresh (name);
    }
}

/* A refresh cookie replayed from another browser (another CSRF seed) right
 * after the owner's refresh is not answered with the owner's new pair: it
 * reaches carrete-users, whose reuse detection revokes the whole family. */
static void
test_replayed_refresh_not_served (void)
{
  g_autoptr (StackUser) user = stack_user_new (stack, "webreplay");
  g_autoptr (WbBrowser) owner = signed_in_browser (user);
  g_autofree char *expired = stack_expired_token (stack, user->id, "user");
  g_autofree char *stolen = g_strdup (g_hash_table_lookup (owner->cookies, "carrete_refresh"));
  g_autoptr (WbBrowser) thief = browser_new ();
  g_autoptr (WbPage) first = NULL;
  g_autoptr (WbPage) replay = NULL;

  g_hash_table_insert (owner->cookies, g_strdup ("carrete_access"), g_strdup (expired));
  first = wb_get (owner, "/");
  g_assert_cmpuint (first->status, ==, 200);
  g_assert_nonnull (wb_set_cookie (first, "carrete_refresh"));

  g_hash_table_insert (thief->cookies, g_strdup ("carrete_access"), g_strdup (expired));
  g_hash_table_insert (thief->cookies, g_strdup ("carrete_refresh"), g_strdup (stolen));
  replay = wb_get (thief, "/");
  g_assert_cmpuint (replay->status, ==, 303);
  g_assert_true (g_str_has_prefix (wb_header (replay, "Location"), "/login"));
  {
    /* The owner's new refresh token died with its family. */
    g_autofree char *body = g_strdup_printf ("{\"refresh_token\":\"%s\"}",
                                             (char *) g_hash_table_lookup (owner->cookies, "carrete_refresh"));
    g_autoptr (CtResponse) direct = ct_http (stack->users.url, "POST", "/v1/auth/refresh", NULL, body);
    g_assert_cmpuint (direct->status, ==, 401);
  }
}

/* The scaffold's API-document route on a service without one: 404, not a crash. */
static void
test_no_openapi_document (void)
{
  g_autoptr (WbBrowser) browser = browser_new ();
  g_autoptr (WbPage) doc = wb_get (browser, "/openapi.json");
  g_autoptr (WbPage) after = NULL;

  g_assert_cmpuint (doc->status, ==, 404);
  after = wb_get (browser, "/login");
  g_assert_cmpuint (after->status, ==, 200);
}

/* ---- CSRF ------------------------------------------------------------------------------ */

static void
assert_refused (WbPage *page)
{
  g_assert_cmpuint (page->status, ==, 403);
  g_assert_cmpuint (wb_count (page, "<h1"), ==, 1);
  assert_alert (page, NULL);
  wb_assert_security_headers (page);
}

static void
test_csrf_every_post (void)
{
  g_autoptr (StackUser) user = stack_user_new (stack, "webcsrf");
  g_autoptr (WbBrowser) browser = signed_in_browser (user);
  g_autofree char *folder = stack_folder_new (stack, user->token, "private", NULL);
  g_autofree char *photo = photo_with_name (user, "keep.png", folder);
  g_autofree char *folder_edit = g_strconcat ("/folders/", folder, NULL);
  g_autofree char *folder_delete = g_strconcat ("/folders/", folder, "/delete", NULL);
  g_autofree char *rename = g_strconcat ("/photos/", photo, "/rename", NULL);
  g_autofree char *move = g_strconcat ("/photos/", photo, "/move", NULL);
  g_autofree char *delete = g_strconcat ("/photos/", photo, "/delete", NULL);
  g_autofree char *restore = g_strconcat ("/trash/", photo, "/restore", NULL);
  g_autofree char *for_good = g_strconcat ("/trash/", photo, "/delete", NULL);
  const char *routes[] = { "/login", "/register", "/logout", "/folders/new", folder_edit,
                           folder_delete, rename, move, delete, restore, for_good, "/trash/empty" };
  const char *tokens[] = { NULL, "", "forged-token", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" };
  guint folders_before = count_folders (user);
  g_autofree char *name = NULL;

  for (guint r = 0; r < G_N_ELEMENTS (routes); r++)
    for (guint t = 0; t < G_N_ELEMENTS (tokens); t++)
      {
        const char *fields[] = { "name", "changed", "visibility", "public", "tags", "x",
                                 "recursive", "true", "folder_id", "", "username", user->name,
                                 "password", STACK_PASSWORD, "email", "x@example.org",
                                 tokens[t] != NULL ? "csrf_token" : NULL, tokens[t], NULL };
        g_autoptr (WbPage) page = wb_post (browser, routes[r], fields);

        g_test_message ("POST %s with token %s", routes[r], tokens[t] != NULL ? tokens[t] : "(none)");
        assert_refused (page);
      }
  /* The multipart upload too. */
  for (guint t = 0; t < G_N_ELEMENTS (tokens); t++)
    {
      WbMultipart *form = wb_multipart_new ();
      g_autoptr (GBytes) png = ct_unique_png ("csrf");
      g_autoptr (WbPage) page = NULL;

      if (tokens[t] != NULL)
        wb_multipart_add_field (form, "csrf_token", tokens[t]);
      wb_multipart_add_file (form, "file", "sneaky.png", "image/png", png);
      page = wb_post_multipart (browser, "/upload", form, NULL);
      assert_refused (page);
    }
  /* A valid token of another browser is not valid here. */
  {
    g_autoptr (WbBrowser) other = browser_new ();
    g_autofree char *theirs = csrf_from (other, "/login");
    g_autoptr (WbPage) page = wb_post (browser, rename,
                                       (const char *const[]) { "name", "changed", "csrf_token", theirs, NULL });
    assert_refused (page);
  }
  /* Nothing changed, and the session still works. */
  name = photo_name (user, photo);
  g_assert_cmpstr (name, ==, "keep.png");
  g_assert_cmpuint (count_folders (user), ==, folders_before);
  g_assert_nonnull (g_hash_table_lookup (browser->cookies, "carrete_refresh"));
  {
    g_autoptr (WbPage) gallery = wb_get (browser, "/");
    g_assert_cmpuint (gallery->status, ==, 200);
  }
}

/* ---- escaping ---------------------------------------------------------------------------- */

static void
assert_inert (WbPage *page)
{
  g_assert_null (strstr (page->body, "<script>alert"));
  g_assert_null (strstr (page->body, "<img src=x"));
  g_assert_null (strstr (page->body, "onerror=alert(1)>"));
}

static void
test_user_strings_are_inert (void)
{
  g_autoptr (StackUser) user = stack_user_new (stack, "webxss");
  g_autoptr (WbBrowser) browser = signed_in_browser (user);
  g_autofree char *csrf = csrf_from (browser, "/folders/new");
  g_autoptr (WbPage) created = wb_post (browser, "/folders/new",
                                        (const char *const[]) { "name", XSS_SCRIPT " " XSS_IMG, "visibility", "public",
                                                                "tags", XSS_SCRIPT ", " XSS_IMG, "csrf_token", csrf, NULL });
  const char *location = wb_header (created, "Location");
  g_autofree char *folder_id = NULL;
  g_autofree char *photo = NULL;
  g_autofree char *photo_page = NULL;
  g_autoptr (WbPage) folder = NULL;
  g_autoptr (WbPage) gallery = NULL;
  g_autoptr (WbPage) viewed = NULL;
  g_autoptr (WbPage) tampered = NULL;
  g_autoptr (StackUser) other = stack_user_new (stack, "webxssview");
  g_autoptr (WbBrowser) other_browser = signed_in_browser (other);
  g_autoptr (WbPage) public_list = NULL;

  g_assert_cmpuint (created->status, ==, 303);
  g_assert_true (g_str_has_prefix (location, "/folders/fo_"));
  folder_id = g_strdup (location + strlen ("/folders/"));
  /* Photo names may not hold '/': the closing tag is left out. */
  photo = photo_with_name (user, XSS_IMG "<script>alert(1).png", folder_id);
  photo_page = g_strconcat ("/photos/", photo, NULL);

  folder = wb_get (browser, location);
  g_assert_cmpuint (folder->status, ==, 200);
  assert_inert (folder);
  g_assert_nonnull (strstr (folder->body, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  g_assert_nonnull (strstr (folder->body, "<li class=\"tag\">&lt;script&gt;alert(1)&lt;/script&gt;</li>"));
  g_assert_nonnull (strstr (folder->body, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
  wb_assert_page_contract (folder);

  gallery = wb_get (browser, "/");
  assert_inert (gallery);
  g_assert_nonnull (strstr (gallery->body, "alt=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(1).png\""));
  wb_assert_page_contract (gallery);

  viewed = wb_get (browser, photo_page);
  g_assert_cmpuint (viewed->status, ==, 200);
  assert_inert (viewed);
  wb_assert_page_contract (viewed);

  /* Another user sees the folder in the public list, escaped. */
  public_list = wb_get (other_browser, "/");
  g_assert_nonnull (strstr (public_list->body, folder_id));
  assert_inert (public_list);

  /* A username that reached the cookie somehow is still only text. */
  g_hash_table_insert (browser->cookies, g_strdup ("carrete_user"), g_strdup ("<script>alert(1)</script>"));
  tampered = wb_get (browser, "/");
  assert_inert (tampered);
  g_assert_nonnull (strstr (tampered->body, "<span id=\"current-user\">&lt;script&gt;alert(1)&lt;/script&gt;</span>"));
}

/* ---- outages ------------------------------------------------------------------------------ */

static void
test_photos_down (void)
{
  g_autoptr (StackUser) user = stack_user_new (stack, "webdown");
  g_autoptr (WbBrowser) browser = signed_in_browser (user);
  g_autofree char *folder = stack_folder_new (stack, user->token, "private", NULL);
  g_autoptr (WbPage) page = NULL;

  stack_stop (&stack->photos);
  page = wb_get (browser, "/");
  stack_restart (&stack->photos);
  g_assert_cmpuint (page->status, ==, 503);
  assert_alert (page, "Photos are unavailable right now");
  g_assert_nonnull (strstr (page->body, folder)); /* folders still listed */
  g_assert_nonnull (strstr (page->body, "id=\"current-user\""));
  wb_assert_page_contract (page);
  wb_assert_security_headers (page);
}

/* ---- visibility and isolation -------------------------------------------------------------- */

static void
test_public_folder_anonymous (void)
{
  g_autoptr (StackUser) owner = stack_user_new (stack, "webpub");
  g_autofree char *public = stack_folder_new (stack, owner->token, "public", "[\"sea\"]");
  g_autofree char *private = stack_folder_new (stack, owner->token, "private", NULL);
  g_autofree char *shown = photo_with_name (owner, "shown.png", public);
  g_autofree char *hidden = photo_with_name (owner, "hidden.png", private);
  g_autoptr (WbBrowser) anonymous = browser_new ();
  g_autofree char *public_path = g_strconcat ("/folders/", public, NULL);
  g_autofree char *private_path = g_strconcat ("/folders/", private, NULL);
  g_autofree char *shown_path = g_strconcat ("/photos/", shown, NULL);
  g_autofree char *hidden_path = g_strconcat ("/photos/", hidden, NULL);
  g_autoptr (WbPage) folder = wb_get (anonymous, public_path);
  g_autoptr (WbPage) closed = wb_get (anonymous, private_path);
  g_autoptr (WbPage) photo = wb_get (anonymous, shown_path);
  g_autoptr (WbPage) secret = wb_get (anonymous, hidden_path);
  g_autofree char *link = g_strconcat ("href=\"/photos/", shown, "\"", NULL);

  g_assert_cmpuint (folder->status, ==, 200);
  g_assert_nonnull (strstr (folder->body, "data-visibility=\"public\""));
  g_assert_nonnull (strstr (folder->body, "<li class=\"tag\">sea</li>"));
  g_assert_nonnull (strstr (folder->body, link));
  g_assert_null (strstr (folder->body, "id=\"folder-edit\"")); /* not the owner */
  wb_assert_page_contract (folder);
  g_assert_cmpuint (closed->status, ==, 404);
  wb_assert_page_contract (closed);
  g_assert_cmpuint (photo->status, ==, 200);
  g_assert_nonnull (strstr (photo->body, "id=\"photo-full\""));
  g_assert_null (strstr (photo->body, "id=\"photo-rename\""));
  g_assert_cmpuint (secret->status, ==, 404);
}

static void
test_two_users_isolated (void)
{
  g_autoptr (StackUser) alice = stack_user_new (stack, "webalice");
  g_autoptr (StackUser) bob = stack_user_new (stack, "webbob");
  g_autofree char *folder = stack_folder_new (stack, alice->token, "private", NULL);
  g_autofree char *photo = photo_with_name (alice, "alices.png", folder);
  g_autoptr (WbBrowser) browser = signed_in_browser (bob);
  g_autoptr (WbPage) gallery = wb_get (browser, "/");
  g_autofree char *photo_path = g_strconcat ("/photos/", photo, NULL);
  g_autofree char *folder_path = g_strconcat ("/folders/", folder, NULL);
  g_autofree char *rename = g_strconcat ("/photos/", photo, "/rename", NULL);
  g_autofree char *delete = g_strconcat ("/folders/", folder, "/delete", NULL);
  g_autoptr (WbPage) view = wb_get (browser, photo_path);
  g_autoptr (WbPage) folder_view = wb_get (browser, folder_path);
  g_autofree char *csrf = wb_csrf (gallery);
  g_autoptr (WbPage) renamed = wb_post (browser, rename, (const char *const[]) { "name", "bobs", "csrf_token", csrf, NULL });
  g_autoptr (WbPage) deleted = wb_post (browser, delete, (const char *const[]) { "recursive", "true", "csrf_token", csrf, NULL });
  g_autofree char *name = photo_name (alice, photo);

  g_assert_cmpuint (gallery->status, ==, 200);
  g_assert_null (strstr (gallery->body, photo));
  g_assert_null (strstr (gallery->body, folder));
  g_assert_cmpuint (view->status, ==, 404);
  g_assert_cmpuint (folder_view->status, ==, 404);
  g_assert_cmpuint (renamed->status, ==, 404);
  g_assert_cmpuint (deleted->status, ==, 404);
  g_assert_cmpstr (name, ==, "alices.png");
}

/* ---- folders and photos through the forms ---------------------------------------------------- */

static void
test_folder_lifecycle (void)
{
  g_autoptr (StackUser) user = stack_user_new (stack, "webfold");
  g_autoptr (WbBrowser) browser = signed_in_browser (user);
  g_autofree char *csrf = csrf_from (browser, "/folders/new");
  g_autofree char *name = g_strdup_printf ("Trip %u", g_random_int ());
  g_autoptr (WbPage) created = wb_post (browser, "/folders/new",
                                        (const char *const[]) { "name", name, "visibility", "private",
                                                                "tags", "Beach, sun", "csrf_token", csrf, NULL });
  g_autoptr (WbPage) duplicate = wb_post (browser, "/folders/new",
                                          (const char *const[]) { "name", name, "visibility", "private",
                                                                  "csrf_token", csrf, NULL });
  g_autoptr (WbPage) bad = wb_post (browser, "/folders/new",
                                    (const char *const[]) { "name", "", "visibility", "sideways",
                                                            "csrf_token", csrf, NULL });
  const char *location = wb_header (created, "Location");
  g_autofree char *id = NULL;
  g_autofree char *delete = NULL;
  g_autoptr (WbPage) page = NULL;
  g_autoptr (WbPage) edited = NULL;
  g_autoptr (WbPage) page2 = NULL;
  g_autoptr (WbPage) refused = NULL;
  g_autoptr (WbPage) deleted = NULL;
  g_autofree char *photo = NULL;

  g_assert_cmpuint (created->status, ==, 303);
  id = g_strdup (location + strlen ("/folders/"));
  g_assert_cmpuint (duplicate->status, ==, 409);
  assert_alert (duplicate, NULL);
  g_assert_nonnull (strstr (duplicate->body, "id=\"folder-form\""));
  g_assert_cmpuint (bad->status, ==, 422);
  assert_alert (bad, NULL);

  page = wb_get (browser, location);
  g_assert_cmpuint (page->status, ==, 200);
  g_assert_nonnull (strstr (page->body, "data-visibility=\"private\""));
  g_assert_nonnull (strstr (page->body, "<li class=\"tag\">beach</li>"));
  g_assert_nonnull (strstr (page->body, "id=\"empty-state\""));
  g_assert_nonnull (strstr (page->body, "id=\"folder-edit\""));
  g_assert_nonnull (strstr (page->body, "href=\"/upload?folder_id="));

  edited = wb_post (browser, location, (const char *const[]) { "name", name, "visibility", "public",
                                                               "tags", "sun", "csrf_token", csrf, NULL });
  g_assert_cmpuint (edited->status, ==, 303);
  g_assert_cmpstr (wb_header (edited, "Location"), ==, location);
  page2 = wb_get (browser, location);
  g_assert_nonnull (strstr (page2->body, "data-visibility=\"public\""));
  g_assert_null (strstr (page2->body, "<li class=\"tag\">beach</li>"));

  photo = photo_with_name (user, "inside.png", id);
  delete = g_strconcat (location, "/delete", NULL);
  refused = wb_post (browser, delete, (const char *const[]) { "csrf_token", csrf, NULL });
  g_assert_cmpuint (refused->status, ==, 409);
  assert_alert (refused, NULL);
  deleted = wb_post (browser, delete, (const char *const[]) { "recursive", "true", "csrf_token", csrf, NULL });
  g_assert_cmpuint (deleted->status, ==, 303);
  g_assert_cmpstr (wb_header (deleted, "Location"), ==, "/");
  g_assert_null (photo_name (user, photo));
}

static void
test_photo_rename_move_delete (void)
{
  g_autoptr (StackUser) user = stack_user_new (stack, "webphoto");
  g_autoptr (WbBrowser) browser = signed_in_browser (user);
  g_autofree char *folder = stack_folder_new (stack, user->token, "private", NULL);
  g_autofree char *photo = photo_with_name (user, "before.png", NULL);
  g_autofree char *path = g_strconcat ("/photos/", photo, NULL);
  g_autoptr (WbPage) page = wb_get (browser, path);
  g_autofree char *csrf = wb_csrf (page);
  g_autofree char *rename = g_strconcat (path, "/rename", NULL);
  g_autofree char *move = g_strconcat (path, "/move", NULL);
  g_autofree char *delete = g_strconcat (path, "/delete", NULL);
  g_autoptr (WbPage) renamed = wb_post (browser, rename, (const char *const[]) { "name", "after.png", "csrf_token", csrf, NULL });
  g_autoptr (WbPage) moved = wb_post (browser, move, (const char *const[]) { "folder_id", folder, "csrf_token", csrf, NULL });
  g_autoptr (WbPage) moved_page = NULL;
  g_autoptr (WbPage) deleted = NULL;
  g_autofree char *name = NULL;
  g_autofree char *folder_location = g_strconcat ("/folders/", folder, NULL);

  g_assert_cmpuint (page->status, ==, 200);
  g_assert_nonnull (strstr (page->body, "<h1>before.png</h1>"));
  g_assert_nonnull (strstr (page->body, "id=\"photo-full\""));
  g_assert_nonnull (strstr (page->body, "<dl id=\"photo-meta\""));
  g_assert_nonnull (strstr (page->body, "8 × 8 px"));
  wb_assert_page_contract (page);
  g_assert_cmpuint (renamed->status, ==, 303);
  g_assert_cmpstr (wb_header (renamed, "Location"), ==, path);
  name = photo_name (user, photo);
  g_assert_cmpstr (name, ==, "after.png");
  g_assert_cmpuint (moved->status, ==, 303);
  moved_page = wb_get (browser, path);
  g_assert_nonnull (strstr (moved_page->body, folder_location));
  deleted = wb_post (browser, delete, (const char *const[]) { "folder_id", folder, "csrf_token", csrf, NULL });
  g_assert_cmpuint (deleted->status, ==, 303);
  g_assert_cmpstr (wb_header (deleted, "Location"), ==, folder_location);
  g_assert_null (photo_name (user, photo));
}

/* The trash page: the deleted photo with its Restore and Delete for good
 * forms; restoring goes back to the photo, deleting for good and emptying
 * come back to the page; emptying an empty trash says so (409). */
static void
test_trash_page (void)
{
  g_autoptr (StackUser) user = stack_user_new (stack, "webtrash");
  g_autoptr (WbBrowser) browser = signed_in_browser (user);
  g_autofree char *photo = photo_with_name (user, "binned.png", NULL);
  g_autofree char *other = photo_with_name (user, "gone.png", NULL);
  g_autofree char *path = g_strconcat ("/photos/", photo, NULL);
  g_autofree char *item = g_strconcat ("id=\"trash-", photo, "\"", NULL);
  g_autofree char *restore = g_strconcat ("/trash/", photo, "/restore", NULL);
  g_autofree char *for_good = g_strconcat ("/trash/", other, "/delete", NULL);
  g_autoptr (WbPage) empty = wb_get (browser, "/trash");
  g_autofree char *csrf = wb_csrf (empty);
  g_autoptr (WbPage) list = NULL;
  g_autoptr (WbPage) restored = NULL;
  g_autoptr (WbPage) deleted = NULL;
  g_autoptr (WbPage) emptied = NULL;
  g_autoptr (WbPage) again = NULL;
  g_autoptr (WbPage) anonymous = NULL;
  g_autofree char *name = NULL;

  g_assert_cmpuint (empty->status, ==, 200);
  g_assert_nonnull (strstr (empty->body, "id=\"trash-empty-state\""));
  g_assert_nonnull (strstr (empty->body, "id=\"nav-trash\""));
  wb_assert_page_contract (empty);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *delete = g_strconcat ("/photos/", i == 0 ? photo : other, "/delete", NULL);
      g_autoptr (WbPage) page = wb_post (browser, delete,
                                         (const char *const[]) { "csrf_token", csrf, NULL });
      g_assert_cmpuint (page->status, ==, 303);
    }
  list = wb_get (browser, "/trash");
  g_assert_cmpuint (list->status, ==, 200);
  g_assert_nonnull (strstr (list->body, item));
  g_assert_nonnull (strstr (list->body, "binned.png"));
  g_assert_nonnull (strstr (list->body, "id=\"trash-empty\""));
  g_assert_nonnull (strstr (list->body, "class=\"trash-restore\""));
  wb_assert_page_contract (list);
  restored = wb_post (browser, restore, (const char *const[]) { "csrf_token", csrf, NULL });
  g_assert_cmpuint (restored->status, ==, 303);
  g_assert_cmpstr (wb_header (restored, "Location"), ==, path);
  name = photo_name (user, photo);
  g_assert_cmpstr (name, ==, "binned.png");
  deleted = wb_post (browser, for_good, (const char *const[]) { "csrf_token", csrf, NULL });
  g_assert_cmpuint (deleted->status, ==, 303);
  g_assert_cmpstr (wb_header (deleted, "Location"), ==, "/trash");
  emptied = wb_post (browser, "/trash/empty", (const char *const[]) { "csrf_token", csrf, NULL });
  g_assert_cmpuint (emptied->status, ==, 409);
  g_assert_nonnull (strstr (emptied->body, "role=\"alert\""));
  again = wb_post (browser, restore, (const char *const[]) { "csrf_token", csrf, NULL });
  g_assert_cmpuint (again->status, ==, 404);
  g_clear_pointer (&name, g_free);
  name = photo_name (user, photo);
  g_assert_cmpstr (name, ==, "binned.png");
  {
    g_autoptr (WbBrowser) stranger = wb_browser_new (web_url);
    anonymous = wb_get (stranger, "/trash");
    g_assert_cmpuint (anonymous->status, ==, 303);
  }
}

/* ---- gallery ----------------------------------------------------------------------------------- */

static void
test_gallery_filters_and_pages (void)
{
  g_autoptr (StackUser) user = stack_user_new (stack, "webgal");
  g_autoptr (WbBrowser) browser = signed_in_browser (user);
  g_autoptr (WbPage) first = NULL;
  g_autoptr (WbPage) filtered = NULL;
  g_autoptr (WbPage) bad_date = NULL;
  g_autoptr (WbPage) next = NULL;
  const char *marker = "rel=\"next\" class=\"btn btn-secondary\" href=\"";
  const char *at;
  g_autofree char *href = NULL;

  for (guint i = 0; i < 52; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s-%02u.png", i == 7 ? "lighthouse" : "pic", i);
      g_autofree char *id = photo_with_name (user, name, NULL);
    }
  first = wb_get (browser, "/");
  g_assert_cmpuint (first->status, ==, 200);
  g_assert_cmpuint (wb_count (first, "<li class=\"photo-card\">"), ==, 50);
  at = strstr (first->body, marker);
  g_assert_nonnull (at);
  at += strlen (marker);
  href = g_strndup (at, strcspn (at, "\""));
  {
    GString *plain = g_string_new (href);
    g_string_replace (plain, "&amp;", "&", 0);
    next = wb_get (browser, plain->str);
    g_string_free (plain, TRUE);
  }
  g_assert_cmpuint (next->status, ==, 200);
  g_assert_cmpuint (wb_count (next, "<li class=\"photo-card\">"), ==, 2);
  g_assert_null (strstr (next->body, "rel=\"next\""));

  filtered = wb_get (browser, "/?q=lighthouse&from=2000-01-01&to=2100-12-31");
  g_assert_cmpuint (filtered->status, ==, 200);
  g_assert_cmpuint (wb_count (filtered, "<li class=\"photo-card\">"), ==, 1);
  g_assert_nonnull (strstr (filtered->body, "value=\"lighthouse\""));
  g_assert_nonnull (strstr (filtered->body, "<form id=\"filters\" method=\"get\" action=\"/\""));

  bad_date = wb_get (browser, "/?from=2026-02-30");
  g_assert_cmpuint (bad_date->status, ==, 200);
  assert_alert (bad_date, NULL);
}

/* ---- the API through carrete-web ------------------------------------------------------------------ */

static void
test_api_pass_through (void)
{
  g_autofree char *name = g_strdup_printf ("webapi%u", g_random_int_range (0, 1 << 30));
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"email\":\"%s@example.org\",\"password\":\"%s\"}",
                                           name, name, STACK_PASSWORD);
  g_autofree char *login = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"%s\"}", name, STACK_PASSWORD);
  g_autoptr (CtResponse) registered = ct_http (web_url, "POST", "/v1/auth/register", NULL, body);
  g_autoptr (CtResponse) pair = ct_http (web_url, "POST", "/v1/auth/login", NULL, login);
  const char *token = ct_response_string (pair, "access_token");
  g_autoptr (CtResponse) me = ct_http (web_url, "GET", "/v1/users/me", token, NULL);
  g_autoptr (CtResponse) folder = ct_http (web_url, "POST", "/v1/folders", token,
                                           "{\"name\":\"via web\",\"visibility\":\"private\",\"tags\":[]}");
  g_autofree char *auth = g_strconcat ("Authorization: Bearer ", token, NULL);
  g_autoptr (GBytes) png = ct_unique_png ("proxy");
  g_autofree char *upload_path = g_strdup_printf ("/v1/photos?name=through.png&folder_id=%s",
                                                  ct_response_string (folder, "id"));
  g_autoptr (CtResponse) photo = ct_http_raw (web_url, "POST", upload_path,
                                              (const char *const[]) { auth, "Cookie: carrete_access=not-forwarded", NULL },
                                              "image/png", png);
  g_autoptr (CtResponse) list = ct_http (web_url, "GET", "/v1/photos?limit=10", token, NULL);
  g_autoptr (CtResponse) jwks = ct_http (web_url, "GET", "/.well-known/jwks.json", NULL, NULL);
  g_autoptr (CtResponse) direct_jwks = ct_http (stack->users.url, "GET", "/.well-known/jwks.json", NULL, NULL);
  g_autoptr (CtResponse) nothing = ct_http (web_url, "GET", "/v1/nothing", token, NULL);
  g_autoptr (CtResponse) anonymous = ct_http (web_url, "GET", "/v1/users/me", NULL, NULL);
  g_autoptr (CtResponse) deleted = NULL;
  g_autofree char *delete_path = NULL;
  gsize a_len = 0, b_len = 0;
  const char *a, *b;

  g_assert_cmpuint (registered->status, ==, 201);
  g_assert_cmpuint (pair->status, ==, 200);
  g_assert_cmpuint (me->status, ==, 200);
  g_assert_cmpstr (ct_response_string (me, "username"), ==, name);
  /* carrete-web's own security headers, whatever the service sent. */
  g_assert_nonnull (strstr (ct_response_header (me, "Content-Security-Policy"), "frame-ancestors 'none'"));
  g_assert_cmpstr (ct_response_header (me, "X-Frame-Options"), ==, "DENY");
  g_assert_cmpuint (folder->status, ==, 201);
  g_assert_cmpuint (photo->status, ==, 201);
  g_assert_cmpstr (ct_response_string (photo, "name"), ==, "through.png");
  /* A multipart/form-data upload keeps its boundary on the way through. */
  {
    g_autoptr (GBytes) form_png = ct_unique_png ("proxy-form");
    g_autofree char *type = NULL;
    g_autoptr (GBytes) form = ct_form_body (NULL, "form.png", "image/png", form_png, NULL, &type);
    g_autoptr (CtResponse) formed = ct_http_raw (web_url, "POST", "/v1/photos",
                                                 (const char *const[]) { auth, NULL }, type, form);

    g_assert_nonnull (strstr (type, "boundary="));
    g_assert_cmpuint (formed->status, ==, 201);
    g_assert_cmpstr (ct_response_string (formed, "name"), ==, "form.png");
    g_assert_cmpint (json_object_get_int_member (ct_response_object (formed), "size"), ==,
                     (gint64) g_bytes_get_size (form_png));
  }
  g_assert_cmpuint (list->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (ct_response_object (list), "items")), ==, 1);
  g_assert_cmpuint (jwks->status, ==, 200);
  a = g_bytes_get_data (jwks->body, &a_len);
  b = g_bytes_get_data (direct_jwks->body, &b_len);
  g_assert_cmpmem (a, a_len, b, b_len);
  ct_assert_problem (nothing, 404, NULL);
  g_assert_cmpuint (anonymous->status, ==, 401);
  g_assert_nonnull (ct_response_header (anonymous, "WWW-Authenticate"));
  /* /v1/shares is carrete-folders': a link made through carrete-web, and
   * its holder's X-Carrete-Share passed on. */
  {
    g_autofree char *link_body = g_strdup_printf (
        "{\"folder_id\":\"%s\",\"allow_download\":true}", ct_response_string (folder, "id"));
    g_autoptr (CtResponse) link = ct_http (web_url, "POST", "/v1/shares", token, link_body);
    g_autofree char *holder = NULL;
    g_autoptr (CtResponse) current = NULL;

    g_assert_cmpuint (link->status, ==, 201);
    holder = g_strconcat ("X-Carrete-Share: ", ct_response_string (link, "token"), NULL);
    current = ct_http_raw (web_url, "GET", "/v1/shares/current",
                           (const char *const[]){ holder, NULL }, NULL, NULL);
    g_assert_cmpuint (current->status, ==, 200);
    g_assert_cmpstr (ct_response_string (current, "folder_id"), ==,
                     ct_response_string (folder, "id"));
  }
  /* A longer answer (about 30 KB) arrives in several chunks and is passed
   * on whole. */
  {
    g_autoptr (StackUser) many = stack_user_new (stack, "webapimany");
    g_autoptr (CtResponse) page = NULL;
    g_autoptr (CtResponse) direct = NULL;
    JsonArray *items, *direct_items;

    for (guint i = 0; i < 30; i++)
      {
        g_autofree char *id = photo_with_name (many, "many.png", NULL);
      }
    page = ct_http (web_url, "GET", "/v1/photos?limit=200&sort=name", many->token, NULL);
    direct = ct_http (stack->photos.url, "GET", "/v1/photos?limit=200&sort=name", many->token, NULL);
    g_assert_cmpuint (page->status, ==, 200);
    g_assert_cmpuint (g_bytes_get_size (page->body), >, 16 * 1024);
    items = json_object_get_array_member (ct_response_object (page), "items");
    direct_items = json_object_get_array_member (ct_response_object (direct), "items");
    g_assert_cmpuint (json_array_get_length (items), ==, 30);
    for (guint i = 0; i < 30; i++)
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, i), "id"), ==,
                       json_object_get_string_member (json_array_get_object_element (direct_items, i), "id"));
  }
  delete_path = g_strconcat ("/v1/photos/", ct_response_string (photo, "id"), NULL);
  deleted = ct_http (web_url, "DELETE", delete_path, token, NULL);
  g_assert_cmpuint (deleted->status, ==, 204);
  /* /v1/trash is carrete-photos' too: the deleted photo is there, and comes
   * back through the same pass-through. */
  {
    g_autofree char *restore_path
        = g_strconcat ("/v1/trash/", ct_response_string (photo, "id"), "/restore", NULL);
    g_autoptr (CtResponse) trash = ct_http (web_url, "GET", "/v1/trash", token, NULL);
    g_autoptr (CtResponse) restored = NULL;
    JsonArray *items;

    g_assert_cmpuint (trash->status, ==, 200);
    items = json_object_get_array_member (ct_response_object (trash), "items");
    g_assert_cmpuint (json_array_get_length (items), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 0), "id"),
                     ==, ct_response_string (photo, "id"));
    restored = ct_http (web_url, "POST", restore_path, token, NULL);
    g_assert_cmpuint (restored->status, ==, 200);
  }
}

/* ---- language ------------------------------------------------------------------------------------ */

static void
test_spanish (void)
{
  g_autoptr (WbBrowser) browser = browser_new ();
  g_autoptr (WbPage) by_header = wb_request (browser, "GET", "/login", NULL, NULL,
                                             (const char *const[]) { "Accept-Language: es-ES,es;q=0.9,en;q=0.5", NULL });
  g_autoptr (WbPage) english = wb_get (browser, "/login");
  g_autoptr (WbPage) chosen = wb_get (browser, "/login?lang=es");
  g_autoptr (WbPage) sticky = wb_get (browser, "/register");

  g_assert_nonnull (strstr (by_header->body, "<html lang=\"es\">"));
  g_assert_nonnull (strstr (by_header->body, "<h1>Iniciar sesión</h1>"));
  g_assert_nonnull (strstr (english->body, "<html lang=\"en\">"));
  g_assert_nonnull (strstr (english->body, "<h1>Sign in</h1>"));
  g_assert_nonnull (strstr (chosen->body, "<html lang=\"es\">"));
  g_assert_nonnull (wb_set_cookie (chosen, "carrete_lang"));
  g_assert_nonnull (strstr (sticky->body, "<html lang=\"es\">"));
  g_assert_nonnull (strstr (sticky->body, "<h1>Crear una cuenta</h1>"));
}

static void
print_web_log (void)
{
  g_autofree char *log = ct_service_output (web);
  g_printerr ("carrete-web said:\n%s\n", log);
}

int
main (int argc, char **argv)
{
  int status;

  wb_failure_hook = print_web_log;

  g_test_init (&argc, &argv, NULL);
  stack = stack_start ();
  web = stack_start_web (stack, NULL);
  web_url = ct_service_url (web);

  g_test_add_func ("/carrete/web/headers/every-page", test_security_headers_everywhere);
  g_test_add_func ("/carrete/web/headers/csp-thumbnail-origin", test_csp_allows_thumbnail_origin);
  g_test_add_func ("/carrete/web/gallery/thumbnail-placeholders", test_thumbnail_placeholders);
  g_test_add_func ("/carrete/web/cookies/flags-local-http", test_cookie_flags);
  g_test_add_func ("/carrete/web/cookies/secure-by-default", test_secure_cookies_by_default);
  g_test_add_func ("/carrete/web/cookies/insecure-notice", test_insecure_notice);
  g_test_add_func ("/carrete/web/auth/register-login-logout", test_register_login_logout);
  g_test_add_func ("/carrete/web/auth/register-refusals", test_register_refusals);
  g_test_add_func ("/carrete/web/auth/wrong-password", test_wrong_password);
  g_test_add_func ("/carrete/web/auth/next-only-same-site", test_login_next);
  g_test_add_func ("/carrete/web/auth/anonymous-redirects", test_anonymous_redirects);
  g_test_add_func ("/carrete/web/session/expired-back-after-login", test_expired_session_back_after_login);
  g_test_add_func ("/carrete/web/session/refreshed-transparently", test_expired_access_refreshed);
  g_test_add_func ("/carrete/web/session/concurrent-refresh-shared", test_concurrent_refresh_shared);
  g_test_add_func ("/carrete/web/session/replayed-refresh-not-served", test_replayed_refresh_not_served);
  g_test_add_func ("/carrete/web/no-openapi-document", test_no_openapi_document);
  g_test_add_func ("/carrete/web/csrf/every-post", test_csrf_every_post);
  g_test_add_func ("/carrete/web/escaping/user-strings", test_user_strings_are_inert);
  g_test_add_func ("/carrete/web/outage/photos-down", test_photos_down);
  g_test_add_func ("/carrete/web/visibility/public-folder-anonymous", test_public_folder_anonymous);
  g_test_add_func ("/carrete/web/visibility/two-users", test_two_users_isolated);
  g_test_add_func ("/carrete/web/folders/lifecycle", test_folder_lifecycle);
  g_test_add_func ("/carrete/web/photos/rename-move-delete", test_photo_rename_move_delete);
  g_test_add_func ("/carrete/web/trash/page", test_trash_page);
  g_test_add_func ("/carrete/web/gallery/filters-and-pages", test_gallery_filters_and_pages);
  g_test_add_func ("/carrete/web/i18n/spanish", test_spanish);
  g_test_add_func ("/carrete/web/api/pass-through", test_api_pass_through);

  status = g_test_run ();
  ct_service_stop (web);
  ct_service_free (web);
  stack_free (stack);
  return status;
}
