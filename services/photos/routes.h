#pragma once

#include "carrete-server.h"

G_BEGIN_DECLS

const CarreteRoute *photos_routes (guint *n_routes);
/* `carrete-photos work`: /readyz (the scaffold adds /healthz and /metrics). */
const CarreteRoute *photos_work_routes (guint *n_routes);

G_END_DECLS
