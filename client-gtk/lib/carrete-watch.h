#pragma once

/* One watched folder while the client is signed in, for CarreteWatcher
 * (private to it): the full scan, a GFileMonitor per directory, the files
 * that must stay still before they are read, and the folder's
 * carrete-file-cache.h.  What it finds goes to the watcher
 * (carrete-watcher-private.h). */

#include "carrete-watcher-private.h"

G_BEGIN_DECLS

typedef struct _CarreteWatch CarreteWatch;

/* Opens the cache of `destination` under `dir` and starts a full scan;
 * NULL and the error when the cache cannot be opened. */
CarreteWatch *carrete_watch_new (CarreteWatcher *watcher, CarreteWatchedFolder *folder,
                                 const char *dir, const char *destination, GError **error);
/* Stops the monitors and scans, and compacts the cache. */
void carrete_watch_free (CarreteWatch *watch);

CarreteWatchedFolder *carrete_watch_get_folder (CarreteWatch *watch);
/* The full scan (again, after the server came back); one at a time, a
 * request during one runs after it. */
void carrete_watch_scan (CarreteWatch *watch);
/* Records that this version of `path` is on the server. */
gboolean carrete_watch_mark_sent (CarreteWatch *watch, const char *path, guint64 size,
                                  gint64 mtime_ns, const char *sha256, GError **error);

G_END_DECLS
