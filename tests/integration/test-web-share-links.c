/* carrete-web's share links against the real stack (PostgreSQL, MinIO,
 * users, folders, photos): the owner's "Share links" section of a folder's
 * and a photo's page (create, list, revoke, refusals), and the link's own
 * pages for anyone holding it (/s/{token}: a folder's photos, one photo,
 * the password form, and a link that is gone). */
#define G_LOG_DOMAIN "test-web-share-links"

#include <string.h>

#include "stack.h"
#include "web-browser.h"

#define GONE_TEXT "This link does not exist, has expired or was revoked."

static Stack *stack;
static CtService *web;
static const char *web_url;

/* ---- helpers --------------------------------------------------------------------- */

static void
print_web_log (void)
{
  g_autofree char *log = ct_service_output (web);

  g_printerr ("carrete-web's log:\n%s\n", log);
}

static WbBrowser *
signed_in_browser (StackUser *user)
{
  WbBrowser *browser = wb_browser_new (web_url);
  g_autoptr (WbPage) login = wb_get (browser, "/login");
  g_autofree char *csrf = wb_csrf (login);
  g_autoptr (WbPage) page = wb_post (browser, "/login",
                                     (const char *const[]) { "username", user->name, "password",
                                                             STACK_PASSWORD, "csrf_token", csrf,
                                                             "next", "/", NULL });

  g_assert_cmpuint (page->status, ==, 303);
  return browser;
}

static char *
csrf_from (WbBrowser *browser, const char *path)
{
  g_autoptr (WbPage) page = wb_get (browser, path);

  return wb_csrf (page);
}

static void
assert_contains (WbPage *page, const char *text)
{
  if (strstr (page->body, text) == NULL)
    g_error ("the page (status %u) lacks \"%s\":\n%s", page->status, text, page->body);
}

static void
assert_lacks (WbPage *page, const char *text)
{
  if (strstr (page->body, text) != NULL)
    g_error ("the page (status %u) holds \"%s\":\n%s", page->status, text, page->body);
}

/* The value of <input id="link-url" …> on a "Link created" page. */
static char *
created_address (WbPage *page)
{
  const char *input = strstr (page->body, "id=\"link-url\"");
  const char *value = input != NULL ? strstr (input, "value=\"") : NULL;
  const char *end = value != NULL ? strchr (value + 7, '"') : NULL;

  g_assert_nonnull (end);
  return g_strndup (value + 7, (gsize) (end - value - 7));
}

/* The link's path (/s/{token}) from its full address. */
static const char *
link_path_of (const char *address)
{
  const char *path = strstr (address, "/s/");

  g_assert_nonnull (path);
  g_assert_cmpuint (strlen (path), ==, 3 + 43);
  return path;
}

/* Creates a link through the owner's form on `page` ("/folders/ID" or
 * "/photos/ID"); `fields` are the form's other fields. Answers the page. */
static WbPage *
create_link (WbBrowser *owner, const char *page, const char *const *fields)
{
  g_autofree char *csrf = csrf_from (owner, page);
  g_autofree char *action = g_strconcat (page, "/links", NULL);
  g_autoptr (GPtrArray) all = g_ptr_array_new ();

  for (guint i = 0; fields != NULL && fields[i] != NULL; i++)
    g_ptr_array_add (all, (gpointer) fields[i]);
  g_ptr_array_add (all, "csrf_token");
  g_ptr_array_add (all, csrf);
  g_ptr_array_add (all, NULL);
  return wb_post (owner, action, (const char *const *) all->pdata);
}

/* A link's path, made through the form (which must succeed). */
static char *
new_link (WbBrowser *owner, const char *page, const char *const *fields)
{
  g_autoptr (WbPage) created = create_link (owner, page, fields);
  g_autofree char *address = NULL;

  g_assert_cmpuint (created->status, ==, 201);
  address = created_address (created);
  return g_strdup (link_path_of (address));
}

/* A private folder called `name`. */
static char *
named_folder (StackUser *user, const char *name)
{
  g_autofree char *body = g_strdup_printf ("{\"name\": \"%s\", \"visibility\": \"private\"}", name);
  g_autoptr (CtResponse) r = ct_http (stack->folders.url, "POST", "/v1/folders", user->token, body);

  g_assert_cmpuint (r->status, ==, 201);
  return g_strdup (ct_response_string (r, "id"));
}

