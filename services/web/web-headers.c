#define G_LOG_DOMAIN "carrete-web"

#include "web-headers.h"

char *
web_headers_origin (const char *url)
{
  g_autoptr (GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  int port;

  if (uri == NULL || g_uri_get_host (uri) == NULL
      || (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0))
    return NULL;
  port = g_uri_get_port (uri);
  if (port < 0)
    return g_strdup_printf ("%s://%s", scheme, g_uri_get_host (uri));
  return g_strdup_printf ("%s://%s:%d", scheme, g_uri_get_host (uri), port);
}

char *
web_headers_csp (const char *photos_url, const char *images_origins, const char *provider_url)
{
  g_autofree char *provider = web_headers_origin (provider_url);
  GString *img = g_string_new ("'self'");
  g_autofree char *photos = web_headers_origin (photos_url);
  g_auto (GStrv) extra = g_strsplit_set (images_origins != NULL ? images_origins : "", " ,", -1);
  g_autofree char *img_src = NULL;

  if (photos != NULL)
    g_string_append_printf (img, " %s", photos);
  for (guint i = 0; extra[i] != NULL; i++)
    {
      g_autofree char *origin = web_headers_origin (extra[i]);
      g_autofree char *token = origin != NULL ? g_strdup_printf (" %s ", origin) : NULL;
      g_autofree char *listed = g_strdup_printf ("%s ", img->str);

      /* Whole-token comparison: http://h:80 is not already in http://h:8080. */
      if (origin != NULL && strstr (listed, token) == NULL)
        g_string_append_printf (img, " %s", origin);
    }
  img_src = g_string_free (img, FALSE);
  return g_strdup_printf ("default-src 'self'; img-src %s; script-src 'self'; style-src 'self'; "
                          "object-src 'none'; base-uri 'none'; form-action 'self'%s%s; "
                          "frame-ancestors 'none'",
                          img_src, provider != NULL ? " " : "", provider != NULL ? provider : "");
}

char **
web_headers_all (const char *csp)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  char **headers;

  g_strv_builder_add_many (builder, "Content-Security-Policy", csp, "X-Content-Type-Options",
                           "nosniff", "Referrer-Policy", "same-origin", "X-Frame-Options", "DENY",
                           "Cross-Origin-Opener-Policy", "same-origin", NULL);
  headers = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return headers;
}
