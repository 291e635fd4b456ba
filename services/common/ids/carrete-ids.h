#pragma once

#include <glib.h>

#include "carrete-keys.h"

G_BEGIN_DECLS

/* Opaque typed IDs: `us_`, `ph_`, `fo_`, `up_` (resumable uploads) and
 * `sh_` (share links), followed by 11 base62 characters.  The characters
 * encode a keyed 64-bit permutation (an 8-round Feistel network over
 * SipHash) of the row's bigint id, with one key per type, so consecutive
 * rows give unrelated strings and an id of one type never decodes as
 * another. */
typedef enum
{
  CARRETE_ID_USER,
  CARRETE_ID_PHOTO,
  CARRETE_ID_FOLDER,
  CARRETE_ID_UPLOAD,
  CARRETE_ID_SHARE, /* last: each type's key is derived from its index */
  CARRETE_ID_N_TYPES,
} CarreteIdType;

#define CARRETE_ID_DIGITS 11
#define CARRETE_ID_STRING_LEN (3 + CARRETE_ID_DIGITS)

typedef struct _CarreteIds CarreteIds;

CarreteIds *carrete_ids_new (const CarreteIdKey *key);
void carrete_ids_free (CarreteIds *ids);

char *carrete_ids_encode (const CarreteIds *ids, CarreteIdType type, gint64 value);
/* Returns FALSE (without an error: the caller answers 404) for anything that
 * is not a valid id of this type. */
gboolean carrete_ids_decode (const CarreteIds *ids, CarreteIdType type, const char *text,
                             gint64 *value);

/* The bare permutation, exposed for tests. */
guint64 carrete_ids_permute (const CarreteIds *ids, CarreteIdType type, guint64 value);
guint64 carrete_ids_unpermute (const CarreteIds *ids, CarreteIdType type, guint64 value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarreteIds, carrete_ids_free)

G_END_DECLS
