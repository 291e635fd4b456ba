# What the command line's shell suites (test-cli.sh, test-cli-share.sh)
# share: the harness, the carrete binary, `expect` and a home of their own.
# Source it after setting HERE; then call stack_script_begin.
# shellcheck shell=bash

source "$HERE/../../scripts/lib.sh"
source "$HERE/../../scripts/postgres.sh"
BUILD_DIR=${CARRETE_BUILD_DIR:-$CARRETE_ROOT/${BUILD:-build-asan}}
CARRETE=$BUILD_DIR/cli/carrete
source "$HERE/../harness/stack.sh"
source "$HERE/../harness/http.sh"

# expect DESCRIPTION STATUS PATTERN COMMAND...: the command exits STATUS and
# says PATTERN (stdout or stderr; "" for anything).  OUT holds what it said.
expect() {
  local desc=$1 want=$2 pattern=$3 status=0
  shift 3
  OUT=$("$@" 2>&1) || status=$?
  if [ "$status" -ne "$want" ]; then
    tap_result "not ok" "$desc (exit $status, not $want): $(tail -n 3 <<<"$OUT")"
  elif [ -n "$pattern" ] && ! grep -q -- "$pattern" <<<"$OUT"; then
    tap_result "not ok" "$desc (no \"$pattern\" in: $(tail -n 3 <<<"$OUT"))"
  else
    tap_result ok "$desc"
  fi
}
# one_line: what the last command said is one line.
one_line() { [ "$(wc -l <<<"$OUT")" -eq 1 ]; }

# cli_start_stack: PostgreSQL and the three services on free ports, a home
# of the suite's own (cli_home) and a random $PASSWORD for its accounts.
cli_start_stack() {
  local ports
  read -r -a ports <<<"$(stack_free_ports 4)"
  stack_start_db "${ports[0]}"
  stack_start_services "${ports[1]}" "${ports[2]}" "${ports[3]}"
  cli_home
  PASSWORD=$(openssl rand -hex 12)
}

# cli_home: HOME and the XDG folders under $STACK/home; no D-Bus session, so
# the session goes to the file.
cli_home() {
  export HOME=$STACK/home XDG_CONFIG_HOME=$STACK/home/config XDG_CACHE_HOME=$STACK/home/cache \
    XDG_STATE_HOME=$STACK/home/state DBUS_SESSION_BUS_ADDRESS=unix:path=$STACK/no-bus
  unset DISPLAY WAYLAND_DISPLAY
  mkdir -p "$HOME"
}

# cli_register NAME: an account NAME with password $PASSWORD.
cli_register() {
  api POST "$CARRETE_USERS_URL/v1/auth/register" \
    "{\"username\":\"$1\",\"email\":\"$1@example.org\",\"password\":\"$PASSWORD\"}"
  [ "$CODE" = 201 ] || die "register $1: $CODE $BODY"
}
