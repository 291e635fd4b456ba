#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What a drop or a file chooser gave us, sorted into files to upload and
 * files refused before any byte goes to the network, each with a reason
 * people can read ("not an image", "empty file", "cannot be read").
 * Folders are walked recursively.  The disk is only touched in a worker
 * thread. */
typedef struct
{
  GFile *file;
  char *reason;
} CarreteRejectedFile;

typedef struct
{
  GPtrArray *accepted; /* of GFile */
  GPtrArray *rejected; /* of CarreteRejectedFile */
} CarreteCollectedFiles;

void carrete_collected_files_free (CarreteCollectedFiles *collected);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarreteCollectedFiles, carrete_collected_files_free)

/* `files` is an array of GFile; it is copied. */
void carrete_collect_files_async (GPtrArray *files, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
CarreteCollectedFiles *carrete_collect_files_finish (GAsyncResult *result, GError **error);

/* The same, synchronously (the worker's body; for the unit test). */
CarreteCollectedFiles *carrete_collect_files (GPtrArray *files, GCancellable *cancellable,
                                              GError **error);

G_END_DECLS
