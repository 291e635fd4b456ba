#pragma once

/* What the parts of the photos service (service.c, ingest.c, listing.c)
 * share among themselves; not part of service.h. */

#include <gio/gio.h>

#include "app.h"
#include "carrete-op.h"

G_BEGIN_DECLS

/* Runs `func` on the worker pool as one step of the operation `outer`: its
 * task borrows `state` (owned by `outer`) and `done` gets `outer` as user
 * data.  A full queue fails the step (503) instead of waiting. */
G_GNUC_INTERNAL
void run_step_on_worker (PhotosApp *app, GTask *outer, gpointer state, GTaskThreadFunc func,
                         GAsyncReadyCallback done);
/* The same on another pool (the job runner's). */
G_GNUC_INTERNAL
void run_step_on (CarreteWorkers *workers, GTask *outer, gpointer state, GTaskThreadFunc func,
                  GAsyncReadyCallback done);

/* Deletes the objects under a photo's `prefix`: its thumbnails and,
 * unless `thumbnails_only`, its staging object and its original.  Missing
 * ones are fine. */
gboolean photos_delete_objects (CarreteStorage *storage, const char *prefix,
                                gboolean thumbnails_only, GError **error);

/* Removes the spool file at *path, if any, and frees and clears *path. */
G_GNUC_INTERNAL
void photos_remove_spool_file (char **path);

/* Removes the objects, then the rows, of `photos` (marked `deleting`). */
G_GNUC_INTERNAL
void remove_photos_async (PhotosApp *app, GPtrArray *photos, GAsyncReadyCallback callback,
                          gpointer user_data);
G_GNUC_INTERNAL
gboolean remove_photos_finish (GAsyncResult *result, GError **error);

G_END_DECLS
