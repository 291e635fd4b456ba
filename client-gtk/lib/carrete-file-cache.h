#pragma once

/* What is known of local files for one destination (server, account,
 * folder), by path, size and modification time: the SHA-256, and whether
 * the file is on the server.  `carrete import` keeps one per destination
 * under $XDG_CACHE_HOME/carrete/import/ (a second import of the same tree
 * reads no file and uploads nothing); the desktop's watched folders keep
 * theirs under $XDG_STATE_HOME/carrete/watched/ (a restart never sends a
 * file twice; a changed file, other size or mtime, is read and sent again).
 *
 * One text file per destination, written append-only (one line per
 * change, flushed at once), so that a kill -9 loses at most the line being
 * written; a malformed line is ignored and the last line of a path wins.
 * carrete_file_cache_close() rewrites it compacted, atomically (a
 * temporary file renamed over it). */

#include <glib.h>

G_BEGIN_DECLS

typedef struct _CarreteFileCache CarreteFileCache;

typedef struct
{
  guint64 size;
  gint64 mtime_ns;
  char sha256[65];
  gboolean uploaded;
} CarreteFileCacheEntry;

/* The cache of `destination` (any text naming it; hashed into the file
 * name).  `dir` NULL: under $XDG_CACHE_HOME/carrete/import. */
CarreteFileCache *carrete_file_cache_open (const char *dir, const char *destination,
                                           GError **error);
/* Compacts and closes; FALSE (and the error) when the rewrite failed,
 * the appended lines then stay. */
gboolean carrete_file_cache_close (CarreteFileCache *cache, GError **error);
void carrete_file_cache_free (CarreteFileCache *cache);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarreteFileCache, carrete_file_cache_free)

/* The entry of `path` when its size and mtime are still those; else NULL. */
const CarreteFileCacheEntry *carrete_file_cache_lookup (CarreteFileCache *cache, const char *path,
                                                        guint64 size, gint64 mtime_ns);
/* The entry of `path` whatever its size and mtime (a deleted file's), or
 * NULL. */
const CarreteFileCacheEntry *carrete_file_cache_get (CarreteFileCache *cache, const char *path);
/* Records (and appends at once) what is known of `path`. */
gboolean carrete_file_cache_put (CarreteFileCache *cache, const char *path, guint64 size,
                                 gint64 mtime_ns, const char *sha256, gboolean uploaded,
                                 GError **error);

/* Parses one line; FALSE when malformed.  Exposed for the unit test. */
gboolean carrete_file_cache_parse_line (const char *line, char **path,
                                        CarreteFileCacheEntry *entry);
char *carrete_file_cache_format_line (const char *path, const CarreteFileCacheEntry *entry);

G_END_DECLS
