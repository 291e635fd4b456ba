#!/usr/bin/env bash
# Backs up a running Carrete into DEST_DIR: one pg_dump -Fc per database
# (photos, then folders, then users: children first), the objects of every
# ready photo of the photos dump (read through carrete-photos' own storage
# client, enumerated from the dump's rows), and manifest.json (format, time,
# version, schema versions, row counts, the SHA-256 of every file).
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
SNAP_PID=
cleanup() {
  [ -n "$SNAP_PID" ] && kill "$SNAP_PID" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap '' PIPE # a psql that died is noticed by its answer, not by SIGPIPE
PHOTOS_BIN=$(backup_bin photos)
backup_storage_env

# dump NAME: pg_dump of carrete-NAME's database in a snapshot that stays
# open meanwhile, so that the schema version, the row count and (photos) the
# objects are read from exactly the dumped rows.  Sets DUMP_INFO to the
# manifest entry.
dump() {
  local name=$1 url snapshot info sha count_sql
  url=$(backup_database_url "$name")
  # psql holds the snapshot's transaction open until told to COMMIT.
  rm -f "$TMP/snap.in" "$TMP/snap.out"
  mkfifo "$TMP/snap.in" "$TMP/snap.out"
  backup_psql "$url" -c "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" \
    -c "SELECT pg_export_snapshot()" -f - <"$TMP/snap.in" >"$TMP/snap.out" 2>&1 &
  SNAP_PID=$!
  exec {snap_in}>"$TMP/snap.in" {snap_out}<"$TMP/snap.out"
  read -r -t 30 snapshot <&"$snap_out" || snapshot="no answer in 30 s"
  [[ $snapshot =~ ^[0-9A-F]+-[0-9A-F]+-[0-9]+$ ]] ||
    die "cannot read the $name database: $snapshot"
  say "dumping the $name database"
  pg_dump -Fc --snapshot="$snapshot" -d "$url" -f "$TMP/$name.dump" ||
    die "pg_dump of the $name database failed"
  case $name in
    photos) count_sql="SELECT count(*) FROM photos WHERE state = 'ready'" ;;
    *) count_sql="SELECT count(*) FROM $name" ;;
  esac
  info=$(backup_psql "$url" 2>&1 <<SQL
BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
SET TRANSACTION SNAPSHOT '$snapshot';
SELECT coalesce(max(version), 0) || ' ' || ($count_sql) FROM schema_migrations;
COMMIT;
SQL
  ) || die "cannot read the $name database: $info"
  if [ "$name" = photos ]; then
    say "copying the photos' objects"
    CARRETE_BACKUP_SNAPSHOT=$snapshot CARRETE_DATABASE_URL=$url "$PHOTOS_BIN" backup-objects "$TMP" ||
      die "copying the objects failed"
  fi
  echo "COMMIT;" >&"$snap_in" || true
  exec {snap_in}>&- {snap_out}<&-
  wait "$SNAP_PID" || true
  SNAP_PID=
  rm -f "$TMP/snap.in" "$TMP/snap.out"
  sha=$(sha256sum "$TMP/$name.dump" | cut -d' ' -f1)
  DUMP_INFO=$(printf '"%s": {"file": "%s.dump", "sha256": "%s", "schema_version": %s, "rows": %s}' \
    "$name" "$name" "$sha" "${info% *}" "${info#* }")
}

entries=()
for name in "${BACKUP_DATABASES[@]}"; do
  dump "$name"
  entries+=("$DUMP_INFO")
done

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
