#pragma once

#include <gio/gio.h>

#include "carrete-upload-queue.h"
#include "carrete-watched-folder.h"

G_BEGIN_DECLS

#define CARRETE_TYPE_WATCHER (carrete_watcher_get_type ())
G_DECLARE_FINAL_TYPE (CarreteWatcher, carrete_watcher, CARRETE, WATCHER, GObject)

/* The watched folders of carrete-desktop: their new and changed images go
 * through `queue` (so the resumable path for large files) into each
 * folder's Carrete folder.
 *
 * While the queue's client is signed in: a full scan of every folder at
 * start, after a folder is added and after the server came back; a
 * GFileMonitor per directory in between.  A file is read only once its
 * size and mtime have stayed the same for a second (a copy in progress is
 * not sent half-written).  What is known of each file (path, size, mtime,
 * SHA-256, sent or not) is kept per account and folder by
 * carrete-file-cache.h under `state_dir`/watched/, so a restart sends
 * nothing twice and a changed file is sent again; the server's duplicate
 * answer counts as sent.  An upload that fails for a reason that may pass
 * (server unreachable or 5xx) makes the watcher "offline": it waits 1 s,
 * 2 s, 4 s … up to a minute, then scans again and goes on.  At most
 * MAX_IN_FLIGHT uploads are in the queue at a time, so that "paused" holds
 * the rest (the ones in the queue finish).
 *
 * The list of folders is kept per server and account (the client's when
 * the watcher is made; carrete_watcher_list_file()).
 *
 * Properties: paused (rw), offline, n-folders, n-pending (found, not yet
 * sent), n-sent (sent or found on the server since the last time
 * n-pending was 0: the "k" of "uploading k of n"), n-skipped (not images). */
/* `state_dir` NULL: $XDG_STATE_HOME/carrete. */
CarreteWatcher *carrete_watcher_new (CarreteUploadQueue *queue, const char *state_dir);

/* `state_dir`/watched/folders-<SHA-256 of server and account>.json: the
 * list of the account `client` is signed in as (also for the tests). */
char *carrete_watcher_list_file (const char *state_dir, CarreteClient *client);

/* A GListModel of CarreteWatchedFolder. */
GListModel *carrete_watcher_get_folders (CarreteWatcher *self);
/* Adds and saves; FALSE (and nothing changed) when the path is already
 * watched, is inside or around a watched one, or cannot be saved. */
gboolean carrete_watcher_add (CarreteWatcher *self, CarreteWatchedFolder *folder, GError **error);
gboolean carrete_watcher_remove (CarreteWatcher *self, CarreteWatchedFolder *folder,
                                 GError **error);
/* Saves the list again (after a folder's delete-on-server changed). */
gboolean carrete_watcher_save (CarreteWatcher *self, GError **error);

gboolean carrete_watcher_get_paused (CarreteWatcher *self);
void carrete_watcher_set_paused (CarreteWatcher *self, gboolean paused);
gboolean carrete_watcher_get_offline (CarreteWatcher *self);
guint carrete_watcher_get_n_pending (CarreteWatcher *self);
guint carrete_watcher_get_n_sent (CarreteWatcher *self);
guint carrete_watcher_get_n_skipped (CarreteWatcher *self);

G_END_DECLS
