#!/usr/bin/env bash
# scripts/backup.sh and scripts/restore.sh on a real stack, TAP on stdout.
#
#   tests/backup/test-backup.sh fs|s3     (Meson runs both: suite "backup")
#
# A stack (PostgreSQL, the three services, fs storage or MinIO) is filled
# with users, public and private folders with tags, and photos sent both
# ways; a light write load (uploads, renames, deletes) runs while the backup
# is taken, and an account and a folder with photos are deleted once the
# photos are dumped.  The backup's bad inputs are tried; then the stack is
# stopped, and a second, empty stack (its own PostgreSQL, storage and keys;
# databases created, never migrated) is started, the restore's bad inputs
# are tried on it, the backup is restored into it (with s3, by
# carrete-photos alone, as in its image), the store is compared with the
# restored rows, and everything each user sees is compared: users, folders,
# photos (name, folder, tags, the SHA-256 of the original fetched through
# its URL), logging in with the old passwords; nothing of the deleted
# account and folder is back.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/../../scripts/lib.sh"
source "$HERE/../../scripts/postgres.sh"
KIND=${1:-fs}
case $KIND in fs|s3) ;; *) die "usage: test-backup.sh fs|s3" ;; esac
BUILD_DIR=${CARRETE_BUILD_DIR:-$CARRETE_ROOT/${BUILD:-build-asan}}
MINIO_BIN=${CARRETE_MINIO_BIN:-$CARRETE_ROOT/.cache/bin/minio}
source "$HERE/../harness/stack.sh"
stack_script_begin backup "the stacks, the backup and the restore ran"
# The backups go with the stack, whatever the exit.
backup_finish() {
  local status=$?
  rm -rf "${OUT:-}"
  set +e
  (exit "$status")
  stack_script_finish
}
trap backup_finish EXIT
API=$HERE/backup-api.py
STACK_S3_ENV=()
OUT=$(mktemp -d -t carrete-backup-out-XXXXXX) # the backups, and the programs they run
export CARRETE_BIN_DIR=$OUT/bin
mkdir -p "$CARRETE_BIN_DIR"
for name in users folders photos; do
  ln -s "$BUILD_DIR/services/$name/carrete-$name" "$CARRETE_BIN_DIR/"
done

# refused DESCRIPTION PATTERN COMMAND...: fails with PATTERN on stderr.
refused() {
  local desc=$1 pattern=$2 err
  shift 2
  if err=$("$@" 2>&1 >/dev/null); then
    tap_result "not ok" "$desc (it succeeded)"
  elif grep -q -- "$pattern" <<<"$err"; then
    tap_result ok "$desc"
  else
    tap_result "not ok" "$desc (no \"$pattern\" in: $err)"
  fi
}

# start_stack: PostgreSQL, the storage and the three services in $STACK;
# exports what backup.sh and restore.sh read.
start_stack() {
  local ports
  read -r -a ports <<<"$(stack_free_ports 5)"
  stack_start_db "${ports[0]}"
  local photos_env=()
  if [ "$KIND" = s3 ]; then
    stack_start_minio "${ports[4]}" "$MINIO_BIN"
    photos_env=("${STACK_S3_ENV[@]}")
  fi
  for name in users folders photos; do
    export "CARRETE_${name^^}_DATABASE_URL=$(pg_service_database "$STACK/pg" "${ports[0]}" "carrete_$name")"
  done
  STACK_PORTS=("${ports[@]}")
  if [ "$KIND" = s3 ]; then
    export "${photos_env[@]}"
  else
    export CARRETE_STORAGE=fs CARRETE_STORAGE_DIR=$STACK/storage
  fi
  stack_start_services "${ports[1]}" "${ports[2]}" "${ports[3]}" "${photos_env[@]}"
}

say "the first stack ($KIND)"
start_stack
python3 "$API" populate "$STACK/state.json"
python3 "$API" collect "$STACK/state.json" "$STACK/before.json"
tap_check "the stack is filled: 3 users, 6 folders, 15 photos" \
  test "$(grep -c '"sha256"' "$STACK/before.json")" -eq 15

# The backup's bad inputs, none of which may leave anything behind.
mkdir "$OUT/full" && touch "$OUT/full/x"
refused "backup: DEST not empty" "exists and is not empty" "$CARRETE_ROOT/scripts/backup.sh" "$OUT/full"
refused "backup: DEST not writable" "cannot write in /proc" "$CARRETE_ROOT/scripts/backup.sh" /proc/carrete-backup
refused "backup: database down" "cannot read the photos database" \
  env CARRETE_PHOTOS_DATABASE_URL=postgresql://nobody@127.0.0.1:1/none "$CARRETE_ROOT/scripts/backup.sh" "$OUT/b1"
if [ "$KIND" = s3 ]; then
  refused "backup: wrong storage secret" "CARRETE_S3_SECRET_KEY" \
    env CARRETE_S3_SECRET_KEY=wrong "$CARRETE_ROOT/scripts/backup.sh" "$OUT/b2"
