#pragma once

#include "carrete-server.h"

G_BEGIN_DECLS

/* The route table of carrete-folders (DESIGN.md, "Folders service"). */
const CarreteRoute *folders_routes (guint *n_routes);

G_END_DECLS
