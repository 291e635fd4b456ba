#!/usr/bin/env bash
# The chaos suite: a mixed load on a real stack while faults are injected,
# then the invariants.  TAP on stdout; Meson runs it (suite "chaos").
#
#   tests/chaos/test-chaos.sh            both phases
#   CHAOS_OUTAGE=10 CHAOS_RATE=6 ...     the outage length (s) and the load's rate (ops/s)
#
# Phase s3: PostgreSQL, MinIO, carrete-users, -folders, -photos (serve with
# CARRETE_JOBS_IN_SERVE=false) and one `carrete-photos work`.  chaos-load.py
# runs a mixed load at a fixed rate (uploads of distinct images over the
# streamed, form, direct-PUT and resumable paths; lists, gets with the
# original's bytes, renames, moves, deletes to the trash or for good,
# restores, empty-trashes, logins, refreshes), recording every answer and
# every acknowledged write.  Meanwhile, each twice: SIGKILL
# of each service and of the worker, then a restart; a PostgreSQL restart; a
# PostgreSQL stop for CHAOS_OUTAGE s; MinIO stopped for CHAOS_OUTAGE s; MinIO
# SIGSTOPped for CHAOS_OUTAGE s, then SIGCONT.  After each fault every
# service must be ready within 5 s and only the killed one may have a new
# pid.  Phase fs: the same stack on fs storage, storage and spool on a small
# tmpfs made here, with the services' clock under libfaketime (only its
# wall clock: a step, as NTP makes); each twice: that disk filled for
# CHAOS_OUTAGE s, and the clock stepped 10 minutes ahead for CHAOS_OUTAGE s.
#
# Afterwards, per phase: no answer but a success, a 503 with Retry-After, or
# a timeout / connection error; no success with wrong data; every
# acknowledged upload readable with its SHA-256 and its thumbnails made (or
# its job still due); every acknowledged delete for good gone, its objects
# too; every photo acknowledged in the trash absent from gets, listed in
# GET /v1/trash with its original kept (a sample restored: its exact
# SHA-256; then trashed again); then
# the deadlines of unfinished uploads are moved into the past (SQL), the
# photos service restarted (its sweepers run at start) and, once they are
# done: no row (trashed ones included) without its objects, no object
# without its row, no staging
# object, no multipart upload, no unfinished row.  A table per phase ends
# the output, as TAP comments.
#
# Part of the default run: scripts/test.sh runs it in a stage of its own,
# after the other suites (it times recoveries).  Alone:
#   meson test -C build-asan --suite chaos      (or scripts/test.sh --suite chaos)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/../../scripts/lib.sh"
source "$HERE/../../scripts/postgres.sh"
REAL_BUILD_DIR=${CARRETE_BUILD_DIR:-$CARRETE_ROOT/${BUILD:-build-asan}}
BUILD_DIR=$REAL_BUILD_DIR
MINIO_BIN=${CARRETE_MINIO_BIN:-$CARRETE_ROOT/.cache/bin/minio}
source "$HERE/../harness/stack.sh"
# The services' roles get SCRAM secrets of 16 iterations (scripts/postgres.sh):
# under ASan's slow unwinder a handshake of PostgreSQL's 4096 costs a
# service 2 to 3 s of CPU on a loaded 2-core machine (0.8 to 1.8 s with 16,
# process start included), and every restart and reconnection pays it.
export PG_SCRAM_ITERATIONS=16
stack_script_begin chaos "the chaos stacks, their load and their faults ran"
LOAD=$HERE/chaos-load.py
OUTAGE=${CHAOS_OUTAGE:-10}
GAP=${CHAOS_GAP:-2} # seconds of plain load between two faults
SERVICES=(users folders photos worker)
FAKETIME_LIB=/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1
DISK= # the fs phase's tmpfs, when mounted
TABLE=()

chaos_finish() {
  local status=$?
  set +e
  if [ -n "$DISK" ]; then
    stack_stop
    umount "$DISK" 2>/dev/null || umount -l "$DISK"
    rmdir "$DISK"
  fi
  (exit "$status")
  stack_script_finish
}
trap chaos_finish EXIT