else
  refused "backup: storage unreachable" "copying the objects failed" \
    env CARRETE_STORAGE_DIR=/proc/carrete-storage "$CARRETE_ROOT/scripts/backup.sh" "$OUT/b2"
fi
tap_check "the failed backups left nothing" test "$(ls -A "$OUT" | tr '\n' ' ')" = "bin full "

# The backup, under a light write load; and, once the photos are dumped and
# the folders' snapshot taken (the users' not yet, the objects not yet
# copied), an account and a folder with photos are deleted, by a pg_dump
# that does so before it dumps the folders.
mkdir "$OUT/doom"
cat >"$OUT/doom/pg_dump" <<SH
#!/usr/bin/env bash
case "\$*" in *folders.dump*) python3 "$API" doom "$STACK/state.json" "$STACK/doomed.json" || exit 1 ;; esac
exec $(command -v pg_dump) "\$@"
SH
chmod +x "$OUT/doom/pg_dump"
python3 "$API" load "$STACK/state.json" "$STACK/stop" "$STACK/load.log" &
LOAD=$!
sleep 2
START=$(date +%s.%N)
tap_check "backup.sh under load, an account and a folder deleted during it" \
  env PATH="$OUT/doom:$PATH" "$CARRETE_ROOT/scripts/backup.sh" "$OUT/backup"
tap_check "the account and the folder were deleted during the backup" test -s "$STACK/doomed.json"
sleep 1
touch "$STACK/stop"
tap_check "the load ran without a failure" wait "$LOAD"
tap_check "the manifest says 3 databases and the objects" \
  python3 -c 'import json,sys; m = json.load(open(sys.argv[1])); assert m["format"] == 1 and len(m["databases"]) == 3 and m["objects"]["items"], m' \
  "$OUT/backup/manifest.json"
refused "restore into a non-empty stack" "database is not empty" "$CARRETE_ROOT/scripts/restore.sh" "$OUT/backup"

# A second, empty stack.
say "the second stack"
stack_stop
OLD_STACK=$STACK
STACK=$(mktemp -d -t carrete-backup-XXXXXX)
STACK_RAN=0
rm -rf "$OLD_STACK/pg" "$OLD_STACK/minio" "$OLD_STACK/storage"
cp "$OLD_STACK/state.json" "$OLD_STACK/before.json" "$OLD_STACK/load.log" "$OLD_STACK/doomed.json" "$STACK/"
rm -rf "$OLD_STACK"
read -r -a ports <<<"$(stack_free_ports 5)"
stack_start_db "${ports[0]}"
for name in users folders photos; do
  export "CARRETE_${name^^}_DATABASE_URL=$(pg_service_database "$STACK/pg" "${ports[0]}" "carrete_$name")"
done
# Its databases are created, never migrated, and its bucket not made:
# restore.sh runs each service's migrate.
if [ "$KIND" = s3 ]; then
  stack_start_minio "${ports[4]}" "$MINIO_BIN"
  export "${STACK_S3_ENV[@]}"
else
  export CARRETE_STORAGE_DIR=$STACK/storage
fi

# The restore's bad inputs, on copies of the backup.
bad() { rm -rf "$OUT/bad" && cp -a "$OUT/backup" "$OUT/bad"; }
bad && rm "$OUT/bad/photos.dump"
refused "restore: a missing dump" "photos.dump is missing" "$CARRETE_ROOT/scripts/restore.sh" "$OUT/bad"
bad && truncate -s -100 "$OUT/bad/users.dump"
refused "restore: a truncated dump" "users.dump has changed" "$CARRETE_ROOT/scripts/restore.sh" "$OUT/bad"
# The first object without a pipe: under pipefail, `find | head -n 1`
# fails when find is still writing as head exits (SIGPIPE), and the byte was
# then never changed: the restore rightly succeeded.  The byte is flipped,
# not set, so that it changes whatever it was.
bad && first=$(find "$OUT/bad/objects" -type f -print -quit) &&
  byte=$(od -An -tu1 -j20 -N1 "$first" | tr -d ' ') &&
  printf "\\$(printf '%03o' $((255 - byte)))" | dd of="$first" bs=1 seek=20 conv=notrunc status=none
refused "restore: a changed object byte" "has changed since the backup" "$CARRETE_ROOT/scripts/restore.sh" "$OUT/bad"
bad && rm "$first"
refused "restore: a missing object" "is missing" "$CARRETE_ROOT/scripts/restore.sh" "$OUT/bad"
bad && echo '{"format": 1,' > "$OUT/bad/manifest.json"
refused "restore: a corrupt manifest" "not valid JSON" "$CARRETE_ROOT/scripts/restore.sh" "$OUT/bad"
bad && rm "$OUT/bad/manifest.json"
refused "restore: no manifest" "no readable manifest.json" "$CARRETE_ROOT/scripts/restore.sh" "$OUT/bad"
bad && sed -i -E 's/("photos": \{[^}]*"schema_version": )[0-9]+/\199/' "$OUT/bad/manifest.json"
grep -q '"schema_version": 99' "$OUT/bad/manifest.json" || die "the test could not change the photos schema version"
refused "restore: another schema version" "at schema version 99" "$CARRETE_ROOT/scripts/restore.sh" "$OUT/bad"
rm -rf "$OUT/bad"

