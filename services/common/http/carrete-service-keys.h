#pragma once

#include "carrete-config.h"
#include "carrete-jwt.h"
#include "carrete-keys.h"

G_BEGIN_DECLS

/* The two key files every API service reads at start-up: the installation's
 * id key (CARRETE_ID_KEY_FILE) into `id_key`, for the caller to derive its
 * id and cursor codecs from and then wipe with sodium_memzero, and the
 * public key that verifies access tokens (CARRETE_JWT_PUBLIC_KEY_FILE,
 * with the configured issuer and audience).  An error names the setting;
 * `id_key` is then already wiped. */
CarreteJwt *carrete_service_load_keys (const CarreteConfig *config, CarreteIdKey *id_key,
                                       GError **error);

G_END_DECLS
