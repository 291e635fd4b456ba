#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CARRETE_TYPE_SLICE_STREAM (carrete_slice_stream_get_type ())
G_DECLARE_FINAL_TYPE (CarreteSliceStream, carrete_slice_stream, CARRETE, SLICE_STREAM,
                      GFilterInputStream)

/* Reads `base` from where it stands and ends after `length` bytes (or
 * earlier, where `base` ends).  Closing it closes `base`. */
GInputStream *carrete_slice_stream_new (GInputStream *base, guint64 length);

G_END_DECLS
