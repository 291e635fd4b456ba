#pragma once

#include <glib.h>

#include "carrete-storage.h"

G_BEGIN_DECLS

/* The arithmetic of resumable uploads, apart from I/O so that unit tests
 * reach it: how a file is cut into parts, and whether the parts a client
 * lists for complete are the ones the store holds. */

#define PHOTOS_RESUMABLE_MIN_PART (8 * 1024 * 1024)
#define PHOTOS_RESUMABLE_URL_BATCH 100 /* part URLs per answer */

/* max(8 MiB, ceil(size / 10000)) rounded up to a MiB. */
guint64 photos_resumable_part_size (guint64 size);
guint photos_resumable_part_count (guint64 size, guint64 part_size);
/* The exact length of part `number` (1-based): part_size, or the rest. */
guint64 photos_resumable_part_length (guint64 size, guint64 part_size, guint number);

/* A part the client names for complete. */
typedef struct
{
  guint number;
  char *etag;
} PhotosListedPart;

void photos_listed_part_clear (PhotosListedPart *part);

/* Checks `listed` (PhotosListedPart, in the client's order) against
 * `held` (CarreteUploadPart *, sorted by number, from list_parts): every
 * part 1..part_count listed once with the etag the store holds, every held
 * part of its exact length.  FALSE with CARRETE_ERROR_INVALID naming the
 * first part that is wrong, and *bad_part set to it (0 when the problem is
 * not one part). */
gboolean photos_resumable_check_parts (guint64 size, guint64 part_size, GArray *listed,
                                       GPtrArray *held, guint *bad_part, GError **error);

G_END_DECLS
