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
source "$HERE/../harness/stack.sh"
stack_script_begin postman "the stack and newman ran"

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

read -r PG_PORT USERS_PORT FOLDERS_PORT PHOTOS_PORT < <(stack_free_ports 4)
stack_start_db "$PG_PORT"
stack_start_services "$USERS_PORT" "$FOLDERS_PORT" "$PHOTOS_PORT"

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

STACK_RAN=1
if [ -s "$STACK/newman.json" ]; then
  while IFS= read -r line; do
    RESULTS+=("$line")
  done < <(node "$HERE/newman-to-tap.js" "$STACK/newman.json")
else
  tap_result "not ok" "newman wrote no report (exit status $newman_status)"
fi