/* The id of the folder's only link (asserts there is one). */
static char *
only_link_id (StackUser *owner, const char *folder)
{
  g_autofree char *path = g_strconcat ("/v1/shares?folder_id=", folder, NULL);
  g_autoptr (CtResponse) r = ct_http (stack->folders.url, "GET", path, owner->token, NULL);
  JsonArray *items;

  g_assert_cmpuint (r->status, ==, 200);
  items = json_object_get_array_member (ct_response_object (r), "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 1);
  return g_strdup (json_object_get_string_member (json_array_get_object_element (items, 0), "id"));
}

static char *
folder_page (const char *folder)
{
  return g_strconcat ("/folders/", folder, NULL);
}

static char *
photo_ready (StackUser *user, const char *folder)
{
  g_autofree char *id = stack_photo_new (stack, user->token, folder);
  g_autoptr (CtResponse) ready = ct_await_thumbnails (stack->photos.url, user->token, id);

  g_assert_cmpstr (ct_response_string (ready, "thumbnails"), ==, "ready");
  return g_steal_pointer (&id);
}

/* ---- the owner's section ------------------------------------------------------------- */

/* A link made from the folder's page: its address is shown once, the
 * section lists it with what it allows (never the token), and revoking it
 * from the same section removes it. */
static void
test_owner_creates_lists_revokes (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "wl-own-ana");
  g_autoptr (WbBrowser) browser = signed_in_browser (ana);
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *page_path = folder_page (folder);
  g_autofree char *address = NULL;
  g_autofree char *link_id = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) next_year = g_date_time_add_days (now, 365);
  g_autofree char *expiry = g_date_time_format (next_year, "%Y-%m-%d");
  g_autofree char *expiry_shown = g_strconcat ("Expires ", expiry, " 23:59 UTC", NULL);
  const char *token;

  {
    g_autoptr (WbPage) page = wb_get (browser, page_path);
    g_assert_cmpuint (page->status, ==, 200);
    assert_contains (page, "id=\"links\"");
    assert_contains (page, "No links yet.");
    wb_assert_page_contract (page);
  }
  {
    g_autoptr (WbPage) created = create_link (
        browser, page_path,
        (const char *const[]) { "label", "Family", "password", "open sesame", "expires", expiry, NULL });
    g_assert_cmpuint (created->status, ==, 201);
    wb_assert_page_contract (created);
    assert_contains (created, "shown only this once");
    address = created_address (created);
    /* No CARRETE_PUBLIC_URL here: the address the browser used. */
    g_assert_true (g_str_has_prefix (address, web_url));
    token = link_path_of (address) + 3;
  }
  g_assert_cmpuint (stack_count_links (stack, folder), ==, 1);
  {
    g_autoptr (WbPage) page = wb_get (browser, page_path);
    const char *item = strstr (page->body, "class=\"share-link\" data-link=\"sh_");
    const char *id_end;

    g_assert_nonnull (item);
    id_end = strchr (item + strlen ("class=\"share-link\" data-link=\""), '"');
    link_id = g_strndup (item + strlen ("class=\"share-link\" data-link=\""),
                         (gsize) (id_end - item - strlen ("class=\"share-link\" data-link=\"")));
    assert_contains (page, "Family");
    assert_contains (page, "Password protected");
    /* The checkbox was left out of the form: downloads off. */
    assert_contains (page, "Previews only");
    assert_contains (page, expiry_shown);
    assert_contains (page, "data-uses=\"0\"");
    assert_lacks (page, token);
    assert_lacks (page, "No links yet.");
  }
  {
    g_autofree char *csrf = csrf_from (browser, page_path);
    g_autofree char *revoke = g_strdup_printf ("/folders/%s/links/%s/revoke", folder, link_id);
    g_autoptr (WbPage) revoked
        = wb_post (browser, revoke, (const char *const[]) { "csrf_token", csrf, NULL });
    g_autoptr (WbPage) page = NULL;

    g_assert_cmpuint (revoked->status, ==, 303);
    g_assert_true (g_str_has_suffix (wb_header (revoked, "Location"), "#links"));
    page = wb_get (browser, page_path);
    assert_contains (page, "No links yet.");
  }
  g_assert_cmpuint (stack_count_links (stack, folder), ==, 0);
  /* Revoking it again: carrete-folders' refusal, shown with a way back. */
  {
    g_autofree char *csrf = csrf_from (browser, page_path);
    g_autofree char *revoke = g_strdup_printf ("/folders/%s/links/%s/revoke", folder, link_id);
    g_autoptr (WbPage) again
        = wb_post (browser, revoke, (const char *const[]) { "csrf_token", csrf, NULL });

    g_assert_cmpuint (again->status, ==, 404);
    assert_contains (again, "role=\"alert\"");
  }
}

