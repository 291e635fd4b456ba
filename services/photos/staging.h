#pragma once

#include "app.h"

G_BEGIN_DECLS

/* Removes direct-upload staging objects (model.h) whose photo is not
 * pending any more: a PUT that an upload URL still allowed after complete,
 * delete or expiry.  S3 cannot revoke a presigned URL, so such a PUT is
 * cleaned here, within a sweep interval of its URL's expiry at most.  One
 * sweep at a time per process; the next sweep retries what failed. */
void photos_staging_sweep (PhotosApp *app);
gboolean photos_staging_sweep_busy (void);

G_END_DECLS
