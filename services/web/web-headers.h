#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The Content-Security-Policy of every response.  Images may come from
 * this site, from the origin of `photos_url` (fs storage: photos serves
 * the bytes itself) and from each origin in `images_origins` (space
 * separated: the S3/MinIO public endpoint, or photos' public address when
 * it differs from the internal one).  Scripts and styles only from this
 * site, nothing inline.  Forms post to this site only; with an identity
 * provider (`provider_url`, its issuer, may be NULL) its origin too,
 * because browsers hold the redirect after a form to form-action as well:
 * signing out ends at the provider's sign-out page. */
char *web_headers_csp (const char *photos_url, const char *images_origins,
                       const char *provider_url);

/* name, value, … NULL: the headers every response carries. */
char **web_headers_all (const char *csp);

/* "http://host:port" of an http(s) URL, or NULL. */
char *web_headers_origin (const char *url);

G_END_DECLS
