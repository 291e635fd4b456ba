#pragma once

#include <glib.h>

#include "imaging.h"

G_BEGIN_DECLS

/* Images are decoded in a child process, never in the service: a decoder
 * bug (libvips has aborted the process on a 1×1 JPEG before) or a hostile
 * file then costs one upload, not every request of the pod.  The child is
 * this same program run as `carrete-photos decode …`; it gets an address
 * space, CPU-time and open-file limit, dies with its parent, and is killed
 * when it outlives the wall-time limit.  Its answer comes back on fd 3. */

typedef struct
{
  char *program;         /* the carrete-photos binary (/proc/self/exe) */
  guint64 memory_bytes;  /* RLIMIT_AS of the child */
  guint cpu_seconds;     /* RLIMIT_CPU of the child */
  guint wall_seconds;    /* killed after this long */
} PhotosDecoder;

/* The child's command: `decode` and its arguments. */
#define PHOTOS_DECODER_COMMAND "decode"
#define PHOTOS_DECODER_N_ARGS 5

/* Resolves this program's path; the limits as given. */
PhotosDecoder *photos_decoder_new (guint64 memory_bytes, guint cpu_seconds, guint wall_seconds,
                                   GError **error);
void photos_decoder_free (PhotosDecoder *decoder);

/* photos_imaging_process in a child process with the decoder's limits.
 * Blocks (run it on the worker pool).  Errors are photos_imaging_process's;
 * a child that crashes, runs out of its limits or hangs fails with
 * CARRETE_ERROR_UNSUPPORTED and a message that says which. */
gboolean photos_decoder_process (const PhotosDecoder *decoder, const char *path, PhotosType type,
                                 guint64 max_pixels, PhotosImageInfo *info,
                                 const char *small_path, const char *large_path, GError **error);

/* The child's side: `args` are the PHOTOS_DECODER_N_ARGS arguments of the
 * command.  Returns the exit status. */
int photos_decoder_child_main (char **args);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhotosDecoder, photos_decoder_free)

G_END_DECLS
