#!/usr/bin/env bash
# Import throughput: the same tree of photos sent to one stack by three
# contenders, one after the other, each as its own account:
#
#   cli      `carrete import DIR --jobs N` (hashes each file, asks the server
#            what it already has, then uploads; resumable above its threshold)
#   desktop  carrete-desktop's window, signed in, with the files dropped on
#            it (tests/bench/bench-import-desktop.c under Xvfb), N at a time
#   curl     what a competent user would script without our tools:
#            `xargs -P N curl --data-binary @FILE` to the streamed upload
#
# All run N uploads at a time (BENCH_IMPORT_JOBS, default 4: the CLI's
# default; the desktop's is 3).  Between contenders the bench waits until
# the server's thumbnail jobs are done, so that no contender pays for the
# previous one's.  Prints files/s and MB/s for each and the ratios to curl.
#
#   tests/bench/bench-import.sh     (an optimized build in build-bench/)
#
# BENCH_IMPORT_FILES (default 300) and BENCH_IMPORT_MB (per file, default
# 0.5): random-pixel PNGs, so that every file is distinct.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/../../scripts/lib.sh"
source "$HERE/../../scripts/postgres.sh"
FILES=${BENCH_IMPORT_FILES:-300}
MB=${BENCH_IMPORT_MB:-0.5}
JOBS=${BENCH_IMPORT_JOBS:-4}
BUILD_DIR=$CARRETE_ROOT/build-bench

ensure_packages "${BUILD_PACKAGES[@]}" "${RUNTIME_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
build_tree build-bench -Dbuildtype=release
ensure_minio
ninja -C "$BUILD_DIR" cli/carrete client-gtk/tests/bench-import-desktop >/dev/null

source "$HERE/../harness/stack.sh"
source "$HERE/../harness/http.sh"
STACK=$(mktemp -d -t carrete-bench-import-XXXXXX)
finish() {
  stack_stop
  rm -rf "$STACK"
}
trap finish EXIT
trap 'exit 130' INT TERM

read -r -a PORTS <<<"$(stack_free_ports 5)"
stack_start_db "${PORTS[0]}"
stack_start_minio "${PORTS[4]}" "$CARRETE_ROOT/.cache/bin/minio"
stack_start_services "${PORTS[1]}" "${PORTS[2]}" "${PORTS[3]}" "${STACK_S3_ENV[@]}"
PHOTOS_DB=$(pg_service_database "$STACK/pg" "$STACK_PG_PORT" carrete_photos)

TREE=$STACK/tree
say "writing $FILES PNGs of about $MB MB"
python3 "$HERE/../cli/make-tree.py" big "$TREE" "$FILES" "$MB"
TREE=$TREE/a-big
BYTES=$(du -sb "$TREE" | cut -f1)
PASSWORD=$(openssl rand -hex 12)

# account NAME: registers NAME and sets TOKEN to its access token.
account() {
  TOKEN=
  api POST "$CARRETE_USERS_URL/v1/auth/register" \
    "{\"username\":\"$1\",\"email\":\"$1@example.org\",\"password\":\"$PASSWORD\"}"
  [ "$CODE" = 201 ] || die "register $1: $CODE $BODY"
  api POST "$CARRETE_USERS_URL/v1/auth/login" "{\"username\":\"$1\",\"password\":\"$PASSWORD\"}"
  [ "$CODE" = 200 ] || die "login $1: $CODE $BODY"
  TOKEN=$(json '["access_token"]')
}

# settle: waits until the thumbnail jobs of every upload so far are done.
settle() {
  local left
  for _ in $(seq 1 1200); do
    left=$(psql -X -At "$PHOTOS_DB" -c "SELECT count(*) FROM jobs WHERE state IN ('queued', 'running')")
    [ "$left" = 0 ] && return 0
    sleep 0.5
  done
  die "thumbnail jobs still due after 10 minutes ($left)"
}

