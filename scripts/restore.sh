#!/usr/bin/env bash
# Restores a backup of scripts/backup.sh into an EMPTY Carrete: the objects
# first, then the databases (users, folders, photos), so that every row,
# once visible, finds its objects.  Run it before the services start (or
# with them stopped).  Settings: see scripts/backup-lib.sh and the README.
# Refuses (exit 1, nothing changed) a missing or corrupt manifest, a file
# whose SHA-256 differs, a backup of another schema version, a database that
# holds rows, a store that holds objects.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/backup-lib.sh"

[ $# -eq 1 ] && [ -n "$1" ] || die "usage: scripts/restore.sh SRC_DIR"
SRC=$1
[ -d "$SRC" ] || die "$SRC is not a directory"
PHOTOS_BIN=$(backup_bin photos)
backup_storage_env

say "checking $SRC"
summary=$("$PHOTOS_BIN" backup-verify "$SRC") || die "$SRC is not a usable backup (see above)"

# Schema versions: the dumps must be of the schema this build runs.
while read -r word name version; do
  [ "$word" = schema ] || continue
  ours=$("$(backup_bin "$name")" schema-version) || die "cannot run carrete-$name"
  [ "$version" = "$ours" ] ||
    die "the backup's $name database is at schema version $version, this build's at $ours: restore with the Carrete version that made the backup"
done <<<"$summary"
deleted=$(sed -n 's/^deleted *//p' <<<"$summary" | tr ' ' ',')

# rows_in URL: the rows of every table but schema_migrations (a freshly
# migrated database counts as empty).
rows_in() {
  backup_psql "$1" 2>&1 <<'SQL'
SELECT coalesce(sum((xpath('/row/c/text()',
         query_to_xml(format('SELECT count(*) AS c FROM %I.%I', schemaname, tablename),
                      false, true, '')))[1]::text::bigint), 0)
  FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations';
SQL
}
for name in users folders photos; do
  url=$(backup_database_url "$name")
  rows=$(rows_in "$url") || die "cannot read the $name database: $rows"
  [ "$rows" = 0 ] || die "the $name database is not empty ($rows rows): restore into a new database"
done

say "restoring the objects"
"$PHOTOS_BIN" restore-objects "$SRC" || die "the objects were not restored (see above); nothing changed"

# restore NAME [SQL]: the dump replaces whatever (empty) schema is there, and
# SQL runs after it, in the same transaction.
restore() {
  local name=$1 extra=${2:-} url
  url=$(backup_database_url "$name")
  say "restoring the $name database"
  { pg_restore --clean --if-exists --no-owner --no-privileges --no-comments -f - "$SRC/$name.dump"
    printf '%s\n' "$extra"
  } | backup_psql "$url" --single-transaction >/dev/null ||
    die "restoring the $name database failed; the objects are restored, and the databases before it"
}
ids() { backup_psql "$(backup_database_url "$1")" -c "SELECT coalesce(array_agg(id), '{}') FROM $1"; }

restore users
users=$(ids users)
# Users are dumped last, folders before them: a folder or photo whose owner
# (or folder) is not there was deleted, with it, during the backup.
restore folders "DELETE FROM public.folders WHERE owner_id <> ALL ('$users'::bigint[]);"
folders=$(ids folders)
# Photos deleted during the backup have no objects; pending uploads and
# unfinished deletions have none either, and resumable uploads lived in the
# old store: none of them comes back.
restore photos "DELETE FROM public.photos WHERE id = ANY ('{$deleted}'::bigint[]) OR state <> 'ready'
  OR owner_id <> ALL ('$users'::bigint[])
  OR (folder_id IS NOT NULL AND folder_id <> ALL ('$folders'::bigint[]));
DELETE FROM public.uploads;"
say "restored $SRC"
