#define G_LOG_DOMAIN "carrete-web"

#include <sodium.h>
#include <stdio.h>

#include "app.h"
#include "carrete-cli.h"
#include "carrete-config.h"
#include "carrete-error.h"
#include "carrete-keys.h"
#include "carrete-server.h"
#include "carrete-service.h"
#include "routes.h"
#include "web-headers.h"
#include "web-refresh.h"

#define DRAIN_SECONDS 25
/* A service call slower than this fails the page with "unavailable". */
#define SERVICE_TIMEOUT_SECONDS 20
/* One no-JavaScript upload may carry several files of the per-file limit. */
#define FILES_PER_REQUEST 4
#define FORM_OVERHEAD_BYTES (1024 * 1024)
/* upload.js sends larger files part by part (pages-upload-resumable.c). */

static const char usage[] =
  "Usage: carrete-web [--help] [--version] COMMAND\n"
  "\n"
  "The Carrete web frontend: server-rendered pages over the three services.\n"
  "\n"
  "Commands:\n"
  "  serve      answer HTTP requests\n"
  "  migrate    nothing to migrate (exits 0; the deploy jobs call it)\n"
  "\n"
  "Configuration comes from the environment or a .env file in the working\n"
  "directory: CARRETE_LISTEN (default 127.0.0.1:8080), CARRETE_USERS_URL,\n"
  "CARRETE_PHOTOS_URL, CARRETE_FOLDERS_URL, CARRETE_ID_KEY_FILE (the CSRF key\n"
  "is derived from it), CARRETE_COOKIE_SECURE (default true; false drops the\n"
  "Secure cookie flag for plain-http local runs), CARRETE_MAX_UPLOAD_BYTES\n"
  "(per file, default 50 MiB), CARRETE_SPOOL_DIR (uploads on their way,\n"
  "default the temp dir), CARRETE_IMAGES_ORIGIN (space-separated origins\n"
  "images may load from besides CARRETE_PHOTOS_URL's, e.g. MinIO's),\n"
  "CARRETE_WEB_RESUMABLE_BYTES (files over this size are sent by the upload\n"
  "page's script as resumable uploads, part by part; default 16 MiB),\n"
  "CARRETE_PUBLIC_URL (carrete-web's own address: a new share link's full address;\n"
  "without it, the address the browser used), CARRETE_OIDC_ISSUER (a \"Sign in\n"
  "with …\" button; needs CARRETE_PUBLIC_URL) and CARRETE_PASSWORD_LOGIN (false:\n"
  "no password form).\n";

static const char *const serve_settings[] = {
  "CARRETE_LISTEN", "CARRETE_USERS_URL", "CARRETE_PHOTOS_URL", "CARRETE_FOLDERS_URL",
  "CARRETE_ID_KEY_FILE", "CARRETE_COOKIE_SECURE", "CARRETE_MAX_UPLOAD_BYTES", "CARRETE_SPOOL_DIR",
  "CARRETE_WEB_RESUMABLE_BYTES", "CARRETE_OIDC_ISSUER", "CARRETE_PUBLIC_URL",
  "CARRETE_PASSWORD_LOGIN",
  "CARRETE_READ_TIMEOUT", "CARRETE_TRUST_FORWARDED_FOR", "CARRETE_WORKERS", NULL,
};
static const char *const serve_required[] = {
  "CARRETE_USERS_URL", "CARRETE_PHOTOS_URL", "CARRETE_FOLDERS_URL", "CARRETE_ID_KEY_FILE", NULL,
};

static char *
without_trailing_slash (const char *url)
{
  char *copy = g_strdup (url);
  gsize len = strlen (copy);

  while (len > 0 && copy[len - 1] == '/')
    copy[--len] = '\0';
  return copy;
}

/* One table of refreshes for all the worker threads (web-refresh.h). */
static CarreteRefreshGate *shared_refreshes;

