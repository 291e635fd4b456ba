#pragma once

#include "carrete-db.h"
#include "carrete-request.h"

G_BEGIN_DECLS

/* GET /readyz, shared by every service: the database answers and is at the
 * schema this build expects (503 otherwise).  A service with more to check
 * (photos: its storage) passes `next`, which runs only when the database
 * is ready and must answer the request itself, e.g. with
 * carrete_readiness_respond_ready(). */
typedef void (*CarreteReadinessNext) (CarreteRequest *req);

void carrete_readiness_check (CarreteRequest *req, CarreteDb *db, guint schema_version,
                              CarreteReadinessNext next);
void carrete_readiness_respond_ready (CarreteRequest *req);

G_END_DECLS
