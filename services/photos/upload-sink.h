#pragma once

#include "carrete-storage.h"
#include "carrete-workers.h"

G_BEGIN_DECLS

/* Where the bytes of a streamed upload go as they arrive: straight to
 * storage, a part at a time (carrete-storage.h's CarreteObjectWriter),
 * so memory stays flat whatever the size.  Two part buffers: each is sent
 * on a worker once full, both may be on their way at once, and while
 * neither is free the sink asks its owner to pause the body and to resume
 * it once a part is sent.  Bytes are given on
 * the owner's main context; every callback comes back there.
 *
 * Nothing is visible in storage before photos_sink_commit_async succeeds;
 * a sink freed without a commit removes what it sent (on a worker: the
 * owner does not wait). */
typedef struct _PhotosSink PhotosSink;

typedef struct
{
  void (*pause) (gpointer owner);
  void (*resume) (gpointer owner);
  /* A part could not be stored; later bytes are dropped. */
  void (*failed) (gpointer owner, const GError *error);
} PhotosSinkFlow;

/* Parts of `part_size` bytes (s3: at least CARRETE_STORAGE_MIN_PART_SIZE)
 * to `key`. */
PhotosSink *photos_sink_new (CarreteStorage *storage, CarreteWorkers *workers, const char *key,
                             gsize part_size, const PhotosSinkFlow *flow, gpointer owner);
/* The object's type; needed before the first part is sent. */
void photos_sink_set_content_type (PhotosSink *sink, const char *content_type);
/* FALSE once the sink failed (the error was given to `failed`). */
gboolean photos_sink_write (PhotosSink *sink, const guint8 *data, gsize len);

/* After the last byte: the parts still in flight, the rest, then the
 * object is in place. `sha256_hex` is the SHA-256 of every byte. */
void photos_sink_commit_async (PhotosSink *sink, const char *sha256_hex,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data);
gboolean photos_sink_commit_finish (GAsyncResult *result, GError **error);

/* The part size for uploads of at most `max_bytes` to `storage`. */
gsize photos_sink_part_size (CarreteStorage *storage, guint64 max_bytes);

void photos_sink_free (PhotosSink *sink);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhotosSink, photos_sink_free)

G_END_DECLS