/* Each bad form gets the service's own words on a 4xx page, and no link. */
static void
test_owner_refusals (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "wl-bad-ana");
  g_autoptr (StackUser) bea = stack_user_new (stack, "wl-bad-bea");
  g_autoptr (WbBrowser) browser = signed_in_browser (ana);
  g_autoptr (WbBrowser) stranger = signed_in_browser (bea);
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *public_folder = stack_folder_new (stack, ana->token, "public", NULL);
  g_autofree char *page_path = folder_page (folder);
  g_autofree char *long_password = g_strnfill (1025, 'p');
  struct
  {
    const char *name;
    const char *value;
    const char *said;
  } bad[] = {
    { "expires", "2001-01-01", "expires_at" },
    { "expires", "2150-01-01", "expires_at" },
    { "expires", "soon", "expires_at" },
    { "password", long_password, "password" },
    { "label", "\x01 bell", "label" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (WbPage) page = create_link (
          browser, page_path, (const char *const[]) { bad[i].name, bad[i].value, NULL });

      g_test_message ("%s=%.20s", bad[i].name, bad[i].value);
      g_assert_cmpuint (page->status, ==, 422);
      assert_contains (page, "role=\"alert\"");
      assert_contains (page, "Sharing was not changed");
    }
  g_assert_cmpuint (stack_count_links (stack, folder), ==, 0);
  /* Without the CSRF token: 403, nothing made. */
  {
    g_autofree char *action = g_strconcat (page_path, "/links", NULL);
    g_autoptr (WbPage) page = wb_post (browser, action, (const char *const[]) { "label", "x", NULL });
    g_assert_cmpuint (page->status, ==, 403);
  }
  /* Someone else's folders: one they cannot see is not found, one they
   * can (public) is refused; neither gets a link. */
  {
    g_autofree char *action = g_strconcat (page_path, "/links", NULL);
    g_autofree char *csrf = csrf_from (stranger, "/");
    g_autoptr (WbPage) page = wb_post (stranger, action, (const char *const[]) { "csrf_token", csrf, NULL });
    g_assert_cmpuint (page->status, ==, 404);
  }
  {
    g_autofree char *action = g_strconcat ("/folders/", public_folder, "/links", NULL);
    g_autofree char *csrf = csrf_from (stranger, "/");
    g_autoptr (WbPage) page = wb_post (stranger, action, (const char *const[]) { "csrf_token", csrf, NULL });
    g_assert_cmpuint (page->status, ==, 403);
    assert_contains (page, "role=\"alert\"");
  }
  g_assert_cmpuint (stack_count_links (stack, folder), ==, 0);
  g_assert_cmpuint (stack_count_links (stack, public_folder), ==, 0);
  /* A stranger's folder page has no links section. */
  {
    g_autofree char *public_page = folder_page (public_folder);
    g_autoptr (WbPage) page = wb_get (stranger, public_page);
    g_assert_cmpuint (page->status, ==, 200);
    assert_lacks (page, "id=\"links\"");
  }
}

/* ---- the link's pages ------------------------------------------------------------ */

/* Anyone with a folder's link sees its photos, page and tiles, without an
 * account and with no session's help: a signed-in stranger sees the same.
 * Downloads allowed: the photo's page links the original. */
