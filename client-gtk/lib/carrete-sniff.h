#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The image type named by the first bytes of a file ("image/png", …), or
 * NULL for anything else: what the upload queue asks a direct upload for,
 * and what the command line uses to import only images.  16 bytes are
 * enough. */
const char *carrete_sniff_image_type (const guint8 *data, gsize length);

G_END_DECLS
