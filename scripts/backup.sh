#!/usr/bin/env bash
# Backs up a running Carrete into DEST_DIR: one pg_dump -Fc per database
# (photos, then folders, then users: children first), the objects of every
# ready photo of the photos dump (read through carrete-photos' own storage
# client, enumerated from the dump's rows), and manifest.json (format, time,
# version, schema versions, row counts, the SHA-256 of every file).
# The objects are copied last, once users and folders are dumped, with the
# photos dump's snapshot still open: a photo whose account or folder was
# deleted before the users or folders dump has lost its objects by then (a
# deletion removes the photos first), so it is recorded as deleted during
# the backup, and restore.sh never puts objects whose row it drops.
# Settings: see scripts/backup-lib.sh and the README ("Backup and restore").
# DEST_DIR must not exist, or be empty; the backup is written into a
# temporary folder beside it and renamed into place only when complete.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/backup-lib.sh"

[ $# -eq 1 ] && [ -n "$1" ] || die "usage: scripts/backup.sh DEST_DIR"
DEST=${1%/}
if [ -e "$DEST" ] || [ -L "$DEST" ]; then
  [ -d "$DEST" ] && [ -z "$(ls -A "$DEST")" ] || die "$DEST exists and is not empty"
fi
PARENT=$(dirname "$DEST")
[ -d "$PARENT" ] || die "$PARENT does not exist"
TMP=$(mktemp -d "$PARENT/.carrete-backup.XXXXXX" 2>/dev/null) || die "cannot write in $PARENT"
BACKUP_WORK=
cleanup() {
  backup_session_kill_all
  rm -rf "$TMP" "$BACKUP_WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap '' PIPE # a psql that died is noticed by its answer, not by SIGPIPE
# The sessions' pipes: in TMPDIR, not beside the backup (a volume that may
# not take named pipes).
BACKUP_WORK=$(mktemp -d -t carrete-backup-work-XXXXXX) || die "cannot write in ${TMPDIR:-/tmp}"
PHOTOS_BIN=$(backup_bin photos)
backup_storage_env

# dump NAME: pg_dump of carrete-NAME's database in a snapshot that its
# session holds open until closed, so that the schema version, the row
# count and (photos) the objects are read from exactly the dumped rows.
# Sets SNAPSHOT and DUMP_INFO (the manifest entry).
dump() {
  local name=$1 url sha count_sql info
  url=$(backup_database_url "$name")
  case $name in
    photos) count_sql="SELECT count(*) FROM photos WHERE state IN ('ready', 'trashed')" ;;
    *) count_sql="SELECT count(*) FROM $name" ;;
  esac
  backup_session_open "$name" "$url"
  backup_session_send "$name" "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;" \
    "SELECT pg_export_snapshot();" \
    "SELECT coalesce(max(version), 0) || ' ' || ($count_sql) FROM schema_migrations;"
  backup_session_answer "$name" 30 && [[ $ANSWER =~ ^[0-9A-F]+-[0-9A-F]+-[0-9]+$ ]] ||
    die "cannot read the $name database: $ANSWER"
  SNAPSHOT=$ANSWER
  backup_session_answer "$name" 30 || die "cannot read the $name database: $ANSWER"
  info=$ANSWER
  say "dumping the $name database"
  pg_dump -Fc --snapshot="$SNAPSHOT" -d "$url" -f "$TMP/$name.dump" ||
    die "pg_dump of the $name database failed"
  sha=$(sha256sum "$TMP/$name.dump" | cut -d' ' -f1)
  DUMP_INFO=$(printf '"%s": {"file": "%s.dump", "sha256": "%s", "schema_version": %s, "rows": %s}' \
    "$name" "$name" "$sha" "${info% *}" "${info#* }")
}

entries=()
dump photos # its session stays open: the objects are read in its snapshot
photos_snapshot=$SNAPSHOT
entries+=("$DUMP_INFO")
for name in folders users; do
  dump "$name"
  entries+=("$DUMP_INFO")
  backup_session_close "$name" "COMMIT;" || true # read only: nothing to lose
done
say "copying the photos' objects"
CARRETE_BACKUP_SNAPSHOT=$photos_snapshot CARRETE_DATABASE_URL=$(backup_database_url photos) \
  "$PHOTOS_BIN" backup-objects "$TMP" || die "copying the objects failed"
backup_session_close photos "COMMIT;" || true
rm -rf "$BACKUP_WORK"

version=$("$PHOTOS_BIN" --version | awk '{ print $2 }')
{
  printf '{\n  "format": 1,\n  "created_at": "%s",\n  "carrete_version": "%s",\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$version"
  printf '  "databases": {\n    %s,\n    %s,\n    %s\n  },\n' "${entries[@]}"
  printf '  "objects": '
  cat "$TMP/objects.json"
  printf '}\n'
} > "$TMP/manifest.json"
rm "$TMP/objects.json"
"$PHOTOS_BIN" backup-verify "$TMP" >/dev/null || die "the backup does not check out"
sync -f "$TMP/manifest.json"
[ -d "$DEST" ] && rmdir "$DEST"
mv -T "$TMP" "$DEST" || die "cannot move the backup to $DEST"
chmod 700 "$DEST"
trap - EXIT
say "backup written to $DEST"