now() { echo "$EPOCHREALTIME"; }
since() { # seconds since NOW (a now()), two decimals
  local us=$((${EPOCHREALTIME/./} - ${1/./}))
  printf '%d.%02d\n' $((us / 1000000)) $((us % 1000000 / 10000))
}
pid_of() { cat "$STACK/run/$1.pid"; }
pids() {
  local name
  for name in "${SERVICES[@]}"; do printf '%s=%s ' "$name" "$(pid_of "$name")"; done
}
photos_sql() { psql -X -At -d "$CARRETE_PHOTOS_DATABASE_URL" -c "$1"; }

# ready_all: waits until every service's /readyz answers 200 (30 s at most);
# prints how long that took, then when each one was first seen ready.  The
# services are probed side by side: one after another, each probe's own
# start-up (a curl at load 13 takes a tenth of a second or more) added to
# the recovery the suite reports.
ready_all() {
  local start name times= seen worst=0 ok=1 dir pids=()
  start=$(now)
  dir=$(mktemp -d "$STACK/ready.XXXXXX")
  for name in "${SERVICES[@]}"; do
    (
      until curl -fsS -o /dev/null --max-time 5 "${READY_URL[$name]}" 2>/dev/null; do
        [ "$(since "$start" | cut -d. -f1)" -lt 30 ] || { echo never >"$dir/$name"; exit 1; }
        sleep 0.1
      done
      since "$start" >"$dir/$name"
    ) &
    pids+=($!)
  done
  wait "${pids[@]}" || true
  for name in "${SERVICES[@]}"; do
    seen=$(cat "$dir/$name")
    times+="$name $seen "
    if [ "$seen" = never ]; then ok=0; else worst=$(awk -v a="$worst" -v b="$seen" 'BEGIN { print (b > a ? b : a) }'); fi
  done
  rm -rf "$dir"
  [ "$ok" = 1 ] || { echo "$(since "$start") $times"; return 1; }
  echo "$worst $times"
}

# ---- the faults: each returns once its fault has ended ---------------------------------
sigkill() { # NAME: SIGKILL, and the service's start again a second later
  local pid tries=100
  pid=$(pid_of "$1")
  kill -KILL "$pid"
  while [ ! -s "$STACK/run/$1.status" ] && [ "$tries" -gt 0 ]; do sleep 0.05; tries=$((tries - 1)); done
  sleep 1
  "$STACK/run/$1.start"
}
pg_restart() {
  pg_as_owner "$PG_BINDIR/pg_ctl" -D "$STACK/pg/data" -l "$STACK/pg/run/postgres.log" -m fast -w \
    restart >/dev/null
}
pg_outage() {
  pg_stop "$STACK/pg"
  sleep "$OUTAGE"
  pg_start "$STACK/pg" "$STACK_PG_PORT"
}
minio_outage() {
  local tries=300
  kill -TERM "$(pid_of minio)"
  while [ ! -s "$STACK/run/minio.status" ] && [ "$tries" -gt 0 ]; do sleep 0.1; tries=$((tries - 1)); done
  sleep "$OUTAGE"
  "$STACK/run/minio.start"
  wait_for_http "$MINIO_URL/minio/health/ready" 600
}
minio_freeze() {
  kill -STOP "$(pid_of minio)"
  sleep "$OUTAGE"
  kill -CONT "$(pid_of minio)"
}
disk_full() {
  dd if=/dev/zero of="$DISK/fill" bs=1M status=none 2>/dev/null || true
  sleep "$OUTAGE"
  rm -f "$DISK/fill"
}
clock_step() {
  echo "+600" >"$STACK/clock"
  sleep 2 # libfaketime reads the file again after a second
  clock_offsets >>"$STACK/clock-offsets"
  sleep "$((OUTAGE - 2))"
  echo "+0" >"$STACK/clock"
}
# clock_offsets: each service's clock (its Date header) minus ours, seconds.
clock_offsets() {
  local name date
  for name in users folders photos worker; do
    date=$(curl -sS -o /dev/null -D - --max-time 2 "${READY_URL[$name]}" | tr -d '\r' |
      sed -n 's/^[Dd]ate: //p')
    echo "$name $(( $(date -d "${date:-now}" +%s) - $(date +%s) ))"
  done
}

