#pragma once

#include <glib.h>

#include "carrete-keys.h"

G_BEGIN_DECLS

/* Opaque keyset cursors: the fields of the last row of a page, joined and
 * sealed (libsodium secretbox, a key derived from the ID key): a client can
 * neither read them (row ids, times) nor forge or edit one, which is
 * refused (400) instead of silently paging from an arbitrary position. */
typedef struct _CarreteCursorKey CarreteCursorKey;

CarreteCursorKey *carrete_cursor_key_new (const CarreteIdKey *key);
void carrete_cursor_key_free (CarreteCursorKey *key);

char *carrete_cursor_encode (const CarreteCursorKey *key, const char *const *fields);
/* Returns the fields, or NULL with CARRETE_ERROR_BAD_REQUEST. */
char **carrete_cursor_decode (const CarreteCursorKey *key, const char *cursor, guint n_fields,
                              GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarreteCursorKey, carrete_cursor_key_free)

G_END_DECLS
