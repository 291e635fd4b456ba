#pragma once

#include "carrete-db.h"
#include "service.h"

G_BEGIN_DECLS

/* Everything a request handler of carrete-users can reach. */
typedef struct
{
  UsersService service;
  CarreteDb *db;
  guint schema_version; /* the migration this build expects */
} UsersApp;

#define USERS_RESOURCE_PREFIX "/dev/carrete/users"

G_END_DECLS
