#pragma once

/* A walk of a directory tree, for the uploads of whole folders (the
 * desktop's dropped folders, carrete import): every regular file under
 * `root`, symbolic links followed, each directory and each file once (by
 * device and inode, so a link back up the tree ends there instead of
 * looping), in name order; hidden names (".…": .DS_Store, .thumbnails, a
 * NAS's .@__thumb) are skipped.  Blocking: a worker thread's, or a command
 * line's before anything else runs. */

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  char *path; /* as reached: ROOT/sub/name */
  guint64 size;
  gint64 mtime_ns;
} CarreteTreeFile;

typedef struct
{
  char *path;
  int error_number; /* errno */
  gboolean is_dir;  /* a folder that could not be listed */
} CarreteTreeProblem;

typedef struct
{
  GPtrArray *files;    /* CarreteTreeFile */
  GPtrArray *problems; /* CarreteTreeProblem: what could not be read */
  GPtrArray *broken;   /* paths of links to nothing */
  guint loops;         /* directories reached again (links) and skipped */
} CarreteTreeWalk;

void carrete_tree_walk_free (CarreteTreeWalk *walk);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarreteTreeWalk, carrete_tree_walk_free)

/* `root` must be a directory (else NULL and a G_FILE_ERROR); a cancelled
 * `cancellable` (checked once per directory) ends it with
 * G_IO_ERROR_CANCELLED. */
CarreteTreeWalk *carrete_tree_walk (const char *root, GCancellable *cancellable, GError **error);

G_END_DECLS
