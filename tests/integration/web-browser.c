#define G_LOG_DOMAIN "carrete-web-browser"

#include "web-browser.h"

#include <string.h>

void (*wb_failure_hook) (void);

WbBrowser *
wb_browser_new (const char *base_url)
{
  WbBrowser *browser = g_new0 (WbBrowser, 1);

  browser->base_url = g_strdup (base_url);
  browser->cookies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  browser->session = soup_session_new_with_options ("timeout", 60, NULL);
  return browser;
}

void
wb_browser_free (WbBrowser *browser)
{
  if (browser == NULL)
    return;
  g_free (browser->base_url);
  g_hash_table_unref (browser->cookies);
  g_object_unref (browser->session);
  g_free (browser);
}

void
wb_page_free (WbPage *page)
{
  if (page == NULL)
    return;
  g_free (page->body);
  g_clear_pointer (&page->headers, soup_message_headers_unref);
  g_ptr_array_unref (page->set_cookies);
  g_free (page);
}

static void
collect_set_cookie (const char *name, const char *value, gpointer user_data)
{
  WbPage *page = user_data;

  if (g_ascii_strcasecmp (name, "Set-Cookie") == 0)
    g_ptr_array_add (page->set_cookies, g_strdup (value));
}

/* Keeps the jar in step with the answer: Max-Age=0 deletes. */
static void
store_cookies (WbBrowser *browser, WbPage *page)
{
  for (guint i = 0; i < page->set_cookies->len; i++)
    {
      const char *header = g_ptr_array_index (page->set_cookies, i);
      g_autofree char *pair = g_strndup (header, strcspn (header, ";"));
      char *eq = strchr (pair, '=');

      g_assert_nonnull (eq);
      *eq = '\0';
      if (strstr (header, "Max-Age=0") != NULL)
        g_hash_table_remove (browser->cookies, pair);
      else
        g_hash_table_replace (browser->cookies, g_strdup (pair), g_strdup (eq + 1));
    }
}

static char *
cookie_header (WbBrowser *browser)
{
  GString *out = g_string_new (NULL);
  GHashTableIter iter;
  gpointer name, value;

  g_hash_table_iter_init (&iter, browser->cookies);
  while (g_hash_table_iter_next (&iter, &name, &value))
    g_string_append_printf (out, "%s%s=%s", out->len > 0 ? "; " : "", (char *) name, (char *) value);
  return g_string_free (out, FALSE);
}

WbPage *
wb_request (WbBrowser *browser, const char *method, const char *path, const char *content_type,
            GBytes *body, const char *const *headers)
{
  g_autofree char *url = g_strconcat (browser->base_url, path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) answer = NULL;
  g_autofree char *cookies = cookie_header (browser);
  SoupMessageHeaders *request_headers;
  WbPage *page;
  gsize len = 0;
  const char *data;

  g_assert_nonnull (msg);
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  request_headers = soup_message_get_request_headers (msg);
  if (*cookies != '\0')
    soup_message_headers_replace (request_headers, "Cookie", cookies);
  for (guint i = 0; headers != NULL && headers[i] != NULL; i++)
    {
      g_autofree char *name = g_strndup (headers[i], strcspn (headers[i], ":"));
      g_autofree char *value = g_strdup (strchr (headers[i], ':') + 1);
      soup_message_headers_replace (request_headers, name, g_strstrip (value));
    }
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, content_type, body);
  answer = soup_session_send_and_read (browser->session, msg, NULL, &error);
  if (error != NULL && wb_failure_hook != NULL)
    wb_failure_hook ();
  g_assert_no_error (error);
  page = g_new0 (WbPage, 1);
  page->status = soup_message_get_status (msg);
  data = g_bytes_get_data (answer, &len);
  page->body = g_strndup (data != NULL ? data : "", len);
  page->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  page->set_cookies = g_ptr_array_new_with_free_func (g_free);
  soup_message_headers_foreach (page->headers, collect_set_cookie, page);
  store_cookies (browser, page);
  return page;
}

WbPage *
wb_get (WbBrowser *browser, const char *path)
{
  return wb_request (browser, "GET", path, NULL, NULL, NULL);
}

