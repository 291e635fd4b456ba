#pragma once

#include "carrete-server.h"

G_BEGIN_DECLS

/* The route table of carrete-users (DESIGN.md, "Users service"). */
const CarreteRoute *users_routes (guint *n_routes);

G_END_DECLS