# fault KIND KILLED INJECT...: one fault under the load, then one TAP line:
# every service ready within 5 s of its end, only KILLED (or none: "-")
# with a new pid.  Appends to $STACK/faults.
fault() {
  local kind=$1 killed=$2 before after start recovery times name changed=() ok=1
  shift 2
  before=$(pids)
  start=$(now)
  echo "fault: $kind"
  "$@"
  recovery=$(ready_all) || ok=0
  read -r recovery times <<<"$recovery"
  after=$(pids)
  for name in "${SERVICES[@]}"; do
    if [[ " $before" != *" $name=$(pid_of "$name") "* ]]; then changed+=("$name"); fi
  done
  [ "${changed[*]:-}" = "$([ "$killed" = - ] || echo "$killed")" ] || ok=0
  awk -v o="$ok" -v r="$recovery" 'BEGIN { exit !(o && r + 0 <= 5) }' || ok=0
  echo "$kind $recovery $ok $(since "$start")" >>"$STACK/faults"
  tap_result "$([ "$ok" = 1 ] && echo ok || echo "not ok")" \
    "$PHASE: $kind: every service ready ${recovery} s after (≤ 5; $times; machine load $(cut -d' ' -f1 /proc/loadavg)), new pids: ${changed[*]:-none} (expected: $killed)"
  sleep "$GAP"
}