WbPage *
wb_post (WbBrowser *browser, const char *path, const char *const *fields)
{
  GString *form = g_string_new (NULL);
  g_autoptr (GBytes) body = NULL;

  for (guint i = 0; fields != NULL && fields[i] != NULL && fields[i + 1] != NULL; i += 2)
    {
      g_autofree char *name = g_uri_escape_string (fields[i], NULL, TRUE);
      g_autofree char *value = g_uri_escape_string (fields[i + 1], NULL, TRUE);
      g_string_append_printf (form, "%s%s=%s", form->len > 0 ? "&" : "", name, value);
    }
  body = g_string_free_to_bytes (form);
  return wb_request (browser, "POST", path, "application/x-www-form-urlencoded", body, NULL);
}

char *
wb_csrf (WbPage *page)
{
  const char *marker = "name=\"csrf_token\" value=\"";
  const char *at = strstr (page->body, marker);

  g_assert_nonnull (at);
  at += strlen (marker);
  return g_strndup (at, strcspn (at, "\""));
}

const char *
wb_header (WbPage *page, const char *name)
{
  return soup_message_headers_get_one (page->headers, name);
}

const char *
wb_set_cookie (WbPage *page, const char *name)
{
  g_autofree char *prefix = g_strconcat (name, "=", NULL);

  for (guint i = 0; i < page->set_cookies->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (page->set_cookies, i), prefix))
      return g_ptr_array_index (page->set_cookies, i);
  return NULL;
}

guint
wb_count (WbPage *page, const char *needle)
{
  guint n = 0;
  gsize len = strlen (needle);

  for (const char *at = strstr (page->body, needle); at != NULL; at = strstr (at + len, needle))
    n++;
  return n;
}

void
wb_assert_security_headers (WbPage *page)
{
  const char *csp = wb_header (page, "Content-Security-Policy");

  g_assert_nonnull (csp);
  g_assert_true (g_str_has_prefix (csp, "default-src 'self'"));
  g_assert_nonnull (strstr (csp, "frame-ancestors 'none'"));
  g_assert_nonnull (strstr (csp, "form-action 'self'"));
  g_assert_null (strstr (csp, "unsafe-inline"));
  g_assert_null (strstr (csp, "unsafe-eval"));
  g_assert_cmpstr (wb_header (page, "X-Content-Type-Options"), ==, "nosniff");
  g_assert_cmpstr (wb_header (page, "Referrer-Policy"), ==, "same-origin");
  g_assert_cmpstr (wb_header (page, "X-Frame-Options"), ==, "DENY");
}

/* The value of attribute `name` inside the tag starting at `tag`, or NULL. */
static char *
attribute (const char *tag, const char *end, const char *name)
{
  g_autofree char *needle = g_strconcat (" ", name, "=\"", NULL);
  const char *at = g_strstr_len (tag, end - tag, needle);

  if (at == NULL)
    return NULL;
  at += strlen (needle);
  return g_strndup (at, strcspn (at, "\""));
}

static void
assert_labelled (const char *body, const char *tag_name)
{
  g_autofree char *open = g_strconcat ("<", tag_name, " ", NULL);

  for (const char *tag = strstr (body, open); tag != NULL; tag = strstr (tag + 1, open))
    {
      const char *end = strchr (tag, '>');
      g_autofree char *type = attribute (tag, end, "type");
      g_autofree char *id = NULL;
      g_autofree char *label = NULL;

      if (g_strcmp0 (type, "hidden") == 0)
        continue;
      id = attribute (tag, end, "id");
      if (id == NULL)
        g_error ("<%s> without id (so without a label): %.*s", tag_name, (int) (end - tag + 1), tag);
      label = g_strdup_printf ("<label for=\"%s\"", id);
      if (strstr (body, label) == NULL)
        g_error ("no <label for=\"%s\">", id);
    }
}

/* No on*= attribute in any tag.  Quoted values are skipped: an escaped
 * user string may well read "onerror=" there, as inert text. */
static void
assert_no_handlers (const char *body)
{
  for (const char *tag = strchr (body, '<'); tag != NULL; tag = strchr (tag + 1, '<'))
    {
      const char *p = tag + 1;

      while (*p != '\0' && *p != '>')
        {
          if (*p == '"')
            {
              const char *close = strchr (p + 1, '"');
              p = close != NULL ? close + 1 : p + strlen (p);
              continue;
            }
          if (g_ascii_isspace (*p) && g_ascii_tolower (p[1]) == 'o' && g_ascii_tolower (p[2]) == 'n')
            {
              const char *q = p + 3;
              while (g_ascii_isalpha (*q))
                q++;
              if (*q == '=' && q > p + 3)
                g_error ("an event handler attribute in: %.*s", (int) (strchr (tag, '>') - tag + 1), tag);
            }
          p++;
        }
    }
}

