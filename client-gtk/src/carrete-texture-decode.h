#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Decodes image bytes into a texture in a worker thread, so that no
 * decoding runs on the UI thread. */
void carrete_texture_decode_async (GBytes *bytes, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
GdkTexture *carrete_texture_decode_finish (GAsyncResult *result, GError **error);

G_END_DECLS
