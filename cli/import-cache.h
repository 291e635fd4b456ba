#pragma once

/* The import's local cache: for one destination (server, account, folder),
 * what is known of each file by path, size and modification time: its
 * SHA-256, and whether it is on the server.  A second import of the same
 * tree then reads no file and uploads nothing.
 *
 * One text file per destination under $XDG_CACHE_HOME/carrete/import/,
 * written append-only (one line per change, flushed at once), so that a
 * kill -9 loses at most the line being written; a malformed line is
 * ignored and the last line of a path wins.  import_cache_close() rewrites
 * it compacted. */

#include <glib.h>

G_BEGIN_DECLS

typedef struct _ImportCache ImportCache;

typedef struct
{
  guint64 size;
  gint64 mtime_ns;
  char sha256[65];
  gboolean uploaded;
} ImportCacheEntry;

/* The cache of `destination` (any text naming it; hashed into the file
 * name).  `path` NULL: under $XDG_CACHE_HOME/carrete/import. */
ImportCache *import_cache_open (const char *dir, const char *destination, GError **error);
/* Compacts and closes; FALSE (and the error) when the rewrite failed,
 * the appended lines then stay. */
gboolean import_cache_close (ImportCache *cache, GError **error);
void import_cache_free (ImportCache *cache);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImportCache, import_cache_free)

/* The entry of `path` when its size and mtime are still those; else NULL. */
const ImportCacheEntry *import_cache_lookup (ImportCache *cache, const char *path, guint64 size,
                                             gint64 mtime_ns);
/* Records (and appends at once) what is known of `path`. */
gboolean import_cache_put (ImportCache *cache, const char *path, guint64 size, gint64 mtime_ns,
                           const char *sha256, gboolean uploaded, GError **error);

/* Parses one line; FALSE when malformed.  Exposed for the unit test. */
gboolean import_cache_parse_line (const char *line, char **path, ImportCacheEntry *entry);
char *import_cache_format_line (const char *path, const ImportCacheEntry *entry);

G_END_DECLS