static void
test_folder_link_anonymous (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "wl-anon-ana");
  g_autoptr (StackUser) bea = stack_user_new (stack, "wl-anon-bea");
  g_autoptr (WbBrowser) owner = signed_in_browser (ana);
  g_autoptr (WbBrowser) visitor = wb_browser_new (web_url);
  g_autoptr (WbBrowser) signed_in_stranger = signed_in_browser (bea);
  g_autofree char *folder = named_folder (ana, "Holidays 2026");
  g_autofree char *other_folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *photo = photo_ready (ana, folder);
  g_autofree char *elsewhere = photo_ready (ana, other_folder);
  g_autofree char *page_path = folder_page (folder);
  g_autofree char *link = new_link (owner, page_path,
                                    (const char *const[]) { "allow_download", "true", NULL });
  g_autofree char *tile = g_strdup_printf ("href=\"%s/photos/%s\"", link, photo);

  {
    g_autoptr (WbPage) page = wb_get (visitor, link);
    g_assert_cmpuint (page->status, ==, 200);
    wb_assert_page_contract (page);
    wb_assert_security_headers (page);
    g_assert_cmpstr (wb_header (page, "Cache-Control"), ==, "no-store");
    g_assert_nonnull (strstr (wb_header (page, "X-Robots-Tag"), "noindex"));
    assert_contains (page, "Holidays 2026");
    assert_contains (page, tile);
    assert_contains (page, "<img src=");
    /* No upload button, no owner's forms. */
    assert_lacks (page, "/upload?folder_id=");
    assert_lacks (page, "id=\"folder-edit\"");
    assert_lacks (page, "id=\"links\"");
  }
  {
    g_autoptr (WbPage) page = wb_get (signed_in_stranger, link);
    g_assert_cmpuint (page->status, ==, 200);
    assert_contains (page, tile);
  }
  {
    g_autofree char *path = g_strdup_printf ("%s/photos/%s", link, photo);
    g_autoptr (WbPage) page = wb_get (visitor, path);
    g_assert_cmpuint (page->status, ==, 200);
    wb_assert_page_contract (page);
    assert_contains (page, "id=\"photo-full\"");
    assert_contains (page, "id=\"photo-original\"");
    assert_contains (page, "id=\"link-back\"");
  }
  /* A photo the link does not cover, by its id: not found. */
  {
    g_autofree char *path = g_strdup_printf ("%s/photos/%s", link, elsewhere);
    g_autoptr (WbPage) page = wb_get (visitor, path);
    g_assert_cmpuint (page->status, ==, 404);
  }
  /* The visitor still has no access to the folder itself. */
  {
    g_autoptr (WbPage) page = wb_get (visitor, page_path);
    g_assert_cmpuint (page->status, !=, 200);
  }
}

/* Downloads off: the photo is shown from its preview, and neither the page
 * nor the link's API answer carries the original's address. */
static void
test_link_without_downloads (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "wl-nodl-ana");
  g_autoptr (WbBrowser) owner = signed_in_browser (ana);
  g_autoptr (WbBrowser) visitor = wb_browser_new (web_url);
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *photo = photo_ready (ana, folder);
  g_autofree char *page_path = folder_page (folder);
  g_autofree char *link = new_link (owner, page_path, NULL);
  g_autofree char *path = g_strdup_printf ("%s/photos/%s", link, photo);
  g_autoptr (WbPage) page = wb_get (visitor, path);

  g_assert_cmpuint (page->status, ==, 200);
  assert_contains (page, "id=\"photo-full\"");
  assert_contains (page, "id=\"link-no-download\"");
  assert_lacks (page, "id=\"photo-original\"");
}

/* A single photo's link, made from the photo's page: the link's page is
 * that photo, with no way to the rest. */
static void
test_photo_link (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "wl-photo-ana");
  g_autoptr (WbBrowser) owner = signed_in_browser (ana);
  g_autoptr (WbBrowser) visitor = wb_browser_new (web_url);
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *photo = photo_ready (ana, folder);
  g_autofree char *sibling = photo_ready (ana, folder);
  g_autofree char *photo_path = g_strconcat ("/photos/", photo, NULL);
  g_autofree char *link = NULL;

  {
    g_autoptr (WbPage) page = wb_get (owner, photo_path);
    assert_contains (page, "id=\"links\"");
  }
  link = new_link (owner, photo_path, (const char *const[]) { "allow_download", "true", NULL });
  {
    g_autoptr (WbPage) page = wb_get (visitor, link);
    g_assert_cmpuint (page->status, ==, 200);
    assert_contains (page, "id=\"photo-full\"");
    assert_contains (page, "id=\"photo-original\"");
    assert_lacks (page, "id=\"link-back\"");
  }
  {
    g_autofree char *path = g_strdup_printf ("%s/photos/%s", link, sibling);
    g_autoptr (WbPage) page = wb_get (visitor, path);
    g_assert_cmpuint (page->status, ==, 404);
  }
}

