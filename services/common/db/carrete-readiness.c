#define G_LOG_DOMAIN "carrete-readiness"

#include "carrete-readiness.h"

#include "carrete-migrate.h"

typedef struct
{
  CarreteRequest *req;
  CarreteReadinessNext next;
} ReadinessCheck;

void
carrete_readiness_respond_ready (CarreteRequest *req)
{
  carrete_request_respond_json_text (req, 200, g_string_new ("{\"status\":\"ready\"}"));
}

static void
on_database_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree ReadinessCheck *check = user_data;
  g_autoptr (GError) error = NULL;

  if (!carrete_migrate_ready_finish (CARRETE_DB (source), result, &error))
    carrete_request_respond_error (check->req, error);
  else if (check->next != NULL)
    check->next (check->req);
  else
    carrete_readiness_respond_ready (check->req);
}

void
carrete_readiness_check (CarreteRequest *req, CarreteDb *db, guint schema_version,
                         CarreteReadinessNext next)
{
  ReadinessCheck *check = g_new0 (ReadinessCheck, 1);

  check->req = req;
  check->next = next;
  carrete_migrate_ready_async (db, schema_version, on_database_ready, check);
}
