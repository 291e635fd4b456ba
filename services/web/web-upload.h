#pragma once

#include <libsoup/soup.h>

#include "carrete-server.h"

G_BEGIN_DECLS

/* The body of POST /upload, spooled to an unlinked temporary file as it
 * arrives (never held in memory), then mapped to be split into its parts:
 * the parts' bytes are slices of the mapping, not copies.  A body over the
 * request limit is read and dropped, so that the browser still gets the
 * 413 page instead of a reset connection. */
typedef struct _WebUploadSpool WebUploadSpool;

extern const CarreteBodyStream web_upload_stream;
/* The same for one part of a resumable upload (pages-upload-resumable.c),
 * which may be larger than one request of the form: up to
 * WEB_UPLOAD_PART_BYTES (or the request limit, when larger). */
#define WEB_UPLOAD_PART_BYTES (8 * 1024 * 1024)
extern const CarreteBodyStream web_upload_part_stream;

gboolean web_upload_spool_too_large (WebUploadSpool *spool);
/* Whether any body byte arrived. */
gboolean web_upload_spool_has_body (WebUploadSpool *spool);
/* The whole body, mapped; NULL with an error when it could not be written
 * or is empty. */
GBytes *web_upload_spool_map (WebUploadSpool *spool, GError **error);

G_END_DECLS
