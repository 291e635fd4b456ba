#pragma once

/* The import's walk: every regular file under a directory, symbolic links
 * followed, each directory and each file once (by device and inode, so a
 * link back up the tree ends there instead of looping), in name order;
 * hidden names (".…") are skipped.
 * Blocking; the command runs it before any upload starts. */

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *path; /* as reached: DIR/sub/name */
  guint64 size;
  gint64 mtime_ns;
} ImportFile;

typedef struct
{
  GPtrArray *files;    /* ImportFile */
  GPtrArray *problems; /* "path: what" for what could not be read */
  guint loops;         /* directories reached again (links) and skipped */
  guint links_broken;  /* links to nothing */
} ImportWalk;

void import_walk_free (ImportWalk *walk);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImportWalk, import_walk_free)

/* `root` must be a directory (else NULL and the error). */
ImportWalk *import_walk (const char *root, GError **error);

G_END_DECLS