/* A password: the form first (401), a wrong one says so (401), the right
 * one opens the link and is remembered for the link's pages only, sealed
 * (the cookie does not hold it); a forged cookie opens nothing; guesses are
 * throttled (429). */
static void
test_password_link (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "wl-pw-ana");
  g_autoptr (WbBrowser) owner = signed_in_browser (ana);
  g_autoptr (WbBrowser) visitor = wb_browser_new (web_url);
  g_autoptr (WbBrowser) guesser = wb_browser_new (web_url);
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *photo = photo_ready (ana, folder);
  g_autofree char *page_path = folder_page (folder);
  g_autofree char *link = new_link (owner, page_path,
                                    (const char *const[]) { "password", "correct horse", NULL });
  g_autofree char *tile = g_strdup_printf ("href=\"%s/photos/%s\"", link, photo);

  {
    g_autoptr (WbPage) page = wb_get (visitor, link);
    g_assert_cmpuint (page->status, ==, 401);
    wb_assert_page_contract (page);
    assert_contains (page, "id=\"link-password\"");
    assert_lacks (page, tile);
  }
  {
    g_autofree char *csrf = csrf_from (visitor, link);
    g_autoptr (WbPage) page = wb_post (visitor, link,
                                       (const char *const[]) { "password", "wrong horse",
                                                               "csrf_token", csrf, NULL });
    g_assert_cmpuint (page->status, ==, 401);
    assert_contains (page, "Wrong password");
    g_assert_null (wb_set_cookie (page, "carrete_link"));
  }
  /* Without the CSRF token the form is refused before any check. */
  {
    g_autoptr (WbPage) page
        = wb_post (visitor, link, (const char *const[]) { "password", "correct horse", NULL });
    g_assert_cmpuint (page->status, ==, 403);
  }
  {
    g_autofree char *csrf = csrf_from (visitor, link);
    g_autoptr (WbPage) page = wb_post (visitor, link,
                                       (const char *const[]) { "password", "correct horse",
                                                               "csrf_token", csrf, NULL });
    const char *cookie;
    g_autofree char *path_attribute = g_strconcat ("Path=", link, ";", NULL);

    g_assert_cmpuint (page->status, ==, 303);
    g_assert_cmpstr (wb_header (page, "Location"), ==, link);
    cookie = wb_set_cookie (page, "carrete_link");
    g_assert_nonnull (cookie);
    g_assert_nonnull (strstr (cookie, path_attribute));
    g_assert_nonnull (strstr (cookie, "HttpOnly"));
    g_assert_null (strstr (cookie, "correct"));
    g_assert_null (strstr (cookie, "Max-Age"));
  }
  {
    g_autoptr (WbPage) page = wb_get (visitor, link);
    g_assert_cmpuint (page->status, ==, 200);
    assert_contains (page, tile);
  }
  {
    g_autofree char *path = g_strdup_printf ("%s/photos/%s", link, photo);
    g_autoptr (WbPage) page = wb_get (visitor, path);
    g_assert_cmpuint (page->status, ==, 200);
  }
  /* The sealed cookie, altered by one character, opens nothing. */
  {
    char *sealed = g_hash_table_lookup (visitor->cookies, "carrete_link");
    g_autoptr (WbPage) page = NULL;

    g_assert_nonnull (sealed);
    sealed[10] = sealed[10] == 'A' ? 'B' : 'A';
    page = wb_get (visitor, link);
    g_assert_cmpuint (page->status, ==, 401);
  }
  /* Guessing: throttled as logins are, then a page that says so. */
  {
    guint throttled = 0;

    for (guint i = 0; i < 12; i++)
      {
        g_autofree char *csrf = csrf_from (guesser, link);
        g_autoptr (WbPage) page = wb_post (guesser, link,
                                           (const char *const[]) { "password", "guess",
                                                                   "csrf_token", csrf, NULL });
        if (page->status == 429)
          {
            assert_contains (page, "Too many wrong passwords");
            throttled++;
          }
        else
          g_assert_cmpuint (page->status, ==, 401);
      }
    g_assert_cmpuint (throttled, >=, 1);
  }
  /* The password never reaches carrete-web's log. */
  {
    g_autofree char *log = ct_service_output (web);
    g_assert_null (strstr (log, "correct horse"));
  }
}

