#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Writes a landscape PNG (sky, sun, mountains, water; different for every
 * index) of width × height into `dir` and returns its path.  `noise` adds
 * grain, which makes the file about as big as a camera's. */
char *desktop_draw_photo (const char *dir, guint index, int width, int height, gboolean noise);

G_END_DECLS
