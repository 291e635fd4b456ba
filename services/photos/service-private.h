#pragma once

/* What the parts of the photos service (service.c, ingest.c, listing.c)
 * share among themselves; not part of service.h. */

#include <gio/gio.h>

#include "app.h"
#include "carrete-op.h"

G_BEGIN_DECLS

/* Submits `func` to the worker pool for `task`; a full queue fails the
 * task (503) instead of waiting. */
G_GNUC_INTERNAL
void run_on_worker (PhotosApp *app, GTask *task, GTaskThreadFunc func);

/* Removes the objects, then the rows, of `photos` (marked `deleting`). */
G_GNUC_INTERNAL
void remove_photos_async (PhotosApp *app, GPtrArray *photos, GAsyncReadyCallback callback,
                          gpointer user_data);
G_GNUC_INTERNAL
gboolean remove_photos_finish (GAsyncResult *result, GError **error);

G_END_DECLS