/* Revoked, expired, one character changed, not a token at all: the same
 * 404 page, which says no more. */
static void
test_link_gone (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "wl-gone-ana");
  g_autoptr (WbBrowser) owner = signed_in_browser (ana);
  g_autoptr (WbBrowser) visitor = wb_browser_new (web_url);
  g_autofree char *folder = named_folder (ana, "Secret name");
  g_autofree char *page_path = folder_page (folder);
  g_autofree char *revoked = NULL;
  g_autofree char *expired = NULL;
  g_autofree char *changed = NULL;

  revoked = new_link (owner, page_path, NULL);
  {
    g_autofree char *id = only_link_id (ana, folder);
    g_autofree char *path = g_strconcat ("/v1/shares/", id, NULL);
    g_autoptr (CtResponse) r = ct_http (stack->folders.url, "DELETE", path, ana->token, NULL);
    g_assert_cmpuint (r->status, ==, 204);
  }
  expired = new_link (owner, page_path, NULL);
  {
    g_autofree char *id = only_link_id (ana, folder);
    g_autofree char *row = stack_row_id (stack, id);
    g_autofree char *done = stack_sql (
        stack, "folders",
        "UPDATE shares SET expires_at = now() - interval '1 second' WHERE id = $1::bigint"
        " RETURNING id",
        row);
    g_assert_cmpstr (done, ==, row);
  }
  changed = new_link (owner, page_path, NULL);
  {
    g_autoptr (WbPage) page = wb_get (visitor, changed);
    g_assert_cmpuint (page->status, ==, 200);
  }
  changed[10] = changed[10] == 'A' ? 'B' : 'A';
  const char *paths[] = { revoked, expired, changed, "/s/short", "/s/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.",
                          "/s/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" };
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr (WbPage) page = wb_get (visitor, paths[i]);

      g_test_message ("%s", paths[i]);
      g_assert_cmpuint (page->status, ==, 404);
      assert_contains (page, GONE_TEXT);
      assert_lacks (page, "Secret name");
    }
}

/* The link's pages speak the visitor's language. */
static void
test_spanish (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "wl-es-ana");
  g_autoptr (WbBrowser) owner = signed_in_browser (ana);
  g_autoptr (WbBrowser) visitor = wb_browser_new (web_url);
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *page_path = folder_page (folder);
  g_autofree char *link = new_link (owner, page_path, (const char *const[]) { "password", "clave", NULL });
  g_autoptr (WbPage) page = NULL;

  g_hash_table_insert (visitor->cookies, g_strdup ("carrete_lang"), g_strdup ("es"));
  page = wb_get (visitor, link);
  g_assert_cmpuint (page->status, ==, 401);
  assert_contains (page, "Este enlace está protegido");
  g_hash_table_insert (owner->cookies, g_strdup ("carrete_lang"), g_strdup ("es"));
  {
    g_autoptr (WbPage) own = wb_get (owner, page_path);
    assert_contains (own, "Enlaces para compartir");
  }
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

  g_test_add_func ("/carrete/web/links/owner-create-list-revoke", test_owner_creates_lists_revokes);
  g_test_add_func ("/carrete/web/links/owner-refusals", test_owner_refusals);
  g_test_add_func ("/carrete/web/links/folder-anonymous", test_folder_link_anonymous);
  g_test_add_func ("/carrete/web/links/no-downloads", test_link_without_downloads);
  g_test_add_func ("/carrete/web/links/photo", test_photo_link);
  g_test_add_func ("/carrete/web/links/password", test_password_link);
  g_test_add_func ("/carrete/web/links/gone", test_link_gone);
  g_test_add_func ("/carrete/web/links/spanish", test_spanish);

  status = g_test_run ();
  ct_service_stop (web);
  ct_service_free (web);
  stack_free (stack);
  return status;
}
