#pragma once

/* What a watched folder (carrete-watch.c) tells its CarreteWatcher. */

#include "carrete-watcher.h"

G_BEGIN_DECLS

/* TRUE while `path` waits or is being sent. */
gboolean _carrete_watcher_is_known (CarreteWatcher *self, const char *path);
/* An image to send (read, not on the server as far as the cache knows). */
void _carrete_watcher_found (CarreteWatcher *self, CarreteWatchedFolder *folder, const char *path,
                             guint64 size, gint64 mtime_ns, const char *sha256);
/* Read, and not an image. */
void _carrete_watcher_skipped (CarreteWatcher *self, const char *path);
/* A file sent earlier was deleted locally, and the folder says to delete
 * it on the server too. */
void _carrete_watcher_deleted (CarreteWatcher *self, CarreteWatchedFolder *folder, const char *path,
                               const char *sha256);
/* Gives waiting files to the upload queue, as many as may go now. */
void _carrete_watcher_pump (CarreteWatcher *self);

G_END_DECLS
