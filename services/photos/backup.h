#pragma once

#include <glib.h>

#include "carrete-storage.h"

G_BEGIN_DECLS

/* The objects half of scripts/backup.sh and scripts/restore.sh.  A backup
 * directory holds manifest.json, one pg_dump per database and
 * objects/<key> for every object of every ready photo.  The objects are
 * enumerated from the photos rows (never by listing the store, which would
 * copy strays), read in `snapshot` (pg_export_snapshot() of the
 * transaction that pg_dump read photos in; NULL: the rows as they are
 * now), so that they are exactly the dump's rows.  A photo whose objects
 * are gone because it was deleted since is no error: its id goes to
 * "deleted_during_backup", and restore.sh deletes its row.
 *
 * Writes DIR/objects/ and DIR/objects.json ({"photos": N,
 * "deleted_during_backup": [ids], "items": [{photo_id, key, sha256, size,
 * content_type}]}), which backup.sh puts into manifest.json. */
gboolean photos_backup_objects (CarreteStorage *storage, const char *conninfo, const char *snapshot,
                                const char *dir, GError **error);

/* Checks DIR/manifest.json (format, the three dumps and every object: each
 * file there, with its SHA-256 and size) and appends to `summary` the lines
 * restore.sh reads: "schema NAME VERSION" for each database, and
 * "deleted ID..." (the ids of photos deleted during the backup). */
gboolean photos_backup_verify (const char *dir, GString *summary, GError **error);

/* Verifies DIR as above, refuses a store that holds any object, then puts
 * every object but those of the photos in `dropped` (ids of the rows the
 * restore leaves out: NULL for none); on a failure, removes those it put. */
gboolean photos_restore_objects (CarreteStorage *storage, const char *dir, GHashTable *dropped,
                                 GError **error);

/* The photo ids in the file at `path`, separated by white space, as a set
 * of gint64 (g_int64_hash). */
GHashTable *photos_restore_read_ids (const char *path, GError **error);

G_END_DECLS
