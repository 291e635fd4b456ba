#pragma once

#include "carrete-db.h"
#include "carrete-jwt.h"
#include "service.h"

G_BEGIN_DECLS

/* Everything a request handler of carrete-folders can reach. */
typedef struct
{
  FoldersService service;
  CarreteJwt *jwt;
  CarreteDb *db;
  guint schema_version; /* the migration this build expects */
} FoldersApp;

#define FOLDERS_RESOURCE_PREFIX "/dev/carrete/folders"

G_END_DECLS