static gboolean
build_app (WebApp *app, const CarreteConfig *config, GError **error)
{
  CarreteIdKey id_key;

  if (!carrete_id_key_load (config->id_key_file, &id_key, error))
    {
      g_prefix_error (error, "CARRETE_ID_KEY_FILE: ");
      return FALSE;
    }
  web_csrf_init (&app->csrf, &id_key);
  web_link_seal_init (&app->link_seal, &id_key);
  sodium_memzero (&id_key, sizeof id_key);
  app->i18n = web_i18n_new ();
  if (!web_i18n_load_builtin (app->i18n, error))
    return FALSE;
  app->users_url = without_trailing_slash (config->users_url);
  app->photos_url = without_trailing_slash (config->photos_url);
  app->folders_url = without_trailing_slash (config->folders_url);
  app->cookie_secure = config->cookie_secure;
  app->password_login = config->password_login;
  app->public_url = config->public_url != NULL ? without_trailing_slash (config->public_url) : NULL;
  if (config->oidc_issuer != NULL)
    {
      g_autoptr (GUri) issuer = g_uri_parse (config->oidc_issuer, G_URI_FLAGS_NONE, NULL);
      app->oidc_provider = g_strdup (g_uri_get_host (issuer));
      app->oidc_redirect_uri = g_strconcat (config->public_url, "/login/oidc/callback", NULL);
      app->oidc_logout_redirect_uri = g_strconcat (config->public_url, "/login", NULL);
    }
  app->max_upload_bytes = config->max_upload_bytes;
  app->max_request_bytes = config->max_upload_bytes * FILES_PER_REQUEST + FORM_OVERHEAD_BYTES;
  app->resumable_bytes = config->web_resumable_bytes;
  app->refreshes = shared_refreshes;
  app->spool_dir = g_strdup (config->spool_dir != NULL ? config->spool_dir : g_get_tmp_dir ());
  app->users = carrete_service_client_new (app->users_url, SERVICE_TIMEOUT_SECONDS);
  /* GET /v1/auth/oidc/start answers 302 to the provider: the page sends
   * the browser there. */
  carrete_service_client_set_follow_redirects (app->users, FALSE);
  app->photos = carrete_service_client_new (app->photos_url, SERVICE_TIMEOUT_SECONDS);
  app->folders = carrete_service_client_new (app->folders_url, SERVICE_TIMEOUT_SECONDS);
  /* No proxy lookup: it would load GSettings (dconf) and cost GIO work on
   * every request; the services are reached directly. */
  app->session = soup_session_new_with_options ("proxy-resolver", NULL, "max-conns", 128,
                                                "max-conns-per-host", 64, "idle-timeout", 60,
                                                "timeout", SERVICE_TIMEOUT_SECONDS,
                                                "user-agent", "carrete-web/" CARRETE_VERSION, NULL);
  /* Bodies pass through as the services sent them (the API proxy copies
   * their headers, Content-Encoding included). */
  soup_session_remove_feature_by_type (app->session, SOUP_TYPE_CONTENT_DECODER);
  return TRUE;
}

static gboolean
process_init (const CarreteConfig *config, GError **error)
{
  if (config->oidc_issuer != NULL && config->public_url == NULL)
    {
      carrete_error_add_config_line (error, "CARRETE_PUBLIC_URL: required with CARRETE_OIDC_ISSUER "
                                            "(the provider sends the browser back to it)");
      return FALSE;
    }
  shared_refreshes = carrete_refresh_gate_new (WEB_REFRESH_KEEP_SECONDS);
  return TRUE;
}

static void
process_shutdown (void)
{
  g_clear_pointer (&shared_refreshes, carrete_refresh_gate_free);
}

static void
app_free (gpointer data)
{
  WebApp *app = data;

  g_clear_pointer (&app->users, carrete_service_client_free);
  g_clear_pointer (&app->photos, carrete_service_client_free);
  g_clear_pointer (&app->folders, carrete_service_client_free);
  g_clear_object (&app->session);
  g_clear_pointer (&app->i18n, web_i18n_free);
  g_free (app->users_url);
  g_free (app->oidc_provider);
  g_free (app->oidc_redirect_uri);
  g_free (app->public_url);
  g_free (app->oidc_logout_redirect_uri);
  g_free (app->photos_url);
  g_free (app->folders_url);
  g_free (app->spool_dir);
  g_strfreev (app->response_headers);
  sodium_memzero (&app->csrf, sizeof app->csrf);
  sodium_memzero (&app->link_seal, sizeof app->link_seal);
  g_free (app);
}

static gpointer
app_new (const CarreteConfig *config, GError **error)
{
  WebApp *app = g_new0 (WebApp, 1);

  if (build_app (app, config, error))
    return app;
  app_free (app);
  return NULL;
}

static void
app_start (gpointer data, const CarreteConfig *config, CarreteServerOptions *options)
{
  WebApp *app = data;
  g_autofree char *csp = web_headers_csp (app->photos_url, g_getenv ("CARRETE_IMAGES_ORIGIN"),
                                          config->oidc_issuer);

  app->response_headers = web_headers_all (csp);
  options->response_headers = (const char *const *) app->response_headers;
}

static char *
describe (const CarreteConfig *config)
{
  return g_strdup (config->cookie_secure ? "" : " (cookies without Secure: plain-http mode)");
}

/* No database: `migrate` exits 0 (the deploy jobs call it all the same). */
static const CarreteServiceSpec spec = {
  .cli = {
    .name = "web",
    .default_listen = "127.0.0.1:8080",
    .resource_prefix = WEB_RESOURCE_PREFIX,
    .usage = usage,
  },
  .settings = serve_settings,
  .required = serve_required,
  .routes = web_routes,
  .drain_seconds = DRAIN_SECONDS,
  .process_init = process_init,
  .process_shutdown = process_shutdown,
  .app_new = app_new,
  .app_start = app_start,
  .describe = describe,
  .app_free = app_free,
};

int
main (int argc, char **argv)
{
  return carrete_service_main (&spec, argc, argv);
}
