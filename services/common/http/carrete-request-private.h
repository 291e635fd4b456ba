#pragma once

#include "carrete-connection-guard.h"
#include "carrete-metrics.h"
#include "carrete-request.h"

G_BEGIN_DECLS

#define CARRETE_MAX_PATH_PARAMS 8
#define CARRETE_STREAM_KEY "carrete-body-stream"

struct _CarreteRequest
{
  SoupServerMessage *msg; /* a reference, held while the message is paused */
  gpointer app;
  CarreteMetrics *metrics;
  const char *route; /* pattern, or "unmatched" */
  char *names[CARRETE_MAX_PATH_PARAMS];
  char *values[CARRETE_MAX_PATH_PARAMS];
  GHashTable *query;
  GBytes *body;
  char *request_id;
  char *bearer;
  CarreteClaims *claims;
  CarreteCaller caller;    /* views into request_id, bearer and claims */
  const CarreteIds *ids;   /* decodes path ids; NULL for a service without them */
  gint64 started_us;
  gboolean trust_forwarded_for;
  char *client_address;
  CarreteConnectionGuard *guard; /* watches for a hang-up once the cancellable exists */
  GCancellable *cancellable;     /* made on first use; cancelled when the client hangs up */
  gulong disconnected_id;
  gboolean in_dispatch; /* handler still on the stack: no pause/unpause */
  gboolean answered;
};

CarreteRequest *_carrete_request_new (SoupServerMessage *msg, gpointer app,
                                      CarreteMetrics *metrics, const char *request_id);
void _carrete_request_free (CarreteRequest *req);

G_END_DECLS
