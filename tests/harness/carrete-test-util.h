#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Test helpers that need no server, no network and no database: the unit
 * tests link them too (carrete_test_util_dep). */

/* `unit` written `times` times over, for inputs at and past a length
 * limit. */
char *ct_repeat (const char *unit, guint times);

/* Appends one PNG chunk to `png`: the length of `data`, the four-letter
 * `type`, `len` bytes of `data` (may be NULL when `len` is 0) and the CRC-32
 * of type and data. */
void ct_png_append_chunk (GByteArray *png, const char *type, const guint8 *data, guint32 len);

/* Regular files under `dir`, at any depth, whose names start with `prefix`
 * (NULL: all); the size of the largest goes to *largest (may be NULL) when
 * larger than what it holds. */
guint ct_count_files (const char *dir, const char *prefix, goffset *largest);

G_END_DECLS
