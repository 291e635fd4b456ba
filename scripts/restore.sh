#!/usr/bin/env bash
# Restores a backup of scripts/backup.sh into an EMPTY Carrete.  Run it
# before the services start (or with them stopped).  Settings: see
# scripts/backup-lib.sh and the README.
#
# Refuses (exit 1, nothing changed) a missing or corrupt manifest, a file
# whose SHA-256 differs, a backup of another schema version, a database that
# holds rows.  Then:
#  1. each service's own `carrete-NAME migrate` runs on its target database
#     (so that a new, empty database works, and database-level settings the
#     migrations make, which pg_dump does not carry, are there); where
#     carrete-NAME is not installed (the carrete-photos image), its
#     database must be migrated already, to the backup's schema version;
#  2. the users, folders and photos dumps are restored, each in a
#     transaction left open: folders whose owner is not in the users dump,
#     and photos whose owner or folder is missing, that were deleted during
#     the backup, or that were not ready, are dropped there;
#  3. the objects of the photos kept (and only those) go into the store,
#     which must hold none (else it is refused, as below);
#  4. the three transactions commit, so that every row, once visible, finds
#     its objects, and no object is left without its row.
# A failure before step 4 rolls back every database and takes back the
# objects put; the target databases stay migrated, and empty.  Only a failed
# COMMIT leaves part of the restore in place (and says so).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/backup-lib.sh"

[ $# -eq 1 ] && [ -n "$1" ] || die "usage: scripts/restore.sh SRC_DIR"
SRC=$1
[ -d "$SRC" ] || die "$SRC is not a directory"
PHOTOS_BIN=$(backup_bin photos)
backup_storage_env
BACKUP_WORK=$(mktemp -d -t carrete-restore-XXXXXX)
cleanup() {
  backup_session_kill_all
  rm -rf "$BACKUP_WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap '' PIPE # a psql that died is noticed by its answer, not by SIGPIPE

say "checking $SRC"
summary=$("$PHOTOS_BIN" backup-verify "$SRC") || die "$SRC is not a usable backup (see above)"

# bin_of NAME: carrete-NAME, when it is here (the carrete-photos image, which
# the chart's backup runs from, has only carrete-photos).
bin_of() {
  local bin
  bin=$(backup_bin "$1" 2>/dev/null) && [ -x "$bin" ] && printf '%s\n' "$bin"
}
# migrated_version NAME: the schema version of NAME's target database (0
# when never migrated).
migrated_version() {
  backup_psql "$(backup_database_url "$1")" -c "SELECT coalesce(max(version), 0) FROM schema_migrations" \
    2>/dev/null || echo 0
}

# Schema versions: the dumps must be of the schema this build runs; without
# carrete-NAME, of the schema NAME's target database was migrated to.
while read -r word name version; do
  [ "$word" = schema ] || continue
  if bin=$(bin_of "$name"); then
    ours=$("$bin" schema-version) || die "cannot run carrete-$name"
    [ "$version" = "$ours" ] ||
      die "the backup's $name database is at schema version $version, this build's at $ours: restore with the Carrete version that made the backup"
  else
    ours=$(migrated_version "$name")
    [ "$version" = "$ours" ] ||
      die "the backup's $name database is at schema version $version, and there is no carrete-$name here to migrate the target database (at version $ours): migrate it with the Carrete version that made the backup first (the chart's pods do as they start)"
  fi
done <<<"$summary"
deleted=$(sed -n 's/^deleted *//p' <<<"$summary" | tr ' ' ',')

# rows_in URL: the rows of every table but schema_migrations (a database
# never migrated, or freshly migrated, counts as empty).
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

for name in users folders photos; do
  bin=$(bin_of "$name") || continue # migrated already: checked above
  say "migrating the $name database"
  CARRETE_DATABASE_URL=$(backup_database_url "$name") "$bin" migrate >"$BACKUP_WORK/migrate.log" 2>&1 ||
    die "carrete-$name migrate failed: $(tail -n 3 "$BACKUP_WORK/migrate.log" | tr '\n' ' ')"
done

# restore NAME SQL: a session restores NAME's dump in a transaction, runs
# SQL (after the dump's own `SET search_path = ''`: names are qualified),
# and leaves the transaction open; the last line SQL printed is in ANSWER.
restore() {
  local name=$1 sql=$2
  say "restoring the $name database"
  backup_session_open "$name" "$(backup_database_url "$name")"
  backup_session_send "$name" "BEGIN;" '\o /dev/null'
  pg_restore --clean --if-exists --no-owner --no-privileges --no-comments -f - "$SRC/$name.dump" \
    >&"${SESSION_IN[$name]}" 2>"$BACKUP_WORK/pg_restore.err" ||
    die "restoring the $name database failed: $(backup_session_error "$name") $(cat "$BACKUP_WORK/pg_restore.err"); nothing changed"
  backup_session_send "$name" '\o' "$sql"
  backup_session_answer "$name" || die "restoring the $name database failed: $ANSWER; nothing changed"
}

restore users "SELECT coalesce(array_agg(id), '{}') FROM public.users;"
users=$ANSWER
# Users are dumped last, folders before them: a folder or photo whose owner
# (or folder) is not there was deleted, with it, during the backup.
restore folders "DELETE FROM public.folders WHERE owner_id <> ALL ('$users'::bigint[]);
SELECT coalesce(array_agg(id), '{}') FROM public.folders;"
folders=$ANSWER
# Photos deleted during the backup have no objects; pending uploads and
# unfinished deletions have none either, and resumable uploads lived in the
# old store: none of them comes back.  The ids dropped go to
# restore-objects, which leaves their objects out.  A job that a worker of
# the old installation held is queued again, due at once: no worker holds
# it here, and its lease would hold the thumbnails back until it ran out.
restore photos "DELETE FROM public.uploads;
UPDATE public.jobs SET state = 'queued', locked_until = NULL, run_after = now()
  WHERE state = 'running';
WITH dropped AS (
  DELETE FROM public.photos WHERE id = ANY ('{$deleted}'::bigint[]) OR state NOT IN ('ready', 'trashed')
    OR owner_id <> ALL ('$users'::bigint[])
    OR (folder_id IS NOT NULL AND folder_id <> ALL ('$folders'::bigint[]))
  RETURNING id)
SELECT coalesce(string_agg(id::text, ' '), '') FROM dropped;"
printf '%s\n' "$ANSWER" >"$BACKUP_WORK/dropped"

say "restoring the objects"
"$PHOTOS_BIN" restore-objects "$SRC" "$BACKUP_WORK/dropped" ||
  die "the objects were not restored (see above); nothing changed"

for name in users folders photos; do
  backup_session_close "$name" "COMMIT;" ||
    die "committing the $name database failed: $ANSWER (the objects are restored, and the databases before it)"
done
say "restored $SRC"
