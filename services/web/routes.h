#pragma once

#include "carrete-server.h"

G_BEGIN_DECLS

const CarreteRoute *web_routes (guint *n_routes);

G_END_DECLS
