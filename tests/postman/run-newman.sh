#!/usr/bin/env bash
# Runs the Postman collection with newman against a private Carrete stack and
# prints TAP: one line per assertion (and per failed request or script), then
# one line per service saying it stopped cleanly on SIGTERM.
#
#   tests/postman/run-newman.sh            (Meson runs it: suite "postman")
#   BUILD=build tests/postman/run-newman.sh       binaries of another build dir
#   CARRETE_POSTMAN_KEEP=1 tests/postman/run-newman.sh   keep the temp dir
#   CARRETE_POSTMAN_HOLD=1 tests/postman/run-newman.sh   start the stack, print
#                                   its addresses and wait (no newman run)
#
# The stack lives in a temp dir: a PostgreSQL cluster with one database and
# role per service, keys generated for this run, carrete-users,
# carrete-folders and carrete-photos (fs storage) on free loopback ports.
# newman 6.2.2 is installed once into .cache/node (ignored by git).
# Only TAP goes to stdout; newman's own report and logs go to stderr.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/../../scripts/lib.sh"
source "$HERE/../../scripts/postgres.sh"

NEWMAN_VERSION=6.2.2
NODE_DIR=$CARRETE_ROOT/.cache/node
BUILD_DIR=${CARRETE_BUILD_DIR:-$CARRETE_ROOT/${BUILD:-build-asan}}
# Standalone runs get the sanitizer settings of scripts/test.sh.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1:fast_unwind_on_malloc=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$CARRETE_ROOT/tests/lsan.supp}

exec 3>&1 1>&2 # fd 3: TAP; everything else to stderr

RESULTS=() # "ok - …" / "not ok - …", numbered when printed
tap_result() { RESULTS+=("$1 - $2"); }
tap_print() {
  printf '%s\n' "${RESULTS[@]}" | awk '{ sub(/^(ok|not ok)/, "& " NR); print } END { print "1.." NR }' >&3
}

STACK=$(mktemp -d -t carrete-postman-XXXXXX)
declare -A PIDS=()
PG_UP=0
NEWMAN_RAN=0

# stop_service NAME: SIGTERM, up to 30 s to exit, then SIGKILL; the exit
# status must be 0 (LeakSanitizer findings make it non-zero).
stop_service() {
  local name=$1 pid=${PIDS[$1]} status=0 tries=300
  kill -TERM "$pid" 2>/dev/null || true
  while [ "$tries" -gt 0 ] && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo Z)" != Z ]; do
    sleep 0.1
    tries=$((tries - 1))
  done
  [ "$tries" -gt 0 ] || { echo "carrete-$name ignored SIGTERM for 30 s; killing it"; kill -KILL "$pid" 2>/dev/null || true; }
  wait "$pid" || status=$?
  if [ "$status" -eq 0 ] && [ "$tries" -gt 0 ]; then
    tap_result ok "carrete-$name exits 0 on SIGTERM"
  else
    tap_result "not ok" "carrete-$name exits 0 on SIGTERM (status $status)"
    echo "---- last lines of carrete-$name's log ----"
    tail -n 60 "$STACK/log/$name.log" || true
  fi
}

finish() {
  local status=$? name line
  trap - EXIT
  for name in photos folders users; do
    [ -n "${PIDS[$name]:-}" ] && stop_service "$name"
  done
  [ "$PG_UP" -eq 1 ] && pg_stop "$STACK/pg"
  if [ "$status" -ne 0 ] && [ "$NEWMAN_RAN" -eq 0 ]; then
    tap_result "not ok" "the stack and newman ran (see the log above)"
  fi
  tap_print
  if [ -n "${CARRETE_POSTMAN_KEEP:-}" ]; then
    echo "kept $STACK"
  else
    rm -rf "$STACK"
  fi
  for line in "${RESULTS[@]}"; do
    [[ $line == "not ok"* ]] && exit 1
  done
  exit "$status"
}
trap finish EXIT
trap 'exit 130' INT TERM

# ---- newman ---------------------------------------------------------------

command -v node >/dev/null && command -v npm >/dev/null ||
  die "node and npm are needed (Debian: apt-get install nodejs npm)"
NEWMAN=$NODE_DIR/node_modules/.bin/newman
installed=$(node -p "require('$NODE_DIR/node_modules/newman/package.json').version" 2>/dev/null || true)
if [ "$installed" != "$NEWMAN_VERSION" ]; then
  say "installing newman $NEWMAN_VERSION into $NODE_DIR"
  mkdir -p "$NODE_DIR"
  # Several test runs may share the cache: one installs, the others wait.
  flock "$NODE_DIR/.lock" npm install --no-save --no-audit --no-fund --loglevel=error \
    --prefix "$NODE_DIR" "newman@$NEWMAN_VERSION" || die "npm install newman@$NEWMAN_VERSION failed"