# ---- a phase: a stack, the load, the faults, the checks --------------------------------
start_phase() { # KIND: the stack of this phase
  local ports photos_env
  PHASE=$1
  read -r -a ports <<<"$(stack_free_ports 6)"
  stack_start_db "${ports[0]}"
  photos_env=(CARRETE_JOBS_IN_SERVE=false CARRETE_JOB_LEASE=10 CARRETE_JOB_BACKOFF=2)
  if [ "$PHASE" = s3 ]; then
    stack_start_minio "${ports[4]}" "$MINIO_BIN"
    MINIO_URL=http://127.0.0.1:${ports[4]}
    photos_env+=("${STACK_S3_ENV[@]}")
    STORE_DIR=$STACK/minio/carrete
  else
    photos_env+=("CARRETE_STORAGE_DIR=$DISK/storage" "CARRETE_SPOOL_DIR=$DISK/spool")
    mkdir -p "$DISK/storage" "$DISK/spool"
    STORE_DIR=$DISK/storage
  fi
  export CARRETE_PHOTOS_DATABASE_URL
  CARRETE_PHOTOS_DATABASE_URL=$(pg_service_database "$STACK/pg" "${ports[0]}" carrete_photos)
  stack_start_services "${ports[1]}" "${ports[2]}" "${ports[3]}" "${photos_env[@]}"
  stack_start_photos_worker "${ports[5]}"
  declare -gA READY_URL=([users]=$CARRETE_USERS_URL/readyz [folders]=$CARRETE_FOLDERS_URL/readyz
                         [photos]=$CARRETE_PHOTOS_URL/readyz [worker]=http://127.0.0.1:${ports[5]}/readyz)
  : >"$STACK/faults"
}

start_load() {
  python3 "$LOAD" load "$STACK" "$STACK/stop" >"$STACK/load.out" 2>&1 &
  LOAD_PID=$!
  local tries=600
  until [ -s "$STACK/acks.jsonl" ]; do # set-up done, the first upload acknowledged
    kill -0 "$LOAD_PID" 2>/dev/null || { cat "$STACK/load.out"; die "the load stopped during its set-up"; }
    [ "$tries" -gt 0 ] || die "the load acknowledged no upload in 60 s"
    sleep 0.1
    tries=$((tries - 1))
  done
}

stop_load() {
  touch "$STACK/stop"
  tap_check "$PHASE: the load ran to its end (its set-up and driver without error)" wait "$LOAD_PID"
  cat "$STACK/load.out"
}

# store_prefixes_leftover: what of the store nobody's row explains, after
# the sweep: staging objects, multipart uploads, temporary files.
store_leftovers() {
  if [ "$PHASE" = s3 ]; then
    find "$STORE_DIR" -path '*/u/*' -name xl.meta -printf 'staging %h\n'
    find "$STACK/minio/.minio.sys/multipart" -mindepth 1 -type f -printf 'multipart upload %P\n' 2>/dev/null
  else
    find "$STORE_DIR" -path '*/u/*' -type f -printf 'staging %P\n'
    find "$STORE_DIR/.uploads" -mindepth 1 -maxdepth 1 -printf 'multipart upload %P\n' 2>/dev/null
    find "$STORE_DIR" "$DISK/spool" -name '.tmp-*' -printf 'temporary file %P\n'
  fi
  photos_sql "SELECT 'unfinished row ' || state || ' ' || object_prefix FROM photos
              WHERE state NOT IN ('ready', 'trashed')
              UNION ALL SELECT 'upload row ' || state || ' ' || object_prefix FROM uploads"
}

# sweep: the photos service stopped (a sweep it had begun keeps its rows
# claimed for 5 minutes), every unfinished upload's and deletion's deadline
# moved into the past (not a trashed photo's: its deadline is its purge),
# the service started again (its sweepers run at start), until nothing is
# left for them (30 s at most).
sweep() {
  local tries=300 status
  kill -TERM "$(pid_of photos)"
  while [ ! -s "$STACK/run/photos.status" ] && [ "$tries" -gt 0 ]; do sleep 0.1; tries=$((tries - 1)); done
  status=$(cat "$STACK/run/photos.status" 2>/dev/null || echo none)
  tap_check "$PHASE: carrete-photos exits 0 on SIGTERM after the faults (status $status)" test "$status" = 0
  photos_sql "UPDATE photos SET expires_at = now() - interval '1 second' WHERE state NOT IN ('ready', 'trashed');
              UPDATE uploads SET expires_at = now() - interval '1 second'" >/dev/null
  "$STACK/run/photos.start"
  wait_for_http "${READY_URL[photos]}" 600 || true
  tries=300
  while [ -n "$(store_leftovers)" ] && [ "$tries" -gt 0 ]; do sleep 0.1; tries=$((tries - 1)); done
}

# jobs_settle: waits (60 s at most) until no thumbnails job is due (a
# trashed photo's job is parked, queued until 'infinity', until a restore).
jobs_settle() {
  local tries=600
  while [ "$(photos_sql "SELECT count(*) FROM jobs WHERE state = 'running'
             OR (state = 'queued' AND run_after <> 'infinity')")" != 0 ] &&
    [ "$tries" -gt 0 ]; do
    sleep 0.1
    tries=$((tries - 1))
  done
}

# answers_check: every answer a success, a 503 with Retry-After, or a
# timeout / connection error; prints the others.
answers_check() {
  python3 - "$STACK/answers.jsonl" <<'PY'
import json, sys
bad = [a for a in map(json.loads, open(sys.argv[1]))
       if "error" not in a and not (200 <= a["status"] < 300 or (a["status"] == 503 and a.get("retry_after")))]
for a in bad[:30]:
    print(f"  {a['route']}: {a['status']} (Retry-After: {a.get('retry_after')}) {a.get('detail', '')[:200]}")
sys.exit(1 if bad else 0)
PY
}

# table: the phase's numbers, as TAP comments.
table() {
  local check=$STACK/check.json
  TABLE+=("$(python3 - "$PHASE" "$STACK/faults" "$STACK/answers.jsonl" "$check" "$1" <<'PY'
import collections, json, sys
phase, faults, answers, check, orphans = sys.argv[1:]
kinds = collections.OrderedDict()
for line in open(faults):
    kind, recovery, ok, _ = line.split()
    kinds.setdefault(kind, []).append(float(recovery))
rows = [json.loads(l) for l in open(answers)]
c = json.load(open(check))
by = collections.Counter("error" if "error" in r else ("503" if r["status"] == 503 else str(r["status"])[0] + "xx") for r in rows)
print(f"chaos table, phase {phase} (load average of the machine at its end: {open('/proc/loadavg').read().split()[0]}):")
print(f"  faults injected: {sum(map(len, kinds.values()))} ("
      + ", ".join(f"{k} ×{len(v)}" for k, v in kinds.items()) + ")")
print(f"  requests sent: {len(rows)} (" + ", ".join(f"{k}: {v}" for k, v in sorted(by.items())) + ")")
trash_ops = collections.Counter(r["route"] for r in rows if "error" not in r and 200 <= r["status"] < 300)
print(f"  trash operations answered 2xx: {trash_ops['DELETE /v1/photos/{id} (trash)']} deletes to the trash, "
      f"{trash_ops['DELETE /v1/photos/{id}?permanent=true']} for good, "
      f"{trash_ops['POST /v1/trash/{id}/restore']} restores, {trash_ops['DELETE /v1/trash']} trashes emptied")
print(f"  acknowledged writes checked: {c['uploads_checked']} uploads (of {c['uploads_acknowledged']}; "
      f"thumbnails ready {c['thumbnails_ready']}, pending {c['thumbnails_pending']}), {c['deletes_checked']} deletes "
      f"for good, {c['trashed_checked']} in the trash ({c['trashed_restored']} restored, bytes compared, trashed again)")
print(f"  losses: {c['losses'] + c['deletes_not_gone']}")
print(f"  orphans: {orphans}")
print("  recovery (max s to every service ready, per fault kind): "
      + ", ".join(f"{k} {max(v):.2f}" for k, v in kinds.items()))
PY
)")
}

# orphan_rows DIFF: what the database knows of each prefix of a row/object
# mismatch (any state, and resumable uploads), to tell which path left it.
orphan_rows() {
  local prefix
  for prefix in $(awk '/^[<>]/ { print $2 }' <<<"$1" | head -n 10); do
    echo "$prefix: photos rows: $(photos_sql "SELECT coalesce(string_agg(state || '/' || thumbnails
      || ' uploaded ' || uploaded_at, ', '), 'none') FROM photos WHERE object_prefix = '$prefix'");" \
      "uploads rows: $(photos_sql "SELECT count(*) FROM uploads WHERE object_prefix = '$prefix'");" \
      "objects: $(grep "^$prefix/" "$STACK/store-keys" | tr '\n' ' ')"
  done
}

check_phase() {
  local leftovers orphans diffs
  tap_check "$PHASE: every answer a success, a 503 with Retry-After, or a timeout (no 500, no other 4xx)" answers_check
  tap_check "$PHASE: no success with wrong data (names, folders, bytes, tokens)" \
    bash -c '[ ! -s "$1" ] || { head -n 20 "$1"; exit 1; }' _ "$STACK/wrong.jsonl"
  jobs_settle
  tap_check "$PHASE: every photo whose thumbnails are pending has its job due" \
    test "$(photos_sql "SELECT count(*) FROM photos p WHERE state = 'ready' AND thumbnails = 'pending'
      AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.photo_id = p.id AND j.state IN ('queued', 'running')
        AND j.run_after <> 'infinity')")" = 0
  sweep
  stack_store_keys "$PHASE" "$STORE_DIR" >"$STACK/store-keys"
  tap_check "$PHASE: every acknowledged upload readable with its SHA-256 and thumbnails; every acknowledged delete for good gone, objects too; every acknowledged trashing in the trash, original kept (a sample restored: exact SHA-256)" \
    python3 "$LOAD" check "$STACK" "$STACK/store-keys"
  # The sample restored queued thumbnails jobs; trashed again, their jobs
  # end (or made the thumbnails first): the store once they are done.
  jobs_settle
  stack_store_keys "$PHASE" "$STORE_DIR" >"$STACK/store-keys"
  leftovers=$(store_leftovers)
  diffs=$(diff <(stack_row_objects "$CARRETE_PHOTOS_DATABASE_URL") \
    <(grep -v '^u/' "$STACK/store-keys" | sed 's|/[^/]*$||' | uniq -c | awk '{ print $2, $1 }') || true)
  [ -z "$leftovers" ] || printf '%s\n' "$leftovers" | head -n 20
  if [ -n "$diffs" ]; then
    printf '%s\n' "$diffs" | head -n 20
    orphan_rows "$diffs"
  fi
  orphans=$(( $(printf '%s' "$leftovers" | grep -c . || true) + $(printf '%s' "$diffs" | grep -c '^[<>]' || true) ))
  tap_check "$PHASE: after the sweep no row lacks its objects and no object its row" test -z "$diffs"
  tap_check "$PHASE: after the sweep no staging object, multipart upload, temporary file or unfinished row" \
    test -z "$leftovers"
  [ -s "$STACK/check.json" ] || echo '{"uploads_checked": 0, "uploads_acknowledged": 0, "thumbnails_ready": 0,
    "thumbnails_pending": 0, "deletes_checked": 0, "losses": -1, "deletes_not_gone": 0,
    "trashed_checked": 0, "trashed_restored": 0}' >"$STACK/check.json"
  table "$orphans"
}

