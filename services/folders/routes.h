#pragma once

#include "carrete-server.h"
#include "model.h"

G_BEGIN_DECLS

/* The route table of carrete-folders (DESIGN.md, "Folders service"). */
const CarreteRoute *folders_routes (guint *n_routes);

/* Answers `folder` as JSON with `status`. */
void folders_respond_folder (CarreteRequest *req, guint status, const FoldersFolder *folder);

G_END_DECLS
