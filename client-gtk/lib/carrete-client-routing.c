#define G_LOG_DOMAIN "carrete-client-routing"

#include "carrete-client-private.h"

/* The same prefixes as the Helm chart's Ingress, so that one server address
 * works behind the gateway and per-service overrides work without it. */
static const struct
{
  const char *prefix;
  CarreteService service;
} routes[] = {
  { "/v1/auth", CARRETE_SERVICE_USERS },
  { "/v1/users", CARRETE_SERVICE_USERS },
  { "/.well-known", CARRETE_SERVICE_USERS },
  { "/v1/photos", CARRETE_SERVICE_PHOTOS },
  { "/v1/storage", CARRETE_SERVICE_PHOTOS },
  { "/v1/trash", CARRETE_SERVICE_PHOTOS },
  { "/v1/folders", CARRETE_SERVICE_FOLDERS },
  { "/v1/shares", CARRETE_SERVICE_FOLDERS },
};

gboolean
_carrete_client_route_path (const char *path, CarreteService *service)
{
  for (gsize i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      gsize n = strlen (routes[i].prefix);

      /* "/v1/photosX" is not under "/v1/photos". */
      if (strncmp (path, routes[i].prefix, n) == 0
          && (path[n] == '\0' || path[n] == '/' || path[n] == '?'))
        {
          *service = routes[i].service;
          return TRUE;
        }
    }
  return FALSE;
}

char *
_carrete_client_join_url (const char *base, const char *path_and_query)
{
  gsize n = strlen (base);

  while (n > 0 && base[n - 1] == '/')
    n--;
  return g_strdup_printf ("%.*s%s", (int) n, base, path_and_query);
}

char *
_carrete_client_item_path (const char *collection, const char *id, const char *suffix)
{
  g_autofree char *escaped = g_uri_escape_string (id, NULL, FALSE);

  return g_strdup_printf ("/v1/%s/%s%s", collection, escaped, suffix != NULL ? suffix : "");
}
