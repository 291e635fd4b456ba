#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Reads `path` once: its first bytes name an image type
 * (carrete_sniff_image_type, as the upload queue does) or not; for an
 * image the whole file is hashed into `sha256` (64 hex digits).  FALSE and
 * the error when it cannot be read. */
gboolean carrete_file_scan (const char *path, gboolean *is_image, char sha256[65], GError **error);

G_END_DECLS