# ---- phase s3 ---------------------------------------------------------------------------
phase_s3() {
  say "phase s3"
  start_phase s3
  start_load
  for round in 1 2; do
    for name in users folders photos worker; do
      fault "SIGKILL-$name" "$name" sigkill "$name"
    done
    fault postgres-restart - pg_restart
    fault "postgres-stop-${OUTAGE}s" - pg_outage
    fault "minio-stop-${OUTAGE}s" - minio_outage
    fault "minio-sigstop-${OUTAGE}s" - minio_freeze
  done
  stop_load
  check_phase
  note_web="carrete-web is not part of this stack (tests/harness/stack.sh runs users, folders and photos)"
  tap_result ok "SIGKILL of carrete-web # SKIP $note_web"
}

# ---- phase fs: a small disk, a stepped clock ---------------------------------------------
phase_fs() {
  say "phase fs"
  stack_stop
  [ -n "${CARRETE_CHAOS_KEEP:-}" ] && echo "kept $STACK" || rm -rf "$STACK"
  STACK=$(mktemp -d -t carrete-chaos-XXXXXX)
  DISK=$(mktemp -d -t carrete-chaos-disk-XXXXXX)
  if ! mount -t tmpfs -o size=48m tmpfs "$DISK" 2>"$STACK/mount.err"; then
    tap_result ok "fs: a full disk for the storage and the spool # SKIP cannot mount a tmpfs: $(head -c 200 "$STACK/mount.err")"
    rmdir "$DISK"
    DISK=$STACK/disk
    mkdir -p "$DISK"
    DISK_FULL=0
  else
    DISK_FULL=1
  fi
  # The services' clock under libfaketime (after ASan's runtime, which must
  # come first): their wall clock follows $STACK/clock, their monotonic clock
  # does not (a step, as NTP makes).
  CLOCK=0
  if [ -r "$FAKETIME_LIB" ]; then
    preload=$FAKETIME_LIB
    asan=$(ldd "$REAL_BUILD_DIR/services/users/carrete-users" | awk '/libasan/ { print $3 }')
    [ -z "$asan" ] || preload="$asan $FAKETIME_LIB"
    BUILD_DIR=$STACK/bin
    for name in users folders photos; do
      mkdir -p "$BUILD_DIR/services/$name"
      printf '#!/bin/sh\nLD_PRELOAD=%q FAKETIME_TIMESTAMP_FILE=%q FAKETIME_CACHE_DURATION=1 FAKETIME_DONT_FAKE_MONOTONIC=1 exec %q "$@"\n' \
        "$preload" "$STACK/clock" "$REAL_BUILD_DIR/services/$name/carrete-$name" >"$BUILD_DIR/services/$name/carrete-$name"
      chmod +x "$BUILD_DIR/services/$name/carrete-$name"
    done
    echo "+0" >"$STACK/clock"
    CLOCK=1
  fi
  start_phase fs
  start_load
  for round in 1 2; do
    [ "$DISK_FULL" = 0 ] || fault "disk-full-${OUTAGE}s" - disk_full
    [ "$CLOCK" = 0 ] || fault "clock-step-+10min-${OUTAGE}s" - clock_step
  done
  if [ "$CLOCK" = 1 ]; then
    tap_check "fs: every service saw each clock step (its Date header 600 ± 3 s ahead): $(tr '\n' ' ' <"$STACK/clock-offsets")" \
      awk '{ n++; if ($2 < 597 || $2 > 603) bad++ } END { exit !(n == 8 && !bad) }' "$STACK/clock-offsets"
  else
    tap_result ok "fs: a clock step # SKIP no libfaketime at $FAKETIME_LIB (Debian package faketime)"
  fi
  stop_load
  check_phase
}

for phase in ${CHAOS_PHASES:-s3 fs}; do
  "phase_$phase"
done
for table in "${TABLE[@]}"; do
  while IFS= read -r line; do tap_note "$line"; done <<<"$table"
done
STACK_RAN=1