fi

# ---- the collection is what its generator makes ---------------------------

if python3 "$HERE/build-collection.py" --check; then
  tap_result ok "carrete.postman_collection.json is up to date with build-collection.py"
else
  tap_result "not ok" "carrete.postman_collection.json is up to date with build-collection.py"
fi

# ---- the stack ------------------------------------------------------------

for name in users folders photos; do
  [ -x "$BUILD_DIR/services/$name/carrete-$name" ] ||
    die "no $BUILD_DIR/services/$name/carrete-$name (build first, or set BUILD)"
done

# Four free loopback ports, asked of the kernel together so they differ.
read -r PG_PORT USERS_PORT FOLDERS_PORT PHOTOS_PORT < <(node -e '
  const net = require("net"); const servers = [], ports = [];
  (function next() {
    if (ports.length === 4) { console.log(ports.join(" ")); servers.forEach(s => s.close()); return; }
    const s = net.createServer().listen(0, "127.0.0.1", () => { ports.push(s.address().port); next(); });
    servers.push(s);
  })();')

# The postgres account must reach its data folder; the keys stay private.
chmod 711 "$STACK"
mkdir -p "$STACK/log" "$STACK/spool" "$STACK/storage"
ensure_keys "$STACK/keys" 2>/dev/null
pg_init "$STACK/pg"
pg_start "$STACK/pg" "$PG_PORT"
PG_UP=1

export CARRETE_USERS_URL=http://127.0.0.1:$USERS_PORT
export CARRETE_FOLDERS_URL=http://127.0.0.1:$FOLDERS_PORT
export CARRETE_PHOTOS_URL=http://127.0.0.1:$PHOTOS_PORT
export CARRETE_JWT_PUBLIC_KEY_FILE=$STACK/keys/jwt-public.pem
export CARRETE_ID_KEY_FILE=$STACK/keys/id.key

# start_service NAME PORT [VAR=VALUE...]: migrate, then serve in the
# background from the temp dir (so that no developer's .env is read).
start_service() {
  local name=$1 port=$2 url bin=$BUILD_DIR/services/$1/carrete-$1
  shift 2
  url=$(pg_service_database "$STACK/pg" "$PG_PORT" "carrete_$name")
  (cd "$STACK" && env "$@" CARRETE_DATABASE_URL="$url" "$bin" migrate) >>"$STACK/log/$name.log" 2>&1 ||
    { cat "$STACK/log/$name.log"; die "carrete-$name migrate failed"; }
  (cd "$STACK" && exec env "$@" CARRETE_DATABASE_URL="$url" CARRETE_LISTEN="127.0.0.1:$port" \
     "$bin" serve) >>"$STACK/log/$name.log" 2>&1 &
  PIDS[$name]=$!
  wait_for_http "http://127.0.0.1:$port/readyz" 1200 ||
    { cat "$STACK/log/$name.log"; die "carrete-$name did not become ready"; }
}

say "starting carrete-users, carrete-folders, carrete-photos from $BUILD_DIR"
start_service users "$USERS_PORT" CARRETE_JWT_PRIVATE_KEY_FILE="$STACK/keys/jwt-private.pem"
start_service folders "$FOLDERS_PORT"
start_service photos "$PHOTOS_PORT" CARRETE_STORAGE=fs CARRETE_STORAGE_DIR="$STACK/storage" \
  CARRETE_SPOOL_DIR="$STACK/spool" CARRETE_PUBLIC_URL="$CARRETE_PHOTOS_URL"

# ---- the collection -------------------------------------------------------

if [ -n "${CARRETE_POSTMAN_HOLD:-}" ]; then
  say "holding the stack: users $CARRETE_USERS_URL folders $CARRETE_FOLDERS_URL photos $CARRETE_PHOTOS_URL (Ctrl-C stops)"
  while sleep 1; do :; done
fi

say "running the Postman collection"
newman_status=0
"$NEWMAN" run "$HERE/carrete.postman_collection.json" \
  --environment "$HERE/local.postman_environment.json" \
  --env-var "users_url=$CARRETE_USERS_URL" \
  --env-var "folders_url=$CARRETE_FOLDERS_URL" \
  --env-var "photos_url=$CARRETE_PHOTOS_URL" \
  --working-dir "$CARRETE_ROOT" \
  --timeout-request 60000 \
  --color off --disable-unicode \
  --reporters cli,json --reporter-json-export "$STACK/newman.json" || newman_status=$?

NEWMAN_RAN=1
if [ -s "$STACK/newman.json" ]; then
  while IFS= read -r line; do
    RESULTS+=("$line")
  done < <(node "$HERE/newman-to-tap.js" "$STACK/newman.json")
else
  tap_result "not ok" "newman wrote no report (exit status $newman_status)"
fi
