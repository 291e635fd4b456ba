#!/usr/bin/env bash
# Proves that each service's OpenAPI document says exactly what the service
# does: schemathesis runs every check (positive and negative data, status
# codes, headers, response schemas, undeclared methods, the stateful phase
# through the documents' links) against a private stack, then a client
# generated from each document by openapi-python-client makes a short flow
# (tests/openapi/client-flow.py).  Prints TAP: one line per service for
# schemathesis (ok only with no failure and no error), one per step of the
# client flow, one per service saying it stopped cleanly on SIGTERM.
#
#   tests/openapi/run-schemathesis.sh            (Meson runs it: suite "openapi")
#   BUILD=build tests/openapi/run-schemathesis.sh        binaries of another build dir
#   CARRETE_OPENAPI_SEED=random tests/openapi/run-schemathesis.sh   a random seed
#                                   (printed, so that a finding can be replayed
#                                   with CARRETE_OPENAPI_SEED=<that seed>)
#   CARRETE_OPENAPI_EXAMPLES=30     examples per operation (default 200)
#   CARRETE_OPENAPI_SERVICES="users photos"   only these documents
#   CARRETE_OPENAPI_KEEP=1          keep the temp dir (logs, reports)
#
#   meson test -C build-asan --suite openapi     (part of the default test command)
#
# The stack (tests/harness/stack.sh): PostgreSQL, fresh keys, carrete-users,
# carrete-folders and carrete-photos on fs storage, on free loopback ports.
# schemathesis and openapi-python-client are installed once, pinned, into the
# venv .cache/openapi-venv (ignored by git); the clients are generated into the
# temp dir at every run and never committed.  Only TAP goes to stdout;
# schemathesis's own report (with every failure's text) goes to stderr.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/../../scripts/lib.sh"
source "$HERE/../../scripts/postgres.sh"

SCHEMATHESIS_VERSION=4.32.5
CLIENT_GENERATOR_VERSION=0.29.1
DEFAULT_SEED=20261206
VENV=$CARRETE_ROOT/.cache/openapi-venv
BUILD_DIR=${CARRETE_BUILD_DIR:-$CARRETE_ROOT/${BUILD:-build-asan}}
EXAMPLES=${CARRETE_OPENAPI_EXAMPLES:-200}
SERVICES=${CARRETE_OPENAPI_SERVICES:-users folders photos}
source "$HERE/../harness/stack.sh"
stack_script_begin openapi "the stack and schemathesis ran"

# ---- the tools, pinned ------------------------------------------------------

venv_current() {
  [ -x "$VENV/bin/schemathesis" ] && [ -x "$VENV/bin/openapi-python-client" ] &&
    [ "$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("schemathesis"), m.version("openapi-python-client"))' 2>/dev/null)" = \
      "$SCHEMATHESIS_VERSION $CLIENT_GENERATOR_VERSION" ]
}
install_tools() {
  venv_current && return 0
  say "installing schemathesis $SCHEMATHESIS_VERSION and openapi-python-client $CLIENT_GENERATOR_VERSION into $VENV"
  [ -x "$VENV/bin/pip" ] || python3 -m venv "$VENV" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check \
    "schemathesis==$SCHEMATHESIS_VERSION" "openapi-python-client==$CLIENT_GENERATOR_VERSION" ||
    die "pip install schemathesis==$SCHEMATHESIS_VERSION openapi-python-client==$CLIENT_GENERATOR_VERSION failed"
}
mkdir -p "$(dirname "$VENV")"
# Several test runs may share the cache: one installs, the others wait.
exec 9>"$VENV.lock"
flock 9
install_tools
flock -u 9

# ---- the stack --------------------------------------------------------------

read -r PG_PORT USERS_PORT FOLDERS_PORT PHOTOS_PORT < <(stack_free_ports 4)
# The hooks' and the client flow's logins name a client address of their own
# (X-Forwarded-For): schemathesis's failed logins, all from 127.0.0.1, soon
# use up that address's budget of the login throttle (429 from then on).
export CARRETE_TRUST_FORWARDED_FOR=true
stack_start_db "$PG_PORT"
stack_start_services "$USERS_PORT" "$FOLDERS_PORT" "$PHOTOS_PORT"
# The hooks make admin accounts for the admin-only operations with the
# service's own set-role command (scripts/make-admin.sh does the same).
export CARRETE_OPENAPI_USERS_BIN=$BUILD_DIR/services/users/carrete-users
CARRETE_OPENAPI_USERS_DB=$(pg_service_database "$STACK/pg" "$PG_PORT" carrete_users)
export CARRETE_OPENAPI_USERS_DB

# ---- schemathesis -----------------------------------------------------------

if [ "${CARRETE_OPENAPI_SEED:-}" = random ]; then
  SEED=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
else
  SEED=${CARRETE_OPENAPI_SEED:-$DEFAULT_SEED}
fi
say "schemathesis seed $SEED, $EXAMPLES examples per operation (replay: CARRETE_OPENAPI_SEED=$SEED)"

url_of() { local var="CARRETE_${1^^}_URL"; echo "${!var}"; }

run_schemathesis() {
  local name=$1 status=0 started summary
  started=$(date +%s)
  say "schemathesis against carrete-$name"
  (cd "$STACK" && PYTHONPATH=$HERE SCHEMATHESIS_HOOKS=hooks NO_COLOR=1 COLUMNS=120 \
    "$VENV/bin/schemathesis" --config-file "$HERE/schemathesis.toml" run "$CARRETE_ROOT/services/$name/openapi.json" \
      --url "$(url_of "$name")" \
      --checks all \
      --phases examples,coverage,fuzzing,stateful \
      --max-examples "$EXAMPLES" \
      --seed "$SEED" \
      --generation-database none \
      --continue-on-failure \
      --no-color \
      --report junit --report-dir "$STACK/reports/$name") >"$STACK/st-$name.txt" 2>&1 || status=$?
  cat "$STACK/st-$name.txt"
  summary=$(grep -E '^ *(=+ .* =+|[0-9]+ (failures?|errors?|passed).*)$' "$STACK/st-$name.txt" | tail -n 1 | sed 's/^ *=* *//; s/ *=*$//')
  if [ "$status" -eq 0 ]; then
    tap_result ok "schemathesis finds nothing in services/$name/openapi.json ($summary; $(($(date +%s) - started)) s)"
  else
    tap_result "not ok" "schemathesis finds nothing in services/$name/openapi.json (exit $status: ${summary:-see the report above}; $(($(date +%s) - started)) s)"
  fi
}

for name in $SERVICES; do
  run_schemathesis "$name"
done

# ---- clients generated from the documents -----------------------------------

mkdir -p "$STACK/clients"
for name in users folders photos; do
  say "generating the Python client of services/$name/openapi.json"
  if (cd "$STACK/clients" && "$VENV/bin/openapi-python-client" generate \
        --path "$CARRETE_ROOT/services/$name/openapi.json" \
        --output-path "$STACK/clients/carrete_$name" --meta none); then
    tap_result ok "openapi-python-client generates a client from services/$name/openapi.json"
  else
    tap_result "not ok" "openapi-python-client generates a client from services/$name/openapi.json"
  fi
done
while IFS= read -r line; do
  RESULTS+=("$line")
done < <(PYTHONPATH="$STACK/clients" "$VENV/bin/python" "$HERE/client-flow.py" "$CARRETE_ROOT/tests/postman/fixtures" || true)
STACK_RAN=1
