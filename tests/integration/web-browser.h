#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* A minimal browser for testing carrete-web over plain HTTP: a cookie jar
 * that the test can read and tamper with, no redirects followed, forms
 * posted url-encoded or multipart. */
typedef struct
{
  char *base_url;
  GHashTable *cookies; /* name → value */
  SoupSession *session;
} WbBrowser;

typedef struct
{
  guint status;
  char *body;               /* NUL-terminated */
  SoupMessageHeaders *headers;
  GPtrArray *set_cookies;   /* every Set-Cookie header, as sent */
} WbPage;

/* Called before a failed request aborts the test: the test prints what
 * carrete-web logged, which is where the reason is. */
extern void (*wb_failure_hook) (void);

WbBrowser *wb_browser_new (const char *base_url);
void wb_browser_free (WbBrowser *browser);

WbPage *wb_get (WbBrowser *browser, const char *path);
/* `fields`: name, value, …, NULL (url-encoded). */
WbPage *wb_post (WbBrowser *browser, const char *path, const char *const *fields);
/* Raw request: extra headers "Name: value", NULL-terminated. */
WbPage *wb_request (WbBrowser *browser, const char *method, const char *path,
                    const char *content_type, GBytes *body, const char *const *headers);
void wb_page_free (WbPage *page);

/* The csrf_token value of the first form on the page (asserts one). */
char *wb_csrf (WbPage *page);
const char *wb_header (WbPage *page, const char *name);
/* The Set-Cookie header for `name`, or NULL. */
const char *wb_set_cookie (WbPage *page, const char *name);
/* Number of non-overlapping occurrences of `needle` in the body. */
guint wb_count (WbPage *page, const char *needle);

/* Asserts the security headers every carrete-web response must carry. */
void wb_assert_security_headers (WbPage *page);
/* Asserts the page contract: one h1, lang, every img with alt, every
 * visible input/select with a label, no inline script/style/handlers. */
void wb_assert_page_contract (WbPage *page);

/* Signs `username` in on Keycloak's own login page at `authorize_url`, as
 * a browser would (with its own cookies: Keycloak ties the form to them),
 * and answers where Keycloak sends the browser back: the client's redirect
 * URI with code and state. */
char *wb_sign_in_at_keycloak (const char *authorize_url, const char *username,
                              const char *password);

/* A multipart/form-data body: parts are (name, filename or NULL, bytes). */
typedef struct _WbMultipart WbMultipart;
WbMultipart *wb_multipart_new (void);
void wb_multipart_add_field (WbMultipart *form, const char *name, const char *value);
void wb_multipart_add_file (WbMultipart *form, const char *name, const char *filename,
                            const char *content_type, GBytes *data);
/* Posts and frees the form. */
WbPage *wb_post_multipart (WbBrowser *browser, const char *path, WbMultipart *form,
                           const char *const *headers);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WbPage, wb_page_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WbBrowser, wb_browser_free)

G_END_DECLS
