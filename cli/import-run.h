#pragma once

/* One run of carrete import: what is known of each file, and the counts
 * the summary prints.  cmd-import.c plans it (walk, cache, server), and
 * import-upload.c drives the upload queue through it. */

#include "cli.h"
#include "carrete-file-cache.h"
#include "carrete-tree-walk.h"

G_BEGIN_DECLS

typedef enum
{
  ITEM_UPLOAD,     /* to send */
  ITEM_UNCHANGED,  /* the cache says it is on the server */
  ITEM_NOT_IMAGE,  /* skipped */
  ITEM_ON_SERVER,  /* the server has these bytes in the folder */
  ITEM_LOCAL_COPY, /* the same bytes as another file of the tree */
  ITEM_RESUMING,   /* an earlier run's resumable upload finishes it */
  ITEM_FAILED,
} ImportItemState;

typedef struct
{
  CarreteTreeFile *file; /* the walk's */
  ImportItemState state;
  char sha256[65];
} ImportItem;

typedef struct
{
  CarreteCommand *cli;
  const char *folder_id; /* NULL: no folder */
  CarreteFileCache *cache;
  GPtrArray *items;  /* ImportItem */
  GPtrArray *failed; /* "path: why" */
  guint uploaded;    /* sent now */
  guint already;     /* on the server before (cache, listing or 409) */
  guint not_images;
  guint cancelled;
  guint64 bytes_sent; /* of finished uploads */
  gboolean tty;       /* progress on one line */
} ImportRun;

/* Reports one finished file: a plain line, or above the progress line. */
void import_run_report (ImportRun *run, const char *verb, const char *path, const char *detail);
/* Marks `path` as on the server in the cache (a failure is reported). */
void import_run_mark_uploaded (ImportRun *run, const char *path, guint64 size, gint64 mtime_ns,
                               const char *sha256);

/* Sends the ITEM_UPLOAD items, `jobs` at a time, and finishes the resumable
 * uploads earlier runs left; returns when all ended or, after Ctrl-C, when
 * the running ones stopped (resumable ones left for the next run). */
void import_run_upload (ImportRun *run, guint jobs);

G_END_DECLS
