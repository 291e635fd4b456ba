#define G_LOG_DOMAIN "carrete-service"

#include "carrete-service-keys.h"

CarreteJwt *
carrete_service_load_keys (const CarreteConfig *config, CarreteIdKey *id_key, GError **error)
{
  CarreteJwt *jwt;

  if (!carrete_id_key_load (config->id_key_file, id_key, error))
    {
      g_prefix_error (error, "CARRETE_ID_KEY_FILE: ");
      return NULL;
    }
  jwt = carrete_jwt_new (config->jwt_public_key_file, config->jwt_issuer, config->jwt_audience,
                         error);
  if (jwt == NULL)
    {
      sodium_memzero (id_key, sizeof *id_key);
      g_prefix_error (error, "CARRETE_JWT_PUBLIC_KEY_FILE: ");
    }
  return jwt;
}