# ready_photos: the ready photos of the account whose TOKEN is set.
ready_photos() {
  local n=0 cursor= page
  while :; do
    api GET "$CARRETE_PHOTOS_URL/v1/photos?limit=100${cursor:+&cursor=$cursor}"
    [ "$CODE" = 200 ] || die "list: $CODE $BODY"
    read -r page cursor < <(python3 -c '
import json, sys
body = json.load(sys.stdin)
print(sum(p["state"] == "ready" for p in body["items"]), body.get("next_cursor") or "")' <<<"$BODY")
    n=$((n + page))
    [ -n "$cursor" ] || break
  done
  echo "$n"
}

declare -A SECONDS_OF DONE_OF
now() { date +%s.%N; }
since() { python3 -c "import sys; print(round($(now) - $1, 3))"; }

say "cli: carrete import --jobs $JOBS"
account bench-cli
export HOME=$STACK/home-cli XDG_CONFIG_HOME=$STACK/home-cli/config XDG_CACHE_HOME=$STACK/home-cli/cache \
  XDG_STATE_HOME=$STACK/home-cli/state DBUS_SESSION_BUS_ADDRESS=unix:path=$STACK/no-bus
mkdir -p "$HOME"
CLI=$BUILD_DIR/cli/carrete
printf '%s\n' "$PASSWORD" | "$CLI" login --server "$CARRETE_USERS_URL" --photos-url "$CARRETE_PHOTOS_URL" \
  --folders-url "$CARRETE_FOLDERS_URL" --username bench-cli --password-stdin >/dev/null
t0=$(now)
"$CLI" import "$TREE" --jobs "$JOBS" >"$STACK/cli.log" 2>&1 || { tail "$STACK/cli.log"; die "carrete import failed"; }
SECONDS_OF[cli]=$(since "$t0")
DONE_OF[cli]=$(ready_photos)
settle

say "desktop: the files dropped on the window, $JOBS at a time"
account bench-desktop
out=$("$CARRETE_ROOT/client-gtk/tests/run-under-xvfb.sh" "$BUILD_DIR/client-gtk/tests/bench-import-desktop" \
  "$CARRETE_USERS_URL" "$CARRETE_PHOTOS_URL" "$CARRETE_FOLDERS_URL" bench-desktop "$PASSWORD" "$TREE" "$JOBS" \
  2>"$STACK/desktop.log" | grep '^desktop:') || { tail "$STACK/desktop.log"; die "the desktop import failed"; }
SECONDS_OF[desktop]=$(awk '{ print $(NF - 1) }' <<<"$out")
DONE_OF[desktop]=$(ready_photos)
settle

say "curl: xargs -P $JOBS curl --data-binary"
account bench-curl
t0=$(now)
find "$TREE" -type f -printf '%f\n' |
  xargs -P "$JOBS" -I{} curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: image/png' --data-binary "@$TREE/{}" "$CARRETE_PHOTOS_URL/v1/photos?name={}" \
    >"$STACK/curl.codes"
SECONDS_OF[curl]=$(since "$t0")
DONE_OF[curl]=$(ready_photos)
grep -qv '^201$' "$STACK/curl.codes" && say "curl: $(sort "$STACK/curl.codes" | uniq -c | tr '\n' ' ')"
settle

python3 - "$FILES" "$BYTES" "$JOBS" "${SECONDS_OF[cli]}" "${DONE_OF[cli]}" "${SECONDS_OF[desktop]}" \
  "${DONE_OF[desktop]}" "${SECONDS_OF[curl]}" "${DONE_OF[curl]}" <<'EOF'
import sys
files, size, jobs = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
rows = {}
for i, name in enumerate(("cli", "desktop", "curl")):
    seconds, done = float(sys.argv[4 + 2 * i]), int(sys.argv[5 + 2 * i])
    rows[name] = (seconds, done)
print(f"\nimport of {files} files ({size / 1e6:.1f} MB), {jobs} at a time, one stack (MinIO):\n")
print("| contender | photos ready | seconds | files/s | MB/s | files/s ÷ curl |")
print("|---|---|---|---|---|---|")
curl_rate = files / rows["curl"][0]
for name, (seconds, done) in rows.items():
    rate = files / seconds
    print(f"| {name} | {done} of {files} | {seconds:.1f} | {rate:.1f} | {size / 1e6 / seconds:.1f} | {rate / curl_rate:.2f} |")
bad = [name for name, (_, done) in rows.items() if done != files]
if bad:
    print(f"\nNOT ALL UPLOADED: {', '.join(bad)}")
    sys.exit(1)
EOF
