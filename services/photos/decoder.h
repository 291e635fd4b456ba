#pragma once

#include <glib.h>

#include "imaging.h"

G_BEGIN_DECLS

/* Images are decoded in child processes, never in the service: a decoder
 * bug (libvips has aborted the process on a 1×1 JPEG before) or a hostile
 * file then costs one upload, not every request of the pod.
 *
 * A child is this same program run as `carrete-photos decode`; it has an
 * address-space limit, a CPU-time limit per image, and is killed when an
 * image outlives the wall-time limit.  Starting one (libvips loads its
 * modules) costs far more than a small image, so children are kept and
 * reused: one image at a time each, a fresh one after a crash, a kill, or
 * PHOTOS_DECODER_JOBS_PER_CHILD images, and idle ones end after a while.
 * One pool serves the whole process, from any thread. */
typedef struct _PhotosDecoder PhotosDecoder;

/* The child's command. */
#define PHOTOS_DECODER_COMMAND "decode"
#define PHOTOS_DECODER_N_ARGS 1 /* the CPU seconds per image */

/* Images a child decodes before it is replaced (bounds what a slow leak or
 * fragmentation in a decoder can grow to). */
#define PHOTOS_DECODER_JOBS_PER_CHILD 100

/* Resolves this program's path (/proc/self/exe); starts no child yet. */
PhotosDecoder *photos_decoder_new (guint64 memory_bytes, guint cpu_seconds, guint wall_seconds,
                                   GError **error);
/* Ends every idle child. */
void photos_decoder_free (PhotosDecoder *decoder);

/* photos_imaging_process in a child.  Blocks (run it on the worker pool).
 * Errors are photos_imaging_process's; a child that crashes, goes over its
 * limits or hangs fails with CARRETE_ERROR_UNSUPPORTED and a message that
 * says which. */
gboolean photos_decoder_process (PhotosDecoder *decoder, const char *path, PhotosType type,
                                 guint64 max_pixels, PhotosImageInfo *info, const char *small_path,
                                 const char *large_path, GError **error);

/* Ends the children idle for more than `idle_seconds`. */
void photos_decoder_trim (PhotosDecoder *decoder, guint idle_seconds);

/* The child's side: `args` are the command's PHOTOS_DECODER_N_ARGS
 * arguments; requests arrive on fd 3.  Returns the exit status. */
int photos_decoder_child_main (char **args);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhotosDecoder, photos_decoder_free)

G_END_DECLS