void
wb_assert_page_contract (WbPage *page)
{
  const char *body = page->body;

  g_assert_true (g_str_has_prefix (body, "<!DOCTYPE html>"));
  g_assert_true (strstr (body, "<html lang=\"en\">") != NULL || strstr (body, "<html lang=\"es\">") != NULL);
  g_assert_cmpuint (wb_count (page, "<h1"), ==, 1);
  g_assert_null (strstr (body, "<style"));
  g_assert_null (strstr (body, " style="));
  assert_no_handlers (body);
  for (const char *script = strstr (body, "<script"); script != NULL; script = strstr (script + 1, "<script"))
    g_assert_true (g_str_has_prefix (script, "<script src=\"/static/"));
  for (const char *img = strstr (body, "<img "); img != NULL; img = strstr (img + 1, "<img "))
    {
      g_autofree char *alt = attribute (img, strchr (img, '>'), "alt");
      g_assert_nonnull (alt);
    }
  assert_labelled (body, "input");
  assert_labelled (body, "select");
}

/* ---- multipart ------------------------------------------------------------ */

struct _WbMultipart
{
  SoupMultipart *multipart;
};

WbMultipart *
wb_multipart_new (void)
{
  WbMultipart *form = g_new0 (WbMultipart, 1);

  form->multipart = soup_multipart_new ("multipart/form-data");
  return form;
}

void
wb_multipart_add_field (WbMultipart *form, const char *name, const char *value)
{
  soup_multipart_append_form_string (form->multipart, name, value);
}

void
wb_multipart_add_file (WbMultipart *form, const char *name, const char *filename,
                       const char *content_type, GBytes *data)
{
  soup_multipart_append_form_file (form->multipart, name, filename, content_type, data);
}

WbPage *
wb_post_multipart (WbBrowser *browser, const char *path, WbMultipart *form,
                   const char *const *headers)
{
  g_autoptr (SoupMessageHeaders) part_headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_MULTIPART);
  g_autoptr (GBytes) body = NULL;
  g_autofree char *content_type = NULL;
  WbPage *page;

  soup_multipart_to_message (form->multipart, part_headers, &body);
  content_type = g_strdup (soup_message_headers_get_one (part_headers, "Content-Type"));
  page = wb_request (browser, "POST", path, content_type, body, headers);
  soup_multipart_free (form->multipart);
  g_free (form);
  return page;
}

/* ---- an identity provider's login page ---------------------------------------------------- */

/* The `action` of Keycloak's login form (id="kc-form-login"), its
 * entities decoded. */
static char *
keycloak_form_action (const char *html)
{
  const char *form = strstr (html, "id=\"kc-form-login\"");
  const char *action = form != NULL ? strstr (form, "action=\"") : NULL;
  const char *end = action != NULL ? strchr (action + 8, '"') : NULL;
  GString *decoded;

  g_assert_nonnull (end);
  decoded = g_string_new_len (action + 8, end - action - 8);
  g_string_replace (decoded, "&amp;", "&", 0);
  return g_string_free (decoded, FALSE);
}

char *
wb_sign_in_at_keycloak (const char *authorize_url, const char *username, const char *password)
{
  WbBrowser *browser = wb_browser_new ("");
  g_autoptr (WbPage) page = wb_get (browser, authorize_url);
  g_autofree char *action = NULL;
  g_autoptr (WbPage) posted = NULL;
  char *back;

  g_assert_cmpuint (page->status, ==, 200);
  action = keycloak_form_action (page->body);
  posted = wb_post (browser, action,
                    (const char *const[]){ "username", username, "password", password,
                                           "credentialId", "", NULL });
  if (posted->status != 302)
    g_test_message ("Keycloak answered the login form with %u:\n%s", posted->status, posted->body);
  g_assert_cmpuint (posted->status, ==, 302);
  back = g_strdup (wb_header (posted, "Location"));
  wb_browser_free (browser);
  return back;
}