# With s3, the restore runs as in the carrete-photos image (the chart's
# manual restore): carrete-photos alone, the users and folders databases
# migrated beforehand by their own services (the chart's pods do).  Refused
# while they are not (the refusals before this one stop before migrating).
RESTORE_BIN_DIR=$CARRETE_BIN_DIR
if [ "$KIND" = s3 ]; then
  RESTORE_BIN_DIR=$OUT/photos-only
  mkdir "$RESTORE_BIN_DIR" && ln -s "$BUILD_DIR/services/photos/carrete-photos" "$RESTORE_BIN_DIR/"
  refused "restore with carrete-photos alone: the other databases must be migrated first" \
    "no carrete-users here to migrate" env CARRETE_BIN_DIR="$RESTORE_BIN_DIR" "$CARRETE_ROOT/scripts/restore.sh" "$OUT/backup"
fi
# The store refused after the migrations: the databases are rolled back,
# left migrated and empty (which the restore below accepts).
refused "restore: storage down" "restore-objects\|not restored\|carrete-photos migrate failed" \
  env CARRETE_STORAGE_DIR=/proc/carrete-storage CARRETE_S3_SECRET_KEY=wrong "$CARRETE_ROOT/scripts/restore.sh" "$OUT/backup"
if [ "$KIND" = s3 ]; then
  for name in users folders; do
    var=CARRETE_${name^^}_DATABASE_URL
    CARRETE_DATABASE_URL=${!var} "$BUILD_DIR/services/$name/carrete-$name" migrate >/dev/null 2>&1 ||
      die "carrete-$name migrate failed"
  done
fi
tap_check "restore.sh into the empty stack (nothing was left by the refusals)" \
  env CARRETE_BIN_DIR="$RESTORE_BIN_DIR" "$CARRETE_ROOT/scripts/restore.sh" "$OUT/backup"
tap_check "the restored folders database plans with force_custom_plan (set by its migration)" \
  test "$(psql -X -At -d "$CARRETE_FOLDERS_DATABASE_URL" -c 'SHOW plan_cache_mode')" = force_custom_plan
# A job parked by its photo's trip to the trash (queued until infinity, a
# restore from the trash wakes it) stays parked.
tap_check "no restored job is held by a worker of the old stack (running ones queued again, due now)" \
  test "$(psql -X -At -d "$CARRETE_PHOTOS_DATABASE_URL" \
    -c "SELECT count(*) FROM jobs j WHERE j.state = 'running' OR (j.state = 'queued'
          AND j.run_after > now() AND NOT (j.run_after = 'infinity' AND EXISTS (
            SELECT 1 FROM photos p WHERE p.id = j.photo_id AND p.state = 'trashed')))")" = 0
# Quotas: what each restored account uses is what its restored rows add up
# to (the rows dropped by the restore gave their room back).
tap_check "every restored account's usage is what its restored photos add up to" \
  test "$(psql -X -At -d "$CARRETE_PHOTOS_DATABASE_URL" -c "SELECT count(*) FROM (
      SELECT owner_id, sum(size + thumbnails_size) AS bytes FROM photos GROUP BY owner_id) AS rows
      FULL JOIN usage USING (owner_id)
      WHERE coalesce(rows.bytes, 0) <> coalesce(usage.bytes, 0)")" = 0

store_keys() {
  if [ "$KIND" = s3 ]; then stack_store_keys s3 "$STACK/minio/carrete"; else stack_store_keys fs "$STACK/storage"; fi
}
row_objects() { stack_row_objects "$CARRETE_PHOTOS_DATABASE_URL"; }
# The store holds exactly the objects of the restored rows: no stray of
# the deleted account, folder or photos, nothing missing.
tap_check "the store holds exactly the restored rows' objects" \
  diff <(row_objects) <(store_keys | sed 's|/[^/]*$||' | uniq -c | awk '{ print $2, $1 }')
tap_check "every restored row's original is in the store" \
  test -z "$(comm -23 <(row_objects | awk '{ print $1 "/original" }') <(store_keys))"
stack_start_services "${ports[1]}" "${ports[2]}" "${ports[3]}" "${STACK_S3_ENV[@]}"
tap_check "every user logs in with the old password, the deleted account with none" \
  python3 "$API" collect "$STACK/state.json" "$STACK/after.json" "$STACK/doomed.json"
tap_check "users, folders and photos (bytes, folder, tags) are all there; none of the deleted account or folder" \
  python3 "$API" compare "$STACK/before.json" "$STACK/after.json" "$STACK/load.log" "$START" "$STACK/doomed.json"
refused "restore again into the restored stack" "database is not empty" "$CARRETE_ROOT/scripts/restore.sh" "$OUT/backup"
STACK_RAN=1
