#pragma once

#include "carrete-server.h"

G_BEGIN_DECLS

/* With the fs backend, carrete-photos itself serves the presigned URLs it
 * hands out: GET /v1/storage/{key} (ranges, ETag, Cache-Control) and PUT
 * /v1/storage/{key} (direct uploads, streamed to disk).  With s3 these
 * routes answer 404: clients talk to S3. */
void photos_handle_storage_get (CarreteRequest *req);
void photos_handle_storage_put (CarreteRequest *req);
extern const CarreteBodyStream photos_storage_put_stream;

G_END_DECLS
