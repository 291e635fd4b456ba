#pragma once

#include <gio/gio.h>

#include "carrete-tree-walk.h"

G_BEGIN_DECLS

/* The disk work of the watched folders, in worker threads: the walk of a
 * folder (carrete-tree-walk.h) and the reading of files that may be new
 * (carrete-file-scan.h: images only, SHA-256). */

typedef struct
{
  char *path;
  guint64 size;
  gint64 mtime_ns;
  gboolean is_image;
  gboolean stable; /* same size and mtime before and after the read */
  char sha256[65];
  GError *error; /* could not be read (gone, unreadable) */
} CarreteWatchRead;

void carrete_watch_read_free (CarreteWatchRead *read);

void carrete_watch_walk_async (const char *root, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
CarreteTreeWalk *carrete_watch_walk_finish (GAsyncResult *result, GError **error);

/* Reads each of `paths` (absolute); the answer is a GPtrArray of
 * CarreteWatchRead in the same order. */
void carrete_watch_read_async (GPtrArray *paths, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *carrete_watch_read_finish (GAsyncResult *result, GError **error);

/* The size and mtime (ns) of a regular file; FALSE when it is none. */
gboolean carrete_watch_stat (const char *path, guint64 *size, gint64 *mtime_ns);

G_END_DECLS
